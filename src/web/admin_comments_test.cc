// The newsroom's comments queue through the router: editors and admins only; the lists by
// status; approve, spam and delete in bulk; the dashboard's count; a hostile comment shown as
// text.
#include <gtest/gtest.h>

#include "comments/comments.h"
#include "core/text.h"
#include "web/admin_web_test_fixture.h"

namespace cinepress {
namespace {

class AdminCommentsTest : public AdminWebFixture {
 protected:
  void SetUp() override {
    AdminWebFixture::SetUp();
    auto config = ParseSiteConfig(R"(title = "The Long Take"
base_url = "https://lt.example"
[members]
)",
                                  "cinepress.toml");
    ASSERT_TRUE(config.ok()) << config.error().ToString();
    ASSERT_TRUE(config->comments.enabled) << "on by default where members exist";
    Article a;
    a.section = "reviews";
    a.slug = "night-ferry";
    a.title = "Night Ferry";
    a.date = kNow - 86400;
    auto id = content_->SaveArticle(a);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    a.id = *id;
    const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
    auto theme =
        Theme::Load(std::filesystem::path(src ? src : ".") / "themes/default", "themes/default");
    ASSERT_TRUE(theme.ok());
    auto site = Site::Assemble(*config, *TimeZone::Named("UTC"), *theme, {a}, {}, {}, {}, kNow);
    ASSERT_TRUE(site.ok()) << site.error().ToString();
    site_ = *site;
    article_ = {*id, "Night Ferry", "https://lt.example/reviews/night-ferry/"};
  }
  Comment Post(int64_t member, const std::string& name, const std::string& text) {
    auto c = PostComment(*content_, site_->config(), article_,
                         NewComment{article_.id, "", member, name, text}, kNow - 60);
    EXPECT_TRUE(c.ok()) << c.error().ToString();
    return c.ok() ? *c : Comment{};
  }
  static std::string Picks(const std::vector<Comment>& cs) {
    std::string body;
    for (const Comment& c : cs) body += "&c=" + PercentEncode(CommentKeyText(c));
    return body;
  }
  CommentedArticle article_;
};

TEST_F(AdminCommentsTest, OnlyEditorsAndAdminsModerate) {
  const Comment c = Post(7, "Ada", "Held");
  for (StaffRole role : {StaffRole::kContributor, StaffRole::kAuthor}) {
    const std::string session = SignedIn(std::string(StaffRoleName(role)) + "@lt.example", role);
    EXPECT_EQ(Call("GET", "/admin/comments/", session).status, 403);
    EXPECT_EQ(Call("POST", "/admin/comments/", session, "action=approve" + Picks({c})).status, 403);
    const std::string dashboard = Body(Call("GET", "/admin/", session));
    EXPECT_EQ(dashboard.find("comments waiting"), std::string::npos);
    EXPECT_EQ(dashboard.find("/admin/comments/"), std::string::npos);
  }
  EXPECT_EQ(Call("GET", "/admin/comments/").status / 100, 3) << "to the sign-in";
  EXPECT_EQ(content_->LoadComment(article_.id, c.source_id)->status, "pending");
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string dashboard = Body(Call("GET", "/admin/", editor));
  EXPECT_NE(dashboard.find("<strong>1</strong> comments waiting"), std::string::npos) << dashboard;
  EXPECT_NE(dashboard.find("href=\"/admin/comments/\""), std::string::npos);
}

TEST_F(AdminCommentsTest, TheQueueApprovesSpamsAndDeletesInBulk) {
  const Comment a = Post(7, "Ada", "First");
  const Comment b = Post(8, "Bo", "Second");
  const Comment c = Post(9, "Cy", "Buy cheap pills");
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string queue = Body(Call("GET", "/admin/comments/", editor));
  for (const Comment& x : {a, b, c}) {
    EXPECT_NE(queue.find("value=\"" + CommentKeyText(x) + "\""), std::string::npos) << queue;
  }
  EXPECT_NE(queue.find("Night Ferry"), std::string::npos);

  HttpResponse r = Call("POST", "/admin/comments/", editor, "action=approve" + Picks({a, b}));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(*content_->CountComments("approved", 0), 2);
  const std::string after = Body(Call("GET", "/admin/comments/?done=approve&n=2", editor));
  EXPECT_NE(after.find("2 comments approved."), std::string::npos);
  EXPECT_EQ(after.find(CommentKeyText(a)), std::string::npos) << "no longer waiting";

  EXPECT_EQ(Call("POST", "/admin/comments/", editor, "action=spam" + Picks({c})).status, 303);
  EXPECT_NE(Body(Call("GET", "/admin/comments/?status=spam", editor)).find(CommentKeyText(c)),
            std::string::npos);
  EXPECT_EQ(Call("POST", "/admin/comments/", editor, "action=delete" + Picks({b, c})).status, 303);
  EXPECT_EQ(*content_->CountComments("approved", 0), 1);
  EXPECT_EQ(*content_->CountComments("spam", 0), 0);

  EXPECT_EQ(Call("POST", "/admin/comments/", editor, "action=approve").status, 400) << "none";
  EXPECT_EQ(Call("POST", "/admin/comments/", editor, "action=burn" + Picks({a})).status, 400);
  EXPECT_EQ(Call("POST", "/admin/comments/", editor, "action=approve&c=nonsense").status, 400);
  EXPECT_EQ(Call("GET", "/admin/comments/?status=trash", editor).status, 400);
}

TEST_F(AdminCommentsTest, AHostileCommentIsShownAsText) {
  Post(7, "<img src=x onerror=alert(1)>", "<script>alert(2)</script>");
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string queue = Body(Call("GET", "/admin/comments/", editor));
  EXPECT_EQ(queue.find("<script>alert(2)"), std::string::npos);
  EXPECT_EQ(queue.find("<img src=x"), std::string::npos);
  EXPECT_NE(queue.find("&lt;script&gt;alert(2)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(queue.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

}  // namespace
}  // namespace cinepress
