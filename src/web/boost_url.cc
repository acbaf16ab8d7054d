// The web module's one reader of query strings and form bodies (web/url_params.h), on Boost.URL
// (whose compiled part is in core/url.cc).
#include <boost/url/parse_query.hpp>

#include "web/url_params.h"

namespace cinepress {

std::optional<UrlParams> DecodeUrlParams(std::string_view text) {
  auto parsed = boost::urls::parse_query(boost::urls::string_view(text.data(), text.size()));
  if (!parsed) return std::nullopt;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  UrlParams out;
  for (const boost::urls::param& p : boost::urls::params_view(*parsed, opts)) {
    out.emplace_back(p.key, p.has_value ? p.value : std::string());
  }
  return out;
}

}  // namespace cinepress
