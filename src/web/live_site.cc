#include "web/live_site.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/text.h"
#include "core/url.h"
#include "web/url_params.h"

namespace cinepress {
namespace {

using Clock = std::chrono::steady_clock;

const char* const kRoutes[] = {
    "home",   "article",  "page",      "list",       "archive", "feed",    "sitemap",    "robots",
    "asset",  "media",    "not_found", "redirect",   "health",  "metrics", "error",      "film",
    "person", "festival", "index",     "collection", "search",  "account", "newsletter", "other"};
constexpr size_t kNumRoutes = std::size(kRoutes);
const int kStatuses[] = {200, 206, 301, 304, 400, 404, 405, 408, 413, 416, 431, 500, 503};
constexpr size_t kNumStatuses = std::size(kStatuses) + 1;  // + "other"
const double kBuckets[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                           0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5};
constexpr size_t kNumBuckets = std::size(kBuckets);

const char* RouteOf(OutputKind k) {
  switch (k) {
    case OutputKind::kFilm:
      return "film";
    case OutputKind::kPerson:
      return "person";
    case OutputKind::kFestival:
    case OutputKind::kEdition:
      return "festival";
    case OutputKind::kReviewIndex:
    case OutputKind::kInterviewIndex:
      return "index";
    case OutputKind::kCollection:
      return "collection";
    case OutputKind::kRedirects:
      return "redirect";
    case OutputKind::kSearch:
    case OutputKind::kSearchIndex:
    case OutputKind::kSearchDoc:
      return "search";
    case OutputKind::kMembership:
    case OutputKind::kDonate:
    case OutputKind::kAccount:
      return "account";
    case OutputKind::kHome:
      return "home";
    case OutputKind::kArticle:
      return "article";
    case OutputKind::kPage:
      return "page";
    case OutputKind::kList:
      return "list";
    case OutputKind::kArchive:
      return "archive";
    case OutputKind::kRss:
    case OutputKind::kAtom:
      return "feed";
    case OutputKind::kSitemap:
      return "sitemap";
    case OutputKind::kRobots:
    case OutputKind::kHeaders:
      return "robots";
    case OutputKind::kAsset:
      return "asset";
    case OutputKind::kMedia:
      return "media";
    case OutputKind::kNotFound:
      return "not_found";
    case OutputKind::kPodcasts:
    case OutputKind::kShow:
    case OutputKind::kEpisode:
    case OutputKind::kChapters:
      return "podcast";
    case OutputKind::kShop:
    case OutputKind::kProduct:
      return "shop";
    case OutputKind::kWorkshops:
    case OutputKind::kWorkshop:
    case OutputKind::kWorkshopIcs:
      return "workshops";
    case OutputKind::kPodcastFeed:
      return "feed";
  }
  return "other";
}

std::string ContentTypeOf(const Output& o) {
  switch (o.kind) {
    case OutputKind::kRss:
    case OutputKind::kPodcastFeed:
      return "application/rss+xml; charset=utf-8";
    case OutputKind::kAtom:
      return "application/atom+xml; charset=utf-8";
    case OutputKind::kSitemap:
      return "application/xml; charset=utf-8";
    default:
      return ContentTypeFor(o.path);
  }
}

std::string CacheControlOf(const Output& o, bool restricted) {
  // A restricted page differs by reader: a shared cache (a CDN, a proxy) must not keep it.
  if (restricted) return "private, no-cache";
  if (o.kind == OutputKind::kAsset) {
    // site.3f2a91c0e1.css: the name changes when the content does.
    std::string_view p = o.path;
    size_t dot = p.rfind('.'), prev = p.rfind('.', dot == 0 ? 0 : dot - 1);
    bool fingerprinted = prev != std::string_view::npos && dot - prev == 11;
    return fingerprinted ? "public, max-age=31536000, immutable" : "public, max-age=86400";
  }
  if (o.kind == OutputKind::kMedia) return "public, max-age=86400";
  return "no-cache";
}

// What WordPress meant by a query on its home page.
struct WordPressQuery {
  std::optional<std::string> search;  // s=…
  bool numbered = false;              // p=N, page_id=N or attachment_id=N
};

WordPressQuery ReadWordPressQuery(std::string_view query) {
  WordPressQuery out;
  auto params = DecodeUrlParams(query);
  if (!params) return out;  // a query that does not parse means nothing to WordPress either
  for (const auto& [key, value] : *params) {
    if (key == "s" && !out.search) out.search = value.substr(0, 1024);
    if ((key == "p" || key == "page_id" || key == "attachment_id") && !value.empty() &&
        value.size() <= 18 &&
        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      out.numbered = true;
    }
  }
  return out;
}

HttpResponse Redirect(std::string location, std::string_view query) {
  if (!query.empty()) {
    location += '?';
    location += query;
  }
  HttpResponse r;
  r.status = 301;
  r.Set("Content-Type", "text/plain; charset=utf-8");
  r.Set("Cache-Control", "public, max-age=3600");
  r.Set("Location", location);
  r.body = std::make_shared<const std::string>("Moved to " + location + "\n");
  r.label = "redirect";
  return r;
}

}  // namespace

bool DecodeUrlPath(std::string_view raw, std::string& out) {
  out.clear();
  if (raw.empty() || raw[0] != '/') return false;
  auto decoded = PercentDecode(raw);
  if (!decoded || decoded->find_first_of(std::string_view("\0\\", 2)) != std::string::npos ||
      !IsValidUtf8(*decoded)) {
    return false;
  }
  out = std::move(*decoded);
  // No "." or ".." segments: no page is there, and nothing may climb out of the site.
  size_t start = 0;
  while (start <= out.size()) {
    size_t end = out.find('/', start);
    std::string_view seg =
        std::string_view(out).substr(start, (end == std::string::npos ? out.size() : end) - start);
    if (seg == "." || seg == "..") return false;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

struct LiveSite::Metrics {
  std::array<std::array<std::atomic<uint64_t>, kNumStatuses>, kNumRoutes> requests{};
  std::array<std::atomic<uint64_t>, kNumBuckets + 1> buckets{};
  std::atomic<uint64_t> count{0}, sum_ns{0};
  std::atomic<uint64_t> hits{0}, misses{0}, reloads{0}, reload_failures{0};
};

namespace {
std::atomic<uint64_t> live_sites_made{0};
// The serials of the LiveSites that exist: what a thread kept for one that is gone (its store
// connection) is let go the next time the thread serves another.
std::mutex live_sites_mu;
std::set<uint64_t> live_sites;
}  // namespace

LiveSite::LiveSite(LiveSiteOptions options)
    : options_(std::move(options)),
      serial_(++live_sites_made),
      metrics_(std::make_unique<Metrics>()) {
  std::lock_guard lock(live_sites_mu);
  live_sites.insert(serial_);
}

LiveSite::~LiveSite() {
  Stop();
  std::lock_guard lock(live_sites_mu);
  live_sites.erase(serial_);
}

std::shared_ptr<LiveSite::Generation> LiveSite::current() const {
  // Every request needs the current site; the server's threads must not queue on a lock for it.
  // Each thread keeps its own copy and takes the lock only when a reload has made a new one.
  struct Cached {
    uint64_t owner = 0;  // serial_
    uint64_t version = ~uint64_t{0};
    std::shared_ptr<Generation> gen;
  };
  thread_local Cached cached;
  uint64_t version = gen_version_.load(std::memory_order_acquire);
  if (cached.owner != serial_ || cached.version != version) {
    std::lock_guard lock(gen_mu_);
    cached.owner = serial_;
    cached.gen = gen_;
    cached.version = gen_version_.load(std::memory_order_relaxed);
  }
  return cached.gen;
}

Status LiveSite::Start() {
  // Follow first, then load: a change committed while the site loads is seen by the follower.
  auto v = options_.version(std::chrono::milliseconds(0));
  Status first = Reload();
  if (v) version_ = *v;
  follower_ = std::thread([this] { Follow(); });
  return first;
}

void LiveSite::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (follower_.joinable()) follower_.join();
}

Status LiveSite::Reload() {
  auto site = options_.load();
  metrics_->reloads++;
  if (!site) {
    metrics_->reload_failures++;
    healthy_ = false;
    return site.error();
  }
  auto gen = std::make_shared<Generation>();
  gen->site = std::move(*site);
  {
    std::lock_guard lock(gen_mu_);
    gen->id = gen_ ? gen_->id + 1 : 1;
    gen_ = gen;
    gen_version_.fetch_add(1, std::memory_order_release);
  }
  // Keep exactly the cached pages whose inputs did not change.
  std::unique_lock lock(cache_mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    const Output* o = gen->site->FindOutput(it->first.substr(0, it->first.find('\n')));
    if (o && gen->site->Fingerprint(*o) == it->second.fingerprint) {
      ++it;
    } else {
      cache_bytes_ -= it->second.bytes;
      it = cache_.erase(it);
    }
  }
  healthy_ = true;
  return {};
}

void LiveSite::Follow() {
  for (;;) {
    {
      std::lock_guard lock(stop_mu_);
      if (stopping_) return;
    }
    auto v = options_.version(options_.poll_interval);
    if (!v) {
      // The store is gone: connections to it must be made again when it is back (and the site
      // loaded again then: changes may have been missed meanwhile).
      if (healthy_.exchange(false)) epoch_++;
      std::unique_lock lock(stop_mu_);
      if (stop_cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_; })) return;
      continue;
    }
    auto gen = current();
    int64_t due = gen ? gen->site->next_publication() : 0;
    bool scheduled = due != 0 && NowSeconds() >= due;
    if (*v != version_ || !gen || scheduled || !healthy_) {
      if (Reload()) {
        version_ = *v;
        epoch_++;
      }
    }
  }
}

LiveSite::ThreadState& LiveSite::ThisThread() {
  thread_local std::unordered_map<uint64_t, ThreadState> states;  // by serial_
  auto it = states.find(serial_);
  if (it != states.end()) return it->second;
  {
    std::lock_guard lock(live_sites_mu);
    std::erase_if(states, [](const auto& entry) { return !live_sites.count(entry.first); });
  }
  return states[serial_];
}

ContentStore* LiveSite::LocalStore(Error* error) {
  // Each server thread reads with its own store connection.
  ThreadState& ts = ThisThread();
  if (!ts.store || ts.epoch != epoch_.load()) {
    ts.renderer.reset();
    ts.store.reset();
    auto store = options_.open_store();
    if (!store) {
      *error = store.error();
      return nullptr;
    }
    ts.store = std::move(*store);
    ts.epoch = epoch_.load();
  }
  return ts.store.get();
}

LiveSite::ThreadState* LiveSite::Local(const std::shared_ptr<Generation>& gen, Error* error) {
  // Each server thread renders with its own store connection and theme renderer.
  if (!LocalStore(error)) return nullptr;
  ThreadState& ts = ThisThread();
  if (!ts.renderer || ts.gen_id != gen->id) {
    ts.renderer = std::make_unique<SiteRenderer>(gen->site, ts.store.get());
    ts.gen_id = gen->id;
  }
  return &ts;
}

Result<std::shared_ptr<const Entity>> LiveSite::Render(const std::shared_ptr<Generation>& gen,
                                                       const Output& output, int status,
                                                       const PageAccess& access) {
  Error error;
  ThreadState* local = Local(gen, &error);
  if (!local) return error;
  ThreadState& ts = *local;
  auto data = ts.renderer->Render(output, access);
  if (!data) {
    ts.renderer.reset();
    ts.store.reset();  // try a new connection next time
    return data.error();
  }
  // Last-Modified is when these bytes were made: a page made again after any change to what it
  // shows gets a new date, so clients that revalidate by date alone never keep a stale page.
  return MakeEntity(std::move(*data), ContentTypeOf(output),
                    CacheControlOf(output, gen->site->AccessOf(output).restricted()), NowSeconds(),
                    status);
}

// Reads a media file's bytes through the store connection of the thread that writes the
// response (the server calls Read there). Holds the content's hash: a file replaced meanwhile
// ends the download rather than mixing two files' bytes.
class LiveSite::MediaReader : public BodyReader {
 public:
  MediaReader(LiveSite* site, std::string hash) : site_(site), hash_(std::move(hash)) {}
  Result<std::string> Read(int64_t offset, size_t max) override {
    Error error;
    ContentStore* store = site_->LocalStore(&error);
    if (!store) return error;
    return store->ReadMedia(hash_, offset, max);
  }

 private:
  LiveSite* site_;
  std::string hash_;
};

HttpResponse LiveSite::ServeLargeMedia(const HttpRequest& req, const MediaFile& media,
                                       const char* cache_control, const std::string& content_type) {
  StreamedEntity e;
  e.reader = std::make_shared<MediaReader>(this, media.hash);
  e.size = media.size;
  e.content_type = content_type.empty() ? ContentTypeFor(media.path) : content_type;
  e.etag = "\"" + media.hash + "\"";
  e.last_modified = media.modified;
  e.cache_control = cache_control;
  HttpResponse r = ServeStreamedEntity(req, e);
  r.label = "media";
  return r;
}

HttpResponse LiveSite::ServeOutput(const HttpRequest& req, const std::shared_ptr<Generation>& gen,
                                   const Output& output, int status, const ReaderRights& rights) {
  // Small media (most images) are cached like pages; larger ones (audio) are streamed.
  if (const MediaFile* media = gen->site->MediaOf(output);
      media && status == 200 &&
      media->size > static_cast<int64_t>(ContentStore::kMediaChunkBytes)) {
    return ServeLargeMedia(req, *media);
  }
  // What this reader sees of the output: one variant of a group of readers ("" for every
  // output that is not a restricted article). The cache key carries it, so an entitled
  // reader's page can never be served to the next anonymous one.
  const std::string variant = rights.VariantFor(gen->site->AccessOf(output));
  const std::string* key = &output.path;
  std::string keyed;
  if (!variant.empty()) {
    keyed = output.path + "\n" + variant;
    key = &keyed;
  }
  std::shared_ptr<const Entity> entity;
  {
    std::shared_lock lock(cache_mu_);
    if (auto it = cache_.find(*key); it != cache_.end()) entity = it->second.entity;
  }
  if (entity) {
    metrics_->hits++;
  } else {
    metrics_->misses++;
    PageAccess access;
    access.full = variant.rfind("open", 0) == 0;
    if (variant.rfind("open@", 0) == 0) access.institution = rights.institution_name;
    auto made = Render(gen, output, status, access);
    if (!made) {
      HttpResponse r = TextResponse(503, "The magazine is unavailable for a moment.\n");
      r.Set("Retry-After", "5");
      r.label = "error";
      return r;
    }
    entity = *made;
    size_t bytes = entity->identity->size() + (entity->gzip ? entity->gzip->size() : 0) +
                   (entity->brotli ? entity->brotli->size() : 0);
    std::string fingerprint = gen->site->Fingerprint(output);
    std::unique_lock lock(cache_mu_);
    // A page rendered from a site that has since been reloaded is not kept.
    if (current()->id == gen->id) {
      auto [it, inserted] = cache_.try_emplace(*key, Cached{entity, fingerprint, bytes});
      if (inserted) cache_bytes_ += bytes;
      while (cache_bytes_ > options_.cache_bytes && !cache_.empty()) {
        auto victim = cache_.begin();
        if (victim->first == *key && cache_.size() > 1) victim = std::next(victim);
        cache_bytes_ -= victim->second.bytes;
        cache_.erase(victim);
      }
    }
  }
  HttpResponse r = ServeEntity(req, entity);
  r.label = RouteOf(output.kind);
  if (!variant.empty()) {
    r.Set("Vary", "Cookie");
    if (rights.institution_id != 0 && options_.restricted_view && status == 200) {
      options_.restricted_view(rights, "/" + output.path, variant != "locked");
    }
  }
  return r;
}

HttpResponse LiveSite::PrivatePodcast(const HttpRequest& req, const ReaderRights& rights,
                                      const std::string& prefix, std::string_view rest) {
  auto gen = current();
  Error error;
  ThreadState* ts = gen ? Local(gen, &error) : nullptr;
  if (!ts) {
    HttpResponse r = TextResponse(503, "The feed is unavailable for a moment.\n");
    r.Set("Retry-After", "5");
    return r;
  }
  const Site& site = *gen->site;
  const std::string path = "/" + std::string(rest);
  HttpResponse r;
  if (const Output* feed = site.FindOutput(std::string(rest));
      feed && feed->kind == OutputKind::kPodcastFeed) {
    PrivatePodcastFeed member{&rights, prefix + path, prefix};
    r = ServeEntity(req, MakeEntityFor(req, ts->renderer->RenderShowFeed(feed->ref, &member),
                                       ContentTypeOf(*feed), "private, no-store", NowSeconds()));
    r.label = "feed";
  } else if (const int32_t e = site.EpisodeOfMedia(path); e < 0) {
    r = TextResponse(404, "Not found\n");
    r.label = "not_found";
  } else if (!rights.Allows(site.EpisodeAccess(static_cast<size_t>(e)))) {
    r = TextResponse(403, "Your membership does not include this episode.\n");
    r.label = "podcast";
  } else {
    r = PrivateMedia(req, path.substr(1));
  }
  r.Set("X-Robots-Tag", "noindex");
  return r;
}

HttpResponse LiveSite::PrivateMedia(const HttpRequest& req, const std::string& path,
                                    const std::string& content_type) {
  // Streamed from the store a piece at a time, as public media are: a members' episode of
  // 200 MB downloaded by many at once holds no copy of the file in memory.
  Error error;
  ContentStore* store = LocalStore(&error);
  if (!store) {
    HttpResponse r = TextResponse(503, "The file cannot be read for a moment.\n");
    r.Set("Retry-After", "5");
    r.label = "media";
    return r;
  }
  auto media = store->LoadMediaFile(path);
  if (!media) {
    HttpResponse r = TextResponse(404, "Not found\n");
    r.label = "media";
    return r;
  }
  return ServeLargeMedia(req, *media, "private, no-store", content_type);
}

HttpResponse LiveSite::PrivateFeed(const HttpRequest& req, const ReaderRights& rights) {
  auto gen = current();
  const Output* feed = gen ? gen->site->FindOutput("feed.xml") : nullptr;
  Error error;
  ThreadState* ts = feed ? Local(gen, &error) : nullptr;
  auto data = ts ? ts->renderer->Render(*feed, PageAccess{false, "", &rights})
                 : Result<std::string>(Error{ErrorCode::kNotFound, "no feed"});
  if (!data) {
    HttpResponse r = TextResponse(503, "The feed is unavailable for a moment.\n");
    r.Set("Retry-After", "5");
    return r;
  }
  auto entity =
      MakeEntityFor(req, std::move(*data), ContentTypeOf(*feed), "private, no-store", NowSeconds());
  HttpResponse r = ServeEntity(req, entity);
  r.Set("X-Robots-Tag", "noindex");
  r.label = "feed";
  return r;
}

HttpResponse LiveSite::Health() {
  // Whether this node can serve now: the site is loaded and the store answers on this thread's
  // connection (a load balancer takes a node whose database it cannot reach out of its pool).
  auto gen = current();
  Error error;
  ThreadState* ts = healthy_ && gen ? Local(gen, &error) : nullptr;
  const bool ok = ts != nullptr && static_cast<bool>(ts->store->Ping());
  if (ts != nullptr && !ok) {
    ts->renderer.reset();
    ts->store.reset();  // a new connection next time
  }
  HttpResponse r = ok ? TextResponse(200, "ok\n") : TextResponse(503, "unavailable\n");
  r.label = "health";  // never cached (no-store), and not written to the access log when ok
  return r;
}

std::shared_ptr<const Site> LiveSite::CurrentSite() const {
  auto gen = current();
  return gen ? gen->site : nullptr;
}

HttpResponse LiveSite::Handle(const HttpRequest& req, const ReaderRights& rights) {
  if (req.method != "GET" && req.method != "HEAD") {
    HttpResponse r = TextResponse(405, "Only GET and HEAD are allowed here.\n");
    r.Set("Allow", "GET, HEAD");
    return r;
  }
  std::string_view raw = req.Path();
  if (raw == "/healthz") return Health();
  auto gen = current();
  if (!gen) {
    HttpResponse r = TextResponse(503, "The magazine is unavailable for a moment.\n");
    r.Set("Retry-After", "5");
    r.label = "error";
    return r;
  }
  const Site& site = *gen->site;
  std::string path;
  auto not_found = [&]() {
    if (const Output* nf = site.FindOutput("404.html")) {
      HttpResponse r = ServeOutput(req, gen, *nf, 404, rights);
      r.label = "not_found";
      return r;
    }
    HttpResponse r = TextResponse(404, "Not found\n");
    r.label = "not_found";
    return r;
  };
  if (!DecodeUrlPath(raw, path)) return not_found();
  // An old address with its query (WordPress's /?p=ID) goes before the page at the path.
  if (!req.Query().empty()) {
    if (const std::string* to = site.RedirectFor(path + "?" + std::string(req.Query()))) {
      return Redirect(*to, "");
    }
    if (path == "/") {
      // WordPress's other addresses of the home page: its search (/?s=…) is ours; a post,
      // page or attachment by number that has no redirect is not (or not yet) published here.
      WordPressQuery wp = ReadWordPressQuery(req.Query());
      if (wp.search && site.has_search()) {
        return Redirect("/search/", "q=" + PercentEncode(*wp.search));
      }
      if (wp.numbered) return not_found();
    }
  }
  const std::string key = OutputPathOf(path);
  if (site.has_search() && (path == "/search/" || path == "/search/index.html")) {
    return ServeSearch(req, gen, false, rights);
  }
  if (site.has_search() && path == "/search/suggest.json")
    return ServeSearch(req, gen, true, rights);
  if (const Output* o = site.FindOutput(key)) return ServeOutput(req, gen, *o, 200, rights);
  // A restricted episode's audio and transcript, for the signed-in readers its rule opens (the
  // episode's page plays it): never published, never kept by a shared cache.
  if (const int32_t e = site.EpisodeOfMedia(path);
      e >= 0 && site.EpisodeAccess(static_cast<size_t>(e)).restricted() &&
      rights.Allows(site.EpisodeAccess(static_cast<size_t>(e)))) {
    HttpResponse r = PrivateMedia(req, path.substr(1));
    r.Set("Vary", "Cookie");
    return r;
  }

  // Addresses that moved: a missing slash, WordPress's feed paths, an article's old slug.
  if (path.back() != '/' && site.FindOutput(key + "/index.html")) {
    return Redirect(std::string(raw) + "/", req.Query());
  }
  // A list's feed is in RSS only: its Atom address leads there.
  for (auto [suffix, feed] : {std::pair{"/feed/atom/", "atom.xml"},
                              {"/feed/atom/", "feed.xml"},
                              {"/feed/rss2/", "feed.xml"},
                              {"/feed/", "feed.xml"},
                              {"/feed", "feed.xml"}}) {
    size_t n = std::strlen(suffix);
    if (path.size() >= n && path.compare(path.size() - n, n, suffix) == 0) {
      std::string prefix = path.substr(0, path.size() - n + 1);
      if (site.FindOutput(prefix.substr(1) + feed)) return Redirect(prefix + feed, "");
    }
  }
  if (std::string to = site.FormerFeedTarget(path); !to.empty()) return Redirect(to, "");
  std::string with_slash = path.back() == '/' ? path : path + "/";
  if (const std::string* to = site.RedirectFor(with_slash)) return Redirect(*to, req.Query());
  return not_found();
}

void LiveSite::Observe(const HttpResponse& r, std::chrono::nanoseconds elapsed) {
  size_t route = kNumRoutes - 1;
  for (size_t i = 0; i < kNumRoutes; ++i) {
    if (std::strcmp(kRoutes[i], r.label) == 0) route = i;
  }
  size_t status = kNumStatuses - 1;
  for (size_t i = 0; i < std::size(kStatuses); ++i) {
    if (kStatuses[i] == r.status) status = i;
  }
  metrics_->requests[route][status].fetch_add(1, std::memory_order_relaxed);
  double seconds = std::chrono::duration<double>(elapsed).count();
  size_t b = 0;
  while (b < kNumBuckets && seconds > kBuckets[b]) ++b;
  metrics_->buckets[b].fetch_add(1, std::memory_order_relaxed);
  metrics_->count.fetch_add(1, std::memory_order_relaxed);
  metrics_->sum_ns.fetch_add(static_cast<uint64_t>(elapsed.count()), std::memory_order_relaxed);
}

std::string LiveSite::MetricsText(int64_t open_connections) const {
  std::string out;
  out += "# HELP cinepress_http_requests_total HTTP responses by status and kind of route.\n";
  out += "# TYPE cinepress_http_requests_total counter\n";
  for (size_t r = 0; r < kNumRoutes; ++r) {
    for (size_t s = 0; s < kNumStatuses; ++s) {
      uint64_t n = metrics_->requests[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::string status = s < std::size(kStatuses) ? std::to_string(kStatuses[s]) : "other";
      out += "cinepress_http_requests_total{status=\"" + status + "\",route=\"" + kRoutes[r] +
             "\"} " + std::to_string(n) + "\n";
    }
  }
  out +=
      "# HELP cinepress_http_request_duration_seconds Time from a whole request to its "
      "response written.\n";
  out += "# TYPE cinepress_http_request_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  char le[32];
  for (size_t b = 0; b <= kNumBuckets; ++b) {
    cumulative += metrics_->buckets[b].load(std::memory_order_relaxed);
    if (b < kNumBuckets) {
      std::snprintf(le, sizeof le, "%g", kBuckets[b]);
    } else {
      std::strcpy(le, "+Inf");
    }
    out += std::string("cinepress_http_request_duration_seconds_bucket{le=\"") + le + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(metrics_->sum_ns.load()) / 1e9);
  out += std::string("cinepress_http_request_duration_seconds_sum ") + sum + "\n";
  out += "cinepress_http_request_duration_seconds_count " + std::to_string(metrics_->count.load()) +
         "\n";
  size_t entries, bytes;
  {
    std::shared_lock lock(cache_mu_);
    entries = cache_.size();
    bytes = cache_bytes_;
  }
  auto gauge = [&](const char* name, const char* type, const char* help, uint64_t v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(v) + "\n";
  };
  gauge("cinepress_cache_hits_total", "counter", "Responses served from the page cache.",
        metrics_->hits.load());
  gauge("cinepress_cache_misses_total", "counter", "Responses that had to be rendered.",
        metrics_->misses.load());
  gauge("cinepress_cache_entries", "gauge", "Pages in the cache.", entries);
  gauge("cinepress_cache_bytes", "gauge", "Bytes in the cache, all encodings.", bytes);
  gauge("cinepress_open_connections", "gauge", "Open client connections.",
        static_cast<uint64_t>(std::max<int64_t>(0, open_connections)));
  gauge("cinepress_site_reloads_total", "counter", "Times the site was loaded from the store.",
        metrics_->reloads.load());
  gauge("cinepress_store_up", "gauge", "1 when the store can be read.", healthy_ ? 1 : 0);
  return out;
}

}  // namespace cinepress
