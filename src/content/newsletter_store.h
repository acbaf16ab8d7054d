// NewsletterStore: where readers, their subscriptions and consent, newsletter issues and the
// delivery queue live (the role; src/store has it on SQLite).
//
//   subscriber    one reader's address (and name), whatever lists they are on; may be
//                 suppressed (hard bounce, complaint) so that nothing is sent to it again
//   subscription  a subscriber on one newsletter: pending (awaiting the confirmation click),
//                 confirmed, or unsubscribed; with the consent (time, IP, form) behind it
//   issue         one composition of a newsletter, stored whole before the first message goes
//   scheduled     a send the newsroom asked for at a time (ScheduledSend)
//   delivery      one row per recipient of an issue: pending → sent (the relay said 250) or
//                 failed (a permanent refusal, or out of attempts)
//
// Contract: one instance is used by one thread at a time. CreateIssue writes the issue and its
// whole queue in one transaction, so a queue is never half made; MarkSent is durable when it
// returns (the sender relies on this to double nothing after a crash).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct Subscriber {
  int64_t id = 0;
  std::string email;
  std::string name;
  int64_t created = 0;
  bool suppressed = false;
  std::string suppressed_reason;  // "hard bounce: 550 5.1.1 …"
  int soft_bounces = 0;
};

enum class SubscriptionState { kPending, kConfirmed, kUnsubscribed };
inline const char* SubscriptionStateName(SubscriptionState state) {
  switch (state) {
    case SubscriptionState::kPending:
      return "pending";
    case SubscriptionState::kConfirmed:
      return "confirmed";
    case SubscriptionState::kUnsubscribed:
      return "unsubscribed";
  }
  return "pending";
}

inline SubscriptionState SubscriptionStateFrom(const std::string& name) {
  if (name == "confirmed") return SubscriptionState::kConfirmed;
  if (name == "unsubscribed") return SubscriptionState::kUnsubscribed;
  return SubscriptionState::kPending;
}

struct Consent {
  int64_t at = 0;    // Unix seconds
  std::string ip;    // "" when not over the web (an import)
  std::string form;  // "article:/reviews/x/", "newsletter-page", "import:file.csv"
};

struct Subscription {
  std::string newsletter;  // slug
  SubscriptionState state = SubscriptionState::kPending;
  Consent consent;
  int64_t confirmed_at = 0;
  int64_t changed_at = 0;
};

struct NewsletterIssue {
  int64_t id = 0;
  std::string newsletter;  // slug
  int64_t created = 0;     // also the Date of every message of the issue
  std::string subject;
  std::string html, text;        // composed once; {{placeholders}} filled per recipient
  int64_t since = 0, until = 0;  // the articles' publication window
  bool finished = false;
};

// A send the newsroom asked for: the scheduler of `serve` composes the newsletter's issue from its
// rule and sends it at `at` (at once when `at` has passed), then forgets the request.
struct ScheduledSend {
  std::string newsletter;  // slug
  int64_t at = 0;
  std::string by;  // who asked (a staff member's address)
  int64_t created = 0;

  bool operator==(const ScheduledSend&) const = default;
};

struct Delivery {
  int64_t subscriber_id = 0;
  std::string email, name;
  int attempts = 0;
};

struct DeliveryCounts {
  int64_t pending = 0, sent = 0, failed = 0;
};

// A message waiting in the store's outbox (confirmation messages): queued in the transaction that
// asks for it, so that it is sent even when the process dies before sending it.
struct QueuedMail {
  int64_t id = 0;
  int attempts = 0;     // tries so far
  std::string message;  // as its sender serialized it
  // Filled by LoadOutbox (for `newsletter status`), not by ClaimDueMail.
  int64_t created = 0, next_attempt = 0;
  bool failed = false;     // given up: kept to be seen, never tried again
  std::string last_error;  // why its last try failed, for a person ("connection refused")
};

class NewsletterStore {
 public:
  virtual ~NewsletterStore() = default;

  virtual Status BeginTransaction() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Subscribers, by address (compared without ASCII case). Upsert keeps the stored name when
  // `name` is empty.
  virtual Result<int64_t> UpsertSubscriber(const std::string& email, const std::string& name,
                                           int64_t now) = 0;
  virtual Result<std::optional<Subscriber>> FindSubscriber(const std::string& email) = 0;
  virtual Result<std::optional<Subscriber>> LoadSubscriber(int64_t id) = 0;
  virtual Result<std::vector<Subscription>> LoadSubscriptions(int64_t subscriber_id) = 0;
  // Sets the state of one subscription; the consent is kept from the first time it was given
  // unless `consent.at` is set and the subscription was unsubscribed or absent.
  virtual Status SetSubscription(int64_t subscriber_id, const std::string& newsletter,
                                 SubscriptionState state, const Consent& consent, int64_t now) = 0;
  // Every subscriber with their subscriptions, in id order, without holding them all in memory.
  virtual Status ForEachSubscriber(
      const std::function<Status(const Subscriber&, const std::vector<Subscription>&)>& fn) = 0;
  virtual Result<int64_t> CountSubscribers(const std::string& newsletter,
                                           SubscriptionState state) = 0;
  // Bounces: a suppressed address gets nothing from any newsletter.
  virtual Status Suppress(int64_t subscriber_id, const std::string& reason) = 0;
  virtual Status CountSoftBounce(int64_t subscriber_id) = 0;
  // Erasure (a member deleted their account): the address becomes `marker`, the name is
  // emptied, the subscriber is suppressed and every subscription unsubscribed; the consent
  // records (time, IP, form) stay, as the proof the law asks us to keep.
  virtual Status EraseSubscriber(int64_t subscriber_id, const std::string& marker, int64_t now) = 0;

  // Issues and the delivery queue.
  virtual Result<std::optional<NewsletterIssue>> UnfinishedIssue(const std::string& newsletter) = 0;
  virtual Result<std::optional<NewsletterIssue>> LatestIssue(const std::string& newsletter) = 0;
  // The newsletter's issues, newest first, at most `limit`.
  virtual Result<std::vector<NewsletterIssue>> ListIssues(const std::string& newsletter,
                                                          size_t limit) = 0;
  // One scheduled send per newsletter: a new one replaces it; Cancel of none is not an error.
  virtual Status ScheduleSend(const ScheduledSend& send) = 0;
  virtual Result<std::optional<ScheduledSend>> LoadScheduledSend(const std::string& newsletter) = 0;
  virtual Status CancelScheduledSend(const std::string& newsletter) = 0;
  // Stores the issue and queues one delivery per confirmed, unsuppressed subscriber of its
  // newsletter, in one transaction. Returns the issue's id.
  virtual Result<int64_t> CreateIssue(const NewsletterIssue& issue) = 0;
  // Up to `limit` pending deliveries due by `now` with subscriber id > `after`, in id order.
  virtual Result<std::vector<Delivery>> PendingDeliveries(int64_t issue_id, int64_t after,
                                                          int64_t now, int limit) = 0;
  // Several senders (processes, nodes) split one issue by claiming its deliveries: up to
  // `limit` pending deliveries due by `now`, in subscriber order, none of which another sender
  // holds, each held by `claimer` until now + lease (until it is marked, postponed or released);
  // a claim whose lease ran out (its sender died) is due again. Two connections claiming at once
  // never get the same delivery (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer).
  virtual Result<std::vector<Delivery>> ClaimDeliveries(int64_t issue_id,
                                                        const std::string& claimer, int64_t now,
                                                        int64_t lease, int limit) = 0;
  // The claimers holding pending deliveries of the issue now, and giving back the ones a
  // claimer holds (its process is known to be gone): due at once.
  virtual Result<std::vector<std::string>> DeliveryClaimers(int64_t issue_id) = 0;
  virtual Status ReleaseDeliveries(int64_t issue_id, const std::string& claimer) = 0;
  virtual Status MarkSent(int64_t issue_id, int64_t subscriber_id, int64_t now) = 0;
  virtual Status MarkFailed(int64_t issue_id, int64_t subscriber_id, const std::string& why) = 0;
  // A temporary failure: one more attempt made, the next not before `next_attempt`.
  virtual Status Postpone(int64_t issue_id, int64_t subscriber_id, int64_t next_attempt,
                          const std::string& why) = 0;
  virtual Result<DeliveryCounts> CountDeliveries(int64_t issue_id) = 0;
  // The earliest next_attempt among pending deliveries no sender holds (0 when there is none):
  // when a postponed delivery is due again.
  virtual Result<int64_t> NextAttempt(int64_t issue_id) = 0;
  virtual Status FinishIssue(int64_t issue_id, int64_t now) = 0;
  // Failed deliveries with their reasons (for the send report).
  virtual Result<std::vector<std::pair<std::string, std::string>>> FailedDeliveries(
      int64_t issue_id) = 0;

  // Whether this connection holds the lease `name`, for work that runs on one node at a time
  // (the newsletter scheduler): taken when no other connection holds it, and held until this
  // connection closes — a node that dies loses it with its connection, and another node takes
  // it at its next try. SQLite serves one machine: always true there.
  virtual Result<bool> HoldLease(const std::string& name) = 0;

  // A random secret of `size` bytes made the first time `name` is asked for, then kept.
  virtual Result<std::string> SiteSecret(const std::string& name, size_t size) = 0;

  // The outbox. QueueMail adds a message (in the caller's transaction, if one is open).
  // ClaimDueMail takes up to `limit` messages due at `now`, oldest first, and claims each until
  // now + lease, so that another process's outbox passes them by meanwhile; MailDone removes a
  // message (sent); RetryMail counts a failed try, why, and sets the next; MailFailed gives a
  // message up, keeping `kept` (what may still be shown of it) and why, for `newsletter status`.
  // CountQueuedMail counts the messages still to send; LoadOutbox lists them and the failed
  // ones, oldest first, `limit` at most.
  virtual Result<int64_t> QueueMail(const std::string& message, int64_t now) = 0;
  virtual Result<std::vector<QueuedMail>> ClaimDueMail(int64_t now, int64_t lease,
                                                       size_t limit) = 0;
  virtual Status MailDone(int64_t id) = 0;
  virtual Status RetryMail(int64_t id, int64_t next_attempt, const std::string& error) = 0;
  virtual Status MailFailed(int64_t id, const std::string& kept, const std::string& error) = 0;
  virtual Result<int64_t> CountQueuedMail() = 0;
  virtual Result<std::vector<QueuedMail>> LoadOutbox(size_t limit) = 0;
};

}  // namespace cinepress
