// What the last import knew of a content folder's files: each file's size, modification time and
// inode, and the hash of its bytes then. An import of the same folder does not read a file whose
// three are the same (what make and rsync trust), and takes the hash it had.
//
// Contract: a cache, kept beside the store (SITE/.cinepress-import-files): missing, damaged, or
// written for another folder, it is empty, and the import reads every file. Not thread-safe to
// change; HashOf may be called from several threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>

namespace cinepress {

struct FileStat {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  bool operator==(const FileStat&) const = default;
};

// The file's stat (lstat: a symbolic link is its own), or nothing when it cannot be had.
std::optional<FileStat> StatOf(const std::filesystem::path& file);

class FileStats {
 public:
  // The cache at `cache` for `folder` (an absolute path names it).
  static FileStats Read(const std::filesystem::path& cache, const std::filesystem::path& folder);
  // The hash of the file at `rel` when it was last read with this stat, or null.
  const std::string* HashOf(const std::string& rel, const FileStat& now) const;
  // `rel` was read with this stat and had this hash. A file changed within `kRacyNs` before
  // `now_ns` is not remembered: a change in the same tick of the clock would keep its time.
  void Remember(const std::string& rel, const FileStat& stat, std::string hash, int64_t now_ns);
  void Forget(const std::string& rel) { files_.erase(rel); }
  // Forgets every file for which `keep` is false (the folder's files that are gone).
  template <typename Keep>
  void Retain(Keep keep) {
    std::erase_if(files_, [&keep](const auto& entry) { return !keep(entry.first); });
  }
  // Written under a temporary name and renamed.
  bool Write(const std::filesystem::path& cache) const;

  static constexpr int64_t kRacyNs = 2'000'000'000;

 private:
  struct Known {
    FileStat stat;
    std::string hash;
  };
  std::string folder_;
  std::unordered_map<std::string, Known> files_;
};

}  // namespace cinepress
