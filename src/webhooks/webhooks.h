// Webhooks: the magazine's events told to the URLs of cinepress.toml's [[webhooks]], signed, from
// an outbox in the store (docs/API.md).
//
//   event      article.published, article.updated, article.unpublished, article.deleted;
//              member.added, member.edited, member.deleted
//   body       {"id": DELIVERY_ID, "event": EVENT, "created_at": ISO, "data": {...}}
//   signature  X-Cinepress-Signature: t=TIMESTAMP,v1=HEX(HMAC-SHA256(secret, "TIMESTAMP.BODY")) —
//              Stripe's scheme, made by payments/signature.h's one implementation
//   once       X-Cinepress-Delivery carries the delivery id; a delivery is marked delivered
//              after a 2xx, so a crash between the two sends it again with the same id, which
//              a receiver drops as a repeat
//
// Contract: QueueWebhookEvent and MemberWebhooks' hook write into the caller's transaction (the
// change's own);
// SendDueWebhooks uses the store and poster given (one thread); WebhookSender owns a thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "content/content_store.h"
#include "content/member_store.h"
#include "core/config.h"
#include "members/members.h"

namespace cinepress {

struct WebhookRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The outside world: one POST, its HTTP status or an error (no connection, a timeout).
class WebhookPoster {
 public:
  virtual ~WebhookPoster() = default;
  virtual Result<int> Post(const WebhookRequest& request) = 0;
};
// libcurl, with a connect and total timeout of `timeout`; no redirects followed.
std::unique_ptr<WebhookPoster> OpenCurlPoster(std::chrono::seconds timeout);

// The twin for tests: records every request and answers the statuses given, in order (then 200).
class RecordingPoster final : public WebhookPoster {
 public:
  explicit RecordingPoster(std::vector<int> statuses = {}) : statuses_(std::move(statuses)) {}
  Result<int> Post(const WebhookRequest& request) override;
  std::vector<WebhookRequest> requests() const;

 private:
  mutable std::mutex mu_;
  std::vector<int> statuses_;
  std::vector<WebhookRequest> requests_;
};

// Queues one delivery of `event` (with `data`, a JSON object's text) for each webhook that
// names it; nothing when none does. The content store's and the member store's outbox is one.
Status QueueWebhookEvent(ContentStore& store, const std::vector<WebhookConfig>& hooks,
                         std::string_view event, const std::string& data, int64_t now);
Status QueueWebhookEvent(MemberStore& store, const std::vector<WebhookConfig>& hooks,
                         std::string_view event, const std::string& data, int64_t now);

// A scheduled piece's article.published (with `data`), due at `due`, its publish time: sent when
// the piece appears on the site. Its delivery id names the article ("scheduled-ID-…"), so that
// the piece's next save or its delete takes it back first (CancelScheduledPublish), and a piece
// rescheduled or unpublished before its time is never announced.
Status QueueScheduledPublish(ContentStore& store, const std::vector<WebhookConfig>& hooks,
                             int64_t article_id, const std::string& data, int64_t now, int64_t due);
Status CancelScheduledPublish(ContentStore& store, int64_t article_id);

// The members' hook (members.h) that queues member.added, member.edited and member.deleted to
// the webhooks of `hooks` that name them, with the member as the Admin API shows it (MemberJson).
MemberEventHook MemberWebhooks(WebhookList hooks, std::function<int64_t()> now);
// The same over a fixed list (a command's config).
MemberEventHook MemberWebhooks(std::vector<WebhookConfig> hooks, std::function<int64_t()> now);

// The signature header of `body` at `timestamp`.
std::string WebhookSignature(std::string_view body, std::string_view secret, int64_t timestamp);

// Tries the deliveries due at `now` (claimed for a minute, so that another node leaves them):
// a 2xx is delivered; anything else is tried again after the webhook's pause (doubling, at most
// an hour apart) or, after its max_attempts, given up. A delivery whose webhook is no longer in
// `hooks` is given up. Returns how many were tried.
Result<size_t> SendDueWebhooks(ContentStore& store, WebhookPoster& poster,
                               const std::vector<WebhookConfig>& hooks, int64_t now);

struct WebhookSenderOptions {
  std::function<Result<std::unique_ptr<ContentStore>>()> open_store;  // its own connection
  WebhookList hooks;                                                  // read at each round
  std::shared_ptr<WebhookPoster> poster;
  std::function<int64_t()> now;
  std::chrono::milliseconds interval{500};      // how often the outbox is read
  std::function<void(const std::string&)> log;  // a failed try or a store error
};

// `serve`'s sender: reads the outbox every interval (or at once after Wake) on a thread.
class WebhookSender {
 public:
  explicit WebhookSender(WebhookSenderOptions options) : options_(std::move(options)) {}
  ~WebhookSender() { Stop(); }
  void Start();
  void Stop();
  void Wake();

 private:
  void Run();
  WebhookSenderOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false, woken_ = false;
  std::thread thread_;
};

}  // namespace cinepress
