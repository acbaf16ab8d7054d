// The newsroom's inbox through the router: the list and its filters, a message with its thread,
// the attached file sent as an attachment of a safe type, reply (through the outbox, kept in
// the thread), close and reopen; editors and admins only; a hostile message shown escaped.
#include <gtest/gtest.h>

#include "contact/inbox.h"
#include "web/admin_web_test_fixture.h"

namespace cinepress {
namespace {

class AdminInboxTest : public AdminWebFixture {
 protected:
  void SetUp() override {
    AdminWebFixture::SetUp();
    inbox_ = std::move(*OpenInboxStore(dir_ / "site.db", {}));
  }
  void TearDown() override {
    inbox_.reset();
    AdminWebFixture::TearDown();
  }
  int64_t Receive(Submission s, const std::string& file = "") {
    s.created = kNow - 60;
    auto id = ReceiveSubmission(*inbox_, site_->config(), std::move(s), file,
                                [](const MailMessage&) { return Status(); });
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }
  static Submission Message(const std::string& name, const std::string& subject) {
    Submission s;
    s.kind = "contact";
    s.name = name;
    s.email = "reader@r.example";
    s.subject = subject;
    s.message = "I liked the review.\nWill you cover the retrospective?";
    s.ip = "198.51.100.7";
    return s;
  }
  std::unique_ptr<InboxStore> inbox_;
};

TEST_F(AdminInboxTest, OnlyEditorsAndAdminsReadTheInbox) {
  const int64_t id = Receive(Message("Ada", "Hello"));
  const std::string message = "/admin/inbox/" + std::to_string(id) + "/";
  for (StaffRole role : {StaffRole::kContributor, StaffRole::kAuthor}) {
    const std::string session = SignedIn(std::string(StaffRoleName(role)) + "@lt.example", role);
    EXPECT_EQ(Call("GET", "/admin/inbox/", session).status, 403);
    EXPECT_EQ(Call("GET", message, session).status, 403);
    EXPECT_EQ(Call("GET", message + "file/", session).status, 403);
    EXPECT_EQ(Call("POST", message + "close/", session, "x=1").status, 403);
    EXPECT_EQ(Call("POST", message + "reply/", session, "message=hi").status, 403);
    const std::string dashboard = Body(Call("GET", "/admin/", session));
    EXPECT_EQ(dashboard.find("open messages"), std::string::npos) << "no count for them";
    EXPECT_EQ(dashboard.find("/admin/inbox/"), std::string::npos) << "no link for them";
  }
  EXPECT_EQ((*inbox_->LoadSubmission(id))->status, "open");
  EXPECT_TRUE(inbox_->LoadReplies(id)->empty());
  EXPECT_TRUE(sent_.empty());
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  EXPECT_EQ(Call("GET", "/admin/inbox/", editor).status, 200);
  EXPECT_EQ(Call("GET", message, editor).status, 200);
  const std::string dashboard = Body(Call("GET", "/admin/", editor));
  EXPECT_NE(dashboard.find("<strong>1</strong> open messages"), std::string::npos) << dashboard;
}

TEST_F(AdminInboxTest, TheListFiltersByStatusAndKind) {
  const int64_t contact = Receive(Message("Ada", "About a review"));
  Submission pitch = Message("Bo", "");
  pitch.kind = "pitch";
  const int64_t pitched = Receive(pitch);
  const int64_t closed = Receive(Message("Cy", "An old question"));
  ASSERT_TRUE(CloseSubmission(*inbox_, closed, kNow));
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  auto link = [](int64_t id) { return "href=\"/admin/inbox/" + std::to_string(id) + "/\""; };
  const std::string open = Body(Call("GET", "/admin/inbox/", editor));
  EXPECT_NE(open.find(link(contact)), std::string::npos);
  EXPECT_NE(open.find(link(pitched)), std::string::npos);
  EXPECT_NE(open.find("Pitch from Bo"), std::string::npos);
  EXPECT_EQ(open.find(link(closed)), std::string::npos) << "open ones by default";
  const std::string shut = Body(Call("GET", "/admin/inbox/?status=closed", editor));
  EXPECT_NE(shut.find(link(closed)), std::string::npos);
  EXPECT_EQ(shut.find(link(contact)), std::string::npos);
  const std::string pitches = Body(Call("GET", "/admin/inbox/?status=all&kind=pitch", editor));
  EXPECT_NE(pitches.find(link(pitched)), std::string::npos);
  EXPECT_EQ(pitches.find(link(contact)), std::string::npos);
  EXPECT_EQ(pitches.find(link(closed)), std::string::npos);
  EXPECT_EQ(Call("GET", "/admin/inbox/?kind=spam", editor).status, 400);
}

TEST_F(AdminInboxTest, AHostileMessageIsShownEscapedEverywhere) {
  Submission s = Message("<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>");
  s.kind = "pitch";
  s.message = "<b>bold</b> {{csrf}} <iframe src=javascript:alert(3)>";
  s.links = "javascript:alert(4)\n<a href=x>y</a>";
  const int64_t id = Receive(s);
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  for (const std::string& page :
       {Body(Call("GET", "/admin/inbox/", editor)),
        Body(Call("GET", "/admin/inbox/" + std::to_string(id) + "/", editor))}) {
    for (const char* raw : {"<script>alert", "<img src=x", "<b>bold", "<iframe src=java",
                            "<a href=x>", "href=\"javascript:"}) {
      EXPECT_EQ(page.find(raw), std::string::npos) << raw << " in\n" << page;
    }
    EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << page;
  }
  const std::string message = Body(Call("GET", "/admin/inbox/" + std::to_string(id) + "/", editor));
  EXPECT_NE(message.find("&lt;b&gt;bold&lt;/b&gt; {{csrf}}"), std::string::npos)
      << "a stranger's braces are text, not a template";
}

TEST_F(AdminInboxTest, AReplyGoesThroughTheOutboxAndStaysInTheThread) {
  const int64_t id = Receive(Message("Ada", "About a review"));
  const std::string base = "/admin/inbox/" + std::to_string(id) + "/";
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  EXPECT_EQ(Call("POST", base + "reply/", editor, "message=++").status, 400) << "empty";
  EXPECT_TRUE(sent_.empty());
  refuse_mail_ = true;
  HttpResponse refused = Call("POST", base + "reply/", editor, "message=Not+sent");
  EXPECT_EQ(refused.status, 500);
  EXPECT_NE(Body(refused).find("The reply was not sent"), std::string::npos);
  EXPECT_TRUE(inbox_->LoadReplies(id)->empty()) << "a reply not sent is not kept";
  refuse_mail_ = false;
  HttpResponse r = Call("POST", base + "reply/", editor, "message=Yes%2C+in+March.%0AThanks%21");
  ASSERT_EQ(r.status, 303) << Body(r);
  EXPECT_EQ(r.Header("Location"), base);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].to.email, "reader@r.example");
  EXPECT_EQ(sent_[0].subject, "Re: About a review");
  EXPECT_NE(sent_[0].text.find("Yes, in March.\nThanks!"), std::string::npos) << sent_[0].text;
  EXPECT_NE(sent_[0].text.find("> I liked the review."), std::string::npos) << "quoted";
  auto replies = inbox_->LoadReplies(id);
  ASSERT_EQ(replies->size(), 1u);
  EXPECT_EQ((*replies)[0].message, "Yes, in March.\nThanks!");
  EXPECT_EQ((*replies)[0].created, kNow);
  const std::string page = Body(Call("GET", base, editor));
  EXPECT_NE(page.find("<p>Yes, in March.</p><p>Thanks!</p>"), std::string::npos) << page;
  EXPECT_EQ(Call("POST", "/admin/inbox/999/reply/", editor, "message=hi").status, 404);
}

TEST_F(AdminInboxTest, CloseAndReopen) {
  const int64_t id = Receive(Message("Ada", "About a review"));
  const std::string base = "/admin/inbox/" + std::to_string(id) + "/";
  const std::string admin = SignedIn("boss@lt.example", StaffRole::kEditor);
  EXPECT_NE(Body(Call("GET", base, admin)).find("Close it"), std::string::npos);
  HttpResponse closed = Call("POST", base + "close/", admin, "x=1");
  EXPECT_EQ(closed.status, 303);
  EXPECT_EQ((*inbox_->LoadSubmission(id))->status, "closed");
  EXPECT_EQ((*inbox_->LoadSubmission(id))->updated, kNow);
  EXPECT_NE(Body(Call("GET", base, admin)).find("Reopen it"), std::string::npos);
  EXPECT_EQ(Call("POST", base + "reopen/", admin, "x=1").status, 303);
  EXPECT_EQ((*inbox_->LoadSubmission(id))->status, "open");
  EXPECT_EQ(Call("POST", "/admin/inbox/77/close/", admin, "x=1").status, 404);
  EXPECT_EQ(Call("POST", "/admin/inbox/x/close/", admin, "x=1").status, 404);
  EXPECT_EQ(Call("GET", base + "nonsense/", admin).status, 404);
  EXPECT_EQ(Call("GET", base + "close/", admin).status, 404) << "a change is a POST";
}

TEST_F(AdminInboxTest, TheFileIsAnAttachmentOfASafeType) {
  Submission pitch = Message("Bo", "");
  pitch.kind = "pitch";
  pitch.file_name = "pitch \"final\".pdf";
  pitch.file_type = "application/pdf";
  const int64_t pdf = Receive(pitch, "%PDF-1.4 the pitch");
  pitch.file_name = "page.html";
  pitch.file_type = "text/html";  // as no check would let in: still never shown as a page
  const int64_t html = Receive(pitch, "<script>alert(1)</script>");
  const int64_t none = Receive(Message("Cy", "No file"));
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string page = Body(Call("GET", "/admin/inbox/" + std::to_string(pdf) + "/", editor));
  EXPECT_NE(page.find("/admin/inbox/" + std::to_string(pdf) + "/file/"), std::string::npos);
  HttpResponse r = Call("GET", "/admin/inbox/" + std::to_string(pdf) + "/file/", editor);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), "%PDF-1.4 the pitch");
  EXPECT_EQ(r.Header("Content-Type"), "application/pdf");
  EXPECT_EQ(r.Header("Content-Disposition"),
            "attachment; filename=\"pitch _final_.pdf\"; filename*=UTF-8''pitch%20%22final%22.pdf");
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  HttpResponse h = Call("GET", "/admin/inbox/" + std::to_string(html) + "/file/", editor);
  ASSERT_EQ(h.status, 200);
  EXPECT_EQ(h.Header("Content-Type"), "application/octet-stream");
  EXPECT_EQ(h.Header("Content-Disposition").rfind("attachment;", 0), 0u);
  EXPECT_NE(std::string(h.Header("Content-Security-Policy")).find("sandbox"), std::string::npos);
  EXPECT_EQ(Call("GET", "/admin/inbox/" + std::to_string(none) + "/file/", editor).status, 404);
}

}  // namespace
}  // namespace cinepress
