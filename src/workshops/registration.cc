#include "workshops/registration.h"

#include <algorithm>
#include <functional>
#include <map>

#include "core/csv.h"
#include "core/dates.h"
#include "core/money.h"
#include "payments/stripe_json.h"
#include "workshops/ics.h"
#include "workshops/workshops.h"

namespace cinepress {
namespace {

using Json = nlohmann::json;
using stripe_json::Field;
using stripe_json::IdOf;
using stripe_json::Int;
using stripe_json::Str;

constexpr int64_t kDay = 86400, kHour = 3600;

Result<Workshop> FindWorkshop(WorkshopStore& store, const std::string& slug) {
  auto all = store.LoadWorkshops();
  if (!all) return all.error();
  for (Workshop& w : *all) {
    if (w.slug == slug) return std::move(w);
  }
  return Error{ErrorCode::kNotFound, "no workshop " + slug, {}, 0, "workshop"};
}

std::string PageUrl(const SiteConfig& site, const std::string& slug) {
  return site.base_url + "/workshops/" + slug + "/";
}

// When and where, as a registrant reads it (with the joining link).
std::string Particulars(const SiteConfig& site, const Workshop& w) {
  const TimeZone zone = SiteZone(site);
  std::string text;
  if (w.self_paced) text += "A self-paced course: start whenever you like.\n";
  for (const WorkshopSession& s : w.sessions) text += "  " + SessionLine(zone, s) + "\n";
  text +=
      w.online ? "\nOnline. Join here: " + w.joining_link + "\n" : "\nWhere: " + w.address + "\n";
  text += "\nThe workshop's page: " + PageUrl(site, w.slug) + "\n";
  if (!w.sessions.empty()) {
    text += "Add it to your calendar: " + site.base_url + "/workshops/" + w.slug + ".ics\n";
  }
  if (!w.materials.empty())
    text += "Its materials are in My Account: " + site.base_url + "/account/\n";
  return text;
}

MailMessage MessageTo(const SiteConfig& site, const std::string& email, std::string subject,
                      std::string text, int64_t now, const std::string& what) {
  MailMessage m;
  m.message_id =
      "cinepress.workshop-" + what + "." + std::to_string(now) + "@" + DomainOf(site.base_url);
  m.from = SiteSender(site);
  m.to = MailAddress{"", email};
  m.subject = std::move(subject);
  m.date = now;
  m.text = std::move(text);
  return m;
}

MailMessage Confirmation(const SiteConfig& site, const Workshop& w, const Registration& g,
                         int64_t now) {
  std::string text = "You are registered for " + w.title + ".\n";
  if (g.status == "paid") {
    text += "Paid: " + FormatMoney(g.amount, g.currency, site.language) + ".\n";
  }
  text += "\n" + Particulars(site, w);
  MailMessage m = MessageTo(site, g.email, site.title + ": you are registered for " + w.title,
                            std::move(text), now, "confirmed." + std::to_string(g.id));
  if (!w.sessions.empty()) {
    // The registrant's own calendar file: the public one's events (the same UIDs) with the
    // joining link.
    IcsOptions ics{PageUrl(site, w.slug), DomainOf(site.base_url), true, now};
    m.attachments.push_back(
        {w.slug + ".ics", "text/calendar; charset=utf-8; method=PUBLISH", WorkshopIcs(w, ics)});
  }
  return m;
}

// The waitlist entry `offer` of `slug`, open and held for `email`.
Status CheckOffer(WorkshopStore& store, const std::string& slug, int64_t offer,
                  const std::string& email) {
  auto list = store.WaitlistOf(slug);
  if (!list) return list.error();
  for (const WaitlistEntry& e : *list) {
    if (e.id == offer && e.status == "offered" && !email.empty() && e.email == email) return {};
  }
  return Error{ErrorCode::kInvalidInput,
               "This offer of a seat is not yours, or has lapsed.",
               {},
               0,
               "offer"};
}

Json LineItem(const Workshop& w, int64_t amount) {
  Json product_data = {{"name", w.title}};
  if (!w.summary.empty()) product_data["description"] = w.summary;
  return {{"quantity", 1},
          {"price_data",
           {{"currency", w.currency}, {"unit_amount", amount}, {"product_data", product_data}}}};
}

// Starts the Checkout Session of a pending registration; its URL. Without a session the
// registration ends at once (its seat returned).
Result<std::string> StartCheckout(StripeClient& stripe, WorkshopStore& store,
                                  const SiteConfig& site, const Workshop& w, const Registration& g,
                                  int64_t id, int64_t now) {
  const std::string page = PageUrl(site, w.slug);
  Json params = {{"mode", "payment"},
                 {"client_reference_id", g.reference},
                 {"expires_at", g.expires_at},
                 {"line_items", Json::array({LineItem(w, g.amount)})},
                 {"metadata", {{"workshop_registration", g.reference}, {"workshop", w.slug}}},
                 {"success_url", page + "?registered={CHECKOUT_SESSION_ID}"},
                 {"cancel_url", page}};
  if (!g.email.empty()) params["customer_email"] = g.email;
  auto session = stripe.Call({"POST", "/v1/checkout/sessions", params, "workshop-" + g.reference});
  const bool made = session && (*session)["url"].is_string() && (*session)["id"].is_string();
  const std::string session_id = made ? (*session)["id"].get<std::string>() : g.reference;
  if (auto s = store.SetRegistrationSession(id, session_id); !s) return s.error();
  if (!made) {
    if (auto expired = store.ExpireRegistration(session_id, now); !expired) return expired.error();
    if (!session) return session.error();
    return MakeError(ErrorCode::kInternal, "Stripe: the checkout session has no url");
  }
  return (*session)["url"].get<std::string>();
}

using EventHandler = std::function<Status(WorkshopStore&, const SiteConfig&, const Json&, int64_t,
                                          WorkshopEventOutcome&)>;

Status OnCompleted(WorkshopStore& store, const SiteConfig& site, const Json& session, int64_t now,
                   WorkshopEventOutcome& out) {
  std::string email = Str(Field(session, "customer_details"), "email");
  if (email.empty()) email = Str(session, "customer_email");
  auto paid = store.PayRegistration(Str(session, "id"), email, Int(session, "amount_total"),
                                    IdOf(session, "payment_intent"), now);
  if (!paid) return paid.error();
  if (!paid->has_value()) {
    out.note = "registration of " + Str(session, "id") + " paid before: nothing changed";
    return {};
  }
  auto w = FindWorkshop(store, (*paid)->workshop);
  if (!w) return w.error();
  out.note = "registration " + std::to_string((*paid)->id) + " for " + w->slug + " paid";
  out.mail.push_back(Confirmation(site, *w, **paid, now));
  return {};
}

Status OnExpired(WorkshopStore& store, const SiteConfig&, const Json& session, int64_t now,
                 WorkshopEventOutcome& out) {
  auto expired = store.ExpireRegistration(Str(session, "id"), now);
  if (!expired) return expired.error();
  out.note = *expired ? "registration of " + Str(session, "id") + " expired: its seat returned"
                      : "registration of " + Str(session, "id") + " was not pending";
  return {};
}

// The reminder of `kind` due for a session starting at `starts`, or nullptr.
const char* DueKind(int64_t starts, int64_t now) {
  const int64_t ahead = starts - now;
  if (ahead <= 0 || ahead > kDay) return nullptr;
  return ahead <= kHour ? "hour" : "day";
}

Result<std::vector<MailMessage>> RemindersOf(WorkshopStore& store, const SiteConfig& site,
                                             const Workshop& w, int64_t now) {
  std::vector<MailMessage> out;
  std::vector<Registration> registrations;
  for (size_t i = 0; i < w.sessions.size(); ++i) {
    const char* kind = DueKind(w.sessions[i].starts, now);
    if (!kind) continue;
    if (registrations.empty()) {
      auto all = store.RegistrationsOf(w.slug);
      if (!all) return all.error();
      registrations = std::move(*all);
    }
    const TimeZone zone = SiteZone(site);
    for (const Registration& g : registrations) {
      if (g.status != "paid" && g.status != "free") continue;
      const int64_t session = static_cast<int64_t>(i);
      // Within the hour, the day's reminder is not sent any more: one message, not two.
      if (std::string(kind) == "hour") {
        if (auto d = store.MarkReminder(g.id, session, "day"); !d) return d.error();
      }
      auto first = store.MarkReminder(g.id, session, kind);
      if (!first) return first.error();
      if (!*first) continue;
      const std::string when = std::string(kind) == "hour" ? "within the hour" : "tomorrow";
      std::string text = w.title + " starts " + when + ": " + SessionLine(zone, w.sessions[i]) +
                         ".\n\n" + Particulars(site, w);
      out.push_back(
          MessageTo(site, g.email, "Reminder: " + w.title + " starts " + when, std::move(text), now,
                    "reminder." + std::to_string(g.id) + "." + std::to_string(i) + "." + kind));
    }
  }
  return out;
}

std::string Refund(StripeClient& stripe, const Registration& g, Error& failure) {
  auto refund = stripe.Call({"POST",
                             "/v1/refunds",
                             {{"payment_intent", g.payment_intent}},
                             "workshop-refund-" + g.reference});
  if (!refund) {
    failure = refund.error();
    return "";
  }
  return Str(*refund, "id");
}

}  // namespace

std::string SessionLine(const TimeZone& zone, const WorkshopSession& s) {
  const std::string iso = zone.Iso(s.starts);
  return zone.Display(s.starts) + ", " + iso.substr(11, 5) + " (" + zone.name() + "), " +
         std::to_string(s.minutes) + " minutes";
}

TimeZone SiteZone(const SiteConfig& site) {
  auto zone = TimeZone::Named(site.timezone);
  return zone ? *zone : *TimeZone::Named("UTC");
}

Result<RegisterOutcome> Register(StripeClient& stripe, WorkshopStore& store, const SiteConfig& site,
                                 const RegisterRequest& request, int64_t now) {
  if (!request.email.empty() && !IsPlausibleEmail(request.email)) {
    return Error{ErrorCode::kInvalidInput, "that is not an email address", {}, 0, "email"};
  }
  auto w = FindWorkshop(store, request.workshop);
  if (!w) return w.error();
  if (auto open = RegistrationOpen(*w, now); !open) return open.error();
  if (request.offer) {
    if (auto s = CheckOffer(store, w->slug, request.offer, request.email); !s) return s.error();
  }
  // Checkouts abandoned without their event give their seats back before anyone is refused.
  if (auto swept = store.ExpireAbandonedRegistrations(now); !swept) return swept.error();
  const WorkshopPrice price = PriceFor(*w, request.rights);
  Registration g;
  g.workshop = w->slug;
  g.reference = NewIdempotencyKey();
  g.email = request.email;
  g.member_id = request.rights.member_id;
  g.name = request.name;
  g.amount = price.amount;
  g.currency = w->currency;
  g.created = now;
  RegisterOutcome out;
  if (price.free || price.amount == 0) {
    if (request.email.empty()) {
      return Error{ErrorCode::kInvalidInput, "sign in to register", {}, 0, "email"};
    }
    g.status = "free";
    auto id = store.StartRegistration(g, request.offer);
    if (!id) return id.error();
    g.id = *id;
    g.updated = now;
    out.mail.push_back(Confirmation(site, *w, g, now));
    out.free = std::move(g);
    return out;
  }
  g.expires_at = now + kWorkshopCheckoutSeconds;
  auto id = store.StartRegistration(g, request.offer);
  if (!id) return id.error();
  auto url = StartCheckout(stripe, store, site, *w, g, *id, now);
  if (!url) return url.error();
  out.checkout_url = std::move(*url);
  return out;
}

Result<WorkshopEventOutcome> ApplyWorkshopEvent(WorkshopStore& store, const SiteConfig& site,
                                                std::string_view payload, int64_t now) {
  static const std::map<std::string, EventHandler, std::less<>> kHandlers = {
      {"checkout.session.completed", OnCompleted},
      {"checkout.session.expired", OnExpired},
  };
  WorkshopEventOutcome out;
  const Json event = Json::parse(payload, nullptr, false);
  const Json& object = Field(Field(event, "data"), "object");
  auto handler = kHandlers.find(Str(event, "type"));
  if (!object.is_object() || handler == kHandlers.end()) return out;
  if (Str(Field(object, "metadata"), "workshop_registration").empty()) return out;
  out.handled = true;
  if (auto s = handler->second(store, site, object, now, out); !s) return s.error();
  return out;
}

Result<std::vector<MailMessage>> OfferSeats(WorkshopStore& store, const SiteConfig& site,
                                            int64_t now, int64_t offer_seconds) {
  auto offered = store.OfferFreedSeats(now, offer_seconds);
  if (!offered) return offered.error();
  std::vector<MailMessage> out;
  for (const WaitlistEntry& e : *offered) {
    auto w = FindWorkshop(store, e.workshop);
    if (!w) return w.error();
    std::string text = "A seat of " + w->title + " is free, and we are holding it for you until " +
                       MailDate(e.offer_expires) + ".\n\nTake it here:\n  " +
                       PageUrl(site, w->slug) + "?offer=" + std::to_string(e.id) +
                       "\n\nAfter that, it goes to the next person on the waitlist.\n";
    out.push_back(MessageTo(site, e.email, site.title + ": a seat of " + w->title + " for you",
                            std::move(text), now, "offer." + std::to_string(e.id)));
  }
  return out;
}

Result<std::vector<MailMessage>> DueReminders(WorkshopStore& store, const SiteConfig& site,
                                              int64_t now) {
  auto all = store.LoadWorkshops();
  if (!all) return all.error();
  std::vector<MailMessage> out;
  for (const Workshop& w : *all) {
    auto mail = RemindersOf(store, site, w, now);
    if (!mail) return mail.error();
    for (MailMessage& m : *mail) out.push_back(std::move(m));
  }
  return out;
}

Result<CancelOutcome> CancelAndRefund(StripeClient& stripe, WorkshopStore& store,
                                      const SiteConfig& site, const std::string& slug,
                                      int64_t now) {
  auto w = FindWorkshop(store, slug);
  if (!w) return w.error();
  auto cancelled = store.CancelWorkshop(slug, now);
  if (!cancelled) return cancelled.error();
  CancelOutcome out;
  out.cancelled = std::move(*cancelled);
  // Every cancelled payment not yet refunded: this call's, and those a failure left before.
  auto all = store.RegistrationsOf(slug);
  if (!all) return all.error();
  for (const Registration& g : *all) {
    if (g.status != "cancelled" || g.payment_intent.empty()) continue;
    Error failure;
    if (Refund(stripe, g, failure).empty()) {
      out.refund_failures.push_back(failure);
      continue;
    }
    if (auto r = store.MarkRefunded(g.id, now); !r) return r.error();
    ++out.refunded;
  }
  for (const Registration& g : out.cancelled) {
    std::string text = "We are sorry: " + w->title + " is cancelled.\n";
    if (g.status == "cancelled" && !g.payment_intent.empty()) {
      text += "\nYour payment of " + FormatMoney(g.amount, g.currency, site.language) +
              " is refunded to the card you paid with; it can take a few days to appear.\n";
    }
    out.mail.push_back(MessageTo(site, g.email, site.title + ": " + w->title + " is cancelled",
                                 std::move(text), now, "cancelled." + std::to_string(g.id)));
  }
  return out;
}

std::string RegistrantsCsv(const std::vector<Registration>& registrations) {
  std::string out = "id,status,email,name,amount,currency,created,payment\r\n";
  for (const Registration& g : registrations) {
    out += std::to_string(g.id) + "," + g.status + "," + CsvField(g.email) + "," +
           CsvField(g.name) + "," + std::to_string(g.amount) + "," + g.currency + "," +
           TimeZone::IsoUtc(g.created) + "," + CsvField(g.payment_intent) + "\r\n";
  }
  return out;
}

std::string RegistrantsTable(const std::vector<Registration>& registrations) {
  std::string out;
  for (const Registration& g : registrations) {
    out += std::to_string(g.id) + "  " + g.status + "  " + g.email +
           (g.name.empty() ? "" : " (" + g.name + ")") + "  " + TimeZone::IsoUtc(g.created) + "\n";
  }
  return out;
}

}  // namespace cinepress
