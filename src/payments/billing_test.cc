#include "payments/billing.h"

#include <gtest/gtest.h>

#include "members/test_fixture.h"
#include "payments/test_fixtures.h"

namespace cinepress {
namespace {

constexpr int64_t kT = 1800000000;
constexpr int64_t kPeriodEnd = kT + 30 * 86400;

class Billing : public MembersFixture {
 protected:
  void SetUp() override {
    MembersFixture::SetUp();
    site_.payments.provider = "stripe";
    site_.payments.grace_days = 5;
  }
  // Stripe's example subscription as ours: customer cus_A, the supporter tier in its metadata.
  nlohmann::json Subscription(const std::string& status, nlohmann::json more = {}) {
    nlohmann::json s = StripeObject(
        "subscription", {{"id", "sub_A"},
                         {"customer", "cus_A"},
                         {"status", status},
                         {"cancel_at_period_end", false},
                         {"created", kT},
                         {"metadata", {{"tier", "supporter"}, {"email", "new@reader.example"}}}});
    if (!s["items"]["data"].empty()) {
      s["items"]["data"][0]["current_period_end"] = kPeriodEnd;
      s["items"]["data"][0]["price"]["unit_amount"] = 500;
    }
    if (more.is_object()) s.update(more);
    return s;
  }
  StripeEventOutcome Apply(const std::string& id, const std::string& type,
                           const nlohmann::json& object, int64_t created) {
    auto r = ApplyStripeEvent(*store_, site_, StripeEvent(id, type, object, created), kT + 10);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : StripeEventOutcome{};
  }
  std::vector<TierGrant> GrantsOf(const std::string& email) {
    auto m = store_->FindMember(email);
    if (!m.ok() || !m->has_value()) return {};
    auto all = store_->LoadGrants((*m)->id);
    std::vector<TierGrant> out;
    if (!all.ok()) return out;
    for (const TierGrant& g : *all) {
      if (g.source == "stripe") out.push_back(g);  // a new member also holds the free tier
    }
    return out;
  }
};

TEST_F(Billing, CheckoutMakesTheReaderAMemberAndTheSubscriptionGrantsTheTier) {
  auto session = StripeObject("checkout.session", {{"id", "cs_1"},
                                                   {"mode", "subscription"},
                                                   {"customer", "cus_A"},
                                                   {"client_reference_id", nullptr},
                                                   {"customer_email", "new@reader.example"}});
  session["customer_details"]["email"] = "new@reader.example";
  auto done = Apply("evt_1", "checkout.session.completed", session, kT);
  EXPECT_TRUE(done.handled);
  EXPECT_EQ(done.new_member_email, "new@reader.example");
  auto member = store_->FindMember("new@reader.example");
  ASSERT_TRUE(member->has_value());
  EXPECT_EQ((*member)->stripe_customer_id, "cus_A");

  // Their sign-in link is queued in the event's transaction, once.
  EXPECT_EQ(done.queued, 1u);
  auto outbox = newsletters_->LoadOutbox(10);
  ASSERT_TRUE(outbox.ok()) << outbox.error().ToString();
  ASSERT_EQ(outbox->size(), 1u);
  auto link = ParseMessage((*outbox)[0].message);
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->to.email, "new@reader.example");
  EXPECT_NE(link->text.find("https://changeover.example/account/sign-in/confirm/?token="),
            std::string::npos)
      << link->text;
  EXPECT_TRUE(Apply("evt_1", "checkout.session.completed", session, kT).duplicate);
  EXPECT_EQ(*newsletters_->CountQueuedMail(), 1);

  auto created = Apply("evt_2", "customer.subscription.created", Subscription("active"), kT + 1);
  EXPECT_EQ(created.new_member_email, "");  // the same member, found by the customer
  EXPECT_EQ(created.queued, 0u);
  auto grants = GrantsOf("new@reader.example");
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].tier, "supporter");
  EXPECT_EQ(grants[0].source, "stripe");
  EXPECT_EQ(grants[0].until, kPeriodEnd + kRenewalSlack);
  auto kept = store_->LoadStripeSubscription("sub_A");
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->amount, 500);
  EXPECT_EQ((*kept)->interval, "month");
  EXPECT_EQ((*kept)->state_at, kT + 1);
}

TEST_F(Billing, APaymentModeCheckoutMakesNoMember) {
  auto session = StripeObject("checkout.session", {{"id", "cs_2"},
                                                   {"mode", "payment"},
                                                   {"customer", "cus_B"},
                                                   {"customer_email", "donor@reader.example"}});
  session["customer_details"]["email"] = "donor@reader.example";
  auto done = Apply("evt_1", "checkout.session.completed", session, kT);
  EXPECT_TRUE(done.handled);
  EXPECT_EQ(done.new_member_email, "");
  EXPECT_FALSE(store_->FindMember("donor@reader.example")->has_value());
}

TEST_F(Billing, ASubscriptionEventAloneMakesItsMemberToo) {
  // Stripe does not promise order: the subscription may come before the checkout.
  auto out = Apply("evt_1", "customer.subscription.created", Subscription("trialing"), kT);
  EXPECT_EQ(out.new_member_email, "new@reader.example");
  EXPECT_EQ(GrantsOf("new@reader.example").size(), 1u);
}

TEST_F(Billing, ADuplicateChangesNothing) {
  Apply("evt_1", "customer.subscription.created", Subscription("active"), kT);
  const int64_t version = *store_->Version();
  auto again = Apply("evt_1", "customer.subscription.created", Subscription("active"), kT);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(*store_->Version(), version);
  // Even when it would say something else now: an event id is applied once.
  auto changed = Apply("evt_1", "customer.subscription.created", Subscription("canceled"), kT);
  EXPECT_TRUE(changed.duplicate);
  EXPECT_EQ(GrantsOf("new@reader.example").size(), 1u);
}

TEST_F(Billing, AnOlderEventNeverOverwritesANewerState) {
  Apply("evt_2", "customer.subscription.deleted", Subscription("canceled"), kT + 60);
  auto late = Apply("evt_1", "customer.subscription.created", Subscription("active"), kT);
  EXPECT_NE(late.note.find("older"), std::string::npos) << late.note;
  EXPECT_TRUE(GrantsOf("new@reader.example").empty());
  EXPECT_EQ((*store_->LoadStripeSubscription("sub_A"))->status, "canceled");
  // In the same second, an ended subscription stays ended.
  Apply("evt_3", "customer.subscription.updated", Subscription("active"), kT + 60);
  EXPECT_TRUE(GrantsOf("new@reader.example").empty());
}

TEST_F(Billing, PastDueKeepsAccessForTheGracePeriodAndMailsOnce) {
  Apply("evt_1", "customer.subscription.created", Subscription("active"), kT);
  auto due = Apply("evt_2", "customer.subscription.updated", Subscription("past_due"), kT + 100);
  ASSERT_EQ(due.mail.size(), 1u);
  EXPECT_EQ(due.mail[0].to.email, "new@reader.example");
  // Queued in the outbox by the event's own transaction, not left to the caller.
  EXPECT_EQ(due.queued, 1u);
  auto outbox = newsletters_->ClaimDueMail(kT + 1000, 60, 10);
  ASSERT_TRUE(outbox.ok()) << outbox.error().ToString();
  ASSERT_EQ(outbox->size(), 2u);  // the new member's sign-in link, then the notice
  auto queued = ParseMessage((*outbox)[1].message);
  ASSERT_TRUE(queued.has_value());
  EXPECT_EQ(queued->to.email, "new@reader.example");
  EXPECT_NE(due.mail[0].text.find("5 more days"), std::string::npos);
  auto grants = GrantsOf("new@reader.example");
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].until, kT + 100 + 5 * 86400);
  auto still = Apply("evt_3", "customer.subscription.updated", Subscription("past_due"), kT + 200);
  EXPECT_TRUE(still.mail.empty());
  EXPECT_EQ(GrantsOf("new@reader.example")[0].until, kT + 100 + 5 * 86400);
  Apply("evt_4", "customer.subscription.updated", Subscription("unpaid"), kT + 300);
  EXPECT_TRUE(GrantsOf("new@reader.example").empty());
}

TEST_F(Billing, InvoicePaidRecoversAndExtends) {
  Apply("evt_1", "customer.subscription.created", Subscription("past_due"), kT);
  auto invoice = StripeObject("invoice", {{"id", "in_1"}, {"subscription", "sub_A"}});
  invoice["lines"]["data"][0]["period"] = {{"start", kPeriodEnd}, {"end", kPeriodEnd + 86400 * 30}};
  Apply("evt_2", "invoice.paid", invoice, kT + 10);
  auto kept = *store_->LoadStripeSubscription("sub_A");
  EXPECT_EQ(kept->status, "active");
  EXPECT_EQ(kept->current_period_end, kPeriodEnd + 86400 * 30);
  EXPECT_EQ(GrantsOf("new@reader.example")[0].until, kPeriodEnd + 86400 * 30 + kRenewalSlack);
}

TEST_F(Billing, CancelledAtPeriodEndReadsToTheEndAndNoLonger) {
  Apply("evt_1", "customer.subscription.created", Subscription("active"), kT);
  Apply("evt_2", "customer.subscription.updated",
        Subscription("active", {{"cancel_at_period_end", true}}), kT + 10);
  EXPECT_EQ(GrantsOf("new@reader.example")[0].until, kPeriodEnd);
  Apply("evt_3", "customer.subscription.deleted", Subscription("canceled"), kPeriodEnd);
  EXPECT_TRUE(GrantsOf("new@reader.example").empty());
}

// A renewal paid the way Stripe's 2025 API tells it: invoice.paid names no payment intent, and
// invoice_payment.paid (before or after it) names the invoice's payment intent.
class Refunds : public Billing {
 protected:
  void SetUp() override {
    Billing::SetUp();
    Apply("evt_s", "customer.subscription.created", Subscription("active"), kT);
  }
  void PayInvoice(const std::string& invoice, int64_t period_end, const std::string& intent,
                  bool payment_first = false) {
    auto inv = StripeObject("invoice", {{"id", invoice}, {"subscription", nullptr}});
    inv["parent"] = {{"type", "subscription_details"},
                     {"subscription_details", {{"metadata", nullptr}, {"subscription", "sub_A"}}}};
    inv["lines"]["data"][0]["period"] = {{"start", period_end - 30 * 86400}, {"end", period_end}};
    auto payment = StripeObject(
        "invoice_payment", {{"id", "inpay_" + invoice},
                            {"invoice", invoice},
                            {"payment", {{"type", "payment_intent"}, {"payment_intent", intent}}}});
    if (payment_first) Apply("evt_p" + invoice, "invoice_payment.paid", payment, kT + 2);
    Apply("evt_i" + invoice, "invoice.paid", inv, kT + 3);
    if (!payment_first) Apply("evt_p" + invoice, "invoice_payment.paid", payment, kT + 4);
  }
  nlohmann::json Charge(const std::string& intent, bool refunded) {
    return StripeObject("charge", {{"id", "ch_" + intent},
                                   {"payment_intent", intent},
                                   {"refunded", refunded},
                                   {"amount", 500},
                                   {"amount_refunded", refunded ? 500 : 100}});
  }
};

TEST_F(Refunds, AFullRefundOfTheCurrentPeriodEndsAccessAPartialOneDoesNot) {
  PayInvoice("in_1", kPeriodEnd, "pi_1");
  ASSERT_EQ(GrantsOf("new@reader.example").size(), 1u);
  Apply("evt_r1", "charge.refunded", Charge("pi_1", false), kT + 5);
  EXPECT_EQ(GrantsOf("new@reader.example").size(), 1u);  // partial: the period stays paid
  auto done = Apply("evt_r2", "charge.refunded", Charge("pi_1", true), kT + 6);
  EXPECT_NE(done.note.find("grants nothing"), std::string::npos) << done.note;
  EXPECT_TRUE(GrantsOf("new@reader.example").empty());
  // A later event about the subscription (still active in Stripe) does not give it back ...
  Apply("evt_u", "customer.subscription.updated", Subscription("active"), kT + 7);
  EXPECT_TRUE(GrantsOf("new@reader.example").empty());
  // ... but the next period, paid, does.
  PayInvoice("in_2", kPeriodEnd + 30 * 86400, "pi_2");
  ASSERT_EQ(GrantsOf("new@reader.example").size(), 1u);
  EXPECT_EQ(GrantsOf("new@reader.example")[0].until, kPeriodEnd + 30 * 86400 + kRenewalSlack);
}

TEST_F(Refunds, TheChargeIsFoundWhicheverOfItsEventsCameFirstAndByItsOwnId) {
  PayInvoice("in_1", kPeriodEnd, "pi_1", /*payment_first=*/true);
  auto by_charge = Charge("pi_other", true);
  by_charge["id"] = "ch_x";
  by_charge["payment_intent"] = nullptr;
  Apply("evt_r0", "charge.refunded", by_charge, kT + 5);  // a charge this site never saw
  EXPECT_EQ(GrantsOf("new@reader.example").size(), 1u);
  Apply("evt_r1", "charge.refunded", Charge("pi_1", true), kT + 6);
  EXPECT_TRUE(GrantsOf("new@reader.example").empty());
}

TEST_F(Refunds, RefundingAnOlderPeriodLeavesTheCurrentOnePaid) {
  PayInvoice("in_1", kPeriodEnd, "pi_1");
  PayInvoice("in_2", kPeriodEnd + 30 * 86400, "pi_2");
  Apply("evt_r", "charge.refunded", Charge("pi_1", true), kT + 6);
  ASSERT_EQ(GrantsOf("new@reader.example").size(), 1u);
  EXPECT_EQ(GrantsOf("new@reader.example")[0].until, kPeriodEnd + 30 * 86400 + kRenewalSlack);
}

TEST_F(Refunds, ADisputeSuspendsAccessUntilItIsWon) {
  PayInvoice("in_1", kPeriodEnd, "pi_1");
  auto dispute = StripeObject(
      "dispute", {{"charge", "ch_pi_1"}, {"payment_intent", "pi_1"}, {"status", "needs_response"}});
  Apply("evt_d1", "charge.dispute.created", dispute, kT + 5);
  EXPECT_TRUE(GrantsOf("new@reader.example").empty());
  dispute["status"] = "lost";
  Apply("evt_d2", "charge.dispute.closed", dispute, kT + 6);
  EXPECT_TRUE(GrantsOf("new@reader.example").empty());
  dispute["status"] = "won";
  Apply("evt_d3", "charge.dispute.closed", dispute, kT + 7);
  ASSERT_EQ(GrantsOf("new@reader.example").size(), 1u);
  EXPECT_EQ(GrantsOf("new@reader.example")[0].until, kPeriodEnd + kRenewalSlack);
}

TEST_F(Billing, OtherEventsAreRecordedAndAcknowledged) {
  auto refund = Apply("evt_1", "charge.refunded",
                      StripeObject("charge", {{"refunded", true}, {"amount_refunded", 100}}), kT);
  EXPECT_TRUE(refund.handled);
  EXPECT_NE(refund.note.find("refunded 100"), std::string::npos) << refund.note;
  auto dispute = Apply("evt_2", "charge.dispute.created", StripeObject("dispute"), kT);
  EXPECT_TRUE(dispute.handled);
  auto unknown = Apply("evt_3", "customer.tax_id.created", StripeObject("tax_id"), kT);
  EXPECT_FALSE(unknown.handled);
  EXPECT_TRUE(Apply("evt_3", "customer.tax_id.created", StripeObject("tax_id"), kT).duplicate);
  auto other_tier = Apply("evt_4", "customer.subscription.created",
                          Subscription("active", {{"metadata", nlohmann::json::object()}}), kT);
  EXPECT_NE(other_tier.note.find("no tier"), std::string::npos) << other_tier.note;
  EXPECT_FALSE(store_->FindMember("new@reader.example")->has_value());
  for (const char* bad : {"", "{}", "[1]", R"({"id":"evt_9","type":"x","data":{}})"}) {
    auto r = ApplyStripeEvent(*store_, site_, bad, kT);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  }
}

TEST_F(Billing, ATierIsFoundByItsPriceWhenTheMetadataSaysNone) {
  site_.tiers[0].stripe_yearly_price = "price_year";
  auto s = Subscription("active", {{"metadata", nlohmann::json::object()}});
  s["items"]["data"][0]["price"]["id"] = "price_year";
  EXPECT_EQ(TierOfSubscription(s, site_, {}), "supporter");
  s["items"]["data"][0]["price"]["id"] = "price_synced";
  EXPECT_EQ(
      TierOfSubscription(s, site_, {{"supporter", "month", "price_synced", "prod", 500, "usd"}}),
      "supporter");
  EXPECT_EQ(TierOfSubscription(s, site_, {}), "");
}

}  // namespace
}  // namespace cinepress
