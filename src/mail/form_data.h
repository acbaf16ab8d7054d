// multipart/form-data (RFC 7578), the MIME form body that RFC 8058 asks mail clients to POST for
// one-click unsubscribe, read by GMime's parser (the MIME module owns MIME).
// Contract: a pure function, thread-safe; what does not parse is nullopt, never an exception.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cinepress {

// The fields (name, value) in order; values are bytes, decoded from any transfer encoding (the
// caller checks their UTF-8). `content_type` is the request's, with its boundary.
// With `file_names`, each part that carried a file (a `filename` parameter) adds (field, the
// file's name as the browser gave it: a stranger's text).
using FormFields = std::vector<std::pair<std::string, std::string>>;
std::optional<FormFields> ParseFormData(std::string_view content_type, std::string_view body,
                                        FormFields* file_names = nullptr);

}  // namespace cinepress
