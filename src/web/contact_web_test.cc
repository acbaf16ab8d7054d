// ContactWeb behind the real router and the members' CSRF middleware, over a real SQLite store
// and the default theme: a contact message and a pitch with a file go through; what strangers'
// machines send does not (honeypot, a form sent too soon or too late, a forged stamp, another
// site's post, too many posts, header injection, a renamed program as the file).
#include "web/contact_web.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "store/open_store.h"
#include "web/members_web.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

class ContactWebTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cinepress-contactweb-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto config = ParseSiteConfig(R"(title = "The Long Take"
base_url = "http://longtake.example"
[contact]
forward_to = "Editors <editors@longtake.example>"
max_file_kb = 4
)",
                                  "cinepress.toml");
    ASSERT_TRUE(config.ok()) << config.error().ToString();
    const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
    auto theme = Theme::Load(fs::path(src ? src : ".") / "themes/default", "themes/default");
    ASSERT_TRUE(theme.ok()) << theme.error().ToString();
    theme_ = *theme;
    // The site's own /contact/ page: its text is shown above the form.
    Article page;
    page.kind = ArticleKind::kPage;
    page.slug = "contact";
    page.title = "Write to us";
    page.dek = "How to reach the editors";
    page.body_markdown = "We read *everything*.";
    page.date = 10;
    auto site = Site::Assemble(*config, *TimeZone::Named("UTC"), *theme, {page}, {}, {}, {}, 1000);
    ASSERT_TRUE(site.ok()) << site.error().ToString();
    site_ = *site;
    const fs::path db = dir_ / "site.db";
    auto content = OpenContentStore(db, {});
    ASSERT_TRUE(content.ok()) << content.error().ToString();

    MembersWebOptions m;
    m.site = [this] { return site_; };
    m.open_store = [db] { return OpenMemberStore(db, {}); };
    m.open_newsletter_store = [db] { return OpenNewsletterStore(db, {}); };
    m.send = [](const MailMessage&) -> Status { return {}; };
    m.now = [this] { return now_; };
    members_ = std::make_unique<MembersWeb>(m);
    ASSERT_TRUE(members_->Start().ok());
    members_->Mount(router_);

    ContactWebOptions o;
    o.site = [this] { return site_; };
    o.open_store = [db] { return OpenInboxStore(db, {}); };
    o.open_content = [db] { return OpenContentStore(db, {}); };
    o.secret = [] { return Result<std::string>(std::string(32, 'k')); };
    o.send = [this](const MailMessage& message) -> Status {
      sent_.push_back(message);
      return {};
    };
    o.fallback = [](RequestContext&) { return TextResponse(404, "the site's own\n"); };
    o.now = [this] { return now_; };
    o.posts_per_ip = 4;
    web_ = std::make_unique<ContactWeb>(o);
    ASSERT_TRUE(web_->Start().ok());
    web_->Mount(router_);
    inbox_ = std::move(*OpenInboxStore(db, {}));
  }
  void TearDown() override {
    web_.reset();
    members_.reset();
    inbox_.reset();
    fs::remove_all(dir_);
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& type, const std::string& ip = "192.0.2.1",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.remote_address = ip;
    req.headers = std::move(headers);
    req.headers.emplace_back("host", "longtake.example");
    if (!cookie_.empty()) req.headers.emplace_back("cookie", cookie_);
    if (!type.empty()) req.headers.emplace_back("content-type", type);
    return router_.Dispatch(req);
  }
  // Opens the form as a browser does: its CSRF cookie, token and time stamp.
  struct Opened {
    std::string csrf, stamp, html;
  };
  Opened Open(const std::string& path) {
    HttpResponse page = Call("GET", path, "", "");
    EXPECT_EQ(page.status, 200);
    std::string set = std::string(page.Header("Set-Cookie"));
    if (!set.empty()) cookie_ = set.substr(0, set.find(';'));
    Opened o;
    o.html = std::string(page.BodyView());
    std::smatch m;
    if (std::regex_search(o.html, m, std::regex("name=\"csrf\" value=\"([^\"]+)\""))) o.csrf = m[1];
    if (std::regex_search(o.html, m, std::regex("name=\"stamp\" value=\"([^\"]+)\""))) {
      o.stamp = m[1];
    }
    return o;
  }
  static std::string Encode(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      if (isalnum(c)) {
        out += static_cast<char>(c);
      } else {
        char hex[4];
        snprintf(hex, sizeof hex, "%%%02X", c);
        out += hex;
      }
    }
    return out;
  }
  static std::string UrlForm(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& f : fields)
      body += (body.empty() ? "" : "&") + f.first + "=" + Encode(f.second);
    return body;
  }
  HttpResponse PostContact(const Opened& o,
                           std::vector<std::pair<std::string, std::string>> fields) {
    fields.insert(fields.begin(), {{"csrf", o.csrf}, {"stamp", o.stamp}});
    return Call("POST", "/contact/", UrlForm(fields), "application/x-www-form-urlencoded");
  }
  static std::vector<std::pair<std::string, std::string>> Good() {
    return {{"name", "Ada Reader"},
            {"email", "ada@reader.example"},
            {"subject", "Your review of Aloners"},
            {"message", "I liked it.\r\nVery much."},
            {"website", ""}};
  }
  std::vector<Submission> Kept() { return *inbox_->ListSubmissions(""); }
  static std::string Body(const HttpResponse& r) { return std::string(r.BodyView()); }

  fs::path dir_;
  int64_t now_ = 100000;
  std::shared_ptr<const Theme> theme_;
  std::shared_ptr<const Site> site_;
  std::unique_ptr<MembersWeb> members_;
  std::unique_ptr<ContactWeb> web_;
  std::unique_ptr<InboxStore> inbox_;
  Router router_;
  std::string cookie_;
  std::vector<MailMessage> sent_;
};

TEST_F(ContactWebTest, AMessageIsKeptAcknowledgedForwardedAndThanked) {
  Opened form = Open("/contact/");
  EXPECT_NE(form.html.find("Write to us"), std::string::npos) << "the page's title";
  EXPECT_NE(form.html.find("We read <em>everything</em>."), std::string::npos) << "its text";
  EXPECT_NE(form.html.find("<meta name=\"description\" content=\"How to reach the editors\">"),
            std::string::npos)
      << "its summary";
  EXPECT_NE(form.html.find("<label for=\"contact-email\">"), std::string::npos);
  ASSERT_FALSE(form.csrf.empty());
  ASSERT_FALSE(form.stamp.empty());
  now_ += 30;
  HttpResponse sent = PostContact(form, Good());
  EXPECT_EQ(sent.status, 303) << Body(sent);
  EXPECT_EQ(sent.Header("Location"), "/contact/thanks/");
  auto kept = Kept();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].kind, "contact");
  EXPECT_EQ(kept[0].name, "Ada Reader");
  EXPECT_EQ(kept[0].message, "I liked it.\nVery much.");
  EXPECT_EQ(kept[0].ip, "192.0.2.1");
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[0].to.email, "ada@reader.example");
  EXPECT_EQ(sent_[1].to.email, "editors@longtake.example");
  HttpResponse thanks = Call("GET", "/contact/thanks/", "", "");
  EXPECT_EQ(thanks.status, 200);
  EXPECT_NE(Body(thanks).find("has reached the editors"), std::string::npos);
}

TEST_F(ContactWebTest, AFilledHoneypotIsThankedAndNothingIsKept) {
  Opened form = Open("/contact/");
  now_ += 30;
  auto fields = Good();
  fields.back().second = "http://spam.example";
  HttpResponse r = PostContact(form, fields);
  EXPECT_EQ(r.status, 303);
  EXPECT_TRUE(Kept().empty());
  EXPECT_TRUE(sent_.empty());
}

TEST_F(ContactWebTest, TheTimeStampRefusesFormsSentTooSoonTooLateOrForged) {
  Opened form = Open("/contact/");
  now_ += 1;  // a machine's speed
  HttpResponse soon = PostContact(form, Good());
  EXPECT_EQ(soon.status, 400);
  EXPECT_NE(Body(soon).find("quicker than we expected"), std::string::npos);
  // What was typed is still there, and the new form has a new stamp to send it with.
  EXPECT_NE(Body(soon).find("value=\"Ada Reader\""), std::string::npos);
  EXPECT_NE(Body(soon).find(">I liked it.\r\nVery much.</textarea>"), std::string::npos);
  now_ += 86400 + 10;
  HttpResponse late = PostContact(form, Good());
  EXPECT_EQ(late.status, 400);
  EXPECT_NE(Body(late).find("more than a day"), std::string::npos);
  Opened forged = form;
  forged.stamp = std::to_string(now_ - 60) + form.stamp.substr(form.stamp.find('.'));
  EXPECT_EQ(PostContact(forged, Good()).status, 400);
  EXPECT_TRUE(Kept().empty());
  EXPECT_EQ(web_->CheckStamp(web_->Stamp(now_ - 60), now_), "");
  EXPECT_NE(web_->CheckStamp("12.x", now_), "");
  EXPECT_NE(web_->CheckStamp("", now_), "");
}

TEST_F(ContactWebTest, PostsFromAnotherSiteOrWithoutTheTokenAreRefused) {
  Opened form = Open("/contact/");
  now_ += 30;
  std::vector<std::pair<std::string, std::string>> fields = Good();
  fields.insert(fields.begin(), {{"csrf", form.csrf}, {"stamp", form.stamp}});
  HttpResponse cross =
      Call("POST", "/contact/", UrlForm(fields), "application/x-www-form-urlencoded", "192.0.2.1",
           {{"sec-fetch-site", "cross-site"}});
  EXPECT_EQ(cross.status, 403);
  HttpResponse origin =
      Call("POST", "/contact/", UrlForm(fields), "application/x-www-form-urlencoded", "192.0.2.1",
           {{"origin", "https://evil.example"}});
  EXPECT_EQ(origin.status, 403);
  Opened tokenless = form;
  tokenless.csrf = "";
  EXPECT_EQ(PostContact(tokenless, Good()).status, 403);
  EXPECT_TRUE(Kept().empty());
}

TEST_F(ContactWebTest, EachClientHasALimitThatRefusedPostsCountAgainst) {
  Opened form = Open("/contact/");
  now_ += 30;
  auto bad = Good();
  bad[1].second = "not an address";
  for (int i = 0; i < 4; ++i) EXPECT_EQ(PostContact(form, bad).status, 400);
  HttpResponse over = PostContact(form, Good());
  EXPECT_EQ(over.status, 429);
  EXPECT_FALSE(over.Header("Retry-After").empty());
  EXPECT_TRUE(Kept().empty());
}

TEST_F(ContactWebTest, AWrongFieldIsNamedBesideItAndFocused) {
  Opened form = Open("/contact/");
  now_ += 30;
  auto bad = Good();
  bad[1].second = "not an address";
  HttpResponse r = PostContact(form, bad);
  EXPECT_EQ(r.status, 400);
  const std::string html = Body(r);
  EXPECT_NE(html.find("<p class=\"contact__error\" id=\"contact-email-error\">Please give an email "
                      "address.</p>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("aria-describedby=\"contact-email-error contact-email-hint\" "
                      "aria-invalid=\"true\" autofocus"),
            std::string::npos);
  EXPECT_NE(html.find("href=\"#contact-email\""), std::string::npos) << "the summary links to it";
  EXPECT_NE(html.find("value=\"not an address\""), std::string::npos);
  EXPECT_EQ(html.find("contact-name-error"), std::string::npos) << "only the wrong field";
}

TEST_F(ContactWebTest, HeadersCannotBeInjectedAndMarkupIsEscaped) {
  Opened form = Open("/contact/");
  now_ += 30;
  auto hostile = Good();
  hostile[0].second = "Mallory\r\nBcc: victim@example.com";
  hostile[2].second = "Hi\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>";
  EXPECT_EQ(PostContact(form, hostile).status, 303);
  auto kept = Kept();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].name, "Mallory  Bcc: victim@example.com");
  EXPECT_EQ(kept[0].subject.find_first_of("\r\n"), std::string::npos);
  ASSERT_EQ(sent_.size(), 2u);
  for (const MailMessage& m : sent_) {
    EXPECT_EQ(m.subject.find_first_of("\r\n"), std::string::npos);
    EXPECT_EQ(m.to.name.find_first_of("\r\n"), std::string::npos);
    EXPECT_TRUE(m.html.empty()) << "plain text only";
  }
  // Shown again after a mistake, the stranger's text is escaped.
  hostile[1].second = "bad";
  hostile[3].second = "</textarea><script>alert(1)</script>";
  const std::string html = Body(PostContact(form, hostile));
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(html.find("&lt;/textarea&gt;&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("value=\"Mallory  Bcc: victim@example.com\""), std::string::npos)
      << "a one-line field is shown on one line";
}

// A multipart/form-data body as a browser sends it.
std::string Multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::string& file_name, const std::string& file) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body +=
        "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }
  body += "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
          "\"\r\nContent-Type: application/pdf\r\n\r\n" + file + "\r\n--XyZ--\r\n";
  return body;
}

TEST_F(ContactWebTest, APitchWithAFileGoesThroughAndAProgramDoesNot) {
  Opened form = Open("/contribute/");
  EXPECT_NE(form.html.find("enctype=\"multipart/form-data\""), std::string::npos);
  EXPECT_NE(form.html.find("At most 4 KB."), std::string::npos);
  now_ += 30;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"csrf", form.csrf},      {"stamp", form.stamp},
      {"name", "Pat Pitcher"},  {"email", "pat@pitch.example"},
      {"message", "An essay."}, {"links", "https://pat.example/a\nhttps://pat.example/b"}};
  std::string pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
  pdf += std::string("\xff\xfe\x00\x01", 4);  // bytes that are not text
  const std::string type = "multipart/form-data; boundary=XyZ";
  HttpResponse ok = Call("POST", "/contribute/", Multipart(fields, "essay.pdf", pdf), type);
  EXPECT_EQ(ok.status, 303) << Body(ok);
  EXPECT_EQ(ok.Header("Location"), "/contribute/thanks/");
  auto kept = Kept();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].kind, "pitch");
  EXPECT_EQ(kept[0].file_name, "essay.pdf");
  EXPECT_EQ(kept[0].file_type, "application/pdf");
  EXPECT_EQ(*inbox_->SubmissionFile(kept[0].id), pdf);

  const std::string elf = std::string(
                              "\x7f"
                              "ELF\x02\x01\x01",
                              7) +
                          std::string(200, '\0');
  HttpResponse program = Call("POST", "/contribute/", Multipart(fields, "cv.pdf", elf), type);
  EXPECT_EQ(program.status, 400);
  EXPECT_NE(Body(program).find("id=\"pitch-file-error\""), std::string::npos);
  EXPECT_NE(Body(program).find("value=\"Pat Pitcher\""), std::string::npos);
  HttpResponse big =
      Call("POST", "/contribute/", Multipart(fields, "big.txt", std::string(5000, 'a')), type);
  EXPECT_EQ(big.status, 400);
  EXPECT_NE(Body(big).find("larger than 4 KB"), std::string::npos);
  EXPECT_EQ(Kept().size(), 1u);
}

TEST_F(ContactWebTest, WithoutContactThePathsAreTheSites) {
  SiteConfig config = site_->config();
  config.contact.enabled = false;
  site_ = *Site::Assemble(config, *TimeZone::Named("UTC"), theme_, {}, {}, {}, {}, 1000);
  EXPECT_EQ(Body(Call("GET", "/contact/", "", "")), "the site's own\n");
  EXPECT_EQ(Body(Call("GET", "/contribute/thanks/", "", "")), "the site's own\n");
}

}  // namespace
}  // namespace cinepress
