// The web module's one reader of query strings and form bodies (web/url_params.h), on Boost.URL
// (whose compiled part is in core/url.cc).
#include <boost/url/parse_query.hpp>
#include <string>

#include "web/url_params.h"

namespace cinepress {

std::optional<UrlParams> DecodeUrlParams(std::string_view text) {
  // Boost 1.81's parse_query hands s.data() alone on to query_ref, which measures it with strlen:
  // a view that is not followed by a NUL is read past its end (found by fuzz/query; fixed in later
  // Boost). A copy ends with one.
  const std::string terminated(text);
  auto parsed =
      boost::urls::parse_query(boost::urls::string_view(terminated.data(), terminated.size()));
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
