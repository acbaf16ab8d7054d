#include "payments/checkout.h"

#include <gtest/gtest.h>

#include "members/test_fixture.h"
#include "payments/report.h"
#include "payments/test_fixtures.h"

namespace cinepress {
namespace {

constexpr int64_t kT = 1796083200;  // 2026-12-01 00:00 UTC

class Checkout : public MembersFixture {
 protected:
  void SetUp() override {
    MembersFixture::SetUp();
    site_.tiers[0].yearly_price = 5000;
    TierConfig patron;
    patron.slug = "patron";
    patron.name = "Patron";
    patron.monthly_price = 1500;
    patron.currency = "jpy";
    patron.stripe_monthly_price = "price_own";
    site_.tiers.push_back(patron);
  }
  StripeRecorder stripe_;
};

TEST_F(Checkout, SyncMakesWhatIsMissingOnceAndKeepsTheIds) {
  stripe_.Answer("POST", "/v1/products", StripeObject("product", {{"id", "cinepress-supporter"}}));
  stripe_.Answer("GET", "/v1/prices", {{"object", "list"}, {"data", nlohmann::json::array()}});
  stripe_.Answer("POST", "/v1/prices", StripeObject("price", {{"id", "price_m"}}));
  stripe_.Answer("POST", "/v1/prices", StripeObject("price", {{"id", "price_y"}}));
  auto synced = SyncStripeCatalog(stripe_, *store_, site_);
  ASSERT_TRUE(synced.ok()) << synced.error().ToString();
  // supporter: month and year; patron (its own monthly price id is not ours to make, but its
  // product and price are synced too, for a site that drops the id).
  ASSERT_EQ(synced->size(), 3u);
  EXPECT_TRUE((*synced)[0].created);
  auto requests = stripe_.Requests();
  ASSERT_GE(requests.size(), 4u);
  EXPECT_EQ(requests[0].path, "/v1/products/cinepress-supporter");
  EXPECT_EQ(requests[1].params["id"], "cinepress-supporter");
  EXPECT_EQ(requests[1].idempotency_key, "cinepress-sync-cinepress-supporter");
  EXPECT_EQ(requests[2].params["lookup_keys"][0], "cinepress-supporter-month-500-usd");
  EXPECT_EQ(requests[3].params["recurring"]["interval"], "month");
  EXPECT_EQ(requests[3].params["unit_amount"], 500);
  EXPECT_EQ(requests[3].idempotency_key, "cinepress-sync-cinepress-supporter-month-500-usd");
  auto prices = *store_->LoadStripePrices();
  ASSERT_EQ(prices.size(), 3u);
  EXPECT_EQ(*PriceOfTier(site_, prices, "supporter", "month"), "price_m");
  EXPECT_EQ(*PriceOfTier(site_, prices, "supporter", "year"), "price_y");
  EXPECT_EQ(*PriceOfTier(site_, prices, "patron", "month"), "price_own");

  // Again: everything is found, nothing made.
  StripeRecorder again;
  again.Answer("GET", "/v1/products/cinepress-supporter", StripeObject("product"));
  again.Answer("GET", "/v1/products/cinepress-patron", StripeObject("product"));
  again.Answer("GET", "/v1/prices", {{"data", {{{"id", "price_m"}}}}});
  auto second = SyncStripeCatalog(again, *store_, site_);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  for (const SyncedPrice& p : *second) EXPECT_FALSE(p.created);
  for (const StripeRequest& r : again.Requests()) EXPECT_EQ(r.method, "GET");
}

TEST_F(Checkout, ASignedInMemberPaysAsThemselves) {
  ASSERT_TRUE(store_->SaveStripePrice({"supporter", "month", "price_m", "p", 500, "usd"}));
  Member m;
  m.email = "ann@reader.example";
  m.stripe_customer_id = "cus_ann";
  m.created = kT;
  const int64_t id = *store_->InsertMember(m);
  stripe_.Answer("POST", "/v1/checkout/sessions",
                 StripeObject("checkout.session", {{"url", "https://pay.example/cs_1"}}));
  auto url = StartSubscriptionCheckout(stripe_, *store_, site_, {"supporter", "month", id, ""});
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  EXPECT_EQ(*url, "https://pay.example/cs_1");
  const StripeRequest r = stripe_.Requests().back();
  EXPECT_EQ(r.params["mode"], "subscription");
  EXPECT_EQ(r.params["customer"], "cus_ann");
  EXPECT_FALSE(r.params.contains("customer_email"));
  EXPECT_EQ(r.params["client_reference_id"], std::to_string(id));
  EXPECT_EQ(r.params["line_items"][0]["price"], "price_m");
  EXPECT_EQ(r.params["subscription_data"]["metadata"]["tier"], "supporter");
  EXPECT_EQ(r.params["subscription_data"]["metadata"]["member_id"], std::to_string(id));
  EXPECT_EQ(r.params["success_url"],
            "https://changeover.example/membership/welcome/?session={CHECKOUT_SESSION_ID}");
  EXPECT_EQ(r.params["cancel_url"], "https://changeover.example/membership/?checkout=cancelled");
  EXPECT_EQ(r.idempotency_key.size(), 32u);
}

TEST_F(Checkout, AReaderWithoutAnAccountGivesAnAddress) {
  ASSERT_TRUE(store_->SaveStripePrice({"supporter", "year", "price_y", "p", 5000, "usd"}));
  stripe_.Answer("POST", "/v1/checkout/sessions",
                 StripeObject("checkout.session", {{"url", "https://pay.example/cs_2"}}));
  auto url = StartSubscriptionCheckout(stripe_, *store_, site_,
                                       {"supporter", "year", 0, "new@reader.example"});
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  const StripeRequest r = stripe_.Requests().back();
  EXPECT_EQ(r.params["customer_email"], "new@reader.example");
  EXPECT_FALSE(r.params.contains("client_reference_id"));
  EXPECT_EQ(r.params["subscription_data"]["metadata"]["email"], "new@reader.example");
  auto no_address =
      StartSubscriptionCheckout(stripe_, *store_, site_, {"supporter", "year", 0, ""});
  ASSERT_FALSE(no_address.ok());
  EXPECT_EQ(no_address.error().field, "email");
  auto unsynced = StartSubscriptionCheckout(stripe_, *store_, site_,
                                            {"supporter", "month", 0, "new@reader.example"});
  ASSERT_FALSE(unsynced.ok());
  EXPECT_NE(unsynced.error().message.find("payments sync"), std::string::npos);
  EXPECT_FALSE(StartSubscriptionCheckout(stripe_, *store_, site_,
                                         {"library", "month", 0, "new@reader.example"})
                   .ok());
}

TEST_F(Checkout, ThePortalIsForMembersWhoPaid) {
  Member m;
  m.email = "ann@reader.example";
  m.created = kT;
  m.id = *store_->InsertMember(m);
  EXPECT_EQ(OpenBillingPortal(stripe_, *store_, site_, m.id).error().code, ErrorCode::kNotFound);
  m.stripe_customer_id = "cus_ann";
  ASSERT_TRUE(store_->UpdateMember(m));
  stripe_.Answer("POST", "/v1/billing_portal/sessions",
                 StripeObject("billing_portal.session", {{"url", "https://portal.example/1"}}));
  EXPECT_EQ(*OpenBillingPortal(stripe_, *store_, site_, m.id), "https://portal.example/1");
  EXPECT_EQ(stripe_.Requests().back().params["return_url"], "https://changeover.example/account/");
}

TEST_F(Checkout, TheReportCountsMembersRevenueAndTheMonth) {
  Member m;
  m.created = kT;
  m.email = "a@r.example";
  const int64_t a = *store_->InsertMember(m);
  m.email = "b@r.example";
  const int64_t b = *store_->InsertMember(m);
  ASSERT_TRUE(store_->SaveGrant({0, a, "supporter", 0, "stripe", "", kT}));
  ASSERT_TRUE(store_->SaveGrant({0, b, "supporter", 0, "comp", "", kT}));
  ASSERT_TRUE(store_->SaveStripeSubscription(
      {"sub_a", a, "cus_a", "supporter", "year", "active", 5000, "usd", 0, false, 0, kT + 5}));
  ASSERT_TRUE(store_->SaveStripeSubscription(
      {"sub_b", b, "cus_b", "patron", "month", "past_due", 1500, "jpy", 0, false, 0, kT - 86400}));
  ASSERT_TRUE(store_->SaveStripeSubscription({"sub_c", b, "cus_b", "supporter", "month", "canceled",
                                              500, "usd", 0, false, 0, kT - 86400, kT + 100}));
  auto r = MakePaymentsReport(*store_, kT + 3600);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->month, "2026-12");
  EXPECT_EQ(r->members["supporter"], 2);
  EXPECT_EQ(r->paying["supporter"], 1);
  EXPECT_EQ(r->mrr["usd"], 416);  // 5000 a year
  EXPECT_EQ(r->mrr["jpy"], 1500);
  EXPECT_EQ(r->new_this_month, 1);
  EXPECT_EQ(r->cancelled_this_month, 1);
  const std::string metrics = PaymentsMetrics(*r);
  EXPECT_NE(metrics.find("cinepress_mrr_minor_units{currency=\"jpy\"} 1500\n"), std::string::npos);
  EXPECT_NE(metrics.find("cinepress_members{tier=\"supporter\"} 2\n"), std::string::npos);
  const std::string text = PaymentsReportText(*r, "en");
  EXPECT_NE(text.find("MRR jpy: 1500 (¥1,500)"), std::string::npos) << text;
}

TEST_F(Checkout, ReconcileReportsAndFixesWhatWebhooksMissed) {
  Member m;
  m.created = kT;
  m.email = "a@r.example";
  m.stripe_customer_id = "cus_a";
  const int64_t a = *store_->InsertMember(m);
  ASSERT_TRUE(store_->SaveStripeSubscription({"sub_a", a, "cus_a", "supporter", "month", "active",
                                              500, "usd", kT + 86400, false, 0, kT, 0, kT}));
  ASSERT_TRUE(store_->SaveStripeSubscription(
      {"sub_gone", a, "cus_a", "supporter", "month", "active", 500, "usd", 0, false, 0, kT}));
  auto s = StripeObject("subscription", {{"id", "sub_a"},
                                         {"customer", "cus_a"},
                                         {"status", "canceled"},
                                         {"cancel_at_period_end", false},
                                         {"metadata", {{"tier", "supporter"}}}});
  s["items"]["data"][0]["current_period_end"] = kT + 86400;
  stripe_.Answer("GET", "/v1/subscriptions",
                 {{"object", "list"}, {"data", {s}}, {"has_more", false}});
  auto report = ReconcileSubscriptions(stripe_, *store_, site_, false, kT + 10);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  ASSERT_EQ(report->size(), 2u);
  EXPECT_EQ((*report)[0].what, "status active -> canceled");
  EXPECT_FALSE((*report)[0].fixed);
  EXPECT_EQ((*report)[1].subscription, "sub_gone");
  EXPECT_EQ((*store_->LoadStripeSubscription("sub_a"))->status, "active");
  auto fixed = ReconcileSubscriptions(stripe_, *store_, site_, true, kT + 10);
  ASSERT_TRUE(fixed.ok()) << fixed.error().ToString();
  EXPECT_TRUE((*fixed)[0].fixed);
  EXPECT_EQ((*store_->LoadStripeSubscription("sub_a"))->status, "canceled");
  EXPECT_EQ(stripe_.Requests().back().params["status"], "all");
}

}  // namespace
}  // namespace cinepress
