// NewsletterStore on SQLite: subscribers, subscriptions, issues and the delivery queue in the
// same database file as the content, on a connection of its own.
#include <sodium.h>
#include <sqlite3.h>

#include <map>

#include "store/engines.h"
#include "store/open_store.h"
#include "store/sqlite_statement.h"

namespace cinepress {
namespace {

constexpr const char* kSubscriberColumns =
    "SELECT id, email, name, created, suppressed, suppressed_reason, soft_bounces"
    " FROM subscribers ";

Subscriber SubscriberFrom(const Run& r) {
  return Subscriber{r.I(0), r.S(1), r.S(2), r.I(3), r.I(4) != 0, r.S(5), static_cast<int>(r.I(6))};
}

NewsletterIssue IssueFrom(const Run& r) {
  NewsletterIssue i;
  i.id = r.I(0);
  i.newsletter = r.S(1);
  i.created = r.I(2);
  i.subject = r.S(3);
  i.html = r.S(4);
  i.text = r.S(5);
  i.since = r.I(6);
  i.until = r.I(7);
  i.finished = r.I(8) != 0;
  return i;
}

constexpr const char* kIssueColumns =
    "SELECT id, newsletter, created, subject, html, text, since, until, finished"
    " FROM newsletter_issues ";

class SqliteNewsletterStore final : public NewsletterStore, private SqliteConnection {
 public:
  explicit SqliteNewsletterStore(sqlite3* db) : SqliteConnection(db) {}
  using SqliteConnection::InitConnection;

  Status BeginTransaction() override { return Exec("BEGIN IMMEDIATE"); }
  Status Commit() override { return Exec("COMMIT"); }
  Status Rollback() override { return Exec("ROLLBACK"); }

  Result<int64_t> UpsertSubscriber(const std::string& email, const std::string& name,
                                   int64_t now) override {
    {
      Run r(Q("INSERT INTO subscribers (email, name, created) VALUES (?1, ?2, ?3)"
              " ON CONFLICT (email) DO UPDATE SET name = CASE WHEN ?2 = '' THEN name ELSE ?2 END"),
            {email, name, now});
      if (!r.Done()) return Failure("saving subscriber " + email);
    }
    Run r(Q("SELECT id FROM subscribers WHERE email = ?"), {email});
    if (!r.Row()) return Failure("reading subscriber " + email);
    return r.I(0);
  }

  Result<std::optional<Subscriber>> FindSubscriber(const std::string& email) override {
    Run r(Q(std::string(kSubscriberColumns) + "WHERE email = ?"), {email});
    if (r.Row()) return std::optional<Subscriber>(SubscriberFrom(r));
    if (!r.Finished()) return Failure("reading subscriber");
    return std::optional<Subscriber>();
  }

  Result<std::optional<Subscriber>> LoadSubscriber(int64_t id) override {
    Run r(Q(std::string(kSubscriberColumns) + "WHERE id = ?"), {id});
    if (r.Row()) return std::optional<Subscriber>(SubscriberFrom(r));
    if (!r.Finished()) return Failure("reading subscriber");
    return std::optional<Subscriber>();
  }

  Result<std::vector<Subscription>> LoadSubscriptions(int64_t subscriber_id) override {
    std::vector<Subscription> out;
    Run r(Q("SELECT newsletter, state, consent_at, consent_ip, consent_form, confirmed_at,"
            " changed_at FROM subscriptions WHERE subscriber_id = ? ORDER BY newsletter"),
          {subscriber_id});
    while (r.Row()) {
      out.push_back(Subscription{r.S(0), SubscriptionStateFrom(r.S(1)),
                                 Consent{r.I(2), r.S(3), r.S(4)}, r.I(5), r.I(6)});
    }
    if (!r.Finished()) return Failure("reading subscriptions");
    return out;
  }

  Status SetSubscription(int64_t subscriber_id, const std::string& newsletter,
                         SubscriptionState state, const Consent& consent, int64_t now) override {
    // A new consent replaces the old only when the reader signs up again after leaving.
    Run r(Q("INSERT INTO subscriptions (subscriber_id, newsletter, state, consent_at,"
            " consent_ip, consent_form, confirmed_at, changed_at)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?3 = 'confirmed' THEN ?7 ELSE 0 END, ?7)"
            " ON CONFLICT (newsletter, subscriber_id) DO UPDATE SET"
            " consent_at = CASE WHEN state = 'unsubscribed' AND ?4 > 0 THEN ?4 ELSE consent_at END,"
            " consent_ip = CASE WHEN state = 'unsubscribed' AND ?4 > 0 THEN ?5 ELSE consent_ip END,"
            " consent_form = CASE WHEN state = 'unsubscribed' AND ?4 > 0 THEN ?6"
            " ELSE consent_form END,"
            " confirmed_at = CASE WHEN ?3 = 'confirmed' AND state <> 'confirmed' THEN ?7"
            " ELSE confirmed_at END,"
            " state = ?3, changed_at = ?7"),
          {subscriber_id, newsletter, SubscriptionStateName(state), consent.at, consent.ip,
           consent.form, now});
    if (!r.Done()) return Failure("saving a subscription");
    return {};
  }

  Status ForEachSubscriber(
      const std::function<Status(const Subscriber&, const std::vector<Subscription>&)>& fn)
      override {
    // Pages of 500 by id, so that neither the list nor a long-lived read is held.
    int64_t after = 0;
    for (;;) {
      std::vector<Subscriber> page;
      {
        Run r(Q(std::string(kSubscriberColumns) + "WHERE id > ? ORDER BY id LIMIT 500"), {after});
        while (r.Row()) page.push_back(SubscriberFrom(r));
        if (!r.Finished()) return Failure("reading subscribers");
      }
      if (page.empty()) return {};
      for (const Subscriber& s : page) {
        auto subs = LoadSubscriptions(s.id);
        if (!subs) return subs.error();
        if (auto st = fn(s, *subs); !st) return st;
      }
      after = page.back().id;
    }
  }

  Result<int64_t> CountSubscribers(const std::string& newsletter,
                                   SubscriptionState state) override {
    Run r(Q("SELECT count(*) FROM subscriptions WHERE newsletter = ? AND state = ?"),
          {newsletter, SubscriptionStateName(state)});
    if (!r.Row()) return Failure("counting subscribers");
    return r.I(0);
  }

  Status Suppress(int64_t id, const std::string& reason) override {
    Run r(Q("UPDATE subscribers SET suppressed = 1, suppressed_reason = ? WHERE id = ?"),
          {reason, id});
    if (!r.Done()) return Failure("suppressing a subscriber");
    return {};
  }

  Status CountSoftBounce(int64_t id) override {
    Run r(Q("UPDATE subscribers SET soft_bounces = soft_bounces + 1 WHERE id = ?"), {id});
    if (!r.Done()) return Failure("counting a soft bounce");
    return {};
  }

  Status EraseSubscriber(int64_t id, const std::string& marker, int64_t now) override {
    {
      // The outbox's messages to the address (waiting, or kept after they failed) go too: their
      // recipient is the serialized message's "email" value.
      Run r(Q("DELETE FROM mail_outbox WHERE instr(message, '\"email\":\"' ||"
              " (SELECT email FROM subscribers WHERE id = ?) || '\"') > 0"),
            {id});
      if (!r.Done()) return Failure("erasing a subscriber's messages");
    }
    {
      Run r(Q("UPDATE subscribers SET email = ?, name = '', suppressed = 1,"
              " suppressed_reason = 'erased' WHERE id = ?"),
            {marker, id});
      if (!r.Done()) return Failure("erasing a subscriber");
    }
    Run r(Q("UPDATE subscriptions SET state = 'unsubscribed', changed_at = ?"
            " WHERE subscriber_id = ? AND state <> 'unsubscribed'"),
          {now, id});
    if (!r.Done()) return Failure("erasing a subscriber's subscriptions");
    return {};
  }

  Result<std::optional<NewsletterIssue>> UnfinishedIssue(const std::string& nl) override {
    return OneIssue(
        std::string(kIssueColumns) + "WHERE newsletter = ? AND finished = 0 ORDER BY id LIMIT 1",
        nl);
  }

  Result<std::optional<NewsletterIssue>> LatestIssue(const std::string& nl) override {
    return OneIssue(std::string(kIssueColumns) + "WHERE newsletter = ? ORDER BY id DESC LIMIT 1",
                    nl);
  }

  Result<std::vector<NewsletterIssue>> ListIssues(const std::string& nl, size_t limit) override {
    std::vector<NewsletterIssue> out;
    Run r(Q(std::string(kIssueColumns) + "WHERE newsletter = ? ORDER BY id DESC LIMIT ?"),
          {nl, static_cast<int64_t>(limit)});
    while (r.Row()) out.push_back(IssueFrom(r));
    if (!r.Finished()) return Failure("reading issues");
    return out;
  }

  Status ScheduleSend(const ScheduledSend& s) override {
    Run r(
        Q("INSERT INTO newsletter_schedules (newsletter, send_at, scheduled_by, created)"
          " VALUES (?, ?, ?, ?) ON CONFLICT (newsletter) DO UPDATE SET send_at = excluded.send_at,"
          " scheduled_by = excluded.scheduled_by, created = excluded.created"),
        {s.newsletter, s.at, s.by, s.created});
    if (!r.Done()) return Failure("scheduling a send");
    return {};
  }

  Result<std::optional<ScheduledSend>> LoadScheduledSend(const std::string& nl) override {
    Run r(Q("SELECT newsletter, send_at, scheduled_by, created FROM newsletter_schedules"
            " WHERE newsletter = ?"),
          {nl});
    if (r.Row()) return std::optional<ScheduledSend>(ScheduledSend{r.S(0), r.I(1), r.S(2), r.I(3)});
    if (!r.Finished()) return Failure("reading a scheduled send");
    return std::optional<ScheduledSend>();
  }

  Status CancelScheduledSend(const std::string& nl) override {
    Run r(Q("DELETE FROM newsletter_schedules WHERE newsletter = ?"), {nl});
    if (!r.Done()) return Failure("cancelling a scheduled send");
    return {};
  }

  Result<int64_t> CreateIssue(const NewsletterIssue& i) override {
    if (auto s = Exec("BEGIN IMMEDIATE"); !s) return s.error();
    int64_t id = 0;
    {
      Run r(Q("INSERT INTO newsletter_issues (newsletter, created, subject, html, text, since,"
              " until) VALUES (?, ?, ?, ?, ?, ?, ?)"),
            {i.newsletter, i.created, i.subject, i.html, i.text, i.since, i.until});
      if (!r.Done()) return Abort("storing the issue");
      id = sqlite3_last_insert_rowid(db_);
    }
    {
      Run r(Q("INSERT INTO newsletter_deliveries (issue_id, subscriber_id)"
              " SELECT ?1, s.subscriber_id FROM subscriptions s"
              " JOIN subscribers u ON u.id = s.subscriber_id"
              " WHERE s.newsletter = ?2 AND s.state = 'confirmed' AND u.suppressed = 0"),
            {id, i.newsletter});
      if (!r.Done()) return Abort("queueing the issue");
    }
    if (auto s = Exec("COMMIT"); !s) return s.error();
    return id;
  }

  Result<std::vector<Delivery>> PendingDeliveries(int64_t issue, int64_t after, int64_t now,
                                                  int limit) override {
    std::vector<Delivery> out;
    out.reserve(static_cast<size_t>(limit));
    Run r(Q("SELECT d.subscriber_id, u.email, u.name, d.attempts FROM newsletter_deliveries d"
            " JOIN subscribers u ON u.id = d.subscriber_id"
            " WHERE d.issue_id = ? AND d.state = 'pending' AND d.subscriber_id > ?"
            " AND d.next_attempt <= ? ORDER BY d.subscriber_id LIMIT ?"),
          {issue, after, now, int64_t{limit}});
    while (r.Row()) out.push_back(Delivery{r.I(0), r.S(1), r.S(2), static_cast<int>(r.I(3))});
    if (!r.Finished()) return Failure("reading the delivery queue");
    return out;
  }

  Result<std::vector<Delivery>> ClaimDeliveries(int64_t issue, const std::string& claimer,
                                                int64_t now, int64_t lease, int limit) override {
    // Under the write lock: the due deliveries in subscriber order, then every due delivery
    // between the first and the last of them (exactly those) claimed in one statement.
    if (auto s = Exec("BEGIN IMMEDIATE"); !s) return s.error();
    auto due = PendingDeliveries(issue, 0, now, limit);
    if (!due) return Abort("reading the delivery queue");
    if (!due->empty()) {
      Run r(Q("UPDATE newsletter_deliveries SET next_attempt = ?, claimed_by = ?"
              " WHERE issue_id = ? AND state = 'pending' AND next_attempt <= ?"
              " AND subscriber_id BETWEEN ? AND ?"),
            {now + lease, claimer, issue, now, due->front().subscriber_id,
             due->back().subscriber_id});
      if (!r.Done()) return Abort("claiming deliveries");
    }
    if (auto s = Exec("COMMIT"); !s) return s.error();
    return due;
  }

  Result<std::vector<std::string>> DeliveryClaimers(int64_t issue) override {
    std::vector<std::string> out;
    Run r(Q("SELECT DISTINCT claimed_by FROM newsletter_deliveries WHERE issue_id = ?"
            " AND state = 'pending' AND claimed_by <> '' ORDER BY claimed_by"),
          {issue});
    while (r.Row()) out.push_back(r.S(0));
    if (!r.Finished()) return Failure("reading the delivery queue's claims");
    return out;
  }

  Status ReleaseDeliveries(int64_t issue, const std::string& claimer) override {
    Run r(Q("UPDATE newsletter_deliveries SET claimed_by = '', next_attempt = 0"
            " WHERE issue_id = ? AND state = 'pending' AND claimed_by = ?"),
          {issue, claimer});
    if (!r.Done()) return Failure("releasing claimed deliveries");
    return {};
  }

  Status MarkSent(int64_t issue, int64_t subscriber, int64_t now) override {
    Run r(Q("UPDATE newsletter_deliveries SET state = 'sent', sent_at = ?,"
            " attempts = attempts + 1 WHERE issue_id = ? AND subscriber_id = ?"),
          {now, issue, subscriber});
    if (!r.Done()) return Failure("marking a delivery sent");
    return {};
  }

  Status MarkFailed(int64_t issue, int64_t subscriber, const std::string& why) override {
    Run r(Q("UPDATE newsletter_deliveries SET state = 'failed', last_error = ?,"
            " attempts = attempts + 1 WHERE issue_id = ? AND subscriber_id = ?"),
          {why, issue, subscriber});
    if (!r.Done()) return Failure("marking a delivery failed");
    return {};
  }

  Status Postpone(int64_t issue, int64_t subscriber, int64_t next,
                  const std::string& why) override {
    Run r(Q("UPDATE newsletter_deliveries SET attempts = attempts + 1, next_attempt = ?,"
            " last_error = ?, claimed_by = '' WHERE issue_id = ? AND subscriber_id = ?"),
          {next, why, issue, subscriber});
    if (!r.Done()) return Failure("postponing a delivery");
    return {};
  }

  Result<DeliveryCounts> CountDeliveries(int64_t issue) override {
    DeliveryCounts c;
    Run r(Q("SELECT state, count(*) FROM newsletter_deliveries WHERE issue_id = ?"
            " GROUP BY state"),
          {issue});
    while (r.Row()) {
      std::string state = r.S(0);
      (state == "sent" ? c.sent : state == "failed" ? c.failed : c.pending) = r.I(1);
    }
    if (!r.Finished()) return Failure("counting deliveries");
    return c;
  }

  Result<int64_t> NextAttempt(int64_t issue) override {
    Run r(Q("SELECT coalesce(min(next_attempt), 0) FROM newsletter_deliveries"
            " WHERE issue_id = ? AND state = 'pending' AND claimed_by = ''"),
          {issue});
    if (!r.Row()) return Failure("reading the delivery queue");
    return r.I(0);
  }

  Status FinishIssue(int64_t issue, int64_t now) override {
    (void)now;
    Run r(Q("UPDATE newsletter_issues SET finished = 1 WHERE id = ?"), {issue});
    if (!r.Done()) return Failure("finishing the issue");
    return {};
  }

  Result<std::vector<std::pair<std::string, std::string>>> FailedDeliveries(
      int64_t issue) override {
    std::vector<std::pair<std::string, std::string>> out;
    Run r(Q("SELECT u.email, d.last_error FROM newsletter_deliveries d"
            " JOIN subscribers u ON u.id = d.subscriber_id"
            " WHERE d.issue_id = ? AND d.state = 'failed' ORDER BY u.email"),
          {issue});
    while (r.Row()) out.emplace_back(r.S(0), r.S(1));
    if (!r.Finished()) return Failure("reading failed deliveries");
    return out;
  }

  Result<int64_t> QueueMail(const std::string& message, int64_t now) override {
    Run r(Q("INSERT INTO mail_outbox (created, next_attempt, attempts, message)"
            " VALUES (?, ?, 0, ?)"),
          {now, now, message});
    if (!r.Done()) return Failure("queueing a message");
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::vector<QueuedMail>> ClaimDueMail(int64_t now, int64_t lease, size_t limit) override {
    std::vector<QueuedMail> out;
    {
      // Most of the time nothing is due: found out without taking the write lock.
      Run r(Q("SELECT 1 FROM mail_outbox WHERE next_attempt <= ? AND failed = 0 LIMIT 1"), {now});
      if (!r.Row()) {
        if (!r.Finished()) return Failure("reading the outbox");
        return out;
      }
    }
    if (auto s = Exec("BEGIN IMMEDIATE"); !s) return s.error();
    {
      Run r(Q("SELECT id, attempts, message FROM mail_outbox WHERE next_attempt <= ?"
              " AND failed = 0 ORDER BY next_attempt, id LIMIT ?"),
            {now, static_cast<int64_t>(limit)});
      while (r.Row()) out.push_back(QueuedMail{r.I(0), static_cast<int>(r.I(1)), r.S(2)});
      if (!r.Finished()) {
        (void)Exec("ROLLBACK");
        return Failure("reading the outbox");
      }
    }
    for (const QueuedMail& m : out) {
      Run r(Q("UPDATE mail_outbox SET next_attempt = ? WHERE id = ?"), {now + lease, m.id});
      if (!r.Done()) {
        (void)Exec("ROLLBACK");
        return Failure("claiming a message in the outbox");
      }
    }
    if (auto s = Exec("COMMIT"); !s) return s.error();
    return out;
  }

  Status MailDone(int64_t id) override {
    Run r(Q("DELETE FROM mail_outbox WHERE id = ?"), {id});
    if (!r.Done()) return Failure("removing a message from the outbox");
    return {};
  }

  Status RetryMail(int64_t id, int64_t next_attempt, const std::string& error) override {
    Run r(Q("UPDATE mail_outbox SET attempts = attempts + 1, next_attempt = ?, last_error = ?"
            " WHERE id = ?"),
          {next_attempt, error, id});
    if (!r.Done()) return Failure("postponing a message in the outbox");
    return {};
  }

  Status MailFailed(int64_t id, const std::string& kept, const std::string& error) override {
    Run r(Q("UPDATE mail_outbox SET attempts = attempts + 1, failed = 1, message = ?,"
            " last_error = ? WHERE id = ?"),
          {kept, error, id});
    if (!r.Done()) return Failure("giving up a message in the outbox");
    return {};
  }

  Result<int64_t> CountQueuedMail() override {
    Run r(Q("SELECT count(*) FROM mail_outbox WHERE failed = 0"), {});
    if (!r.Row()) return Failure("counting the outbox");
    return r.I(0);
  }

  Result<std::vector<QueuedMail>> LoadOutbox(size_t limit) override {
    std::vector<QueuedMail> out;
    Run r(Q("SELECT id, attempts, message, created, next_attempt, failed, last_error"
            " FROM mail_outbox ORDER BY created, id LIMIT ?"),
          {static_cast<int64_t>(limit)});
    while (r.Row()) {
      out.push_back(QueuedMail{r.I(0), static_cast<int>(r.I(1)), r.S(2), r.I(3), r.I(4),
                               r.I(5) != 0, r.S(6)});
    }
    if (!r.Finished()) return Failure("reading the outbox");
    return out;
  }

  // One machine: nothing to share.
  Result<bool> HoldLease(const std::string&) override { return true; }

  Result<std::string> SiteSecret(const std::string& name, size_t size) override {
    std::string fresh(size, '\0');
    randombytes_buf(fresh.data(), fresh.size());
    {
      Run r(Q("INSERT INTO site_secrets (name, value) VALUES (?, CAST(? AS BLOB)) ON CONFLICT DO "
              "NOTHING"),
            {name, std::string_view(fresh)});
      if (!r.Done()) return Failure("saving a site secret");
    }
    Run r(Q("SELECT value FROM site_secrets WHERE name = ?"), {name});
    if (!r.Row()) return Failure("reading a site secret");
    return r.S(0);
  }

 private:
  Result<std::optional<NewsletterIssue>> OneIssue(const std::string& sql, const std::string& nl) {
    Run r(Q(sql), {nl});
    if (r.Row()) return std::optional<NewsletterIssue>(IssueFrom(r));
    if (!r.Finished()) return Failure("reading issues");
    return std::optional<NewsletterIssue>();
  }

  Error Abort(const std::string& what) {
    Error e = Failure(what);
    (void)Exec("ROLLBACK");
    return e;
  }
};

}  // namespace

Result<std::unique_ptr<NewsletterStore>> OpenSqliteNewsletterStore(
    const std::filesystem::path& file, const StoreOptions& options) {
  {
    auto content = OpenSqliteContentStore(file, options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = OpenSqliteConnection(file);
  if (!db) return db.error();
  auto store = std::make_unique<SqliteNewsletterStore>(*db);
  if (auto s = store->InitConnection(); !s) return s.error();
  return std::unique_ptr<NewsletterStore>(std::move(store));
}

}  // namespace cinepress
