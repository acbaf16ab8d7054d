// AdminWeb over a real SQLite store in a temporary folder, with the newsroom's own templates and
// the default theme, for the newsroom's tests: staff signed in by role, requests through the
// router, every message the newsroom sends kept in `sent_` (its outbox, as a test sees it).
// Contract: one fixture per test; the folder is removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/app.h"
#include "staff/accounts.h"
#include "store/open_record_store.h"
#include "store/open_store.h"
#include "web/admin_web.h"

namespace cinepress {

inline constexpr int64_t kNow = 1'800'000'000;
inline constexpr const char* kPassword = "a long enough password";
// A PNG 2 × 1 pixels, written by hand for these tests.
inline const std::string kTinyPng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02\x00\x00\x00"
    "\x01\x08\x02\x00\x00\x00\x7b\x40\xe8\xdd\x00\x00\x00\x0f\x49\x44\x41\x54\x78\x9c\x63\xf8\xff"
    "\xff\x3f\x03\x03\x03\x00\x0e\xf8\x02\xfe\xc9\x8b\x83\xf5\x00\x00\x00\x00\x49\x45\x4e\x44\xae"
    "\x42\x60\x82",
    72);

class AdminWebFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-admin-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto config = ParseSiteConfig(R"(title = "The Long Take"
base_url = "https://lt.example"
[contact]
forward_to = "desk@lt.example"
[[newsletters]]
name = "The Weekly"
slug = "weekly"
from = "The Long Take <news@lt.example>"
)",
                                  "cinepress.toml");
    ASSERT_TRUE(config.ok()) << config.error().ToString();
    const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
    auto theme =
        Theme::Load(std::filesystem::path(src ? src : ".") / "themes/default", "themes/default");
    ASSERT_TRUE(theme.ok()) << theme.error().ToString();
    auto site = Site::Assemble(*config, *TimeZone::Named("UTC"), *theme, {}, {}, {}, {}, kNow);
    ASSERT_TRUE(site.ok()) << site.error().ToString();
    site_ = *site;
    auto templates = NewsroomTemplates();
    ASSERT_TRUE(templates.ok()) << templates.error().ToString();
    const std::filesystem::path db = dir_ / "site.db";
    AdminWebOptions o;
    o.site = [this] { return site_; };
    o.open_staff_store = [db] { return OpenStaffStore(db, {}); };
    o.open_content_store = [db] { return OpenContentStore(db, {}); };
    o.open_newsletter_store = [db] { return OpenNewsletterStore(db, {}); };
    o.open_inbox_store = [db] { return OpenInboxStore(db, {}); };
    o.open_record_store = [db] { return OpenRecordStore(db, {}); };
    o.send = [this](const MailMessage& m) -> Status {
      if (refuse_mail_) return Error{ErrorCode::kIo, "the outbox is full", {}, 0, {}};
      sent_.push_back(m);
      return {};
    };
    o.templates = *templates;
    o.now = [] { return kNow; };
    o.sign_ins_per_ip = 1000;
    o.upload_folder = dir_ / ".cinepress-uploads";
    o.stills.avif = false;  // AVIF is slow to encode; the stills' own tests cover it
    options_ = o;
    web_ = std::make_unique<AdminWeb>(o);
    ASSERT_TRUE(web_->Start().ok());
    web_->Mount(router_);
    staff_ = std::move(*OpenStaffStore(db, {}));
    content_ = std::move(*OpenContentStore(db, {}));
    records_ = std::move(*OpenRecordStore(db, {}));
  }
  void TearDown() override {
    web_.reset();
    staff_.reset();
    content_.reset();
    records_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A staff member with a password, signed in: the session cookie's value.
  std::string SignedIn(const std::string& email, StaffRole role) {
    auto invite = AddStaff(*staff_, email, role, kNow);
    EXPECT_TRUE(invite.ok());
    EXPECT_TRUE(AcceptInvitation(*staff_, invite->token, kPassword, kNow).ok());
    auto in = SignInStaff(*staff_, StaffConfig{}, email, kPassword, kNow);
    EXPECT_TRUE(in.ok());
    return in.ok() ? in->session_token : "";
  }

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& session = "", const std::string& body = "") {
    HttpRequest req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.remote_address = "192.0.2.1";
    if (!session.empty()) req.headers.emplace_back("cookie", "__Host-cp_staff=" + session);
    if (method == "POST") {
      req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    }
    return router_.Dispatch(req);
  }

  // The newsroom started again with `o` (a test's own options), on a new router.
  void Restart(const AdminWebOptions& o) {
    web_ = std::make_unique<AdminWeb>(o);
    ASSERT_TRUE(web_->Start().ok());
    router_ = Router();
    web_->Mount(router_);
  }

  static std::string Body(const HttpResponse& r) { return std::string(r.BodyView()); }

  // A multipart/form-data post of `fields` and of `files` (name, bytes) in the field "file".
  HttpResponse Upload(const std::string& session,
                      const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::vector<std::pair<std::string, std::string>>& files) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/admin/media/upload/";
    req.remote_address = "192.0.2.1";
    req.headers.emplace_back("cookie", "__Host-cp_staff=" + session);
    req.headers.emplace_back("content-type", "multipart/form-data; boundary=XyZ");
    for (const auto& [name, value] : fields) {
      req.body +=
          "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }
    for (const auto& [name, bytes] : files) {
      req.body += "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
                  "\"\r\nContent-Type: image/png\r\n\r\n" + bytes + "\r\n";
    }
    req.body += "--XyZ--\r\n";
    return router_.Dispatch(req);
  }

  std::filesystem::path dir_;
  AdminWebOptions options_;
  std::shared_ptr<const Site> site_;
  std::unique_ptr<AdminWeb> web_;
  Router router_;
  std::unique_ptr<StaffStore> staff_;
  std::unique_ptr<ContentStore> content_;
  std::unique_ptr<RecordStore> records_;
  std::vector<MailMessage> sent_;
  bool refuse_mail_ = false;
};

}  // namespace cinepress
