#include "web/members_web.h"

#include <sodium.h>

#include <algorithm>
#include <set>

#include "core/dates.h"
#include "core/money.h"
#include "core/text.h"
#include "http/networks.h"
#include "members/institutions.h"
#include "members/members.h"
#include "members/sign_in.h"
#include "newsletter/links.h"
#include "newsletter/subscriptions.h"
#include "web/form.h"
#include "web/private_page.h"
#include "web/url_params.h"

namespace cinepress {
namespace {

constexpr const char* kCsrfSecretName = "reader-forms";
constexpr size_t kMaxEmail = 320, kMaxName = 200;

bool MembersOn(const SiteConfig& c) { return c.members.enabled; }

// The origin of base_url ("https://mag.example"): scheme, host and port, no path.
std::string OriginOf(const std::string& base_url) {
  size_t scheme = base_url.find("://");
  if (scheme == std::string::npos) return base_url;
  size_t slash = base_url.find('/', scheme + 3);
  return base_url.substr(0, slash);
}

std::string DateText(const Site& site, int64_t t) { return site.tz().Display(t); }

}  // namespace

MembersWeb::MembersWeb(MembersWebOptions options)
    : options_(std::move(options)),
      sign_in_limit_(options_.sign_ins_per_ip, options_.sign_in_window_s) {
  if (!options_.now) options_.now = NowSeconds;
}

MembersWeb::~MembersWeb() { Stop(); }

Status MembersWeb::Start() {
  auto store = options_.open_store();
  if (!store) return store.error();
  store_ = std::move(*store);
  auto newsletters = options_.open_newsletter_store();
  if (!newsletters) return newsletters.error();
  newsletters_ = std::move(*newsletters);
  auto key = newsletters_->SiteSecret(kCsrfSecretName, kLinkSecretBytes);
  if (!key) return key.error();
  csrf_key_ = std::move(*key);
  Status loaded = Reload();
  follower_ = std::thread([this] { Follow(); });
  return loaded;
}

void MembersWeb::Stop() {
  {
    std::lock_guard lock(follow_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  follow_cv_.notify_all();
  if (follower_.joinable()) follower_.join();
  if (store_) FlushUsage();
}

Status MembersWeb::Reload() {
  auto site = options_.site ? options_.site() : nullptr;
  std::lock_guard lock(store_mu_);
  const int64_t now = options_.now();
  if (auto s = sessions_.Reload(*store_, now); !s) return s;
  if (auto s = rights_.Load(*store_, site ? site->config() : SiteConfig{}, now); !s) return s;
  return {};
}

void MembersWeb::Follow() {
  // Sessions and rights follow the store (another process or node may sign a reader in or out,
  // or an editor grant a tier) and the site (its tiers).
  // The store is waited for on a connection of its own (on PostgreSQL, its notifications), so
  // that the handlers' connection is never held by the wait.
  std::shared_ptr<const Site> seen_site = options_.site ? options_.site() : nullptr;
  std::unique_ptr<MemberStore> watch;
  bool reload_due = false;  // a reload that failed, to be tried again
  for (;;) {
    {
      std::lock_guard lock(follow_mu_);
      if (stopping_) return;
    }
    if (!watch) {
      auto opened = options_.open_store();
      if (opened) watch = std::move(*opened);  // its first wait says "changed"
    }
    bool changed = false;
    if (watch) {
      auto waited = watch->WaitForChange(options_.poll);
      if (waited) changed = *waited;
      if (!waited) watch.reset();  // a lost connection: a new one, and a reload, next time
    }
    if (!watch) {
      std::unique_lock lock(follow_mu_);
      follow_cv_.wait_for(lock, options_.poll, [this] { return stopping_; });
      continue;
    }
    auto site = options_.site ? options_.site() : nullptr;
    reload_due = reload_due || changed || site != seen_site;
    if (reload_due && Reload()) {
      seen_site = site;
      reload_due = false;
    } else if (reload_due) {
      std::unique_lock lock(follow_mu_);  // tried again after a while
      follow_cv_.wait_for(lock, options_.poll, [this] { return stopping_; });
    }
    FlushUsage();
  }
}

void MembersWeb::CountRestrictedView(const ReaderRights& rights, const std::string& url,
                                     bool opened) {
  std::lock_guard lock(usage_mu_);
  if (usage_.size() >= 100000) return;  // bounded until the next flush
  ++usage_[{rights.institution_id, url, opened ? "view" : "refusal"}];
}

void MembersWeb::FlushUsage() {
  std::map<std::tuple<int64_t, std::string, std::string>, int64_t> counts;
  {
    std::lock_guard lock(usage_mu_);
    counts.swap(usage_);
  }
  if (counts.empty()) return;
  const std::string month = UsageMonth(options_.now());
  std::lock_guard lock(store_mu_);
  if (!store_->BeginTransaction()) return;
  for (const auto& [key, n] : counts) {
    const auto& [id, path, kind] = key;
    if (!store_->AddUsage(UsageCount{month, id, path, kind, n})) {
      (void)store_->Rollback();
      return;
    }
  }
  (void)store_->Commit();
}

MembersWeb::Cookies MembersWeb::CookieNames() const {
  auto site = options_.site ? options_.site() : nullptr;
  Cookies c;
  c.secure = site && site->config().base_url.rfind("https://", 0) == 0;
  // __Host-: the browser keeps it only if Secure, Path=/ and no Domain — no subdomain can plant
  // or read it.
  c.session = c.secure ? "__Host-cp_session" : "cp_session";
  c.csrf = c.secure ? "__Host-cp_csrf" : "cp_csrf";
  return c;
}

std::string MembersWeb::SessionCookie(const std::string& token, int64_t max_age) const {
  Cookies c = CookieNames();
  return c.session + "=" + token + "; Path=/; Max-Age=" + std::to_string(max_age) +
         "; HttpOnly; SameSite=Lax" + (c.secure ? "; Secure" : "");
}

ReaderRights MembersWeb::RightsOf(const HttpRequest& req, std::string* session_token) const {
  const int64_t now = options_.now();
  int64_t member = 0;
  std::string_view cookie = req.Cookie(CookieNames().session);
  if (!cookie.empty() && cookie.size() <= 128) {
    if (auto id = sessions_.Lookup(cookie, now)) {
      member = *id;
      if (session_token) *session_token = std::string(cookie);
    }
  }
  return rights_.For(member, req.remote_address, now);
}

std::string MembersWeb::CsrfToken(RequestContext& ctx) const {
  if (ctx.csrf_secret.empty()) {
    Cookies c = CookieNames();
    std::string_view have = ctx.request.Cookie(c.csrf);
    if (have.size() >= 32 && have.size() <= 64) {
      ctx.csrf_secret = std::string(have);
    } else {
      ctx.csrf_secret = NewToken();
      ctx.set_cookies.push_back(c.csrf + "=" + ctx.csrf_secret +
                                "; Path=/; HttpOnly; SameSite=Lax" + (c.secure ? "; Secure" : ""));
    }
  }
  return FormToken(csrf_key_, ctx.csrf_secret);
}

std::optional<HttpResponse> MembersWeb::CheckCsrf(RequestContext& ctx) const {
  const HttpRequest& req = ctx.request;
  auto refuse = [&](const char* why) {
    auto site = options_.site ? options_.site() : nullptr;
    if (!site) return TextResponse(403, std::string(why) + "\n");
    return Message(*site, 403, "This form cannot be sent",
                   std::string(why) + " Open the page again and retry.");
  };
  // The browser says where the post comes from: only our own pages (or a typed address).
  std::string_view fetch_site = req.Header("sec-fetch-site");
  if (!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none") {
    return refuse("The form was sent from another site.");
  }
  if (std::string_view origin = req.Header("origin"); !origin.empty() && origin != "null") {
    auto site = options_.site ? options_.site() : nullptr;
    std::string host = "://" + std::string(req.Header("host"));
    bool ours = (site && origin == OriginOf(site->config().base_url)) ||
                (origin.size() > host.size() &&
                 origin.substr(origin.find("://")) == host);  // the address it was reached at
    if (!ours) return refuse("The form was sent from another site.");
  }
  std::string_view secret = req.Cookie(CookieNames().csrf);
  Form files;  // a form with a file (a pitch) carries bytes that are not text
  auto form = ParseForm(req, &files);
  if (secret.empty() || !form || !CheckFormToken(csrf_key_, secret, FormValue(*form, "csrf"))) {
    return refuse("The form has expired.");
  }
  ctx.csrf_secret = std::string(secret);
  return std::nullopt;
}

HttpResponse MembersWeb::Page(const Site& site, int status, const std::string& url,
                              const std::string& heading, const std::string& template_name,
                              const TemplateData& view) const {
  SiteRenderer renderer(std::shared_ptr<const Site>(&site, [](const Site*) {}), nullptr);
  auto html = renderer.RenderPage(template_name, url, heading, "account", view);
  // A reader's own page: never kept by a shared cache, never indexed; links on it that carry
  // tokens are not given away in Referer headers.
  return PrivatePage(status, std::move(html), "account");
}

HttpResponse MembersWeb::Message(const Site& site, int status, const std::string& heading,
                                 const std::string& message) const {
  TemplateData view;
  view.set("heading", heading);
  view.set("message", message);
  return Page(site, status, "/account/", heading, "account", view);
}

HttpResponse MembersWeb::SignInForm(RequestContext& ctx, int status, const std::string& email,
                                    const std::string& error) {
  auto site = options_.site();
  TemplateData view;
  view.set("heading", "Sign in");
  view.set("sign_in", true);
  if (!error.empty()) view.set("error", error);
  view.set("email", email);
  view.set("csrf", CsrfToken(ctx));
  view.set("open_signup", site->config().members.signup == "open");
  return Page(*site, status, "/account/sign-in/", "Sign in", "account", view);
}

HttpResponse MembersWeb::CheckEmail(RequestContext& ctx, int status, const std::string& email,
                                    const std::string& error) {
  auto site = options_.site();
  TemplateData view;
  view.set("heading", "Check your email");
  view.set("check_email", true);
  if (!error.empty()) view.set("error", error);
  view.set("email", email);
  view.set("csrf", CsrfToken(ctx));
  return Page(*site, status, "/account/sign-in/", "Check your email", "account", view);
}

HttpResponse MembersWeb::ButtonPage(RequestContext& ctx, const std::string& url,
                                    const std::string& heading, const std::string& flag) {
  // A page with a button: mail scanners follow links; only a person presses the button.
  auto site = options_.site();
  TemplateData view;
  view.set("heading", heading);
  view.set(flag, true);
  view.set("token", QueryValue(ctx.request, "token").substr(0, 128));
  view.set("csrf", CsrfToken(ctx));
  return Page(*site, 200, url, heading, "account", view);
}

HttpResponse MembersWeb::SignInPage(RequestContext& ctx) {
  if (!ctx.session_token.empty()) return SeeOther("/account/");
  return SignInForm(ctx, 200, "", "");
}

HttpResponse MembersWeb::SignInPost(RequestContext& ctx) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  const int64_t now = options_.now();
  auto form = ParseForm(ctx.request);
  std::string email = form ? std::string(Trim(FormValue(*form, "email"))) : "";
  std::string name = form ? std::string(Trim(FormValue(*form, "name"))) : "";
  // Requests refused for their input count against the limit too.
  if (!sign_in_limit_.Allow(ClientNetwork(ctx.request.remote_address), now)) {
    HttpResponse r = Message(*site, 429, "Too many requests",
                             "Too many sign-in requests from your network. Try again later.");
    r.Set("Retry-After", std::to_string(options_.sign_in_window_s));
    return r;
  }
  auto ask_again = [&](const std::string& why) { return SignInForm(ctx, 400, email, why); };
  if (!form || FormValue(*form, "website") != "") return ask_again("The form could not be read.");
  if (name.size() > kMaxName || name.find_first_of("\r\n") != std::string::npos) {
    return ask_again("Your name must be one line of at most 200 characters.");
  }
  if (email.size() > kMaxEmail || !IsPlausibleEmail(email)) {
    return ask_again("That does not look like an email address.");
  }
  {
    std::lock_guard lock(store_mu_);
    auto started = StartSignIn(*store_, config, email, name, now);
    if (!started && started.error().code == ErrorCode::kInvalidInput) {
      return ask_again("That does not look like an email address.");
    }
    if (!started) {  // the store is away (a database restarting): not the reader's doing
      return Message(*site, 503, "Please try again",
                     "We could not sign you in just now. Try again in a moment.");
    }
    if (started->send) {
      MailMessage m = SignInMessage(config, email, SignInUrl(config.base_url, started->link_token),
                                    started->code, now);
      if (auto s = options_.send(m); !s) {
        return Message(*site, 503, "Please try again",
                       "We could not send the message just now. Try again in a moment.");
      }
    }
  }
  // The same answer whether or not the address has an account, and whether or not anything
  // was sent: the page reveals nothing about who reads here.
  return CheckEmail(ctx, 200, email, "");
}

HttpResponse MembersWeb::LinkPage(RequestContext& ctx) {
  return ButtonPage(ctx, "/account/sign-in/confirm/", "Sign in", "confirm_link");
}

HttpResponse MembersWeb::SignedIn(RequestContext& ctx, int64_t member_id) {
  auto site = options_.site();
  const int64_t now = options_.now();
  const int64_t lifetime = int64_t{site->config().members.session_days} * 86400;
  Result<std::string> token = Error{ErrorCode::kInternal, "no session"};
  {
    std::lock_guard lock(store_mu_);
    // A new session at every sign-in; the one this browser had (if any) ends.
    if (!ctx.session_token.empty()) (void)sessions_.Revoke(*store_, ctx.session_token);
    token = sessions_.Create(*store_, member_id, now, lifetime);
  }
  if (!token) {
    return Message(*site, 503, "Please try again", "We could not sign you in just now.");
  }
  // A new member's rights are loaded before their first page (the follower would load them
  // too, but perhaps after it).
  (void)Reload();
  ctx.set_cookies.push_back(SessionCookie(*token, lifetime));
  return SeeOther("/account/?welcome=1");
}

HttpResponse MembersWeb::LinkPost(RequestContext& ctx) {
  auto site = options_.site();
  auto form = ParseForm(ctx.request);
  std::string token = form ? FormValue(*form, "token") : "";
  Result<int64_t> member = Error{ErrorCode::kNotFound, "no token", "", 0, kSignInUnknown};
  if (!token.empty() && token.size() <= 128) {
    std::lock_guard lock(store_mu_);
    member = RedeemSignInLink(*store_, token, options_.now(), options_.member_events);
  }
  if (!member) {
    const std::string& why = member.error().field;
    std::string text = why == kSignInExpired ? "This sign-in link has expired."
                       : why == kSignInUsed  ? "This sign-in link has been used already."
                                             : "This sign-in link is not valid.";
    return Message(*site, 400, "Sign in", text + " Ask for a new one on the sign-in page.");
  }
  if (options_.wake_webhooks) options_.wake_webhooks();  // a new member's member.added
  return SignedIn(ctx, *member);
}

HttpResponse MembersWeb::CodePost(RequestContext& ctx) {
  auto site = options_.site();
  auto form = ParseForm(ctx.request);
  std::string email = form ? std::string(Trim(FormValue(*form, "email"))) : "";
  std::string code = form ? std::string(Trim(FormValue(*form, "code"))) : "";
  Result<int64_t> member = Error{ErrorCode::kNotFound, "no code", "", 0, kSignInUnknown};
  if (email.size() <= kMaxEmail && code.size() <= 16) {
    std::lock_guard lock(store_mu_);
    member = RedeemSignInCode(*store_, email, code, options_.now(), options_.member_events);
  }
  if (!member) {
    const std::string& why = member.error().field;
    return CheckEmail(ctx, 400, email,
                      why == kSignInExpired ? "That code has expired: ask for a new one."
                      : why == kSignInWrongCode
                          ? "That code is not right. Check the message and try again."
                          : "That code is no longer valid: ask for a new one.");
  }
  if (options_.wake_webhooks) options_.wake_webhooks();  // a new member's member.added
  return SignedIn(ctx, *member);
}

HttpResponse MembersWeb::AccountPage(RequestContext& ctx, const std::string& message) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  if (!ctx.rights.signed_in()) return SeeOther("/account/sign-in/");
  const int64_t now = options_.now();
  MemberView member;
  std::vector<Subscription> subs;
  {
    std::lock_guard lock(store_mu_);
    auto view = LoadMemberView(*store_, ctx.rights.member_id, now);
    if (!view)
      return Message(*site, 503, "My account", "Your account is unavailable for a moment.");
    member = std::move(*view);
    if (auto sub = newsletters_->FindSubscriber(member.member.email); sub && *sub) {
      if (auto loaded = newsletters_->LoadSubscriptions((*sub)->id)) subs = std::move(*loaded);
    }
  }
  TemplateData view;
  view.set("heading", "My account");
  view.set("account", true);
  view.set("csrf", CsrfToken(ctx));
  if (!message.empty()) view.set("message", message);
  if (QueryValue(ctx.request, "welcome") == "1") view.set("message", "You are signed in.");
  if (QueryValue(ctx.request, "saved") == "newsletters") {
    view.set("message", "Your newsletters are saved.");
  }
  view.set("name", member.member.name);
  view.set("email", member.member.email);
  // What the reader holds: each tier, until when, and from whom.
  TemplateData tiers{TemplateData::type::list};
  for (const TierGrant& g : member.grants) {
    if (g.until != 0 && g.until <= now) continue;
    TemplateData t;
    const TierConfig* tc = config.FindTier(g.tier);
    t.set("name", tc ? tc->name : g.tier == kFreeTier ? std::string("Free membership") : g.tier);
    // A grant ends when its last day does: show that day, not the next midnight.
    if (g.until != 0) t.set("until", DateText(*site, g.until - 1));
    tiers.push_back(t);
  }
  if (!ctx.rights.institution_name.empty()) {
    TemplateData t;
    t.set("name", "Access provided by " + ctx.rights.institution_name);
    tiers.push_back(t);
  }
  view.set("tiers", tiers);
  view.set("paid", ctx.rights.paid());
  // Manage billing: Stripe's customer portal, for a member who has paid.
  view.set("billing", config.payments.enabled() && !member.member.stripe_customer_id.empty());
  view.set("sessions", std::to_string(member.sessions));
  TemplateData lists{TemplateData::type::list};
  for (const NewsletterConfig& nl : config.newsletters) {
    bool may = nl.tiers.empty() || std::any_of(nl.tiers.begin(), nl.tiers.end(),
                                               [&](auto& t) { return ctx.rights.Holds(t); });
    if (!may) continue;
    bool on = std::any_of(subs.begin(), subs.end(), [&](const Subscription& s) {
      return s.newsletter == nl.slug && s.state == SubscriptionState::kConfirmed;
    });
    TemplateData item;
    item.set("slug", nl.slug);
    item.set("name", nl.name);
    item.set("description", nl.description);
    item.set("checked", on);
    lists.push_back(item);
  }
  view.set("has_newsletters", !lists.is_empty_list());
  view.set("newsletters", lists);
  if (options_.downloads) {
    TemplateData books = options_.downloads(member.member.email, ctx.rights);
    view.set("has_downloads", !books.is_empty_list());
    view.set("downloads", books);
  }
  if (options_.workshops) {
    TemplateData workshops = options_.workshops(member.member.id, member.member.email);
    view.set("has_workshops", !workshops.is_empty_list());
    view.set("workshops", workshops);
  }
  return Page(*site, 200, "/account/", "My account", "account", view);
}

HttpResponse MembersWeb::NamePost(RequestContext& ctx) {
  auto site = options_.site();
  if (!ctx.rights.signed_in()) return SeeOther("/account/sign-in/");
  auto form = ParseForm(ctx.request);
  std::string name = form ? std::string(Trim(FormValue(*form, "name"))) : "";
  if (name.size() > kMaxName || name.find_first_of("\r\n") != std::string::npos) {
    return AccountPage(ctx, "Your name must be one line of at most 200 characters.");
  }
  {
    std::lock_guard lock(store_mu_);
    if (auto s = RenameMember(*store_, ctx.rights.member_id, name, options_.member_events); !s) {
      return Message(*site, 503, "My account", "Please try again.");
    }
  }
  if (options_.wake_webhooks) options_.wake_webhooks();  // member.edited
  return AccountPage(ctx, "Your name is saved.");
}

HttpResponse MembersWeb::EmailPost(RequestContext& ctx) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  if (!ctx.rights.signed_in()) return SeeOther("/account/sign-in/");
  const int64_t now = options_.now();
  auto form = ParseForm(ctx.request);
  std::string email = form ? std::string(Trim(FormValue(*form, "email"))) : "";
  if (!sign_in_limit_.Allow(ClientNetwork(ctx.request.remote_address), now)) {
    return AccountPage(ctx, "Too many requests from your network. Try again later.");
  }
  if (email.size() > kMaxEmail || !IsPlausibleEmail(email)) {
    return AccountPage(ctx, "That does not look like an email address.");
  }
  std::lock_guard lock(store_mu_);
  auto token = StartEmailChange(*store_, ctx.rights.member_id, email, now);
  if (!token) {
    if (token.error().code == ErrorCode::kConflict) {
      // Saying so reveals that the address has an account, to its owner's account only: the
      // reader is signed in, and the message goes nowhere.
      return AccountPage(ctx, "That address belongs to another account.");
    }
    return AccountPage(ctx, "That does not look like an email address.");
  }
  MailMessage m = EmailChangeMessage(config, email, EmailChangeUrl(config.base_url, *token), now);
  if (auto s = options_.send(m); !s) {
    return AccountPage(ctx, "We could not send the message just now. Try again in a moment.");
  }
  return AccountPage(ctx, "We sent a link to " + email + ". Open it to confirm the new address.");
}

HttpResponse MembersWeb::EmailConfirmPage(RequestContext& ctx) {
  return ButtonPage(ctx, "/account/email/confirm/", "Confirm your new address", "confirm_email");
}

HttpResponse MembersWeb::EmailConfirmPost(RequestContext& ctx) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  const int64_t now = options_.now();
  auto form = ParseForm(ctx.request);
  std::string token = form ? FormValue(*form, "token") : "";
  Result<EmailChange> change = Error{ErrorCode::kNotFound, "no token", "", 0, kSignInUnknown};
  if (!token.empty() && token.size() <= 128) {
    std::lock_guard lock(store_mu_);
    change = ConfirmEmailChange(*store_, token, now, options_.member_events);
  }
  if (!change) {
    return Message(*site, 400, "Confirm your new address",
                   "This link is not valid any more. Ask for a new one in My Account.");
  }
  if (options_.wake_webhooks) options_.wake_webhooks();  // member.edited
  // The old address is told, so that a change nobody asked for does not pass unseen.
  (void)options_.send(EmailChangedNotice(config, *change, now));
  return Message(*site, 200, "Your address is changed",
                 "From now on we write to " + change->new_email + ".");
}

HttpResponse MembersWeb::NewslettersPost(RequestContext& ctx) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  if (!ctx.rights.signed_in()) return SeeOther("/account/sign-in/");
  const int64_t now = options_.now();
  auto form = ParseForm(ctx.request);
  if (!form) return AccountPage(ctx, "The form could not be read.");
  std::set<std::string> wanted;
  std::vector<std::string> known;
  for (const NewsletterConfig& nl : config.newsletters) {
    bool may = nl.tiers.empty() || std::any_of(nl.tiers.begin(), nl.tiers.end(),
                                               [&](auto& t) { return ctx.rights.Holds(t); });
    if (!may) continue;  // a premium letter is joined only by those whose tier includes it
    known.push_back(nl.slug);
    auto [b, e] = form->equal_range("list");
    for (auto it = b; it != e; ++it) {
      if (it->second == nl.slug) wanted.insert(nl.slug);
    }
  }
  std::lock_guard lock(store_mu_);
  auto member = store_->LoadMember(ctx.rights.member_id);
  if (!member || !*member) return Message(*site, 503, "My account", "Please try again.");
  auto id = newsletters_->UpsertSubscriber((*member)->email, (*member)->name, now);
  if (!id) return Message(*site, 503, "My account", "Please try again.");
  // The address is proved by the sign-in: chosen lists are confirmed at once.
  if (auto s = ChooseLists(*newsletters_, *id, wanted, known,
                           Consent{now, ctx.request.remote_address, "account"}, now);
      !s) {
    return Message(*site, 503, "My account", "Please try again.");
  }
  return SeeOther("/account/?saved=newsletters");
}

HttpResponse MembersWeb::SignOut(RequestContext& ctx, bool everywhere) {
  if (ctx.rights.signed_in()) {
    std::lock_guard lock(store_mu_);
    if (everywhere) {
      (void)sessions_.RevokeAll(*store_, ctx.rights.member_id);
    } else {
      (void)sessions_.Revoke(*store_, ctx.session_token);
    }
  }
  ctx.set_cookies.push_back(SessionCookie("", 0));
  return SeeOther("/");
}

HttpResponse MembersWeb::ExportGet(RequestContext& ctx) {
  auto site = options_.site();
  if (!ctx.rights.signed_in()) return SeeOther("/account/sign-in/");
  Result<std::string> data = Error{ErrorCode::kInternal, ""};
  {
    std::lock_guard lock(store_mu_);
    data = ExportMemberData(*store_, *newsletters_, ctx.rights.member_id);
  }
  if (!data) return Message(*site, 503, "My account", "Your data is unavailable for a moment.");
  HttpResponse r;
  r.Set("Content-Type", "application/json; charset=utf-8");
  r.Set("Content-Disposition", "attachment; filename=\"my-data.json\"");
  r.Set("Cache-Control", "no-store");
  r.body = std::make_shared<const std::string>(std::move(*data));
  r.label = "account";
  return r;
}

HttpResponse MembersWeb::DeletePost(RequestContext& ctx) {
  auto site = options_.site();
  if (!ctx.rights.signed_in()) return SeeOther("/account/sign-in/");
  auto form = ParseForm(ctx.request);
  if (!form || FormValue(*form, "confirm") != "yes") {
    return AccountPage(ctx, "To delete your account, tick the box that says you mean it.");
  }
  {
    std::lock_guard lock(store_mu_);
    if (auto s = DeleteMember(*store_, *newsletters_, ctx.rights.member_id, options_.now(),
                              options_.member_events);
        !s) {
      return Message(*site, 503, "My account", "Please try again.");
    }
    (void)sessions_.RevokeAll(*store_, ctx.rights.member_id);
  }
  ctx.set_cookies.push_back(SessionCookie("", 0));
  return Message(*site, 200, "Your account is deleted",
                 "We erased your name, your address and your sessions. Records of the consent you "
                 "gave to our newsletters are kept, without your address, as the law requires.");
}

HttpResponse MembersWeb::FeedPost(RequestContext& ctx) {
  auto site = options_.site();
  if (!ctx.rights.signed_in()) return SeeOther("/account/sign-in/");
  // A new address for the member's private feed; the old one stops working (rotate, revoke).
  std::string token = NewToken();
  {
    std::lock_guard lock(store_mu_);
    if (!store_->RevokeFeedTokens(ctx.rights.member_id) ||
        !store_->InsertFeedToken(ctx.rights.member_id, HashSecret(token), options_.now())) {
      return Message(*site, 503, "My account", "Please try again.");
    }
  }
  const std::string base = site->config().base_url + "/feeds/private/" + token;
  std::string podcasts;
  for (size_t i = 0; i < site->shows().size(); ++i) {
    podcasts += (podcasts.empty() ? " Your private podcast feeds: " : "; ") +
                site->shows()[i].title + " " + base + site->ShowUrl(i) + "feed.xml";
  }
  return AccountPage(ctx, "Your private feed is " + base +
                              "/feed.xml — keep it to yourself; any older address of it "
                              "has stopped working." +
                              (podcasts.empty() ? "" : podcasts + "."));
}

HttpResponse MembersWeb::FeedRevokePost(RequestContext& ctx) {
  auto site = options_.site();
  if (!ctx.rights.signed_in()) return SeeOther("/account/sign-in/");
  {
    std::lock_guard lock(store_mu_);
    if (!store_->RevokeFeedTokens(ctx.rights.member_id)) {
      return Message(*site, 503, "My account", "Please try again.");
    }
  }
  return AccountPage(ctx, "Your private feeds are stopped: their addresses no longer work.");
}

HttpResponse MembersWeb::PrivateFeed(RequestContext& ctx) {
  // /feeds/private/TOKEN/feed.xml: the token is the credential (podcast and feed readers send
  // no cookies).
  std::string_view path = ctx.request.Path().substr(std::string_view("/feeds/private/").size());
  size_t slash = path.find('/');
  auto not_found = [] {
    HttpResponse r = TextResponse(404, "Not found\n");
    r.label = "not_found";
    return r;
  };
  // /feeds/private/TOKEN/podcasts/SHOW/…: the member's podcast feeds and their files.
  const bool podcast =
      slash != std::string_view::npos && path.substr(slash).rfind("/podcasts/", 0) == 0;
  if (slash == std::string_view::npos || (path.substr(slash) != "/feed.xml" && !podcast) ||
      slash > 128) {
    return not_found();
  }
  int64_t member = 0;
  {
    std::lock_guard lock(store_mu_);
    auto found = store_->FeedTokenMember(HashSecret(path.substr(0, slash)));
    if (!found) return not_found();
    member = *found;
  }
  if (member == 0) return not_found();
  // Rights as they are now: a cancelled membership closes the feed and its files at once.
  const ReaderRights rights = rights_.For(member, "", options_.now());
  if (podcast && options_.private_podcast) {
    return options_.private_podcast(
        ctx.request, rights,
        options_.site()->config().base_url + "/feeds/private/" + std::string(path.substr(0, slash)),
        path.substr(slash + 1));
  }
  if (podcast || !options_.private_feed) return not_found();
  return options_.private_feed(ctx.request, rights);
}

void MembersWeb::Mount(Router& router) {
  router.Use([this](RequestContext& ctx, const Route* route) -> std::optional<HttpResponse> {
    ctx.rights = RightsOf(ctx.request, &ctx.session_token);
    ctx.form_token = [this, &ctx] { return CsrfToken(ctx); };
    if (route && route->method == "POST" && route->csrf) return CheckCsrf(ctx);
    return std::nullopt;
  });
  // Pages exist only on sites with members ([members] or [[tiers]]).
  auto on = [this](HttpResponse (MembersWeb::*handler)(RequestContext&)) {
    return [this, handler](RequestContext& ctx) {
      auto site = options_.site ? options_.site() : nullptr;
      if (!site || !MembersOn(site->config()) || !store_) {
        HttpResponse r = TextResponse(404, "Not found\n");
        r.label = "not_found";
        return r;
      }
      return (this->*handler)(ctx);
    };
  };
  router.Get("/account/sign-in/", on(&MembersWeb::SignInPage));
  router.Post("/account/sign-in/", on(&MembersWeb::SignInPost));
  router.Get("/account/sign-in/confirm/", on(&MembersWeb::LinkPage));
  router.Post("/account/sign-in/confirm/", on(&MembersWeb::LinkPost));
  router.Post("/account/sign-in/code/", on(&MembersWeb::CodePost));
  router.Get("/account/", on(&MembersWeb::AccountGet));
  router.Post("/account/name/", on(&MembersWeb::NamePost));
  router.Post("/account/email/", on(&MembersWeb::EmailPost));
  router.Get("/account/email/confirm/", on(&MembersWeb::EmailConfirmPage));
  router.Post("/account/email/confirm/", on(&MembersWeb::EmailConfirmPost));
  router.Post("/account/newsletters/", on(&MembersWeb::NewslettersPost));
  router.Post("/account/sign-out/", on(&MembersWeb::SignOutHere));
  router.Post("/account/sign-out-everywhere/", on(&MembersWeb::SignOutEverywhere));
  router.Get("/account/export.json", on(&MembersWeb::ExportGet));
  router.Post("/account/delete/", on(&MembersWeb::DeletePost));
  router.Post("/account/feed/", on(&MembersWeb::FeedPost));
  router.Post("/account/feed/revoke/", on(&MembersWeb::FeedRevokePost));
  router.Add({"GET", "/feeds/private/", true, true, on(&MembersWeb::PrivateFeed)});
}

}  // namespace cinepress
