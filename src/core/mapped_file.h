// A file's bytes mapped read-only: read from the page cache as they are used, never copied into
// a buffer of our own (a build's 45 MB cache of search words is read in a few milliseconds).
// The bytes stay as they were while the MappedFile lives when the file is replaced by a rename
// (as WriteFile replaces a file); a file cut short in place under a mapping would fault, so map
// only files that are replaced whole.
// Contract: immutable once opened; safe to share between threads.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string_view>

#include "core/result.h"

namespace cinepress {

class MappedFile {
 public:
  // The whole file, mapped (an empty file: no bytes); an error names the file.
  static Result<std::shared_ptr<const MappedFile>> Open(const std::filesystem::path& path);

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return {data_, size_}; }

 private:
  MappedFile(const char* data, size_t size) : data_(data), size_(size) {}
  const char* data_;
  size_t size_;
};

}  // namespace cinepress
