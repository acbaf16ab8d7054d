// Sending an issue: drains its delivery queue in the store over several mail connections.
//
// Guarantees (docs/NEWSLETTERS.md): a delivery is marked sent only after the relay accepted
// the message, and the mark is durable before that connection sends its next message; so a
// process killed at any moment and started again sends every pending delivery, and doubles at
// most the messages in flight at the kill (one per connection), with the same Message-ID.
// Recipients are claimed from the store in batches (NewsletterStore::ClaimDeliveries): memory
// does not grow with the list, and several senders — processes, nodes — split one issue, none
// sending what another holds. A claim lasts `lease` seconds: a sender that dies gives its batch
// back when its lease ends, or at once when the next sender on its machine sees it is gone.
//
// Contract: SendIssue owns the calling thread until the queue is empty or the store fails; it
// makes `connections` threads, each with its own transport from the factory, and uses `store`
// from all of them under one lock.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include "content/newsletter_store.h"
#include "core/config.h"
#include "core/result.h"
#include "mail/transport.h"

namespace cinepress {

struct SenderOptions {
  int connections = 4;
  int rate_per_minute = 0;       // 0: no limit
  RetryPolicy retry;             // after its last try a temporary failure counts as permanent
  int batch = 512;               // deliveries claimed from the store at a time
  int64_t lease = 300;           // seconds a claimed batch is held (the batch is made smaller
                                 // when rate_per_minute would not send two batches in a lease)
  std::string claimer;           // who claims (default: ThisProcess() and a number)
  std::function<int64_t()> now;  // the clock (default: NowSeconds)
  std::function<void(int64_t seconds)> sleep;  // waiting for retries (default: really sleeps)
  // Asked between batches: true stops handing out deliveries (those in flight finish); the
  // issue stays unfinished and a later run resumes it.
  std::function<bool()> cancelled;
};

struct SendReport {
  int64_t sent = 0, failed = 0, pending = 0;  // the issue's counts at the end (pending ones
                                              // are held by another sender or wait a retry)
  int64_t attempts = 0;                       // messages handed to the relay by this run
};

Result<SendReport> SendIssue(NewsletterStore& store, const NewsletterIssue& issue,
                             const NewsletterConfig& nl, const SiteConfig& site,
                             std::string_view link_key, const TransportFactory& transports,
                             const SenderOptions& options, std::ostream& progress);

}  // namespace cinepress
