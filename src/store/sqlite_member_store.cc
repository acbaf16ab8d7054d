// MemberStore on SQLite: members, grants, sessions, sign-in tokens, institutions and usage in the
// same database file as the content, on a connection of its own (tables made by the store's
// migrations, src/store/sqlite_store.cc).
#include <sqlite3.h>

#include <map>
#include <nlohmann/json.hpp>

#include "store/article_rows.h"
#include "store/change_wait.h"
#include "store/engines.h"
#include "store/open_store.h"
#include "store/sqlite_statement.h"

namespace cinepress {
namespace {

constexpr const char* kMemberColumns =
    "SELECT id, email, name, note, labels, created, stripe_customer_id, subscribed_to_emails,"
    " deleted FROM members ";

Member MemberFrom(const Run& r) {
  Member m;
  m.id = r.I(0);
  m.email = r.S(1);
  m.name = r.S(2);
  m.note = r.S(3);
  m.labels = FromJsonList(r.S(4));
  m.created = r.I(5);
  m.stripe_customer_id = r.S(6);
  m.subscribed_to_emails = r.I(7) != 0;
  m.deleted = r.I(8) != 0;
  return m;
}

constexpr const char* kGrantColumns =
    "SELECT id, member_id, tier, until, source, note, created FROM member_grants ";

TierGrant GrantFrom(const Run& r) {
  return TierGrant{r.I(0), r.I(1), r.S(2), r.I(3), r.S(4), r.S(5), r.I(6)};
}

constexpr const char* kTokenColumns =
    "SELECT id, link_hash, code_hash, member_id, email, purpose, new_email, created,"
    " link_expires, code_expires, attempts, used, name FROM sign_in_tokens ";

SignInToken TokenFrom(const Run& r) {
  SignInToken t;
  t.id = r.I(0);
  t.link_hash = r.B(1);
  t.code_hash = r.B(2);
  t.member_id = r.I(3);
  t.email = r.S(4);
  t.purpose = r.S(5);
  t.new_email = r.S(6);
  t.created = r.I(7);
  t.link_expires = r.I(8);
  t.code_expires = r.I(9);
  t.attempts = static_cast<int>(r.I(10));
  t.used = r.I(11) != 0;
  t.name = r.S(12);
  return t;
}

constexpr const char* kInstitutionColumns =
    "SELECT id, name, slug, tier, seats, until, networks, domains, created FROM institutions ";

Institution InstitutionFrom(const Run& r) {
  Institution i;
  i.id = r.I(0);
  i.name = r.S(1);
  i.slug = r.S(2);
  i.tier = r.S(3);
  i.seats = r.I(4);
  i.until = r.I(5);
  i.networks = FromJsonList(r.S(6));
  i.domains = FromJsonList(r.S(7));
  i.created = r.I(8);
  return i;
}

constexpr const char* kSubscriptionColumns =
    "SELECT id, member_id, customer, tier, billing_interval, status, amount, currency,"
    " current_period_end, cancel_at_period_end, past_due_since, created, canceled_at, state_at,"
    " revoked_through FROM stripe_subscriptions ";

StripeSubscription SubscriptionFrom(const Run& r) {
  StripeSubscription s;
  s.id = r.S(0);
  s.member_id = r.I(1);
  s.customer = r.S(2);
  s.tier = r.S(3);
  s.interval = r.S(4);
  s.status = r.S(5);
  s.amount = r.I(6);
  s.currency = r.S(7);
  s.current_period_end = r.I(8);
  s.cancel_at_period_end = r.I(9) != 0;
  s.past_due_since = r.I(10);
  s.created = r.I(11);
  s.canceled_at = r.I(12);
  s.state_at = r.I(13);
  s.revoked_through = r.I(14);
  return s;
}

class SqliteMemberStore final : public MemberStore, private SqliteConnection {
 public:
  explicit SqliteMemberStore(sqlite3* db) : SqliteConnection(db) {}
  using SqliteConnection::InitConnection;

  Status BeginTransaction() override {
    Status s = depth_ == 0 ? Exec("BEGIN IMMEDIATE")
                           : Exec(("SAVEPOINT s" + std::to_string(depth_)).c_str());
    if (s) ++depth_;
    return s;
  }
  Status Commit() override {
    if (depth_ == 0) return MakeError(ErrorCode::kInternal, "commit without a transaction");
    --depth_;
    return depth_ == 0 ? Exec("COMMIT") : Exec(("RELEASE s" + std::to_string(depth_)).c_str());
  }
  Status Rollback() override {
    if (depth_ == 0) return MakeError(ErrorCode::kInternal, "rollback without a transaction");
    --depth_;
    if (depth_ == 0) return Exec("ROLLBACK");
    const std::string name = "s" + std::to_string(depth_);
    return Exec(("ROLLBACK TO " + name + "; RELEASE " + name).c_str());
  }

  Result<int64_t> Version() override {
    Run r(Q("SELECT n FROM member_changes"), {});
    if (!r.Row()) return Failure("reading the members' version");
    return r.I(0);
  }
  Result<bool> WaitForChange(std::chrono::milliseconds timeout) override {
    return changes_.Wait([this] { return Version(); }, timeout);
  }

  Result<int64_t> InsertMember(const Member& m) override {
    Run r(Q("INSERT INTO members (email, name, note, labels, created, stripe_customer_id,"
            " subscribed_to_emails, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
          {m.email, m.name, m.note, ToJsonList(m.labels), m.created, m.stripe_customer_id,
           int64_t{m.subscribed_to_emails}, int64_t{m.deleted}});
    if (!r.Done()) return Conflict("saving member " + m.email);
    return sqlite3_last_insert_rowid(db_);
  }

  Status UpdateMember(const Member& m) override {
    Run r(Q("UPDATE members SET email = ?, name = ?, note = ?, labels = ?, created = ?,"
            " stripe_customer_id = ?, subscribed_to_emails = ?, deleted = ? WHERE id = ?"),
          {m.email, m.name, m.note, ToJsonList(m.labels), m.created, m.stripe_customer_id,
           int64_t{m.subscribed_to_emails}, int64_t{m.deleted}, m.id});
    if (!r.Done()) return Conflict("saving member " + m.email);
    return {};
  }

  Result<std::optional<Member>> FindMember(const std::string& email) override {
    return OneMember(std::string(kMemberColumns) + "WHERE email = ?", email);
  }

  Result<std::optional<Member>> LoadMember(int64_t id) override {
    return OneMember(std::string(kMemberColumns) + "WHERE id = ?", id);
  }

  Result<std::vector<Member>> LoadMembers() override {
    std::vector<Member> out;
    Run r(Q(std::string(kMemberColumns) + "WHERE deleted = 0 ORDER BY id"), {});
    while (r.Row()) out.push_back(MemberFrom(r));
    if (!r.Finished()) return Failure("reading members");
    return out;
  }

  Status DeleteMemberRow(int64_t id) override {
    {
      Run r(Q("DELETE FROM sign_in_tokens WHERE member_id = ?"), {id});
      if (!r.Done()) return Failure("removing sign-in tokens");
    }
    Run r(Q("DELETE FROM members WHERE id = ?"), {id});
    if (!r.Done()) return Failure("removing a member");
    return {};
  }

  Status SaveGrant(const TierGrant& g) override {
    Run r(Q("INSERT INTO member_grants (member_id, tier, until, source, note, created)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (member_id, tier, source)"
            " DO UPDATE SET until = ?3, note = ?5"),
          {g.member_id, g.tier, g.until, g.source, g.note, g.created});
    if (!r.Done()) return Failure("saving a grant of " + g.tier);
    return {};
  }

  Result<int64_t> DeleteGrants(int64_t member_id, const std::string& tier,
                               const std::string& source) override {
    Run r(Q("DELETE FROM member_grants WHERE member_id = ?1 AND (?2 = '' OR tier = ?2)"
            " AND (?3 = '' OR source = ?3)"),
          {member_id, tier, source});
    if (!r.Done()) return Failure("removing grants");
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Result<std::vector<TierGrant>> LoadGrants(int64_t member_id) override {
    return Grants(std::string(kGrantColumns) + "WHERE member_id = ? ORDER BY tier, source",
                  member_id);
  }

  Result<std::vector<TierGrant>> LoadAllGrants() override {
    return Grants(std::string(kGrantColumns) + "WHERE ? = 0 ORDER BY member_id, tier", 0);
  }

  Status InsertSession(const MemberSession& s) override {
    Run r(Q("INSERT INTO member_sessions (token_hash, member_id, created, expires, revoked)"
            " VALUES (?, ?, ?, ?, ?)"),
          {SqlBlob{s.token_hash}, s.member_id, s.created, s.expires, int64_t{s.revoked}});
    if (!r.Done()) return Failure("saving a session");
    return {};
  }

  Status RevokeSession(const std::string& token_hash) override {
    Run r(Q("UPDATE member_sessions SET revoked = 1 WHERE token_hash = ?"), {SqlBlob{token_hash}});
    if (!r.Done()) return Failure("revoking a session");
    return {};
  }

  Status RevokeSessions(int64_t member_id) override {
    Run r(Q("UPDATE member_sessions SET revoked = 1 WHERE member_id = ? AND revoked = 0"),
          {member_id});
    if (!r.Done()) return Failure("revoking sessions");
    return {};
  }

  Status DeleteSessions(int64_t member_id) override {
    Run r(Q("DELETE FROM member_sessions WHERE member_id = ?"), {member_id});
    if (!r.Done()) return Failure("removing sessions");
    return {};
  }

  Result<std::vector<MemberSession>> LoadLiveSessions(int64_t now) override {
    std::vector<MemberSession> out;
    Run r(Q("SELECT token_hash, member_id, created, expires FROM member_sessions"
            " WHERE revoked = 0 AND expires > ?"),
          {now});
    while (r.Row()) out.push_back(MemberSession{r.B(0), r.I(1), r.I(2), r.I(3), false});
    if (!r.Finished()) return Failure("reading sessions");
    return out;
  }

  Result<int64_t> CountLiveSessions(int64_t member_id, int64_t now) override {
    Run r(Q("SELECT count(*) FROM member_sessions WHERE member_id = ? AND revoked = 0"
            " AND expires > ?"),
          {member_id, now});
    if (!r.Row()) return Failure("counting sessions");
    return r.I(0);
  }

  Result<int64_t> InsertSignInToken(const SignInToken& t) override {
    Run r(
        Q("INSERT INTO sign_in_tokens (link_hash, code_hash, member_id, email, purpose,"
          " new_email, created, link_expires, code_expires, attempts, used, name)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {SqlBlob{t.link_hash}, SqlBlob{t.code_hash}, t.member_id, t.email, t.purpose, t.new_email,
         t.created, t.link_expires, t.code_expires, int64_t{t.attempts}, int64_t{t.used}, t.name});
    if (!r.Done()) return Failure("saving a sign-in token");
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::optional<SignInToken>> FindSignInToken(const std::string& link_hash) override {
    Run r(Q(std::string(kTokenColumns) + "WHERE link_hash = ?"), {SqlBlob{link_hash}});
    if (r.Row()) return std::optional<SignInToken>(TokenFrom(r));
    if (!r.Finished()) return Failure("reading a sign-in token");
    return std::optional<SignInToken>();
  }

  Result<std::optional<SignInToken>> LatestSignInToken(const std::string& email) override {
    Run r(Q(std::string(kTokenColumns) +
            "WHERE email = ? AND purpose = 'sign-in' ORDER BY created DESC, id DESC LIMIT 1"),
          {email});
    if (r.Row()) return std::optional<SignInToken>(TokenFrom(r));
    if (!r.Finished()) return Failure("reading a sign-in token");
    return std::optional<SignInToken>();
  }

  Result<int64_t> CountSignInTokens(const std::string& email, int64_t since) override {
    Run r(Q("SELECT count(*) FROM sign_in_tokens WHERE email = ? AND created >= ?"),
          {email, since});
    if (!r.Row()) return Failure("counting sign-in tokens");
    return r.I(0);
  }

  Status UpdateSignInToken(int64_t id, int attempts, bool used) override {
    Run r(Q("UPDATE sign_in_tokens SET attempts = ?, used = ? WHERE id = ?"),
          {int64_t{attempts}, int64_t{used}, id});
    if (!r.Done()) return Failure("saving a sign-in token");
    return {};
  }

  Status DeleteSignInTokens(int64_t member_id, const std::string& email) override {
    Run r(Q("DELETE FROM sign_in_tokens WHERE (?1 <> 0 AND member_id = ?1) OR email = ?2"
            " OR new_email = ?2 COLLATE NOCASE"),
          {member_id, email});
    if (!r.Done()) return Failure("removing sign-in tokens");
    return {};
  }

  Result<int64_t> InsertInstitution(const Institution& i) override {
    Run r(Q("INSERT INTO institutions (name, slug, tier, seats, until, networks, domains,"
            " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
          {i.name, i.slug, i.tier, i.seats, i.until, ToJsonList(i.networks), ToJsonList(i.domains),
           i.created});
    if (!r.Done()) return Conflict("saving institution " + i.slug);
    return sqlite3_last_insert_rowid(db_);
  }

  Status UpdateInstitution(const Institution& i) override {
    Run r(Q("UPDATE institutions SET name = ?, slug = ?, tier = ?, seats = ?, until = ?,"
            " networks = ?, domains = ? WHERE id = ?"),
          {i.name, i.slug, i.tier, i.seats, i.until, ToJsonList(i.networks), ToJsonList(i.domains),
           i.id});
    if (!r.Done()) return Conflict("saving institution " + i.slug);
    return {};
  }

  Result<std::vector<Institution>> LoadInstitutions() override {
    std::vector<Institution> out;
    Run r(Q(std::string(kInstitutionColumns) + "ORDER BY name COLLATE NOCASE, id"), {});
    while (r.Row()) out.push_back(InstitutionFrom(r));
    if (!r.Finished()) return Failure("reading institutions");
    return out;
  }

  Status DeleteInstitution(int64_t id) override {
    Run r(Q("DELETE FROM institutions WHERE id = ?"), {id});
    if (!r.Done()) return Failure("removing an institution");
    return {};
  }

  Status JoinInstitution(const InstitutionMembership& m) override {
    Run r(Q("INSERT INTO institution_members (member_id, institution_id, joined)"
            " VALUES (?1, ?2, ?3) ON CONFLICT (member_id) DO UPDATE SET institution_id = ?2,"
            " joined = ?3"),
          {m.member_id, m.institution_id, m.joined});
    if (!r.Done()) return Failure("joining an institution");
    return {};
  }

  Status LeaveInstitution(int64_t member_id) override {
    Run r(Q("DELETE FROM institution_members WHERE member_id = ?"), {member_id});
    if (!r.Done()) return Failure("leaving an institution");
    return {};
  }

  Result<int64_t> CountInstitutionMembers(int64_t institution_id) override {
    Run r(Q("SELECT count(*) FROM institution_members WHERE institution_id = ?"), {institution_id});
    if (!r.Row()) return Failure("counting an institution's members");
    return r.I(0);
  }

  Result<std::vector<InstitutionMembership>> LoadInstitutionMemberships() override {
    std::vector<InstitutionMembership> out;
    Run r(Q("SELECT member_id, institution_id, joined FROM institution_members"), {});
    while (r.Row()) out.push_back(InstitutionMembership{r.I(0), r.I(1), r.I(2)});
    if (!r.Finished()) return Failure("reading institutions' members");
    return out;
  }

  Status AddUsage(const UsageCount& u) override {
    Run r(Q("INSERT INTO institution_usage (month, institution_id, path, kind, count)"
            " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (month, institution_id, path, kind)"
            " DO UPDATE SET count = count + ?5"),
          {u.month, u.institution_id, u.path, u.kind, u.count});
    if (!r.Done()) return Failure("counting usage");
    return {};
  }

  Result<std::vector<UsageCount>> LoadUsage(const std::string& month) override {
    std::vector<UsageCount> out;
    Run r(Q("SELECT month, institution_id, path, kind, count FROM institution_usage"
            " WHERE month = ? ORDER BY institution_id, path, kind"),
          {month});
    while (r.Row()) out.push_back(UsageCount{r.S(0), r.I(1), r.S(2), r.S(3), r.I(4)});
    if (!r.Finished()) return Failure("reading usage");
    return out;
  }

  Status InsertFeedToken(int64_t member_id, const std::string& token_hash, int64_t now) override {
    if (auto s = RevokeFeedTokens(member_id); !s) return s;
    Run r(Q("INSERT INTO member_feed_tokens (token_hash, member_id, created) VALUES (?, ?, ?)"),
          {SqlBlob{token_hash}, member_id, now});
    if (!r.Done()) return Failure("saving a feed token");
    return {};
  }

  Status RevokeFeedTokens(int64_t member_id) override {
    Run r(Q("UPDATE member_feed_tokens SET revoked = 1 WHERE member_id = ? AND revoked = 0"),
          {member_id});
    if (!r.Done()) return Failure("revoking feed tokens");
    return {};
  }

  Result<int64_t> FeedTokenMember(const std::string& token_hash) override {
    Run r(Q("SELECT member_id FROM member_feed_tokens WHERE token_hash = ? AND revoked = 0"),
          {SqlBlob{token_hash}});
    if (r.Row()) return r.I(0);
    if (!r.Finished()) return Failure("reading a feed token");
    return int64_t{0};
  }

  Result<std::optional<Member>> FindMemberByStripeCustomer(const std::string& customer) override {
    return OneMember(
        std::string(kMemberColumns) + "WHERE stripe_customer_id = ?1 AND ?1 != '' ORDER BY id",
        customer);
  }

  Status SaveStripeSubscription(const StripeSubscription& s) override {
    Run r(Q("INSERT OR REPLACE INTO stripe_subscriptions (id, member_id, customer, tier,"
            " billing_interval, status, amount, currency, current_period_end,"
            " cancel_at_period_end, past_due_since, created, canceled_at, state_at,"
            " revoked_through) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
          {s.id, s.member_id, s.customer, s.tier, s.interval, s.status, s.amount, s.currency,
           s.current_period_end, int64_t{s.cancel_at_period_end}, s.past_due_since, s.created,
           s.canceled_at, s.state_at, s.revoked_through});
    if (!r.Done()) return Failure("saving subscription " + s.id);
    return {};
  }

  Result<std::optional<StripeSubscription>> LoadStripeSubscription(const std::string& id) override {
    auto all = Subscriptions(std::string(kSubscriptionColumns) + "WHERE id = ?", id);
    if (!all) return all.error();
    if (all->empty()) return std::optional<StripeSubscription>();
    return std::optional<StripeSubscription>(std::move(all->front()));
  }

  Result<std::vector<StripeSubscription>> LoadStripeSubscriptions(int64_t member_id) override {
    return Subscriptions(
        std::string(kSubscriptionColumns) + "WHERE ?1 = 0 OR member_id = ?1 ORDER BY id",
        member_id);
  }

  Result<bool> RecordStripeEvent(const std::string& id, const std::string& type,
                                 int64_t now) override {
    Run r(Q("INSERT INTO stripe_events (id, type, received) VALUES (?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING"),
          {id, type, now});
    if (!r.Done()) return Failure("recording event " + id);
    return sqlite3_changes(db_) > 0;
  }

  Status SaveStripePayment(const StripePayment& p) override {
    Run r(Q("INSERT OR REPLACE INTO stripe_payments (payment, invoice, subscription, period_end,"
            " created) VALUES (?, ?, ?, ?, ?)"),
          {p.payment, p.invoice, p.subscription, p.period_end, p.created});
    if (!r.Done()) return Failure("saving payment " + p.payment);
    return {};
  }

  Result<std::optional<StripePayment>> LoadStripePayment(const std::string& payment) override {
    Run r(Q("SELECT payment, invoice, subscription, period_end, created FROM stripe_payments"
            " WHERE payment = ?"),
          {payment});
    if (r.Row()) return std::optional<StripePayment>({r.S(0), r.S(1), r.S(2), r.I(3), r.I(4)});
    if (!r.Finished()) return Failure("reading payment " + payment);
    return std::optional<StripePayment>();
  }

  Status SaveStripePrice(const StripePrice& p) override {
    Run r(Q("INSERT OR REPLACE INTO stripe_prices (tier, billing_interval, price_id, product_id,"
            " amount, currency) VALUES (?, ?, ?, ?, ?, ?)"),
          {p.tier, p.interval, p.price_id, p.product_id, p.amount, p.currency});
    if (!r.Done()) return Failure("saving the price of " + p.tier);
    return {};
  }

  Result<std::vector<StripePrice>> LoadStripePrices() override {
    std::vector<StripePrice> out;
    Run r(Q("SELECT tier, billing_interval, price_id, product_id, amount, currency"
            " FROM stripe_prices WHERE ? = 0 ORDER BY tier, billing_interval"),
          {int64_t{0}});
    while (r.Row()) out.push_back({r.S(0), r.S(1), r.S(2), r.S(3), r.I(4), r.S(5)});
    if (!r.Finished()) return Failure("reading prices");
    return out;
  }

  Result<bool> InsertDonation(const Donation& d) override {
    Run r(Q("INSERT INTO donations (id, kind, name, email, amount, currency, created,"
            " payment_intent, subscription, refunded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING"),
          {d.id, d.kind, d.name, d.email, d.amount, d.currency, d.created, d.payment_intent,
           d.subscription, d.refunded_at});
    if (!r.Done()) return Failure("recording donation " + d.id);
    return sqlite3_changes(db_) > 0;
  }

  Result<std::vector<Donation>> LoadDonations() override {
    std::vector<Donation> out;
    Run r(Q("SELECT id, kind, name, email, amount, currency, created, payment_intent,"
            " subscription, refunded_at FROM donations WHERE ? = 0 ORDER BY created, id"),
          {int64_t{0}});
    while (r.Row()) {
      out.push_back(
          {r.S(0), r.S(1), r.S(2), r.S(3), r.I(4), r.S(5), r.I(6), r.S(7), r.S(8), r.I(9)});
    }
    if (!r.Finished()) return Failure("reading donations");
    return out;
  }

  Result<int64_t> QueueMail(const std::string& message, int64_t now) override {
    Run r(Q("INSERT INTO mail_outbox (created, next_attempt, attempts, message)"
            " VALUES (?, ?, 0, ?)"),
          {now, now, message});
    if (!r.Done()) return Failure("queueing a message");
    return sqlite3_last_insert_rowid(db_);
  }

  Result<int64_t> QueueWebhook(const WebhookDelivery& d) override {
    Run r(Q("INSERT INTO webhook_deliveries (delivery_id, event, url, payload, created,"
            " next_attempt, attempts, status, last_error, finished)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
          {d.delivery_id, d.event, d.url, d.payload, d.created, d.next_attempt, d.attempts,
           d.status, d.last_error, d.finished});
    if (!r.Done()) return Failure("queueing a webhook delivery");
    return sqlite3_last_insert_rowid(db_);
  }

  Status SaveGift(const Gift& g) override {
    Run r(Q("INSERT OR REPLACE INTO gifts (id, tier, months, amount, currency, buyer_email,"
            " recipient_name, recipient_email, message, notify_at, status, token_hash,"
            " payment_intent, created, paid_at, sent_at, redeemed_at, redeemed_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
          {g.id, g.tier, int64_t{g.months}, g.amount, g.currency, g.buyer_email, g.recipient_name,
           g.recipient_email, g.message, g.notify_at, g.status, SqlBlob{g.token_hash},
           g.payment_intent, g.created, g.paid_at, g.sent_at, g.redeemed_at, g.redeemed_by});
    if (!r.Done()) return Failure("saving gift " + g.id);
    return {};
  }

  Result<std::optional<Gift>> LoadGift(const std::string& id) override {
    auto all = Gifts("WHERE id = ?", id);
    if (!all) return all.error();
    if (all->empty()) return std::optional<Gift>();
    return std::optional<Gift>(std::move(all->front()));
  }

  Result<std::vector<Gift>> LoadGifts() override {
    return Gifts("WHERE ? = 0 ORDER BY created, id", int64_t{0});
  }

  Result<bool> MarkGiftRedeemed(const std::string& id, int64_t member_id, int64_t at) override {
    Run r(Q("UPDATE gifts SET status = 'redeemed', redeemed_by = ?, redeemed_at = ?"
            " WHERE id = ? AND status = 'sent'"),
          {member_id, at, id});
    if (!r.Done()) return Failure("redeeming gift " + id);
    return sqlite3_changes(db_) > 0;
  }

  Result<int64_t> MarkDonationsRefunded(const std::string& payment, int64_t at) override {
    Run r(Q("UPDATE donations SET refunded_at = ?2"
            " WHERE (payment_intent = ?1 OR id = ?1) AND ?1 != '' AND refunded_at = 0"),
          {payment, at});
    if (!r.Done()) return Failure("marking the donations of " + payment + " refunded");
    return int64_t{sqlite3_changes(db_)};
  }

 private:
  Result<std::vector<Gift>> Gifts(const std::string& where, SqlValue key) {
    std::vector<Gift> out;
    Run r(Q("SELECT id, tier, months, amount, currency, buyer_email, recipient_name, "
            "recipient_email, message, notify_at, status, token_hash, payment_intent, created, "
            "paid_at, sent_at, redeemed_at, redeemed_by FROM gifts " +
            where),
          {key});
    while (r.Row()) {
      Gift g;
      g.id = r.S(0);
      g.tier = r.S(1);
      g.months = static_cast<int>(r.I(2));
      g.amount = r.I(3);
      g.currency = r.S(4);
      g.buyer_email = r.S(5);
      g.recipient_name = r.S(6);
      g.recipient_email = r.S(7);
      g.message = r.S(8);
      g.notify_at = r.I(9);
      g.status = r.S(10);
      g.token_hash = r.S(11);
      g.payment_intent = r.S(12);
      g.created = r.I(13);
      g.paid_at = r.I(14);
      g.sent_at = r.I(15);
      g.redeemed_at = r.I(16);
      g.redeemed_by = r.I(17);
      out.push_back(std::move(g));
    }
    if (!r.Finished()) return Failure("reading gifts");
    return out;
  }

  Result<std::optional<Member>> OneMember(const std::string& sql, SqlValue key) {
    Run r(Q(sql), {key});
    if (r.Row()) return std::optional<Member>(MemberFrom(r));
    if (!r.Finished()) return Failure("reading a member");
    return std::optional<Member>();
  }

  Result<std::vector<StripeSubscription>> Subscriptions(const std::string& sql, SqlValue key) {
    std::vector<StripeSubscription> out;
    Run r(Q(sql), {key});
    while (r.Row()) out.push_back(SubscriptionFrom(r));
    if (!r.Finished()) return Failure("reading subscriptions");
    return out;
  }

  Result<std::vector<TierGrant>> Grants(const std::string& sql, int64_t key) {
    std::vector<TierGrant> out;
    Run r(Q(sql), {key});
    while (r.Row()) out.push_back(GrantFrom(r));
    if (!r.Finished()) return Failure("reading grants");
    return out;
  }

  // A UNIQUE constraint is a conflict the caller can name; anything else is the store's.
  Error Conflict(const std::string& what) const {
    Error e = Failure(what);
    if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_UNIQUE) e.code = ErrorCode::kConflict;
    return e;
  }

  int depth_ = 0;  // open transactions (the outer one and its savepoints)
  CounterPoll changes_;
};

}  // namespace

Result<std::unique_ptr<MemberStore>> OpenSqliteMemberStore(const std::filesystem::path& file,
                                                           const StoreOptions& options) {
  {
    auto content = OpenSqliteContentStore(file, options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = OpenSqliteConnection(file);
  if (!db) return db.error();
  auto store = std::make_unique<SqliteMemberStore>(*db);
  if (auto s = store->InitConnection(); !s) return s.error();
  return std::unique_ptr<MemberStore>(std::move(store));
}

}  // namespace cinepress
