// Registering for a workshop, as plain functions over the WorkshopStore role:
//
//   register   the reader's price (workshops.h): free for an entitled member (a "free"
//              registration at once, no Stripe), else a Checkout Session in payment mode with
//              `price_data` from the workshop's own integers. The seat is taken, in the
//              transaction that records the pending registration, before the session is made;
//              none left refuses (the page then offers the waitlist). A waitlist offer's seat is
//              the one taken when its holder registers with it.
//   events     checkout.session.completed pays the registration once and mails the confirmation;
//              checkout.session.expired gives the seat back once. Sessions that are not the
//              workshops' are left to the other handlers of the webhook.
//   waitlist   OfferSeats: lapsed offers give their seats back, then every free seat is offered
//              to the next in line, by email, until now + [workshops] offer_hours (run by the
//              scheduler).
//   reminders  a day and an hour before each session, once per registration (the store keeps
//              which were sent), with the joining link.
//   cancel     every paid or free registration cancelled, each payment refunded through
//              Stripe's refunds API (an idempotency key per registration: a second run refunds
//              nothing twice), every registrant told.
//
// Contract: plain functions (one thread at a time over the store and client given). Mail is
// returned, to be queued by the caller (in the webhook's transaction where there is one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/access.h"
#include "content/workshop_store.h"
#include "core/config.h"
#include "core/dates.h"
#include "core/result.h"
#include "mail/message.h"
#include "payments/stripe_client.h"

namespace cinepress {

inline constexpr int64_t kWorkshopCheckoutSeconds = 30 * 60;  // Stripe's shortest session

// "March 4, 2030, 18:30 (Europe/Paris), 120 minutes": a session as a registrant reads it.
std::string SessionLine(const TimeZone& zone, const WorkshopSession& session);
// The site's time zone (UTC when cinepress.toml names none it knows).
TimeZone SiteZone(const SiteConfig& site);

struct RegisterRequest {
  std::string workshop;  // slug
  std::string email;     // the reader's (a member's own; else as typed, or Stripe asks)
  std::string name;
  ReaderRights rights;  // who is registering: their tiers decide the price
  int64_t offer = 0;    // a waitlist entry offered a seat (its email must be the request's)
};

struct RegisterOutcome {
  std::string checkout_url;          // a paid registration: where the reader goes next
  std::optional<Registration> free;  // an entitled member's, registered at once
  std::vector<MailMessage> mail;     // the free registration's confirmation
};

// kNotFound for an unknown workshop; kInvalidInput (a reader's message) when registration is
// closed or the request is bad; kConflict "…is full" when no seat is left.
Result<RegisterOutcome> Register(StripeClient& stripe, WorkshopStore& store, const SiteConfig& site,
                                 const RegisterRequest& request, int64_t now);

struct WorkshopEventOutcome {
  bool handled = false;  // the event was the workshops'
  std::string note;      // what happened, for the log
  std::vector<MailMessage> mail;
};

// Applies one webhook event (its raw JSON, already verified). Idempotent.
Result<WorkshopEventOutcome> ApplyWorkshopEvent(WorkshopStore& store, const SiteConfig& site,
                                                std::string_view payload, int64_t now);

// The waitlist's turn: the offers made now, one message each.
Result<std::vector<MailMessage>> OfferSeats(WorkshopStore& store, const SiteConfig& site,
                                            int64_t now, int64_t offer_seconds);

// The reminders due at `now` (a session within a day, within an hour), each returned once.
Result<std::vector<MailMessage>> DueReminders(WorkshopStore& store, const SiteConfig& site,
                                              int64_t now);

struct CancelOutcome {
  std::vector<Registration> cancelled;  // by this call
  size_t refunded = 0;
  std::vector<Error> refund_failures;  // tried again by the next cancel
  std::vector<MailMessage> mail;
};
Result<CancelOutcome> CancelAndRefund(StripeClient& stripe, WorkshopStore& store,
                                      const SiteConfig& site, const std::string& slug, int64_t now);

// id, status, email, name, amount, currency, created (RFC 3339 UTC), payment.
std::string RegistrantsCsv(const std::vector<Registration>& registrations);
// One line per registration, for a terminal.
std::string RegistrantsTable(const std::vector<Registration>& registrations);

}  // namespace cinepress
