// Readers' comments and their moderation (ContentStore's LoadCommentsWithStatus, LoadComment,
// SetCommentStatus, DeleteComment, CountComments and the outbox's QueueMail), run against every
// engine (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class CommentContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    auto s = OpenContentStore(engine_.file(), engine_.With({}));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    Article a;
    a.section = "reviews";
    a.slug = "night-ferry";
    a.title = "Night Ferry";
    a.date = 1700000000;
    a.body_markdown = "Body.";
    auto id = store_->SaveArticle(a);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    article_ = *id;
  }
  Comment Make(const std::string& id, int64_t member, int64_t date, const std::string& status) {
    Comment c{article_, id,           "",     "Reader " + id, "r@example.com", "",
              date,     "<p>Hi.</p>", status, "comment",      member};
    EXPECT_TRUE(store_->SaveComment(c));
    return c;
  }
  Engine engine_;
  std::unique_ptr<ContentStore> store_;
  int64_t article_ = 0;
};

TYPED_TEST_SUITE(CommentContract, StoreEngines, EngineName);

TYPED_TEST(CommentContract, TheQueueListsOneStatusNewestFirstAndCounts) {
  const Comment old = this->Make("m:old", 7, 100, "pending");
  const Comment fresh = this->Make("m:new", 8, 300, "pending");
  this->Make("m:ok", 7, 200, "approved");
  this->Make("m:junk", 9, 250, "spam");
  Comment ping = this->Make("wp:5", 0, 400, "pending");
  ping.type = "pingback";
  ASSERT_TRUE(this->store_->SaveComment(ping));

  auto pending = this->store_->LoadCommentsWithStatus("pending", 10);
  ASSERT_TRUE(pending.ok()) << pending.error().ToString();
  EXPECT_EQ(*pending, (std::vector<Comment>{fresh, old})) << "newest first, no pingbacks";
  EXPECT_EQ(this->store_->LoadCommentsWithStatus("pending", 1)->size(), 1u);
  EXPECT_EQ(*this->store_->CountComments("pending", 0), 2);
  EXPECT_EQ(*this->store_->CountComments("approved", 7), 1) << "member 7's approved ones";
  EXPECT_EQ(*this->store_->CountComments("approved", 8), 0);
  EXPECT_EQ(*this->store_->LoadComment(this->article_, "m:old"), old) << "member id kept";
  auto mine = this->store_->LoadCommentsOfMember(7, 10);
  ASSERT_TRUE(mine.ok()) << mine.error().ToString();
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].source_id, "m:ok");
  EXPECT_EQ((*mine)[1].source_id, "m:old");
  EXPECT_TRUE(this->store_->LoadCommentsOfMember(9, 10)->empty()) << "spam is not shown back";
}

TYPED_TEST(CommentContract, ModerationChangesStatusAndDeletesAndSaysWhenThereIsNone) {
  this->Make("m:a", 7, 100, "pending");
  ASSERT_TRUE(this->store_->SetCommentStatus(this->article_, "m:a", "approved"));
  EXPECT_EQ(this->store_->LoadComment(this->article_, "m:a")->status, "approved");
  EXPECT_EQ(this->store_->SetCommentStatus(this->article_, "m:none", "spam").error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(this->store_->DeleteComment(this->article_, "m:a"));
  EXPECT_EQ(this->store_->LoadComment(this->article_, "m:a").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store_->DeleteComment(this->article_, "m:a").error().code, ErrorCode::kNotFound);
}

TYPED_TEST(CommentContract, ACommentAndItsNoticeAreCommittedOrRolledBackTogether) {
  auto newsletters = OpenNewsletterStore(this->engine_.file(), this->engine_.With({}));
  ASSERT_TRUE(newsletters.ok()) << newsletters.error().ToString();
  ASSERT_TRUE(this->store_->BeginTransaction());
  this->Make("m:gone", 7, 100, "pending");
  ASSERT_TRUE(this->store_->QueueMail("Subject: gone\r\n\r\nx", 100).ok());
  ASSERT_TRUE(this->store_->Rollback());
  EXPECT_EQ(*(*newsletters)->CountQueuedMail(), 0);
  EXPECT_EQ(*this->store_->CountComments("pending", 0), 0);

  ASSERT_TRUE(this->store_->BeginTransaction());
  this->Make("m:kept", 7, 100, "pending");
  auto id = this->store_->QueueMail("Subject: kept\r\n\r\nx", 100);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  ASSERT_TRUE(this->store_->Commit());
  EXPECT_EQ(*(*newsletters)->CountQueuedMail(), 1) << "the newsletter sender's outbox has it";
  EXPECT_EQ(*this->store_->CountComments("pending", 7), 1);
}

TYPED_TEST(CommentContract, AnArticlesStampChangesWithItsShownComments) {
  auto stamp = [&]() -> std::string {
    auto s = this->store_->CommentStamps();
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s->empty() ? std::string() : s->front().second;
  };
  this->Make("m:held", 7, 100, "pending");
  EXPECT_EQ(stamp(), "") << "nothing shown";
  ASSERT_TRUE(this->store_->SetCommentStatus(this->article_, "m:held", "approved"));
  const std::string one = stamp();
  EXPECT_NE(one, "");
  this->Make("m:two", 8, 200, "approved");
  const std::string two = stamp();
  EXPECT_NE(two, one);
  ASSERT_TRUE(this->store_->SetCommentStatus(this->article_, "m:two", "spam"));
  EXPECT_EQ(stamp(), one);
  ASSERT_TRUE(this->store_->DeleteComment(this->article_, "m:held"));
  EXPECT_EQ(stamp(), "");
  EXPECT_EQ(this->store_->CommentStamps()->size(), 0u);
}

}  // namespace
}  // namespace cinepress
