// The newsroom's newsletter pages through the router: the list with subscribers and issues, the
// next issue composed and previewed (HTML in a sandboxed frame, the text part), a test to the
// signed-in staff member through the outbox, a send scheduled in the site's zone or now, and
// cancelled; editors and admins only.
#include <gtest/gtest.h>

#include "web/admin_web_test_fixture.h"

namespace cinepress {
namespace {

class AdminNewslettersTest : public AdminWebFixture {
 protected:
  void SetUp() override {
    AdminWebFixture::SetUp();
    newsletters_ = std::move(*OpenNewsletterStore(dir_ / "site.db", {}));
    for (const char* email : {"a@r.example", "b@r.example"}) {
      auto id = newsletters_->UpsertSubscriber(email, "", kNow);
      ASSERT_TRUE(id.ok());
      ASSERT_TRUE(newsletters_->SetSubscription(*id, "weekly", SubscriptionState::kConfirmed,
                                                Consent{kNow, "192.0.2.9", "test"}, kNow));
    }
  }
  void TearDown() override {
    newsletters_.reset();
    AdminWebFixture::TearDown();
  }
  std::unique_ptr<NewsletterStore> newsletters_;
};

TEST_F(AdminNewslettersTest, OnlyEditorsAndAdminsManageNewsletters) {
  for (StaffRole role : {StaffRole::kContributor, StaffRole::kAuthor}) {
    const std::string session = SignedIn(std::string(StaffRoleName(role)) + "@lt.example", role);
    EXPECT_EQ(Call("GET", "/admin/newsletters/", session).status, 403);
    EXPECT_EQ(Call("GET", "/admin/newsletters/weekly/", session).status, 403);
    EXPECT_EQ(Call("GET", "/admin/newsletters/weekly/preview/", session).status, 403);
    EXPECT_EQ(Call("POST", "/admin/newsletters/weekly/test/", session, "x=1").status, 403);
    EXPECT_EQ(Call("POST", "/admin/newsletters/weekly/send/", session, "x=1").status, 403);
    EXPECT_EQ(
        Call("POST", "/admin/newsletters/weekly/schedule/", session, "at=2027-01-01T10:00").status,
        403);
  }
  EXPECT_TRUE(sent_.empty());
  EXPECT_FALSE(newsletters_->LoadScheduledSend("weekly")->has_value());
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string list = Body(Call("GET", "/admin/newsletters/", editor));
  EXPECT_NE(list.find("href=\"/admin/newsletters/weekly/\">The Weekly</a>"), std::string::npos)
      << list;
  EXPECT_NE(list.find("<td>2"), std::string::npos) << "two subscribers";
  EXPECT_EQ(Call("GET", "/admin/newsletters/nope/", editor).status, 404);
}

TEST_F(AdminNewslettersTest, TheNextIssueIsPreviewedAsTheEmailWillLook) {
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  HttpResponse r = Call("GET", "/admin/newsletters/weekly/", editor);
  ASSERT_EQ(r.status, 200) << Body(r);
  const std::string page = Body(r);
  EXPECT_NE(page.find("<iframe class=\"email-preview\""), std::string::npos) << page;
  EXPECT_NE(page.find(" sandbox src=\"/admin/newsletters/weekly/preview/\""), std::string::npos);
  EXPECT_NE(page.find("<pre class=\"email-text\">"), std::string::npos);
  EXPECT_NE(std::string(r.Header("Content-Security-Policy")).find("frame-src 'self'"),
            std::string::npos);
  EXPECT_NE(page.find("Send a test to ed@lt.example"), std::string::npos);
  HttpResponse preview = Call("GET", "/admin/newsletters/weekly/preview/", editor);
  ASSERT_EQ(preview.status, 200);
  EXPECT_NE(Body(preview).find("<html"), std::string::npos) << Body(preview);
  const std::string csp(preview.Header("Content-Security-Policy"));
  EXPECT_EQ(csp.rfind("sandbox;", 0), 0u) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'self'"), std::string::npos);
  EXPECT_EQ(preview.Header("X-Frame-Options"), "SAMEORIGIN");
}

TEST_F(AdminNewslettersTest, ATestGoesToTheSignedInStaffMemberAndNothingIsStored) {
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  HttpResponse r = Call("POST", "/admin/newsletters/weekly/test/", editor, "x=1");
  ASSERT_EQ(r.status, 303) << Body(r);
  EXPECT_EQ(r.Header("Location"), "/admin/newsletters/weekly/?done=test");
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].to.email, "ed@lt.example");
  EXPECT_EQ(sent_[0].subject.rfind("[Test] ", 0), 0u) << sent_[0].subject;
  EXPECT_FALSE(sent_[0].html.empty());
  EXPECT_FALSE(sent_[0].text.empty());
  EXPECT_FALSE(newsletters_->LatestIssue("weekly")->has_value()) << "a test is not an issue";
  EXPECT_NE(Body(Call("GET", "/admin/newsletters/weekly/?done=test", editor))
                .find("on its way to your address"),
            std::string::npos);
  EXPECT_EQ(Body(Call("GET", "/admin/newsletters/weekly/?done=%3Cb%3E", editor)).find("<b>"),
            std::string::npos)
      << "an unknown word is no notice";
  refuse_mail_ = true;
  EXPECT_EQ(Call("POST", "/admin/newsletters/weekly/test/", editor, "x=1").status, 500);
}

TEST_F(AdminNewslettersTest, ASendIsScheduledInTheSiteZoneOrNowAndCanBeCancelled) {
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  // kNow is 2027-01-15T08:00:00Z; the site's zone is UTC.
  HttpResponse r =
      Call("POST", "/admin/newsletters/weekly/schedule/", editor, "at=2027-01-15T10%3A30");
  ASSERT_EQ(r.status, 303) << Body(r);
  auto scheduled = newsletters_->LoadScheduledSend("weekly");
  ASSERT_TRUE(scheduled->has_value());
  EXPECT_EQ((*scheduled)->at, kNow + 2 * 3600 + 30 * 60);
  EXPECT_EQ((*scheduled)->by, "ed@lt.example");
  EXPECT_NE(Body(Call("GET", "/admin/newsletters/weekly/", editor)).find("2027-01-15 10:30"),
            std::string::npos);
  EXPECT_EQ(Call("POST", "/admin/newsletters/weekly/schedule/", editor, "at=soon").status, 400);
  EXPECT_EQ(
      Call("POST", "/admin/newsletters/weekly/schedule/", editor, "at=2020-01-01T10%3A00").status,
      400)
      << "the past";
  EXPECT_EQ((*newsletters_->LoadScheduledSend("weekly"))->at, kNow + 2 * 3600 + 30 * 60);
  ASSERT_EQ(Call("POST", "/admin/newsletters/weekly/unschedule/", editor, "x=1").status, 303);
  EXPECT_FALSE(newsletters_->LoadScheduledSend("weekly")->has_value());
  ASSERT_EQ(Call("POST", "/admin/newsletters/weekly/send/", editor, "x=1").status, 303);
  EXPECT_EQ((*newsletters_->LoadScheduledSend("weekly"))->at, kNow) << "now: the next turn";
  EXPECT_TRUE(sent_.empty()) << "the scheduler sends, not the request";
}

}  // namespace
}  // namespace cinepress
