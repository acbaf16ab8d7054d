// NewsletterWeb over a real SQLite store, the default theme and the recording mail twin: the
// reader's whole path (sign up, confirm by POST, one-click unsubscribe, preferences) and what
// strangers may send (honeypot, rate limit, forged links, missing CSRF tokens, bad forms).
#include "web/newsletter_web.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "newsletter/links.h"
#include "store/open_store.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

class NewsletterWebTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cinepress-nlweb-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto config = ParseSiteConfig(R"(title = "The Long Take"
base_url = "https://longtake.example"
[[newsletters]]
name = "The Weekly"
slug = "weekly"
from = "The Long Take <news@longtake.example>"
[[newsletters]]
name = "Le Quotidien"
slug = "daily"
from = "news@longtake.example"
)",
                                  "cinepress.toml");
    ASSERT_TRUE(config.ok()) << config.error().ToString();
    const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
    auto theme = Theme::Load(fs::path(src ? src : ".") / "themes/default", "themes/default");
    ASSERT_TRUE(theme.ok()) << theme.error().ToString();
    auto site = Site::Assemble(*config, *TimeZone::Named("UTC"), *theme, {}, {}, {}, {}, 1000);
    ASSERT_TRUE(site.ok()) << site.error().ToString();
    site_ = *site;
    NewsletterWebOptions o;
    o.site = [this] { return site_; };
    o.open_store = [this] { return OpenNewsletterStore(dir_ / "site.db", {}); };
    o.mail = recorder_.Factory();
    o.now = [] { return int64_t{5000}; };
    o.signups_per_ip = 3;
    options_ = o;
    web_ = std::make_unique<NewsletterWeb>(o);
    ASSERT_TRUE(web_->Start().ok());
    store_ = std::move(*OpenNewsletterStore(dir_ / "site.db", {}));
    key_ = *store_->SiteSecret(kLinkSecretName, kLinkSecretBytes);
  }
  void TearDown() override {
    web_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& ip = "192.0.2.1",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.remote_address = ip;
    req.headers = std::move(headers);
    if (!body.empty() && req.Header("content-type").empty()) {
      req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    }
    auto r = web_->Handle(req);
    EXPECT_TRUE(r.has_value()) << target;
    return r ? *r : HttpResponse{};
  }
  static std::string Body(const HttpResponse& r) { return std::string(r.BodyView()); }
  // A reader of the weekly, confirmed: their subscriber id.
  int64_t ConfirmedReader(const std::string& email) {
    int64_t id = *store_->UpsertSubscriber(email, "", 1);
    EXPECT_TRUE(store_->SetSubscription(id, "weekly", SubscriptionState::kConfirmed,
                                        Consent{1, "", "test"}, 1));
    return id;
  }
  size_t WaitForMail(size_t n) {
    for (int i = 0; i < 200 && recorder_.Count() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return recorder_.Count();
  }
  SubscriptionState StateOf(const std::string& email, const std::string& slug) {
    auto s = store_->FindSubscriber(email);
    if (!s.ok() || !s->has_value()) return SubscriptionState::kUnsubscribed;
    auto subs = store_->LoadSubscriptions((*s)->id);
    const std::vector<Subscription> list = subs.ok() ? *subs : std::vector<Subscription>{};
    for (const Subscription& sub : list) {
      if (sub.newsletter == slug) return sub.state;
    }
    return SubscriptionState::kUnsubscribed;
  }

  fs::path dir_;
  NewsletterWebOptions options_;
  std::shared_ptr<const Site> site_;
  MailRecorder recorder_;
  std::unique_ptr<NewsletterWeb> web_;
  std::unique_ptr<NewsletterStore> store_;
  std::string key_;
};

TEST_F(NewsletterWebTest, FromSignUpToConfirmationByButton) {
  HttpResponse page = Call("GET", "/newsletters/weekly/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(Body(page).find("action=\"/newsletters/subscribe/\""), std::string::npos);
  EXPECT_EQ(page.Header("Cache-Control"), "no-store");

  HttpResponse answer = Call("POST", "/newsletters/subscribe/",
                             "email=zoe%40r.example&name=Zo%C3%AB+M&list=weekly&list=daily"
                             "&website=&from=%2Freviews%2Fx%2F");
  EXPECT_EQ(answer.status, 200);
  EXPECT_NE(Body(answer).find("a message is on its way"), std::string::npos);
  ASSERT_EQ(WaitForMail(1), 1u);
  MailMessage mail = recorder_.Messages()[0];
  EXPECT_EQ(mail.to.email, "zoe@r.example");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(mail.text, m,
                                std::regex("https://longtake.example(/newsletters/weekly/confirm/"
                                           "[^/\\s]+/)")));
  const std::string confirm = m[1];
  auto subscriber = store_->FindSubscriber("zoe@r.example");
  ASSERT_TRUE(subscriber.ok() && subscriber->has_value());
  EXPECT_EQ((*subscriber)->name, "Zoë M");
  auto subs = *store_->LoadSubscriptions((*subscriber)->id);
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[1].consent.ip, "192.0.2.1");
  EXPECT_EQ(subs[1].consent.form, "signup:/reviews/x/");

  // Opening the link confirms nothing; the button's POST needs the page's token.
  HttpResponse button = Call("GET", confirm);
  EXPECT_EQ(button.status, 200);
  EXPECT_EQ(StateOf("zoe@r.example", "weekly"), SubscriptionState::kPending);
  std::smatch csrf;
  std::string html = Body(button);
  ASSERT_TRUE(std::regex_search(html, csrf, std::regex("name=\"csrf\" value=\"([^\"]+)\"")));
  EXPECT_EQ(Call("POST", confirm, "csrf=forged").status, 403);
  EXPECT_EQ(StateOf("zoe@r.example", "weekly"), SubscriptionState::kPending);
  HttpResponse done = Call("POST", confirm, "csrf=" + csrf[1].str());
  EXPECT_EQ(done.status, 200);
  EXPECT_EQ(StateOf("zoe@r.example", "weekly"), SubscriptionState::kConfirmed);
  EXPECT_EQ(StateOf("zoe@r.example", "daily"), SubscriptionState::kPending);

  // The same answer for an address already subscribed, and no second message for it.
  HttpResponse again = Call("POST", "/newsletters/subscribe/", "email=zoe%40r.example&list=weekly");
  EXPECT_EQ(Body(again), Body(answer));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(recorder_.Count(), 1u);
}

TEST_F(NewsletterWebTest, OneClickUnsubscribeAndPreferences) {
  const int64_t id = ConfirmedReader("a@r.example");
  const std::string unsubscribe = "/newsletters/weekly/unsubscribe/" +
                                  SignLink(key_, LinkPurpose::kUnsubscribe, id, "weekly") + "/";
  EXPECT_EQ(Call("GET", unsubscribe).status, 200);
  EXPECT_EQ(StateOf("a@r.example", "weekly"), SubscriptionState::kConfirmed);
  EXPECT_EQ(Call("POST", unsubscribe, "List-Unsubscribe=Maybe").status, 400);
  EXPECT_EQ(Call("POST", unsubscribe, "List-Unsubscribe=One-Click").status, 200);
  EXPECT_EQ(StateOf("a@r.example", "weekly"), SubscriptionState::kUnsubscribed);

  const std::string token = SignLink(key_, LinkPurpose::kPreferences, id, "");
  const std::string prefs = "/newsletters/preferences/" + token + "/";
  EXPECT_EQ(Call("GET", prefs).status, 200);
  EXPECT_EQ(Call("POST", prefs, "list=daily&action=save").status, 403);
  EXPECT_EQ(
      Call("POST", prefs, "csrf=" + FormToken(key_, token) + "&list=daily&action=save").status,
      200);
  EXPECT_EQ(StateOf("a@r.example", "daily"), SubscriptionState::kConfirmed);
  EXPECT_EQ(
      Call("POST", prefs, "csrf=" + FormToken(key_, token) + "&action=unsubscribe_all").status,
      200);
  EXPECT_EQ(StateOf("a@r.example", "daily"), SubscriptionState::kUnsubscribed);
}

TEST_F(NewsletterWebTest, WhatStrangersSend) {
  // A filled honeypot: the same answer, nothing stored, nothing sent.
  HttpResponse bot = Call("POST", "/newsletters/subscribe/",
                          "email=bot%40r.example&list=weekly&website=spam", "198.51.100.1");
  EXPECT_EQ(bot.status, 200);
  EXPECT_FALSE(store_->FindSubscriber("bot@r.example")->has_value());
  // Three sign-ups per address per window, then 429.
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Call("POST", "/newsletters/subscribe/",
                   "email=r" + std::to_string(i) + "%40r.example&list=weekly", "198.51.100.1")
                  .status,
              200);
  }
  EXPECT_EQ(
      Call("POST", "/newsletters/subscribe/", "email=x%40r.example&list=weekly", "198.51.100.1")
          .status,
      429);
  EXPECT_EQ(
      Call("POST", "/newsletters/subscribe/", "email=x%40r.example&list=weekly", "198.51.100.2")
          .status,
      200);
  // Bad input (each from an address of its own: every request counts against the limit).
  EXPECT_EQ(
      Call("POST", "/newsletters/subscribe/", "email=not-an-address&list=weekly", "192.0.2.11")
          .status,
      400);
  EXPECT_EQ(
      Call("POST", "/newsletters/subscribe/", "email=a%40r.example&list=nope", "192.0.2.12").status,
      400);
  EXPECT_EQ(Call("POST", "/newsletters/subscribe/", "email=%ZZ&list=weekly", "192.0.2.13").status,
            400);
  EXPECT_EQ(Call("POST", "/newsletters/subscribe/", "email=a%40r.example%0D%0ABcc:x&list=weekly",
                 "192.0.2.14")
                .status,
            400);
  // A name with a line break: the error names the name, not the address.
  HttpResponse name = Call("POST", "/newsletters/subscribe/",
                           "email=a%40r.example&name=A%0D%0ABcc:x&list=weekly", "192.0.2.15");
  EXPECT_EQ(name.status, 400);
  EXPECT_NE(Body(name).find("Your name must be one line"), std::string::npos);
  EXPECT_EQ(Body(name).find("email address"), std::string::npos);
  HttpRequest json;
  json.method = "POST";
  json.target = "/newsletters/subscribe/";
  json.body = "{\"email\":\"a@r.example\"}";
  json.headers.emplace_back("content-type", "application/json");
  EXPECT_EQ(web_->Handle(json)->status, 400);
  // Forged and misused links.
  EXPECT_EQ(Call("GET", "/newsletters/weekly/confirm/1-AAAA/").status, 404);
  const std::string daily = SignLink(key_, LinkPurpose::kConfirm, 1, "daily");
  EXPECT_EQ(Call("GET", "/newsletters/weekly/confirm/" + daily + "/").status, 404);
  EXPECT_EQ(Call("GET", "/newsletters/preferences/" + daily + "/").status, 404);
  EXPECT_EQ(Call("GET", "/newsletters/unknown/").status, 404);
  EXPECT_EQ(Call("DELETE", "/newsletters/weekly/").status, 405);
  EXPECT_EQ(Call("GET", "/newsletters/weekly").status, 301);
  // Other paths are not ours.
  HttpRequest other;
  other.method = "POST";
  other.target = "/reviews/x/";
  EXPECT_FALSE(web_->Handle(other).has_value());
}

TEST_F(NewsletterWebTest, AConfirmationOutlivesARelayThatIsDownAndARestart) {
  web_.reset();  // this test's own servers only
  std::atomic<int64_t> clock{5000};
  std::mutex log_mu;
  std::vector<std::string> log;
  auto options = [&](TransportFactory mail) {
    NewsletterWebOptions o;
    o.site = [this] { return site_; };
    o.open_store = [this] { return OpenNewsletterStore(dir_ / "site.db", {}); };
    o.mail = std::move(mail);
    o.now = [&] { return clock.load(); };
    o.retry.first_pause_s = 30;
    o.outbox_poll = std::chrono::milliseconds(10);
    o.log = [&](const std::string& line) {
      std::lock_guard lock(log_mu);
      log.push_back(line);
    };
    return o;
  };
  auto logged = [&](const std::string& text) {
    std::lock_guard lock(log_mu);
    return std::any_of(log.begin(), log.end(),
                       [&](const std::string& l) { return l.find(text) != std::string::npos; });
  };
  auto post = [&](NewsletterWeb& web, const std::string& email) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/newsletters/subscribe/";
    req.body = "email=" + email + "%40r.example&list=weekly";
    req.remote_address = "192.0.2.9";
    req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    return web.Handle(req)->status;
  };
  auto eventually = [](const std::function<bool()>& f) {
    for (int i = 0; i < 300 && !f(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return f();
  };
  // The relay is down: the message waits in the store, tried again after 30 s, then 60 s.
  std::atomic<int> tries{0};
  auto down =
      std::make_unique<NewsletterWeb>(options([&]() -> Result<std::unique_ptr<MailTransport>> {
        ++tries;
        return Error{ErrorCode::kIo, "connection refused", {}, 0, {}};
      }));
  ASSERT_TRUE(down->Start().ok());
  ASSERT_EQ(post(*down, "late"), 200);
  EXPECT_EQ(*store_->CountQueuedMail(), 1);
  EXPECT_TRUE(eventually([&] { return tries == 1; }));
  // Said, with the reason; counted on /metrics; kept in the outbox with the reason.
  EXPECT_TRUE(eventually([&] {
    return logged("the message to late@r.example") &&
           logged(
               "could not be sent, try 1: cannot reach the relay: connection refused; next "
               "try in 30 s");
  }));
  EXPECT_TRUE(eventually([&] {
    return down->MetricsText().find("cinepress_mail_outbox_send_errors_total 1\n") !=
           std::string::npos;
  })) << down->MetricsText();
  EXPECT_TRUE(eventually([&] {
    auto outbox = store_->LoadOutbox(10);
    return outbox->size() == 1 &&
           (*outbox)[0].last_error.find("connection refused") != std::string::npos;
  }));
  clock += 31;  // the first pause is over: a second try
  EXPECT_TRUE(eventually([&] { return tries == 2; }));
  clock += 31;  // the second pause is 60 s: no third try yet
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(tries, 2);
  EXPECT_EQ(down->confirmations_sent(), 0u);
  down.reset();  // the process goes away; the message stays
  EXPECT_EQ(*store_->CountQueuedMail(), 1);
  // Started again with the relay up: sent once its pause is over, then gone from the outbox.
  recorder_.FailTemporarily("again@r.example", 1);
  auto up = std::make_unique<NewsletterWeb>(options(recorder_.Factory()));
  ASSERT_TRUE(up->Start().ok());
  clock += 3600;
  ASSERT_TRUE(eventually([&] { return recorder_.Count() == 1; }));
  EXPECT_EQ(recorder_.Messages()[0].to.email, "late@r.example");
  EXPECT_TRUE(eventually([&] { return *store_->CountQueuedMail() == 0; }));
  // A temporary refusal of one message: tried again after its pause, delivered once.
  ASSERT_EQ(post(*up, "again"), 200);
  EXPECT_TRUE(eventually([&] { return recorder_.Attempts("again@r.example") == 1; }));
  clock += 31;
  EXPECT_TRUE(eventually([&] { return recorder_.Count() == 2; }));
  EXPECT_EQ(recorder_.Attempts("again@r.example"), 2);
  EXPECT_EQ(up->confirmations_sent(), 2u);
  EXPECT_NE(up->MetricsText().find("cinepress_mail_outbox_sent_total 2\n"), std::string::npos);
  // Refused for good: given up at once, said so, and kept (without its body) to be seen.
  recorder_.FailPermanently("never@r.example");
  ASSERT_EQ(post(*up, "never"), 200);
  EXPECT_TRUE(eventually([&] { return logged("the message to never@r.example"); }));
  EXPECT_TRUE(logged("given up"));
  EXPECT_TRUE(eventually([&] {
    return up->MetricsText().find("cinepress_mail_outbox_failed_total 1\n") != std::string::npos;
  }));
  auto outbox = store_->LoadOutbox(10);
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_TRUE((*outbox)[0].failed);
  EXPECT_FALSE((*outbox)[0].last_error.empty());
  auto kept = ParseMessage((*outbox)[0].message);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->to.email, "never@r.example");
  EXPECT_TRUE(kept->text.empty());  // the confirmation link is not kept
  EXPECT_EQ(*store_->CountQueuedMail(), 0);
}

TEST_F(NewsletterWebTest, SignUpsFromOtherSitesAreRefused) {
  const std::string form = "email=zoe%40r.example&list=weekly";
  using Headers = std::vector<std::pair<std::string, std::string>>;
  int client = 0;  // an address for each request: the rate limit is not what is tested here
  for (const Headers& h :
       {Headers{{"sec-fetch-site", "cross-site"}}, Headers{{"sec-fetch-site", "same-site"}},
        Headers{{"origin", "https://evil.example"}, {"host", "longtake.example"}},
        Headers{{"origin", "null"}}}) {
    HttpResponse r =
        Call("POST", "/newsletters/subscribe/", form, "192.0.2." + std::to_string(++client), h);
    EXPECT_EQ(r.status, 403) << h[0].second;
    EXPECT_NE(Body(r).find("own pages"), std::string::npos);
  }
  EXPECT_FALSE(store_->FindSubscriber("zoe@r.example")->has_value());
  // This site's own pages, in browsers with and without Sec-Fetch-Site; and no browser at all.
  for (const Headers& h :
       {Headers{{"sec-fetch-site", "same-origin"}}, Headers{{"origin", "https://longtake.example"}},
        Headers{{"origin", "http://127.0.0.1:8080"}, {"host", "127.0.0.1:8080"}}, Headers{}}) {
    EXPECT_EQ(
        Call("POST", "/newsletters/subscribe/", form, "192.0.2." + std::to_string(++client), h)
            .status,
        200);
  }
}

TEST_F(NewsletterWebTest, OneConfirmationPerAddressWhateverTheClient) {
  for (const char* ip : {"192.0.2.31", "198.51.100.32", "2001:db8::33"}) {
    EXPECT_EQ(
        Call("POST", "/newsletters/subscribe/", "email=zoe%40r.example&list=weekly", ip).status,
        200);
  }
  ASSERT_EQ(WaitForMail(1), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(recorder_.Count(), 1u);
}

TEST_F(NewsletterWebTest, TheRateLimitCannotBeWipedOrDodged) {
  web_.reset();
  NewsletterWebOptions o = options_;
  o.rate_limit_clients = 4;
  web_ = std::make_unique<NewsletterWeb>(o);
  ASSERT_TRUE(web_->Start().ok());
  auto sign_up = [&](const std::string& ip, const std::string& body) {
    return Call("POST", "/newsletters/subscribe/", body, ip).status;
  };
  // Bad input counts: three refused forms, then even a good one is too many.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sign_up("203.0.113.1", "email=%ZZ&list=weekly"), 400);
  EXPECT_EQ(sign_up("203.0.113.1", "email=a%40r.example&list=weekly"), 429);
  // Many other clients fill the table: the offender is not forgotten.
  for (int i = 2; i < 40; ++i) {
    EXPECT_EQ(sign_up("203.0.113." + std::to_string(i), "email=not-an-address"), 400);
  }
  EXPECT_EQ(sign_up("203.0.113.1", "email=a%40r.example&list=weekly"), 429);
  // An IPv6 client is its /64: new addresses in it do not start afresh.
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(sign_up("2001:db8:7:7::" + std::to_string(i), "email=not-an-address"), 400);
  }
  EXPECT_EQ(sign_up("2001:db8:7:7:ffff::1", "email=b%40r.example&list=weekly"), 429);
  EXPECT_EQ(sign_up("2001:db8:7:8::1", "email=b%40r.example&list=weekly"), 200);
}

TEST_F(NewsletterWebTest, OneClickUnsubscribeAsMultipartFormData) {
  const int64_t id = ConfirmedReader("a@r.example");
  const std::string unsubscribe = "/newsletters/weekly/unsubscribe/" +
                                  SignLink(key_, LinkPurpose::kUnsubscribe, id, "weekly") + "/";
  // What RFC 8058 says mail clients SHOULD send.
  HttpResponse r =
      Call("POST", unsubscribe,
           "--b0undary\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n"
           "\r\nOne-Click\r\n--b0undary--\r\n",
           "192.0.2.1", {{"content-type", "multipart/form-data; boundary=b0undary"}});
  EXPECT_EQ(r.status, 200) << Body(r);
  EXPECT_EQ(StateOf("a@r.example", "weekly"), SubscriptionState::kUnsubscribed);
}

}  // namespace
}  // namespace cinepress
