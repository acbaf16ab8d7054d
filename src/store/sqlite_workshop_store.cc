// WorkshopStore on SQLite: workshops, seats, registrations and the waitlist in the same database
// file as the content, on a connection of its own (tables made by the store's migrations,
// src/store/sqlite_store.cc). A seat is taken inside BEGIN IMMEDIATE with the row that takes
// it: one writer at a time, so a workshop's last seat is held by one registration or offer only.
#include <sqlite3.h>

#include <algorithm>
#include <functional>

#include "store/engines.h"
#include "store/open_store.h"
#include "store/sqlite_statement.h"
#include "store/workshop_rows.h"

namespace cinepress {
namespace {

Registration RegistrationFrom(const Run& r) {
  return Registration{r.I(0), r.S(1), r.S(2), r.S(3),  r.S(4),  r.S(5),  r.I(6),
                      r.S(7), r.I(8), r.S(9), r.S(10), r.I(11), r.I(12), r.I(13)};
}

WaitlistEntry EntryFrom(const Run& r) {
  return WaitlistEntry{r.I(0), r.S(1), r.S(2), r.I(3), r.S(4), r.I(5), r.I(6)};
}

class SqliteWorkshopStore final : public WorkshopStore, private SqliteConnection {
 public:
  explicit SqliteWorkshopStore(sqlite3* db) : SqliteConnection(db) {}
  using SqliteConnection::InitConnection;

  Status SaveWorkshop(const Workshop& w) override {
    Run r(Q("INSERT INTO workshops (slug, title, seats, seats_left, data) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (slug) DO UPDATE SET title = excluded.title, data = excluded.data,"
            " seats_left = workshops.seats_left + excluded.seats - workshops.seats,"
            " seats = excluded.seats"),
          {w.slug, w.title, w.seats, w.seats, WorkshopData(w)});
    if (!r.Done()) return Failure("saving workshop " + w.slug);
    return {};
  }

  Result<std::vector<Workshop>> LoadWorkshops() override {
    std::vector<Workshop> out;
    Run r(Q("SELECT slug, title, seats, seats_left, data, cancelled FROM workshops ORDER BY slug"),
          {});
    while (r.Row()) {
      Workshop w;
      w.slug = r.S(0);
      w.title = r.S(1);
      w.seats = r.I(2);
      w.seats_left = r.I(3);
      ReadWorkshopData(r.S(4), w);
      w.cancelled = r.I(5) != 0;
      out.push_back(std::move(w));
    }
    if (!r.Finished()) return Failure("reading the workshops");
    return out;
  }

  Status DeleteWorkshop(const std::string& slug) override {
    Run r(Q("DELETE FROM workshops WHERE slug = ?"), {slug});
    if (!r.Done()) return Failure("removing workshop " + slug);
    return {};
  }

  Result<int64_t> StartRegistration(const Registration& g, int64_t offer) override {
    int64_t id = 0;
    Status s = Atomically([&]() -> Status {
      if (auto t = offer ? TakeOffer(offer, g) : TakeSeat(g.workshop); !t) return t;
      Run r(Q("INSERT INTO workshop_registrations (workshop, reference, status, email, member_id,"
              " name, amount, currency, payment_intent, created, expires_at, updated)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)"),
            {g.workshop, g.reference, g.status, g.email, g.member_id, g.name, g.amount, g.currency,
             g.created, g.expires_at, g.created});
      if (!r.Done()) return Failure("saving registration " + g.reference);
      id = sqlite3_last_insert_rowid(db_);
      return {};
    });
    if (!s) return s.error();
    return id;
  }

  Status SetRegistrationSession(int64_t id, const std::string& session_id) override {
    Run r(Q("UPDATE workshop_registrations SET session_id = ? WHERE id = ?"), {session_id, id});
    if (!r.Done()) return Failure("saving registration " + std::to_string(id));
    if (sqlite3_changes(db_) == 0) return NoRegistration(std::to_string(id));
    return {};
  }

  Result<bool> ExpireRegistration(const std::string& session_id, int64_t now) override {
    bool expired = false;
    Status s = Atomically([&]() -> Status {
      std::string workshop;
      {
        Run r(Q("UPDATE workshop_registrations SET status = 'expired', updated = ?"
                " WHERE session_id = ? AND status = 'pending' RETURNING workshop"),
              {now, session_id});
        if (!r.Row()) return r.Finished() ? Status{} : Failure("saving " + session_id);
        workshop = r.S(0);
      }
      expired = true;
      return GiveSeats(workshop, 1);
    });
    if (!s) return s.error();
    return expired;
  }

  Result<std::vector<int64_t>> ExpireAbandonedRegistrations(int64_t now) override {
    std::vector<int64_t> ids;
    Status s = Atomically([&]() -> Status {
      std::vector<std::string> workshops;
      {
        Run r(Q("UPDATE workshop_registrations SET status = 'expired', updated = ?1"
                " WHERE status = 'pending' AND expires_at < ?1 RETURNING id, workshop"),
              {now});
        while (r.Row()) {
          ids.push_back(r.I(0));
          workshops.push_back(r.S(1));
        }
        if (!r.Finished()) return Failure("expiring the abandoned registrations");
      }
      for (const std::string& w : workshops) {
        if (auto g = GiveSeats(w, 1); !g) return g;
      }
      return {};
    });
    if (!s) return s.error();
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  Result<std::optional<Registration>> PayRegistration(const std::string& session_id,
                                                      const std::string& email, int64_t amount,
                                                      const std::string& payment_intent,
                                                      int64_t at) override {
    std::optional<Registration> paid;
    Status s = Atomically([&]() -> Status {
      int64_t id = 0;
      std::string workshop, status;
      {
        Run r(Q("SELECT id, workshop, status FROM workshop_registrations WHERE session_id = ?"),
              {session_id});
        if (!r.Row())
          return r.Finished() ? NoRegistration(session_id) : Failure("reading " + session_id);
        id = r.I(0);
        workshop = r.S(1);
        status = r.S(2);
      }
      if (status != "pending" && status != "expired") return {};  // paid before
      {
        Run u(Q("UPDATE workshop_registrations SET status = 'paid', email = ?, amount = ?,"
                " payment_intent = ?, updated = ? WHERE id = ?"),
              {email, amount, payment_intent, at, id});
        if (!u.Done()) return Failure("saving registration " + session_id);
      }
      // Paid after its hold ended: the seat is taken again, even below zero (the payment
      // happened; `registrants` shows the overbooking).
      if (status == "expired") {
        if (auto g = GiveSeats(workshop, -1); !g) return g;
      }
      auto r = RegistrationWhere("WHERE id = ?", id);
      if (!r) return r.error();
      paid = std::move(*r);
      return {};
    });
    if (!s) return s.error();
    return paid;
  }

  Result<std::vector<Registration>> CancelWorkshop(const std::string& slug, int64_t now) override {
    std::vector<Registration> out;
    Status s = Atomically([&]() -> Status {
      std::vector<int64_t> ids;
      {
        Run c(Q("UPDATE workshops SET cancelled = 1 WHERE slug = ?"), {slug});
        if (!c.Done()) return Failure("cancelling workshop " + slug);
      }
      {
        Run r(Q("UPDATE workshop_registrations SET status = 'cancelled', updated = ?"
                " WHERE workshop = ? AND status IN ('paid', 'free') RETURNING id"),
              {now, slug});
        while (r.Row()) ids.push_back(r.I(0));
        if (!r.Finished()) return Failure("cancelling workshop " + slug);
      }
      std::sort(ids.begin(), ids.end());
      for (int64_t id : ids) {
        auto r = RegistrationWhere("WHERE id = ?", id);
        if (!r) return r.error();
        if (*r) out.push_back(std::move(**r));
      }
      return GiveSeats(slug, static_cast<int64_t>(ids.size()));
    });
    if (!s) return s.error();
    return out;
  }

  Result<bool> MarkRefunded(int64_t id, int64_t now) override {
    Run r(Q("UPDATE workshop_registrations SET status = 'refunded', updated = ?"
            " WHERE id = ? AND status = 'cancelled'"),
          {now, id});
    if (!r.Done()) return Failure("saving registration " + std::to_string(id));
    return sqlite3_changes(db_) > 0;
  }

  Result<std::vector<Registration>> RegistrationsOf(const std::string& slug) override {
    return Registrations("WHERE workshop = ? ORDER BY id", slug);
  }

  Result<std::vector<Registration>> RegistrationsBy(int64_t member_id,
                                                    const std::string& email) override {
    return Registrations(
        "WHERE (member_id = ? AND member_id <> 0) OR (member_id = 0 AND email = ?) ORDER BY id",
        member_id, email);
  }

  Result<int64_t> JoinWaitlist(const std::string& slug, const std::string& email, int64_t member_id,
                               int64_t now) override {
    int64_t id = 0;
    Status s = Atomically([&]() -> Status {
      if (auto k = KnownWorkshop(slug); !k) return k;
      {
        Run r(Q("INSERT INTO workshop_waitlist (workshop, email, member_id, status, created,"
                " offer_expires) VALUES (?, ?, ?, 'waiting', ?, 0)"
                " ON CONFLICT (workshop, email) DO NOTHING"),
              {slug, email, member_id, now});
        if (!r.Done()) return Failure("joining the waitlist of " + slug);
      }
      Run q(Q("SELECT id FROM workshop_waitlist WHERE workshop = ? AND email = ?"), {slug, email});
      if (!q.Row()) return Failure("reading the waitlist of " + slug);
      id = q.I(0);
      return {};
    });
    if (!s) return s.error();
    return id;
  }

  Result<std::vector<WaitlistEntry>> OfferFreedSeats(int64_t now, int64_t offer_seconds) override {
    std::vector<WaitlistEntry> offered;
    Status s = Atomically([&]() -> Status {
      if (auto l = LapseOffers(now); !l) return l;
      for (;;) {
        int64_t id = 0;
        std::string workshop;
        {
          Run r(Q("SELECT w.id, w.workshop FROM workshop_waitlist w"
                  " JOIN workshops s ON s.slug = w.workshop"
                  " WHERE w.status = 'waiting' AND s.seats_left > 0 ORDER BY w.id LIMIT 1"),
                {});
          if (!r.Row()) {
            if (!r.Finished()) return Failure("reading the waitlist");
            break;
          }
          id = r.I(0);
          workshop = r.S(1);
        }
        if (auto t = TakeSeat(workshop); !t) return t;
        Run u(Q("UPDATE workshop_waitlist SET status = 'offered', offer_expires = ?"
                " WHERE id = ? AND status = 'waiting' RETURNING " CINEPRESS_WAITLIST_FIELDS),
              {now + offer_seconds, id});
        if (!u.Row()) return Failure("offering a seat of " + workshop);
        offered.push_back(EntryFrom(u));
      }
      return {};
    });
    if (!s) return s.error();
    return offered;
  }

  Result<std::vector<WaitlistEntry>> WaitlistOf(const std::string& slug) override {
    std::vector<WaitlistEntry> out;
    Run r(Q(CINEPRESS_WAITLIST_COLUMNS "WHERE workshop = ? ORDER BY id"), {slug});
    while (r.Row()) out.push_back(EntryFrom(r));
    if (!r.Finished()) return Failure("reading the waitlist of " + slug);
    return out;
  }

  Result<bool> MarkReminder(int64_t registration, int64_t session,
                            const std::string& kind) override {
    Run r(Q("INSERT INTO workshop_reminders (registration, session, kind) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING"),
          {registration, session, kind});
    if (!r.Done()) return Failure("recording a reminder of " + std::to_string(registration));
    return sqlite3_changes(db_) > 0;
  }

 private:
  // One of the workshop's seats, if one is left: the conditional UPDATE that keeps it unsold.
  Status TakeSeat(const std::string& slug) {
    {
      Run r(Q("UPDATE workshops SET seats_left = seats_left - 1 WHERE slug = ? AND seats_left > 0"),
            {slug});
      if (!r.Done()) return Failure("taking a seat of " + slug);
    }
    if (sqlite3_changes(db_) > 0) return {};
    if (auto k = KnownWorkshop(slug); !k) return k;
    return WorkshopFull(slug);
  }

  // The seat an open offer holds becomes the registration's.
  Status TakeOffer(int64_t entry, const Registration& g) {
    Run r(Q("UPDATE workshop_waitlist SET status = 'taken' WHERE id = ? AND workshop = ?"
            " AND status = 'offered' AND offer_expires >= ?"),
          {entry, g.workshop, g.created});
    if (!r.Done()) return Failure("taking the offer of entry " + std::to_string(entry));
    if (sqlite3_changes(db_) == 0) return NoOpenOffer(entry);
    return {};
  }

  Status GiveSeats(const std::string& slug, int64_t n) {
    Run r(Q("UPDATE workshops SET seats_left = seats_left + ? WHERE slug = ?"), {n, slug});
    if (!r.Done()) return Failure("giving back a seat of " + slug);
    return {};
  }

  Status LapseOffers(int64_t now) {
    std::vector<std::string> workshops;
    {
      Run r(Q("UPDATE workshop_waitlist SET status = 'lapsed'"
              " WHERE status = 'offered' AND offer_expires < ? RETURNING workshop"),
            {now});
      while (r.Row()) workshops.push_back(r.S(0));
      if (!r.Finished()) return Failure("ending the lapsed offers");
    }
    for (const std::string& w : workshops) {
      if (auto g = GiveSeats(w, 1); !g) return g;
    }
    return {};
  }

  Status KnownWorkshop(const std::string& slug) {
    Run r(Q("SELECT 1 FROM workshops WHERE slug = ?"), {slug});
    if (r.Row()) return {};
    if (!r.Finished()) return Failure("reading workshop " + slug);
    return NoWorkshop(slug);
  }

  template <class... Key>
  Result<std::vector<Registration>> Registrations(const char* where, const Key&... keys) {
    std::vector<Registration> out;
    Run r(Q(std::string(CINEPRESS_REGISTRATION_COLUMNS) + where), {keys...});
    while (r.Row()) out.push_back(RegistrationFrom(r));
    if (!r.Finished()) return Failure("reading the registrations");
    return out;
  }

  template <class Key>
  Result<std::optional<Registration>> RegistrationWhere(const char* where, const Key& key) {
    auto all = Registrations(where, key);
    if (!all) return all.error();
    if (all->empty()) return std::optional<Registration>();
    return std::optional<Registration>(std::move(all->front()));
  }
};

}  // namespace

Result<std::unique_ptr<WorkshopStore>> OpenSqliteWorkshopStore(const std::filesystem::path& file,
                                                               const StoreOptions& options) {
  {
    auto content = OpenSqliteContentStore(file, options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = OpenSqliteConnection(file);
  if (!db) return db.error();
  auto store = std::make_unique<SqliteWorkshopStore>(*db);
  if (auto s = store->InitConnection(); !s) return s.error();
  return std::unique_ptr<WorkshopStore>(std::move(store));
}

}  // namespace cinepress
