// The SQLite store's full-text search pieces: the FTS5 tokenizer that applies the magazine's
// one text analysis (content/search.h) to both the indexed text and the MATCH expression, the
// reader's query turned into a safe FTS5 expression, and the indexed text's cleaning.
// Contract: plain functions; RegisterSearchTokenizer is called once per connection, before the
// search table is touched.
#pragma once

#include <sqlite3.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "content/search.h"

namespace cinepress {

// Registers the "cinepress" FTS5 tokenizer on `db`, and the ranking function
// cinepress_rank(article_search, N, df1, df2, ...) for the article_search table: BM25 with the
// columns' weights (title 12, films 10, people 4, dek 2, body 1, meta 2), each phrase's inverse
// document frequency taken from the df values given (estimates; FTS5's bm25() counts every row
// that contains a phrase, which for a phrase of common words reads the whole index). It scores the
// first N rows of a query and returns NULL for the rest, so that one query can both count matches
// and rank the newest of them. Higher is better. Returns an SQLite error code.
int RegisterSearchTokenizer(sqlite3* db);

// The words of `text` as the tokenizer reads them, made ahead of a write where every core can
// (ContentStore::PrepareSearchText): the text's hash, then each word followed by '\0' (a word
// can hold a space: NFKD spells some letters in several words).
std::string AnalysedWords(std::string_view text);
// While one is alive, rows written on this thread take their words from `analysed` (each made by
// AnalysedWords) instead of being analysed again: a column whose text has the hash one was made
// from takes its words; any other text is analysed as usual. It keeps views of `analysed`: the
// strings must outlive it.
class UseAnalysedWords {
 public:
  explicit UseAnalysedWords(std::initializer_list<std::string_view> analysed);
  ~UseAnalysedWords();
  UseAnalysedWords(const UseAnalysedWords&) = delete;
  UseAnalysedWords& operator=(const UseAnalysedWords&) = delete;
};

// The groups as an FTS5 expression in which every word is a quoted string (so that AND, OR,
// NEAR, NOT, column filters and stray quotes in what the reader typed mean nothing special):
// [dabrowski] ["long take"] [kiesl*] -> "dabrowski" "long take" "kiesl"*. Empty for no groups.
std::string ToFts5Expression(const std::vector<QueryGroup>& groups);

// The facets column: words a reader cannot type (they begin with \x01, which no folded word
// does), one per value an article can be filtered by, so that a filtered search is an AND of
// the index's own lists instead of a look-up of every match. The filters stay in the SQL too:
// facets only narrow what it reads.
std::string FacetWord(char kind, std::string_view value);  // "\x01" kind value (value escaped)
inline constexpr char kFacetSection = 's', kFacetPage = 'k', kFacetYear = 'y', kFacetAuthor = 'a';
// The UTC year of a Unix time.
int64_t UtcYear(int64_t unix_seconds);

}  // namespace cinepress
