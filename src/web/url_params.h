// Query strings and form bodies (application/x-www-form-urlencoded), decoded by Boost.URL.
// Contract: a pure function, thread-safe; what does not parse is nullopt, never an exception.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cinepress {

// The key-value pairs in order, '+' read as a space and %XX decoded (values are bytes: the caller
// checks their UTF-8). A key without '=' has an empty value.
using UrlParams = std::vector<std::pair<std::string, std::string>>;
std::optional<UrlParams> DecodeUrlParams(std::string_view text);

}  // namespace cinepress
