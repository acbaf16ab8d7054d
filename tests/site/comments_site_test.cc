// Whole-site tests of readers' comments: what an article page shows of them (approved ones,
// threaded, as text; never held ones or spam), the form under it, and the static build's pages
// for the form's addresses; a change of comments changes the article's fingerprint alone.
#include <gtest/gtest.h>

#include "comments/comments.h"
#include "core/text.h"
#include "whole_site.h"

namespace cinepress::testing {
namespace {

const char* kConfig = R"(
title = "The Long Take"
base_url = "https://longtake.example"
timezone = "UTC"

[members]
)";

std::map<std::string, std::string> Magazine() {
  return {{"content/reviews/night-ferry.md",
           "---\ntitle: \"Night Ferry\"\ndate: 2026-03-01T10:00:00Z\nauthor: \"Nia Bianchi\"\n"
           "---\n\nThe crossing.\n"},
          {"content/reviews/other.md",
           "---\ntitle: \"Other\"\ndate: 2026-02-01T10:00:00Z\nauthor: \"Nia Bianchi\"\n"
           "---\n\nAnother.\n"}};
}

class CommentsSite : public ::testing::Test {
 protected:
  void SetUp() override {
    auto built = BuildFromStrings(kConfig, Magazine());
    ASSERT_TRUE(built) << built.error().ToString();
    site_ = std::move(*built);
    auto store = site_.OpenStore();
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    for (const Article& a : site_.site->articles()) {
      if (a.slug == "night-ferry") article_ = {a.id, a.title, "https://longtake.example/x/"};
    }
    ASSERT_NE(article_.id, 0);
  }
  Comment Post(int64_t member, const std::string& name, const std::string& text,
               const std::string& parent = "") {
    auto c = PostComment(*store_, site_.site->config(), article_,
                         NewComment{article_.id, parent, member, name, text}, 1800000000);
    EXPECT_TRUE(c) << c.error().ToString();
    return c ? *c : Comment{};
  }
  BuiltSite site_;
  std::unique_ptr<ContentStore> store_;
  CommentedArticle article_;
};

TEST_F(CommentsSite, ArticlesHaveTheFormAndTheStaticBuildSaysWhereItWorks) {
  const std::string html = site_.Page("/reviews/night-ferry/");
  ASSERT_FALSE(html.empty());
  EXPECT_NE(html.find("<form class=\"comment-form\" method=\"post\" action=\"/comments/write/\">"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("name=\"article\" value=\"" + std::to_string(article_.id) + "\""),
            std::string::npos);
  EXPECT_EQ(html.find("comments__list"), std::string::npos) << "no comments yet";
  EXPECT_NE(site_.Page("/comments/write/").find("This copy of the site is static"),
            std::string::npos);
  EXPECT_TRUE(site_.Has("/comments/mine/"));
}

TEST_F(CommentsSite, ApprovedCommentsAreShownThreadedAsTextAndHeldOnesAreNot) {
  const Comment held = Post(7, "Ada", "Waiting <script>alert(1)</script>");
  ASSERT_TRUE(ModerateComments(*store_, "approve", {{article_.id, held.source_id}}));
  const Comment reply =
      Post(7, "Ada", "A reply, shown at once: http://example.com/x.", held.source_id);
  EXPECT_EQ(reply.status, "approved") << "Ada's first was approved";
  const Comment spam = Post(9, "Spammer", "Cheap pills");
  ASSERT_TRUE(ModerateComments(*store_, "spam", {{article_.id, spam.source_id}}));
  Post(8, "Bo", "Still held");
  const std::string before_other = site_.Page("/reviews/other/");
  ASSERT_TRUE(LoadAndBuild(site_));

  const std::string html = site_.Page("/reviews/night-ferry/");
  const size_t first = html.find("id=\"" + CommentAnchor(held.source_id) + "\"");
  const size_t second = html.find("id=\"" + CommentAnchor(reply.source_id) + "\"");
  ASSERT_NE(first, std::string::npos) << html;
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_NE(html.find("class=\"comment comment--depth-1\" id=\"" + CommentAnchor(reply.source_id)),
            std::string::npos);
  EXPECT_NE(html.find("Comments <span class=\"comments__count\">2</span>"), std::string::npos);
  EXPECT_NE(html.find("Waiting &lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"http://example.com/x\" rel=\"nofollow ugc noopener\">"),
            std::string::npos);
  EXPECT_NE(html.find("<time datetime=\"2027-01-15T08:00:00+00:00\">"), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"/comments/write/?article=" + std::to_string(article_.id) +
                      "&amp;reply=" + PercentEncode(held.source_id) + "\""),
            std::string::npos)
      << "each comment has its Reply link";
  EXPECT_EQ(html.find("Cheap pills"), std::string::npos);
  EXPECT_EQ(html.find("Still held"), std::string::npos);
  EXPECT_EQ(site_.Page("/reviews/other/"), before_other) << "another article's page is the same";
}

TEST_F(CommentsSite, ACommentChangesItsArticlesFingerprintOnly) {
  auto fingerprints = [&] {
    std::map<std::string, std::string> out;
    for (const Output& o : site_.site->outputs()) out[o.path] = site_.site->Fingerprint(o);
    return out;
  };
  const auto before = fingerprints();
  const Comment c = Post(7, "Ada", "Hello");
  ASSERT_TRUE(LoadAndBuild(site_));
  EXPECT_EQ(fingerprints(), before) << "a held comment changes nothing";
  ASSERT_TRUE(ModerateComments(*store_, "approve", {{article_.id, c.source_id}}));
  ASSERT_TRUE(LoadAndBuild(site_));
  const auto after = fingerprints();
  std::vector<std::string> changed;
  for (const auto& [path, fp] : after) {
    if (before.at(path) != fp) changed.push_back(path);
  }
  EXPECT_EQ(changed, std::vector<std::string>{"reviews/night-ferry/index.html"});
}

TEST_F(CommentsSite, WithoutMembersThereIsNoFormButImportedCommentsStayShown) {
  auto built =
      BuildFromStrings("title = \"No Members\"\nbase_url = \"https://nm.example\"\n", Magazine());
  ASSERT_TRUE(built) << built.error().ToString();
  EXPECT_EQ(built->Page("/reviews/night-ferry/").find("comment-form"), std::string::npos);
  EXPECT_FALSE(built->Has("/comments/write/"));
}

}  // namespace
}  // namespace cinepress::testing
