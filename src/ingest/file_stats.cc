#include "ingest/file_stats.h"

#include <sys/stat.h>

#include <charconv>
#include <string_view>

#include "core/text.h"

namespace cinepress {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kHeader = "cinepress-import-files 1 ";

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string FolderKey(const fs::path& folder) {
  std::error_code ec;
  fs::path abs = fs::absolute(folder, ec);
  return (ec ? folder : abs).lexically_normal().string();
}

}  // namespace

std::optional<FileStat> StatOf(const fs::path& file) {
  struct stat st;
  if (::lstat(file.c_str(), &st) != 0) return std::nullopt;
  return FileStat{static_cast<uint64_t>(st.st_size),
                  static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                  static_cast<uint64_t>(st.st_ino)};
}

FileStats FileStats::Read(const fs::path& cache, const fs::path& folder) {
  FileStats stats;
  stats.folder_ = FolderKey(folder);
  auto text = ReadFile(cache);
  if (!text) return stats;
  std::string_view rest = *text;
  const size_t nl = rest.find('\n');
  if (nl == rest.npos || rest.substr(0, nl) != std::string(kHeader) + stats.folder_) return stats;
  rest.remove_prefix(nl + 1);
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    if (end == rest.npos) break;  // cut short: its last line is not whole
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    std::string_view fields[5];
    size_t n = 0;
    for (size_t start = 0; n < 5; ++n) {
      const size_t tab = line.find('\t', start);
      fields[n] = line.substr(start, tab == line.npos ? line.npos : tab - start);
      if (tab == line.npos) {
        ++n;
        break;
      }
      start = tab + 1;
    }
    Known k;
    if (n != 5 || fields[0].empty() || fields[4].empty() || !ParseNumber(fields[1], k.stat.size) ||
        !ParseNumber(fields[2], k.stat.mtime_ns) || !ParseNumber(fields[3], k.stat.inode)) {
      stats.files_.clear();  // damaged: nothing of it is trusted
      return stats;
    }
    k.hash = std::string(fields[4]);
    stats.files_.emplace(std::string(fields[0]), std::move(k));
  }
  return stats;
}

const std::string* FileStats::HashOf(const std::string& rel, const FileStat& now) const {
  auto it = files_.find(rel);
  return it != files_.end() && it->second.stat == now ? &it->second.hash : nullptr;
}

void FileStats::Remember(const std::string& rel, const FileStat& stat, std::string hash,
                         int64_t now_ns) {
  if (stat.mtime_ns > now_ns - kRacyNs || rel.find_first_of("\t\n") != std::string::npos) {
    files_.erase(rel);
    return;
  }
  files_[rel] = Known{stat, std::move(hash)};
}

bool FileStats::Write(const fs::path& cache) const {
  std::string out = std::string(kHeader) + folder_ + "\n";
  for (const auto& [rel, k] : files_) {
    out += rel + "\t" + std::to_string(k.stat.size) + "\t" + std::to_string(k.stat.mtime_ns) +
           "\t" + std::to_string(k.stat.inode) + "\t" + k.hash + "\n";
  }
  return WriteFile(cache, out).ok();
}

}  // namespace cinepress
