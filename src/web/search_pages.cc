// The live search: /search/?q=… as a page of results from the store (rendered for each request,
// never kept in the page cache, so that what was just published or deleted is found or gone at
// once) and /search/suggest.json for the search box's suggestions.
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "web/live_site.h"
#include "web/url_params.h"

namespace cinepress {
namespace {

// Longer values are cut: no reader types more, and nothing longer reaches the store.
constexpr size_t kMaxQueryParam = 1024;
constexpr size_t kMaxNameParam = 100;
constexpr int kMaxPage = 100;
constexpr size_t kSuggestions = 6;

int SmallNumber(const std::string& v, int max) {
  if (v.empty() || v.size() > 5) return 0;
  int n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n <= max ? n : 0;
}

}  // namespace

SearchRequest ParseSearchRequest(std::string_view query) {
  SearchRequest r;
  if (query.empty()) return r;
  auto params = DecodeUrlParams(query);
  if (!params) return r;  // a malformed query string: an empty search page
  for (const auto& [key, value] : *params) {
    if (key == "q") {
      r.query = ValidUtf8Prefix(value, kMaxQueryParam);
    } else if (key == "kind") {
      r.kind = ValidUtf8Prefix(value, kMaxNameParam);
    } else if (key == "author") {
      r.author = ValidUtf8Prefix(value, kMaxNameParam);
    } else if (key == "edition") {
      r.edition = ValidUtf8Prefix(value, kMaxNameParam);
    } else if (key == "year") {
      r.year = SmallNumber(value, 9999);
    } else if (key == "page") {
      r.page = std::max(1, SmallNumber(value, kMaxPage));
    }
  }
  return r;
}

HttpResponse LiveSite::ServeSearch(const HttpRequest& req, const std::shared_ptr<Generation>& gen,
                                   bool suggest, const ReaderRights& rights) {
  auto unavailable = [] {
    HttpResponse r = TextResponse(503, "The magazine is unavailable for a moment.\n");
    r.Set("Retry-After", "5");
    r.label = "error";
    return r;
  };
  Error error;
  ThreadState* ts = Local(gen, &error);
  if (!ts) return unavailable();
  const Site& site = *gen->site;
  SearchRequest request = ParseSearchRequest(req.Query());
  const int64_t now = options_.now ? options_.now() : NowSeconds();
  SearchQuery query = site.MakeSearchQuery(request, now);
  if (suggest) {
    query.offset = 0;
    query.limit = kSuggestions;
    query.snippets = false;
    query.count = false;
    query.typing = true;
  }
  SearchResults results;
  if (!Trim(request.query).empty()) {
    auto found = ts->store->Search(query);
    if (!found) {
      ts->renderer.reset();
      ts->store.reset();  // try a new connection next time
      return unavailable();
    }
    results = std::move(*found);
  }
  std::string body, type;
  if (suggest) {
    nlohmann::json out = {{"query", request.query}, {"results", nlohmann::json::array()}};
    for (const SearchHit& h : results.hits) {
      out["results"].push_back({{"title", h.title},
                                {"url", site.SearchHitUrl(h)},
                                {"kind", !h.show.empty() ? h.show_title
                                         : h.is_page     ? std::string("page")
                                                         : h.section},
                                {"film", h.film_title}});
    }
    body = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    type = "application/json; charset=utf-8";
  } else {
    auto page = ts->renderer->RenderSearch(request, &results, rights);
    if (!page) return unavailable();
    body = std::move(*page);
    type = "text/html; charset=utf-8";
  }
  auto entity = MakeEntityFor(req, std::move(body), type, "no-cache", NowSeconds());
  HttpResponse r = ServeEntity(req, entity);
  r.label = "search";
  return r;
}

}  // namespace cinepress
