#include "contact/upload.h"

#include <magic.h>

#include <memory>

namespace cinepress {
namespace {

Error Refused(std::string message) {
  return Error{ErrorCode::kInvalidInput, std::move(message), {}, 0, "file"};
}

}  // namespace

Result<std::string> SniffType(std::string_view bytes) {
  std::unique_ptr<magic_set, void (*)(magic_t)> cookie(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR),
                                                       magic_close);
  if (!cookie || magic_load(cookie.get(), nullptr) != 0) {
    return MakeError(ErrorCode::kInternal, "cannot load libmagic's database");
  }
  const char* type = magic_buffer(cookie.get(), bytes.data(), bytes.size());
  if (type == nullptr) {
    const char* why = magic_error(cookie.get());
    return MakeError(ErrorCode::kInternal, std::string("libmagic: ") + (why ? why : "no answer"));
  }
  return std::string(type);
}

Result<std::string> CheckUpload(std::string_view file_name, std::string_view bytes,
                                int64_t max_bytes) {
  if (bytes.empty()) return Refused("the file \"" + std::string(file_name) + "\" is empty");
  if (static_cast<int64_t>(bytes.size()) > max_bytes) {
    return Refused("the file is larger than " + std::to_string(max_bytes / 1024) + " KB");
  }
  auto type = SniffType(bytes);
  if (!type) return type.error();
  for (const char* allowed : kAllowedUploadTypes) {
    if (*type == allowed) return type;
  }
  return Refused(
      "the file must be a PDF, a Word or OpenDocument text, or plain text (this one is " + *type +
      ")");
}

std::string DownloadType(std::string_view stored_type) {
  for (const char* allowed : kAllowedUploadTypes) {
    if (stored_type == allowed) {
      return stored_type == "text/plain" ? "text/plain; charset=utf-8" : std::string(allowed);
    }
  }
  return "application/octet-stream";
}

}  // namespace cinepress
