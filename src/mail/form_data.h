// multipart/form-data (RFC 7578) read by GMime's parser (the MIME module owns MIME): the form body
// that RFC 8058 asks mail clients to POST for one-click unsubscribe, a pitch with its file, and
// the media library's uploads — those from a file, never whole in memory.
// Contract: pure functions, thread-safe; what does not parse is nullopt, never an exception.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/temp_file.h"

namespace cinepress {

// The fields (name, value) in order; values are bytes, decoded from any transfer encoding (the
// caller checks their UTF-8). `content_type` is the request's, with its boundary.
// With `file_names`, each part that carried a file (a `filename` parameter) adds (field, the
// file's name as the browser gave it: a stranger's text).
using FormFields = std::vector<std::pair<std::string, std::string>>;
std::optional<FormFields> ParseFormData(std::string_view content_type, std::string_view body,
                                        FormFields* file_names = nullptr);

// A file sent in a form kept in a file: its field, its name as the browser gave it, and its
// bytes, decoded, in a file of their own (removed with the FormFile).
struct FormFile {
  size_t index = 0;  // its place among the form's fields
  std::string field;
  std::string file_name;
  TempFile file;
  int64_t size = 0;
};

struct FormFileLimits {
  size_t max_parts = 256;          // more parts: refused before GMime builds them
  size_t max_field = 1024 * 1024;  // a field that is not a file, at most
  std::filesystem::path folder;    // where the files go (the body's own folder if empty)
};

// The form whose body is the file `body` (an upload too large to hold), read as ParseFormData
// reads one, except that GMime reads the file a buffer at a time and keeps each part as a window
// on it (a persistent stream), and each part that carries a file is written, decoded, to a file
// of its own in `limits.folder` — added to `files` — with "" as its value in the fields. Without
// `files`, file parts are left unread (their value ""). More than `limits.max_parts` parts (a
// million tiny parts would be a million objects), or a field not a file longer than
// `limits.max_field`: nullopt.
std::optional<FormFields> ParseFormDataFile(std::string_view content_type,
                                            const std::filesystem::path& body,
                                            std::vector<FormFile>* files,
                                            const FormFileLimits& limits = {});

// How many times `delimiter` occurs in the file at `path`, read 64 KiB at a time (an occurrence
// that straddles two reads counts); counting stops past `stop`. -1: the file cannot be read.
int64_t CountInFile(const std::filesystem::path& path, std::string_view delimiter, int64_t stop);

}  // namespace cinepress
