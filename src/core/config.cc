#include "core/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>

#include "core/dates.h"
#include "core/slug.h"
#include "core/text.h"
#include "core/toml_parse.h"

namespace cinepress {
namespace {

Error ConfigError(const std::string& file, const toml::node* node, const std::string& key,
                  const std::string& message) {
  int line = node ? static_cast<int>(node->source().begin.line) : 0;
  return Error{ErrorCode::kInvalidInput, message, file, line, key};
}

// Reads an optional string key; a value of another type is an error.
Status ReadString(const toml::table& t, const std::string& file, const std::string& key,
                  const std::string& path, std::string& out) {
  const toml::node* n = t.get(key);
  if (!n) return {};
  if (auto s = n->value<std::string>(); s && n->is_string()) {
    out = *s;
    return {};
  }
  return ConfigError(file, n, path, "must be a string");
}

Result<std::vector<MenuItem>> ReadMenu(const toml::node* node, const std::string& file,
                                       const std::string& path, int depth) {
  std::vector<MenuItem> items;
  if (!node) return items;
  const toml::array* arr = node->as_array();
  if (!arr) return ConfigError(file, node, path, "must be an array of tables ([[" + path + "]])");
  for (const toml::node& el : *arr) {
    const toml::table* t = el.as_table();
    if (!t) return ConfigError(file, &el, path, "each menu item must be a table");
    MenuItem item;
    if (auto s = ReadString(*t, file, "name", path + ".name", item.name); !s) return s.error();
    if (auto s = ReadString(*t, file, "url", path + ".url", item.url); !s) return s.error();
    if (item.name.empty())
      return ConfigError(file, &el, path + ".name", "a menu item needs a name");
    if (item.url.empty()) return ConfigError(file, &el, path + ".url", "a menu item needs a url");
    if (const toml::node* c = t->get("children")) {
      if (depth > 0) return ConfigError(file, c, path + ".children", "menus nest one level deep");
      auto children = ReadMenu(c, file, path + ".children", depth + 1);
      if (!children) return children.error();
      item.children = std::move(*children);
    }
    items.push_back(std::move(item));
  }
  return items;
}

Status ReadInt64(const toml::table& t, const std::string& file, const std::string& key,
                 const std::string& path, int64_t lo, int64_t hi, int64_t& out) {
  const toml::node* n = t.get(key);
  if (!n) return {};
  auto v = n->value<int64_t>();
  if (!n->is_integer() || !v || *v < lo || *v > hi) {
    return ConfigError(
        file, n, path,
        "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  out = *v;
  return {};
}

Status ReadInt(const toml::table& t, const std::string& file, const std::string& key,
               const std::string& path, int lo, int hi, int& out) {
  int64_t v = out;
  if (auto s = ReadInt64(t, file, key, path, lo, hi, v); !s) return s;
  out = static_cast<int>(v);
  return {};
}

// Reads an optional array of strings.
Status ReadStringList(const toml::table& t, const std::string& file, const std::string& key,
                      const std::string& path, std::vector<std::string>& out) {
  const toml::node* n = t.get(key);
  if (!n) return {};
  const toml::array* arr = n->as_array();
  if (!arr) return ConfigError(file, n, path, "must be a list of strings");
  out.clear();
  for (const toml::node& el : *arr) {
    if (!el.is_string()) return ConfigError(file, &el, path, "must be a list of strings");
    out.push_back(*el.value<std::string>());
  }
  return {};
}

bool IsTierSlug(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char ch : s) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
  }
  return true;
}

// [staff]: the newsroom's sign-in.
Status ReadStaff(const toml::table& root, const std::string& file, SiteConfig& c) {
  const toml::node* n = root.get("staff");
  if (n == nullptr) return {};
  const toml::table* t = n->as_table();
  if (!t) return ConfigError(file, n, "staff", "must be a table ([staff])");
  if (auto s = ReadInt(*t, file, "session_hours", "staff.session_hours", 1, 24 * 30,
                       c.staff.session_hours);
      !s) {
    return s;
  }
  if (auto s = ReadInt(*t, file, "max_failed_sign_ins", "staff.max_failed_sign_ins", 1, 100,
                       c.staff.max_failed_sign_ins);
      !s) {
    return s;
  }
  if (auto s = ReadInt(*t, file, "lockout_minutes", "staff.lockout_minutes", 1, 24 * 60,
                       c.staff.lockout_minutes);
      !s) {
    return s;
  }
  return ReadInt(*t, file, "max_upload_mb", "staff.max_upload_mb", 1, 2048, c.staff.max_upload_mb);
}

// [members] and [[tiers]]. Every tier a newsletter names must exist.
Status ReadMembers(const toml::table& root, const std::string& file, SiteConfig& c) {
  if (const toml::node* n = root.get("members")) {
    const toml::table* t = n->as_table();
    if (!t) return ConfigError(file, n, "members", "must be a table ([members])");
    c.members.enabled = true;
    if (auto s = ReadString(*t, file, "signup", "members.signup", c.members.signup); !s) return s;
    if (c.members.signup != "open" && c.members.signup != "invite" &&
        c.members.signup != "closed") {
      return ConfigError(file, t->get("signup"), "members.signup",
                         "must be \"open\", \"invite\" or \"closed\"");
    }
    if (auto s = ReadInt(*t, file, "free_paragraphs", "members.free_paragraphs", 0, 1000,
                         c.members.free_paragraphs);
        !s) {
      return s;
    }
    if (auto s = ReadInt(*t, file, "session_days", "members.session_days", 1, 3650,
                         c.members.session_days);
        !s) {
      return s;
    }
  }
  if (const toml::node* n = root.get("tiers")) {
    const toml::array* arr = n->as_array();
    if (!arr) return ConfigError(file, n, "tiers", "must be an array of tables ([[tiers]])");
    for (const toml::node& el : *arr) {
      const toml::table* t = el.as_table();
      if (!t) return ConfigError(file, &el, "tiers", "each tier must be a table");
      TierConfig tier;
      for (auto [key, out] : {std::pair{"slug", &tier.slug},
                              {"name", &tier.name},
                              {"description", &tier.description},
                              {"currency", &tier.currency},
                              {"stripe_monthly_price", &tier.stripe_monthly_price},
                              {"stripe_yearly_price", &tier.stripe_yearly_price}}) {
        if (auto s = ReadString(*t, file, key, std::string("tiers.") + key, *out); !s) return s;
      }
      if (auto s = ReadStringList(*t, file, "benefits", "tiers.benefits", tier.benefits); !s) {
        return s;
      }
      constexpr int64_t kMaxPrice = 99999999;  // Stripe's limit for an amount
      if (auto s = ReadInt64(*t, file, "monthly_price", "tiers.monthly_price", 0, kMaxPrice,
                             tier.monthly_price);
          !s) {
        return s;
      }
      if (auto s = ReadInt64(*t, file, "yearly_price", "tiers.yearly_price", 0, kMaxPrice,
                             tier.yearly_price);
          !s) {
        return s;
      }
      if (tier.name.empty()) return ConfigError(file, &el, "tiers.name", "a tier needs a name");
      if (tier.slug.empty()) tier.slug = Slugify(tier.name);
      if (!IsTierSlug(tier.slug)) {
        return ConfigError(file, t->get("slug") ? t->get("slug") : &el, "tiers.slug",
                           "must be lowercase letters, digits and hyphens");
      }
      for (char& ch : tier.currency) ch = static_cast<char>(std::tolower(ch));
      if (tier.currency.size() != 3) {
        return ConfigError(file, t->get("currency"), "tiers.currency",
                           "must be a three-letter ISO 4217 code, such as \"usd\"");
      }
      if (tier.slug == "members" && tier.paid()) {
        return ConfigError(file, &el, "tiers.monthly_price",
                           "\"members\" is the free tier and has no price");
      }
      if (c.FindTier(tier.slug)) {
        return ConfigError(file, &el, "tiers.slug",
                           "two tiers have the slug \"" + tier.slug + "\"");
      }
      c.tiers.push_back(std::move(tier));
    }
    c.members.enabled = true;
  }
  const toml::node* nl_node = root.get("newsletters");
  for (size_t i = 0; i < c.newsletters.size(); ++i) {
    for (const std::string& tier : c.newsletters[i].tiers) {
      if (tier != "members" && !c.FindTier(tier)) {
        const toml::node* at = nl_node;
        if (const toml::array* arr = nl_node ? nl_node->as_array() : nullptr) {
          if (const toml::table* t = arr->get(i) ? arr->get(i)->as_table() : nullptr) {
            at = t->get("tiers");
          }
        }
        return ConfigError(file, at, "newsletters.tiers", "no tier \"" + tier + "\" in [[tiers]]");
      }
    }
  }
  return {};
}

// "Changeover <news@changeover.example>" or "news@changeover.example".
bool SplitAddress(const std::string& text, std::string& name, std::string& email) {
  size_t lt = text.rfind('<');
  if (lt == std::string::npos) {
    email = std::string(Trim(text));
  } else {
    size_t gt = text.find('>', lt);
    if (gt == std::string::npos || gt != text.size() - 1) return false;
    email = text.substr(lt + 1, gt - lt - 1);
    name = std::string(Trim(text.substr(0, lt)));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
  }
  size_t at = email.find('@');
  return at != std::string::npos && at > 0 && email.find('.', at) != std::string::npos &&
         email.find_first_of(" \t\r\n<>\"") == std::string::npos;
}

// Checks an edition reference "tiff/2021" against [[festivals]].
bool KnownEdition(const SiteConfig& c, const std::string& edition) {
  size_t slash = edition.find('/');
  if (slash == std::string::npos) return false;
  std::string slug = edition.substr(0, slash), year = edition.substr(slash + 1);
  for (const FestivalConfig& f : c.festivals) {
    if (f.slug != slug) continue;
    for (const FestivalEditionConfig& e : f.editions) {
      if (std::to_string(e.year) == year) return true;
    }
  }
  return false;
}

Status ReadStore(const toml::table& root, const std::string& file, StoreConfig& store) {
  const toml::node* n = root.get("store");
  if (!n) return {};
  const toml::table* t = n->as_table();
  if (!t) return ConfigError(file, n, "store", "must be a table ([store])");
  for (auto [key, out] :
       {std::pair{"url", &store.url}, std::pair{"password_env", &store.password_env}}) {
    if (auto s = ReadString(*t, file, key, std::string("store.") + key, *out); !s) return s;
  }
  if (const toml::node* m = t->get("search_mirror")) {
    if (!m->is_boolean()) {
      return ConfigError(file, m, "store.search_mirror", "must be true or false");
    }
    store.search_mirror = *m->value<bool>();
  }
  if (store.url.empty()) return {};  // the SQLite file
  if (store.url.rfind("postgresql://", 0) != 0 && store.url.rfind("postgres://", 0) != 0) {
    return ConfigError(file, t->get("url"), "store.url",
                       "must start with postgresql:// (leave it out for the SQLite file)");
  }
  // A password in the file would travel with every copy of it: user:password@ or ?password=.
  const std::string_view rest = std::string_view(store.url).substr(store.url.find("://") + 3);
  const size_t at = rest.find('@');
  if ((at < rest.find('/') && rest.substr(0, at).find(':') != std::string_view::npos) ||
      store.url.find("password=") != std::string::npos) {
    return ConfigError(file, t->get("url"), "store.url",
                       "must not hold the password: set password_env (or PGPASSWORD) instead");
  }
  return {};
}

Status ReadSmtp(const toml::table& root, const std::string& file, SmtpConfig& smtp) {
  const toml::node* n = root.get("smtp");
  if (!n) return {};
  const toml::table* t = n->as_table();
  if (!t) return ConfigError(file, n, "smtp", "must be a table ([smtp])");
  for (auto [key, out] : {std::pair{"url", &smtp.url},
                          {"starttls", &smtp.starttls},
                          {"username", &smtp.username},
                          {"password", &smtp.password},
                          {"password_env", &smtp.password_env},
                          {"ca_file", &smtp.ca_file}}) {
    if (auto s = ReadString(*t, file, key, std::string("smtp.") + key, *out); !s) return s;
  }
  if (smtp.url.rfind("smtp://", 0) != 0 && smtp.url.rfind("smtps://", 0) != 0) {
    return ConfigError(file, t->get("url"), "smtp.url", "must start with smtp:// or smtps://");
  }
  if (smtp.starttls != "starttls" && smtp.starttls != "opportunistic" && smtp.starttls != "none") {
    return ConfigError(file, t->get("starttls"), "smtp.starttls",
                       "must be \"starttls\", \"opportunistic\" or \"none\"");
  }
  if (auto s = ReadInt(*t, file, "connections", "smtp.connections", 1, 64, smtp.connections); !s)
    return s;
  if (auto s = ReadInt(*t, file, "rate_per_minute", "smtp.rate_per_minute", 0, 10000000,
                       smtp.rate_per_minute);
      !s)
    return s;
  if (auto s = ReadInt(*t, file, "timeout", "smtp.timeout", 1, 3600, smtp.timeout_s); !s) return s;
  if (auto s = ReadInt(*t, file, "max_attempts", "smtp.max_attempts", 1, 100, smtp.max_attempts);
      !s)
    return s;
  return {};
}

Status ReadPayments(const toml::table& root, const std::string& file, PaymentsConfig& payments) {
  const toml::node* n = root.get("payments");
  if (!n) return {};
  const toml::table* t = n->as_table();
  if (!t) return ConfigError(file, n, "payments", "must be a table ([payments])");
  if (auto s = ReadString(*t, file, "provider", "payments.provider", payments.provider); !s)
    return s;
  if (payments.provider != "stripe") {
    return ConfigError(file, t->get("provider") ? t->get("provider") : n, "payments.provider",
                       "must be \"stripe\" (the one provider there is)");
  }
  if (auto s = ReadString(*t, file, "api_base", "payments.api_base", payments.api_base); !s)
    return s;
  if (payments.api_base.rfind("https://", 0) != 0 && payments.api_base.rfind("http://", 0) != 0) {
    return ConfigError(file, t->get("api_base"), "payments.api_base",
                       "must start with https:// (or http:// for a local test double)");
  }
  while (!payments.api_base.empty() && payments.api_base.back() == '/')
    payments.api_base.pop_back();
  if (const toml::node* tax = t->get("automatic_tax")) {
    if (!tax->is_boolean()) {
      return ConfigError(file, tax, "payments.automatic_tax", "must be true or false");
    }
    payments.automatic_tax = tax->value<bool>().value_or(false);
  }
  return ReadInt(*t, file, "grace_days", "payments.grace_days", 0, 60, payments.grace_days);
}

// [payments] donation_*: the /donate/ page's amounts and what a donation grants.
Status ReadDonations(const toml::table& root, const std::string& file, SiteConfig& c) {
  PaymentsConfig& p = c.payments;
  const toml::table* t = root["payments"].as_table();
  for (const TierConfig& tier : c.tiers) {
    if (p.donation_currency.empty() && tier.paid()) p.donation_currency = tier.currency;
  }
  if (p.donation_currency.empty()) p.donation_currency = "usd";
  if (!t) return {};
  constexpr int64_t kMost = 99999999;  // Stripe's largest charge in most currencies
  if (const toml::node* n = t->get("donation_amounts")) {
    const toml::array* arr = n->as_array();
    if (!arr) return ConfigError(file, n, "payments.donation_amounts", "must be a list of amounts");
    for (const toml::node& el : *arr) {
      auto v = el.value<int64_t>();
      if (!el.is_integer() || !v || *v < 1 || *v > kMost) {
        return ConfigError(file, &el, "payments.donation_amounts",
                           "each amount must be a whole number of minor units (500 is $5.00) "
                           "from 1 to 99999999");
      }
      p.donation_amounts.push_back(*v);
    }
  }
  if (auto s = ReadString(*t, file, "donation_currency", "payments.donation_currency",
                          p.donation_currency);
      !s)
    return s;
  for (char& ch : p.donation_currency) ch = static_cast<char>(std::tolower(ch));
  if (p.donation_currency.size() != 3) {
    return ConfigError(file, t->get("donation_currency"), "payments.donation_currency",
                       "must be a three-letter ISO 4217 code, such as \"usd\"");
  }
  if (const toml::node* n = t->get("donation_monthly")) {
    if (!n->is_boolean())
      return ConfigError(file, n, "payments.donation_monthly", "must be true or false");
    p.donation_monthly = *n->value<bool>();
  }
  if (auto s = ReadInt64(*t, file, "donation_minimum", "payments.donation_minimum", 1, kMost,
                         p.donation_minimum);
      !s)
    return s;
  if (auto s = ReadInt64(*t, file, "donation_grant_minimum", "payments.donation_grant_minimum", 0,
                         kMost, p.donation_grant_minimum);
      !s)
    return s;
  if (auto s = ReadString(*t, file, "donation_grants_tier", "payments.donation_grants_tier",
                          p.donation_grants_tier);
      !s)
    return s;
  if (!p.donation_grants_tier.empty() && !c.FindTier(p.donation_grants_tier)) {
    return ConfigError(file, t->get("donation_grants_tier"), "payments.donation_grants_tier",
                       "names no tier of [[tiers]]: \"" + p.donation_grants_tier + "\"");
  }
  return {};
}

Status ReadContact(const toml::table& root, const std::string& file, ContactConfig& contact) {
  const toml::node* n = root.get("contact");
  if (!n) return {};
  const toml::table* t = n->as_table();
  if (!t) return ConfigError(file, n, "contact", "must be a table ([contact])");
  contact.enabled = true;
  std::string forward;
  if (auto s = ReadString(*t, file, "forward_to", "contact.forward_to", forward); !s) return s;
  if (!forward.empty() && !SplitAddress(forward, contact.forward_name, contact.forward_to)) {
    return ConfigError(file, t->get("forward_to"), "contact.forward_to",
                       "must be an address: \"Editors <editors@example.com>\"");
  }
  int max_kb = static_cast<int>(contact.max_file_bytes / 1024);
  if (auto s = ReadInt(*t, file, "max_file_kb", "contact.max_file_kb", 1, 100 * 1024, max_kb); !s)
    return s;
  contact.max_file_bytes = int64_t{max_kb} * 1024;
  return {};
}

// [comments], read after [members]: comments exist only where members do.
Status ReadComments(const toml::table& root, const std::string& file, SiteConfig& c) {
  CommentsConfig& cc = c.comments;
  cc.enabled = c.members.enabled;
  const toml::node* n = root.get("comments");
  if (!n) return {};
  const toml::table* t = n->as_table();
  if (!t) return ConfigError(file, n, "comments", "must be a table ([comments])");
  if (const toml::node* e = t->get("enabled")) {
    if (!e->is_boolean()) return ConfigError(file, e, "comments.enabled", "must be true or false");
    cc.enabled = *e->value<bool>();
    if (cc.enabled && !c.members.enabled) {
      return ConfigError(file, e, "comments.enabled",
                         "comments need members: add [members] (only members may comment)");
    }
  }
  if (auto s = ReadString(*t, file, "who", "comments.who", cc.who); !s) return s;
  if (cc.who != "members" && cc.who != "paid") {
    return ConfigError(file, t->get("who"), "comments.who", "must be \"members\" or \"paid\"");
  }
  if (auto s = ReadString(*t, file, "moderation", "comments.moderation", cc.moderation); !s)
    return s;
  if (cc.moderation != "first" && cc.moderation != "all" && cc.moderation != "none") {
    return ConfigError(file, t->get("moderation"), "comments.moderation",
                       "must be \"first\", \"all\" or \"none\"");
  }
  if (auto s = ReadStringList(*t, file, "notify", "comments.notify", cc.notify); !s) return s;
  for (const std::string& a : cc.notify) {
    if (a.find('@') == std::string::npos || a.find_first_of(" \r\n<>,\"") != std::string::npos) {
      return ConfigError(file, t->get("notify"), "comments.notify",
                         "must be a list of email addresses: \"" + a + "\" is not one");
    }
  }
  if (const toml::node* w = t->get("notify_writers")) {
    if (!w->is_boolean()) {
      return ConfigError(file, w, "comments.notify_writers", "must be true or false");
    }
    cc.notify_writers = *w->value<bool>();
  }
  if (auto s = ReadInt(*t, file, "max_length", "comments.max_length", 100, 100000, cc.max_length);
      !s)
    return s;
  return ReadInt(*t, file, "per_hour", "comments.per_hour", 1, 1000, cc.per_hour);
}

Status ReadWorkshops(const toml::table& root, const std::string& file, WorkshopsConfig& workshops) {
  const toml::node* n = root.get("workshops");
  if (!n) return {};
  const toml::table* t = n->as_table();
  if (!t) return ConfigError(file, n, "workshops", "must be a table ([workshops])");
  const toml::node* hours = t->get("offer_hours");
  if (!hours) return {};
  constexpr double kMostHours = 30 * 24;
  const std::optional<double> value = hours->value<double>();  // an integer or a float
  if (!hours->is_number() || !value || !(*value > 0) || *value > kMostHours) {
    return ConfigError(file, hours, "workshops.offer_hours",
                       "must be a positive number of hours, at most 720 (30 days)");
  }
  workshops.offer_seconds = std::max<int64_t>(1, static_cast<int64_t>(*value * 3600));
  return {};
}

// An account's address: http(s), a host, no spaces, quotes or angle brackets.
bool IsSocialUrl(std::string_view url) {
  const size_t scheme = url.rfind("https://", 0) == 0 ? 8 : url.rfind("http://", 0) == 0 ? 7 : 0;
  if (scheme == 0 || url.size() <= scheme || url.size() > 2000) return false;
  for (unsigned char ch : url) {
    if (ch <= ' ' || ch == '"' || ch == '\\' || ch == '<' || ch == '>' || ch == '`' || ch >= 0x7f)
      return false;
  }
  return url[scheme] != '/';
}

Status ReadWebhooks(const toml::table& root, const std::string& file,
                    std::vector<WebhookConfig>& out) {
  const toml::node* n = root.get("webhooks");
  if (!n) return {};
  const toml::array* arr = n->as_array();
  if (!arr) return ConfigError(file, n, "webhooks", "must be an array of tables ([[webhooks]])");
  for (const toml::node& el : *arr) {
    const toml::table* t = el.as_table();
    if (!t) return ConfigError(file, &el, "webhooks", "each webhook must be a table");
    WebhookConfig w;
    for (auto [key, value] :
         {std::pair{"event", &w.event}, std::pair{"url", &w.url}, std::pair{"secret", &w.secret}}) {
      if (auto s = ReadString(*t, file, key, std::string("webhooks.") + key, *value); !s) return s;
    }
    if (auto s =
            ReadInt(*t, file, "first_retry_s", "webhooks.first_retry_s", 1, 86400, w.first_retry_s);
        !s) {
      return s;
    }
    if (auto s = ReadInt(*t, file, "max_attempts", "webhooks.max_attempts", 1, 100, w.max_attempts);
        !s) {
      return s;
    }
    const auto& events = WebhookEvents();
    if (std::find(events.begin(), events.end(), w.event) == events.end()) {
      return ConfigError(file, &el, "webhooks.event",
                         "no event \"" + w.event +
                             "\": article.published, article.updated, article.unpublished or "
                             "article.deleted");
    }
    if (!IsSocialUrl(w.url))
      return ConfigError(file, &el, "webhooks.url", "must be an http(s) URL");
    if (w.secret.size() < 16) {
      return ConfigError(file, &el, "webhooks.secret", "must be at least 16 characters");
    }
    out.push_back(std::move(w));
  }
  return {};
}

Status ReadSocial(const toml::table& root, const std::string& file, std::vector<SocialLink>& out) {
  const toml::node* n = root.get("social");
  if (!n) return {};
  const toml::table* t = n->as_table();
  if (!t) return ConfigError(file, n, "social", "must be a table ([social] name = \"url\")");
  for (const auto& entry : *t) {
    const std::string name(entry.first.str());
    const std::string path = "social." + name;
    const auto url = entry.second.value<std::string>();
    if (!url || !IsSocialUrl(*url)) {
      return ConfigError(file, &entry.second, path, "must be an http(s) URL");
    }
    out.push_back({name, *url});
  }
  return {};
}

Status ReadNewsletters(const toml::table& root, const std::string& file, SiteConfig& c) {
  const toml::node* n = root.get("newsletters");
  if (!n) return {};
  const toml::array* arr = n->as_array();
  if (!arr)
    return ConfigError(file, n, "newsletters", "must be an array of tables ([[newsletters]])");
  static const char* const kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                      "thursday", "friday", "saturday"};
  for (const toml::node& el : *arr) {
    const toml::table* t = el.as_table();
    if (!t) return ConfigError(file, &el, "newsletters", "each newsletter must be a table");
    NewsletterConfig nl;
    std::string from, kind = "manual", day = "friday";
    for (auto [key, out] : {std::pair{"name", &nl.name},
                            {"slug", &nl.slug},
                            {"from", &from},
                            {"reply_to", &nl.reply_to},
                            {"description", &nl.description},
                            {"schedule", &kind},
                            {"day", &day},
                            {"edition", &nl.schedule.edition}}) {
      if (auto s = ReadString(*t, file, key, std::string("newsletters.") + key, *out); !s) return s;
    }
    if (nl.name.empty())
      return ConfigError(file, &el, "newsletters.name", "a newsletter needs a name");
    if (nl.slug.empty()) nl.slug = Slugify(nl.name);
    if (nl.slug.empty() || nl.slug != Slugify(nl.slug)) {
      return ConfigError(file, t->get("slug"), "newsletters.slug",
                         "must be a slug: lowercase letters, digits and hyphens");
    }
    for (const NewsletterConfig& other : c.newsletters) {
      if (other.slug == nl.slug) {
        return ConfigError(file, &el, "newsletters.slug",
                           "two newsletters have the slug \"" + nl.slug + "\"");
      }
    }
    if (from.empty() || !SplitAddress(from, nl.from_name, nl.from_email)) {
      return ConfigError(file, t->get("from") ? t->get("from") : &el, "newsletters.from",
                         "needs a sender address: \"Name <address@example.com>\"");
    }
    if (!nl.reply_to.empty()) {
      std::string ignored, email;
      if (!SplitAddress(nl.reply_to, ignored, email)) {
        return ConfigError(file, t->get("reply_to"), "newsletters.reply_to", "is not an address");
      }
    }
    if (kind != "manual" && kind != "weekly" && kind != "daily") {
      return ConfigError(file, t->get("schedule"), "newsletters.schedule",
                         "must be \"manual\", \"weekly\" or \"daily\"");
    }
    nl.schedule.kind = kind;
    if (auto s = ReadInt(*t, file, "hour", "newsletters.hour", 0, 23, nl.schedule.hour); !s)
      return s;
    bool day_ok = false;
    for (int d = 0; d < 7; ++d) {
      if (AsciiLower(day) == kDays[d]) {
        nl.schedule.weekday = d;
        day_ok = true;
      }
    }
    if (!day_ok) {
      return ConfigError(file, t->get("day"), "newsletters.day",
                         "must be a day of the week, as in \"friday\"");
    }
    if (kind == "daily" && !KnownEdition(c, nl.schedule.edition)) {
      return ConfigError(file, t->get("edition") ? t->get("edition") : &el, "newsletters.edition",
                         "a daily newsletter runs during a festival edition listed in "
                         "[[festivals]], as in edition = \"tiff/2021\"");
    }
    if (const toml::node* cn = t->get("content")) {
      const toml::table* ct = cn->as_table();
      if (!ct) return ConfigError(file, cn, "newsletters.content", "must be a table");
      for (auto [key, out] : {std::pair{"edition", &nl.content.edition},
                              {"section", &nl.content.section},
                              {"tag", &nl.content.tag}}) {
        if (auto s = ReadString(*ct, file, key, std::string("newsletters.content.") + key, *out);
            !s)
          return s;
      }
      if (!nl.content.edition.empty() && !KnownEdition(c, nl.content.edition)) {
        return ConfigError(file, ct->get("edition"), "newsletters.content.edition",
                           "no such festival edition in [[festivals]] (\"slug/year\")");
      }
      if (auto s = ReadInt(*ct, file, "first_days", "newsletters.content.first_days", 1, 3650,
                           nl.content.first_days);
          !s)
        return s;
      if (auto s = ReadInt(*ct, file, "max_articles", "newsletters.content.max_articles", 1, 500,
                           nl.content.max_articles);
          !s)
        return s;
    }
    if (auto s = ReadStringList(*t, file, "tiers", "newsletters.tiers", nl.tiers); !s) return s;
    c.newsletters.push_back(std::move(nl));
  }
  return {};
}

}  // namespace

const std::vector<std::string>& WebhookEvents() {
  static const std::vector<std::string> kEvents = {
      "article.published", "article.updated", "article.unpublished", "article.deleted",
      "member.added",      "member.edited",   "member.deleted"};
  return kEvents;
}

namespace {

// Browsers hold a form's redirects to form-action too: with [payments], the checkout and billing
// buttons' 303 goes to Stripe's pages (or to the local test double's, which serves them itself).
std::string WithPaymentPages(std::string csp, const PaymentsConfig& payments) {
  const std::string self = "form-action 'self'";
  const size_t at = csp.find(self);
  if (!payments.enabled() || at == std::string::npos) return csp;
  std::string pages = " https://checkout.stripe.com https://billing.stripe.com";
  if (payments.api_base != "https://api.stripe.com") {
    const size_t host = payments.api_base.find("://");
    pages += " " + payments.api_base.substr(0, payments.api_base.find('/', host + 3));
  }
  return csp.insert(at + self.size(), pages);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> SecurityHeaders(const SiteConfig& config) {
  const ResponseHeadersConfig& h = config.headers;
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const char* name, const std::string& value) {
    if (!value.empty()) out.emplace_back(name, value);
  };
  add("Content-Security-Policy", WithPaymentPages(h.content_security_policy, config.payments));
  add("X-Content-Type-Options", "nosniff");
  add("X-Frame-Options", h.x_frame_options);
  add("Referrer-Policy", h.referrer_policy);
  // Only a site served over TLS may ask browsers to insist on it.
  if (config.base_url.rfind("https://", 0) == 0 && h.hsts_max_age > 0) {
    add("Strict-Transport-Security", "max-age=" + std::to_string(h.hsts_max_age));
  }
  return out;
}

Result<toml::table> ParseToml(std::string_view text, const std::string& file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return Error{ErrorCode::kInvalidInput,
                 std::string(e.description()),
                 file,
                 static_cast<int>(e.source().begin.line),
                 {}};
  }
}

Result<SiteConfig> ParseSiteConfig(std::string_view text, const std::string& file) {
  auto parsed = ParseToml(text, file);
  if (!parsed) return parsed.error();
  const toml::table& root = *parsed;
  SiteConfig c;
  for (auto [key, out] : {std::pair{"title", &c.title},
                          {"description", &c.description},
                          {"base_url", &c.base_url},
                          {"language", &c.language},
                          {"timezone", &c.timezone},
                          {"theme", &c.theme}}) {
    if (auto s = ReadString(root, file, key, key, *out); !s) return s.error();
  }
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
  if (c.base_url.rfind("http://", 0) != 0 && c.base_url.rfind("https://", 0) != 0) {
    return ConfigError(file, root.get("base_url"), "base_url",
                       "must start with http:// or https://");
  }
  if (!TimeZone::Named(c.timezone)) {
    return ConfigError(file, root.get("timezone"), "timezone",
                       "unknown time zone \"" + c.timezone + "\"");
  }
  if (c.theme.empty() || c.theme.find('/') != std::string::npos || c.theme[0] == '.') {
    return ConfigError(file, root.get("theme"), "theme", "must be a folder name under themes/");
  }
  if (const toml::node* p = root.get("paginate")) {
    auto v = p->value<int64_t>();
    if (!p->is_integer() || !v || *v < 1 || *v > 1000) {
      return ConfigError(file, p, "paginate", "must be a whole number from 1 to 1000");
    }
    c.paginate = static_cast<int>(*v);
  }
  if (const toml::node* p = root.get("search")) {
    const toml::table* t = p->as_table();
    if (!t) return ConfigError(file, p, "search", "must be a table");
    if (const toml::node* e = t->get("enabled")) {
      if (!e->is_boolean()) return ConfigError(file, e, "search.enabled", "must be true or false");
      c.search = e->value<bool>().value_or(true);
    }
  }
  if (const toml::node* p = root.get("podcasts")) {
    const toml::table* t = p->as_table();
    if (!t) return ConfigError(file, p, "podcasts", "must be a table");
    if (const toml::node* u = t->get("funding_url")) {
      auto v = u->value<std::string>();
      if (!v || !(v->rfind("https://", 0) == 0 || v->rfind("http://", 0) == 0 ||
                  (!v->empty() && (*v)[0] == '/'))) {
        return ConfigError(file, u, "podcasts.funding_url",
                           "must be an https:// or http:// address, or a path of the site");
      }
      c.podcast_funding_url = *v;
    }
  }
  if (const toml::node* p = root.get("headers")) {
    const toml::table* t = p->as_table();
    if (!t) return ConfigError(file, p, "headers", "must be a table");
    ResponseHeadersConfig& h = c.headers;
    for (auto [key, out] : {std::pair{"content_security_policy", &h.content_security_policy},
                            {"x_frame_options", &h.x_frame_options},
                            {"referrer_policy", &h.referrer_policy}}) {
      if (auto s = ReadString(*t, file, key, std::string("headers.") + key, *out); !s) {
        return s.error();
      }
      if (out->find_first_of("\r\n") != std::string::npos) {
        return ConfigError(file, t->get(key), std::string("headers.") + key, "must be one line");
      }
    }
    if (auto s =
            ReadInt(*t, file, "hsts_max_age", "headers.hsts_max_age", 0, 63072000, h.hsts_max_age);
        !s) {
      return s.error();
    }
  }
  if (const toml::node* p = root.get("sitemap_max_urls")) {
    auto v = p->value<int64_t>();
    if (!p->is_integer() || !v || *v < 1 || *v > 50000) {
      return ConfigError(file, p, "sitemap_max_urls", "must be a whole number from 1 to 50000");
    }
    c.sitemap_max_urls = static_cast<int>(*v);
  }
  if (const toml::node* p = root.get("permalinks")) {
    const toml::table* t = p->as_table();
    if (!t) return ConfigError(file, p, "permalinks", "must be a table");
    Permalinks& l = c.permalinks;
    for (auto [key, out] : {std::pair{"article", &l.article},
                            {"page", &l.page},
                            {"section", &l.section},
                            {"category", &l.category},
                            {"tag", &l.tag},
                            {"author", &l.author},
                            {"film", &l.film},
                            {"person", &l.person},
                            {"festival", &l.festival},
                            {"edition", &l.edition},
                            {"collection", &l.collection},
                            {"review_index", &l.review_index},
                            {"interview_index", &l.interview_index}}) {
      std::string path = std::string("permalinks.") + key;
      if (auto s = ReadString(*t, file, key, path, *out); !s) return s.error();
      if (out->empty() || out->front() != '/' || out->back() != '/') {
        return ConfigError(file, t->get(key), path, "must start and end with /");
      }
    }
  }
  if (const toml::node* fnode = root.get("festivals")) {
    const toml::array* arr = fnode->as_array();
    if (!arr) {
      return ConfigError(file, fnode, "festivals", "must be an array of tables ([[festivals]])");
    }
    for (const toml::node& el : *arr) {
      const toml::table* t = el.as_table();
      if (!t) return ConfigError(file, &el, "festivals", "each festival must be a table");
      FestivalConfig f;
      for (auto [key, out] : {std::pair{"slug", &f.slug},
                              {"name", &f.name},
                              {"short_name", &f.short_name},
                              {"tag", &f.tag},
                              {"city", &f.city}}) {
        if (auto s = ReadString(*t, file, key, std::string("festivals.") + key, *out); !s) {
          return s.error();
        }
      }
      if (f.name.empty())
        return ConfigError(file, &el, "festivals.name", "a festival needs a name");
      if (!f.tag.empty() && f.tag.find("{yy}") == std::string::npos &&
          f.tag.find("{yyyy}") == std::string::npos) {
        return ConfigError(file, t->get("tag"), "festivals.tag",
                           "must contain {yy} or {yyyy}, as in \"TIFF{yy}\"");
      }
      if (const toml::node* en = t->get("editions")) {
        const toml::array* earr = en->as_array();
        if (!earr) {
          return ConfigError(file, en, "festivals.editions", "must be [[festivals.editions]]");
        }
        for (const toml::node& ee : *earr) {
          const toml::table* et = ee.as_table();
          if (!et) return ConfigError(file, &ee, "festivals.editions", "must be a table");
          FestivalEditionConfig e;
          const toml::node* y = et->get("year");
          if (!y || !y->is_integer() || *y->value<int64_t>() < 1890 ||
              *y->value<int64_t>() > 2200) {
            return ConfigError(file, y ? y : &ee, "festivals.editions.year",
                               "an edition needs a year (a whole number)");
          }
          e.year = static_cast<int>(*y->value<int64_t>());
          for (auto [key, out] :
               {std::pair{"start", &e.start}, {"end", &e.end}, {"city", &e.city}}) {
            if (const toml::node* v = et->get(key); v && v->is_date()) {
              auto d = *v->value<toml::date>();
              char buf[16];
              std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(d.year),
                            static_cast<int>(d.month), static_cast<int>(d.day));
              *out = buf;
            } else if (auto s = ReadString(*et, file, key, std::string("festivals.editions.") + key,
                                           *out);
                       !s) {
              return s.error();
            }
          }
          f.editions.push_back(std::move(e));
        }
      }
      if (f.slug.empty()) f.slug = Slugify(f.short_name.empty() ? f.name : f.short_name);
      c.festivals.push_back(std::move(f));
    }
  }
  if (const toml::node* m = root.get("menus")) {
    const toml::table* t = m->as_table();
    if (!t) return ConfigError(file, m, "menus", "must be a table");
    auto main = ReadMenu(t->get("main"), file, "menus.main", 0);
    if (!main) return main.error();
    c.menu_main = std::move(*main);
    auto footer = ReadMenu(t->get("footer"), file, "menus.footer", 0);
    if (!footer) return footer.error();
    c.menu_footer = std::move(*footer);
  }
  if (auto s = ReadStore(root, file, c.store); !s) return s.error();
  if (auto s = ReadSmtp(root, file, c.smtp); !s) return s.error();
  if (auto s = ReadNewsletters(root, file, c); !s) return s.error();
  if (auto s = ReadMembers(root, file, c); !s) return s.error();
  if (auto s = ReadPayments(root, file, c.payments); !s) return s.error();
  if (auto s = ReadDonations(root, file, c); !s) return s.error();
  if (auto s = ReadStaff(root, file, c); !s) return s.error();
  if (auto s = ReadContact(root, file, c.contact); !s) return s.error();
  if (auto s = ReadComments(root, file, c); !s) return s.error();
  if (auto s = ReadWorkshops(root, file, c.workshops); !s) return s.error();
  if (auto s = ReadSocial(root, file, c.social); !s) return s.error();
  if (auto s = ReadWebhooks(root, file, c.webhooks); !s) return s.error();
  return c;
}

std::string SocialServiceName(const std::string& name) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"mastodon", "Mastodon"},   {"bluesky", "Bluesky"},
      {"instagram", "Instagram"}, {"letterboxd", "Letterboxd"},
      {"youtube", "YouTube"},     {"vimeo", "Vimeo"},
      {"tiktok", "TikTok"},       {"facebook", "Facebook"},
      {"threads", "Threads"},     {"x", "X"},
      {"twitter", "Twitter"},     {"linkedin", "LinkedIn"},
      {"substack", "Substack"},   {"patreon", "Patreon"},
      {"github", "GitHub"}};
  for (const auto& [key, shown] : kNames) {
    if (name == key) return shown;
  }
  return name;
}

const TierConfig* SiteConfig::FindTier(std::string_view slug) const {
  for (const TierConfig& t : tiers) {
    if (t.slug == slug) return &t;
  }
  return nullptr;
}

bool SiteConfig::gifts_offered() const {
  if (!payments.enabled()) return false;
  for (const TierConfig& t : tiers) {
    if (t.paid()) return true;
  }
  return false;
}

Result<SiteConfig> LoadSiteConfig(const std::filesystem::path& file) {
  auto text = ReadFile(file);
  if (!text) return text.error();
  return ParseSiteConfig(*text, file.string());
}

std::string ExpandPermalink(std::string_view pattern,
                            const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  out.reserve(pattern.size() + 64);
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      size_t close = pattern.find('}', i);
      if (close != std::string_view::npos) {
        std::string_view key = pattern.substr(i + 1, close - i - 1);
        for (const auto& [k, v] : values) {
          if (k == key) {
            out += v;
            break;
          }
        }
        i = close + 1;
        continue;
      }
    }
    out += pattern[i++];
  }
  // An empty placeholder ("/{section}/x/" for a page without a section) must not leave "//".
  std::string clean;
  clean.reserve(out.size());
  for (char ch : out) {
    if (ch == '/' && !clean.empty() && clean.back() == '/') continue;
    clean += ch;
  }
  return clean;
}

}  // namespace cinepress
