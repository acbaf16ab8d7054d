#include "app/newsletter_commands.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <ostream>
#include <sstream>

#include "core/config.h"
#include "core/dates.h"
#include "core/serve_clock.h"
#include "core/text.h"
#include "mail/dsn.h"
#include "mail/message.h"
#include "mail/smtp_transport.h"
#include "members/members.h"
#include "newsletter/compose.h"
#include "newsletter/due_issue.h"
#include "newsletter/links.h"
#include "newsletter/schedule.h"
#include "newsletter/sender.h"
#include "newsletter/subscriber_csv.h"
#include "payments/gifts.h"
#include "site/site.h"
#include "store/open_store.h"
#include "workshops/registration.h"

namespace cinepress {
namespace {

// Everything an issue is composed from: the site map (with its theme) and the candidates.
struct Newsroom {
  std::shared_ptr<const Site> site;
  std::vector<IssueCandidate> candidates;
};

Result<Newsroom> OpenNewsroom(const SiteFolder& folder, int64_t now) {
  Newsroom n;
  auto site = LoadSite(folder, now);
  if (!site) return site.error();
  n.site = *site;
  auto store = OpenContentStore(folder.database(), SiteStoreOptions(n.site->config(), false));
  if (!store) return store.error();
  auto candidates = IssueCandidates(*n.site, **store);
  if (!candidates) return candidates.error();
  n.candidates = std::move(*candidates);
  return n;
}

Result<DueIssue> ComposeDue(Newsroom& room, NewsletterStore& store, const NewsletterConfig& nl,
                            int64_t now) {
  return ComposeDueIssue(*room.site, room.candidates, store, nl, now);
}

}  // namespace

SmtpOptions SmtpOptionsFor(const SmtpConfig& c) {
  SmtpOptions o;
  o.url = c.url;
  o.starttls = c.starttls;
  o.username = c.username;
  o.password = c.password;
  if (o.password.empty() && !c.password_env.empty()) {
    if (const char* p = std::getenv(c.password_env.c_str())) o.password = p;
  }
  if (const char* u = std::getenv("CINEPRESS_SMTP_USERNAME"); u && o.username.empty()) {
    o.username = u;
  }
  o.timeout_s = c.timeout_s;
  o.ca_file = c.ca_file;
  return o;
}

namespace {

// A newsletter for some tiers goes only to members who hold one of them now: the queued
// deliveries of everyone else are marked failed (with the reason) before anything is sent.
// Returns how many were left out.
Result<int64_t> LeaveOutUnentitled(NewsletterStore& store, const SiteFolder& folder,
                                   int64_t issue_id, const NewsletterConfig& nl, int64_t now) {
  auto members = OpenMemberStore(folder.database(), SiteStoreOptions(folder));
  if (!members) return members.error();
  int64_t dropped = 0, after = 0;
  for (;;) {
    auto batch = store.PendingDeliveries(issue_id, after, INT64_MAX, 500);
    if (!batch) return batch.error();
    if (batch->empty()) return dropped;
    for (const Delivery& d : *batch) {
      after = d.subscriber_id;
      auto member = (*members)->FindMember(d.email);
      if (!member) return member.error();
      bool entitled = false;
      if (*member && !(*member)->deleted) {
        auto grants = (*members)->LoadGrants((*member)->id);
        if (!grants) return grants.error();
        std::vector<std::string> held = TiersHeld(*grants, now);
        for (const std::string& t : nl.tiers) {
          entitled = entitled || std::find(held.begin(), held.end(), t) != held.end();
        }
      }
      if (entitled) continue;
      if (auto s = store.MarkFailed(issue_id, d.subscriber_id,
                                    "not sent: no longer holds a tier of this newsletter");
          !s) {
        return s.error();
      }
      ++dropped;
    }
  }
}

// One sender per newsletter at a time (a `newsletter send` beside the scheduler of `serve`
// would otherwise send the same queue twice): an exclusive flock on a file beside the store,
// which the kernel releases however the process ends.
class SendLock {
 public:
  ~SendLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Take(const SiteFolder& site, const std::string& slug) {
    std::filesystem::path path = site.root / (".newsletter-" + slug + ".lock");
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return Error{ErrorCode::kIo, "cannot open the send lock", path.string(), 0, {}};
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      return Error{ErrorCode::kConflict,
                   "another cinepress is sending newsletter \"" + slug + "\" right now",
                   path.string(),
                   0,
                   {}};
    }
    return {};
  }

 private:
  int fd_ = -1;
};

// The issue to resume, if there is one; else (unless resume_only) this connection takes the
// newsletter's composing lease, so that two nodes never compose the same issue — a node that
// finds the lease taken is told another is composing; on SQLite (one machine) the send lock
// above already is that. The lease is held until the store's connection closes (after the send).
Result<std::optional<NewsletterIssue>> UnfinishedOrComposeTurn(NewsletterStore& store,
                                                               const std::string& slug,
                                                               bool resume_only) {
  auto unfinished = store.UnfinishedIssue(slug);
  if (!unfinished || unfinished->has_value() || resume_only) return unfinished;
  auto held = store.HoldLease("newsletter composing " + slug);
  if (!held) return held.error();
  if (!*held) {
    return Error{ErrorCode::kConflict,
                 "another cinepress is sending newsletter \"" + slug + "\" right now (composing)",
                 {},
                 0,
                 {}};
  }
  return store.UnfinishedIssue(slug);  // made by another node just before the lease was ours
}

}  // namespace

Status SendNewsletter(const SiteFolder& folder, const NewsletterSendOptions& options,
                      std::ostream& out, std::ostream& err) {
  const int64_t now = options.now.value_or(NowSeconds());
  auto room = OpenNewsroom(folder, now);
  if (!room) return room.error();
  const SiteConfig& config = room->site->config();
  auto nl = FindNewsletter(config, options.slug);
  if (!nl) return nl.error();
  auto store = OpenNewsletterStore(folder.database(), SiteStoreOptions(folder));
  if (!store) return store.error();
  auto key = (*store)->SiteSecret(kLinkSecretName, kLinkSecretBytes);
  if (!key) return key.error();
  SmtpOptions smtp = SmtpOptionsFor(config.smtp);

  if (!options.test_to.empty()) {
    auto due = ComposeDue(*room, **store, **nl, now);
    if (!due) return due.error();
    auto m = TestIssueMessage(*due, **nl, config, *key, options.test_to, now, "--test-to");
    if (!m) return m.error();
    auto transport = OpenSmtpTransport(smtp);
    if (!transport) return transport.error();
    SendResult r = (*transport)->Send(*m);
    if (r.outcome != SendOutcome::kAccepted) {
      return Error{
          ErrorCode::kIo, "the relay did not take the test message: " + r.detail, {}, 0, "smtp"};
    }
    out << "newsletter " << (*nl)->slug << ": test issue (" << due->articles
        << " articles) sent to " << options.test_to << "\n";
    return {};
  }

  SendLock lock;
  if (auto s = lock.Take(folder, (*nl)->slug); !s) return s;
  auto unfinished = UnfinishedOrComposeTurn(**store, (*nl)->slug, options.resume_only);
  if (!unfinished) return unfinished.error();
  NewsletterIssue issue;
  if (unfinished->has_value()) {
    issue = std::move(**unfinished);
    out << "newsletter " << (*nl)->slug << ": resuming issue " << issue.id << "\n";
  } else if (options.resume_only) {
    return {};
  } else {
    auto due = ComposeDue(*room, **store, **nl, now);
    if (!due) return due.error();
    if (due->articles == 0) {
      out << "newsletter " << (*nl)->slug << ": nothing to send (no new article since "
          << room->site->tz().Iso(due->issue.since) << ")\n";
      return {};
    }
    auto id = (*store)->CreateIssue(due->issue);
    if (!id) return id.error();
    issue = std::move(due->issue);
    issue.id = *id;
    if (!(*nl)->tiers.empty()) {
      auto dropped = LeaveOutUnentitled(**store, folder, issue.id, **nl, now);
      if (!dropped) return dropped.error();
      if (*dropped > 0) {
        out << "newsletter " << (*nl)->slug << ": " << *dropped
            << " subscribers no longer hold a tier of this newsletter: left out\n";
      }
    }
    auto counts = (*store)->CountDeliveries(issue.id);
    if (!counts) return counts.error();
    out << "newsletter " << (*nl)->slug << ": issue " << issue.id << " (" << due->articles
        << (due->articles == 1 ? " article" : " articles") << ") queued for " << counts->pending
        << " subscribers\n";
  }
  out << std::flush;

  SenderOptions so;
  so.connections = options.connections > 0 ? options.connections : config.smtp.connections;
  so.rate_per_minute = config.smtp.rate_per_minute;
  so.retry.max_attempts = config.smtp.max_attempts;
  so.cancelled = options.cancelled;
  so.sleep = options.sleep;
  TransportFactory factory = [smtp] { return OpenSmtpTransport(smtp); };
  auto report = SendIssue(**store, issue, **nl, config, *key, factory, so, out);
  if (!report) return report.error();
  out << "newsletter " << (*nl)->slug << ": issue " << issue.id << ": " << report->sent << " sent, "
      << report->failed << " failed, " << report->pending << " pending (" << report->attempts
      << " handed to the relay by this run)\n";
  if (report->failed > 0) {
    auto failed = (*store)->FailedDeliveries(issue.id);
    if (failed) {
      size_t shown = 0;
      for (const auto& [email, why] : *failed) {
        if (++shown > 20) {
          err << "  … and " << failed->size() - 20 << " more\n";
          break;
        }
        err << "  " << email << ": " << why << "\n";
      }
    }
  }
  return {};
}

namespace {

// Whether the newsroom scheduled a send of `slug` for `now` or before; it is taken (removed)
// when it is: a crash after this composes nothing twice (an issue made and not finished is
// resumed like any other), at the price of a send asked for and never composed, which the
// scheduler's log then says.
bool ScheduledSendIsDue(NewsletterStore& store, const std::string& slug, int64_t now) {
  auto scheduled = store.LoadScheduledSend(slug);
  if (!scheduled || !scheduled->has_value() || (*scheduled)->at > now) return false;
  return static_cast<bool>(store.CancelScheduledSend(slug));
}

}  // namespace

NewsletterScheduler::NewsletterScheduler(SiteFolder site, std::ostream& out, std::ostream& err)
    : site_(std::move(site)), out_(out), err_(err) {
  if (const char* tick = std::getenv("CINEPRESS_SCHEDULER_TICK"); tick && std::atoi(tick) > 0) {
    tick_ = std::chrono::seconds(std::atoi(tick));
  }
}

NewsletterScheduler::~NewsletterScheduler() { Stop(); }

int64_t NewsletterScheduler::Now() const { return ServeNow(); }

void NewsletterScheduler::Start() {
  thread_ = std::thread([this] { Run(); });
}

void NewsletterScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cancel_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NewsletterScheduler::Run() {
  std::map<std::string, int64_t> nothing_new;  // slug -> the slot that had nothing to send
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, tick_, [&] { return stopping_; })) return;
    }
    auto config = LoadSiteConfig(site_.config());
    if (config && config->gifts_offered() && HoldLease()) SendDueGifts(*config);
    if (config && HoldLease()) SendWorkshopMail(*config);
    if (!config || config->newsletters.empty()) continue;
    const bool composing = HoldLease();
    auto tz = TimeZone::Named(config->timezone);
    auto store = OpenNewsletterStore(site_.database(), SiteStoreOptions(site_));
    if (!tz || !store) continue;
    for (const NewsletterConfig& nl : config->newsletters) {
      if (cancel_) return;
      const int64_t now = Now();
      auto unfinished = (*store)->UnfinishedIssue(nl.slug);
      auto latest = (*store)->LatestIssue(nl.slug);
      if (!unfinished || !latest) continue;
      // Every node helps send an unfinished issue; the lease's holder alone composes.
      bool due = unfinished->has_value();
      if (!due && composing && ScheduledSendIsDue(**store, nl.slug, now)) {
        due = true;
        out_ << "scheduler: " << nl.slug << ": the send the newsroom scheduled is due\n";
      }
      if (!due && composing) {
        auto slot = OpenSlot(nl, *config, *tz, now);
        due = IsDue(nl, *config, *tz, now, latest->has_value() ? &**latest : nullptr) &&
              nothing_new[nl.slug] != *slot;
        if (due) nothing_new[nl.slug] = *slot;  // one composition per slot
      }
      if (!due) continue;
      NewsletterSendOptions send;
      send.slug = nl.slug;
      send.now = now;
      send.resume_only = !composing;
      send.cancelled = [this] { return cancel_.load(); };
      // Waiting for retries must not hold up the server's shutdown.
      send.sleep = [this](int64_t seconds) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, std::chrono::seconds(seconds), [&] { return stopping_; });
      };
      std::ostringstream log;
      if (auto s = SendNewsletter(site_, send, log, log); !s) {
        err_ << "scheduler: " << nl.slug << ": " << s.error().ToString() << "\n" << std::flush;
      }
      out_ << log.str() << std::flush;
    }
  }
}

void NewsletterScheduler::SendDueGifts(const SiteConfig& config) {
  auto members = OpenMemberStore(site_.database(), SiteStoreOptions(site_));
  if (!members || !(*members)->BeginTransaction()) return;
  // The gifts marked sent and their messages queued in one transaction: a crash loses neither
  // and sends nothing twice.
  auto due = TakeDueGifts(**members, config, Now());
  Status queued = due ? Status{} : Status(due.error());
  for (size_t i = 0; queued && i < due->size(); ++i) {
    if (auto id = (*members)->QueueMail(SerializeMessage((*due)[i]), NowSeconds()); !id) {
      queued = id.error();
    }
  }
  if (queued) queued = (*members)->Commit();
  if (!queued) {
    (void)(*members)->Rollback();
    err_ << "scheduler: gifts: " << queued.error().ToString() << "\n";
    return;
  }
  if (!due->empty()) out_ << "scheduler: " << due->size() << " gift(s) sent\n" << std::flush;
}

void NewsletterScheduler::SendWorkshopMail(const SiteConfig& config) {
  auto workshops = OpenWorkshopStore(site_.database(), SiteStoreOptions(site_));
  if (!workshops) return;
  const int64_t now = Now();
  if (auto swept = (*workshops)->ExpireAbandonedRegistrations(now); !swept) {
    err_ << "scheduler: workshops: " << swept.error().ToString() << "\n";
    return;
  }
  // Marked in the store before they are queued: a crash between the two loses a message rather
  // than sending one twice.
  auto offers = OfferSeats(**workshops, config, now, config.workshops.offer_seconds);
  auto reminders = DueReminders(**workshops, config, now);
  std::vector<MailMessage> mail;
  for (auto* part : {&offers, &reminders}) {
    if (!*part) {
      err_ << "scheduler: workshops: " << part->error().ToString() << "\n";
      continue;
    }
    for (MailMessage& m : **part) mail.push_back(std::move(m));
  }
  if (mail.empty()) return;
  auto outbox = OpenNewsletterStore(site_.database(), SiteStoreOptions(site_));
  if (!outbox) return;
  for (const MailMessage& m : mail) {
    if (auto q = (*outbox)->QueueMail(SerializeMessage(m), NowSeconds()); !q) {
      err_ << "scheduler: workshops: " << q.error().ToString() << "\n";
    }
  }
  out_ << "scheduler: workshops: " << (offers ? offers->size() : 0) << " offer(s), "
       << (reminders ? reminders->size() : 0) << " reminder(s) sent\n"
       << std::flush;
}

bool NewsletterScheduler::HoldLease() {
  // Several nodes on one PostgreSQL: one schedules (it holds the lease on a connection kept for
  // it); when it dies its session ends, and another node takes the lease at its next tick.
  if (!lease_) {
    auto store = OpenNewsletterStore(site_.database(), SiteStoreOptions(site_));
    if (store) lease_ = std::move(*store);
  }
  auto held = lease_ ? lease_->HoldLease("newsletter scheduler") : Result<bool>(false);
  if (!held) lease_.reset();  // a lost connection: a new one next tick
  const bool holding = held && *held;
  if (holding != holding_) {
    out_ << (holding ? "scheduler: this node composes the newsletters\n"
                     : "scheduler: another node composes the newsletters\n")
         << std::flush;
    holding_ = holding;
  }
  return holding;
}

Status PreviewNewsletter(const SiteFolder& folder, const std::string& slug, bool text,
                         std::ostream& out, std::ostream& err) {
  const int64_t now = NowSeconds();
  auto room = OpenNewsroom(folder, now);
  if (!room) return room.error();
  auto nl = FindNewsletter(room->site->config(), slug);
  if (!nl) return nl.error();
  auto store = OpenNewsletterStore(folder.database(), SiteStoreOptions(folder));
  if (!store) return store.error();
  auto due = ComposeDue(*room, **store, **nl, now);
  if (!due) return due.error();
  if (due->articles == 0) {
    err << "newsletter " << slug << ": no new article since "
        << room->site->tz().Iso(due->issue.since) << ": this issue would be empty\n";
  }
  MailMessage m = PersonalizeIssue(due->issue, **nl, room->site->config(), std::string(32, '0'),
                                   Delivery{0, "preview@example.com", "", 0});
  out << (text ? m.text : m.html);
  return {};
}

Result<size_t> ImportSubscribers(const SiteFolder& folder, const std::filesystem::path& file,
                                 bool skip_invalid, std::ostream& out, std::ostream& err) {
  auto config = LoadSiteConfig(folder.config());
  if (!config) return config.error();
  auto tz = TimeZone::Named(config->timezone);
  if (!tz) return tz.error();
  auto text = ReadFile(file);
  if (!text) return Error{ErrorCode::kIo, text.error().message, file.string(), 0, {}};
  std::set<std::string> lists;
  for (const NewsletterConfig& nl : config->newsletters) lists.insert(nl.slug);
  SubscriberCsv csv = ParseSubscriberCsv(*text, file.string(), lists, *tz);
  for (const Error& e : csv.problems) err << e.ToString() << "\n";
  if (!csv.problems.empty() && !skip_invalid) {
    err << "subscribers: " << csv.problems.size()
        << " bad rows; nothing imported (fix them, or give --skip-invalid)\n";
    return csv.problems.size();
  }
  auto store = OpenNewsletterStore(folder.database(), SiteStoreOptions(folder));
  if (!store) return store.error();
  const int64_t now = NowSeconds();
  const std::string form = "import:" + file.filename().string();
  if (auto s = (*store)->BeginTransaction(); !s) return s.error();
  size_t kept_out = 0;  // subscriptions a reader cancelled: an old list does not bring them back
  for (const SubscriberRow& row : csv.rows) {
    auto id = (*store)->UpsertSubscriber(row.email, row.name, now);
    Status s = id ? Status() : Status(id.error());
    std::vector<Subscription> current;
    if (s) {
      auto subs = (*store)->LoadSubscriptions(*id);
      if (subs) current = std::move(*subs);
      if (!subs) s = subs.error();
    }
    for (size_t i = 0; s && i < row.lists.size(); ++i) {
      bool cancelled = false;
      for (const Subscription& sub : current) {
        cancelled |=
            sub.newsletter == row.lists[i] && sub.state == SubscriptionState::kUnsubscribed;
      }
      if (cancelled) {
        ++kept_out;
        continue;
      }
      s = (*store)->SetSubscription(*id, row.lists[i], SubscriptionState::kConfirmed,
                                    Consent{row.consent_at, "", form}, now);
    }
    if (!s) {
      (void)(*store)->Rollback();
      return s.error();
    }
  }
  if (auto s = (*store)->Commit(); !s) return s.error();
  out << "subscribers: " << csv.rows.size() << " imported";
  if (kept_out > 0) out << ", " << kept_out << " subscriptions left cancelled (readers who left)";
  if (!csv.problems.empty()) out << ", " << csv.problems.size() << " bad rows skipped";
  out << "\n";
  return csv.problems.size();
}

namespace {

// The site's outbox (confirmations, sign-in links that `serve` sends): what waits, what was given
// up, each with its last error.
Status OutboxStatus(NewsletterStore& store, const TimeZone& tz, std::ostream& out) {
  constexpr size_t kShown = 50;
  auto outbox = store.LoadOutbox(kShown + 1);
  if (!outbox) return outbox.error();
  auto waiting = store.CountQueuedMail();
  if (!waiting) return waiting.error();
  size_t failed = 0;
  for (const QueuedMail& q : *outbox) failed += q.failed;
  out << "outbox: " << *waiting << " waiting, " << failed << (outbox->size() > kShown ? "+" : "")
      << " failed" << (outbox->empty() ? "" : " (the oldest first)") << "\n";
  for (size_t k = 0; k < outbox->size() && k < kShown; ++k) {
    const QueuedMail& q = (*outbox)[k];
    std::optional<MailMessage> m = ParseMessage(q.message);
    out << "  " << (q.failed ? "failed " : "waiting") << " " << tz.Iso(q.created) << " to "
        << (m ? m->to.email : "?") << " \"" << (m ? m->subject : "") << "\", " << q.attempts
        << (q.attempts == 1 ? " try" : " tries");
    if (!q.failed && q.attempts > 0) out << ", next " << tz.Iso(q.next_attempt);
    if (!q.last_error.empty()) out << ": " << q.last_error;
    out << "\n";
  }
  if (outbox->size() > kShown) out << "  …\n";
  return {};
}

}  // namespace

Status NewsletterStatus(const SiteFolder& folder, std::ostream& out) {
  auto config = LoadSiteConfig(folder.config());
  if (!config) return config.error();
  auto tz = TimeZone::Named(config->timezone);
  if (!tz) return tz.error();
  auto store = OpenNewsletterStore(folder.database(), SiteStoreOptions(folder));
  if (!store) return store.error();
  if (config->newsletters.empty()) out << "no [[newsletters]] in cinepress.toml\n";
  for (const NewsletterConfig& nl : config->newsletters) {
    out << nl.slug << " (" << nl.name << ", " << nl.schedule.kind << "):";
    for (auto state : {SubscriptionState::kConfirmed, SubscriptionState::kPending,
                       SubscriptionState::kUnsubscribed}) {
      auto n = (*store)->CountSubscribers(nl.slug, state);
      if (!n) return n.error();
      out << " " << *n << " " << SubscriptionStateName(state);
    }
    out << "\n";
    auto latest = (*store)->LatestIssue(nl.slug);
    if (!latest) return latest.error();
    if (!latest->has_value()) {
      out << "  no issue yet\n";
      continue;
    }
    const NewsletterIssue& i = **latest;
    auto counts = (*store)->CountDeliveries(i.id);
    if (!counts) return counts.error();
    out << "  issue " << i.id << ", " << tz->Iso(i.created) << ", \"" << i.subject
        << "\": " << counts->sent << " sent, " << counts->failed << " failed, " << counts->pending
        << " pending" << (i.finished ? "" : " (unfinished: `newsletter send` resumes it)") << "\n";
  }
  return OutboxStatus(**store, *tz, out);
}

Status ProcessBounces(const SiteFolder& folder, const std::vector<std::filesystem::path>& files,
                      std::ostream& out, std::ostream& err) {
  auto store = OpenNewsletterStore(folder.database(), SiteStoreOptions(folder));
  if (!store) return store.error();
  int hard = 0, soft = 0, complaints = 0, unknown = 0, other = 0, not_dsn = 0;
  for (const auto& file : files) {
    auto data = ReadFile(file);
    if (!data) return Error{ErrorCode::kIo, data.error().message, file.string(), 0, {}};
    auto report = ParseDeliveryReports(*data);
    if (!report) {
      err << file.string() << ": " << report.error().message << "\n";
      continue;
    }
    not_dsn += report->not_dsn;
    for (const DsnRecipient& r : report->recipients) {
      if (!r.hard() && !r.soft()) {
        ++other;  // delivered, relayed, expanded
        continue;
      }
      auto sub = (*store)->FindSubscriber(r.email);
      if (!sub) return sub.error();
      if (!sub->has_value()) {
        ++unknown;
        continue;
      }
      Status s =
          r.hard() ? (*store)->Suppress((*sub)->id, "hard bounce: " + r.status + " " + r.diagnostic)
                   : (*store)->CountSoftBounce((*sub)->id);
      if (!s) return s.error();
      ++(r.hard() ? hard : soft);
      if (r.hard()) err << "  suppressed " << r.email << " (" << r.status << ")\n";
    }
    for (const std::string& email : report->complaints) {
      auto sub = (*store)->FindSubscriber(email);
      if (!sub) return sub.error();
      if (!sub->has_value()) {
        ++unknown;
        continue;
      }
      if (auto s = (*store)->Suppress((*sub)->id, "complaint"); !s) return s.error();
      ++complaints;
      err << "  suppressed " << email << " (complaint)\n";
    }
  }
  out << "bounces: " << hard << " hard (suppressed), " << soft << " soft (counted), " << complaints
      << " complaints (suppressed), " << unknown << " for unknown addresses, " << other
      << " other notices, " << not_dsn << " messages that are no report\n";
  return {};
}

Status ExportSubscribers(const SiteFolder& folder, std::ostream& out) {
  auto store = OpenNewsletterStore(folder.database(), SiteStoreOptions(folder));
  if (!store) return store.error();
  out << SubscriberCsvHeader();
  return (*store)->ForEachSubscriber(
      [&](const Subscriber& s, const std::vector<Subscription>& subs) -> Status {
        if (s.suppressed) return {};
        std::vector<std::string> lists;
        int64_t consent = 0;
        for (const Subscription& sub : subs) {
          if (sub.state != SubscriptionState::kConfirmed) continue;
          lists.push_back(sub.newsletter);
          if (consent == 0 || sub.consent.at < consent) consent = sub.consent.at;
        }
        if (!lists.empty()) out << SubscriberCsvRow(s.email, s.name, lists, consent);
        return {};
      });
}

}  // namespace cinepress
