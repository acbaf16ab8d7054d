#include "core/temp_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace cinepress {

Result<TempFile> TempFile::Create(const std::filesystem::path& folder, std::string_view prefix) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    return MakeError(ErrorCode::kIo, "cannot make " + folder.string() + ": " + ec.message());
  }
  std::string name = (folder / std::string(prefix)).string() + "XXXXXX";
  const int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kIo,
                     "cannot make a file in " + folder.string() + ": " + std::strerror(errno));
  }
  return TempFile(std::filesystem::path(name), fd);
}

TempFile::TempFile(TempFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), size_(other.size_) {
  other.fd_ = -1;
  other.path_.clear();
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    size_ = other.size_;
    other.fd_ = -1;
    other.path_.clear();
  }
  return *this;
}

TempFile::~TempFile() { Remove(); }

void TempFile::Remove() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (!path_.empty()) unlink(path_.c_str());
  path_.clear();
}

Status TempFile::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return MakeError(ErrorCode::kIo, "cannot write " + path_.string() + ": " +
                                           std::strerror(n < 0 ? errno : ENOSPC));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    size_ += n;
  }
  return {};
}

}  // namespace cinepress
