// The APIs' lists (docs/API.md): a list request's parameters — filter (content_filter.h), limit
// (1–100, default 15; `all`: up to 1,000), page, include, fields — read one way, and the
// pagination meta of Ghost's shape, for the Content API and the Admin API's members.
// Contract: pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "web/content_filter.h"

namespace cinepress {

// One kind of thing an API lists (the Content API's, the Admin API's members), for the router
// and the OpenAPI document.
struct ContentApiResource {
  std::string path;                      // "authors": /api/content/authors/
  std::string key;                       // the list's name in the body: "authors"
  std::vector<std::string> fields;       // what `fields` may name
  std::vector<std::string> filter_keys;  // what `filter` may name
  // Which of them may be compared with >, >=, <, <= (created_at:>'2026-01-01').
  std::vector<std::string> ordered_filter_keys;
};

inline constexpr size_t kDefaultLimit = 15;  // Ghost's
inline constexpr size_t kMaxLimit = 100;
inline constexpr size_t kAllLimit = 1000;  // what `limit=all` gives at most on one page

struct ListQuery {
  ContentFilter filter;
  size_t limit = kDefaultLimit;
  size_t page = 1;
  std::set<std::string> include;
  std::vector<std::string> fields;  // empty: every field
};

// A list request's parameters; unknown parameters are ignored, as Ghost does. `include` may name
// authors, tags and count.posts; `fields` and `filter` what `res` allows.
Result<ListQuery> ReadListQuery(std::string_view query_string, const ContentApiResource& res);

// Only the fields asked for (all when none were).
nlohmann::ordered_json Pick(nlohmann::ordered_json item, const std::vector<std::string>& fields);

// {"pagination": {"page", "limit", "pages", "total", "next", "prev"}}
nlohmann::ordered_json Pagination(const ListQuery& q, size_t total);

// The indices [first, last) of the page asked for among `total`.
std::pair<size_t, size_t> PageRange(const ListQuery& q, size_t total);

}  // namespace cinepress
