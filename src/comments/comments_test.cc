#include "comments/comments.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "store/open_store.h"

namespace cinepress {
namespace {

TEST(CommentHtml, EscapesEverythingAndLinksOnlyWebAddresses) {
  EXPECT_EQ(CommentHtml("<script>alert(1)</script> & \"x\""),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</p>\n");
  EXPECT_EQ(CommentHtml("One\r\ntwo\n\n\nThree"), "<p>One<br>\ntwo</p>\n<p>Three</p>\n");
  EXPECT_EQ(CommentHtml("See https://example.com/a?b=1&c=\"2\"."),
            "<p>See <a href=\"https://example.com/a?b=1&amp;c=\" rel=\"nofollow ugc noopener\">"
            "https://example.com/a?b=1&amp;c=</a>&quot;2&quot;.</p>\n");
  EXPECT_EQ(CommentHtml("javascript:alert(1) and xhttp://no"),
            "<p>javascript:alert(1) and xhttp://no</p>\n")
      << "only http(s) at a word's start becomes a link";
  EXPECT_EQ(CommentHtml("(http://a.example/x), ok"),
            "<p>(<a href=\"http://a.example/x\" rel=\"nofollow ugc noopener\">"
            "http://a.example/x</a>), ok</p>\n");
  EXPECT_EQ(CommentHtml("  \n \n"), "");
}

TEST(CommentKey, RoundTripsAndRefusesJunk) {
  Comment c;
  c.article_id = 42;
  c.source_id = "m:a_b-c";
  auto k = ParseCommentKey(CommentKeyText(c));
  ASSERT_TRUE(k);
  EXPECT_EQ(k->article_id, 42);
  EXPECT_EQ(k->source_id, "m:a_b-c");
  EXPECT_EQ(ParseCommentKey("wp:1"), std::nullopt);
  EXPECT_EQ(ParseCommentKey(":x"), std::nullopt);
  EXPECT_EQ(ParseCommentKey("12:"), std::nullopt);
  EXPECT_EQ(ParseCommentKey("99999999999999999999:x"), std::nullopt);
}

TEST(MayComment, MembersOrPaidMembersWhenOpen) {
  CommentsConfig c;
  ReaderRights anonymous, member, paid;
  member.member_id = 1;
  member.Grant(std::string(kFreeTier));
  paid.member_id = 2;
  paid.Grant("supporter");
  EXPECT_EQ(MayComment(c, member), CommentRight::kClosed) << "off unless the site has members";
  c.enabled = true;
  EXPECT_EQ(MayComment(c, anonymous), CommentRight::kSignIn);
  EXPECT_EQ(MayComment(c, member), CommentRight::kAllowed);
  c.who = "paid";
  EXPECT_EQ(MayComment(c, member), CommentRight::kPaid);
  EXPECT_EQ(MayComment(c, paid), CommentRight::kAllowed);
}

class PostCommentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-comments-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = OpenContentStore(dir_ / "site.db", {});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    auto n = OpenNewsletterStore(dir_ / "site.db", {});
    ASSERT_TRUE(n.ok()) << n.error().ToString();
    outbox_ = std::move(*n);
    Article a;
    a.section = "reviews";
    a.slug = "night-ferry";
    a.title = "Night Ferry";
    a.date = 1700000000;
    auto id = store_->SaveArticle(a);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    article_ = {*id, "Night Ferry", "https://longtake.example/reviews/night-ferry/"};
    ArticleRevision r;
    r.article_id = *id;
    r.created = 1;
    r.author = "writer@longtake.example";
    r.action = "draft";
    r.article = a;
    ASSERT_TRUE(store_->SaveRevision(r).ok());
    site_.title = "The Long Take";
    site_.base_url = "https://longtake.example";
    site_.comments.enabled = true;
    site_.comments.notify = {"desk@longtake.example"};
  }
  void TearDown() override {
    store_.reset();
    outbox_.reset();
    std::filesystem::remove_all(dir_);
  }
  Result<Comment> Post(int64_t member, const std::string& text, const std::string& parent = "") {
    return PostComment(*store_, site_, article_,
                       NewComment{article_.id, parent, member, "Ada\r\nBcc: x@example.com", text},
                       2000);
  }
  std::filesystem::path dir_;
  std::unique_ptr<ContentStore> store_;
  std::unique_ptr<NewsletterStore> outbox_;
  SiteConfig site_;
  CommentedArticle article_;
};

TEST_F(PostCommentTest, AMembersFirstCommentWaitsAndTheNextIsShownAtOnce) {
  auto first = Post(7, "First <b>thoughts</b>");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->status, "pending");
  EXPECT_EQ(first->author, "Ada  Bcc: x@example.com") << "one line: never a header";
  EXPECT_EQ(first->body, "<p>First &lt;b&gt;thoughts&lt;/b&gt;</p>\n");
  EXPECT_EQ(first->member_id, 7);
  EXPECT_EQ(Post(7, "Second")->status, "pending") << "the first is not approved yet";
  ASSERT_TRUE(ModerateComments(*store_, "approve", {{article_.id, first->source_id}}));
  EXPECT_EQ(Post(7, "Third")->status, "approved");
  EXPECT_EQ(Post(8, "Someone new")->status, "pending");
  site_.comments.moderation = "all";
  EXPECT_EQ(Post(7, "Held")->status, "pending");
  site_.comments.moderation = "none";
  EXPECT_EQ(Post(9, "Shown")->status, "approved");
}

TEST_F(PostCommentTest, NoticesGoToTheWriterAndTheDeskInTheCommentsTransaction) {
  auto c = Post(7, "Loved the ending.\nhttps://example.com/");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  auto mail = outbox_->LoadOutbox(10);
  ASSERT_TRUE(mail.ok());
  ASSERT_EQ(mail->size(), 2u);
  std::vector<std::string> to;
  for (const QueuedMail& q : *mail) {
    auto m = ParseMessage(q.message);
    ASSERT_TRUE(m);
    to.push_back(m->to.email);
    EXPECT_EQ(m->subject, "A comment waits for review: Night Ferry");
    EXPECT_NE(m->text.find("Loved the ending.\nhttps://example.com/"), std::string::npos);
    EXPECT_NE(m->text.find("https://longtake.example/admin/comments/"), std::string::npos);
  }
  std::sort(to.begin(), to.end());
  EXPECT_EQ(to, (std::vector<std::string>{"desk@longtake.example", "writer@longtake.example"}));

  site_.comments.notify_writers = false;
  site_.comments.notify.clear();
  ASSERT_TRUE(Post(7, "Quiet").ok());
  EXPECT_EQ(*outbox_->CountQueuedMail(), 2) << "nobody to tell";
}

TEST_F(PostCommentTest, BadCommentsAreRefusedNamingTheField) {
  EXPECT_EQ(Post(7, " \n ").error().field, "comment");
  site_.comments.max_length = 100;
  EXPECT_EQ(Post(7, std::string(101, 'x')).error().field, "comment");
  EXPECT_EQ(Post(7, "not UTF-8: \xC3\x28").error().field, "comment");
  EXPECT_EQ(Post(7, "Reply", "m:nothing").error().field, "parent");
  auto held = Post(7, "Held");
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(Post(8, "Reply", held->source_id).error().field, "parent")
      << "a comment waiting for review cannot be answered";
  EXPECT_EQ(*outbox_->CountQueuedMail(), 2) << "only the held one's notices";
}

TEST_F(PostCommentTest, RepliesModerationInBulkAndAMembersOwnDeletion) {
  site_.comments.moderation = "none";
  auto root = Post(7, "Root");
  auto reply = Post(8, "Reply", root->source_id);
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  EXPECT_EQ(reply->parent_source_id, root->source_id);
  ASSERT_TRUE(ModerateComments(*store_, "spam",
                               {{article_.id, root->source_id}, {article_.id, reply->source_id}}));
  EXPECT_EQ(*store_->CountComments("spam", 0), 2);
  EXPECT_EQ(ModerateComments(*store_, "approve", {{article_.id, "m:gone"}}).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(ModerateComments(*store_, "burn", {}).error().field, "action");
  ASSERT_TRUE(ModerateComments(*store_, "approve",
                               {{article_.id, root->source_id}, {article_.id, reply->source_id}}));
  EXPECT_EQ(*store_->CountComments("approved", 0), 2);
  EXPECT_EQ(DeleteOwnComment(*store_, 7, {article_.id, reply->source_id}).error().code,
            ErrorCode::kNotFound)
      << "not theirs";
  ASSERT_TRUE(DeleteOwnComment(*store_, 8, {article_.id, reply->source_id}));
  EXPECT_EQ(*store_->CountComments("approved", 0), 1);
  ASSERT_TRUE(ModerateComments(*store_, "delete", {{article_.id, root->source_id}}));
  EXPECT_EQ(*store_->CountComments("approved", 0), 0);
}

}  // namespace
}  // namespace cinepress
