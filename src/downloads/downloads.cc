#include "downloads/downloads.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/csv.h"
#include "core/dates.h"
#include "core/text.h"

namespace cinepress {

bool FetchedARealPart(int64_t delivered, int64_t file_size) {
  if (file_size <= 0) return false;
  return delivered >= std::min(kDownloadMinimumBytes, file_size);
}

std::string ClientDigest(std::string_view address, std::string_view user_agent) {
  return ContentHash({address, "\n", user_agent});
}

DownloadCounter::DownloadCounter(DownloadCounterOptions options) : options_(std::move(options)) {}

void DownloadCounter::Offer(const MediaRequest& r) {
  if (r.method != "GET" || (r.status != 200 && r.status != 206)) return;
  std::string stored = StoredPathOf(r.path);
  const std::string_view path = PublicPathOf(stored);
  const bool episode = std::any_of(options_.prefixes.begin(), options_.prefixes.end(),
                                   [&](const std::string& p) { return path.rfind(p, 0) == 0; });
  if (!episode || !FetchedARealPart(r.delivered, r.file_size) || IsKnownBot(r.user_agent)) return;
  std::string client = ClientDigest(r.address, r.user_agent);
  std::string key = std::string(path) + '\n' + client;
  std::lock_guard lock(mu_);
  auto [it, fresh] = last_counted_.try_emplace(std::move(key), r.at);
  if (!fresh) {
    if (r.at - it->second < kDownloadWindowSeconds) return;
    it->second = r.at;
  }
  if (pending_.size() >= options_.max_pending) {
    pending_.erase(pending_.begin());
    ++dropped_;
  }
  pending_.push_back(MediaDownload{r.at, std::move(stored), std::move(client), r.delivered});
}

Status DownloadCounter::Flush(int64_t now) {
  std::vector<MediaDownload> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
    std::erase_if(last_counted_, [now](const auto& entry) {
      return now - entry.second >= kDownloadWindowSeconds;
    });
  }
  if (batch.empty()) return {};
  Status s = options_.save ? options_.save(batch) : Status{};
  if (!s) {  // kept for the next flush, before anything counted since
    std::lock_guard lock(mu_);
    batch.insert(batch.end(), pending_.begin(), pending_.end());
    pending_ = std::move(batch);
  }
  return s;
}

size_t DownloadCounter::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

uint64_t DownloadCounter::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

std::string ShowOf(std::string_view path) {
  constexpr std::string_view kPrefix = "/podcasts/";
  if (path.rfind(kPrefix, 0) != 0) return "";
  path.remove_prefix(kPrefix.size());
  const size_t slash = path.find('/');
  return slash == std::string_view::npos ? "" : std::string(path.substr(0, slash));
}

std::string StoredPathOf(std::string_view path) {
  if (path.rfind(kPrivateFeedPrefix, 0) != 0) return std::string(path);
  const std::string_view rest = path.substr(kPrivateFeedPrefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::string(path);
  return std::string(kPrivateFeedPrefix) + std::string(rest.substr(slash + 1));
}

bool IsPrivateDownload(std::string_view stored_path) {
  return stored_path.rfind(std::string(kPrivateFeedPrefix) + "podcasts/", 0) == 0;
}

std::string_view PublicPathOf(std::string_view stored_path) {
  // "/feeds/private/podcasts/…" -> "/podcasts/…": the prefix but its last slash.
  return IsPrivateDownload(stored_path) ? stored_path.substr(kPrivateFeedPrefix.size() - 1)
                                        : stored_path;
}

std::vector<std::string> StoredPrefixesOf(const std::string& show) {
  const std::string tail = show.empty() ? "podcasts/" : "podcasts/" + show + "/";
  return {"/" + tail, std::string(kPrivateFeedPrefix) + tail};
}

namespace {

// "2026-12-06": the UTC day of a time.
std::string DayOf(int64_t at) { return TimeZone::IsoUtc(at).substr(0, 10); }

}  // namespace

std::vector<DownloadCount> CountDownloads(std::vector<MediaDownload> rows) {
  // A private feed's download is its episode's: the 24-hour rule holds across both.
  auto episode = [](const MediaDownload& d) { return PublicPathOf(d.path); };
  std::sort(rows.begin(), rows.end(), [&](const MediaDownload& a, const MediaDownload& b) {
    return std::make_tuple(episode(a), std::string_view(a.client), a.at) <
           std::make_tuple(episode(b), std::string_view(b.client), b.at);
  });
  std::map<std::pair<std::string, std::string>, DownloadCount> per_path_day;  // (path, day)
  const MediaDownload* counted = nullptr;  // the last one counted of this episode and client
  for (const MediaDownload& d : rows) {
    const bool same = counted && episode(*counted) == episode(d) && counted->client == d.client;
    if (same && d.at - counted->at < kDownloadWindowSeconds) continue;
    counted = &d;
    DownloadCount& c = per_path_day[{std::string(episode(d)), DayOf(d.at)}];
    ++c.downloads;
    if (IsPrivateDownload(d.path)) ++c.private_downloads;
  }
  std::vector<DownloadCount> out;
  for (auto& [key, c] : per_path_day) {
    c.day = key.second;
    c.path = key.first;
    c.show = ShowOf(c.path);
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const DownloadCount& a, const DownloadCount& b) {
    return std::tie(a.day, a.show, a.path) < std::tie(b.day, b.show, b.path);
  });
  return out;
}

namespace {

struct Tally {
  int64_t all = 0, private_ = 0;
  void Add(const DownloadCount& c) {
    all += c.downloads;
    private_ += c.private_downloads;
  }
  // "3,2,1": downloads, public, private (the CSV's last columns).
  std::string Csv() const {
    return std::to_string(all) + "," + std::to_string(all - private_) + "," +
           std::to_string(private_);
  }
  // "3 (2 public, 1 private)"
  std::string Text() const {
    return std::to_string(all) + " (" + std::to_string(all - private_) + " public, " +
           std::to_string(private_) + " private)";
  }
};

std::string RightAligned(int64_t n, size_t width) {
  std::string s = std::to_string(n);
  return std::string(s.size() < width ? width - s.size() : 0, ' ') + s;
}

}  // namespace

std::string FormatDownloadStats(const std::vector<DownloadCount>& counts, bool csv) {
  std::map<std::string, Tally> per_path, per_show;
  Tally total;
  for (const DownloadCount& c : counts) {
    per_path[c.path].Add(c);
    per_show[c.show].Add(c);
    total.Add(c);
  }
  std::string out;
  if (csv) {
    auto field = [](std::string_view v) { return CsvField(v); };
    out += "day,show,path,downloads,public,private\n";
    for (const DownloadCount& c : counts) {
      Tally day;
      day.Add(c);
      out += c.day + "," + field(c.show) + "," + field(c.path) + "," + day.Csv() + "\n";
    }
    for (const auto& [path, n] : per_path) {
      out += "total," + field(ShowOf(path)) + "," + field(path) + "," + n.Csv() + "\n";
    }
    for (const auto& [show, n] : per_show) out += "total," + field(show) + ",," + n.Csv() + "\n";
    out += "total,,," + total.Csv() + "\n";
    return out;
  }
  out += "day         downloads     public    private  episode\n";
  for (const DownloadCount& c : counts) {
    out += c.day + "  " + RightAligned(c.downloads, 9) + "  " +
           RightAligned(c.downloads - c.private_downloads, 9) + "  " +
           RightAligned(c.private_downloads, 9) + "  " + c.path + "\n";
  }
  for (const auto& [path, n] : per_path) out += "episode " + path + ": " + n.Text() + "\n";
  for (const auto& [show, n] : per_show) {
    out += "show " + (show.empty() ? std::string("(none)") : show) + ": " + n.Text() + "\n";
  }
  out += "total: " + std::to_string(total.all) + " downloads (" +
         std::to_string(total.all - total.private_) + " public, " + std::to_string(total.private_) +
         " private)\n";
  return out;
}

}  // namespace cinepress
