// The ShopStore contract, run against every engine (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include <thread>

#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class ShopStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    store_ = Open();
    ASSERT_TRUE(store_);
  }
  std::unique_ptr<ShopStore> Open() {
    auto s = OpenShopStore(engine_.file(), engine_.With({}));
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  static Product Ebook() {
    Product p;
    p.slug = "ozu-monograph";
    p.kind = "ebook";
    p.title = "Ozu: Tatami Shots";
    p.summary = "Our monograph.";
    p.body = "A *long* read.";
    p.price = 1200;
    p.currency = "eur";
    p.free_for = {"patron", "critic"};
    p.files = {{"ozu.epub", "application/epub+zip", 0}, {"ozu.pdf", "application/pdf", 0}};
    return p;
  }
  static Product Shirt(int64_t small, int64_t large) {
    Product p;
    p.slug = "tshirt";
    p.kind = "merch";
    p.title = "Tatami T-shirt";
    p.price = 2500;
    p.currency = "eur";
    p.image = "images/shirt.jpg";
    p.image_alt = "A white T-shirt";
    p.variants = {{"TS-S", "S / white", small}, {"TS-L", "L / white", large}};
    p.ship_to = {"FR", "DE"};
    p.shipping = {{"Standard", 500}, {"Express", 1500}};
    return p;
  }
  static Order Buy(const std::string& ref, const std::string& product, const std::string& sku,
                   int64_t quantity, int64_t expires_at) {
    Order o;
    o.reference = ref;
    o.email = "reader@example.com";
    o.currency = "eur";
    o.created = 100;
    o.expires_at = expires_at;
    o.lines = {{product, sku, quantity, 2500}};
    return o;
  }
  int64_t Stock(const std::string& sku) {
    auto products = store_->LoadProducts();
    if (!products.ok()) {
      ADD_FAILURE() << products.error().ToString();
      return -1;
    }
    for (const Product& p : *products) {
      for (const ProductVariant& v : p.variants) {
        if (v.sku == sku) return v.stock;
      }
    }
    ADD_FAILURE() << "no " << sku;
    return -1;
  }
  // Starts an order for `sku` with session "cs_" + ref; its id.
  int64_t Start(const std::string& ref, const std::string& sku, int64_t quantity = 1,
                int64_t expires_at = 1000) {
    auto id = store_->StartOrder(
        Buy(ref, sku.empty() ? "ozu-monograph" : "tshirt", sku, quantity, expires_at));
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    if (!id.ok()) return 0;
    EXPECT_TRUE(store_->SetOrderSession(*id, "cs_" + ref).ok());
    return *id;
  }
  static OrderPayment Paid(const std::string& ref, int64_t at = 200) {
    return OrderPayment{"cs_" + ref,  "buyer@example.com",        3000, "pi_" + ref,
                        "Ada Reader", "1 Rue X\n75001 Paris\nFR", at};
  }
  Engine engine_;
  std::unique_ptr<ShopStore> store_;
};

TYPED_TEST_SUITE(ShopStoreContract, StoreEngines, EngineName);

TYPED_TEST(ShopStoreContract, AProductKeepsEveryFieldAndItsFiles) {
  Product ebook = this->Ebook();
  ebook.files[0].size = 12;
  ebook.files[1].size = 700000;  // the facts only: the bytes are private media
  ASSERT_TRUE(this->store_->SaveProduct(ebook).ok());
  Product shirt = this->Shirt(3, 1);
  ASSERT_TRUE(this->store_->SaveProduct(shirt).ok());
  auto products = this->store_->LoadProducts();
  ASSERT_TRUE(products.ok()) << products.error().ToString();
  ASSERT_EQ(products->size(), 2u);
  EXPECT_EQ((*products)[0], ebook);
  EXPECT_EQ((*products)[1], shirt);
  ASSERT_TRUE(this->store_->DeleteProduct("tshirt").ok());
  EXPECT_EQ(this->store_->LoadProducts()->size(), 1u);
}

TYPED_TEST(ShopStoreContract, ImportingAgainKeepsSalesUnlessTheFileDeclaresANewCount) {
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(3, 1)).ok());
  this->Start("a", "TS-S", 2);
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(3, 1)).ok());
  EXPECT_EQ(this->Stock("TS-S"), 1);
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(10, 1)).ok());  // restocked
  EXPECT_EQ(this->Stock("TS-S"), 10);
  Product one = this->Shirt(10, 1);
  one.variants.pop_back();  // the large size is gone
  ASSERT_TRUE(this->store_->SaveProduct(one).ok());
  EXPECT_EQ((*this->store_->LoadProducts())[0].variants.size(), 1u);
}

TYPED_TEST(ShopStoreContract, StartingAnOrderReservesStockOrRefusesAllOfIt) {
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(2, 0)).ok());
  this->Start("a", "TS-S", 2);
  EXPECT_EQ(this->Stock("TS-S"), 0);
  auto refused = this->store_->StartOrder(this->Buy("b", "tshirt", "TS-S", 1, 1000));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("TS-S is sold out"), std::string::npos);
  EXPECT_EQ(this->store_->StartOrder(this->Buy("c", "tshirt", "NOPE", 1, 1000)).error().code,
            ErrorCode::kNotFound);
  // Nothing of a refused order is kept.
  EXPECT_EQ(this->store_->ListOrders("")->size(), 1u);
  const auto order = *this->store_->LoadOrder(this->store_->ListOrders("")->front().id);
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(order->status, "pending");
  EXPECT_EQ(order->session_id, "cs_a");
  ASSERT_EQ(order->lines.size(), 1u);
  EXPECT_EQ(order->lines[0].quantity, 2);
}

// The live site re-assembles when the content counter moves: a variant selling out or coming
// back moves it (its product page says so), other stock changes do not.
TYPED_TEST(ShopStoreContract, AVariantSellingOutOrComingBackMovesTheContentCounter) {
  auto content = OpenContentStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(content.ok()) << content.error().ToString();
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(3, 0)).ok());
  const int64_t before = *(*content)->DataVersion();
  this->Start("a", "TS-S", 1);  // 3 → 2: still in stock
  EXPECT_EQ(*(*content)->DataVersion(), before);
  this->Start("b", "TS-S", 2);  // 2 → 0: sold out
  const int64_t sold_out = *(*content)->DataVersion();
  EXPECT_GT(sold_out, before);
  ASSERT_TRUE(this->store_->ExpireOrder("cs_b", 200).ok());  // 0 → 2: back
  EXPECT_GT(*(*content)->DataVersion(), sold_out);
}

TYPED_TEST(ShopStoreContract, TheLastItemGoesToOneOfTwoBuyersAtOnce) {
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(1, 0)).ok());
  for (int round = 0; round < 5; ++round) {
    auto a = this->Open(), b = this->Open();
    ASSERT_TRUE(a && b);
    Result<int64_t> ra = Error{}, rb = Error{};
    const std::string n = std::to_string(round);
    std::thread ta([&] { ra = a->StartOrder(this->Buy("a" + n, "tshirt", "TS-S", 1, 1000)); });
    std::thread tb([&] { rb = b->StartOrder(this->Buy("b" + n, "tshirt", "TS-S", 1, 1000)); });
    ta.join();
    tb.join();
    ASSERT_NE(ra.ok(), rb.ok()) << "round " << round;
    const Error& refused = ra.ok() ? rb.error() : ra.error();
    EXPECT_EQ(refused.code, ErrorCode::kConflict) << refused.ToString();
    EXPECT_EQ(this->Stock("TS-S"), 0);
    // The winner's checkout expires: the shirt is back for the next round.
    auto ids = this->store_->ExpireAbandonedOrders(2000);
    ASSERT_TRUE(ids.ok()) << ids.error().ToString();
    EXPECT_EQ(ids->size(), 1u);
    EXPECT_EQ(this->Stock("TS-S"), 1);
  }
}

TYPED_TEST(ShopStoreContract, AnExpiredSessionReturnsItsStockOnce) {
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(3, 0)).ok());
  const int64_t id = this->Start("a", "TS-S", 2);
  EXPECT_EQ(this->Stock("TS-S"), 1);
  EXPECT_TRUE(*this->store_->ExpireOrder("cs_a", 300));
  EXPECT_EQ(this->Stock("TS-S"), 3);
  EXPECT_FALSE(*this->store_->ExpireOrder("cs_a", 301));  // the event delivered twice
  EXPECT_TRUE(this->store_->ExpireAbandonedOrders(5000)->empty());
  EXPECT_EQ(this->Stock("TS-S"), 3);
  EXPECT_EQ((*this->store_->LoadOrder(id))->status, "expired");
  EXPECT_FALSE(*this->store_->ExpireOrder("cs_unknown", 302));
}

TYPED_TEST(ShopStoreContract, AnAbandonedReservationEndsAfterItsExpiry) {
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(3, 0)).ok());
  const int64_t early = this->Start("a", "TS-S", 1, 1000);
  this->Start("b", "TS-S", 1, 3000);
  EXPECT_EQ(this->Stock("TS-S"), 1);
  EXPECT_TRUE(this->store_->ExpireAbandonedOrders(1000)->empty());  // not yet: at, not after
  auto ids = this->store_->ExpireAbandonedOrders(1001);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, std::vector<int64_t>{early});
  EXPECT_EQ(this->Stock("TS-S"), 2);
  EXPECT_FALSE(*this->store_->ExpireOrder("cs_a", 1002));  // the late event changes nothing
  EXPECT_EQ(this->Stock("TS-S"), 2);
}

TYPED_TEST(ShopStoreContract, APaidOrderIsRecordedOnceAndItsStockStaysDown) {
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(3, 0)).ok());
  const int64_t id = this->Start("a", "TS-S", 2);
  auto paid = this->store_->PayOrder(this->Paid("a"));
  ASSERT_TRUE(paid.ok()) << paid.error().ToString();
  ASSERT_TRUE(paid->has_value());
  EXPECT_EQ((*paid)->id, id);
  EXPECT_EQ((*paid)->status, "paid");
  EXPECT_EQ((*paid)->email, "buyer@example.com");
  EXPECT_EQ((*paid)->amount_total, 3000);
  EXPECT_EQ((*paid)->payment_intent, "pi_a");
  EXPECT_EQ((*paid)->shipping_address, "1 Rue X\n75001 Paris\nFR");
  EXPECT_EQ(this->Stock("TS-S"), 1);
  auto again = this->store_->PayOrder(this->Paid("a", 250));  // a duplicate delivery
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  EXPECT_EQ(this->Stock("TS-S"), 1);
  EXPECT_EQ((*this->store_->LoadOrder(id))->updated, 200);
  EXPECT_TRUE(this->store_->ExpireAbandonedOrders(9999)->empty());  // paid: not abandoned
  EXPECT_EQ(this->Stock("TS-S"), 1);
  EXPECT_EQ(this->store_->PayOrder(this->Paid("zz")).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(ShopStoreContract, APaymentsMessagesAreQueuedInItsTransaction) {
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(3, 0)).ok());
  this->Start("a", "TS-S", 1);
  this->Start("b", "TS-S", 1);
  auto outbox = OpenNewsletterStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(outbox.ok()) << outbox.error().ToString();
  int made = 0;
  auto receipt = [&made](const Order& o) -> Result<std::vector<std::string>> {
    ++made;
    return std::vector<std::string>{"receipt of " + std::to_string(o.id) + " to " + o.email};
  };
  ASSERT_TRUE(this->store_->PayOrder(this->Paid("a"), receipt).ok());
  auto queued = (*outbox)->LoadOutbox(10);
  ASSERT_TRUE(queued.ok()) << queued.error().ToString();
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_NE((*queued)[0].message.find("to buyer@example.com"), std::string::npos);
  // A duplicate delivery makes and queues nothing.
  ASSERT_TRUE(this->store_->PayOrder(this->Paid("a", 250), receipt).ok());
  EXPECT_EQ(made, 1);
  EXPECT_EQ(*(*outbox)->CountQueuedMail(), 1);
  // Messages that cannot be made undo the payment: all or nothing.
  auto broken = [](const Order&) -> Result<std::vector<std::string>> {
    return MakeError(ErrorCode::kInternal, "no receipt");
  };
  EXPECT_FALSE(this->store_->PayOrder(this->Paid("b"), broken).ok());
  EXPECT_EQ((*this->store_->ListOrders("paid")).size(), 1u);
  EXPECT_EQ(this->Stock("TS-S"), 1);  // b's reservation holds, unsold
  EXPECT_EQ(*(*outbox)->CountQueuedMail(), 1);
  ASSERT_TRUE(this->store_->PayOrder(this->Paid("b"), receipt).ok());  // Stripe's retry
  EXPECT_EQ(*(*outbox)->CountQueuedMail(), 2);
}

TYPED_TEST(ShopStoreContract, PaidAfterItsReservationEndedTakesTheStockAgain) {
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(1, 0)).ok());
  this->Start("a", "TS-S", 1, 1000);
  EXPECT_EQ(this->store_->ExpireAbandonedOrders(1001)->size(), 1u);
  this->Start("b", "TS-S", 1, 3000);  // someone else holds the returned shirt
  auto paid = this->store_->PayOrder(this->Paid("a", 1100));
  ASSERT_TRUE(paid.ok() && paid->has_value());
  EXPECT_EQ(this->Stock("TS-S"), -1);  // sold twice: fulfilment sees the shortfall
}

TYPED_TEST(ShopStoreContract, AnEbookGrantsItsDownloadAndARefundRevokesIt) {
  ASSERT_TRUE(this->store_->SaveProduct(this->Ebook()).ok());
  const int64_t id = this->Start("a", "");
  ASSERT_TRUE(this->store_->PayOrder(this->Paid("a")).ok());
  auto grants = this->store_->GrantsOf("buyer@example.com");
  ASSERT_TRUE(grants.ok()) << grants.error().ToString();
  ASSERT_EQ(grants->size(), 1u);
  const DownloadGrant g = grants->front();
  EXPECT_EQ(g.order_id, id);
  EXPECT_EQ(g.product, "ozu-monograph");
  EXPECT_EQ(g.created, 200);
  EXPECT_FALSE(g.revoked);
  EXPECT_EQ(**this->store_->LoadGrant(g.id), g);
  ASSERT_TRUE(this->store_->PayOrder(this->Paid("a")).ok());  // again: no second grant
  EXPECT_EQ(this->store_->GrantsOf("buyer@example.com")->size(), 1u);

  auto refunded = this->store_->RefundOrder("pi_a", 300);
  ASSERT_TRUE(refunded.ok()) << refunded.error().ToString();
  ASSERT_TRUE(refunded->has_value());
  EXPECT_EQ((*refunded)->status, "refunded");
  EXPECT_TRUE((*this->store_->LoadGrant(g.id))->revoked);
  EXPECT_FALSE(this->store_->RefundOrder("pi_a", 301)->has_value());  // refunded before
  EXPECT_FALSE(this->store_->RefundOrder("pi_other", 301)->has_value());
  EXPECT_FALSE(this->store_->RefundOrder("", 301)->has_value());
  EXPECT_FALSE(this->store_->LoadGrant(g.id + 100)->has_value());
}

TYPED_TEST(ShopStoreContract, OnlyAPaidOrderShipsAndTheListFiltersByStatus) {
  ASSERT_TRUE(this->store_->SaveProduct(this->Shirt(5, 0)).ok());
  const int64_t a = this->Start("a", "TS-S");
  const int64_t b = this->Start("b", "TS-S");
  EXPECT_EQ(this->store_->ShipOrder(a, "TRACK1", 300).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(this->store_->PayOrder(this->Paid("a")).ok());
  ASSERT_TRUE(this->store_->ShipOrder(a, "TRACK1", 300).ok());
  EXPECT_EQ(this->store_->ShipOrder(b + 10, "T", 300).error().code, ErrorCode::kNotFound);
  auto shipped = this->store_->ListOrders("shipped");
  ASSERT_TRUE(shipped.ok());
  ASSERT_EQ(shipped->size(), 1u);
  EXPECT_EQ((*shipped)[0].tracking, "TRACK1");
  EXPECT_EQ((*shipped)[0].lines.size(), 1u);
  auto all = this->store_->ListOrders("");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, a);
  EXPECT_EQ((*all)[1].status, "pending");
  EXPECT_EQ(this->store_->SetOrderSession(b + 10, "cs_x").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace cinepress
