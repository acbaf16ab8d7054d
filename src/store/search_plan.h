// How a search runs, whatever index answers it: the order of the questions put to the index
// (headline matches first, then matches anywhere; a submitted search's last word as a prefix
// only when no article has it whole), counting, pagination and snippets. Each engine answers
// the questions with its own index (SQLite: FTS5; PostgreSQL: tsvector and GIN), so that both
// find and rank the same articles.
// Contract: RunSearch calls the SearchIndex's functions on the calling thread, in order.
#pragma once

#include <cstdint>
#include <vector>

#include "content/search.h"
#include "core/result.h"

namespace cinepress {

// BM25 is computed for at most this many matches (the most recently stored) of each question.
inline constexpr int64_t kRankedMatches = 400;

// The questions a search asks of an engine's index. Every answer holds only what the reader may
// read (query.now, drafts, password-protected posts) and what the query's filters allow.
class SearchIndex {
 public:
  virtual ~SearchIndex() = default;
  // Matches of `groups` in the title, the film's titles or the people, among the kRankedMatches
  // most recently stored, best first (BM25 with the weights 12, 10, 4).
  virtual Result<std::vector<int64_t>> Headline(const std::vector<QueryGroup>& groups,
                                                const SearchQuery& query) = 0;
  // Matches anywhere, newest stored first, up to `limit` of them: `matched` is how many, and
  // `ranked` the first kRankedMatches of them, best first (BM25 with kSearchColumnWeights, each
  // group's document frequency estimated from its rarest whole word, counted up to 1,000).
  virtual Status Anywhere(const std::vector<QueryGroup>& groups, const SearchQuery& query,
                          size_t limit, size_t* matched, std::vector<int64_t>* ranked) = 0;
  // Says which articles Hit (and, `with_text`, Text) will be asked about next, so that an index
  // over a network can read them all at once.
  virtual Status Prefetch(const std::vector<int64_t>& /*article_ids*/, bool /*with_text*/) {
    return {};
  }
  // The hit for an article (everything but its snippet).
  virtual Result<SearchHit> Hit(int64_t article_id) = 0;
  // The body and dek text the index holds for an article (empty when none).
  virtual Result<SearchText> Text(int64_t article_id) = 0;
};

Result<SearchResults> RunSearch(const SearchQuery& query, SearchIndex& index);

// BM25 of one document: `freq[p]` is phrase p's weighted count of occurrences, `df[p]` the
// number of documents holding it (an estimate), `tokens` the document's length in words.
double Bm25(const std::vector<double>& freq, const std::vector<double>& df, double tokens,
            double avg_tokens, double documents);

}  // namespace cinepress
