// Workshops on the site (issue #20): /workshops/ (upcoming first, then past), a page per workshop
// (/workshops/{slug}/: its description, teachers, sessions in the site's time zone, where, seats
// left, prices and the Register or waitlist form, which post to `cinepress serve`,
// web/workshops_web.h) and its public calendar file (/workshops/{slug}.ics, never with the
// joining link). Pages exist when the theme has the workshops' templates and the store has
// workshops.
#include <algorithm>

#include "core/money.h"
#include "core/text.h"
#include "mail/message.h"
#include "render/markdown.h"
#include "site/site.h"
#include "workshops/ics.h"
#include "workshops/workshops.h"

namespace cinepress {
namespace {

TemplateData ListData() { return TemplateData{TemplateData::type::list}; }

// "May 6, 2031, 19:00" in the site's time zone.
std::string SessionText(const TimeZone& tz, int64_t t) {
  return tz.Display(t) + ", " + tz.Iso(t).substr(11, 5);
}

}  // namespace

Status Site::AddWorkshopOutputs(std::vector<Workshop> workshops) {
  // Upcoming first, the soonest first; then past ones, the latest first.
  const int64_t now = now_;
  std::stable_sort(workshops.begin(), workshops.end(), [now](const Workshop& x, const Workshop& y) {
    const bool ux = IsUpcoming(x, now), uy = IsUpcoming(y, now);
    if (ux != uy) return ux;
    return ux ? FirstStart(x) < FirstStart(y) : FirstStart(x) > FirstStart(y);
  });
  workshops_ = std::move(workshops);
  std::string fp;
  for (const Workshop& w : workshops_) {
    fp += w.slug + w.title + w.summary + w.body + Join(w.teachers, ",") + w.address +
          std::to_string(w.online) + std::to_string(w.self_paced) + std::to_string(w.seats) +
          std::to_string(w.seats_left) + std::to_string(w.price) + w.currency +
          Join(w.free_for, ",") + std::to_string(w.opens) + std::to_string(w.closes) +
          std::to_string(w.cancelled) + "|";
    for (const WorkshopSession& x : w.sessions) {
      fp += std::to_string(x.starts) + "+" + std::to_string(x.minutes) + "|";
    }
    for (const TierPrice& p : w.member_prices) fp += p.tier + std::to_string(p.amount) + "|";
  }
  workshops_fp_ = ContentHash(fp);
  if (workshops_.empty() || !theme_->HasTemplate("workshops") || !theme_->HasTemplate("workshop")) {
    return {};
  }
  if (auto st = AddOutput(OutputKind::kWorkshops, "/workshops/", 0, 1, "the workshops' page");
      !st) {
    return st;
  }
  for (size_t i = 0; i < workshops_.size(); ++i) {
    const std::string what = "the workshop content/workshops/" + workshops_[i].slug + ".md";
    if (auto st = AddOutput(OutputKind::kWorkshop, WorkshopUrl(i), i, 1, what); !st) return st;
    if (auto st = AddOutput(OutputKind::kWorkshopIcs, WorkshopIcsUrl(i), i, 1, what); !st) {
      return st;
    }
  }
  return {};
}

std::pair<std::string, std::string> Site::Teacher(const std::string& slug) const {
  auto it = person_by_slug_.find(slug);
  if (it == person_by_slug_.end()) {
    auto known = people_names_.find(slug);
    return {known == people_names_.end() || known->second.empty() ? slug : known->second, ""};
  }
  return {records_.people[it->second].name.display, PersonUrl(it->second)};
}

TemplateData SiteRenderer::WorkshopData(size_t i) const {
  const Site& s = *site_;
  const Workshop& w = s.workshops_[i];
  const std::string& language = s.config_.language;
  TemplateData d;
  d.set("slug", w.slug);
  d.set("title", w.title);
  d.set("url", s.WorkshopUrl(i));
  d.set("ics_url", s.WorkshopIcsUrl(i));
  if (!w.summary.empty()) d.set("summary", w.summary);
  d.set("price_text", FormatMoney(w.price, w.currency, language));
  d.set(IsUpcoming(w, s.now_) ? "upcoming" : "past", true);
  if (w.self_paced) d.set("self_paced", true);
  if (w.online) {
    d.set("online", true);
  } else {
    d.set("address", w.address);
  }
  if (!w.sessions.empty()) d.set("when", SessionText(s.tz_, FirstStart(w)));
  TemplateData sessions = ListData();
  for (const WorkshopSession& x : w.sessions) {
    TemplateData e;
    e.set("starts", SessionText(s.tz_, x.starts));
    e.set("starts_iso", s.tz_.Iso(x.starts));
    e.set("minutes", std::to_string(x.minutes));
    sessions.push_back(std::move(e));
  }
  d["sessions"] = std::move(sessions);
  d.set("time_zone", s.tz_.name());
  TemplateData teachers = ListData();
  for (size_t k = 0; k < w.teachers.size(); ++k) {
    TemplateData t;
    auto [name, url] = s.Teacher(w.teachers[k]);
    t.set("name", name);
    // Every key set on each: a missing one would find the workshop's in Mustache.
    t.set("url", url);
    t.set("linked", !url.empty());
    t.set("comma", k + 1 < w.teachers.size());
    teachers.push_back(std::move(t));
  }
  d["teachers"] = std::move(teachers);
  if (!w.teachers.empty()) d.set("has_teachers", true);
  TemplateData prices = ListData();
  for (const TierPrice& p : w.member_prices) {
    const TierConfig* tier = s.config_.FindTier(p.tier);
    TemplateData x;
    x.set("name", tier ? tier->name : p.tier);
    x.set("price_text", FormatMoney(p.amount, w.currency, language));
    prices.push_back(std::move(x));
  }
  if (!w.member_prices.empty()) d["member_prices"] = std::move(prices);
  TemplateData free_for = ListData();
  for (const std::string& slug : w.free_for) {
    const TierConfig* tier = s.config_.FindTier(slug);
    TemplateData x;
    x.set("name", tier ? tier->name : slug);
    free_for.push_back(std::move(x));
  }
  if (!w.free_for.empty()) d["free_for"] = std::move(free_for);
  d.set("seats_left", std::to_string(w.seats_left));
  // One state for the form: open with seats, full (the waitlist), or closed (with why).
  if (Status open = RegistrationOpen(w, s.now_); !open) {
    d.set("closed", open.error().message);
  } else if (w.seats_left <= 0) {
    d.set("full", true);
  } else {
    d.set("open", true);
  }
  return d;
}

Result<std::string> SiteRenderer::RenderWorkshops() {
  const Site& s = *site_;
  TemplateData d = PageData("/workshops/", "Workshops & Masterclasses", "", "is_workshops");
  TemplateData upcoming = ListData(), past = ListData();
  for (size_t i = 0; i < s.workshops_.size(); ++i) {
    (IsUpcoming(s.workshops_[i], s.now_) ? upcoming : past).push_back(WorkshopData(i));
  }
  d.set("has_upcoming", !upcoming.is_empty_list());
  d.set("has_past", !past.is_empty_list());
  d["upcoming_workshops"] = std::move(upcoming);
  d["past_workshops"] = std::move(past);
  SetJsonLd(d, OutputKind::kWorkshops, 0);
  return theme_.Render("workshops", s.base_, d);
}

Result<std::string> SiteRenderer::RenderWorkshop(size_t i) {
  const Site& s = *site_;
  const Workshop& w = s.workshops_[i];
  TemplateData d = PageData(s.WorkshopUrl(i), w.title, w.summary, "is_workshop");
  TemplateData x = WorkshopData(i);
  x.set("body_html", RenderMarkdown(w.body));
  d["workshop"] = std::move(x);
  SetJsonLd(d, OutputKind::kWorkshop, i);
  return theme_.Render("workshop", s.base_, d);
}

std::string SiteRenderer::RenderWorkshopIcs(size_t i) const {
  const Site& s = *site_;
  IcsOptions options;
  options.page_url = s.Absolute(s.WorkshopUrl(i));
  options.host = DomainOf(s.config_.base_url);  // as the registrant's copy: the same UIDs
  // Made from the workshop alone, so that every build and `serve` give the same bytes: DTSTAMP
  // is when registration opened, else the first session's start (a registrant's copy, mailed
  // once, carries the time it was made).
  const Workshop& w = s.workshops_[i];
  options.stamp = w.opens != 0 || w.sessions.empty() ? w.opens : w.sessions.front().starts;
  return WorkshopIcs(w, options);
}

}  // namespace cinepress
