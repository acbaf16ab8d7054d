// Percent-decoding (RFC 3986), by Boost.URL: the program's one decoder of %XX escapes (request
// paths, WordPress links; query strings and forms are web/url_params.h, on the same library).
// Contract: a pure function, thread-safe; never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cinepress {

// "/caf%C3%A9/" -> "/café/"; nullopt when an escape is malformed ("%zz", "100%"). The result is
// bytes: the caller checks that they are UTF-8 when it needs them to be.
std::optional<std::string> PercentDecode(std::string_view text);

}  // namespace cinepress
