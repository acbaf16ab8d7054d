// The newsletter commands of the composition root: send (or test-send) an issue, preview it,
// import and export subscribers. Each is one `cinepress` command (see docs/NEWSLETTERS.md).
// Contract: as app.h — progress to `out`, problems to `err`, an Error for what stopped the
// command.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "content/newsletter_store.h"
#include "core/config.h"
#include "mail/smtp_transport.h"

namespace cinepress {

// The relay settings of [smtp], with the password from the environment when the file has none.
SmtpOptions SmtpOptionsFor(const SmtpConfig& config);

struct NewsletterSendOptions {
  std::string slug;
  std::string test_to;              // send the would-be issue to this address only, store nothing
  int connections = 0;              // 0: [smtp] connections
  std::optional<int64_t> now;       // the clock (tests); default: the real time
  std::function<bool()> cancelled;  // see SenderOptions::cancelled
  std::function<void(int64_t)> sleep;  // waiting for retries; default: really sleeps
  bool resume_only = false;            // send an unfinished issue only; never compose one
};

// Sends the newsletter's unfinished issue, or composes the due one (articles since the previous
// issue) and sends it. "Nothing to send" when no article is new. One sender per site folder at a
// time; senders on several nodes of one store split an unfinished issue between them (each
// claims its batches of recipients), and one node at a time composes (a store lease).
Status SendNewsletter(const SiteFolder& site, const NewsletterSendOptions& options,
                      std::ostream& out, std::ostream& err);

// The scheduler inside `cinepress serve`: every tick it resumes unfinished issues and sends the
// issues that are due (newsletter/schedule.h) in the site's time zone, and mails the gift
// memberships whose day has come. Its clock is serve's (core/serve_clock.h: tests set it with
// CINEPRESS_SCHEDULER_NOW, Unix seconds or RFC 3339; the clock starts there and runs), and
// tests may set CINEPRESS_SCHEDULER_TICK (seconds between checks, default 60). On a store that
// several nodes share, one node's scheduler composes at a time (NewsletterStore::HoldLease); it
// says when this node takes the turn or leaves it to another. Every node helps send an unfinished
// issue.
class NewsletterScheduler {
 public:
  NewsletterScheduler(SiteFolder site, std::ostream& out, std::ostream& err);
  ~NewsletterScheduler();
  void Start();
  void Stop();  // a send in progress stops between batches and resumes on the next start

 private:
  void Run();
  int64_t Now() const;
  // Whether this node schedules now (takes the lease when free); says so when that changes.
  bool HoldLease();
  // Mails the recipients of the gifts whose day has come (payments/gifts.h), by the
  // scheduler's clock.
  void SendDueGifts(const SiteConfig& config);
  // The workshops' turn (src/workshops): abandoned checkouts expired, freed seats offered to the
  // waitlist, lapsed offers passed on, reminders due; their mail queued for the outbox.
  void SendWorkshopMail(const SiteConfig& config);
  SiteFolder site_;
  std::ostream& out_;
  std::ostream& err_;
  std::chrono::seconds tick_{60};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};
  std::thread thread_;
  std::unique_ptr<NewsletterStore> lease_;  // the connection that holds the scheduler's lease
  std::optional<bool> holding_;             // as last said
};

// Writes the HTML (or, with `text`, the plain-text part) of the issue that would be sent now.
Status PreviewNewsletter(const SiteFolder& site, const std::string& slug, bool text,
                         std::ostream& out, std::ostream& err);

// Imports readers from CSV as confirmed subscribers (their consent date from the file).
// Nothing is written when a row is bad, unless skip_invalid. Returns the number of bad rows.
Result<size_t> ImportSubscribers(const SiteFolder& site, const std::filesystem::path& file,
                                 bool skip_invalid, std::ostream& out, std::ostream& err);

// For each newsletter: its subscribers by state and its latest issue with its delivery counts.
Status NewsletterStatus(const SiteFolder& site, std::ostream& out);

// Reads bounce messages (DSN, RFC 3464; one message or an mbox per file): hard bounces suppress
// the address for every newsletter, soft ones are counted on the subscriber.
Status ProcessBounces(const SiteFolder& site, const std::vector<std::filesystem::path>& files,
                      std::ostream& out, std::ostream& err);

// Writes every unsuppressed subscriber with confirmed lists as CSV, in the import's format.
Status ExportSubscribers(const SiteFolder& site, std::ostream& out);

}  // namespace cinepress
