#include "web/newsletter_web.h"

// Boost.URL, header-only: its sources are compiled into this one file.
#include <algorithm>
#include <set>

#include "core/dates.h"
#include "core/text.h"
#include "http/networks.h"
#include "mail/form_data.h"
#include "mail/message.h"
#include "newsletter/links.h"
#include "newsletter/subscriptions.h"
#include "web/form.h"
#include "web/private_page.h"
#include "web/url_params.h"

namespace cinepress {
namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > i) parts.emplace_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return parts;
}

const NewsletterConfig* Find(const SiteConfig& c, const std::string& slug) {
  for (const NewsletterConfig& nl : c.newsletters) {
    if (nl.slug == slug) return &nl;
  }
  return nullptr;
}

HttpResponse Redirect(std::string location) {
  HttpResponse r = TextResponse(301, "Moved\n");
  r.Set("Location", std::move(location));
  r.label = "redirect";
  return r;
}

}  // namespace

NewsletterWeb::NewsletterWeb(NewsletterWebOptions options)
    : options_(std::move(options)),
      signup_limit_(options_.signups_per_ip, options_.signup_window_s,
                    std::max<size_t>(1, options_.rate_limit_clients)) {
  if (!options_.now) options_.now = NowSeconds;
}

NewsletterWeb::~NewsletterWeb() { Stop(); }

Status NewsletterWeb::Start() {
  auto store = options_.open_store();
  if (!store) return store.error();
  store_ = std::move(*store);
  auto key = store_->SiteSecret(kLinkSecretName, kLinkSecretBytes);
  if (!key) return key.error();
  key_ = std::move(*key);
  outbox_thread_ = std::thread([this] { Outbox(); });
  return {};
}

void NewsletterWeb::Stop() {
  {
    std::lock_guard lock(out_mu_);
    stopping_ = true;
  }
  out_cv_.notify_all();
  if (outbox_thread_.joinable()) outbox_thread_.join();
}

void NewsletterWeb::Outbox() {
  std::unique_ptr<NewsletterStore> store;
  std::unique_ptr<MailTransport> transport;
  for (;;) {
    {
      std::unique_lock lock(out_mu_);
      out_cv_.wait_for(lock, options_.outbox_poll, [&] { return stopping_ || queued_; });
      if (stopping_) return;
      queued_ = false;
    }
    if (!store) {  // a connection of the outbox's own
      auto opened = options_.open_store();
      if (!opened) continue;
      store = std::move(*opened);
    }
    if (!SendDue(*store, transport)) store.reset();
  }
}

bool NewsletterWeb::SendDue(NewsletterStore& store, std::unique_ptr<MailTransport>& transport) {
  constexpr int64_t kLease = 600;  // a claimed message is another process's again after this
  for (;;) {
    const int64_t now = options_.now();
    auto due = store.ClaimDueMail(now, kLease, 20);
    if (!due) return false;
    if (due->empty()) return true;
    for (const QueuedMail& q : *due) {
      {
        std::lock_guard lock(out_mu_);
        if (stopping_) return true;  // claimed ones go back to the queue when the lease ends
      }
      std::optional<MailMessage> m = ParseMessage(q.message);
      SendResult r{SendOutcome::kPermanent, 0, "the queued message cannot be read"};
      if (m) {
        std::string unreachable = "no connection to the relay";
        if (!transport) {
          auto t = options_.mail();
          if (t) transport = std::move(*t);
          if (!t) unreachable = "cannot reach the relay: " + t.error().message;
        }
        r = transport ? transport->Send(*m) : SendResult{SendOutcome::kTemporary, 0, unreachable};
      }
      if (r.outcome == SendOutcome::kAccepted) {
        ++sent_;
        if (!store.MailDone(q.id)) return false;
        continue;
      }
      transport.reset();  // a fresh connection for what comes next
      ++send_errors_;
      const bool give_up = r.outcome == SendOutcome::kPermanent ||
                           r.outcome == SendOutcome::kRelayRefused ||
                           options_.retry.GiveUpAfter(q.attempts + 1);
      const std::string to = m ? m->to.email : "?";
      const int64_t next = now + options_.retry.PauseAfter(q.attempts + 1);
      if (options_.log) {
        options_.log("outbox: the message to " + to + " (\"" + (m ? m->subject : "") +
                     "\") could not be sent, try " + std::to_string(q.attempts + 1) + ": " +
                     r.detail +
                     (give_up ? "; given up (see `cinepress newsletter status`)"
                              : "; next try in " + std::to_string(next - now) + " s"));
      }
      if (give_up) {
        ++failed_;
        // Kept to be seen, without its body: the confirmation link in it is a credential.
        MailMessage kept;
        if (m) {
          kept.to = m->to;
          kept.subject = m->subject;
          kept.date = m->date;
        }
        if (!store.MailFailed(q.id, m ? SerializeMessage(kept) : "", r.detail)) return false;
        continue;
      }
      if (!store.RetryMail(q.id, next, r.detail)) return false;
    }
  }
}

std::string NewsletterWeb::MetricsText() const {
  std::string out;
  auto counter = [&out](const char* name, const char* help, uint64_t n) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
           " " + std::to_string(n) + "\n";
  };
  counter("cinepress_mail_outbox_sent_total",
          "Messages from the site's outbox (confirmations, sign-in links) the relay accepted.",
          sent_.load());
  counter("cinepress_mail_outbox_send_errors_total",
          "Tries to send an outbox message that failed: the relay unreachable, or refusing.",
          send_errors_.load());
  counter("cinepress_mail_outbox_failed_total",
          "Outbox messages given up (after their last try, or refused for good).", failed_.load());
  return out;
}

void NewsletterWeb::MailQueued() {
  std::lock_guard lock(out_mu_);
  queued_ = true;
  out_cv_.notify_one();
}

Status NewsletterWeb::Queue(const MailMessage& message) {
  {
    std::lock_guard lock(store_mu_);
    if (!store_) return Error{ErrorCode::kStore, "the outbox is not open"};
    auto id = store_->QueueMail(SerializeMessage(message), options_.now());
    if (!id) return id.error();
  }
  std::lock_guard lock(out_mu_);
  queued_ = true;
  out_cv_.notify_one();
  return {};
}

bool NewsletterWeb::RateLimited(const std::string& ip, int64_t now) {
  return !signup_limit_.Allow(ClientNetwork(ip), now);
}

HttpResponse NewsletterWeb::Page(const Site& site, int status, const std::string& url,
                                 const std::string& heading, const TemplateData& view) {
  SiteRenderer renderer(std::shared_ptr<const Site>(&site, [](const Site*) {}), nullptr);
  auto html = renderer.RenderPage("newsletter", url, heading, "newsletter", view);
  // Signed links are credentials: keep them out of other sites' logs and search engines.
  return PrivatePage(status, std::move(html), "newsletter");
}

std::optional<HttpResponse> NewsletterWeb::Handle(const HttpRequest& req) {
  std::string_view path = req.Path();
  if (path != "/newsletters" && path.rfind("/newsletters/", 0) != 0) return std::nullopt;
  auto site_ptr = options_.site ? options_.site() : nullptr;
  // No newsletters: the site's own 404 (or 405). No site yet: LiveSite answers 503.
  if (!site_ptr || site_ptr->config().newsletters.empty()) return std::nullopt;
  if (!store_) {
    HttpResponse r = TextResponse(503, "The newsletters are unavailable for a moment.\n");
    r.Set("Retry-After", "5");
    return r;
  }
  const Site& site = *site_ptr;
  const SiteConfig& config = site.config();
  const bool get = req.method == "GET" || req.method == "HEAD";
  const bool post = req.method == "POST";
  auto not_allowed = [](const char* allow) {
    HttpResponse r = TextResponse(405, "Not allowed here.\n");
    r.Set("Allow", allow);
    return r;
  };
  if (!get && !post) return not_allowed("GET, HEAD, POST");
  if (path.back() != '/') {
    if (!get) return TextResponse(404, "Not found\n");
    return Redirect(std::string(path) + "/");
  }
  std::vector<std::string> parts = Split(path.substr(std::string_view("/newsletters/").size()));
  auto not_found = [&] {
    TemplateData view;
    view.set("heading", "Not found");
    view.set("message", "There is no such newsletter page. A link may have been cut short.");
    return Page(site, 404, "/newsletters/", "Not found", view);
  };
  const int64_t now = options_.now();

  if (parts.size() == 1 && parts[0] == "subscribe") {
    if (!post) return not_allowed("POST");
    return SignUpPost(req, site);
  }
  if (parts.size() == 2 && parts[0] == "preferences") {
    const std::string& token = parts[1];
    auto id = VerifyLink(key_, LinkPurpose::kPreferences, "", token);
    if (!id) return not_found();
    const std::string url = "/newsletters/preferences/" + token + "/";
    std::vector<std::string> known;
    for (const NewsletterConfig& nl : config.newsletters) known.push_back(nl.slug);
    TemplateData view;
    view.set("heading", "Your newsletters");
    if (post) {
      auto form = ParseForm(req);
      if (!form || !CheckFormToken(key_, token, FormValue(*form, "csrf"))) {
        view.set("message", "This form has expired. Open the page again and retry.");
        return Page(site, 403, "/newsletters/", "Your newsletters", view);
      }
      std::set<std::string> wanted;
      if (FormValue(*form, "action") != "unsubscribe_all") {
        auto [b, e] = form->equal_range("list");
        for (auto it = b; it != e; ++it) {
          if (Find(config, it->second)) wanted.insert(it->second);
        }
      }
      std::lock_guard lock(store_mu_);
      if (auto s = ChooseLists(*store_, *id, wanted, known,
                               Consent{now, req.remote_address, "preferences"}, now);
          !s) {
        return TextResponse(503, "Please try again in a moment.\n");
      }
      view.set("message", wanted.empty() ? "You are unsubscribed from every newsletter."
                                         : "Saved. You will receive the newsletters ticked below.");
    }
    std::vector<Subscription> subs;
    {
      std::lock_guard lock(store_mu_);
      auto s = store_->LoadSubscriptions(*id);
      if (!s) return TextResponse(503, "Please try again in a moment.\n");
      subs = std::move(*s);
    }
    TemplateData lists{TemplateData::type::list};
    for (const NewsletterConfig& nl : config.newsletters) {
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
    view.set("preferences", true);
    view.set("lists", lists);
    view.set("action", url);
    view.set("csrf", FormToken(key_, token));
    return Page(site, 200, "/newsletters/", "Your newsletters", view);
  }

  if (parts.empty()) return not_found();
  const NewsletterConfig* nl = Find(config, parts[0]);
  if (!nl) return not_found();
  const std::string home = "/newsletters/" + nl->slug + "/";
  if (parts.size() == 1) {
    if (!get) return not_allowed("GET, HEAD");
    TemplateData view;
    view.set("heading", nl->name);
    view.set("lead", nl->description);
    view.set("signup", true);
    view.set("slug", nl->slug);
    return Page(site, 200, home, nl->name, view);
  }
  if (parts.size() != 3) return not_found();
  const std::string& token = parts[2];
  const std::string url = home + parts[1] + "/" + token + "/";
  if (parts[1] == "confirm") {
    auto id = VerifyLink(key_, LinkPurpose::kConfirm, nl->slug, token);
    if (!id) return not_found();
    TemplateData view;
    view.set("heading", nl->name);
    if (get) {
      view.set("lead", "One more step: press the button to start receiving " + nl->name + ".");
      view.set("confirm", true);
      view.set("action", url);
      view.set("csrf", FormToken(key_, token));
      return Page(site, 200, home, nl->name, view);
    }
    auto form = ParseForm(req);
    if (!form || !CheckFormToken(key_, token, FormValue(*form, "csrf"))) {
      view.set("message", "This form has expired. Open the link in the message again.");
      return Page(site, 403, home, nl->name, view);
    }
    Status s;
    {
      std::lock_guard lock(store_mu_);
      s = Confirm(*store_, *id, nl->slug, now);
    }
    if (!s && s.error().code != ErrorCode::kConflict) {
      return TextResponse(503, "Please try again in a moment.\n");
    }
    view.set("message", s ? "You are subscribed. The next issue will come to your inbox."
                          : "This subscription was cancelled. Sign up again to receive it.");
    view.set("preferences_url",
             PreferencesUrl("", SignLink(key_, LinkPurpose::kPreferences, *id, "")));
    return Page(site, 200, home, nl->name, view);
  }
  if (parts[1] == "unsubscribe") {
    auto id = VerifyLink(key_, LinkPurpose::kUnsubscribe, nl->slug, token);
    if (!id) return not_found();
    TemplateData view;
    view.set("heading", nl->name);
    if (get) {
      view.set("lead", "Press the button to stop receiving " + nl->name + ".");
      view.set("unsubscribe", true);
      view.set("action", url);
      return Page(site, 200, home, nl->name, view);
    }
    // RFC 8058: the signed URL is the credential; the body says List-Unsubscribe=One-Click.
    auto form = ParseForm(req);
    if (!form || FormValue(*form, "List-Unsubscribe") != "One-Click") {
      HttpResponse r = TextResponse(400, "Expected List-Unsubscribe=One-Click.\n");
      return r;
    }
    {
      std::lock_guard lock(store_mu_);
      if (auto s = Unsubscribe(*store_, *id, nl->slug, now); !s) {
        return TextResponse(503, "Please try again in a moment.\n");
      }
    }
    view.set("message", "You are unsubscribed from " + nl->name + ". Nothing more will be sent.");
    view.set("preferences_url",
             PreferencesUrl("", SignLink(key_, LinkPurpose::kPreferences, *id, "")));
    return Page(site, 200, home, nl->name, view);
  }
  return not_found();
}

HttpResponse NewsletterWeb::SignUpPost(const HttpRequest& req, const Site& site) {
  const SiteConfig& config = site.config();
  const int64_t now = options_.now();
  TemplateData view;
  view.set("heading", "Check your inbox");
  // Every request counts, the ones refused below too: bad input is no way around the limit.
  if (RateLimited(req.remote_address, now)) {
    view.set("heading", "Too many sign-ups");
    view.set("message", "Too many sign-ups from your address. Please try again later.");
    HttpResponse r = Page(site, 429, "/newsletters/subscribe/", "Newsletters", view);
    r.Set("Retry-After", std::to_string(options_.signup_window_s));
    return r;
  }
  if (!FromThisSite(req, config)) {
    view.set("heading", "Sign up here");
    view.set("message", "This form can only be sent from " + config.title +
                            "'s own pages. Sign up on this page instead.");
    view.set("signup", true);
    view.set("slug", config.newsletters.front().slug);
    return Page(site, 403, "/newsletters/subscribe/", "Newsletters", view);
  }
  auto form = ParseForm(req);
  if (!form) {
    view.set("message", "The form did not come through. Please try again.");
    return Page(site, 400, "/newsletters/subscribe/", "Newsletters", view);
  }
  const std::string answer =
      "If the address is right, a message is on its way: open it and confirm to start "
      "receiving the newsletter.";
  std::string email(Trim(FormValue(*form, "email")));
  std::string name(Trim(FormValue(*form, "name")));
  std::vector<std::string> slugs;
  auto [b, e] = form->equal_range("list");
  for (auto it = b; it != e; ++it) {
    // A newsletter limited to tiers is joined from My Account only (by those who hold one).
    const NewsletterConfig* nl = Find(config, it->second);
    if (nl && nl->tiers.empty() &&
        std::find(slugs.begin(), slugs.end(), it->second) == slugs.end()) {
      slugs.push_back(it->second);
    }
  }
  const bool bad_name = name.size() > 200 || name.find_first_of("\r\n") != std::string::npos;
  if (!IsPlausibleEmail(email) || slugs.empty() || bad_name) {
    view.set("heading", "Please check the form");
    view.set("message", slugs.empty() ? "Choose at least one newsletter."
                        : bad_name    ? "Your name must be one line of at most 200 characters."
                                      : "That does not look like an email address.");
    view.set("signup", true);
    view.set("slug", slugs.empty() ? config.newsletters.front().slug : slugs.front());
    return Page(site, 400, "/newsletters/subscribe/", "Newsletters", view);
  }
  view.set("message", answer);
  // A filled honeypot is a bot: the same answer, nothing done.
  if (!FormValue(*form, "website").empty()) {
    return Page(site, 200, "/newsletters/subscribe/", "Newsletters", view);
  }
  std::string from = FormValue(*form, "from");
  if (from.size() > 300 || from.rfind("/", 0) != 0) from = "";
  Result<SignUpOutcome> outcome = SignUpOutcome{};
  bool queued = false;
  {
    std::lock_guard lock(store_mu_);
    // The confirmation message is queued in the sign-up's transaction: both happen, or neither.
    auto queue = [&](const SignUpOutcome& o) -> Status {
      if (o.suppressed || o.to_confirm.empty()) return {};
      auto waiting = store_->CountQueuedMail();
      if (!waiting) return waiting.error();
      if (static_cast<size_t>(*waiting) >= options_.outbox_limit) {
        ++failed_;  // a flood: the sign-up is kept, the reader can ask again later
        return {};
      }
      auto id = store_->QueueMail(SerializeMessage(ConfirmationMessage(
                                      config, key_, o.subscriber_id, email, o.to_confirm, now)),
                                  now);
      if (!id) return id.error();
      queued = true;
      return {};
    };
    outcome = SignUp(*store_, email, name, slugs,
                     Consent{now, req.remote_address, "signup:" + (from.empty() ? "/" : from)}, now,
                     queue, options_.confirmation_window_s);
  }
  if (!outcome) return TextResponse(503, "Please try again in a moment.\n");
  if (queued) {
    std::lock_guard lock(out_mu_);
    queued_ = true;
    out_cv_.notify_one();
  }
  return Page(site, 200, "/newsletters/subscribe/", "Newsletters", view);
}

}  // namespace cinepress
