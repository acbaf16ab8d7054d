// Boost.URL is header-only with its compiled part in <boost/url/src.hpp>: it must be included in
// exactly one translation unit of the program; this is that one.
#include "core/url.h"

#include <boost/url/pct_string_view.hpp>
#include <boost/url/src.hpp>

namespace cinepress {

std::optional<std::string> PercentDecode(std::string_view text) {
  auto escaped =
      boost::urls::make_pct_string_view(boost::urls::string_view(text.data(), text.size()));
  if (!escaped) return std::nullopt;
  return escaped->decode();
}

}  // namespace cinepress
