// A pitch's attached file: its type found from its bytes (libmagic), never from its name or
// what the browser claimed, and checked against an allow-list and a size limit.
// Contract: pure functions, thread-safe (each call opens libmagic's database of its own).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cinepress {

// PDF, DOCX, ODT and plain text.
inline constexpr const char* kAllowedUploadTypes[] = {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "text/plain",
};

// The MIME type of `bytes` as libmagic reads them ("application/x-executable"…).
Result<std::string> SniffType(std::string_view bytes);

// The file's MIME type when it is allowed and at most `max_bytes`; otherwise an invalid-input
// error naming the field "file" that a reader can understand.
Result<std::string> CheckUpload(std::string_view file_name, std::string_view bytes,
                                int64_t max_bytes);

// The type a kept file is sent back with: one of kAllowedUploadTypes as it was found (text
// with its charset), anything else application/octet-stream.
std::string DownloadType(std::string_view stored_type);

}  // namespace cinepress
