#include "store/search_plan.h"

#include <algorithm>
#include <cmath>

#include "core/text.h"

namespace cinepress {

double Bm25(const std::vector<double>& freq, const std::vector<double>& df, double tokens,
            double avg_tokens, double documents) {
  constexpr double kK1 = 1.2, kB = 0.75;  // BM25's usual constants
  const double length_norm = kK1 * (1 - kB + kB * tokens / std::max(1.0, avg_tokens));
  double score = 0;
  for (size_t p = 0; p < freq.size(); ++p) {
    const double d = std::clamp(p < df.size() ? df[p] : documents, 0.0, documents);
    const double idf = std::max(1e-6, std::log((documents - d + 0.5) / (d + 0.5)));
    score += idf * freq[p] * (kK1 + 1) / (freq[p] + length_norm);
  }
  return score;
}

Result<SearchResults> RunSearch(const SearchQuery& query, SearchIndex& index) {
  SearchResults out;
  const std::vector<QueryGroup> typed = ParseSearchQuery(query.text);
  bool has_prefix = false;
  const std::vector<QueryGroup> whole = WholeWords(typed, &has_prefix);
  if (whole.empty() || query.limit == 0) return out;
  std::vector<int64_t> ranked;
  auto add = [&](const std::vector<int64_t>& ids) {
    for (int64_t id : ids) {
      if (std::find(ranked.begin(), ranked.end(), id) == ranked.end()) ranked.push_back(id);
    }
  };
  auto headline = [&](const std::vector<QueryGroup>& groups) -> Status {
    auto ids = index.Headline(groups, query);
    if (!ids) return ids.error();
    add(*ids);
    return {};
  };
  size_t matched = 0;
  auto anywhere = [&](const std::vector<QueryGroup>& groups, bool count) -> Status {
    std::vector<int64_t> ids;
    const size_t limit = count ? SearchResults::kMaxCounted + 1 : kRankedMatches;
    if (auto s = index.Anywhere(groups, query, limit, &matched, &ids); !s) return s;
    add(ids);
    return {};
  };
  const size_t wanted = query.offset + query.limit;
  std::vector<QueryGroup> groups = query.typing ? typed : whole;
  if (query.typing) {
    // Suggestions: the word being typed as a prefix in the headline fields; then whole words
    // anywhere; then, for a word no article has whole, its longer words anywhere.
    if (auto s = headline(typed); !s) return s.error();
    if (ranked.size() < wanted) {
      if (auto s = anywhere(whole, false); !s) return s.error();
    }
    if (ranked.size() < wanted && has_prefix && matched == 0) {
      if (auto s = anywhere(typed, false); !s) return s.error();
    }
  } else {
    if (auto s = headline(whole); !s) return s.error();
    if (auto s = anywhere(whole, query.count); !s) return s.error();
    if (matched == 0 && ranked.empty() && has_prefix) {
      groups = typed;  // no article has the last word whole: the words it begins
      if (auto s = headline(typed); !s) return s.error();
      if (auto s = anywhere(typed, query.count); !s) return s.error();
    }
    if (query.count) {
      out.total = std::max(matched, ranked.size());
      if (out.total > SearchResults::kMaxCounted) {
        out.total = SearchResults::kMaxCounted;
        out.more_than_total = true;
      }
      if (out.total == 0 || query.offset >= out.total) return out;
    }
  }
  if (!query.count) out.total = ranked.size();
  if (query.offset < ranked.size()) {
    const std::vector<int64_t> page(
        ranked.begin() + static_cast<std::ptrdiff_t>(query.offset),
        ranked.begin() + static_cast<std::ptrdiff_t>(std::min(ranked.size(), wanted)));
    if (auto s = index.Prefetch(page, query.snippets); !s) return s.error();
  }
  for (size_t k = query.offset; k < ranked.size() && k < wanted; ++k) {
    auto hit = index.Hit(ranked[k]);
    if (!hit) return hit.error();
    out.hits.push_back(std::move(*hit));
  }
  if (!query.snippets) return out;
  // The body around the match, or the dek's; a match in the title alone shows the dek.
  for (SearchHit& h : out.hits) {
    auto text = index.Text(h.article_id);
    if (!text) return text.error();
    std::string html = SnippetHtml(text->body, groups);
    if (html.empty()) html = SnippetHtml(text->dek, groups);
    if (html.empty()) {
      html = HtmlEscape(text->dek.empty() ? ValidUtf8Prefix(text->body, 200) : text->dek);
    }
    h.snippet_html = std::move(html);
  }
  return out;
}

}  // namespace cinepress
