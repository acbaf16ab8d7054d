// WorkshopStore: workshops and masterclasses, their seats, registrations and waitlist (the role;
// src/store has it on SQLite and PostgreSQL). src/workshops holds the rules over it.
//
//   workshop      a content file content/workshops/{slug}.md: sessions (or self-paced), where,
//                 seats, prices per tier, when registration opens and closes
//   seat          one of a workshop's places: taken when a checkout starts (the registration is
//                 pending), by a free registration, or by a waitlist offer; given back when a
//                 checkout expires unpaid, an offer lapses or a registration is cancelled
//   registration  pending (seat held until expires_at) → paid, or → expired (seat returned);
//                 free (an entitled member's, no payment); paid/free → cancelled → refunded
//   waitlist      who asked for a seat of a full workshop, in order: waiting → offered (a seat
//                 held for them until offer_expires) → taken, or → lapsed (the seat passes on)
//
// Contract: one instance is used by one thread at a time. A seat is taken by one conditional
// UPDATE (`seats_left > 0`) in the transaction that records what takes it, so two buyers of the
// last seat cannot both hold it, and a seat is taken (and given back) at most once per cause.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct WorkshopSession {
  int64_t starts = 0;   // Unix seconds (read in the site's time zone)
  int64_t minutes = 0;  // duration

  bool operator==(const WorkshopSession&) const = default;
};

// A member's price for one tier; minor units of the workshop's currency.
struct TierPrice {
  std::string tier;
  int64_t amount = 0;

  bool operator==(const TierPrice&) const = default;
};

struct Workshop {
  std::string slug;
  std::string title;
  std::string summary;                // one paragraph, plain text
  std::string body;                   // Markdown
  std::vector<std::string> teachers;  // people's slugs (content/people/{slug}.md)
  std::vector<WorkshopSession> sessions;
  bool self_paced = false;  // no sessions: a course taken at one's own pace
  bool online = false;
  std::string address;       // where it takes place, when not online
  std::string joining_link;  // online: shown to registrants only
  int64_t seats = 0;
  int64_t price = 0;     // the base price, minor units
  std::string currency;  // ISO 4217, lower case
  std::vector<TierPrice> member_prices;
  std::vector<std::string> free_for;   // tiers whose members register without paying
  int64_t opens = 0;                   // registration opens (0: at once)
  int64_t closes = 0;                  // registration closes (0: when the first session starts)
  std::vector<std::string> materials;  // media paths of the store, for registrants only
  int64_t seats_left = 0;              // loaded: seats no registration or offer holds
  bool cancelled = false;              // loaded: CancelWorkshop closed it (importing keeps it)

  bool operator==(const Workshop&) const = default;
};

struct Registration {
  int64_t id = 0;
  std::string workshop;            // slug
  std::string reference;           // ours, sent to Stripe as client_reference_id
  std::string session_id;          // Stripe's Checkout Session ("" when free)
  std::string status = "pending";  // pending, paid, free, expired, cancelled, refunded
  std::string email;
  int64_t member_id = 0;  // 0: not a member
  std::string name;
  int64_t amount = 0;  // charged, minor units
  std::string currency;
  std::string payment_intent;
  int64_t created = 0;
  int64_t expires_at = 0;  // when a pending registration's seat is given back
  int64_t updated = 0;

  bool operator==(const Registration&) const = default;
};

struct WaitlistEntry {
  int64_t id = 0;
  std::string workshop;
  std::string email;
  int64_t member_id = 0;
  std::string status = "waiting";  // waiting, offered, taken, lapsed
  int64_t created = 0;
  int64_t offer_expires = 0;  // offered: until when the seat is held for them

  bool operator==(const WaitlistEntry&) const = default;
};

class WorkshopStore {
 public:
  virtual ~WorkshopStore() = default;

  // As imported. A workshop saved again keeps the seats its registrations and offers hold
  // (seats_left moves by the change of `seats`, and may go below zero when seats shrink).
  virtual Status SaveWorkshop(const Workshop& workshop) = 0;
  // By slug, with the seats left.
  virtual Result<std::vector<Workshop>> LoadWorkshops() = 0;
  virtual Status DeleteWorkshop(const std::string& slug) = 0;

  // Takes a seat and records the registration (status "pending" or "free"; its id is ignored),
  // all or nothing: kConflict when no seat is left, kNotFound for an unknown workshop. With
  // `offer` (a waitlist entry offered a seat), the offer's seat is the one taken: the entry
  // becomes taken, and kConflict when it is not an offer still open at `registration.created`.
  virtual Result<int64_t> StartRegistration(const Registration& registration,
                                            int64_t offer = 0) = 0;
  virtual Status SetRegistrationSession(int64_t id, const std::string& session_id) = 0;
  // A pending registration's checkout expired: its seat returns. false when it was not pending.
  virtual Result<bool> ExpireRegistration(const std::string& session_id, int64_t now) = 0;
  // Every pending registration whose hold ended before `now`, as ExpireRegistration; their ids.
  virtual Result<std::vector<int64_t>> ExpireAbandonedRegistrations(int64_t now) = 0;
  // The checkout was paid: the registration becomes paid (one that had expired takes a seat
  // again, even the last one below zero: the payment happened). The registration when this
  // call paid it; nullopt when it was paid before. kNotFound when no registration has it.
  virtual Result<std::optional<Registration>> PayRegistration(const std::string& session_id,
                                                              const std::string& email,
                                                              int64_t amount,
                                                              const std::string& payment_intent,
                                                              int64_t at) = 0;
  // The workshop is closed for good (registration refused from now on; saving it again keeps
  // it closed) and every paid or free registration becomes cancelled (seats returned); those.
  virtual Result<std::vector<Registration>> CancelWorkshop(const std::string& slug,
                                                           int64_t now) = 0;
  // A cancelled registration was refunded; false when it was not cancelled.
  virtual Result<bool> MarkRefunded(int64_t id, int64_t now) = 0;
  // Oldest first.
  virtual Result<std::vector<Registration>> RegistrationsOf(const std::string& slug) = 0;
  // A reader's registrations: those made signed in as `member_id` (whatever address it had
  // then), and those made under `email` by no member (0: only those). Oldest first.
  virtual Result<std::vector<Registration>> RegistrationsBy(int64_t member_id,
                                                            const std::string& email) = 0;

  // Joins the waitlist of a workshop (once per email: the existing entry's id otherwise).
  virtual Result<int64_t> JoinWaitlist(const std::string& slug, const std::string& email,
                                       int64_t member_id, int64_t now) = 0;
  // Offers lapse: each offered entry whose offer ended before `now` becomes lapsed and gives its
  // seat back. Then every free seat of every workshop is offered to the first waiting entry
  // (the seat held until now + offer_seconds). The entries offered a seat by this call.
  virtual Result<std::vector<WaitlistEntry>> OfferFreedSeats(int64_t now,
                                                             int64_t offer_seconds) = 0;
  virtual Result<std::vector<WaitlistEntry>> WaitlistOf(const std::string& slug) = 0;

  // Records that the reminder `kind` ("day", "hour") of session `session` was sent to a
  // registration: true the first time, false when it was recorded before.
  virtual Result<bool> MarkReminder(int64_t registration, int64_t session,
                                    const std::string& kind) = 0;
};

}  // namespace cinepress
