#include "core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace cinepress {

Result<std::shared_ptr<const MappedFile>> MappedFile::Open(const std::filesystem::path& path) {
  auto fail = [&](const char* what) {
    return Error{
        ErrorCode::kIo, std::string(what) + ": " + std::strerror(errno), path.string(), 0, {}};
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("cannot read");
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    auto error = fail("cannot read");
    ::close(fd);
    return error;
  }
  const auto size = static_cast<size_t>(st.st_size);
  if (size == 0) {  // mmap refuses a length of 0
    ::close(fd);
    return std::shared_ptr<const MappedFile>(new MappedFile(nullptr, 0));
  }
  // MAP_POPULATE: its pages are mapped now, in one call, not one fault at a time as they are
  // read (the callers read the whole file).
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED) {
    auto error = fail("cannot map");
    ::close(fd);
    return error;
  }
  ::close(fd);  // the mapping keeps the file
  return std::shared_ptr<const MappedFile>(new MappedFile(static_cast<const char*>(p), size));
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

}  // namespace cinepress
