#include "webhooks/webhooks.h"

#include <curl/curl.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/dates.h"
#include "core/tokens.h"
#include "mail/transport.h"
#include "payments/signature.h"

namespace cinepress {
namespace {

constexpr int64_t kLeaseSeconds = 60;  // a claimed delivery is left alone this long
constexpr size_t kBatch = 50;

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

class CurlPoster final : public WebhookPoster {
 public:
  explicit CurlPoster(std::chrono::seconds timeout) : timeout_(timeout) {}

  Result<int> Post(const WebhookRequest& request) override {
    CURL* h = curl_easy_init();
    if (!h) return MakeError(ErrorCode::kIo, "libcurl could not start");
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(timeout_.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout_.count()));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Discard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    const CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) {
      return MakeError(ErrorCode::kIo, error[0] ? error : curl_easy_strerror(rc));
    }
    return static_cast<int>(status);
  }

 private:
  std::chrono::seconds timeout_;
};

const WebhookConfig* HookOf(const std::vector<WebhookConfig>& hooks, const WebhookDelivery& d) {
  for (const WebhookConfig& h : hooks) {
    if (h.event == d.event && h.url == d.url) return &h;
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<WebhookPoster> OpenCurlPoster(std::chrono::seconds timeout) {
  return std::make_unique<CurlPoster>(timeout);
}

Result<int> RecordingPoster::Post(const WebhookRequest& request) {
  std::lock_guard lock(mu_);
  requests_.push_back(request);
  if (statuses_.empty()) return 200;
  const int status = statuses_.front();
  statuses_.erase(statuses_.begin());
  if (status == 0) return MakeError(ErrorCode::kIo, "connection refused");
  return status;
}

std::vector<WebhookRequest> RecordingPoster::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::string WebhookSignature(std::string_view body, std::string_view secret, int64_t timestamp) {
  return StripeSignatureHeader(body, secret, timestamp);
}

namespace {

Status QueueTo(const std::function<Result<int64_t>(const WebhookDelivery&)>& queue,
               const std::vector<WebhookConfig>& hooks, std::string_view event,
               const std::string& data, int64_t now, int64_t due = 0,
               const std::string& id_prefix = "") {
  for (const WebhookConfig& hook : hooks) {
    if (hook.event != event) continue;
    WebhookDelivery d;
    d.delivery_id = id_prefix + NewToken();
    d.event = hook.event;
    d.url = hook.url;
    nlohmann::ordered_json body = {{"id", d.delivery_id},
                                   {"event", d.event},
                                   {"created_at", TimeZone::IsoUtc(due ? due : now)},
                                   {"data", nlohmann::ordered_json::parse(data, nullptr, false)}};
    d.payload = body.dump();
    d.created = now;
    d.next_attempt = due ? due : now;
    if (auto id = queue(d); !id) return id.error();
  }
  return {};
}

std::string ScheduledPrefix(int64_t article_id) {
  return "scheduled-" + std::to_string(article_id) + "-";
}

}  // namespace

Status QueueWebhookEvent(ContentStore& store, const std::vector<WebhookConfig>& hooks,
                         std::string_view event, const std::string& data, int64_t now) {
  return QueueTo([&store](const WebhookDelivery& d) { return store.QueueWebhook(d); }, hooks, event,
                 data, now);
}

Status QueueWebhookEvent(MemberStore& store, const std::vector<WebhookConfig>& hooks,
                         std::string_view event, const std::string& data, int64_t now) {
  return QueueTo([&store](const WebhookDelivery& d) { return store.QueueWebhook(d); }, hooks, event,
                 data, now);
}

Status QueueScheduledPublish(ContentStore& store, const std::vector<WebhookConfig>& hooks,
                             int64_t article_id, const std::string& data, int64_t now,
                             int64_t due) {
  return QueueTo([&store](const WebhookDelivery& d) { return store.QueueWebhook(d); }, hooks,
                 "article.published", data, now, due, ScheduledPrefix(article_id));
}

Status CancelScheduledPublish(ContentStore& store, int64_t article_id) {
  auto n = store.CancelWebhooks(ScheduledPrefix(article_id));
  if (!n) return n.error();
  return {};
}

MemberEventHook MemberWebhooks(WebhookList hooks, std::function<int64_t()> now) {
  return [hooks = std::move(hooks), now = std::move(now)](
             MemberStore& store, std::string_view event, int64_t member_id) -> Status {
    const std::vector<WebhookConfig> all = hooks ? hooks() : std::vector<WebhookConfig>{};
    if (std::none_of(all.begin(), all.end(),
                     [&](const WebhookConfig& h) { return h.event == event; })) {
      return {};  // nobody to tell: the member is not even read
    }
    const int64_t at = now();
    auto view = LoadMemberView(store, member_id, at);
    if (!view) return view.error();
    return QueueWebhookEvent(store, all, event, MemberJson(*view, at).dump(), at);
  };
}

MemberEventHook MemberWebhooks(std::vector<WebhookConfig> hooks, std::function<int64_t()> now) {
  return MemberWebhooks([hooks = std::move(hooks)] { return hooks; }, std::move(now));
}

Result<size_t> SendDueWebhooks(ContentStore& store, WebhookPoster& poster,
                               const std::vector<WebhookConfig>& hooks, int64_t now) {
  auto due = store.ClaimWebhooks(now, now + kLeaseSeconds, kBatch);
  if (!due) return due.error();
  for (WebhookDelivery& d : *due) {
    const WebhookConfig* hook = HookOf(hooks, d);
    ++d.attempts;
    std::string failure;
    if (!hook) {
      failure = "no longer in [[webhooks]]";
    } else {
      WebhookRequest request{
          d.url,
          {{"Content-Type", "application/json"},
           {"User-Agent", "cinepress-webhooks"},
           {"X-Cinepress-Event", d.event},
           {"X-Cinepress-Delivery", d.delivery_id},
           {"X-Cinepress-Signature", WebhookSignature(d.payload, hook->secret, now)}},
          d.payload};
      auto status = poster.Post(request);
      if (!status) {
        failure = status.error().message;
      } else if (*status < 200 || *status > 299) {
        failure = "HTTP " + std::to_string(*status);
      }
    }
    const RetryPolicy retry{hook ? hook->first_retry_s : 60, 3600, hook ? hook->max_attempts : 1};
    d.last_error = failure;
    if (failure.empty()) {
      d.status = "delivered";
      d.finished = now;
    } else if (!hook || retry.GiveUpAfter(static_cast<int>(d.attempts))) {
      d.status = "failed";
      d.finished = now;
    } else {
      d.next_attempt = now + retry.PauseAfter(static_cast<int>(d.attempts));
    }
    if (auto s = store.FinishWebhook(d); !s) return s.error();
  }
  return due->size();
}

void WebhookSender::Start() {
  thread_ = std::thread([this] { Run(); });
}

void WebhookSender::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WebhookSender::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void WebhookSender::Run() {
  std::unique_ptr<ContentStore> store;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.interval, [this] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
    if (!store) {
      auto opened = options_.open_store();
      if (!opened) {
        if (options_.log) options_.log("webhooks: " + opened.error().ToString());
        continue;
      }
      store = std::move(*opened);
    }
    auto sent = SendDueWebhooks(*store, *options_.poster,
                                options_.hooks ? options_.hooks() : std::vector<WebhookConfig>{},
                                options_.now());
    if (!sent) {
      if (options_.log) options_.log("webhooks: " + sent.error().ToString());
      store.reset();  // opened again on the next round
    }
  }
}

}  // namespace cinepress
