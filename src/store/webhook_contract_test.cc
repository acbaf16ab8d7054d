// Webhooks' outbox (ContentStore's QueueWebhook, ClaimWebhooks, FinishWebhook,
// ListWebhookDeliveries, CancelWebhooks), run against every engine (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class WebhookContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    auto s = OpenContentStore(engine_.file(), engine_.With({}));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  int64_t Queue(const std::string& delivery_id, int64_t due) {
    WebhookDelivery d;
    d.delivery_id = delivery_id;
    d.event = "article.published";
    d.url = "http://127.0.0.1:9/hook";
    d.payload = R"({"event":"article.published"})";
    d.created = 10;
    d.next_attempt = due;
    auto id = store_->QueueWebhook(d);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }
  Engine engine_;
  std::unique_ptr<ContentStore> store_;
};

TYPED_TEST_SUITE(WebhookContract, StoreEngines, EngineName);

TYPED_TEST(WebhookContract, DueDeliveriesAreClaimedOnceAndFinished) {
  const int64_t first = this->Queue("d1", 100);
  this->Queue("d2", 100);
  this->Queue("later", 500);
  // A delivery id is once.
  WebhookDelivery twice;
  twice.delivery_id = "d1";
  twice.event = "article.published";
  twice.url = "http://x/";
  twice.payload = "{}";
  twice.next_attempt = 100;
  EXPECT_FALSE(this->store_->QueueWebhook(twice).ok());

  auto claimed = this->store_->ClaimWebhooks(200, 800, 10);
  ASSERT_TRUE(claimed.ok()) << claimed.error().ToString();
  ASSERT_EQ(claimed->size(), 2u) << "the later one is not due";
  EXPECT_EQ((*claimed)[0].id, first);
  EXPECT_EQ((*claimed)[0].delivery_id, "d1");
  EXPECT_EQ((*claimed)[0].payload, R"({"event":"article.published"})");
  EXPECT_EQ((*claimed)[0].next_attempt, 800) << "leased";
  // Leased: not claimed again before the lease ends.
  EXPECT_TRUE(this->store_->ClaimWebhooks(300, 900, 10)->empty());

  WebhookDelivery done = (*claimed)[0];
  done.status = "delivered";
  done.attempts = 1;
  done.finished = 210;
  ASSERT_TRUE(this->store_->FinishWebhook(done));
  WebhookDelivery retry = (*claimed)[1];
  retry.attempts = 1;
  retry.next_attempt = 260;
  retry.last_error = "HTTP 500";
  ASSERT_TRUE(this->store_->FinishWebhook(retry));

  auto again = this->store_->ClaimWebhooks(300, 1000, 10);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 1u) << "the retry is due, the delivered one never again";
  EXPECT_EQ((*again)[0].delivery_id, "d2");
  EXPECT_EQ((*again)[0].attempts, 1);
  EXPECT_EQ((*again)[0].last_error, "HTTP 500");

  auto log = this->store_->ListWebhookDeliveries(2);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].delivery_id, "later") << "newest first";
  auto all = this->store_->ListWebhookDeliveries(10);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].status, "delivered");
  EXPECT_EQ((*all)[2].finished, 210);
}

TYPED_TEST(WebhookContract, AQueuedDeliveryIsRolledBackWithItsTransaction) {
  ASSERT_TRUE(this->store_->BeginTransaction());
  this->Queue("gone", 1);
  ASSERT_TRUE(this->store_->Rollback());
  EXPECT_TRUE(this->store_->ListWebhookDeliveries(10)->empty());
  ASSERT_TRUE(this->store_->BeginTransaction());
  this->Queue("kept", 1);
  ASSERT_TRUE(this->store_->Commit());
  EXPECT_EQ(this->store_->ListWebhookDeliveries(10)->size(), 1u);
}

// A piece's scheduled article.published is taken back when the piece is saved again: only the
// pending deliveries whose id has the prefix go; the prefix is data, never a pattern.
TYPED_TEST(WebhookContract, PendingDeliveriesAreCancelledByTheirIdsPrefix) {
  this->Queue("scheduled-7-a", 500);
  this->Queue("scheduled-7-b", 600);
  this->Queue("scheduled-70-a", 500);
  this->Queue("scheduled-%-x", 500);
  const int64_t sent = this->Queue("scheduled-7-sent", 100);
  auto claimed = this->store_->ClaimWebhooks(100, 160, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  WebhookDelivery done = (*claimed)[0];
  done.status = "delivered";
  ASSERT_TRUE(this->store_->FinishWebhook(done));
  auto n = this->store_->CancelWebhooks("scheduled-7-");
  ASSERT_TRUE(n.ok()) << n.error().ToString();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(*this->store_->CancelWebhooks("scheduled-%"), 1) << "a % is a character";
  std::vector<std::string> left;
  auto log = this->store_->ListWebhookDeliveries(10);
  for (const WebhookDelivery& d : *log) {
    left.push_back(d.delivery_id);
  }
  EXPECT_EQ(left, (std::vector<std::string>{"scheduled-7-sent", "scheduled-70-a"}));
  EXPECT_EQ(sent, done.id) << "a delivered one is kept in the log";
}

}  // namespace
}  // namespace cinepress
