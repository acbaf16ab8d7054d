// The newsroom's newsletter pages (AdminWeb's, declared in admin_web.h): every newsletter with
// its subscribers and issues; the next issue composed from the newsletter's rule by the composer
// the CLI and the scheduler use (newsletter/due_issue.h), previewed as the email will look (its
// HTML in a sandboxed frame, its text part); a test to the signed-in staff member through the
// outbox; a send scheduled at a time in the site's zone, or now, which the scheduler of `serve`
// composes and sends through the delivery queue (claims, as every send).
#include <map>

#include "newsletter/links.h"
#include "web/admin_visit.h"
#include "web/private_page.h"

namespace cinepress {
namespace {

constexpr std::string_view kNewslettersPrefix = "/admin/newsletters/";
constexpr size_t kIssuesShown = 20;

std::string NewsletterUrl(const std::string& slug) {
  return std::string(kNewslettersPrefix) + slug + "/";
}

// "2026-12-06T18:30" in the site's zone: what a datetime-local field shows.
std::string LocalMinute(const TimeZone& tz, int64_t t) { return tz.Iso(t).substr(0, 16); }

// A newsletter page's preview of the HTML part: framed by the newsroom's page only, and sandboxed
// (no script, no origin of ours) whatever the template put in it.
HttpResponse FramedEmail(Result<std::string> html) {
  HttpResponse r = PrivatePage(200, std::move(html), "admin");
  r.Set("Content-Security-Policy",
        "sandbox; default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; "
        "font-src https:; frame-ancestors 'self'");
  r.Set("X-Frame-Options", "SAMEORIGIN");
  return r;
}

}  // namespace

const std::vector<AdminWeb::SubRoute>& AdminWeb::NewsletterRoutes() {
  static const std::vector<SubRoute> kRoutes = {
      {"GET", "", &AdminWeb::NewsletterGet},    {"GET", "preview", &AdminWeb::IssuePreviewGet},
      {"POST", "test", &AdminWeb::TestPost},    {"POST", "schedule", &AdminWeb::SchedulePost},
      {"POST", "send", &AdminWeb::SendNowPost}, {"POST", "unschedule", &AdminWeb::UnschedulePost},
  };
  return kRoutes;
}

HttpResponse AdminWeb::NewsletterDispatch(Visit& v) {
  return SubDispatch(v, kNewslettersPrefix, NewsletterRoutes());
}

HttpResponse AdminWeb::NewslettersGet(Visit& v) {
  kainjow::mustache::list rows;
  std::lock_guard lock(mu_);
  for (const NewsletterConfig& n : v.site->config().newsletters) {
    TemplateData d;
    d.set("name", n.name);
    d.set("url", NewsletterUrl(n.slug));
    auto confirmed = newsletters_->CountSubscribers(n.slug, SubscriptionState::kConfirmed);
    d.set("subscribers", confirmed ? std::to_string(*confirmed) : std::string("?"));
    auto pending = newsletters_->CountSubscribers(n.slug, SubscriptionState::kPending);
    if (pending && *pending > 0) d.set("pending", std::to_string(*pending));
    auto latest = newsletters_->LatestIssue(n.slug);
    if (latest && latest->has_value()) {
      d.set("last_issue", (*latest)->subject);
      d.set("last_date", v.site->tz().Iso((*latest)->created).substr(0, 10));
      if (!(*latest)->finished) d.set("sending", true);
    }
    auto scheduled = newsletters_->LoadScheduledSend(n.slug);
    if (scheduled && scheduled->has_value()) {
      d.set("scheduled", LocalMinute(v.site->tz(), (*scheduled)->at).replace(10, 1, " "));
    }
    rows.push_back(d);
  }
  TemplateData view;
  view.set("has_rows", !rows.empty());
  view.set("rows", rows);
  return Render(v, 200, "newsletters", "Newsletters", view);
}

Result<DueIssue> AdminWeb::ComposeNow(Visit& v, const NewsletterConfig& nl) {
  Result<std::vector<IssueCandidate>> candidates = Error{};
  {
    std::lock_guard lock(content_mu_);
    candidates = IssueCandidates(*v.site, *content_);
  }
  if (!candidates) return candidates.error();
  std::lock_guard lock(mu_);
  return ComposeDueIssue(*v.site, *candidates, *newsletters_, nl, options_.now());
}

HttpResponse AdminWeb::NewsletterPage(Visit& v, int status, const std::string& slug,
                                      const std::string& error, const std::string& notice) {
  auto nl = FindNewsletter(v.site->config(), slug);
  if (!nl) return Refused(v, 404, nl.error().message);
  const TimeZone& tz = v.site->tz();
  TemplateData view;
  SetIf(view, "error", error);
  SetIf(view, "notice", notice);
  view.set("base", NewsletterUrl(slug));
  view.set("timezone", tz.name());
  view.set("me_email", v.staff->member.email);
  view.set("at", LocalMinute(tz, options_.now() + 3600));
  auto due = ComposeNow(v, **nl);
  if (due) {
    TemplateData p;
    p.set("subject", due->issue.subject);
    p.set("articles", std::to_string(due->articles));
    p.set("since", tz.Iso(due->issue.since));
    p.set("text", due->issue.text);
    view.set("preview", p);
  } else {
    view.set("compose_error", due.error().ToString());
  }
  kainjow::mustache::list issues;
  {
    std::lock_guard lock(mu_);
    const std::pair<const char*, SubscriptionState> states[] = {
        {"confirmed", SubscriptionState::kConfirmed},
        {"pending", SubscriptionState::kPending},
        {"unsubscribed", SubscriptionState::kUnsubscribed}};
    for (const auto& state : states) {
      auto n = newsletters_->CountSubscribers(slug, state.second);
      view.set(state.first, n ? std::to_string(*n) : std::string("?"));
    }
    auto scheduled = newsletters_->LoadScheduledSend(slug);
    if (scheduled && scheduled->has_value()) {
      view.set("scheduled", LocalMinute(tz, (*scheduled)->at).replace(10, 1, " "));
      view.set("scheduled_by", (*scheduled)->by);
    }
    auto list = newsletters_->ListIssues(slug, kIssuesShown);
    for (const NewsletterIssue& i : list ? *list : std::vector<NewsletterIssue>()) {
      TemplateData d;
      d.set("subject", i.subject);
      d.set("date", tz.Iso(i.created));
      auto counts = newsletters_->CountDeliveries(i.id);
      d.set("sent", counts ? std::to_string(counts->sent) : std::string("?"));
      d.set("failed", counts ? std::to_string(counts->failed) : std::string("?"));
      d.set("pending", counts ? std::to_string(counts->pending) : std::string("?"));
      issues.push_back(d);
    }
  }
  if (!issues.empty()) view.set("has_issues", true);
  view.set("issues", issues);
  HttpResponse r = Render(v, status, "newsletter", (*nl)->name, view);
  r.Set("Content-Security-Policy", kAdminFramingPolicy);  // the preview's frame
  return r;
}

HttpResponse AdminWeb::NewsletterGet(Visit& v, const std::string& slug) {
  // What the post before the redirect did: a word looked up in this table, never echoed.
  static const std::map<std::string, std::string, std::less<>> kDone = {
      {"test", "A test of this issue is on its way to your address."},
      {"send",
       "The issue will be composed and sent at the scheduler's next turn (within a minute)."},
      {"schedule", "The send is scheduled."},
      {"unschedule", "The scheduled send is cancelled."},
  };
  auto done = kDone.find(AdminParam(AdminQueryParams(v.ctx.request), "done"));
  return NewsletterPage(v, 200, slug, "", done == kDone.end() ? std::string() : done->second);
}

HttpResponse AdminWeb::IssuePreviewGet(Visit& v, const std::string& slug) {
  auto nl = FindNewsletter(v.site->config(), slug);
  if (!nl) return Refused(v, 404, nl.error().message);
  auto due = ComposeNow(v, **nl);
  if (!due) return FramedEmail(due.error());
  // The links as a reader's would look, signed with a key that signs nothing real.
  MailMessage m = PersonalizeIssue(due->issue, **nl, v.site->config(), std::string(32, '0'),
                                   Delivery{0, "preview@example.com", "", 0});
  return FramedEmail(std::move(m.html));
}

HttpResponse AdminWeb::TestPost(Visit& v, const std::string& slug) {
  auto nl = FindNewsletter(v.site->config(), slug);
  if (!nl) return Refused(v, 404, nl.error().message);
  if (!options_.send) return Refused(v, 503, "Mail cannot be sent from the newsroom.");
  auto due = ComposeNow(v, **nl);
  if (!due) return NewsletterPage(v, 500, slug, due.error().ToString(), "");
  Result<std::string> key = Error{};
  {
    std::lock_guard lock(mu_);
    key = newsletters_->SiteSecret(kLinkSecretName, kLinkSecretBytes);
  }
  if (!key) return NewsletterPage(v, 500, slug, key.error().message, "");
  const std::string to = v.staff->member.email;
  auto m = TestIssueMessage(*due, **nl, v.site->config(), *key, to, options_.now(), "email");
  Status sent = m ? options_.send(*m) : Status(m.error());
  if (!sent)
    return NewsletterPage(v, 500, slug, "The test was not sent: " + sent.error().message, "");
  return AdminSeeOther(NewsletterUrl(slug) + "?done=test");
}

HttpResponse AdminWeb::SchedulePost(Visit& v, const std::string& slug) {
  auto nl = FindNewsletter(v.site->config(), slug);
  if (!nl) return Refused(v, 404, nl.error().message);
  auto at = v.site->tz().Parse(v.Field("at"));
  if (!at) {
    return NewsletterPage(
        v, 400, slug, "Give the time to send as a date and time, such as 2026-12-06T18:30.", "");
  }
  if (*at < options_.now()) {
    return NewsletterPage(v, 400, slug, "That time has passed: choose a later one, or send now.",
                          "");
  }
  Status s;
  {
    std::lock_guard lock(mu_);
    s = newsletters_->ScheduleSend({slug, *at, v.staff->member.email, options_.now()});
  }
  if (!s) return NewsletterPage(v, 500, slug, s.error().message, "");
  return AdminSeeOther(NewsletterUrl(slug) + "?done=schedule");
}

HttpResponse AdminWeb::SendNowPost(Visit& v, const std::string& slug) {
  auto nl = FindNewsletter(v.site->config(), slug);
  if (!nl) return Refused(v, 404, nl.error().message);
  Status s;
  {
    std::lock_guard lock(mu_);
    s = newsletters_->ScheduleSend({slug, options_.now(), v.staff->member.email, options_.now()});
  }
  if (!s) return NewsletterPage(v, 500, slug, s.error().message, "");
  return AdminSeeOther(NewsletterUrl(slug) + "?done=send");
}

HttpResponse AdminWeb::UnschedulePost(Visit& v, const std::string& slug) {
  auto nl = FindNewsletter(v.site->config(), slug);
  if (!nl) return Refused(v, 404, nl.error().message);
  Status s;
  {
    std::lock_guard lock(mu_);
    s = newsletters_->CancelScheduledSend(slug);
  }
  if (!s) return NewsletterPage(v, 500, slug, s.error().message, "");
  return AdminSeeOther(NewsletterUrl(slug) + "?done=unschedule");
}

}  // namespace cinepress
