#include "web/article_webhooks.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/open_store.h"

namespace cinepress {
namespace {

class ArticleWebhooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-article-hooks-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(*OpenContentStore(dir_ / "site.db", {}));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // What a save of `a` (its action's event) queues, as SaveEdit runs it before its commit.
  void Save(const Article& a, std::string_view event, int64_t now) {
    auto queue = QueueArticleEvent(hooks_, event, a, nullptr, now);
    ASSERT_TRUE(queue);
    ASSERT_TRUE(queue(*store_, EditSaved{a.id, 3}));
  }
  std::filesystem::path dir_;
  std::unique_ptr<ContentStore> store_;
  std::vector<WebhookConfig> hooks_ = {
      {"article.published", "http://127.0.0.1:9/p", "secret-of-sixteen-p", 60, 3},
      {"article.updated", "http://127.0.0.1:9/u", "secret-of-sixteen-u", 60, 3}};
};

TEST(ArticleEvents, EachSaveIsItsEvent) {
  Article live;
  live.date = 100;
  Article draft = live;
  draft.draft = true;
  EXPECT_EQ(ArticleEventOf(EditAction::kPublish, false, live), "article.published");
  EXPECT_EQ(ArticleEventOf(EditAction::kUnpublish, true, draft), "article.unpublished");
  EXPECT_EQ(ArticleEventOf(EditAction::kSave, true, live), "article.updated");
  EXPECT_EQ(ArticleEventOf(EditAction::kRestore, true, live), "article.updated");
  EXPECT_EQ(ArticleEventOf(EditAction::kAutosave, true, live), "");
  EXPECT_EQ(ArticleEventOf(EditAction::kSave, false, draft), "") << "a draft tells nobody";
  EXPECT_EQ(ArticleEventOf(EditAction::kSchedule, false, live), "") << "told when it appears";
  EXPECT_EQ(ArticleStatusOf(live, 50), "scheduled");
  EXPECT_EQ(ArticleStatusOf(live, 100), "published");
  EXPECT_EQ(ArticleUpdatedAt(live, 1042), "1970-01-01T00:01:40.042Z");
  EXPECT_FALSE(QueueArticleEvent({}, "article.published", live, nullptr, 0)) << "no hooks";
}

// A scheduled piece's article.published waits in the outbox until its time; saving the piece
// again takes the waiting one back first, so a rescheduled piece is told once, at its new time,
// and an unpublished one never.
TEST_F(ArticleWebhooksTest, AScheduledPieceIsToldWhenItAppearsAndOnlyThen) {
  Article a;
  a.id = 7;
  a.title = "The Night Ferry";
  a.slug = "the-night-ferry";
  a.section = "reviews";
  a.date = 5000;  // scheduled, seen at 1000
  Save(a, "", 1000);
  auto log = store_->ListWebhookDeliveries(10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].event, "article.published");
  EXPECT_EQ((*log)[0].next_attempt, 5000);
  const auto data = nlohmann::json::parse((*log)[0].payload)["data"];
  EXPECT_EQ(data["status"], "published") << "told as it will be";
  EXPECT_TRUE(store_->ClaimWebhooks(4999, 5060, 10)->empty()) << "not before its time";

  a.date = 6000;  // rescheduled (a change to a scheduled piece: article.updated now)
  Save(a, "article.updated", 1100);
  log = store_->ListWebhookDeliveries(10);
  ASSERT_EQ(log->size(), 2u) << "the first announcement was taken back";
  EXPECT_EQ((*log)[0].event, "article.published");
  EXPECT_EQ((*log)[0].next_attempt, 6000);
  EXPECT_EQ((*log)[1].event, "article.updated");
  EXPECT_EQ((*log)[1].next_attempt, 1100);

  a.draft = true;  // unpublished before its time: never announced
  Save(a, "", 1200);
  log = store_->ListWebhookDeliveries(10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].event, "article.updated");
}

}  // namespace
}  // namespace cinepress
