#include "shop/orders.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <regex>

#include "payments/test_fixtures.h"
#include "shop/test_ebook.h"
#include "store/open_store.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int64_t kNow = 1700000000;

class ShopOrdersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    dir_ = fs::temp_directory_path() /
           ("cinepress-orders-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = OpenShopStore(dir_ / "site.db", {});
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(*store);
    site_.title = "The Long Take";
    site_.base_url = "https://longtake.example";
    Product book;
    book.slug = "quiet-rooms";
    book.kind = "ebook";
    book.title = "Quiet Rooms";
    book.price = 900;
    book.currency = "usd";
    book.files = {{"quiet-rooms.epub", "application/epub+zip", 0}};
    ASSERT_TRUE(store_->SaveProduct(book).ok());
    Product shirt;
    shirt.slug = "tshirt";
    shirt.kind = "merch";
    shirt.title = "T-shirt";
    shirt.price = 2800;
    shirt.currency = "usd";
    shirt.variants = {{"LT-L", "L / black", 1}};
    shirt.ship_to = {"US", "FR"};
    shirt.shipping = {{"Standard post", 600}};
    ASSERT_TRUE(store_->SaveProduct(shirt).ok());
    key_ = std::string(kDownloadSecretBytes, '\x07');
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The messages in the store's outbox (queued with the changes that asked for them).
  std::vector<MailMessage> Outbox() {
    std::vector<MailMessage> out;
    auto outbox = OpenNewsletterStore(dir_ / "site.db", {});
    if (!outbox.ok()) return out;
    auto queued = (*outbox)->LoadOutbox(100);
    if (!queued.ok()) return out;
    for (const QueuedMail& q : *queued) {
      if (auto m = ParseMessage(q.message)) out.push_back(std::move(*m));
    }
    return out;
  }

  // Stripe answers the next session it is asked for with `id`.
  void NextSession(const std::string& id) {
    stripe_.Answer("POST", "/v1/checkout/sessions",
                   StripeObject("checkout.session",
                                {{"id", id}, {"url", "https://checkout.stripe.com/c/" + id}}));
  }
  Result<std::string> Buy(const std::string& product, const std::string& sku = "") {
    return StartProductCheckout(stripe_, *store_, site_, {product, sku, 1, "ada@example.com", 0},
                                {}, kNow);
  }
  // An event about a shop session (its metadata names the order) or a charge.
  std::string SessionEvent(const std::string& type, const std::string& session) {
    Json object =
        StripeObject("checkout.session", {{"id", session},
                                          {"mode", "payment"},
                                          {"amount_total", 900},
                                          {"payment_intent", "pi_" + session},
                                          {"metadata", {{"shop_order", "ref"}}},
                                          {"customer_details", {{"email", "ada@example.com"}}}});
    return StripeEvent("evt_" + type + session, type, object, kNow);
  }
  Result<ShopEventOutcome> Apply(const std::string& payload, int64_t now = kNow + 60) {
    return ApplyShopEvent(*store_, site_, key_, payload, now);
  }
  int64_t Stock() { return (*store_->LoadProducts())[1].variants[0].stock; }

  fs::path dir_;
  std::unique_ptr<ShopStore> store_;
  StripeRecorder stripe_;
  SiteConfig site_;
  std::string key_;
};

TEST_F(ShopOrdersTest, AnEbookIsALineOfItsOwnPriceInPaymentMode) {
  NextSession("cs_book");
  auto url = Buy("quiet-rooms");
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  EXPECT_EQ(*url, "https://checkout.stripe.com/c/cs_book");
  const StripeRequest r = stripe_.Requests().back();
  EXPECT_EQ(r.params["mode"], "payment");
  EXPECT_EQ(r.params["line_items"][0]["price_data"]["unit_amount"], 900);
  EXPECT_EQ(r.params["line_items"][0]["price_data"]["currency"], "usd");
  EXPECT_EQ(r.params["line_items"][0]["price_data"]["product_data"]["name"], "Quiet Rooms");
  EXPECT_EQ(r.params["expires_at"], kNow + kCheckoutSeconds);
  EXPECT_EQ(r.params["customer_email"], "ada@example.com");
  EXPECT_FALSE(r.params.contains("shipping_address_collection"));
  EXPECT_FALSE(r.params.contains("automatic_tax"));
  EXPECT_EQ(r.params["metadata"]["shop_order"], r.params["client_reference_id"]);
  EXPECT_EQ(r.idempotency_key, "shop-" + r.params["client_reference_id"].get<std::string>());
  auto orders = store_->ListOrders("pending");
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ((*orders)[0].session_id, "cs_book");
}

TEST_F(ShopOrdersTest, MerchandiseAsksForAnAddressAndTheLastOneIsReserved) {
  NextSession("cs_shirt");
  ASSERT_TRUE(
      StartProductCheckout(stripe_, *store_, site_, {"tshirt", "LT-L", 1, "", 0}, {true}, kNow)
          .ok());
  const StripeRequest r = stripe_.Requests().back();
  EXPECT_EQ(r.params["shipping_address_collection"]["allowed_countries"],
            Json::array({"US", "FR"}));
  const Json& rate = r.params["shipping_options"][0]["shipping_rate_data"];
  EXPECT_EQ(rate["fixed_amount"]["amount"], 600);
  EXPECT_EQ(rate["display_name"], "Standard post");
  EXPECT_EQ(r.params["line_items"][0]["price_data"]["product_data"]["name"], "T-shirt — L / black");
  EXPECT_EQ(r.params["automatic_tax"]["enabled"], true);
  EXPECT_EQ(Stock(), 0);
  auto refused = Buy("tshirt", "LT-L");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(stripe_.Requests().size(), 1u);  // no session for a refused checkout
  EXPECT_EQ(Buy("tshirt", "XX").error().code, ErrorCode::kNotFound);
}

TEST_F(ShopOrdersTest, AFailedSessionAndAnAbandonedOneGiveTheirStockBack) {
  StripeRecorder down;
  down.Fail("POST", "/v1/checkout/sessions", MakeError(ErrorCode::kInternal, "Stripe is down"));
  const BuyRequest shirt{"tshirt", "LT-L", 1, "", 0};
  EXPECT_FALSE(StartProductCheckout(down, *store_, site_, shirt, {}, kNow).ok());
  EXPECT_EQ(Stock(), 1);
  NextSession("cs_abandoned");
  ASSERT_TRUE(Buy("tshirt", "LT-L").ok());
  EXPECT_EQ(Stock(), 0);
  // Its session ended and no event came: the next checkout after that finds the shirt again.
  StripeRecorder later;
  later.Answer("POST", "/v1/checkout/sessions",
               StripeObject("checkout.session", {{"id", "cs_next"}, {"url", "https://x/"}}));
  ASSERT_TRUE(
      StartProductCheckout(later, *store_, site_, shirt, {}, kNow + kCheckoutSeconds + 1).ok());
  EXPECT_EQ((*store_->ListOrders("expired")).size(), 2u);
  EXPECT_EQ((*store_->ListOrders("pending")).size(), 1u);
}

TEST_F(ShopOrdersTest, APaidEbookIsEmailedWithALinkThatOpensItOnce) {
  NextSession("cs_book");
  ASSERT_TRUE(Buy("quiet-rooms").ok());
  auto outcome = Apply(SessionEvent("checkout.session.completed", "cs_book"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToString();
  EXPECT_TRUE(outcome->handled);
  EXPECT_EQ(outcome->queued, 1u);
  // Queued in the payment's own transaction: in the outbox when the call returns.
  const std::vector<MailMessage> outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  const MailMessage& m = outbox[0];
  EXPECT_EQ(m.to.email, "ada@example.com");
  std::smatch link;
  ASSERT_TRUE(std::regex_search(
      m.text, link,
      std::regex("https://longtake\\.example/shop/download/([^/\\s]+)/quiet-rooms\\.epub")))
      << m.text;
  const std::string token = link[1];
  auto download = AuthorizeDownload(*store_, key_, token, "quiet-rooms.epub", kNow + 120);
  ASSERT_TRUE(download.ok()) << download.error().ToString();
  EXPECT_EQ(download->file.type, "application/epub+zip");
  EXPECT_FALSE(AuthorizeDownload(*store_, key_, token, "other.pdf", kNow + 120).ok());
  EXPECT_FALSE(
      AuthorizeDownload(*store_, key_, token, "quiet-rooms.epub", kNow + 61 + kDownloadLinkSeconds)
          .ok());
  EXPECT_FALSE(
      AuthorizeDownload(*store_, std::string(32, 'x'), token, "quiet-rooms.epub", kNow + 120).ok());
  // The same event again: nothing changes, nothing is sent.
  auto again = Apply(SessionEvent("checkout.session.completed", "cs_book"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->queued, 0u);
  EXPECT_EQ(Outbox().size(), 1u);
  EXPECT_EQ(store_->GrantsOf("ada@example.com")->size(), 1u);

  // A refund of its payment revokes the link.
  Json charge = StripeObject("charge", {{"payment_intent", "pi_cs_book"}, {"refunded", true}});
  auto refund = Apply(StripeEvent("evt_refund", "charge.refunded", charge, kNow));
  ASSERT_TRUE(refund.ok()) << refund.error().ToString();
  EXPECT_TRUE(refund->handled);
  EXPECT_FALSE(AuthorizeDownload(*store_, key_, token, "quiet-rooms.epub", kNow + 120).ok());
  EXPECT_EQ((*store_->ListOrders("refunded")).size(), 1u);
}

TEST_F(ShopOrdersTest, MyAccountOffersBoughtEbooksAndThoseATierIncludes) {
  ReaderRights nobody;
  EXPECT_TRUE(AccountDownloads(*store_, key_, "ada@example.com", nobody, kNow)->empty());
  NextSession("cs_book");
  ASSERT_TRUE(Buy("quiet-rooms").ok());
  ASSERT_TRUE(Apply(SessionEvent("checkout.session.completed", "cs_book")).ok());
  auto bought = AccountDownloads(*store_, key_, "ada@example.com", nobody, kNow);
  ASSERT_TRUE(bought.ok()) << bought.error().ToString();
  ASSERT_EQ(bought->size(), 1u);
  ASSERT_EQ((*bought)[0].files.size(), 1u);
  const std::string url = (*bought)[0].files[0].second;
  const std::string token = url.substr(std::string("/shop/download/").size(),
                                       url.rfind('/') - std::string("/shop/download/").size());
  EXPECT_TRUE(AuthorizeDownload(*store_, key_, token, "quiet-rooms.epub", kNow + 60).ok()) << url;

  // A patron holds the tier the book is free for: a member's link, no purchase.
  Product book = (*store_->LoadProducts())[0];
  book.free_for = {"patron"};
  ASSERT_TRUE(store_->SaveProduct(book).ok());
  ReaderRights patron;
  patron.member_id = 7;
  patron.Grant("patron");
  EXPECT_TRUE(MemberMayDownload(book, patron));
  EXPECT_FALSE(MemberMayDownload(book, nobody));
  auto included = AccountDownloads(*store_, key_, "pat@example.com", patron, kNow);
  ASSERT_TRUE(included.ok());
  ASSERT_EQ(included->size(), 1u);
  EXPECT_EQ((*included)[0].files[0].second, "/shop/download/member/quiet-rooms/quiet-rooms.epub");

  // Refunded: no longer offered to the buyer.
  Json charge = StripeObject("charge", {{"payment_intent", "pi_cs_book"}});
  ASSERT_TRUE(Apply(StripeEvent("evt_refund", "charge.refunded", charge, kNow)).ok());
  EXPECT_TRUE(AccountDownloads(*store_, key_, "ada@example.com", nobody, kNow)->empty());
}

TEST_F(ShopOrdersTest, AnExpiredSessionReturnsTheShirtAndOthersSessionsAreNotTheShops) {
  NextSession("cs_shirt");
  ASSERT_TRUE(Buy("tshirt", "LT-L").ok());
  auto expired = Apply(SessionEvent("checkout.session.expired", "cs_shirt"));
  ASSERT_TRUE(expired.ok()) << expired.error().ToString();
  EXPECT_TRUE(expired->handled);
  EXPECT_EQ(Stock(), 1);
  ASSERT_TRUE(Apply(SessionEvent("checkout.session.expired", "cs_shirt")).ok());
  EXPECT_EQ(Stock(), 1);
  // A membership's (or a donation's) session carries no shop order: left to payments.
  Json membership = StripeObject("checkout.session", {{"id", "cs_sub"}, {"metadata", Json{}}});
  auto other = Apply(StripeEvent("evt_sub", "checkout.session.completed", membership, kNow));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->handled);
  Json charge = StripeObject("charge", {{"payment_intent", "pi_membership"}});
  auto refund = Apply(StripeEvent("evt_r", "charge.refunded", charge, kNow));
  ASSERT_TRUE(refund.ok());
  EXPECT_FALSE(refund->handled);
  EXPECT_FALSE(Apply("{\"type\": \"invoice.paid\"}")->handled);
}

TEST_F(ShopOrdersTest, ShippingTellsTheBuyerAndTheCsvListsTheOrder) {
  NextSession("cs_shirt");
  ASSERT_TRUE(Buy("tshirt", "LT-L").ok());
  Json object =
      StripeObject("checkout.session", {{"id", "cs_shirt"},
                                        {"amount_total", 3400},
                                        {"payment_intent", "pi_shirt"},
                                        {"metadata", {{"shop_order", "ref"}}},
                                        {"customer_details", {{"email", "ada@example.com"}}},
                                        {"collected_information",
                                         {{"shipping_details",
                                           {{"name", "Ada Reader"},
                                            {"address",
                                             {{"line1", "1 Rue X"},
                                              {"postal_code", "75001"},
                                              {"city", "Paris"},
                                              {"country", "FR"}}}}}}}});
  auto paid = Apply(StripeEvent("evt_paid", "checkout.session.completed", object, kNow));
  ASSERT_TRUE(paid.ok()) << paid.error().ToString();
  const std::vector<MailMessage> receipts = Outbox();
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_NE(receipts[0].text.find("Ada Reader\n1 Rue X\n75001 Paris\nFR"), std::string::npos)
      << receipts[0].text;
  const int64_t id = (*store_->ListOrders("paid"))[0].id;
  auto told = ShipOrderAndTell(*store_, site_, id, "LA123456789FR", kNow + 3600);
  ASSERT_TRUE(told.ok()) << told.error().ToString();
  EXPECT_EQ(told->to.email, "ada@example.com");
  EXPECT_NE(told->text.find("LA123456789FR"), std::string::npos);
  EXPECT_EQ(ShipOrderAndTell(*store_, site_, id + 9, "X", kNow).error().code, ErrorCode::kNotFound);
  const std::string csv = OrdersCsv(*store_->ListOrders(""));
  EXPECT_NE(csv.find(std::to_string(id) + ",\"shipped\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",\"ada@example.com\",\"Ada Reader\","), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"1 Rue X\n75001 Paris\nFR\""), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"1 x tshirt LT-L\",3400,\"usd\",\"LA123456789FR\""), std::string::npos)
      << csv;
}

}  // namespace
}  // namespace cinepress
