#include "webhooks/webhooks.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "members/sign_in.h"
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

// The members' events: queued by the member store in the change's own transaction, into the one
// outbox the content store reads; a sign-up through a sign-in link, an addition, a change of
// tiers and an erasure each tell their event, with the member as the Admin API shows it.
TEST_F(WebhooksTest, MembersEventsAreQueuedInTheirChangesTransaction) {
  auto members = OpenMemberStore(dir_ / "site.db", {});
  ASSERT_TRUE(members.ok()) << members.error().ToString();
  auto newsletters = OpenNewsletterStore(dir_ / "site.db", {});
  ASSERT_TRUE(newsletters.ok());
  const std::vector<WebhookConfig> hooks = {
      {"member.added", "http://127.0.0.1:1/m", "secret-of-sixteen-m", 30, 3},
      {"member.deleted", "http://127.0.0.1:1/m", "secret-of-sixteen-m", 30, 3}};
  const MemberEventHook told = MemberWebhooks(hooks, [] { return int64_t{2000}; });
  ASSERT_TRUE(told);
  EXPECT_TRUE(MemberWebhooks(std::vector<WebhookConfig>{}, [] { return int64_t{0}; })(
      **members, "member.added", 1))
      << "with no hook, nothing is read (no such member) and nothing queued";

  auto added =
      AddMember(**members, NewMember{"ines@r.example", "Ines", "", {"Critic"}, ""}, 2000, told);
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  ASSERT_TRUE(AddMember(**members, NewMember{"ines@r.example", "Ines V.", "", {}, ""}, 2001, told))
      << "an existing address is updated, not added";
  SiteConfig site;
  site.base_url = "https://r.example";
  auto start = StartSignIn(**members, site, "new@r.example", "Neo", 2002);
  ASSERT_TRUE(start.ok() && start->send) << (start.ok() ? start->refused : "");
  ASSERT_TRUE(RedeemSignInLink(**members, start->link_token, 2003, told).ok());
  ASSERT_TRUE(DeleteMember(**members, **newsletters, added->id, 2004, told).ok());

  auto log = store_->ListWebhookDeliveries(10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 3u);
  const auto deleted = nlohmann::json::parse((*log)[0].payload);
  const auto signed_up = nlohmann::json::parse((*log)[1].payload);
  const auto first = nlohmann::json::parse((*log)[2].payload);
  EXPECT_EQ(first["event"], "member.added");
  EXPECT_EQ(first["data"]["email"], "ines@r.example");
  EXPECT_EQ(first["data"]["status"], "free");
  EXPECT_EQ(first["data"]["labels"][0]["name"], "Critic");
  EXPECT_EQ(first["data"]["id"], std::to_string(added->id));
  EXPECT_EQ(signed_up["event"], "member.added");
  EXPECT_EQ(signed_up["data"]["email"], "new@r.example");
  EXPECT_EQ(signed_up["data"]["name"], "Neo");
  EXPECT_EQ(deleted["event"], "member.deleted");
  EXPECT_EQ(deleted["data"]["email"], "ines@r.example") << "told before the erasure";

  // The content store's sender sends them like any other.
  RecordingPoster poster;
  EXPECT_EQ(*SendDueWebhooks(*store_, poster, hooks, 2005), 3u);
  EXPECT_EQ(poster.requests().size(), 3u);
}

TEST_F(WebhooksTest, AMembersChangeThatFailsQueuesNothing) {
  auto members = OpenMemberStore(dir_ / "site.db", {});
  ASSERT_TRUE(members.ok());
  const std::vector<WebhookConfig> hooks = {
      {"member.added", "http://127.0.0.1:1/m", "secret-of-sixteen-m", 30, 3}};
  const MemberEventHook told = MemberWebhooks(hooks, [] { return int64_t{2000}; });
  // The hook tells, then the change fails: both are rolled back together.
  const MemberEventHook then_fail = [&told](MemberStore& store, std::string_view event,
                                            int64_t id) -> Status {
    if (auto s = told(store, event, id); !s) return s;
    return MakeError(ErrorCode::kIo, "the disk is full");
  };
  EXPECT_FALSE(AddMember(**members, NewMember{"ana@r.example", "", "", {}, ""}, 2000, then_fail));
  EXPECT_TRUE(store_->ListWebhookDeliveries(10)->empty());
  EXPECT_FALSE((*members)->FindMember("ana@r.example")->has_value());
}

}  // namespace
}  // namespace cinepress
