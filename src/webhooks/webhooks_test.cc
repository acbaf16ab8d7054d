#include "webhooks/webhooks.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "payments/signature.h"
#include "store/open_store.h"

namespace cinepress {
namespace {

class WebhooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-webhooks-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = OpenContentStore(dir_ / "site.db", {});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string Header(const WebhookRequest& r, const std::string& name) {
    for (const auto& h : r.headers) {
      if (h.first == name) return h.second;
    }
    return "";
  }
  std::filesystem::path dir_;
  std::unique_ptr<ContentStore> store_;
  std::vector<WebhookConfig> hooks_ = {
      {"article.published", "http://127.0.0.1:1/a", "secret-of-sixteen-a", 30, 3},
      {"article.deleted", "http://127.0.0.1:1/b", "secret-of-sixteen-b", 30, 3}};
};

TEST_F(WebhooksTest, AnEventGoesToItsHooksSignedAndOnce) {
  ASSERT_TRUE(QueueWebhookEvent(*store_, hooks_, "article.published", R"({"slug":"x"})", 1000));
  ASSERT_TRUE(QueueWebhookEvent(*store_, hooks_, "article.updated", R"({"slug":"x"})", 1000))
      << "no hook names it: nothing queued";
  RecordingPoster poster;
  auto sent = SendDueWebhooks(*store_, poster, hooks_, 1001);
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(*sent, 1u);
  ASSERT_EQ(poster.requests().size(), 1u);
  const WebhookRequest r = poster.requests()[0];
  EXPECT_EQ(r.url, "http://127.0.0.1:1/a");
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["event"], "article.published");
  EXPECT_EQ(body["data"]["slug"], "x");
  EXPECT_EQ(body["id"], Header(r, "X-Cinepress-Delivery"));
  EXPECT_TRUE(VerifyStripeSignature(Header(r, "X-Cinepress-Signature"), r.body,
                                    "secret-of-sixteen-a", 1001));
  EXPECT_FALSE(VerifyStripeSignature(Header(r, "X-Cinepress-Signature"), r.body + " ",
                                     "secret-of-sixteen-a", 1001));
  // Delivered: never sent again.
  EXPECT_EQ(*SendDueWebhooks(*store_, poster, hooks_, 5000), 0u);
  auto log = store_->ListWebhookDeliveries(10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].status, "delivered");
  EXPECT_EQ((*log)[0].attempts, 1);
}

TEST_F(WebhooksTest, FailuresAreRetriedWithBackoffThenGivenUp) {
  ASSERT_TRUE(QueueWebhookEvent(*store_, hooks_, "article.deleted", "{}", 1000));
  RecordingPoster poster({500, 0, 503});
  EXPECT_EQ(*SendDueWebhooks(*store_, poster, hooks_, 1000), 1u);
  auto log = store_->ListWebhookDeliveries(1);
  EXPECT_EQ((*log)[0].status, "pending");
  EXPECT_EQ((*log)[0].last_error, "HTTP 500");
  EXPECT_EQ((*log)[0].next_attempt, 1030);
  EXPECT_EQ(*SendDueWebhooks(*store_, poster, hooks_, 1029), 0u) << "not due yet";
  EXPECT_EQ(*SendDueWebhooks(*store_, poster, hooks_, 1030), 1u);
  log = store_->ListWebhookDeliveries(1);
  EXPECT_EQ((*log)[0].next_attempt, 1090) << "the pause doubles";
  EXPECT_EQ((*log)[0].last_error, "connection refused");
  EXPECT_EQ(*SendDueWebhooks(*store_, poster, hooks_, 1090), 1u);
  log = store_->ListWebhookDeliveries(1);
  EXPECT_EQ((*log)[0].status, "failed") << "max_attempts 3";
  EXPECT_EQ((*log)[0].attempts, 3);
  EXPECT_EQ(poster.requests().size(), 3u);
  // The same delivery id every time.
  EXPECT_EQ(Header(poster.requests()[0], "X-Cinepress-Delivery"),
            Header(poster.requests()[2], "X-Cinepress-Delivery"));
}

TEST_F(WebhooksTest, ADeliveryWhoseHookWasRemovedIsGivenUp) {
  ASSERT_TRUE(QueueWebhookEvent(*store_, hooks_, "article.published", "{}", 1000));
  RecordingPoster poster;
  EXPECT_EQ(*SendDueWebhooks(*store_, poster, {}, 1000), 1u);
  EXPECT_TRUE(poster.requests().empty());
  auto log = store_->ListWebhookDeliveries(1);
  EXPECT_EQ((*log)[0].status, "failed");
  EXPECT_NE((*log)[0].last_error.find("[[webhooks]]"), std::string::npos);
}

}  // namespace
}  // namespace cinepress
