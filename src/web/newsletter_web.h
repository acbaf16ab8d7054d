// NewsletterWeb: the reader-facing newsletter pages of `cinepress serve`, thin handlers over
// src/newsletter: the page of each newsletter, the sign-up POST (from this site's pages only,
// honeypot, a per-client rate limit, one confirmation per address per window, the same answer
// whoever signs up), the confirmation page (a button: a POST), RFC 8058
// one-click unsubscribe, and the preferences page reached by a signed link (CSRF-protected).
// Confirmation messages are queued in the store's outbox in the sign-up's own transaction and
// sent by a background thread, never on a server thread: a message survives a crash or a relay
// that is down, and is tried again with growing pauses.
//
// Contract: Handle is thread-safe (the store connection is used under a lock); Start and Stop
// are called once by the owner. Paths outside /newsletters/ are not answered (nullopt).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "content/newsletter_store.h"
#include "http/message.h"
#include "mail/transport.h"
#include "site/site.h"
#include "web/rate_limiter.h"

namespace cinepress {

struct NewsletterWebOptions {
  std::function<std::shared_ptr<const Site>()> site;  // the site as served now
  std::function<Result<std::unique_ptr<NewsletterStore>>()> open_store;
  TransportFactory mail;  // for confirmation messages
  std::function<int64_t()> now;
  // Sign-up requests (whatever becomes of them) per client per window … An IPv6 client is
  // counted by its /64 (ClientNetwork).
  int signups_per_ip = 5;
  int signup_window_s = 600;           // … of this many seconds; more get 429
  size_t rate_limit_clients = 100000;  // clients remembered at most (offenders are kept)
  int confirmation_window_s = 900;     // one confirmation per address per this many seconds
  size_t outbox_limit = 10000;         // confirmation messages waiting at most
  RetryPolicy retry;  // after its last try a message is given up (counted as failed)
  std::chrono::milliseconds outbox_poll{5000};  // how often the outbox looks for due messages
  // A line for the operator (serve's standard error): a message that could not be sent, and why.
  std::function<void(const std::string&)> log;
};

class NewsletterWeb {
 public:
  explicit NewsletterWeb(NewsletterWebOptions options);
  ~NewsletterWeb();

  Status Start();  // opens the store and reads the link secret; starts the outbox
  void Stop();     // stops the outbox after the message it is sending (the rest stay queued)

  std::optional<HttpResponse> Handle(const HttpRequest& request);
  // Queues a message in the store's outbox and wakes the sender (other pages' messages: sign-in
  // links, address changes). An error when the store cannot take it.
  Status Queue(const MailMessage& message);
  // Wakes the sender for messages another connection queued in the store (a webhook event's).
  void MailQueued();

  uint64_t confirmations_sent() const { return sent_; }
  uint64_t confirmations_failed() const { return failed_; }
  // The outbox's counters in Prometheus's text format, for /metrics.
  std::string MetricsText() const;

 private:
  HttpResponse SignUpPost(const HttpRequest& req, const Site& site);
  HttpResponse Page(const Site& site, int status, const std::string& url,
                    const std::string& heading, const TemplateData& view);
  bool RateLimited(const std::string& ip, int64_t now);
  void Outbox();
  // One pass over the due messages; false when the outbox cannot be read.
  bool SendDue(NewsletterStore& store, std::unique_ptr<MailTransport>& transport);

  NewsletterWebOptions options_;
  std::string key_;
  std::mutex store_mu_;
  std::unique_ptr<NewsletterStore> store_;
  // Sign-up requests by client network (an IPv6 client by its /64). Bounded: when it is full, a
  // client under its limit is forgotten, never one over it, so that filling the table from many
  // addresses does not wipe an offender's count.
  RateLimiter signup_limit_;

  std::mutex out_mu_;
  std::condition_variable out_cv_;
  bool queued_ = false;  // a message was queued since the outbox last looked
  bool stopping_ = false;
  std::thread outbox_thread_;
  // Messages sent; given up (or refused in a flood); tries that failed, the relay unreachable
  // or refusing.
  std::atomic<uint64_t> sent_{0}, failed_{0}, send_errors_{0};
};

}  // namespace cinepress
