// MemberStore on PostgreSQL: members, grants, sessions, sign-in tokens, institutions and usage in
// the same database as the content, on a connection of its own (tables made by the store's
// migrations, src/store/pg_store.cc). Addresses compare as SQLite's COLLATE NOCASE does: ASCII
// letters without case.
#include <nlohmann/json.hpp>
#include <optional>

#include "store/article_rows.h"
#include "store/change_wait.h"
#include "store/engines.h"
#include "store/pg_connection.h"

namespace cinepress {
namespace {

#define CINEPRESS_PG_MEMBERS                                                                 \
  "SELECT id, email, name, note, labels, created, stripe_customer_id, subscribed_to_emails," \
  " deleted FROM members "
#define CINEPRESS_PG_GRANTS \
  "SELECT id, member_id, tier, until, source, note, created FROM member_grants "
#define CINEPRESS_PG_TOKENS                                                         \
  "SELECT id, link_hash, code_hash, member_id, email, purpose, new_email, created," \
  " link_expires, code_expires, attempts, used, name FROM sign_in_tokens "
#define CINEPRESS_PG_INSTITUTIONS \
  "SELECT id, name, slug, tier, seats, until, networks, domains, created FROM institutions "
// $1 and a column compared without ASCII case.
#define CINEPRESS_PG_NOCASE(column) "lower(" column " COLLATE \"C\")"

Member MemberFrom(const PgRows& r, int row) {
  Member m;
  m.id = r.Int(row, 0);
  m.email = r.Text(row, 1);
  m.name = r.Text(row, 2);
  m.note = r.Text(row, 3);
  m.labels = FromJsonList(r.Text(row, 4));
  m.created = r.Int(row, 5);
  m.stripe_customer_id = r.Text(row, 6);
  m.subscribed_to_emails = r.Int(row, 7) != 0;
  m.deleted = r.Int(row, 8) != 0;
  return m;
}

TierGrant GrantFrom(const PgRows& r, int row) {
  return TierGrant{r.Int(row, 0),  r.Int(row, 1),  r.Text(row, 2), r.Int(row, 3),
                   r.Text(row, 4), r.Text(row, 5), r.Int(row, 6)};
}

SignInToken TokenFrom(const PgRows& r, int row) {
  SignInToken t;
  t.id = r.Int(row, 0);
  t.link_hash = r.Bytes(row, 1);
  t.code_hash = r.Bytes(row, 2);
  t.member_id = r.Int(row, 3);
  t.email = r.Text(row, 4);
  t.purpose = r.Text(row, 5);
  t.new_email = r.Text(row, 6);
  t.created = r.Int(row, 7);
  t.link_expires = r.Int(row, 8);
  t.code_expires = r.Int(row, 9);
  t.attempts = static_cast<int>(r.Int(row, 10));
  t.used = r.Int(row, 11) != 0;
  t.name = r.Text(row, 12);
  return t;
}

Institution InstitutionFrom(const PgRows& r, int row) {
  Institution i;
  i.id = r.Int(row, 0);
  i.name = r.Text(row, 1);
  i.slug = r.Text(row, 2);
  i.tier = r.Text(row, 3);
  i.seats = r.Int(row, 4);
  i.until = r.Int(row, 5);
  i.networks = FromJsonList(r.Text(row, 6));
  i.domains = FromJsonList(r.Text(row, 7));
  i.created = r.Int(row, 8);
  return i;
}

#define CINEPRESS_PG_SUBSCRIPTIONS                                                             \
  "SELECT id, member_id, customer, tier, billing_interval, status, amount, currency,"          \
  " current_period_end, cancel_at_period_end, past_due_since, created, canceled_at, state_at," \
  " revoked_through FROM stripe_subscriptions "

StripeSubscription SubscriptionFrom(const PgRows& r, int row) {
  StripeSubscription s;
  s.id = r.Text(row, 0);
  s.member_id = r.Int(row, 1);
  s.customer = r.Text(row, 2);
  s.tier = r.Text(row, 3);
  s.interval = r.Text(row, 4);
  s.status = r.Text(row, 5);
  s.amount = r.Int(row, 6);
  s.currency = r.Text(row, 7);
  s.current_period_end = r.Int(row, 8);
  s.cancel_at_period_end = r.Int(row, 9) != 0;
  s.past_due_since = r.Int(row, 10);
  s.created = r.Int(row, 11);
  s.canceled_at = r.Int(row, 12);
  s.state_at = r.Int(row, 13);
  s.revoked_through = r.Int(row, 14);
  return s;
}

StripePayment PaymentFrom(const PgRows& r, int row) {
  return StripePayment{r.Text(row, 0), r.Text(row, 1), r.Text(row, 2), r.Int(row, 3),
                       r.Int(row, 4)};
}

StripePrice PriceFrom(const PgRows& r, int row) {
  return StripePrice{r.Text(row, 0), r.Text(row, 1), r.Text(row, 2),
                     r.Text(row, 3), r.Int(row, 4),  r.Text(row, 5)};
}

Donation DonationFrom(const PgRows& r, int row) {
  return Donation{r.Text(row, 0), r.Text(row, 1), r.Text(row, 2), r.Text(row, 3), r.Int(row, 4),
                  r.Text(row, 5), r.Int(row, 6),  r.Text(row, 7), r.Text(row, 8), r.Int(row, 9)};
}

#define CINEPRESS_PG_GIFTS                                                                    \
  "SELECT id, tier, months, amount, currency, buyer_email, recipient_name, recipient_email, " \
  "message, notify_at, status, token_hash, payment_intent, created, paid_at, sent_at, "       \
  "redeemed_at, redeemed_by FROM gifts "

Gift GiftFrom(const PgRows& r, int row) {
  Gift g;
  g.id = r.Text(row, 0);
  g.tier = r.Text(row, 1);
  g.months = static_cast<int>(r.Int(row, 2));
  g.amount = r.Int(row, 3);
  g.currency = r.Text(row, 4);
  g.buyer_email = r.Text(row, 5);
  g.recipient_name = r.Text(row, 6);
  g.recipient_email = r.Text(row, 7);
  g.message = r.Text(row, 8);
  g.notify_at = r.Int(row, 9);
  g.status = r.Text(row, 10);
  g.token_hash = r.Bytes(row, 11);
  g.payment_intent = r.Text(row, 12);
  g.created = r.Int(row, 13);
  g.paid_at = r.Int(row, 14);
  g.sent_at = r.Int(row, 15);
  g.redeemed_at = r.Int(row, 16);
  g.redeemed_by = r.Int(row, 17);
  return g;
}

class PgMemberStore final : public MemberStore {
 public:
  explicit PgMemberStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Status BeginTransaction() override {
    Status s = depth_ == 0 ? db_->Exec("BEGIN") : db_->Exec("SAVEPOINT s" + std::to_string(depth_));
    if (s) ++depth_;
    return s;
  }
  Status Commit() override {
    if (depth_ == 0) return MakeError(ErrorCode::kInternal, "commit without a transaction");
    --depth_;
    return depth_ == 0 ? db_->Exec("COMMIT") : db_->Exec("RELEASE s" + std::to_string(depth_));
  }
  Status Rollback() override {
    if (depth_ == 0) return MakeError(ErrorCode::kInternal, "rollback without a transaction");
    --depth_;
    if (depth_ == 0) return db_->Exec("ROLLBACK");
    const std::string name = "s" + std::to_string(depth_);
    return db_->Exec("ROLLBACK TO " + name + "; RELEASE " + name);
  }

  Result<int64_t> Version() override {
    return PgFirstInt("reading the members' version", db_->Query("SELECT n FROM member_changes"));
  }
  Result<bool> WaitForChange(std::chrono::milliseconds timeout) override {
    return changes_.Wait(timeout);
  }

  Result<int64_t> InsertMember(const Member& m) override {
    const std::string labels = ToJsonList(m.labels);
    return PgFirstInt(
        "saving member " + m.email,
        db_->Write("INSERT INTO members (email, name, note, labels, created,"
                   " stripe_customer_id, subscribed_to_emails, deleted)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                   {std::string_view(m.email), std::string_view(m.name), std::string_view(m.note),
                    std::string_view(labels), m.created, std::string_view(m.stripe_customer_id),
                    int64_t{m.subscribed_to_emails}, int64_t{m.deleted}}));
  }

  Status UpdateMember(const Member& m) override {
    const std::string labels = ToJsonList(m.labels);
    return PgWrite(
        *db_, "saving member " + m.email,
        "UPDATE members SET email = $1, name = $2, note = $3, labels = $4, created = $5,"
        " stripe_customer_id = $6, subscribed_to_emails = $7, deleted = $8 WHERE id = $9",
        {std::string_view(m.email), std::string_view(m.name), std::string_view(m.note),
         std::string_view(labels), m.created, std::string_view(m.stripe_customer_id),
         int64_t{m.subscribed_to_emails}, int64_t{m.deleted}, m.id});
  }

  Result<std::optional<Member>> FindMember(const std::string& email) override {
    return FirstOf(db_->Query(CINEPRESS_PG_MEMBERS
                              "WHERE " CINEPRESS_PG_NOCASE("email") " = " CINEPRESS_PG_NOCASE("$1"),
                              {std::string_view(email)}),
                   "reading a member", &MemberFrom);
  }

  Result<std::optional<Member>> LoadMember(int64_t id) override {
    return FirstOf(db_->Query(CINEPRESS_PG_MEMBERS "WHERE id = $1", {id}), "reading a member",
                   &MemberFrom);
  }

  Result<std::vector<Member>> LoadMembers() override {
    return RowsOf(db_->Query(CINEPRESS_PG_MEMBERS "WHERE deleted = 0 ORDER BY id"),
                  "reading members", &MemberFrom);
  }

  Status DeleteMemberRow(int64_t id) override {
    return db_->Atomically([&]() -> Status {
      if (auto s = PgWrite(*db_, "removing sign-in tokens",
                           "DELETE FROM sign_in_tokens WHERE member_id = $1", {id});
          !s) {
        return s;
      }
      return PgWrite(*db_, "removing a member", "DELETE FROM members WHERE id = $1", {id});
    });
  }

  Status SaveGrant(const TierGrant& g) override {
    return PgWrite(*db_, "saving a grant of " + g.tier,
                   "INSERT INTO member_grants (member_id, tier, until, source, note, created)"
                   " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (member_id, tier, source)"
                   " DO UPDATE SET until = $3, note = $5",
                   {g.member_id, std::string_view(g.tier), g.until, std::string_view(g.source),
                    std::string_view(g.note), g.created});
  }

  Result<int64_t> DeleteGrants(int64_t member_id, const std::string& tier,
                               const std::string& source) override {
    auto q = db_->Write(
        "DELETE FROM member_grants WHERE member_id = $1 AND ($2::text = '' OR tier = $2)"
        " AND ($3::text = '' OR source = $3) RETURNING id",
        {member_id, std::string_view(tier), std::string_view(source)});
    if (!q) return PgFailure("removing grants", q.error());
    return static_cast<int64_t>(q->size());
  }

  Result<std::vector<TierGrant>> LoadGrants(int64_t member_id) override {
    return RowsOf(
        db_->Query(CINEPRESS_PG_GRANTS "WHERE member_id = $1 ORDER BY tier, source", {member_id}),
        "reading grants", &GrantFrom);
  }

  Result<std::vector<TierGrant>> LoadAllGrants() override {
    return RowsOf(db_->Query(CINEPRESS_PG_GRANTS "ORDER BY member_id, tier"), "reading grants",
                  &GrantFrom);
  }

  Status InsertSession(const MemberSession& s) override {
    return PgWrite(*db_, "saving a session",
                   "INSERT INTO member_sessions (token_hash, member_id, created, expires, revoked)"
                   " VALUES ($1, $2, $3, $4, $5)",
                   {PgBytes{s.token_hash}, s.member_id, s.created, s.expires, int64_t{s.revoked}});
  }

  Status RevokeSession(const std::string& token_hash) override {
    return PgWrite(*db_, "revoking a session",
                   "UPDATE member_sessions SET revoked = 1 WHERE token_hash = $1",
                   {PgBytes{token_hash}});
  }

  Status RevokeSessions(int64_t member_id) override {
    return PgWrite(*db_, "revoking sessions",
                   "UPDATE member_sessions SET revoked = 1 WHERE member_id = $1 AND revoked = 0",
                   {member_id});
  }

  Status DeleteSessions(int64_t member_id) override {
    return PgWrite(*db_, "removing sessions", "DELETE FROM member_sessions WHERE member_id = $1",
                   {member_id});
  }

  Result<std::vector<MemberSession>> LoadLiveSessions(int64_t now) override {
    return RowsOf(
        db_->Query("SELECT token_hash, member_id, created, expires FROM member_sessions"
                   " WHERE revoked = 0 AND expires > $1",
                   {now}),
        "reading sessions", +[](const PgRows& r, int row) {
          return MemberSession{r.Bytes(row, 0), r.Int(row, 1), r.Int(row, 2), r.Int(row, 3), false};
        });
  }

  Result<int64_t> CountLiveSessions(int64_t member_id, int64_t now) override {
    return PgFirstInt("counting sessions",
                      db_->Query("SELECT count(*) FROM member_sessions WHERE member_id = $1"
                                 " AND revoked = 0 AND expires > $2",
                                 {member_id, now}));
  }

  Result<int64_t> InsertSignInToken(const SignInToken& t) override {
    return PgFirstInt(
        "saving a sign-in token",
        db_->Write(
            "INSERT INTO sign_in_tokens (link_hash, code_hash, member_id, email,"
            " purpose, new_email, created, link_expires, code_expires, attempts,"
            " used, name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            " RETURNING id",
            {PgBytes{t.link_hash}, PgBytes{t.code_hash}, t.member_id, std::string_view(t.email),
             std::string_view(t.purpose), std::string_view(t.new_email), t.created, t.link_expires,
             t.code_expires, int64_t{t.attempts}, int64_t{t.used}, std::string_view(t.name)}));
  }

  Result<std::optional<SignInToken>> FindSignInToken(const std::string& link_hash) override {
    return FirstOf(db_->Query(CINEPRESS_PG_TOKENS "WHERE link_hash = $1", {PgBytes{link_hash}}),
                   "reading a sign-in token", &TokenFrom);
  }

  Result<std::optional<SignInToken>> LatestSignInToken(const std::string& email) override {
    return FirstOf(
        db_->Query(CINEPRESS_PG_TOKENS
                   "WHERE " CINEPRESS_PG_NOCASE("email") " = " CINEPRESS_PG_NOCASE(
                       "$1") " AND purpose = 'sign-in' ORDER BY created DESC, id DESC LIMIT 1",
                   {std::string_view(email)}),
        "reading a sign-in token", &TokenFrom);
  }

  Result<int64_t> CountSignInTokens(const std::string& email, int64_t since) override {
    return PgFirstInt("counting sign-in tokens",
                      db_->Query("SELECT count(*) FROM sign_in_tokens WHERE " CINEPRESS_PG_NOCASE(
                                     "email") " = " CINEPRESS_PG_NOCASE("$1") " AND created >= $2",
                                 {std::string_view(email), since}));
  }

  Status UpdateSignInToken(int64_t id, int attempts, bool used) override {
    return PgWrite(*db_, "saving a sign-in token",
                   "UPDATE sign_in_tokens SET attempts = $1, used = $2 WHERE id = $3",
                   {int64_t{attempts}, int64_t{used}, id});
  }

  Status DeleteSignInTokens(int64_t member_id, const std::string& email) override {
    return PgWrite(
        *db_, "removing sign-in tokens",
        "DELETE FROM sign_in_tokens WHERE ($1::bigint <> 0 AND member_id = $1)"
        " OR " CINEPRESS_PG_NOCASE("email") " = " CINEPRESS_PG_NOCASE(
            "$2::text") " OR " CINEPRESS_PG_NOCASE("new_email") " = " CINEPRESS_PG_NOCASE("$2"),
        {member_id, std::string_view(email)});
  }

  Result<int64_t> InsertInstitution(const Institution& i) override {
    const std::string networks = ToJsonList(i.networks), domains = ToJsonList(i.domains);
    return PgFirstInt(
        "saving institution " + i.slug,
        db_->Write(
            "INSERT INTO institutions (name, slug, tier, seats, until, networks,"
            " domains, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            {std::string_view(i.name), std::string_view(i.slug), std::string_view(i.tier), i.seats,
             i.until, std::string_view(networks), std::string_view(domains), i.created}));
  }

  Status UpdateInstitution(const Institution& i) override {
    const std::string networks = ToJsonList(i.networks), domains = ToJsonList(i.domains);
    return PgWrite(
        *db_, "saving institution " + i.slug,
        "UPDATE institutions SET name = $1, slug = $2, tier = $3, seats = $4, until = $5,"
        " networks = $6, domains = $7 WHERE id = $8",
        {std::string_view(i.name), std::string_view(i.slug), std::string_view(i.tier), i.seats,
         i.until, std::string_view(networks), std::string_view(domains), i.id});
  }

  Result<std::vector<Institution>> LoadInstitutions() override {
    return RowsOf(
        db_->Query(CINEPRESS_PG_INSTITUTIONS "ORDER BY " CINEPRESS_PG_NOCASE("name") ", id"),
        "reading institutions", &InstitutionFrom);
  }

  Status DeleteInstitution(int64_t id) override {
    return PgWrite(*db_, "removing an institution", "DELETE FROM institutions WHERE id = $1", {id});
  }

  Status JoinInstitution(const InstitutionMembership& m) override {
    return PgWrite(*db_, "joining an institution",
                   "INSERT INTO institution_members (member_id, institution_id, joined)"
                   " VALUES ($1, $2, $3) ON CONFLICT (member_id) DO UPDATE SET"
                   " institution_id = $2, joined = $3",
                   {m.member_id, m.institution_id, m.joined});
  }

  Status LeaveInstitution(int64_t member_id) override {
    return PgWrite(*db_, "leaving an institution",
                   "DELETE FROM institution_members WHERE member_id = $1", {member_id});
  }

  Result<int64_t> CountInstitutionMembers(int64_t institution_id) override {
    return PgFirstInt(
        "counting an institution's members",
        db_->Query("SELECT count(*) FROM institution_members WHERE institution_id = $1",
                   {institution_id}));
  }

  Result<std::vector<InstitutionMembership>> LoadInstitutionMemberships() override {
    return RowsOf(
        db_->Query("SELECT member_id, institution_id, joined FROM institution_members"),
        "reading institutions' members", +[](const PgRows& r, int row) {
          return InstitutionMembership{r.Int(row, 0), r.Int(row, 1), r.Int(row, 2)};
        });
  }

  Status AddUsage(const UsageCount& u) override {
    return PgWrite(*db_, "counting usage",
                   "INSERT INTO institution_usage AS u (month, institution_id, path, kind, count)"
                   " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (month, institution_id, path, kind)"
                   " DO UPDATE SET count = u.count + $5",
                   {std::string_view(u.month), u.institution_id, std::string_view(u.path),
                    std::string_view(u.kind), u.count});
  }

  Result<std::vector<UsageCount>> LoadUsage(const std::string& month) override {
    return RowsOf(
        db_->Query("SELECT month, institution_id, path, kind, count"
                   " FROM institution_usage WHERE month = $1"
                   " ORDER BY institution_id, path, kind",
                   {std::string_view(month)}),
        "reading usage", +[](const PgRows& r, int row) {
          return UsageCount{r.Text(row, 0), r.Int(row, 1), r.Text(row, 2), r.Text(row, 3),
                            r.Int(row, 4)};
        });
  }

  Status InsertFeedToken(int64_t member_id, const std::string& token_hash, int64_t now) override {
    return db_->Atomically([&]() -> Status {
      if (auto s = RevokeFeedTokens(member_id); !s) return s;
      return PgWrite(*db_, "saving a feed token",
                     "INSERT INTO member_feed_tokens (token_hash, member_id, created)"
                     " VALUES ($1, $2, $3)",
                     {PgBytes{token_hash}, member_id, now});
    });
  }

  Status RevokeFeedTokens(int64_t member_id) override {
    return PgWrite(*db_, "revoking feed tokens",
                   "UPDATE member_feed_tokens SET revoked = 1 WHERE member_id = $1 AND revoked = 0",
                   {member_id});
  }

  Result<int64_t> FeedTokenMember(const std::string& token_hash) override {
    auto q =
        db_->Query("SELECT member_id FROM member_feed_tokens WHERE token_hash = $1 AND revoked = 0",
                   {PgBytes{token_hash}});
    if (!q) return PgFailure("reading a feed token", q.error());
    return q->size() > 0 ? q->Int(0, 0) : int64_t{0};
  }

  Result<std::optional<Member>> FindMemberByStripeCustomer(const std::string& customer) override {
    return FirstOf(db_->Query(CINEPRESS_PG_MEMBERS
                              "WHERE stripe_customer_id = $1 AND $1::text <> '' ORDER BY id",
                              {std::string_view(customer)}),
                   "reading a member", &MemberFrom);
  }

  Status SaveStripeSubscription(const StripeSubscription& s) override {
    return PgWrite(
        *db_, "saving subscription " + s.id,
        "INSERT INTO stripe_subscriptions (id, member_id, customer, tier, billing_interval,"
        " status, amount, currency, current_period_end, cancel_at_period_end, past_due_since,"
        " created, canceled_at, state_at, revoked_through)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        " ON CONFLICT (id) DO UPDATE SET member_id = $2, customer = $3, tier = $4,"
        " billing_interval = $5, status = $6, amount = $7, currency = $8,"
        " current_period_end = $9, cancel_at_period_end = $10, past_due_since = $11,"
        " created = $12, canceled_at = $13, state_at = $14, revoked_through = $15",
        {std::string_view(s.id), s.member_id, std::string_view(s.customer),
         std::string_view(s.tier), std::string_view(s.interval), std::string_view(s.status),
         s.amount, std::string_view(s.currency), s.current_period_end,
         int64_t{s.cancel_at_period_end}, s.past_due_since, s.created, s.canceled_at, s.state_at,
         s.revoked_through});
  }

  Result<std::optional<StripeSubscription>> LoadStripeSubscription(const std::string& id) override {
    return FirstOf(db_->Query(CINEPRESS_PG_SUBSCRIPTIONS "WHERE id = $1", {std::string_view(id)}),
                   "reading a subscription", &SubscriptionFrom);
  }

  Result<std::vector<StripeSubscription>> LoadStripeSubscriptions(int64_t member_id) override {
    return RowsOf(db_->Query(CINEPRESS_PG_SUBSCRIPTIONS
                             "WHERE $1::bigint = 0 OR member_id = $1::bigint ORDER BY id",
                             {member_id}),
                  "reading subscriptions", &SubscriptionFrom);
  }

  Result<bool> RecordStripeEvent(const std::string& id, const std::string& type,
                                 int64_t now) override {
    auto q = db_->Write(
        "INSERT INTO stripe_events (id, type, received) VALUES ($1, $2, $3)"
        " ON CONFLICT (id) DO NOTHING RETURNING id",
        {std::string_view(id), std::string_view(type), now});
    if (!q) return PgFailure("recording event " + id, q.error());
    return q->size() > 0;
  }

  Status SaveStripePayment(const StripePayment& p) override {
    return PgWrite(*db_, "saving payment " + p.payment,
                   "INSERT INTO stripe_payments (payment, invoice, subscription, period_end,"
                   " created) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (payment) DO UPDATE SET"
                   " invoice = $2, subscription = $3, period_end = $4, created = $5",
                   {std::string_view(p.payment), std::string_view(p.invoice),
                    std::string_view(p.subscription), p.period_end, p.created});
  }

  Result<std::optional<StripePayment>> LoadStripePayment(const std::string& payment) override {
    return FirstOf(db_->Query("SELECT payment, invoice, subscription, period_end, created"
                              " FROM stripe_payments WHERE payment = $1",
                              {std::string_view(payment)}),
                   "reading payment " + payment, &PaymentFrom);
  }

  Status SaveStripePrice(const StripePrice& p) override {
    return PgWrite(
        *db_, "saving the price of " + p.tier,
        "INSERT INTO stripe_prices (tier, billing_interval, price_id, product_id, amount,"
        " currency) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tier, billing_interval)"
        " DO UPDATE SET price_id = $3, product_id = $4, amount = $5, currency = $6",
        {std::string_view(p.tier), std::string_view(p.interval), std::string_view(p.price_id),
         std::string_view(p.product_id), p.amount, std::string_view(p.currency)});
  }

  Result<std::vector<StripePrice>> LoadStripePrices() override {
    return RowsOf(db_->Query("SELECT tier, billing_interval, price_id, product_id, amount, currency"
                             " FROM stripe_prices ORDER BY tier, billing_interval"),
                  "reading prices", &PriceFrom);
  }

  Result<bool> InsertDonation(const Donation& d) override {
    auto q = db_->Write(
        "INSERT INTO donations (id, kind, name, email, amount, currency, created,"
        " payment_intent, subscription, refunded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
        " $9, $10) ON CONFLICT (id) DO NOTHING RETURNING id",
        {std::string_view(d.id), std::string_view(d.kind), std::string_view(d.name),
         std::string_view(d.email), d.amount, std::string_view(d.currency), d.created,
         std::string_view(d.payment_intent), std::string_view(d.subscription), d.refunded_at});
    if (!q) return PgFailure("recording donation " + d.id, q.error());
    return q->size() > 0;
  }

  Result<std::vector<Donation>> LoadDonations() override {
    return RowsOf(db_->Query("SELECT id, kind, name, email, amount, currency, created,"
                             " payment_intent, subscription, refunded_at FROM donations"
                             " ORDER BY created, id"),
                  "reading donations", &DonationFrom);
  }

  Result<int64_t> QueueMail(const std::string& message, int64_t now) override {
    auto q = db_->Write(
        "INSERT INTO mail_outbox (created, next_attempt, attempts, message)"
        " VALUES ($1, $1, 0, $2) RETURNING id",
        {now, std::string_view(message)});
    if (!q) return PgFailure("queueing a message", q.error());
    return q->Int(0, 0);
  }

  Result<int64_t> QueueWebhook(const WebhookDelivery& d) override {
    auto q = db_->Write(
        "INSERT INTO webhook_deliveries (delivery_id, event, url, payload, created, next_attempt,"
        " attempts, status, last_error, finished)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        {std::string_view(d.delivery_id), std::string_view(d.event), std::string_view(d.url),
         std::string_view(d.payload), d.created, d.next_attempt, d.attempts,
         std::string_view(d.status), std::string_view(d.last_error), d.finished});
    if (!q) return PgFailure("queueing a webhook delivery", q.error());
    return q->Int(0, 0);
  }

  Status SaveGift(const Gift& g) override {
    return PgWrite(
        *db_, "saving gift " + g.id,
        "INSERT INTO gifts (id, tier, months, amount, currency, buyer_email, recipient_name,"
        " recipient_email, message, notify_at, status, token_hash, payment_intent, created,"
        " paid_at, sent_at, redeemed_at, redeemed_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
        " $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) ON CONFLICT (id) DO UPDATE SET"
        " tier = $2, months = $3, amount = $4, currency = $5, buyer_email = $6,"
        " recipient_name = $7, recipient_email = $8, message = $9, notify_at = $10,"
        " status = $11, token_hash = $12, payment_intent = $13, created = $14, paid_at = $15,"
        " sent_at = $16, redeemed_at = $17, redeemed_by = $18",
        {std::string_view(g.id), std::string_view(g.tier), int64_t{g.months}, g.amount,
         std::string_view(g.currency), std::string_view(g.buyer_email),
         std::string_view(g.recipient_name), std::string_view(g.recipient_email),
         std::string_view(g.message), g.notify_at, std::string_view(g.status),
         PgBytes{g.token_hash}, std::string_view(g.payment_intent), g.created, g.paid_at, g.sent_at,
         g.redeemed_at, g.redeemed_by});
  }

  Result<std::optional<Gift>> LoadGift(const std::string& id) override {
    return FirstOf(db_->Query(CINEPRESS_PG_GIFTS "WHERE id = $1", {std::string_view(id)}),
                   "reading a gift", &GiftFrom);
  }

  Result<std::vector<Gift>> LoadGifts() override {
    return RowsOf(db_->Query(CINEPRESS_PG_GIFTS "ORDER BY created, id"), "reading gifts",
                  &GiftFrom);
  }

  Result<bool> MarkGiftRedeemed(const std::string& id, int64_t member_id, int64_t at) override {
    auto q = db_->Write(
        "UPDATE gifts SET status = 'redeemed', redeemed_by = $1, redeemed_at = $2"
        " WHERE id = $3 AND status = 'sent' RETURNING id",
        {member_id, at, std::string_view(id)});
    if (!q) return PgFailure("redeeming gift " + id, q.error());
    return q->size() > 0;
  }

  Result<int64_t> MarkDonationsRefunded(const std::string& payment, int64_t at) override {
    auto q = db_->Write(
        "UPDATE donations SET refunded_at = $2"
        " WHERE (payment_intent = $1 OR id = $1) AND $1 != '' AND refunded_at = 0 RETURNING id",
        {std::string_view(payment), at});
    if (!q) return PgFailure("marking the donations of " + payment + " refunded", q.error());
    return static_cast<int64_t>(q->size());
  }

 private:
  std::unique_ptr<PgConnection> db_;
  int depth_ = 0;  // open transactions (the outer one and its savepoints)
  PgChangeListener changes_{*db_, "members"};
};

#undef CINEPRESS_PG_MEMBERS
#undef CINEPRESS_PG_GRANTS
#undef CINEPRESS_PG_TOKENS
#undef CINEPRESS_PG_INSTITUTIONS
#undef CINEPRESS_PG_NOCASE

}  // namespace

Result<std::unique_ptr<MemberStore>> OpenPgMemberStore(const StoreOptions& options) {
  {
    auto content = OpenPgContentStore(options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = PgConnection::Open(options.url, options.password);
  if (!db) return db.error();
  return std::unique_ptr<MemberStore>(std::make_unique<PgMemberStore>(std::move(*db)));
}

}  // namespace cinepress
