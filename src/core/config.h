// SiteConfig: what cinepress.toml says about a magazine (title, URLs, time zone, menus, theme).
// Contract: plain data, loaded once per command; LoadSiteConfig never throws and names the
// file, line and key of every problem.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct MenuItem {
  std::string name;
  std::string url;
  std::vector<MenuItem> children;
};

// URL patterns. Placeholders: {section}, {slug}, {year}, {month}, {day}.
struct Permalinks {
  std::string article = "/{section}/{slug}/";
  std::string page = "/{slug}/";
  std::string section = "/{section}/";
  std::string category = "/category/{slug}/";
  std::string tag = "/tag/{slug}/";
  std::string author = "/author/{slug}/";
  std::string film = "/films/{slug}/";
  std::string person = "/people/{slug}/";
  std::string festival = "/festivals/{festival}/";
  std::string edition = "/festivals/{festival}/{year}/";
  std::string collection = "/collections/{slug}/";
  std::string review_index = "/review-index/";
  std::string interview_index = "/interview-index/";
};

// A festival the magazine covers, and the rule that files articles under its editions: an
// article whose tags match `tag` ("TIFF{yy}" matches TIFF21; "Cannes{yyyy}" matches Cannes2019),
// or whose `festival:` is `name`, belongs to the edition of that year.
struct FestivalEditionConfig {
  int year = 0;
  std::string start, end;  // "2021-09-09"
  std::string city;
};
struct FestivalConfig {
  std::string slug;        // "tiff"
  std::string name;        // "Toronto International Film Festival"
  std::string short_name;  // "TIFF"
  std::string tag;         // "TIFF{yy}"
  std::string city;
  std::vector<FestivalEditionConfig> editions;
};

// How a newsletter's issues are sent out: by hand, weekly on a day at an hour, or daily at an
// hour during a festival edition (from its first day to the day after its last).
struct NewsletterSchedule {
  std::string kind = "manual";  // "manual", "weekly", "daily"
  int weekday = 5;              // weekly: 0 = Sunday … 6 = Saturday (config: day = "friday")
  int hour = 8;                 // 0-23, in the site's time zone
  std::string edition;          // daily: "tiff/2021" (festival slug / year), from [[festivals]]
};

// Which articles an issue holds: those published since the previous issue (the first issue
// looks back `first_days`), optionally only those of a festival edition, a section or a tag.
struct NewsletterContentRule {
  std::string edition;  // "tiff/2021"
  std::string section;  // "reviews"
  std::string tag;      // a tag as written, compared without case
  int first_days = 7;
  int max_articles = 40;
};

struct NewsletterConfig {
  std::string name;  // "The Changeover Weekly"
  // Who may receive it: empty for every reader; else tier slugs ("members" is the free tier):
  // only members holding one of them may join, and each issue is sent to those who still do.
  std::vector<std::string> tiers;
  std::string slug;  // "weekly": /newsletters/weekly/, `cinepress newsletter send weekly`
  std::string from_name, from_email;
  std::string reply_to;  // an address; empty for none
  std::string description;
  NewsletterSchedule schedule;
  NewsletterContentRule content;
};

// Where the magazine is stored ([store]). Without `url`, the SQLite file in the site folder;
// with it, a PostgreSQL database ("postgresql://user@host/db?sslmode=verify-full": the URL goes
// to libpq as it is, so every connection parameter works, unix sockets and TLS included). The
// password comes from the environment: the variable named by `password_env`, or else libpq's own
// PGPASSWORD (or ~/.pgpass); never from this file.
struct StoreConfig {
  std::string url;
  std::string password_env;
  // PostgreSQL: `serve` answers /search/ from a copy of the search index on the node
  // (docs/STORE.md, "The search mirror"); false: every search asks PostgreSQL.
  bool search_mirror = true;
};

// The relay newsletters go through. The password comes from `password`, or else from the
// environment variable named by `password_env` (so that it need not be in the file).
struct SmtpConfig {
  std::string url = "smtp://127.0.0.1:25";  // smtps:// for implicit TLS
  std::string starttls = "starttls";        // "starttls" (required), "opportunistic", "none"
  std::string username;
  std::string password;
  std::string password_env = "CINEPRESS_SMTP_PASSWORD";
  std::string ca_file;      // PEM certificates to trust instead of the system's (own relays)
  int connections = 4;      // in parallel
  int rate_per_minute = 0;  // messages handed over per minute at most; 0 = no limit
  int timeout_s = 60;       // per message
  int max_attempts = 8;     // temporary failures are retried this often, with backoff
};

// A membership tier ([[tiers]]): what a reader holds. "members" is the free tier every signed-in
// reader holds; a tier without prices can only be granted (comps, institutions, gifts).
struct TierConfig {
  std::string slug;  // "supporter"; [a-z0-9-]
  std::string name;  // "Supporter"
  std::string description;
  std::vector<std::string> benefits;
  int64_t monthly_price = 0;  // in minor units of `currency` (cents; yen for JPY); 0: none
  int64_t yearly_price = 0;
  std::string currency = "usd";                           // ISO 4217, lowercase as Stripe writes it
  std::string stripe_monthly_price, stripe_yearly_price;  // Stripe price ids (the money issue)
  bool paid() const { return monthly_price > 0 || yearly_price > 0; }
};

// [members]: who may become a member, and how much of a restricted article everyone sees.
struct MembersConfig {
  bool enabled =
      false;  // the site has readers' accounts: cinepress.toml has [members] or [[tiers]]
  std::string signup = "open";  // "open": anyone; "invite": only addresses already added
                                // (members add, institutions' domains); "closed": no sign-up
  int free_paragraphs = 3;      // a restricted article without <!--paywall--> shows this many
  int session_days = 365;       // a sign-in lasts this long (revocable: "sign out everywhere")
};

// [payments]: readers pay through Stripe (docs/PAYMENTS.md). The keys come from the environment
// (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET), never from this file.
struct PaymentsConfig {
  std::string provider;                             // "" (no payments) or "stripe"
  std::string api_base = "https://api.stripe.com";  // tests point it at a local double
  // A subscription whose renewal failed (past_due) keeps its access this many days after the
  // failure; the reader is emailed at once.
  int grace_days = 7;
  // Donations (/donate/, docs/PAYMENTS.md): on when donation_amounts lists the preset amounts,
  // in minor units of donation_currency (default: the first paid tier's currency, else "usd").
  std::vector<int64_t> donation_amounts;
  std::string donation_currency;
  bool donation_monthly = true;    // also offer giving the amount every month
  int64_t donation_minimum = 100;  // the smallest amount a reader may type
  // A donation of at least donation_grant_minimum grants this tier ("" none): a one-off one for
  // a year, a monthly one for each paid month (plus the renewal slack).
  std::string donation_grants_tier;
  int64_t donation_grant_minimum = 0;
  // Stripe Tax computes the tax of the shop's checkouts (the account must have Stripe Tax set up).
  bool automatic_tax = false;
  bool enabled() const { return !provider.empty(); }
  bool donations() const { return enabled() && !donation_amounts.empty(); }
};

// [staff]: the newsroom's staff accounts (/admin/).
struct StaffConfig {
  int session_hours = 12;  // a staff sign-in lasts this long (readers' last [members] session_days)
  int max_failed_sign_ins = 5;  // wrong passwords or codes in a row before the account locks
  int lockout_minutes = 15;     // how long a locked account refuses every sign-in
  // A file uploaded to the media library at most (more: 413): a still, a press kit's PDF, an
  // audio clip. Streamed to a file in the site's folder, never held in memory.
  int max_upload_mb = 64;
};

// [contact]: where the contact and pitch forms' submissions are forwarded (besides the inbox).
struct ContactConfig {
  bool enabled = false;  // cinepress.toml has [contact]: /contact/ and /contribute/ exist
  // forward_to = "Editors <editors@example.com>": its address (empty: the inbox only) and name.
  std::string forward_to, forward_name;
  int64_t max_file_bytes = 10 * 1024 * 1024;  // a pitch's file at most
};

// [comments]: readers' comments on articles (docs/NEWSROOM.md). On by default when the site has
// members (nobody else can write one); `enabled = false` turns them off.
struct CommentsConfig {
  bool enabled = false;              // after loading: asked for (or by default) and members exist
  std::string who = "members";       // "members": any signed-in member; "paid": a paid tier
  std::string moderation = "first";  // "first": a member's first comment waits for an editor;
                                     // "all": every one does; "none": shown at once
  // notify = ["editors@example.com"]: told of every new comment (the article's writers who
  // have an address are told too, unless notify_writers = false).
  std::vector<std::string> notify;
  bool notify_writers = true;
  int max_length = 5000;  // characters of one comment
  int per_hour = 10;      // comments one member may post in an hour
};

// [workshops]: workshops and masterclasses (docs/WORKSHOPS.md).
struct WorkshopsConfig {
  // How long a seat freed for the next reader on a waitlist is held for them (offer_hours, any
  // positive number of hours, at most 30 days), in seconds.
  int64_t offer_seconds = 24 * 3600;
};

// One of the magazine's accounts elsewhere ([social] name = "url"): in the footer and the
// Organization JSON-LD's sameAs.
// [[webhooks]]: an event told to a URL, signed with a secret (docs/API.md).
struct WebhookConfig {
  std::string event;       // "article.published", "article.updated", "article.deleted"
  std::string url;         // http(s)
  std::string secret;      // HMAC-SHA256 key of the signature; at least 16 characters
  int first_retry_s = 60;  // the pause after a failed try, doubling up to an hour
  int max_attempts = 8;    // then the delivery is given up (kept in the log as failed)
};
// The events a webhook may name.
const std::vector<std::string>& WebhookEvents();
// The [[webhooks]] as cinepress.toml has them now (`serve` follows the file's changes).
using WebhookList = std::function<std::vector<WebhookConfig>()>;

struct SocialLink {
  std::string name;  // "mastodon", as written in [social]
  std::string url;   // http(s), checked
};

// How a service spells itself ("youtube" -> "YouTube"); a name we do not know, as written.
std::string SocialServiceName(const std::string& name);

// [headers]: the security headers on every response of `cinepress serve` and in the static
// build's _headers file. An empty string sends none of that header.
struct ResponseHeadersConfig {
  // Strict: scripts, styles and fonts from the site alone, no inline script or style attribute
  // (JSON-LD is data, not script), no plugins; video players from the hosts the WordPress
  // importer embeds; images, audio and video also from other https sites (imported articles may
  // link them).
  std::string content_security_policy =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
      "font-src 'self'; connect-src 'self'; media-src 'self' https:; "
      "frame-src https://www.youtube-nocookie.com https://www.youtube.com "
      "https://player.vimeo.com; object-src 'none'; base-uri 'self'; form-action 'self'; "
      "frame-ancestors 'self'";
  std::string x_frame_options = "SAMEORIGIN";  // for browsers that ignore frame-ancestors
  std::string referrer_policy = "strict-origin-when-cross-origin";
  // Strict-Transport-Security's max-age, sent only when base_url is https; 0: not sent.
  int hsts_max_age = 31536000;
};

struct SiteConfig {
  std::string title = "Untitled Magazine";
  std::string description;
  std::string base_url = "http://127.0.0.1:8080";  // without a trailing slash
  std::string language = "en";
  std::string timezone = "UTC";
  std::string theme = "default";
  int paginate = 20;
  // URLs per sitemap file: past it, /sitemap.xml becomes an index of /sitemaps/N.xml files.
  // The sitemaps protocol allows at most 50,000.
  int sitemap_max_urls = 50000;
  // [search] enabled: the full-text index in the store, /search/ and the static index. A site
  // that does not want search saves most of an import's time and two thirds of the store.
  bool search = true;
  // [podcasts] funding_url: where a show's listeners can give (podcast:funding) when the show
  // names no `funding:` and the site has no /donate/ page.
  std::string podcast_funding_url;
  Permalinks permalinks;
  std::vector<MenuItem> menu_main;
  std::vector<MenuItem> menu_footer;
  std::vector<FestivalConfig> festivals;
  std::vector<NewsletterConfig> newsletters;
  StoreConfig store;
  SmtpConfig smtp;
  MembersConfig members;
  StaffConfig staff;
  std::vector<TierConfig> tiers;  // the free tier "members" is implicit unless listed
  const TierConfig* FindTier(std::string_view slug) const;
  PaymentsConfig payments;
  // Whether gift memberships are sold (/gift/, payments/gifts.h): [payments] on and a paid tier.
  bool gifts_offered() const;
  ResponseHeadersConfig headers;
  ContactConfig contact;
  CommentsConfig comments;
  WorkshopsConfig workshops;
  std::vector<SocialLink> social;       // in [social]'s order by name
  std::vector<WebhookConfig> webhooks;  // [[webhooks]], in order
};

// The headers every response carries (name, value), as [headers] and base_url make them:
// Content-Security-Policy, X-Content-Type-Options: nosniff, X-Frame-Options, Referrer-Policy
// and, on an https site, Strict-Transport-Security.
std::vector<std::pair<std::string, std::string>> SecurityHeaders(const SiteConfig& config);

Result<SiteConfig> LoadSiteConfig(const std::filesystem::path& file);
Result<SiteConfig> ParseSiteConfig(std::string_view toml_text, const std::string& file_name);

// Expands a permalink pattern: ExpandPermalink("/{section}/{slug}/", {{"section","reviews"},…}).
std::string ExpandPermalink(std::string_view pattern,
                            const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace cinepress
