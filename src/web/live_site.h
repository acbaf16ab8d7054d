// LiveSite: the magazine served straight from the store. It answers HTTP requests with the same
// bytes `cinepress build` writes (one render path: Site and SiteRenderer), renders a page the
// first time it is asked for and keeps it in memory, and follows the store: a change committed
// by any process is picked up within a second, and only the pages whose content changed are
// dropped from the cache (each cached page keeps the fingerprint of what it was made from).
// On PostgreSQL a change made on another node is seen at once (the store's notifications).
//
//   route   the kind of thing a request asked for (article, list, feed, asset…), for metrics
//
// Contract: Handle is thread-safe and called on the server's threads; Start and Stop are called
// once, from the thread that owns the LiveSite. A store that cannot be read turns into 503s
// (cached pages are still served) and is retried until it comes back.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "http/entity.h"
#include "http/message.h"
#include "site/site.h"

namespace cinepress {

struct LiveSiteOptions {
  // Load → Assemble the site as the store has it now.
  std::function<Result<std::shared_ptr<const Site>>()> load;
  // A new connection to the store, for one thread's reads (bodies, media).
  std::function<Result<std::unique_ptr<ContentStore>>()> open_store;
  // Waits up to `wait` for the content to change (the store's WaitForChange: on PostgreSQL a
  // notification, on SQLite its counter read again), then returns a token that changes whenever
  // the content or the settings change; an error means the store cannot be reached.
  std::function<Result<std::string>(std::chrono::milliseconds wait)> version;
  size_t cache_bytes = size_t{1} << 30;  // the cache's limit, all encodings counted
  // The time that decides what is published, for search (tests set it); default: the clock.
  std::function<int64_t()> now;
  // The longest wait for a change: how often the settings, the theme and scheduled articles are
  // checked, and how soon Stop returns.
  std::chrono::milliseconds poll_interval{250};
  // Called when a restricted article is served to a reader of an institution: opened or refused
  // (the institutions' usage reports). Must be quick: it runs on the server's threads.
  std::function<void(const ReaderRights&, const std::string& url, bool opened)> restricted_view;
};

class LiveSite {
 public:
  explicit LiveSite(LiveSiteOptions options);
  ~LiveSite();

  // Loads the site and starts following the store. An error (no store, a broken theme) is
  // returned, and the site is served as 503s until a later load works.
  Status Start();
  void Stop();

  // A request of an anonymous reader; with `rights`, of that reader: a restricted article is
  // served whole or cut by what they hold, from the cache entry of their variant (never one
  // per reader, and never another variant's).
  HttpResponse Handle(const HttpRequest& request) { return Handle(request, ReaderRights{}); }
  HttpResponse Handle(const HttpRequest& request, const ReaderRights& rights);
  // The site's RSS feed with the restricted articles these rights open in full (a member's
  // private feed): made for each request, never cached.
  HttpResponse PrivateFeed(const HttpRequest& request, const ReaderRights& rights);
  // A member's private podcast feed and its files, under their private address `prefix`
  // (absolute, ".../feeds/private/TOKEN"): `rest` is "podcasts/SHOW/feed.xml" (the show's
  // feed with every episode `rights` open, enclosures under `prefix`) or the path of an
  // episode's audio or transcript ("podcasts/SHOW/SLUG/FILE": 403 unless `rights` open it).
  HttpResponse PrivatePodcast(const HttpRequest& request, const ReaderRights& rights,
                              const std::string& prefix, std::string_view rest);
  // A file of the store for one reader, whom the caller has let have it: a restricted episode's
  // audio, a shop ebook's file, a workshop's material (a media path without its slash,
  // "_shop/ozu/ozu.epub"). Streamed a chunk at a time (ranges, conditional requests, HEAD),
  // private, no-store; 404 when there is none, 503 when the store cannot be read.
  // `content_type`: what the bytes are (found at import); "" for the type of the name.
  HttpResponse PrivateMedia(const HttpRequest& request, const std::string& path,
                            const std::string& content_type = "");
  // Metrics in the Prometheus text format; `open_connections` comes from the server.
  std::string MetricsText(int64_t open_connections) const;
  // Counts a finished response in the metrics (its route is HttpResponse::label).
  void Observe(const HttpResponse& response, std::chrono::nanoseconds elapsed);
  bool healthy() const { return healthy_.load(); }
  // /healthz: 200 "ok" when the site is loaded and the store answers a Ping now, else 503.
  HttpResponse Health();
  // The site as loaded now (null until a load worked), for pages outside the site map.
  std::shared_ptr<const Site> CurrentSite() const;

 private:
  struct Cached {
    std::shared_ptr<const Entity> entity;
    std::string fingerprint;
    size_t bytes = 0;
  };
  struct Generation {  // one loaded Site and what belongs to it
    std::shared_ptr<const Site> site;
    uint64_t id = 0;
  };
  struct ThreadState {  // one server thread's store connection and renderer
    uint64_t gen_id = 0;
    uint64_t epoch = ~uint64_t{0};
    std::unique_ptr<ContentStore> store;
    std::unique_ptr<SiteRenderer> renderer;
  };

  void Follow();
  Status Reload();
  HttpResponse ServeOutput(const HttpRequest& req, const std::shared_ptr<Generation>& gen,
                           const Output& output, int status, const ReaderRights& rights);
  Result<std::shared_ptr<const Entity>> Render(const std::shared_ptr<Generation>& gen,
                                               const Output& output, int status,
                                               const PageAccess& access);
  std::shared_ptr<Generation> current() const;
  ThreadState* Local(const std::shared_ptr<Generation>& gen, Error* error);
  ThreadState& ThisThread();
  // This thread's store connection (opened again after the store came back).
  ContentStore* LocalStore(Error* error);
  // A media file streamed from the store (ranges, conditional requests, HEAD); its type by its
  // name when `content_type` is "".
  HttpResponse ServeLargeMedia(const HttpRequest& req, const MediaFile& media,
                               const char* cache_control = "public, max-age=86400",
                               const std::string& content_type = "");
  class MediaReader;
  // /search/ (a page of results, never cached) and /search/suggest.json (search_pages.cc).
  HttpResponse ServeSearch(const HttpRequest& req, const std::shared_ptr<Generation>& gen,
                           bool suggest, const ReaderRights& rights);

  LiveSiteOptions options_;
  // This LiveSite among every one the process makes: what a thread keeps for it (its current
  // site, its store connection) is keyed by this, never by the address, which a LiveSite made
  // after this one is gone may have again.
  const uint64_t serial_;
  mutable std::mutex gen_mu_;
  std::shared_ptr<Generation> gen_;
  std::atomic<uint64_t> gen_version_{0};  // bumped with every new gen_
  std::atomic<uint64_t> epoch_{0};        // bumped when thread-local store connections must reopen
  std::atomic<bool> healthy_{false};
  std::string version_;
  std::thread follower_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;

  mutable std::shared_mutex cache_mu_;
  std::unordered_map<std::string, Cached> cache_;  // by path, then "\n" and the variant
  size_t cache_bytes_ = 0;

  struct Metrics;
  std::unique_ptr<Metrics> metrics_;
};

// Percent-decodes a URL path (core/url.h). Returns false for what no page can be at: a NUL byte
// or a backslash, invalid UTF-8, a malformed escape, or a "." or ".." segment.
bool DecodeUrlPath(std::string_view raw, std::string& out);

// The search page's parameters from a query string (q, kind, year, author, edition, page): values
// percent-decoded, cut to their limits, invalid UTF-8 and unknown or malformed values dropped.
SearchRequest ParseSearchRequest(std::string_view query);

}  // namespace cinepress
