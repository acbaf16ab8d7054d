// Podcast downloads, counted as the IAB Podcast Measurement Technical Guidelines (v2.1) say:
//
//   download   a GET of an episode's audio (a media path under a counted prefix, /podcasts/)
//              that delivered a real part of the file — at least one minute of audio at
//              128 kbit/s (960,000 bytes), or the whole file when it is shorter — from a client
//              that is not a known bot; one per client per episode per 24 hours
//   client     the address and the user agent together, kept only as a digest
//   private    a download through a member's private feed (/feeds/private/TOKEN/podcasts/…):
//              counted by the same rules, as the same episode (one per client per episode,
//              public or private), and stored without the member's token
//
// DownloadCounter decides on each node, in memory, and hands what counted to a sink in batches
// off the request path (the store's SaveDownloads, from a thread of its own); CountDownloads
// decides again over every node's rows, so that a listener who reached two nodes within a day
// is counted once.
// Contract: DownloadCounter is thread-safe (Offer is called on the server's threads, Flush on
// one thread at a time); the functions are pure.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "content/model.h"
#include "core/result.h"

namespace cinepress {

// One finished response for a media file, as the web module saw it.
struct MediaRequest {
  int64_t at = 0;    // Unix seconds
  std::string path;  // "/podcasts/show/episode.mp3"
  std::string method;
  int status = 0;
  std::string address;  // the client's, as the server decided it (trusted proxies)
  std::string user_agent;
  int64_t delivered = 0;  // body bytes that reached the client
  int64_t file_size = 0;  // the whole file's size
};

constexpr int64_t kDownloadWindowSeconds = 24 * 60 * 60;
// One minute of audio at 128 kbit/s.
constexpr int64_t kDownloadMinimumBytes = 128'000 / 8 * 60;

// True for a user agent of a known bot, crawler, monitor or library that is not a podcast app
// (our own list, bot_agents.cc), and for no user agent at all.
bool IsKnownBot(std::string_view user_agent);

// Whether a response delivered a real part of the file (not a probe of a few bytes).
bool FetchedARealPart(int64_t delivered, int64_t file_size);

// A digest of the client (address and user agent), so that no address is stored.
std::string ClientDigest(std::string_view address, std::string_view user_agent);

struct DownloadCounterOptions {
  // Paths that are episodes: those under these prefixes (a private feed's file is judged by its
  // public path).
  std::vector<std::string> prefixes = {"/podcasts/"};
  // Where counted downloads go, a batch at a time (the store's SaveDownloads). An error keeps
  // the batch for the next flush.
  std::function<Status(const std::vector<MediaDownload>&)> save;
  // At most this many downloads wait for a flush; past it the oldest are dropped (and counted).
  size_t max_pending = 100'000;
};

class DownloadCounter {
 public:
  explicit DownloadCounter(DownloadCounterOptions options);
  // Counts the response if it is a download and this node has not counted this client and
  // episode in the last 24 hours. Quick: a lock and a map.
  void Offer(const MediaRequest& request);
  // Hands what counted since the last flush to the sink, and forgets clients seen more than 24
  // hours before `now`.
  Status Flush(int64_t now);
  size_t pending() const;
  uint64_t dropped() const;

 private:
  DownloadCounterOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int64_t> last_counted_;  // path + client -> when
  std::vector<MediaDownload> pending_;
  uint64_t dropped_ = 0;
};

// Downloads per episode and day over every node's rows: one per client per episode per 24
// hours (a client counted at t is counted again from t + 24 h on).
struct DownloadCount {
  std::string day;   // "2026-12-06" (UTC)
  std::string show;  // from the path: /podcasts/{show}/…
  std::string path;  // the episode's public path
  int64_t downloads = 0;
  int64_t private_downloads = 0;  // of `downloads`, those through members' private feeds
};
std::vector<DownloadCount> CountDownloads(std::vector<MediaDownload> rows);

// The show of an episode's path ("/podcasts/talk/one.mp3" -> "talk"); "" when it has none.
std::string ShowOf(std::string_view path);

// A private feed's files: "/feeds/private/TOKEN/podcasts/talk/one.mp3" is stored as
// "/feeds/private/podcasts/talk/one.mp3" (StoredPathOf: the token, a member's credential, is
// never kept), whose public path is "/podcasts/talk/one.mp3" (PublicPathOf). Other paths are
// their own.
inline constexpr std::string_view kPrivateFeedPrefix = "/feeds/private/";
std::string StoredPathOf(std::string_view path);
std::string_view PublicPathOf(std::string_view stored_path);
bool IsPrivateDownload(std::string_view stored_path);
// The stored paths' prefixes of a show's downloads, public and private ("" for every show).
std::vector<std::string> StoredPrefixesOf(const std::string& show);

// The stats as a table for people, or as CSV (day,show,path,downloads,public,private; then the
// totals with day "total": per episode, per show with an empty path, and overall with both
// empty). `downloads` is public + private.
std::string FormatDownloadStats(const std::vector<DownloadCount>& counts, bool csv);

}  // namespace cinepress
