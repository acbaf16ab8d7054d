#include "payments/gifts.h"

#include <gtest/gtest.h>

#include "core/tokens.h"
#include "members/members.h"
#include "members/test_fixture.h"
#include "payments/billing.h"
#include "payments/test_fixtures.h"

namespace cinepress {
namespace {

constexpr int64_t kT = 1800000000;  // 2027-01-15T08:00:00Z

class Gifts : public MembersFixture {
 protected:
  void SetUp() override {
    MembersFixture::SetUp();
    site_.payments.provider = "stripe";
    site_.tiers[0].yearly_price = 5000;  // supporter: 500 a month, 5000 a year
  }
  GiftRequest Request(const std::string& day = "") {
    return {"supporter", 3, "buyer@example.com", "Zoë", "zoe@example.com", "For the winter",
            day,         0};
  }
  // Starts a gift's checkout and returns its id (from the session's metadata).
  std::string Start(const GiftRequest& request) {
    StripeRecorder stripe;
    stripe.Answer("POST", "/v1/checkout/sessions", {{"url", "https://checkout.example/cs_g"}});
    auto url = StartGiftCheckout(stripe, *store_, site_, request, kT);
    EXPECT_TRUE(url.ok()) << url.error().ToString();
    auto requests = stripe.Requests();
    return requests.empty() ? "" : requests[0].params["metadata"]["gift_id"].get<std::string>();
  }
  StripeEventOutcome Paid(const std::string& gift, const std::string& event) {
    auto s =
        StripeObject("checkout.session", {{"id", "cs_" + gift},
                                          {"mode", "payment"},
                                          {"payment_status", "paid"},
                                          {"payment_intent", "pi_" + gift},
                                          {"metadata", {{"purpose", "gift"}, {"gift_id", gift}}}});
    auto r = ApplyStripeEvent(*store_, site_,
                              StripeEvent(event, "checkout.session.completed", s, kT), kT + 1);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : StripeEventOutcome{};
  }
  // The token in a recipient's message.
  static std::string TokenIn(const MailMessage& m) {
    const size_t at = m.text.find("&token=");
    if (at == std::string::npos) return "";
    const size_t end = m.text.find('\n', at);
    return m.text.substr(at + 7, end - at - 7);
  }
  TierGrant GiftGrantOf(int64_t member) {
    auto all = store_->LoadGrants(member);
    if (!all.ok()) return {};
    for (const TierGrant& g : *all) {
      if (g.source == "gift") return g;
    }
    return {};
  }
};

TEST(GiftPrice, MonthsOfTheMonthlyPriceOrTheYearlyOneForAYear) {
  TierConfig t;
  t.monthly_price = 500;
  EXPECT_EQ(GiftPrice(t, 3), 1500);
  EXPECT_EQ(GiftPrice(t, 12), 6000);
  t.yearly_price = 5000;
  EXPECT_EQ(GiftPrice(t, 6), 3000);
  EXPECT_EQ(GiftPrice(t, 12), 5000);
  EXPECT_EQ(GiftPrice(t, 5), 0);  // 3, 6 or 12 only
  t.monthly_price = 0;
  EXPECT_EQ(GiftPrice(t, 3), 1250);
}

TEST(GiftEnd, CalendarMonthsLaterAtTheSameTime) {
  EXPECT_EQ(AddMonths(kT, 3), kT + (31 + 28 + 31) * 86400);  // Jan 15 → Apr 15
  // 2027-01-31T00:00:00Z + 1 month: February's last day.
  EXPECT_EQ(AddMonths(1801353600, 1), 1801353600 + 28 * 86400);
}

TEST_F(Gifts, CheckoutIsPaymentModeForTheGiftsPriceAndKeepsTheGiftPending) {
  StripeRecorder stripe;
  stripe.Answer("POST", "/v1/checkout/sessions", {{"url", "https://checkout.example/cs_g"}});
  auto url = StartGiftCheckout(stripe, *store_, site_, Request("2027-02-01"), kT);
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  auto requests = stripe.Requests();
  const auto& p = requests.at(0).params;
  EXPECT_EQ(p["mode"], "payment");
  EXPECT_EQ(p["line_items"][0]["price_data"]["unit_amount"], 1500);
  EXPECT_EQ(p["line_items"][0]["price_data"]["currency"], "usd");
  EXPECT_EQ(p["metadata"]["purpose"], "gift");
  EXPECT_EQ(p["customer_email"], "buyer@example.com");
  auto gift = store_->LoadGift(p["metadata"]["gift_id"].get<std::string>());
  ASSERT_TRUE(gift->has_value());
  EXPECT_EQ((*gift)->status, "pending");
  EXPECT_EQ((*gift)->notify_at, 1801440000);  // 2027-02-01T00:00:00Z (the site's zone: UTC)
  EXPECT_EQ((*gift)->recipient_email, "zoe@example.com");
}

TEST_F(Gifts, BadRequestsNameTheirField) {
  StripeRecorder stripe;
  auto field = [&](GiftRequest r) {
    auto url = StartGiftCheckout(stripe, *store_, site_, r, kT);
    return url.ok() ? std::string("ok") : url.error().field;
  };
  GiftRequest r = Request();
  r.months = 4;
  EXPECT_EQ(field(r), "months");
  r = Request();
  r.tier = "library";  // granted only, no price
  EXPECT_EQ(field(r), "tier");
  r = Request();
  r.recipient_email = "zoe";
  EXPECT_EQ(field(r), "recipient_email");
  r = Request("next week");
  EXPECT_EQ(field(r), "notify_day");
  r = Request("2030-01-01");
  EXPECT_EQ(field(r), "notify_day");
  r = Request();
  r.buyer_email = "";
  EXPECT_EQ(field(r), "buyer_email");
  EXPECT_TRUE(stripe.Requests().empty());
}

TEST_F(Gifts, PaymentSendsTheBuyerAReceiptAndTheRecipientNothingBeforeTheDay) {
  const std::string id = Start(Request("2027-02-01"));
  auto paid = Paid(id, "evt_1");
  ASSERT_EQ(paid.mail.size(), 1u);
  EXPECT_EQ(paid.mail[0].to.email, "buyer@example.com");
  EXPECT_NE(paid.mail[0].text.find("3 months of Supporter"), std::string::npos);
  EXPECT_NE(paid.mail[0].text.find("February 1, 2027"), std::string::npos) << paid.mail[0].text;
  EXPECT_TRUE(Paid(id, "evt_1").duplicate);
  EXPECT_TRUE(Paid(id, "evt_2").mail.empty());                         // paid once
  EXPECT_TRUE(TakeDueGifts(*store_, site_, 1801440000 - 1)->empty());  // the day before
  auto due = TakeDueGifts(*store_, site_, 1801440000);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].to.email, "zoe@example.com");
  EXPECT_NE((*due)[0].text.find("For the winter"), std::string::npos);
  EXPECT_NE((*due)[0].text.find("/gift/redeem/?gift=" + id + "&token="), std::string::npos);
  EXPECT_TRUE(TakeDueGifts(*store_, site_, 1801440000 + 86400)->empty());  // sent once
}

TEST_F(Gifts, RedeemingGrantsTheMonthsExtendingACurrentGrantAndOnlyOnce) {
  const std::string id = Start(Request());
  Paid(id, "evt_1");
  auto due = TakeDueGifts(*store_, site_, kT + 1);
  ASSERT_EQ(due->size(), 1u);
  const std::string token = TokenIn((*due)[0]);
  EXPECT_EQ(RedeemGift(*store_, id, "wrong", 0, kT + 5).error().code, ErrorCode::kNotFound);
  // The recipient already pays for the tier until kT + 10 days: the gift comes after.
  auto member = AddMember(*store_, NewMember{"zoe@example.com", "", "", {}, ""}, kT);
  ASSERT_TRUE(member.ok());
  ASSERT_TRUE(GrantTier(*store_, member->id, "supporter", kT + 10 * 86400, "stripe", "", kT));
  auto r = RedeemGift(*store_, id, token, 0, kT + 5);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->member_id, member->id);
  EXPECT_FALSE(r->new_member);
  EXPECT_EQ(r->until, AddMonths(kT + 10 * 86400, 3));
  EXPECT_EQ(GiftGrantOf(member->id).until, r->until);
  auto again = RedeemGift(*store_, id, token, 0, kT + 6);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().field, "redeemed");
}

TEST_F(Gifts, ARecipientWithoutAnAccountBecomesAMemberAndASignedInOneGetsItThemselves) {
  const std::string id = Start(Request());
  Paid(id, "evt_1");
  const std::string token = TokenIn((*TakeDueGifts(*store_, site_, kT + 1))[0]);
  auto r = RedeemGift(*store_, id, token, 0, kT + 5);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->new_member);
  EXPECT_EQ(r->email, "zoe@example.com");
  EXPECT_EQ(r->until, AddMonths(kT + 5, 3));

  const std::string second = Start(Request());
  Paid(second, "evt_2");
  const std::string token2 = TokenIn((*TakeDueGifts(*store_, site_, kT + 1))[0]);
  auto reader = AddMember(*store_, NewMember{"other@example.com", "", "", {}, ""}, kT);
  auto mine = RedeemGift(*store_, second, token2, reader->id, kT + 5);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->member_id, reader->id);
}

TEST_F(Gifts, AFullRefundBeforeRedemptionMakesTheGiftVoid) {
  const std::string id = Start(Request("2027-02-01"));
  Paid(id, "evt_1");
  auto charge = StripeObject("charge", {{"payment_intent", "pi_" + id}, {"refunded", true}});
  auto r =
      ApplyStripeEvent(*store_, site_, StripeEvent("evt_r", "charge.refunded", charge, kT), kT + 2);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->note.find("void"), std::string::npos) << r->note;
  EXPECT_EQ((*store_->LoadGift(id))->status, "void");
  EXPECT_TRUE(TakeDueGifts(*store_, site_, 1801440000)->empty());  // never sent
}

TEST(GiftsList, ListsTheGiftsBoughtWithTheirDayAndStateAndLeavesPendingOnesOut) {
  Gift sent;
  sent.id = "g1";
  sent.tier = "patron";
  sent.months = 6;
  sent.amount = 3000;
  sent.currency = "usd";
  sent.buyer_email = "buyer@example.com";
  sent.recipient_name = "Rae, Jo";
  sent.recipient_email = "rae@example.com";
  sent.notify_at = 1798761600;  // 2027-01-01T00:00:00Z: still 2026-12-31 in New York
  sent.status = "redeemed";
  sent.created = 1798000000;
  sent.sent_at = 1798761600;
  sent.redeemed_at = 1798800000;
  Gift pending = sent;
  pending.id = "g2";
  pending.status = "pending";
  Gift refunded = sent;
  refunded.id = "g3";
  refunded.currency = "jpy";
  refunded.amount = 5000;
  refunded.status = "void";
  refunded.sent_at = refunded.redeemed_at = 0;
  auto zone = TimeZone::Named("America/New_York");
  ASSERT_TRUE(zone.ok());
  const std::string csv = GiftsCsv({sent, pending, refunded}, *zone);
  EXPECT_EQ(csv,
            "bought,tier,months,amount,currency,buyer,recipient_name,recipient_email,"
            "delivery_day,status,sent,redeemed\r\n"
            "2026-12-23T04:26:40Z,\"patron\",6,30.00,\"usd\",\"buyer@example.com\",\"Rae, Jo\","
            "\"rae@example.com\",2026-12-31,redeemed,2027-01-01T00:00:00Z,2027-01-01T10:40:00Z\r\n"
            "2026-12-23T04:26:40Z,\"patron\",6,5000,\"jpy\",\"buyer@example.com\",\"Rae, Jo\","
            "\"rae@example.com\",2026-12-31,void,,\r\n");
  const std::string text = GiftsText({sent, pending, refunded}, *zone, "en");
  EXPECT_NE(text.find("$30.00"), std::string::npos) << text;
  EXPECT_NE(text.find("<rae@example.com>  told 2026-12-31  redeemed 2027-01-01"), std::string::npos)
      << text;
  EXPECT_NE(text.find("void (refunded)"), std::string::npos) << text;
  EXPECT_NE(text.find("2 gift(s)"), std::string::npos) << text;
}

}  // namespace
}  // namespace cinepress
