#include "core/config.h"

#include <gtest/gtest.h>

namespace cinepress {

TEST(SiteConfig, ReadsEverySetting) {
  auto c = ParseSiteConfig(R"(
title = "The Long Take"
base_url = "https://longtake.example/"
language = "fr"
timezone = "Europe/Paris"
paginate = 12
[permalinks]
article = "/{year}/{slug}/"
[[menus.main]]
name = "Reviews"
url = "/reviews/"
[[menus.main.children]]
name = "A-Z"
url = "/review-index/"
[[menus.footer]]
name = "About"
url = "/about/"
)",
                           "cinepress.toml");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->title, "The Long Take");
  EXPECT_EQ(c->base_url, "https://longtake.example");
  EXPECT_EQ(c->paginate, 12);
  EXPECT_EQ(c->permalinks.article, "/{year}/{slug}/");
  EXPECT_EQ(c->permalinks.tag, "/tag/{slug}/");
  ASSERT_EQ(c->menu_main.size(), 1u);
  ASSERT_EQ(c->menu_main[0].children.size(), 1u);
  EXPECT_EQ(c->menu_main[0].children[0].url, "/review-index/");
  EXPECT_EQ(c->menu_footer[0].name, "About");
}

TEST(SiteConfig, ErrorsNameFileLineAndKey) {
  auto c = ParseSiteConfig("title = \"x\"\n\ntimezone = \"Nowhere/Special\"\n", "site.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().ToString(), "site.toml:3: timezone: unknown time zone \"Nowhere/Special\"");

  auto bad = ParseSiteConfig("title = [1,\n", "site.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().file, "site.toml");
  EXPECT_GT(bad.error().line, 0);

  auto type = ParseSiteConfig("paginate = \"ten\"\n", "site.toml");
  ASSERT_FALSE(type.ok());
  EXPECT_EQ(type.error().field, "paginate");
  auto search = ParseSiteConfig("[search]\nenabled = \"no\"\n", "site.toml");
  ASSERT_FALSE(search.ok());
  EXPECT_EQ(search.error().field, "search.enabled");
  auto off = ParseSiteConfig("[search]\nenabled = false\n", "site.toml");
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->search);
  EXPECT_TRUE(ParseSiteConfig("", "site.toml")->search);
  auto sitemap = ParseSiteConfig("sitemap_max_urls = 50001\n", "site.toml");
  ASSERT_FALSE(sitemap.ok());
  EXPECT_EQ(sitemap.error().field, "sitemap_max_urls");

  auto menu = ParseSiteConfig("[[menus.main]]\nname = \"x\"\n", "site.toml");
  ASSERT_FALSE(menu.ok());
  EXPECT_EQ(menu.error().field, "menus.main.url");
}

TEST(SiteConfig, ReadsThePodcastsFundingAddress) {
  auto c = ParseSiteConfig("[podcasts]\nfunding_url = \"https://give.example/\"\n", "c.toml");
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->podcast_funding_url, "https://give.example/");
  auto bad = ParseSiteConfig("[podcasts]\nfunding_url = \"give.example\"\n", "c.toml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "podcasts.funding_url");
  EXPECT_EQ(bad.error().line, 2);
}

TEST(SiteConfig, SecurityHeadersByDefaultAndAsConfigured) {
  auto plain = ParseSiteConfig("base_url = \"http://c.example\"\n", "cinepress.toml");
  ASSERT_TRUE(plain.ok());
  auto names = [](const std::vector<std::pair<std::string, std::string>>& h) {
    std::vector<std::string> out;
    for (const auto& [name, value] : h) out.push_back(name);
    return out;
  };
  EXPECT_EQ(names(SecurityHeaders(*plain)),
            (std::vector<std::string>{"Content-Security-Policy", "X-Content-Type-Options",
                                      "X-Frame-Options", "Referrer-Policy"}));
  EXPECT_NE(SecurityHeaders(*plain)[0].second.find("script-src 'self';"), std::string::npos);
  EXPECT_NE(SecurityHeaders(*plain)[0].second.find("frame-ancestors"), std::string::npos);
  auto tls = ParseSiteConfig(R"(base_url = "https://c.example"
[headers]
content_security_policy = "default-src 'none'"
x_frame_options = ""
hsts_max_age = 600
)",
                             "cinepress.toml");
  ASSERT_TRUE(tls.ok()) << tls.error().ToString();
  auto h = SecurityHeaders(*tls);
  EXPECT_EQ(names(h), (std::vector<std::string>{"Content-Security-Policy", "X-Content-Type-Options",
                                                "Referrer-Policy", "Strict-Transport-Security"}));
  EXPECT_EQ(h[0].second, "default-src 'none'");
  EXPECT_EQ(h[3].second, "max-age=600");
  auto bad = ParseSiteConfig("[headers]\nhsts_max_age = -1\n", "cinepress.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "headers.hsts_max_age");
}

TEST(SiteConfig, ContactAndSocialAccounts) {
  auto c = ParseSiteConfig(R"(
[contact]
forward_to = "Editors <editors@longtake.example>"
max_file_kb = 2048
[social]
mastodon = "https://film.example/@longtake"
bluesky = "https://bsky.app/profile/longtake.example"
)",
                           "cinepress.toml");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_TRUE(c->contact.enabled);
  EXPECT_EQ(c->contact.forward_to, "editors@longtake.example");
  EXPECT_EQ(c->contact.forward_name, "Editors");
  EXPECT_EQ(c->contact.max_file_bytes, 2048 * 1024);
  ASSERT_EQ(c->social.size(), 2u);
  EXPECT_EQ(c->social[0].name, "bluesky");
  EXPECT_EQ(c->social[1].url, "https://film.example/@longtake");
  EXPECT_FALSE(ParseSiteConfig("", "c.toml")->contact.enabled);
}

TEST(SiteConfig, CommentsFollowMembersAndTheirMistakesAreNamed) {
  EXPECT_FALSE(ParseSiteConfig("", "c.toml")->comments.enabled) << "no members, no comments";
  auto on = ParseSiteConfig("[members]\n", "c.toml");
  ASSERT_TRUE(on.ok()) << on.error().ToString();
  EXPECT_TRUE(on->comments.enabled);
  EXPECT_EQ(on->comments.who, "members");
  EXPECT_EQ(on->comments.moderation, "first");
  auto c = ParseSiteConfig(R"([members]
[comments]
who = "paid"
moderation = "all"
notify = ["desk@longtake.example"]
notify_writers = false
max_length = 2000
per_hour = 3
)",
                           "c.toml");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->comments.who, "paid");
  EXPECT_EQ(c->comments.moderation, "all");
  EXPECT_EQ(c->comments.notify, std::vector<std::string>{"desk@longtake.example"});
  EXPECT_FALSE(c->comments.notify_writers);
  EXPECT_EQ(c->comments.max_length, 2000);
  EXPECT_EQ(c->comments.per_hour, 3);
  EXPECT_FALSE(
      ParseSiteConfig("[members]\n[comments]\nenabled = false\n", "c.toml")->comments.enabled);
  for (const auto& [text, field] : std::vector<std::pair<std::string, std::string>>{
           {"[comments]\nenabled = true\n", "comments.enabled"},
           {"[members]\n[comments]\nwho = \"everyone\"\n", "comments.who"},
           {"[members]\n[comments]\nmoderation = \"never\"\n", "comments.moderation"},
           {"[members]\n[comments]\nnotify = [\"a@b\\r\\nBcc: x@y\"]\n", "comments.notify"},
           {"[members]\n[comments]\nmax_length = 5\n", "comments.max_length"}}) {
    auto bad = ParseSiteConfig(text, "c.toml");
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_EQ(bad.error().field, field) << text;
    EXPECT_GT(bad.error().line, 0) << text;
  }
}

TEST(SiteConfig, WorkshopOfferHours) {
  EXPECT_EQ(ParseSiteConfig("", "c.toml")->workshops.offer_seconds, 24 * 3600);
  auto whole = ParseSiteConfig("[workshops]\noffer_hours = 48\n", "c.toml");
  ASSERT_TRUE(whole.ok()) << whole.error().ToString();
  EXPECT_EQ(whole->workshops.offer_seconds, 48 * 3600);
  auto half = ParseSiteConfig("[workshops]\noffer_hours = 0.5\n", "c.toml");
  ASSERT_TRUE(half.ok()) << half.error().ToString();
  EXPECT_EQ(half->workshops.offer_seconds, 1800);
  for (const char* bad : {"0", "-3", "\"24\"", "721", "nan", "true"}) {
    auto c = ParseSiteConfig(std::string("title = \"T\"\n[workshops]\noffer_hours = ") + bad + "\n",
                             "cinepress.toml");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.error().field, "workshops.offer_hours") << bad;
    EXPECT_EQ(c.error().line, 3) << bad;
    EXPECT_NE(c.error().message.find("positive number of hours"), std::string::npos);
  }
}

TEST(SiteConfig, SocialUrlsAndTheForwardAddressAreChecked) {
  for (const char* bad : {"[social]\nx = \"javascript:alert(1)\"\n",
                          "[social]\nx = \"https://a.example/\\\"><script>\"\n",
                          "[social]\nx = 3\n", "[social]\nx = \"https:///nohost\"\n"}) {
    auto c = ParseSiteConfig(bad, "c.toml");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.error().field, "social.x") << bad;
    EXPECT_EQ(c.error().line, 2) << bad;
  }
  auto c = ParseSiteConfig("[contact]\nforward_to = \"not an address\"\n", "c.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().field, "contact.forward_to");
}

TEST(SiteConfig, WebhooksAreReadAndTheirMistakesNamed) {
  auto c = ParseSiteConfig(R"(
[[webhooks]]
event = "article.published"
url = "https://hooks.example/a"
secret = "sixteen-chars-at-least"
[[webhooks]]
event = "article.deleted"
url = "http://127.0.0.1:9000/b"
secret = "sixteen-chars-at-least"
first_retry_s = 5
max_attempts = 2
)",
                           "cinepress.toml");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  ASSERT_EQ(c->webhooks.size(), 2u);
  EXPECT_EQ(c->webhooks[0].event, "article.published");
  EXPECT_EQ(c->webhooks[0].first_retry_s, 60);
  EXPECT_EQ(c->webhooks[1].url, "http://127.0.0.1:9000/b");
  EXPECT_EQ(c->webhooks[1].first_retry_s, 5);
  EXPECT_EQ(c->webhooks[1].max_attempts, 2);
  const std::string ok_rest = "url = \"https://h.example/\"\nsecret = \"sixteen-chars-at-least\"\n";
  for (const auto& [text, field] : std::vector<std::pair<std::string, std::string>>{
           {"[[webhooks]]\nevent = \"article.liked\"\n" + ok_rest, "webhooks.event"},
           {"[[webhooks]]\nevent = \"article.updated\"\nurl = \"ftp://x/\"\nsecret = "
            "\"sixteen-chars-at-least\"\n",
            "webhooks.url"},
           {"[[webhooks]]\nevent = \"article.updated\"\nurl = \"https://h.example/\"\n"
            "secret = \"short\"\n",
            "webhooks.secret"},
           {"[webhooks]\nevent = \"article.updated\"\n", "webhooks"}}) {
    auto bad = ParseSiteConfig(text, "c.toml");
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_EQ(bad.error().field, field) << text;
    EXPECT_EQ(bad.error().file, "c.toml");
  }
}

TEST(ExpandPermalink, FillsPlaceholdersWithoutDoubleSlashes) {
  EXPECT_EQ(ExpandPermalink("/{section}/{slug}/", {{"section", "reviews"}, {"slug", "x"}}),
            "/reviews/x/");
  EXPECT_EQ(ExpandPermalink("/{section}/{slug}/", {{"section", ""}, {"slug", "about"}}), "/about/");
}

TEST(SiteConfig, TheStoreIsTheSqliteFileUnlessAUrlIsGiven) {
  auto none = ParseSiteConfig("title = \"T\"\n", "cinepress.toml");
  ASSERT_TRUE(none.ok()) << none.error().ToString();
  EXPECT_EQ(none->store.url, "");
  // A [store] table without a url (found by fuzzing: it used to throw) is the SQLite file too.
  auto empty = ParseSiteConfig("[store]\npassword_env = \"X\"\n", "cinepress.toml");
  ASSERT_TRUE(empty.ok()) << empty.error().ToString();
  EXPECT_EQ(empty->store.url, "");
  auto nested = ParseSiteConfig("[[store.main]]\nname = \"x\"\n", "cinepress.toml");
  ASSERT_TRUE(nested.ok()) << nested.error().ToString();
  auto pg = ParseSiteConfig(R"(
[store]
url = "postgresql://cinepress@db.example/magazine?sslmode=verify-full"
password_env = "MAG_DB_PASSWORD"
)",
                            "cinepress.toml");
  ASSERT_TRUE(pg.ok()) << pg.error().ToString();
  EXPECT_EQ(pg->store.url, "postgresql://cinepress@db.example/magazine?sslmode=verify-full");
  EXPECT_EQ(pg->store.password_env, "MAG_DB_PASSWORD");
  auto socket = ParseSiteConfig("[store]\nurl = \"postgresql:///magazine?host=/run/postgresql\"\n",
                                "cinepress.toml");
  ASSERT_TRUE(socket.ok()) << socket.error().ToString();
  for (const char* bad : {"mysql://db/magazine", "postgresql://cinepress:secret@db/magazine",
                          "postgresql://db/magazine?password=secret"}) {
    auto c = ParseSiteConfig(std::string("[store]\nurl = \"") + bad + "\"\n", "cinepress.toml");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.error().field, "store.url") << bad;
    EXPECT_EQ(c.error().line, 2) << bad;
  }
  // A colon after the host is a port, not a password.
  EXPECT_TRUE(ParseSiteConfig("[store]\nurl = \"postgresql://db.example:5433/magazine\"\n",
                              "cinepress.toml")
                  .ok());
}

TEST(SiteConfig, TheSearchMirrorIsOnUnlessTurnedOff) {
  auto on = ParseSiteConfig("[store]\nurl = \"postgresql:///magazine\"\n", "cinepress.toml");
  ASSERT_TRUE(on.ok()) << on.error().ToString();
  EXPECT_TRUE(on->store.search_mirror);
  auto off = ParseSiteConfig("[store]\nurl = \"postgresql:///magazine\"\nsearch_mirror = false\n",
                             "cinepress.toml");
  ASSERT_TRUE(off.ok()) << off.error().ToString();
  EXPECT_FALSE(off->store.search_mirror);
  auto bad = ParseSiteConfig("[store]\nsearch_mirror = \"no\"\n", "cinepress.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "store.search_mirror");
  EXPECT_EQ(bad.error().line, 2);
}

TEST(SiteConfig, ReadsNewslettersAndTheRelay) {
  auto c = ParseSiteConfig(R"(
[smtp]
url = "smtps://relay.example:465"
username = "mag"
password_env = "MAG_SMTP"
connections = 8
rate_per_minute = 600
[[festivals]]
name = "Toronto International Film Festival"
short_name = "TIFF"
[[festivals.editions]]
year = 2021
start = 2021-09-09
end = 2021-09-18
[[newsletters]]
name = "The Weekly"
from = "Changeover <news@changeover.example>"
reply_to = "editors@changeover.example"
description = "Every Friday."
schedule = "weekly"
day = "Friday"
hour = 7
[[newsletters]]
name = "TIFF Daily"
slug = "tiff-daily"
from = "news@changeover.example"
schedule = "daily"
edition = "tiff/2021"
hour = 6
[newsletters.content]
edition = "tiff/2021"
section = "reviews"
first_days = 1
)",
                           "cinepress.toml");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->smtp.url, "smtps://relay.example:465");
  EXPECT_EQ(c->smtp.password_env, "MAG_SMTP");
  EXPECT_EQ(c->smtp.connections, 8);
  EXPECT_EQ(c->smtp.rate_per_minute, 600);
  ASSERT_EQ(c->newsletters.size(), 2u);
  const NewsletterConfig& w = c->newsletters[0];
  EXPECT_EQ(w.slug, "the-weekly");
  EXPECT_EQ(w.from_name, "Changeover");
  EXPECT_EQ(w.from_email, "news@changeover.example");
  EXPECT_EQ(w.schedule.kind, "weekly");
  EXPECT_EQ(w.schedule.weekday, 5);
  EXPECT_EQ(w.schedule.hour, 7);
  const NewsletterConfig& d = c->newsletters[1];
  EXPECT_EQ(d.slug, "tiff-daily");
  EXPECT_EQ(d.from_name, "");
  EXPECT_EQ(d.schedule.edition, "tiff/2021");
  EXPECT_EQ(d.content.edition, "tiff/2021");
  EXPECT_EQ(d.content.section, "reviews");
  EXPECT_EQ(d.content.first_days, 1);
}

TEST(SiteConfig, NewsletterMistakesNameTheKeyAndLine) {
  struct Case {
    const char* toml;
    const char* field;
    int line;
  } cases[] = {
      {"[[newsletters]]\nname = \"W\"\nfrom = \"not an address\"\n", "newsletters.from", 3},
      {"[[newsletters]]\nname = \"W\"\nfrom = \"a@b.example\"\nschedule = \"hourly\"\n",
       "newsletters.schedule", 4},
      {"[[newsletters]]\nname = \"W\"\nfrom = \"a@b.example\"\nschedule = \"daily\"\n"
       "edition = \"cannes/2020\"\n",
       "newsletters.edition", 5},
      {"[[newsletters]]\nname = \"W\"\nfrom = \"a@b.example\"\nhour = 24\n", "newsletters.hour", 4},
      {"[[newsletters]]\nname = \"W\"\nfrom = \"a@b.example\"\n[[newsletters]]\nname = \"W\"\n"
       "from = \"a@b.example\"\n",
       "newsletters.slug", 4},
      {"[smtp]\nurl = \"http://relay\"\n", "smtp.url", 2},
      {"[smtp]\nconnections = 0\n", "smtp.connections", 2},
  };
  for (const Case& k : cases) {
    auto c = ParseSiteConfig(k.toml, "cinepress.toml");
    ASSERT_FALSE(c.ok()) << k.toml;
    EXPECT_EQ(c.error().field, k.field) << k.toml;
    EXPECT_EQ(c.error().line, k.line) << k.toml << c.error().ToString();
  }
}

}  // namespace cinepress

namespace cinepress {

TEST(SiteConfig, ReadsMembersAndTiers) {
  auto c = ParseSiteConfig(R"(
[members]
signup = "invite"
free_paragraphs = 2

[[tiers]]
slug = "supporter"
name = "Supporter"
description = "Keep the lights on."
benefits = ["Every review in full", "The premium letter"]
monthly_price = 500
yearly_price = 5000
currency = "EUR"

[[tiers]]
name = "Library Access"

[[newsletters]]
name = "Premium"
slug = "premium"
from = "letters@example.org"
tiers = ["supporter"]
)",
                           "cinepress.toml");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->members.signup, "invite");
  EXPECT_EQ(c->members.free_paragraphs, 2);
  ASSERT_EQ(c->tiers.size(), 2u);
  EXPECT_EQ(c->tiers[0].currency, "eur");
  EXPECT_EQ(c->tiers[0].benefits.size(), 2u);
  EXPECT_TRUE(c->tiers[0].paid());
  EXPECT_EQ(c->tiers[1].slug, "library-access");
  EXPECT_FALSE(c->tiers[1].paid());
  ASSERT_NE(c->FindTier("supporter"), nullptr);
  EXPECT_EQ(c->newsletters[0].tiers, std::vector<std::string>{"supporter"});
}

TEST(SiteConfig, TierMistakesNameLineAndKey) {
  auto unknown = ParseSiteConfig(
      "[[newsletters]]\nname = \"P\"\nfrom = \"a@b.org\"\ntiers = [\"gold\"]\n", "c.toml");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "newsletters.tiers");
  EXPECT_EQ(unknown.error().line, 4);
  auto price = ParseSiteConfig("[[tiers]]\nname = \"S\"\nmonthly_price = -3\n", "c.toml");
  ASSERT_FALSE(price);
  EXPECT_EQ(price.error().field, "tiers.monthly_price");
  EXPECT_EQ(price.error().line, 3);
  auto signup = ParseSiteConfig("[members]\nsignup = \"sometimes\"\n", "c.toml");
  ASSERT_FALSE(signup);
  EXPECT_EQ(signup.error().field, "members.signup");
  auto twice = ParseSiteConfig("[[tiers]]\nname = \"S\"\n[[tiers]]\nname = \"S\"\n", "c.toml");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().field, "tiers.slug");
  auto free_priced =
      ParseSiteConfig("[[tiers]]\nslug = \"members\"\nname = \"M\"\nyearly_price = 1\n", "c.toml");
  ASSERT_FALSE(free_priced);
}

TEST(SiteConfig, StaffSignInSettingsHaveDefaultsAndLimits) {
  auto plain = ParseSiteConfig("", "c.toml");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->staff.session_hours, 12);
  EXPECT_EQ(plain->staff.max_failed_sign_ins, 5);
  EXPECT_EQ(plain->staff.lockout_minutes, 15);
  EXPECT_EQ(plain->staff.max_upload_mb, 64);
  auto upload = ParseSiteConfig("[staff]\nmax_upload_mb = 100\n", "c.toml");
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->staff.max_upload_mb, 100);
  EXPECT_EQ(ParseSiteConfig("[staff]\nmax_upload_mb = 0\n", "c.toml").error().field,
            "staff.max_upload_mb");
  auto set = ParseSiteConfig("[staff]\nsession_hours = 4\nmax_failed_sign_ins = 3\n", "c.toml");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->staff.session_hours, 4);
  EXPECT_EQ(set->staff.max_failed_sign_ins, 3);
  auto zero = ParseSiteConfig("[staff]\n\nlockout_minutes = 0\n", "c.toml");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().field, "staff.lockout_minutes");
  EXPECT_EQ(zero.error().line, 3);
}

}  // namespace cinepress

namespace cinepress {

TEST(SiteConfig, ReadsPayments) {
  auto none = ParseSiteConfig("title = \"M\"\n", "cinepress.toml");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->payments.enabled());
  auto c = ParseSiteConfig(
      "[payments]\nprovider = \"stripe\"\napi_base = \"http://127.0.0.1:12111/\"\n"
      "grace_days = 3\nautomatic_tax = true\n",
      "cinepress.toml");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_TRUE(c->payments.automatic_tax);
  EXPECT_TRUE(c->payments.enabled());
  EXPECT_EQ(c->payments.api_base, "http://127.0.0.1:12111");
  EXPECT_EQ(c->payments.grace_days, 3);
  auto d = ParseSiteConfig("[payments]\nprovider = \"stripe\"\n", "cinepress.toml");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->payments.api_base, "https://api.stripe.com");
  EXPECT_EQ(d->payments.grace_days, 7);
  EXPECT_FALSE(d->payments.automatic_tax);
  auto bad = ParseSiteConfig("[payments]\nprovider = \"stripe\"\nautomatic_tax = \"yes\"\n",
                             "cinepress.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "payments.automatic_tax");
}

TEST(SiteConfig, PaymentMistakesNameTheKeyAndLine) {
  struct Case {
    const char* toml;
    const char* field;
    int line;
  } cases[] = {
      {"[payments]\nprovider = \"paypal\"\n", "payments.provider", 2},
      {"[payments]\n", "payments.provider", 1},
      {"[payments]\nprovider = \"stripe\"\napi_base = \"ftp://x\"\n", "payments.api_base", 3},
      {"[payments]\nprovider = \"stripe\"\ngrace_days = 400\n", "payments.grace_days", 3},
      {"payments = 1\n", "payments", 1},
  };
  for (const Case& k : cases) {
    auto c = ParseSiteConfig(k.toml, "cinepress.toml");
    ASSERT_FALSE(c.ok()) << k.toml;
    EXPECT_EQ(c.error().field, k.field) << k.toml;
    EXPECT_EQ(c.error().line, k.line) << k.toml;
  }
}

TEST(SiteConfig, ReadsDonations) {
  auto off = ParseSiteConfig("[payments]\nprovider = \"stripe\"\n", "cinepress.toml");
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->payments.donations());
  EXPECT_EQ(off->payments.donation_currency, "usd");
  auto c = ParseSiteConfig(
      "[[tiers]]\nslug = \"supporter\"\nname = \"S\"\nmonthly_price = 500\ncurrency = \"JPY\"\n"
      "[payments]\nprovider = \"stripe\"\ndonation_amounts = [500, 1000]\n"
      "donation_monthly = false\ndonation_minimum = 300\ndonation_grants_tier = \"supporter\"\n"
      "donation_grant_minimum = 1000\n",
      "cinepress.toml");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_TRUE(c->payments.donations());
  EXPECT_EQ(c->payments.donation_amounts, (std::vector<int64_t>{500, 1000}));
  EXPECT_EQ(c->payments.donation_currency, "jpy");  // the paid tier's
  EXPECT_FALSE(c->payments.donation_monthly);
  EXPECT_EQ(c->payments.donation_minimum, 300);
  EXPECT_EQ(c->payments.donation_grants_tier, "supporter");
  EXPECT_EQ(c->payments.donation_grant_minimum, 1000);
  auto eur = ParseSiteConfig(
      "[payments]\nprovider = \"stripe\"\ndonation_amounts = [5]\ndonation_currency = \"EUR\"\n",
      "cinepress.toml");
  ASSERT_TRUE(eur.ok());
  EXPECT_EQ(eur->payments.donation_currency, "eur");
}

TEST(SiteConfig, DonationMistakesNameTheKeyAndLine) {
  const std::string head = "[payments]\nprovider = \"stripe\"\n";
  struct Case {
    std::string toml;
    const char* field;
    int line;
  } cases[] = {
      {head + "donation_amounts = [500, 2.5]\n", "payments.donation_amounts", 3},
      {head + "donation_amounts = [0]\n", "payments.donation_amounts", 3},
      {head + "donation_amounts = 500\n", "payments.donation_amounts", 3},
      {head + "donation_currency = \"dollars\"\n", "payments.donation_currency", 3},
      {head + "donation_monthly = \"yes\"\n", "payments.donation_monthly", 3},
      {head + "donation_minimum = 0\n", "payments.donation_minimum", 3},
      {head + "donation_grants_tier = \"gold\"\n", "payments.donation_grants_tier", 3},
  };
  for (const Case& k : cases) {
    auto c = ParseSiteConfig(k.toml, "cinepress.toml");
    ASSERT_FALSE(c.ok()) << k.toml;
    EXPECT_EQ(c.error().field, k.field) << k.toml;
    EXPECT_EQ(c.error().line, k.line) << k.toml;
  }
}

TEST(SiteConfig, PaymentsLetFormsGoToStripesPages) {
  auto c = ParseSiteConfig("[payments]\nprovider = \"stripe\"\n", "cinepress.toml");
  ASSERT_TRUE(c.ok());
  auto csp = SecurityHeaders(*c)[0].second;
  EXPECT_NE(csp.find("form-action 'self' https://checkout.stripe.com https://billing.stripe.com;"),
            std::string::npos)
      << csp;
  c->payments.api_base = "http://127.0.0.1:4242";
  csp = SecurityHeaders(*c)[0].second;
  EXPECT_NE(csp.find("https://billing.stripe.com http://127.0.0.1:4242;"), std::string::npos)
      << csp;
  c->payments.provider.clear();
  EXPECT_NE(SecurityHeaders(*c)[0].second.find("form-action 'self';"), std::string::npos);
}

}  // namespace cinepress
