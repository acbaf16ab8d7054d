#include "newsletter/sender.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <ostream>
#include <thread>

#include "core/dates.h"
#include "core/process.h"
#include "newsletter/compose.h"

namespace cinepress {
namespace {

// The work shared by the connections: a bounded queue of deliveries, the store behind a lock,
// the rate limiter and the first error.
class Dispatch {
 public:
  Dispatch(NewsletterStore& store, const SenderOptions& o) : store_(store), o_(o) {}

  // Producer side.
  void Push(Delivery d) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return queue_.size() < static_cast<size_t>(o_.batch) || failed_; });
    queue_.push_back(std::move(d));
    ++outstanding_;
    ready_.notify_one();
  }
  // Waits until the connections have taken every queued delivery: a sender claims its next
  // batch only then, so that it holds no more than it is about to send and other senders
  // claim the rest.
  void WaitForEmpty() {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return queue_.empty() || failed_; });
  }
  // Waits until every pushed delivery has been settled.
  void Drain() {
    std::unique_lock lock(mu_);
    idle_.wait(lock, [&] { return outstanding_ == 0 || failed_; });
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_all();
  }

  // Consumer side: false when closed and empty.
  bool Pop(Delivery& d) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !queue_.empty() || closed_ || failed_; });
    if (queue_.empty() || failed_) return false;
    d = std::move(queue_.front());
    queue_.pop_front();
    room_.notify_one();
    return true;
  }
  void Settled() {
    std::lock_guard lock(mu_);
    if (--outstanding_ == 0) idle_.notify_all();
  }

  // Runs `fn` on the store under the lock; the first failure stops everyone.
  Status WithStore(const std::function<Status(NewsletterStore&)>& fn) {
    std::lock_guard lock(store_mu_);
    Status s = fn(store_);
    if (!s) Fail(s.error());
    return s;
  }
  void Fail(const Error& e) {
    std::lock_guard lock(mu_);
    if (!failed_) error_ = e;
    failed_ = true;
    ready_.notify_all();
    room_.notify_all();
    idle_.notify_all();
  }
  bool failed() {
    std::lock_guard lock(mu_);
    return failed_;
  }
  Error error() {
    std::lock_guard lock(mu_);
    return error_;
  }

  // Paces sends to rate_per_minute over all connections.
  void Pace() {
    if (o_.rate_per_minute <= 0) return;
    using clock = std::chrono::steady_clock;
    const auto gap = std::chrono::microseconds(60'000'000 / o_.rate_per_minute);
    clock::time_point at;
    {
      std::lock_guard lock(mu_);
      auto now = clock::now();
      if (next_slot_ < now) next_slot_ = now;
      at = next_slot_;
      next_slot_ += gap;
    }
    std::this_thread::sleep_until(at);
  }

  std::atomic<int64_t> attempts{0};

 private:
  NewsletterStore& store_;
  const SenderOptions& o_;
  std::mutex mu_, store_mu_;
  std::condition_variable ready_, room_, idle_;
  std::deque<Delivery> queue_;
  size_t outstanding_ = 0;
  bool closed_ = false, failed_ = false;
  Error error_;
  std::chrono::steady_clock::time_point next_slot_{};
};

// A sender on this machine that died (killed, or its machine's power cut and back) holds its
// claimed batch until the lease ends; when its process is known to be gone, at once.
Status ReleaseEndedClaims(NewsletterStore& store, int64_t issue_id, std::ostream& progress) {
  auto claimers = store.DeliveryClaimers(issue_id);
  if (!claimers) return claimers.error();
  for (const std::string& claimer : *claimers) {
    if (!ProcessEnded(claimer)) continue;
    if (auto s = store.ReleaseDeliveries(issue_id, claimer); !s) return s;
    progress << "newsletter: took back the deliveries held by an ended sender (" << claimer
             << ")\n";
  }
  return {};
}

}  // namespace

Result<SendReport> SendIssue(NewsletterStore& store, const NewsletterIssue& issue,
                             const NewsletterConfig& nl, const SiteConfig& site,
                             std::string_view link_key, const TransportFactory& transports,
                             const SenderOptions& options, std::ostream& progress) {
  SenderOptions o = options;
  if (!o.now) o.now = NowSeconds;
  if (!o.sleep) {
    o.sleep = [](int64_t s) { std::this_thread::sleep_for(std::chrono::seconds(s)); };
  }
  if (o.connections < 1) o.connections = 1;
  if (o.lease < 1) o.lease = 1;
  if (o.rate_per_minute > 0) {
    o.batch = static_cast<int>(std::min<int64_t>(o.batch, o.rate_per_minute * o.lease / 120));
  }
  if (o.batch < 1) o.batch = 1;
  if (o.claimer.empty()) {
    static std::atomic<int> sends{0};
    o.claimer = ThisProcess() + " send " + std::to_string(++sends);
  }
  Dispatch dispatch(store, o);
  const std::string key(link_key);

  auto worker = [&](MailTransport* transport) {
    Delivery d;
    while (dispatch.Pop(d)) {
      MailMessage m = PersonalizeIssue(issue, nl, site, key, d);
      dispatch.Pace();
      SendResult r = transport->Send(m);
      ++dispatch.attempts;
      const int attempts = d.attempts + 1;
      if (r.outcome == SendOutcome::kRelayRefused) {
        // Not this recipient's fault: stop the run, mark nothing; the next run resumes.
        dispatch.Fail(Error{ErrorCode::kIo, "the relay refused us: " + r.detail, {}, 0, "smtp"});
        dispatch.Settled();
        continue;
      }
      // The mark is written before this connection takes its next message.
      (void)dispatch.WithStore([&](NewsletterStore& s) -> Status {
        if (r.outcome == SendOutcome::kAccepted)
          return s.MarkSent(issue.id, d.subscriber_id, o.now());
        if (r.outcome == SendOutcome::kPermanent || o.retry.GiveUpAfter(attempts)) {
          return s.MarkFailed(issue.id, d.subscriber_id, r.detail);
        }
        return s.Postpone(issue.id, d.subscriber_id, o.now() + o.retry.PauseAfter(attempts),
                          r.detail);
      });
      dispatch.Settled();
    }
  };

  std::vector<std::unique_ptr<MailTransport>> connections;
  for (int i = 0; i < o.connections; ++i) {
    auto t = transports();
    if (!t) return t.error();
    connections.push_back(std::move(*t));
  }
  std::vector<std::thread> threads;
  for (auto& c : connections) threads.emplace_back(worker, c.get());

  // Passes over the queue: each pass hands out every due delivery once; between passes, wait
  // for the earliest postponed one.
  auto cancelled = [&] { return o.cancelled && o.cancelled(); };
  for (;;) {
    if (!dispatch.WithStore(
            [&](NewsletterStore& s) { return ReleaseEndedClaims(s, issue.id, progress); })) {
      break;
    }
    for (;;) {
      dispatch.WaitForEmpty();
      if (cancelled() || dispatch.failed()) break;
      std::vector<Delivery> batch;
      if (!dispatch.WithStore([&](NewsletterStore& s) -> Status {
            auto b = s.ClaimDeliveries(issue.id, o.claimer, o.now(), o.lease, o.batch);
            if (!b) return b.error();
            batch = std::move(*b);
            return {};
          })) {
        break;
      }
      if (batch.empty()) break;
      for (Delivery& d : batch) dispatch.Push(std::move(d));
      if (dispatch.failed()) break;
    }
    dispatch.Drain();
    if (dispatch.failed() || cancelled()) break;
    int64_t next = 0;
    if (!dispatch.WithStore([&](NewsletterStore& s) -> Status {
          auto n = s.NextAttempt(issue.id);
          if (!n) return n.error();
          next = *n;
          return {};
        })) {
      break;
    }
    if (next == 0) break;  // nothing waits for a retry (another sender may hold the rest)
    int64_t wait = next - o.now();
    if (wait > 0) {
      progress << "newsletter: waiting " << wait << " s to retry temporary failures\n";
      o.sleep(wait);
    }
  }
  dispatch.Close();
  for (auto& t : threads) t.join();
  // What this run claimed and did not send (it stopped or failed) is due at once for the next.
  if (auto s = store.ReleaseDeliveries(issue.id, o.claimer); !s && !dispatch.failed()) {
    return s.error();
  }
  if (dispatch.failed()) return dispatch.error();

  auto counts = store.CountDeliveries(issue.id);
  if (!counts) return counts.error();
  if (counts->pending == 0) {
    if (auto s = store.FinishIssue(issue.id, o.now()); !s) return s.error();
  }
  SendReport report;
  report.sent = counts->sent;
  report.failed = counts->failed;
  report.pending = counts->pending;
  report.attempts = dispatch.attempts;
  return report;
}

}  // namespace cinepress
