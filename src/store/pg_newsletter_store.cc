// NewsletterStore on PostgreSQL: subscribers, subscriptions, issues, the delivery queue and the
// outbox in the same database as the content, on a connection of its own. The outbox and an
// issue's deliveries are claimed with FOR UPDATE SKIP LOCKED, so that several processes sending
// them pass each other's messages by instead of waiting for them.
#include <sodium.h>

#include <optional>
#include <set>

#include "store/engines.h"
#include "store/pg_connection.h"

namespace cinepress {
namespace {

#define CINEPRESS_PG_SUBSCRIBERS \
  "SELECT id, email, name, created, suppressed, suppressed_reason, soft_bounces FROM subscribers "
// An address compared as SQLite's COLLATE NOCASE compares it: ASCII letters without case.
#define CINEPRESS_PG_SAME_EMAIL "lower(email COLLATE \"C\") = lower($1 COLLATE \"C\")"
#define CINEPRESS_PG_ISSUES                                                     \
  "SELECT id, newsletter, created, subject, html, text, since, until, finished" \
  " FROM newsletter_issues "

Subscriber SubscriberFrom(const PgRows& r, int row) {
  return Subscriber{r.Int(row, 0),
                    r.Text(row, 1),
                    r.Text(row, 2),
                    r.Int(row, 3),
                    r.Int(row, 4) != 0,
                    r.Text(row, 5),
                    static_cast<int>(r.Int(row, 6))};
}

NewsletterIssue IssueFrom(const PgRows& r, int row) {
  NewsletterIssue i;
  i.id = r.Int(row, 0);
  i.newsletter = r.Text(row, 1);
  i.created = r.Int(row, 2);
  i.subject = r.Text(row, 3);
  i.html = r.Text(row, 4);
  i.text = r.Text(row, 5);
  i.since = r.Int(row, 6);
  i.until = r.Int(row, 7);
  i.finished = r.Int(row, 8) != 0;
  return i;
}

class PgNewsletterStore final : public NewsletterStore {
 public:
  explicit PgNewsletterStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Status BeginTransaction() override { return db_->Exec("BEGIN"); }
  Status Commit() override { return db_->Exec("COMMIT"); }
  Status Rollback() override { return db_->Exec("ROLLBACK"); }

  Result<int64_t> UpsertSubscriber(const std::string& email, const std::string& name,
                                   int64_t now) override {
    auto q = db_->Write(
        "INSERT INTO subscribers (email, name, created) VALUES ($1, $2, $3)"
        " ON CONFLICT ((lower(email COLLATE \"C\"))) DO UPDATE SET"
        " name = CASE WHEN $2 = '' THEN subscribers.name ELSE $2 END RETURNING id",
        {std::string_view(email), std::string_view(name), now});
    if (!q) return Failure("saving subscriber " + email, q.error());
    return q->Int(0, 0);
  }

  Result<std::optional<Subscriber>> FindSubscriber(const std::string& email) override {
    return OneSubscriber(db_->Query(CINEPRESS_PG_SUBSCRIBERS "WHERE " CINEPRESS_PG_SAME_EMAIL,
                                    {std::string_view(email)}));
  }

  Result<std::optional<Subscriber>> LoadSubscriber(int64_t id) override {
    return OneSubscriber(db_->Query(CINEPRESS_PG_SUBSCRIBERS "WHERE id = $1", {id}));
  }

  Result<std::vector<Subscription>> LoadSubscriptions(int64_t subscriber_id) override {
    auto q = db_->Query(
        "SELECT newsletter, state, consent_at, consent_ip, consent_form, confirmed_at,"
        " changed_at FROM subscriptions WHERE subscriber_id = $1 ORDER BY newsletter",
        {subscriber_id});
    if (!q) return Failure("reading subscriptions", q.error());
    std::vector<Subscription> out;
    for (int r = 0; r < q->size(); ++r) {
      out.push_back(Subscription{q->Text(r, 0), SubscriptionStateFrom(q->Text(r, 1)),
                                 Consent{q->Int(r, 2), q->Text(r, 3), q->Text(r, 4)}, q->Int(r, 5),
                                 q->Int(r, 6)});
    }
    return out;
  }

  Status SetSubscription(int64_t subscriber_id, const std::string& newsletter,
                         SubscriptionState state, const Consent& consent, int64_t now) override {
    // A new consent replaces the old only when the reader signs up again after leaving.
    return Write(
        "saving a subscription",
        "INSERT INTO subscriptions AS s (subscriber_id, newsletter, state, consent_at,"
        " consent_ip, consent_form, confirmed_at, changed_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $3 = 'confirmed' THEN $7 ELSE 0 END, $7)"
        " ON CONFLICT (newsletter, subscriber_id) DO UPDATE SET"
        " consent_at = CASE WHEN s.state = 'unsubscribed' AND $4 > 0 THEN $4 ELSE s.consent_at"
        " END,"
        " consent_ip = CASE WHEN s.state = 'unsubscribed' AND $4 > 0 THEN $5 ELSE s.consent_ip"
        " END,"
        " consent_form = CASE WHEN s.state = 'unsubscribed' AND $4 > 0 THEN $6"
        " ELSE s.consent_form END,"
        " confirmed_at = CASE WHEN $3 = 'confirmed' AND s.state <> 'confirmed' THEN $7"
        " ELSE s.confirmed_at END,"
        " state = $3, changed_at = $7",
        {subscriber_id, std::string_view(newsletter),
         std::string_view(SubscriptionStateName(state)), consent.at, std::string_view(consent.ip),
         std::string_view(consent.form), now});
  }

  Status ForEachSubscriber(
      const std::function<Status(const Subscriber&, const std::vector<Subscription>&)>& fn)
      override {
    // Pages of 500 by id, so that neither the list nor a long-lived read is held.
    int64_t after = 0;
    for (;;) {
      auto q = db_->Query(CINEPRESS_PG_SUBSCRIBERS "WHERE id > $1 ORDER BY id LIMIT 500", {after});
      if (!q) return Failure("reading subscribers", q.error());
      if (q->size() == 0) return {};
      for (int r = 0; r < q->size(); ++r) {
        const Subscriber s = SubscriberFrom(*q, r);
        auto subs = LoadSubscriptions(s.id);
        if (!subs) return subs.error();
        if (auto st = fn(s, *subs); !st) return st;
        after = s.id;
      }
    }
  }

  Result<int64_t> CountSubscribers(const std::string& newsletter,
                                   SubscriptionState state) override {
    return Count(
        "counting subscribers",
        db_->Query("SELECT count(*) FROM subscriptions WHERE newsletter = $1"
                   " AND state = $2",
                   {std::string_view(newsletter), std::string_view(SubscriptionStateName(state))}));
  }

  Status Suppress(int64_t id, const std::string& reason) override {
    return Write("suppressing a subscriber",
                 "UPDATE subscribers SET suppressed = 1, suppressed_reason = $1 WHERE id = $2",
                 {std::string_view(reason), id});
  }

  Status CountSoftBounce(int64_t id) override {
    return Write("counting a soft bounce",
                 "UPDATE subscribers SET soft_bounces = soft_bounces + 1 WHERE id = $1", {id});
  }

  Status EraseSubscriber(int64_t id, const std::string& marker, int64_t now) override {
    return db_->Atomically([&]() -> Status {
      // The outbox's messages to the address (waiting, or kept after they failed) go too: their
      // recipient is the serialized message's "email" value.
      if (auto s = Write("erasing a subscriber's messages",
                         "DELETE FROM mail_outbox WHERE strpos(message, '\"email\":\"' ||"
                         " (SELECT email FROM subscribers WHERE id = $1) || '\"') > 0",
                         {id});
          !s) {
        return s;
      }
      if (auto s = Write("erasing a subscriber",
                         "UPDATE subscribers SET email = $1, name = '', suppressed = 1,"
                         " suppressed_reason = 'erased' WHERE id = $2",
                         {std::string_view(marker), id});
          !s) {
        return s;
      }
      return Write("erasing a subscriber's subscriptions",
                   "UPDATE subscriptions SET state = 'unsubscribed', changed_at = $1"
                   " WHERE subscriber_id = $2 AND state <> 'unsubscribed'",
                   {now, id});
    });
  }

  Result<std::optional<NewsletterIssue>> UnfinishedIssue(const std::string& nl) override {
    return OneIssue(db_->Query(CINEPRESS_PG_ISSUES
                               "WHERE newsletter = $1 AND finished = 0 ORDER BY id LIMIT 1",
                               {std::string_view(nl)}));
  }

  Result<std::optional<NewsletterIssue>> LatestIssue(const std::string& nl) override {
    return OneIssue(db_->Query(CINEPRESS_PG_ISSUES "WHERE newsletter = $1 ORDER BY id DESC LIMIT 1",
                               {std::string_view(nl)}));
  }

  Result<std::vector<NewsletterIssue>> ListIssues(const std::string& nl, size_t limit) override {
    auto q = db_->Query(CINEPRESS_PG_ISSUES "WHERE newsletter = $1 ORDER BY id DESC LIMIT $2",
                        {std::string_view(nl), static_cast<int64_t>(limit)});
    if (!q) return Failure("reading issues", q.error());
    std::vector<NewsletterIssue> out;
    for (int row = 0; row < q->size(); ++row) out.push_back(IssueFrom(*q, row));
    return out;
  }

  Status ScheduleSend(const ScheduledSend& s) override {
    return Write("scheduling a send",
                 "INSERT INTO newsletter_schedules (newsletter, send_at, scheduled_by, created)"
                 " VALUES ($1, $2, $3, $4) ON CONFLICT (newsletter) DO UPDATE SET"
                 " send_at = excluded.send_at, scheduled_by = excluded.scheduled_by,"
                 " created = excluded.created",
                 {std::string_view(s.newsletter), s.at, std::string_view(s.by), s.created});
  }

  Result<std::optional<ScheduledSend>> LoadScheduledSend(const std::string& nl) override {
    auto q = db_->Query(
        "SELECT newsletter, send_at, scheduled_by, created FROM newsletter_schedules"
        " WHERE newsletter = $1",
        {std::string_view(nl)});
    if (!q) return Failure("reading a scheduled send", q.error());
    if (q->size() == 0) return std::optional<ScheduledSend>();
    return std::optional<ScheduledSend>(
        ScheduledSend{q->Text(0, 0), q->Int(0, 1), q->Text(0, 2), q->Int(0, 3)});
  }

  Status CancelScheduledSend(const std::string& nl) override {
    return Write("cancelling a scheduled send",
                 "DELETE FROM newsletter_schedules WHERE newsletter = $1", {std::string_view(nl)});
  }

  Result<int64_t> CreateIssue(const NewsletterIssue& i) override {
    int64_t id = 0;
    auto s = db_->Atomically([&]() -> Status {
      auto q = db_->Query(
          "INSERT INTO newsletter_issues (newsletter, created, subject, html, text, since, until)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          {std::string_view(i.newsletter), i.created, std::string_view(i.subject),
           std::string_view(i.html), std::string_view(i.text), i.since, i.until});
      if (!q) return Failure("storing the issue", q.error());
      id = q->Int(0, 0);
      auto d = db_->Query(
          "INSERT INTO newsletter_deliveries (issue_id, subscriber_id)"
          " SELECT $1, s.subscriber_id FROM subscriptions s"
          " JOIN subscribers u ON u.id = s.subscriber_id"
          " WHERE s.newsletter = $2 AND s.state = 'confirmed' AND u.suppressed = 0",
          {id, std::string_view(i.newsletter)});
      if (!d) return Failure("queueing the issue", d.error());
      return {};
    });
    if (!s) return s.error();
    return id;
  }

  Result<std::vector<Delivery>> PendingDeliveries(int64_t issue, int64_t after, int64_t now,
                                                  int limit) override {
    auto q = db_->Query(
        "SELECT d.subscriber_id, u.email, u.name, d.attempts FROM newsletter_deliveries d"
        " JOIN subscribers u ON u.id = d.subscriber_id"
        " WHERE d.issue_id = $1 AND d.state = 'pending' AND d.subscriber_id > $2"
        " AND d.next_attempt <= $3 ORDER BY d.subscriber_id LIMIT $4",
        {issue, after, now, int64_t{limit}});
    if (!q) return Failure("reading the delivery queue", q.error());
    return DeliveriesFrom(*q);
  }

  Result<std::vector<Delivery>> ClaimDeliveries(int64_t issue, const std::string& claimer,
                                                int64_t now, int64_t lease, int limit) override {
    // One statement: the due deliveries no other sender holds right now (a row another
    // transaction is claiming is passed by, not waited for), each claimed until now + lease.
    auto q = db_->Write(
        "WITH due AS (SELECT subscriber_id FROM newsletter_deliveries WHERE issue_id = $1"
        " AND state = 'pending' AND next_attempt <= $2 ORDER BY subscriber_id LIMIT $5"
        " FOR UPDATE SKIP LOCKED),"
        " claimed AS (UPDATE newsletter_deliveries d SET next_attempt = $2 + $3,"
        " claimed_by = $4 FROM due WHERE d.issue_id = $1 AND d.subscriber_id = due.subscriber_id"
        " RETURNING d.subscriber_id, d.attempts)"
        " SELECT c.subscriber_id, u.email, u.name, c.attempts FROM claimed c"
        " JOIN subscribers u ON u.id = c.subscriber_id ORDER BY c.subscriber_id",
        {issue, now, lease, std::string_view(claimer), int64_t{limit}});
    if (!q) return Failure("claiming deliveries", q.error());
    return DeliveriesFrom(*q);
  }

  Result<std::vector<std::string>> DeliveryClaimers(int64_t issue) override {
    auto q = db_->Query(
        "SELECT DISTINCT claimed_by FROM newsletter_deliveries WHERE issue_id = $1"
        " AND state = 'pending' AND claimed_by <> '' ORDER BY claimed_by",
        {issue});
    if (!q) return Failure("reading the delivery queue's claims", q.error());
    std::vector<std::string> out;
    for (int r = 0; r < q->size(); ++r) out.push_back(q->Text(r, 0));
    return out;
  }

  Status ReleaseDeliveries(int64_t issue, const std::string& claimer) override {
    return Write("releasing claimed deliveries",
                 "UPDATE newsletter_deliveries SET claimed_by = '', next_attempt = 0"
                 " WHERE issue_id = $1 AND state = 'pending' AND claimed_by = $2",
                 {issue, std::string_view(claimer)});
  }

  Status MarkSent(int64_t issue, int64_t subscriber, int64_t now) override {
    return Write("marking a delivery sent",
                 "UPDATE newsletter_deliveries SET state = 'sent', sent_at = $1,"
                 " attempts = attempts + 1 WHERE issue_id = $2 AND subscriber_id = $3",
                 {now, issue, subscriber});
  }

  Status MarkFailed(int64_t issue, int64_t subscriber, const std::string& why) override {
    return Write("marking a delivery failed",
                 "UPDATE newsletter_deliveries SET state = 'failed', last_error = $1,"
                 " attempts = attempts + 1 WHERE issue_id = $2 AND subscriber_id = $3",
                 {std::string_view(why), issue, subscriber});
  }

  Status Postpone(int64_t issue, int64_t subscriber, int64_t next,
                  const std::string& why) override {
    return Write("postponing a delivery",
                 "UPDATE newsletter_deliveries SET attempts = attempts + 1, next_attempt = $1,"
                 " last_error = $2, claimed_by = '' WHERE issue_id = $3 AND subscriber_id = $4",
                 {next, std::string_view(why), issue, subscriber});
  }

  Result<DeliveryCounts> CountDeliveries(int64_t issue) override {
    auto q = db_->Query(
        "SELECT state, count(*) FROM newsletter_deliveries WHERE issue_id = $1 GROUP BY state",
        {issue});
    if (!q) return Failure("counting deliveries", q.error());
    DeliveryCounts c;
    for (int r = 0; r < q->size(); ++r) {
      const std::string state = q->Text(r, 0);
      (state == "sent" ? c.sent : state == "failed" ? c.failed : c.pending) = q->Int(r, 1);
    }
    return c;
  }

  Result<int64_t> NextAttempt(int64_t issue) override {
    return Count("reading the delivery queue",
                 db_->Query("SELECT coalesce(min(next_attempt), 0) FROM newsletter_deliveries"
                            " WHERE issue_id = $1 AND state = 'pending' AND claimed_by = ''",
                            {issue}));
  }

  Status FinishIssue(int64_t issue, int64_t) override {
    return Write("finishing the issue", "UPDATE newsletter_issues SET finished = 1 WHERE id = $1",
                 {issue});
  }

  Result<std::vector<std::pair<std::string, std::string>>> FailedDeliveries(
      int64_t issue) override {
    auto q = db_->Query(
        "SELECT u.email, d.last_error FROM newsletter_deliveries d"
        " JOIN subscribers u ON u.id = d.subscriber_id"
        " WHERE d.issue_id = $1 AND d.state = 'failed' ORDER BY u.email COLLATE \"C\"",
        {issue});
    if (!q) return Failure("reading failed deliveries", q.error());
    std::vector<std::pair<std::string, std::string>> out;
    for (int r = 0; r < q->size(); ++r) out.emplace_back(q->Text(r, 0), q->Text(r, 1));
    return out;
  }

  Result<int64_t> QueueMail(const std::string& message, int64_t now) override {
    auto q = db_->Write(
        "INSERT INTO mail_outbox (created, next_attempt, attempts, message)"
        " VALUES ($1, $1, 0, $2) RETURNING id",
        {now, std::string_view(message)});
    if (!q) return Failure("queueing a message", q.error());
    return q->Int(0, 0);
  }

  Result<std::vector<QueuedMail>> ClaimDueMail(int64_t now, int64_t lease, size_t limit) override {
    // One statement: the due messages no other process holds right now, each claimed until
    // now + lease, oldest first.
    auto q = db_->Write(
        "WITH due AS (SELECT id, next_attempt FROM mail_outbox WHERE next_attempt <= $1"
        " AND failed = 0 ORDER BY next_attempt, id LIMIT $3 FOR UPDATE SKIP LOCKED),"
        " claimed AS (UPDATE mail_outbox m SET next_attempt = $1 + $2 FROM due"
        " WHERE m.id = due.id RETURNING m.id, m.attempts, m.message, due.next_attempt AS was)"
        " SELECT id, attempts, message FROM claimed ORDER BY was, id",
        {now, lease, static_cast<int64_t>(limit)});
    if (!q) return Failure("claiming messages in the outbox", q.error());
    std::vector<QueuedMail> out;
    for (int r = 0; r < q->size(); ++r) {
      out.push_back(QueuedMail{q->Int(r, 0), static_cast<int>(q->Int(r, 1)), q->Text(r, 2)});
    }
    return out;
  }

  Status MailDone(int64_t id) override {
    return Write("removing a message from the outbox", "DELETE FROM mail_outbox WHERE id = $1",
                 {id});
  }

  Status RetryMail(int64_t id, int64_t next_attempt, const std::string& error) override {
    return Write("postponing a message in the outbox",
                 "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt = $1,"
                 " last_error = $2 WHERE id = $3",
                 {next_attempt, std::string_view(error), id});
  }

  Status MailFailed(int64_t id, const std::string& kept, const std::string& error) override {
    return Write("giving up a message in the outbox",
                 "UPDATE mail_outbox SET attempts = attempts + 1, failed = 1, message = $1,"
                 " last_error = $2 WHERE id = $3",
                 {std::string_view(kept), std::string_view(error), id});
  }

  Result<int64_t> CountQueuedMail() override {
    return Count("counting the outbox",
                 db_->Query("SELECT count(*) FROM mail_outbox WHERE failed = 0"));
  }

  Result<std::vector<QueuedMail>> LoadOutbox(size_t limit) override {
    auto q = db_->Query(
        "SELECT id, attempts, message, created, next_attempt, failed, last_error"
        " FROM mail_outbox ORDER BY created, id LIMIT $1",
        {static_cast<int64_t>(limit)});
    if (!q) return Failure("reading the outbox", q.error());
    std::vector<QueuedMail> out;
    for (int r = 0; r < q->size(); ++r) {
      out.push_back(QueuedMail{q->Int(r, 0), static_cast<int>(q->Int(r, 1)), q->Text(r, 2),
                               q->Int(r, 3), q->Int(r, 4), q->Int(r, 5) != 0, q->Text(r, 6)});
    }
    return out;
  }

  Result<bool> HoldLease(const std::string& name) override {
    if (leases_.count(name)) {
      // A session-level lock lasts as long as the session: if this connection still answers
      // in the session that took it, it still holds it.
      auto q = db_->Query("SELECT 1");
      if (q && db_->session() == lease_session_) return true;
      leases_.clear();
      if (!q) return q.error();
    }
    auto q = db_->Query(
        "SELECT pg_try_advisory_lock(hashtext('cinepress lease ' || current_schema() || ' ' || "
        "$1))",
        {std::string_view(name)});
    if (!q) return q.error();
    const bool held = q->Text(0, 0) == "t";
    if (held) leases_.insert(name);
    lease_session_ = db_->session();
    return held;
  }

  Result<std::string> SiteSecret(const std::string& name, size_t size) override {
    std::string fresh(size, '\0');
    randombytes_buf(fresh.data(), fresh.size());
    if (auto s = Write("saving a site secret",
                       "INSERT INTO site_secrets (name, value) VALUES ($1, $2)"
                       " ON CONFLICT DO NOTHING",
                       {std::string_view(name), PgBytes{fresh}});
        !s) {
      return s.error();
    }
    auto q = db_->Query("SELECT value FROM site_secrets WHERE name = $1", {std::string_view(name)},
                        /*binary=*/true);
    if (!q || q->size() == 0) return Failure("reading a site secret");
    return q->Text(0, 0);
  }

 private:
  Status Write(const std::string& what, const char* sql, std::initializer_list<PgParam> params) {
    if (auto q = db_->Write(sql, params); !q) return Failure(what, q.error());
    return {};
  }

  // Rows of (subscriber id, email, name, attempts).
  static std::vector<Delivery> DeliveriesFrom(const PgRows& q) {
    std::vector<Delivery> out;
    out.reserve(static_cast<size_t>(q.size()));
    for (int r = 0; r < q.size(); ++r) {
      out.push_back(
          Delivery{q.Int(r, 0), q.Text(r, 1), q.Text(r, 2), static_cast<int>(q.Int(r, 3))});
    }
    return out;
  }

  static Result<int64_t> Count(const std::string& what, Result<PgRows> q) {
    if (!q) return Failure(what, q.error());
    if (q->size() == 0) return Failure(what);
    return q->Int(0, 0);
  }

  static Result<std::optional<Subscriber>> OneSubscriber(Result<PgRows> q) {
    if (!q) return Failure("reading subscriber", q.error());
    if (q->size() == 0) return std::optional<Subscriber>();
    return std::optional<Subscriber>(SubscriberFrom(*q, 0));
  }

  static Result<std::optional<NewsletterIssue>> OneIssue(Result<PgRows> q) {
    if (!q) return Failure("reading issues", q.error());
    if (q->size() == 0) return std::optional<NewsletterIssue>();
    return std::optional<NewsletterIssue>(IssueFrom(*q, 0));
  }

  static Error Failure(const std::string& what, const Error& cause) {
    return Error{ErrorCode::kStore, what + ": " + cause.message, {}, 0, {}};
  }
  static Error Failure(const std::string& what) {
    return Error{ErrorCode::kStore, what, {}, 0, {}};
  }

  std::unique_ptr<PgConnection> db_;
  std::set<std::string> leases_;  // HoldLease's advisory locks this session holds
  uint64_t lease_session_ = 0;    // the connection's session that took them
};

#undef CINEPRESS_PG_SUBSCRIBERS
#undef CINEPRESS_PG_SAME_EMAIL
#undef CINEPRESS_PG_ISSUES

}  // namespace

Result<std::unique_ptr<NewsletterStore>> OpenPgNewsletterStore(const StoreOptions& options) {
  {
    auto content = OpenPgContentStore(options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = PgConnection::Open(options.url, options.password);
  if (!db) return db.error();
  return std::unique_ptr<NewsletterStore>(std::make_unique<PgNewsletterStore>(std::move(*db)));
}

}  // namespace cinepress
