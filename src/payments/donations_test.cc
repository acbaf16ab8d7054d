#include "payments/donations.h"

#include <gtest/gtest.h>

#include "members/test_fixture.h"
#include "payments/billing.h"
#include "payments/test_fixtures.h"

namespace cinepress {
namespace {

constexpr int64_t kT = 1800000000;

class Donations : public MembersFixture {
 protected:
  void SetUp() override {
    MembersFixture::SetUp();
    site_.payments.provider = "stripe";
    site_.payments.donation_amounts = {500, 1000, 2500};
    site_.payments.donation_currency = "usd";
  }
  // Stripe's example session of a paid one-off donation.
  nlohmann::json Session(const std::string& id, int64_t amount, nlohmann::json more = {}) {
    auto s = StripeObject("checkout.session", {{"id", id},
                                               {"mode", "payment"},
                                               {"payment_status", "paid"},
                                               {"amount_total", amount},
                                               {"currency", "usd"},
                                               {"payment_intent", "pi_" + id},
                                               {"metadata", {{"purpose", "donation"}}}});
    s["customer_details"]["email"] = "giver@example.com";
    s["customer_details"]["name"] = "Giver, Kind";
    if (more.is_object()) s.update(more);
    return s;
  }
  // Stripe's example invoice of a monthly donation's subscription (the 2025 API's `parent`).
  nlohmann::json Invoice(const std::string& id, int64_t period_end) {
    auto inv = StripeObject("invoice", {{"id", id},
                                        {"amount_paid", 700},
                                        {"currency", "jpy"},
                                        {"customer_email", "monthly@example.com"},
                                        {"customer_name", "Mo"},
                                        {"period_end", period_end}});
    inv["parent"] = {{"type", "subscription_details"},
                     {"subscription_details",
                      {{"metadata", {{"purpose", "donation"}}}, {"subscription", "sub_D"}}}};
    return inv;
  }
  StripeEventOutcome Apply(const std::string& id, const std::string& type,
                           const nlohmann::json& object, int64_t created) {
    auto r = ApplyStripeEvent(*store_, site_, StripeEvent(id, type, object, created), kT + 10);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : StripeEventOutcome{};
  }
  std::vector<TierGrant> DonationGrantsOf(const std::string& email) {
    std::vector<TierGrant> out;
    auto m = store_->FindMember(email);
    if (!m.ok() || !m->has_value()) return out;
    auto all = store_->LoadGrants((*m)->id);
    if (!all.ok()) return out;
    for (const TierGrant& g : *all) {
      if (g.source == "donation") out.push_back(g);
    }
    return out;
  }
};

TEST(DonationAmount, ReadsWhatAReaderTypesInTheCurrencysOwnUnits) {
  EXPECT_EQ(*ParseDonationAmount("25", "usd"), 2500);
  EXPECT_EQ(*ParseDonationAmount(" 12.5 ", "usd"), 1250);
  EXPECT_EQ(*ParseDonationAmount("12.05", "eur"), 1205);
  EXPECT_EQ(*ParseDonationAmount("1,000", "usd"), 100000);
  EXPECT_EQ(*ParseDonationAmount("500", "jpy"), 500);  // yen have no minor unit
  for (const char* bad : {"", "abc", "12.345", "-5", "1e3", "1.2.3", "99999999999999999999"}) {
    auto r = ParseDonationAmount(bad, "usd");
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().field, "amount");
    }
  }
  EXPECT_FALSE(ParseDonationAmount("5.5", "jpy").ok());
}

TEST(DonationAmount, TheTypedAmountWinsElseAPresetOfTheConfig) {
  PaymentsConfig p;
  p.donation_amounts = {500, 1000};
  p.donation_currency = "eur";
  EXPECT_EQ(*DonationAmountOf(p, "500", ""), 500);
  EXPECT_EQ(*DonationAmountOf(p, "other", "7.50"), 750);
  EXPECT_EQ(*DonationAmountOf(p, "500", "20"), 2000);
  EXPECT_FALSE(DonationAmountOf(p, "other", " ").ok());
  EXPECT_FALSE(DonationAmountOf(p, "1", "").ok());  // not a preset: a forged form
}

TEST_F(Donations, AOneOffCheckoutIsPaymentModeWithTheAmountAsPriceData) {
  StripeRecorder stripe;
  stripe.Answer("POST", "/v1/checkout/sessions", {{"url", "https://checkout.example/cs_1"}});
  auto url = StartDonationCheckout(stripe, *store_, site_, {2500, false, 0, "a@example.com"});
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  EXPECT_EQ(*url, "https://checkout.example/cs_1");
  const auto requests = stripe.Requests();
  const auto& p = requests.at(0).params;
  EXPECT_EQ(p["mode"], "payment");
  EXPECT_EQ(p["line_items"][0]["price_data"]["unit_amount"], 2500);
  EXPECT_EQ(p["line_items"][0]["price_data"]["currency"], "usd");
  EXPECT_FALSE(p["line_items"][0]["price_data"].contains("recurring"));
  EXPECT_EQ(p["metadata"]["purpose"], "donation");
  EXPECT_EQ(p["payment_intent_data"]["metadata"]["purpose"], "donation");
  EXPECT_EQ(p["customer_email"], "a@example.com");
  EXPECT_EQ(p["success_url"],
            "https://changeover.example/donate/thanks/?session={CHECKOUT_SESSION_ID}");
}

TEST_F(Donations, AMonthlyCheckoutIsASubscriptionOfAMonthlyPrice) {
  StripeRecorder stripe;
  stripe.Answer("POST", "/v1/checkout/sessions", {{"url", "https://checkout.example/cs_2"}});
  ASSERT_TRUE(StartDonationCheckout(stripe, *store_, site_, {1000, true, 0, ""}).ok());
  const auto requests = stripe.Requests();
  const auto& p = requests.at(0).params;
  EXPECT_EQ(p["mode"], "subscription");
  EXPECT_EQ(p["line_items"][0]["price_data"]["recurring"]["interval"], "month");
  EXPECT_EQ(p["subscription_data"]["metadata"]["purpose"], "donation");
  EXPECT_FALSE(p.contains("customer_email"));  // Stripe asks for it
}

TEST_F(Donations, TooSmallOrOffIsRefusedBeforeStripe) {
  StripeRecorder stripe;
  site_.payments.donation_minimum = 300;
  auto small = StartDonationCheckout(stripe, *store_, site_, {299, false, 0, ""});
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.error().field, "amount");
  EXPECT_NE(small.error().message.find("$3.00"), std::string::npos);
  site_.payments.donation_monthly = false;
  EXPECT_FALSE(StartDonationCheckout(stripe, *store_, site_, {500, true, 0, ""}).ok());
  site_.payments.donation_amounts.clear();
  EXPECT_EQ(StartDonationCheckout(stripe, *store_, site_, {500, false, 0, ""}).error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(stripe.Requests().empty());
}

TEST_F(Donations, AOneOffDonationIsRecordedOnceAndMakesNoMember) {
  auto done = Apply("evt_1", "checkout.session.completed", Session("cs_1", 2500), kT);
  EXPECT_NE(done.note.find("one-off donation cs_1"), std::string::npos) << done.note;
  EXPECT_EQ(done.new_member_email, "");
  // Stripe's second delivery, and the same session in another event: one donation.
  EXPECT_TRUE(Apply("evt_1", "checkout.session.completed", Session("cs_1", 2500), kT).duplicate);
  Apply("evt_2", "checkout.session.completed", Session("cs_1", 2500), kT);
  auto all = store_->LoadDonations();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].amount, 2500);
  EXPECT_EQ((*all)[0].email, "giver@example.com");
  EXPECT_EQ((*all)[0].payment_intent, "pi_cs_1");
  EXPECT_FALSE(store_->FindMember("giver@example.com")->has_value());
}

TEST_F(Donations, SessionsThatAreNotPaidDonationsAreNotDonations) {
  Apply("evt_1", "checkout.session.completed", Session("cs_1", 2500, {{"metadata", {}}}), kT);
  Apply("evt_2", "checkout.session.completed",
        Session("cs_2", 2500, {{"payment_status", "unpaid"}}), kT);
  // A monthly donation's session: recorded by its invoices, and no member is made.
  auto monthly = Apply("evt_3", "checkout.session.completed",
                       Session("cs_3", 1000, {{"mode", "subscription"}}), kT);
  EXPECT_EQ(monthly.new_member_email, "");
  EXPECT_TRUE(store_->LoadDonations()->empty());
  EXPECT_FALSE(store_->FindMember("giver@example.com")->has_value());
}

TEST_F(Donations, EachPaidInvoiceOfAMonthlyDonationIsADonation) {
  // Its subscription is for no tier: kept out of memberships.
  auto sub = StripeObject("subscription", {{"id", "sub_D"},
                                           {"customer", "cus_D"},
                                           {"status", "active"},
                                           {"metadata", {{"purpose", "donation"}}}});
  Apply("evt_0", "customer.subscription.created", sub, kT);
  EXPECT_FALSE(store_->LoadStripeSubscription("sub_D")->has_value());
  Apply("evt_1", "invoice.paid", Invoice("in_1", kT + 30 * 86400), kT);
  Apply("evt_2", "invoice.paid", Invoice("in_2", kT + 60 * 86400), kT + 30 * 86400);
  auto all = store_->LoadDonations();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].kind, "monthly");
  EXPECT_EQ((*all)[0].amount, 700);
  EXPECT_EQ((*all)[0].currency, "jpy");
  EXPECT_EQ((*all)[0].subscription, "sub_D");
  EXPECT_EQ((*all)[1].name, "Mo");
}

TEST_F(Donations, AFullRefundMarksTheDonationRefundedAPartialOneDoesNot) {
  Apply("evt_1", "checkout.session.completed", Session("cs_1", 2500), kT);
  auto charge = StripeObject(
      "charge", {{"payment_intent", "pi_cs_1"}, {"refunded", false}, {"amount_refunded", 500}});
  Apply("evt_2", "charge.refunded", charge, kT + 5);
  EXPECT_EQ((*store_->LoadDonations())[0].refunded_at, 0);
  charge["refunded"] = true;
  charge["amount_refunded"] = 2500;
  auto done = Apply("evt_3", "charge.refunded", charge, kT + 6);
  EXPECT_NE(done.note.find("refunded"), std::string::npos) << done.note;
  EXPECT_EQ((*store_->LoadDonations())[0].refunded_at, kT + 10);
}

TEST_F(Donations, AMonthlyDonationsRefundIsFoundThroughItsInvoiceOnTheCurrentApi) {
  Apply("evt_1", "invoice.paid", Invoice("in_1", kT + 30 * 86400), kT);
  Apply("evt_2", "invoice.paid", Invoice("in_2", kT + 60 * 86400), kT + 30 * 86400);
  // The 2025 API: the invoice names no payment intent; invoice_payment.paid does.
  Apply("evt_3", "invoice_payment.paid",
        StripeObject("invoice_payment",
                     {{"invoice", "in_2"},
                      {"payment", {{"type", "payment_intent"}, {"payment_intent", "pi_m2"}}}}),
        kT + 30 * 86400);
  auto charge =
      StripeObject("charge", {{"id", "ch_m2"}, {"payment_intent", "pi_m2"}, {"refunded", true}});
  auto done = Apply("evt_4", "charge.refunded", charge, kT + 31 * 86400);
  EXPECT_NE(done.note.find("in_2"), std::string::npos) << done.note;
  auto all = store_->LoadDonations();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].refunded_at, 0);  // the other month stands
  EXPECT_EQ((*all)[1].refunded_at, kT + 10);
}

TEST_F(Donations, AConfiguredTierIsGrantedForADonationLargeEnoughAndEndsWithItsRefund) {
  site_.payments.donation_grants_tier = "supporter";
  site_.payments.donation_grant_minimum = 1000;
  Apply("evt_1", "checkout.session.completed", Session("cs_small", 500), kT);
  EXPECT_FALSE(store_->FindMember("giver@example.com")->has_value());
  auto done = Apply("evt_2", "checkout.session.completed", Session("cs_1", 2500), kT);
  EXPECT_EQ(done.new_member_email, "giver@example.com");
  auto grants = DonationGrantsOf("giver@example.com");
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].tier, "supporter");
  EXPECT_EQ(grants[0].until, kT + 10 + kDonationGrantSeconds);
  // A second donation adds a year to what is left.
  Apply("evt_3", "checkout.session.completed", Session("cs_2", 1000), kT);
  EXPECT_EQ(DonationGrantsOf("giver@example.com")[0].until, kT + 10 + 2 * kDonationGrantSeconds);
  auto charge = StripeObject("charge", {{"payment_intent", "pi_cs_2"}, {"refunded", true}});
  Apply("evt_4", "charge.refunded", charge, kT + 6);
  EXPECT_TRUE(DonationGrantsOf("giver@example.com").empty());
}

TEST_F(Donations, TheListAndItsCsvSayWhoGaveWhatInTheCurrencysUnits) {
  std::vector<Donation> all = {
      {"cs_1", "one-off", "Giver, Kind", "giver@example.com", 2505, "usd", kT, "pi_1", "", 0},
      {"in_1", "monthly", "", "mo@example.com", 700, "jpy", kT + 86400, "", "sub_D", kT + 90000}};
  EXPECT_EQ(DonationsCsv(all),
            "date,name,email,amount,currency,kind,refunded\r\n"
            "2027-01-15T08:00:00Z,\"Giver, Kind\",\"giver@example.com\",25.05,\"usd\",one-off,\r\n"
            "2027-01-16T08:00:00Z,\"\",\"mo@example.com\",700,\"jpy\",monthly,"
            "2027-01-16T09:00:00Z\r\n");
  const std::string text = DonationsText(all, "en");
  EXPECT_NE(text.find("$25.05"), std::string::npos) << text;
  EXPECT_NE(text.find("¥700"), std::string::npos) << text;
  EXPECT_NE(text.find("refunded"), std::string::npos) << text;
  EXPECT_NE(text.find("2 donation(s)"), std::string::npos) << text;
}

}  // namespace
}  // namespace cinepress
