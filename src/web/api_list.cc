#include "web/api_list.h"

#include <algorithm>
#include <charconv>

#include "web/api_response.h"
#include "web/url_params.h"

namespace cinepress {
namespace {

using Json = nlohmann::ordered_json;

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string part = text.substr(start, end - start);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (!part.empty()) out.push_back(std::move(part));
    start = end + 1;
  }
  return out;
}

Result<size_t> ReadPositive(const std::string& field, const std::string& value) {
  size_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n == 0 || n > 1000000) {
    return InvalidApiInput(field, field + ": \"" + value + "\" is not a whole number from 1");
  }
  return n;
}

}  // namespace

Result<ListQuery> ReadListQuery(std::string_view query_string, const ContentApiResource& res) {
  auto params = DecodeUrlParams(query_string);
  if (!params) return InvalidApiInput("query", "the query string is malformed");
  ListQuery q;
  for (const auto& [name, value] : *params) {
    if (name == "filter") {
      auto filter = ParseContentFilter(value, res.filter_keys, res.ordered_filter_keys);
      if (!filter) return filter.error();
      q.filter = std::move(*filter);
    } else if (name == "limit") {
      if (value == "all") {
        q.limit = kAllLimit;
      } else {
        auto n = ReadPositive("limit", value);
        if (!n) return n.error();
        q.limit = std::min(*n, kMaxLimit);
      }
    } else if (name == "page") {
      auto n = ReadPositive("page", value);
      if (!n) return n.error();
      q.page = *n;
    } else if (name == "include") {
      for (std::string& word : SplitCommas(value)) {
        if (word != "authors" && word != "tags" && word != "count.posts") {
          return InvalidApiInput("include",
                                 "include: \"" + word + "\" is not authors, tags or count.posts");
        }
        q.include.insert(std::move(word));
      }
    } else if (name == "fields") {
      for (std::string& field : SplitCommas(value)) {
        if (std::find(res.fields.begin(), res.fields.end(), field) == res.fields.end()) {
          return InvalidApiInput("fields",
                                 "fields: " + res.key + " have no field \"" + field + "\"");
        }
        q.fields.push_back(std::move(field));
      }
    }
  }
  return q;
}

Json Pick(Json item, const std::vector<std::string>& fields) {
  if (fields.empty()) return item;
  Json out = Json::object();
  for (const std::string& f : fields) {
    if (item.contains(f)) out[f] = std::move(item[f]);
  }
  return out;
}

Json Pagination(const ListQuery& q, size_t total) {
  const size_t pages = total == 0 ? 1 : (total + q.limit - 1) / q.limit;
  return {{"pagination",
           {{"page", q.page},
            {"limit", q.limit},
            {"pages", pages},
            {"total", total},
            {"next", q.page < pages ? Json(q.page + 1) : Json(nullptr)},
            {"prev", q.page > 1 ? Json(std::min(q.page - 1, pages)) : Json(nullptr)}}}};
}

std::pair<size_t, size_t> PageRange(const ListQuery& q, size_t total) {
  const size_t first = std::min(total, (q.page - 1) * q.limit);
  return {first, std::min(total, first + q.limit)};
}

}  // namespace cinepress
