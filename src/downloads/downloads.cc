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
  const bool episode = std::any_of(options_.prefixes.begin(), options_.prefixes.end(),
                                   [&](const std::string& p) { return r.path.rfind(p, 0) == 0; });
  if (!episode || !FetchedARealPart(r.delivered, r.file_size) || IsKnownBot(r.user_agent)) return;
  std::string client = ClientDigest(r.address, r.user_agent);
  std::string key = r.path + '\n' + client;
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
  pending_.push_back(MediaDownload{r.at, r.path, std::move(client), r.delivered});
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

namespace {

// "2026-12-06": the UTC day of a time.
std::string DayOf(int64_t at) { return TimeZone::IsoUtc(at).substr(0, 10); }

}  // namespace

std::vector<DownloadCount> CountDownloads(std::vector<MediaDownload> rows) {
  std::sort(rows.begin(), rows.end(), [](const MediaDownload& a, const MediaDownload& b) {
    return std::tie(a.path, a.client, a.at) < std::tie(b.path, b.client, b.at);
  });
  std::map<std::pair<std::string, std::string>, int64_t> per_path_day;  // (path, day)
  const MediaDownload* counted = nullptr;  // the last one counted of this path and client
  for (const MediaDownload& d : rows) {
    const bool same = counted && counted->path == d.path && counted->client == d.client;
    if (same && d.at - counted->at < kDownloadWindowSeconds) continue;
    counted = &d;
    ++per_path_day[{d.path, DayOf(d.at)}];
  }
  std::vector<DownloadCount> out;
  for (const auto& entry : per_path_day) {
    out.push_back(DownloadCount{entry.first.second, ShowOf(entry.first.first), entry.first.first,
                                entry.second});
  }
  std::sort(out.begin(), out.end(), [](const DownloadCount& a, const DownloadCount& b) {
    return std::tie(a.day, a.show, a.path) < std::tie(b.day, b.show, b.path);
  });
  return out;
}

std::string FormatDownloadStats(const std::vector<DownloadCount>& counts, bool csv) {
  std::map<std::string, int64_t> per_path, per_show;
  int64_t total = 0;
  for (const DownloadCount& c : counts) {
    per_path[c.path] += c.downloads;
    per_show[c.show] += c.downloads;
    total += c.downloads;
  }
  std::string out;
  if (csv) {
    auto field = [](std::string_view v) { return CsvField(v); };
    out += "day,show,path,downloads\n";
    for (const DownloadCount& c : counts) {
      out += c.day + "," + field(c.show) + "," + field(c.path) + "," + std::to_string(c.downloads) +
             "\n";
    }
    for (const auto& [path, n] : per_path) {
      out += "total," + field(ShowOf(path)) + "," + field(path) + "," + std::to_string(n) + "\n";
    }
    for (const auto& [show, n] : per_show) {
      out += "total," + field(show) + ",," + std::to_string(n) + "\n";
    }
    out += "total,,," + std::to_string(total) + "\n";
    return out;
  }
  out += "day         downloads  episode\n";
  for (const DownloadCount& c : counts) {
    std::string n = std::to_string(c.downloads);
    out +=
        c.day + "  " + std::string(n.size() < 9 ? 9 - n.size() : 0, ' ') + n + "  " + c.path + "\n";
  }
  for (const auto& [path, n] : per_path) out += "episode " + path + ": " + std::to_string(n) + "\n";
  for (const auto& [show, n] : per_show) {
    out +=
        "show " + (show.empty() ? std::string("(none)") : show) + ": " + std::to_string(n) + "\n";
  }
  out += "total: " + std::to_string(total) + " downloads\n";
  return out;
}

}  // namespace cinepress
