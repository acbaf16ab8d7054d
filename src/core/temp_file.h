// A file of our own in a folder we choose (an upload as it arrives, a part taken out of it, an
// image cleaned for keeping): made with a name no one else has (mkstemp), written through its
// descriptor a piece at a time, and removed when the TempFile goes — whichever way the work that
// made it ends (done, refused, a client gone, an exception).
// Contract: owned by one thread at a time; movable, not copyable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "core/result.h"

namespace cinepress {

class TempFile {
 public:
  // A new empty file in `folder` (made if missing), named "{prefix}XXXXXX", readable by its
  // owner only.
  static Result<TempFile> Create(const std::filesystem::path& folder, std::string_view prefix);

  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();

  // Appends `bytes` (every one of them, or an error).
  Status Append(std::string_view bytes);
  const std::filesystem::path& path() const { return path_; }
  int64_t size() const { return size_; }
  // The descriptor, open for writing (another writer that writes through it — a library given
  // a duplicate — leaves size() behind: read the file's size from the file then).
  int fd() const { return fd_; }

 private:
  TempFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  void Remove();

  std::filesystem::path path_;
  int fd_ = -1;
  int64_t size_ = 0;
};

}  // namespace cinepress
