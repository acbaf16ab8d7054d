// WorkshopStore on PostgreSQL: workshops, seats, registrations and the waitlist in the same
// database as the content, on a connection of its own (tables made by the store's migrations,
// src/store/pg_store.cc). A seat is taken by one conditional UPDATE (`seats_left > 0`): its row
// lock makes a second buyer of the last seat wait, then find none left. A registration changes
// state after its row is locked, so two deliveries of one event cannot both apply it.
#include <algorithm>

#include "store/engines.h"
#include "store/pg_connection.h"
#include "store/workshop_rows.h"

namespace cinepress {
namespace {

Registration RegistrationFrom(const PgRows& r, int i) {
  return Registration{r.Int(i, 0),   r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4),
                      r.Text(i, 5),  r.Int(i, 6),  r.Text(i, 7), r.Int(i, 8),  r.Text(i, 9),
                      r.Text(i, 10), r.Int(i, 11), r.Int(i, 12), r.Int(i, 13)};
}

WaitlistEntry EntryFrom(const PgRows& r, int i) {
  return WaitlistEntry{r.Int(i, 0),  r.Text(i, 1), r.Text(i, 2), r.Int(i, 3),
                       r.Text(i, 4), r.Int(i, 5),  r.Int(i, 6)};
}

Workshop WorkshopFrom(const PgRows& r, int i) {
  Workshop w;
  w.slug = r.Text(i, 0);
  w.title = r.Text(i, 1);
  w.seats = r.Int(i, 2);
  w.seats_left = r.Int(i, 3);
  ReadWorkshopData(r.Text(i, 4), w);
  w.cancelled = r.Int(i, 5) != 0;
  return w;
}

class PgWorkshopStore final : public WorkshopStore {
 public:
  explicit PgWorkshopStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Status SaveWorkshop(const Workshop& w) override {
    const std::string data = WorkshopData(w);
    return PgWrite(
        *db_, "saving workshop " + w.slug,
        "INSERT INTO workshops (slug, title, seats, seats_left, data)"
        " VALUES ($1, $2, $3, $3, $4) ON CONFLICT (slug) DO UPDATE SET"
        " title = excluded.title, data = excluded.data,"
        " seats_left = workshops.seats_left + excluded.seats - workshops.seats,"
        " seats = excluded.seats",
        {std::string_view(w.slug), std::string_view(w.title), w.seats, std::string_view(data)});
  }

  Result<std::vector<Workshop>> LoadWorkshops() override {
    return RowsOf(db_->Query("SELECT slug, title, seats, seats_left, data, cancelled FROM workshops"
                             " ORDER BY slug"),
                  "reading the workshops", &WorkshopFrom);
  }

  Status DeleteWorkshop(const std::string& slug) override {
    return PgWrite(*db_, "removing workshop " + slug, "DELETE FROM workshops WHERE slug = $1",
                   {std::string_view(slug)});
  }

  Result<int64_t> StartRegistration(const Registration& g, int64_t offer) override {
    int64_t id = 0;
    Status s = db_->Atomically([&]() -> Status {
      if (auto t = offer ? TakeOffer(offer, g) : TakeSeat(g.workshop); !t) return t;
      auto q = PgFirstInt(
          "saving registration " + g.reference,
          db_->Write("INSERT INTO workshop_registrations (workshop, reference, status, email,"
                     " member_id, name, amount, currency, payment_intent, created, expires_at,"
                     " updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10, $9)"
                     " RETURNING id",
                     {std::string_view(g.workshop), std::string_view(g.reference),
                      std::string_view(g.status), std::string_view(g.email), g.member_id,
                      std::string_view(g.name), g.amount, std::string_view(g.currency), g.created,
                      g.expires_at}));
      if (!q) return q.error();
      id = *q;
      return {};
    });
    if (!s) return s.error();
    return id;
  }

  Status SetRegistrationSession(int64_t id, const std::string& session_id) override {
    auto q = db_->Write(
        "UPDATE workshop_registrations SET session_id = $1 WHERE id = $2"
        " RETURNING id",
        {std::string_view(session_id), id});
    if (!q) return PgFailure("saving registration " + std::to_string(id), q.error());
    if (q->size() == 0) return NoRegistration(std::to_string(id));
    return {};
  }

  Result<bool> ExpireRegistration(const std::string& session_id, int64_t now) override {
    bool expired = false;
    Status s = db_->Atomically([&]() -> Status {
      auto q = db_->Write(
          "UPDATE workshop_registrations SET status = 'expired', updated = $1"
          " WHERE session_id = $2 AND status = 'pending' RETURNING workshop",
          {now, std::string_view(session_id)});
      if (!q) return PgFailure("saving " + session_id, q.error());
      if (q->size() == 0) return {};
      expired = true;
      return GiveSeats(q->Text(0, 0), 1);
    });
    if (!s) return s.error();
    return expired;
  }

  Result<std::vector<int64_t>> ExpireAbandonedRegistrations(int64_t now) override {
    std::vector<int64_t> ids;
    Status s = db_->Atomically([&]() -> Status {
      auto q = db_->Write(
          "UPDATE workshop_registrations SET status = 'expired', updated = $1"
          " WHERE status = 'pending' AND expires_at < $1 RETURNING id, workshop",
          {now});
      if (!q) return PgFailure("expiring the abandoned registrations", q.error());
      for (int r = 0; r < q->size(); ++r) {
        ids.push_back(q->Int(r, 0));
        if (auto g = GiveSeats(q->Text(r, 1), 1); !g) return g;
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
    Status s = db_->Atomically([&]() -> Status {
      auto q = db_->Query(
          "SELECT id, workshop, status FROM workshop_registrations WHERE session_id = $1"
          " FOR UPDATE",
          {std::string_view(session_id)});
      if (!q) return PgFailure("reading " + session_id, q.error());
      if (q->size() == 0) return NoRegistration(session_id);
      const int64_t id = q->Int(0, 0);
      const std::string workshop = q->Text(0, 1), status = q->Text(0, 2);
      if (status != "pending" && status != "expired") return {};  // paid before
      auto u = db_->Write(
          "UPDATE workshop_registrations SET status = 'paid', email = $1, amount = $2,"
          " payment_intent = $3, updated = $4 WHERE id = $5 "
          "RETURNING " CINEPRESS_REGISTRATION_FIELDS,
          {std::string_view(email), amount, std::string_view(payment_intent), at, id});
      if (!u) return PgFailure("saving registration " + session_id, u.error());
      // Paid after its hold ended: the seat is taken again, even below zero (the payment
      // happened; `registrants` shows the overbooking).
      if (status == "expired") {
        if (auto g = GiveSeats(workshop, -1); !g) return g;
      }
      paid = RegistrationFrom(*u, 0);
      return {};
    });
    if (!s) return s.error();
    return paid;
  }

  Result<std::vector<Registration>> CancelWorkshop(const std::string& slug, int64_t now) override {
    std::vector<Registration> out;
    Status s = db_->Atomically([&]() -> Status {
      if (auto c = PgWrite(*db_, "cancelling workshop " + slug,
                           "UPDATE workshops SET cancelled = 1 WHERE slug = $1",
                           {std::string_view(slug)});
          !c) {
        return c;
      }
      auto q = RowsOf(db_->Write("UPDATE workshop_registrations SET status = 'cancelled',"
                                 " updated = $1 WHERE workshop = $2 AND status IN ('paid', 'free')"
                                 " RETURNING " CINEPRESS_REGISTRATION_FIELDS,
                                 {now, std::string_view(slug)}),
                      "cancelling workshop " + slug, &RegistrationFrom);
      if (!q) return q.error();
      out = std::move(*q);
      std::sort(out.begin(), out.end(),
                [](const Registration& a, const Registration& b) { return a.id < b.id; });
      return GiveSeats(slug, static_cast<int64_t>(out.size()));
    });
    if (!s) return s.error();
    return out;
  }

  Result<bool> MarkRefunded(int64_t id, int64_t now) override {
    auto q = db_->Write(
        "UPDATE workshop_registrations SET status = 'refunded', updated = $1"
        " WHERE id = $2 AND status = 'cancelled' RETURNING id",
        {now, id});
    if (!q) return PgFailure("saving registration " + std::to_string(id), q.error());
    return q->size() > 0;
  }

  Result<std::vector<Registration>> RegistrationsOf(const std::string& slug) override {
    return RowsOf(db_->Query(CINEPRESS_REGISTRATION_COLUMNS "WHERE workshop = $1 ORDER BY id",
                             {std::string_view(slug)}),
                  "reading the registrations of " + slug, &RegistrationFrom);
  }

  Result<std::vector<Registration>> RegistrationsBy(int64_t member_id,
                                                    const std::string& email) override {
    return RowsOf(db_->Query(CINEPRESS_REGISTRATION_COLUMNS
                             "WHERE (member_id = $1 AND member_id <> 0) OR (member_id = 0 AND "
                             "email = $2) ORDER BY id",
                             {member_id, std::string_view(email)}),
                  "reading the registrations", &RegistrationFrom);
  }

  Result<int64_t> JoinWaitlist(const std::string& slug, const std::string& email, int64_t member_id,
                               int64_t now) override {
    int64_t id = 0;
    Status s = db_->Atomically([&]() -> Status {
      if (auto k = KnownWorkshop(slug); !k) return k;
      if (auto w = PgWrite(*db_, "joining the waitlist of " + slug,
                           "INSERT INTO workshop_waitlist (workshop, email, member_id, status,"
                           " created, offer_expires) VALUES ($1, $2, $3, 'waiting', $4, 0)"
                           " ON CONFLICT (workshop, email) DO NOTHING",
                           {std::string_view(slug), std::string_view(email), member_id, now});
          !w) {
        return w;
      }
      auto q = PgFirstInt("reading the waitlist of " + slug,
                          db_->Query("SELECT id FROM workshop_waitlist"
                                     " WHERE workshop = $1 AND email = $2",
                                     {std::string_view(slug), std::string_view(email)}));
      if (!q) return q.error();
      id = *q;
      return {};
    });
    if (!s) return s.error();
    return id;
  }

  Result<std::vector<WaitlistEntry>> OfferFreedSeats(int64_t now, int64_t offer_seconds) override {
    std::vector<WaitlistEntry> offered;
    Status s = db_->Atomically([&]() -> Status {
      if (auto l = LapseOffers(now); !l) return l;
      for (;;) {
        auto q = db_->Query(
            "SELECT w.id, w.workshop FROM workshop_waitlist w"
            " JOIN workshops s ON s.slug = w.workshop"
            " WHERE w.status = 'waiting' AND s.seats_left > 0 ORDER BY w.id LIMIT 1");
        if (!q) return PgFailure("reading the waitlist", q.error());
        if (q->size() == 0) break;
        const int64_t id = q->Int(0, 0);
        const std::string workshop = q->Text(0, 1);
        if (auto t = TakeSeat(workshop); !t) return t;
        auto u = RowsOf(db_->Write("UPDATE workshop_waitlist SET status = 'offered',"
                                   " offer_expires = $1 WHERE id = $2 AND status = 'waiting'"
                                   " RETURNING " CINEPRESS_WAITLIST_FIELDS,
                                   {now + offer_seconds, id}),
                        "offering a seat of " + workshop, &EntryFrom);
        if (!u) return u.error();
        offered.insert(offered.end(), u->begin(), u->end());
      }
      return {};
    });
    if (!s) return s.error();
    return offered;
  }

  Result<std::vector<WaitlistEntry>> WaitlistOf(const std::string& slug) override {
    return RowsOf(db_->Query(CINEPRESS_WAITLIST_COLUMNS "WHERE workshop = $1 ORDER BY id",
                             {std::string_view(slug)}),
                  "reading the waitlist of " + slug, &EntryFrom);
  }

  Result<bool> MarkReminder(int64_t registration, int64_t session,
                            const std::string& kind) override {
    auto q = db_->Write(
        "INSERT INTO workshop_reminders (registration, session, kind) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING RETURNING registration",
        {registration, session, std::string_view(kind)});
    if (!q) {
      return PgFailure("recording a reminder of " + std::to_string(registration), q.error());
    }
    return q->size() > 0;
  }

 private:
  // One of the workshop's seats, if one is left: the conditional UPDATE that keeps it unsold.
  Status TakeSeat(const std::string& slug) {
    auto q = db_->Write(
        "UPDATE workshops SET seats_left = seats_left - 1 WHERE slug = $1 AND seats_left > 0"
        " RETURNING slug",
        {std::string_view(slug)});
    if (!q) return PgFailure("taking a seat of " + slug, q.error());
    if (q->size() > 0) return {};
    if (auto k = KnownWorkshop(slug); !k) return k;
    return WorkshopFull(slug);
  }

  // The seat an open offer holds becomes the registration's.
  Status TakeOffer(int64_t entry, const Registration& g) {
    auto q = db_->Write(
        "UPDATE workshop_waitlist SET status = 'taken' WHERE id = $1 AND workshop = $2"
        " AND status = 'offered' AND offer_expires >= $3 RETURNING id",
        {entry, std::string_view(g.workshop), g.created});
    if (!q) return PgFailure("taking the offer of entry " + std::to_string(entry), q.error());
    if (q->size() == 0) return NoOpenOffer(entry);
    return {};
  }

  Status GiveSeats(const std::string& slug, int64_t n) {
    return PgWrite(*db_, "giving back a seat of " + slug,
                   "UPDATE workshops SET seats_left = seats_left + $1 WHERE slug = $2",
                   {n, std::string_view(slug)});
  }

  Status LapseOffers(int64_t now) {
    auto q = db_->Write(
        "UPDATE workshop_waitlist SET status = 'lapsed'"
        " WHERE status = 'offered' AND offer_expires < $1 RETURNING workshop",
        {now});
    if (!q) return PgFailure("ending the lapsed offers", q.error());
    for (int r = 0; r < q->size(); ++r) {
      if (auto g = GiveSeats(q->Text(r, 0), 1); !g) return g;
    }
    return {};
  }

  Status KnownWorkshop(const std::string& slug) {
    auto q = db_->Query("SELECT 1 FROM workshops WHERE slug = $1", {std::string_view(slug)});
    if (!q) return PgFailure("reading workshop " + slug, q.error());
    if (q->size() == 0) return NoWorkshop(slug);
    return {};
  }

  std::unique_ptr<PgConnection> db_;
};

}  // namespace

Result<std::unique_ptr<WorkshopStore>> OpenPgWorkshopStore(const StoreOptions& options) {
  {
    auto content = OpenPgContentStore(options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = PgConnection::Open(options.url, options.password);
  if (!db) return db.error();
  return std::unique_ptr<WorkshopStore>(std::make_unique<PgWorkshopStore>(std::move(*db)));
}

}  // namespace cinepress
