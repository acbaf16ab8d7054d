// Search: what a reader asks for and what comes back, and how text becomes searchable words —
// one analysis for every index (the store's full-text index and the static build's index, whose
// script in the theme repeats these exact rules: themes/default/assets/search.js).
//
//   word     a run of letters and digits, folded: lower case, accents removed ("Dąbrowski" ->
//            "dabrowski", "Łódź" -> "lodz", "Straße" -> "strasse")
//   CJK run  Chinese, Japanese or Korean text, which has no spaces between words: indexed as
//            overlapping pairs of characters ("東京物語" -> 東京 京物 物語), so that any part of
//            a name or title of two characters or more is found without a dictionary
//   query    what a reader typed, turned into groups (a word, or a "quoted phrase"); every group
//            must match; the last word is a prefix while the reader is still typing
//
// Contract: plain functions and values, thread-safe; invalid UTF-8 is skipped, never an error.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "content/model.h"
#include "content/podcast.h"

namespace cinepress {

// Limits on what a stranger can send: longer input is cut, further groups are dropped.
inline constexpr size_t kMaxQueryBytes = 256;
inline constexpr size_t kMaxQueryTerms = 12;  // words, counting those inside phrases
inline constexpr size_t kMaxWordChars = 40;   // longer words are cut (index and query alike)
inline constexpr size_t kMinPrefixChars = 3;  // "ki" is not a prefix worth expanding; "kie" is

// Calls `emit(word, begin, end)` for every searchable word of `text` in order: `word` is folded,
// [begin, end) is where it stands in `text` (bytes). CJK runs give their pairs of characters
// (one character alone gives itself).
void ForEachSearchWord(
    std::string_view text,
    const std::function<void(std::string_view word, size_t begin, size_t end)>& emit);
// The same, until `emit` returns false.
void ForEachSearchWordWhile(
    std::string_view text,
    const std::function<bool(std::string_view word, size_t begin, size_t end)>& emit);
std::vector<std::string> SearchWords(std::string_view text);
// One word folded: lower case, accents and marks removed, ł ø æ œ ß þ đ ı spelled in ASCII.
std::string FoldSearchWord(std::string_view word);
// Whether a folded word is a CJK character or pair (such words are matched as prefixes when
// they are one character long).
bool IsCjkWord(std::string_view word);

// `text` without its invalid UTF-8 sequences, cut to at most `max_bytes` (whole characters).
std::string ValidUtf8Prefix(std::string_view text, size_t max_bytes);

// What an article gives search besides its title, dek and body: the film's titles (and other
// films covered, an interview's film), its people (directors, cast, the interviewee) and the rest
// (festival, categories, tags, the writers' names, the interviewee's job). Every index takes its
// fields from here, so that the live and the static search find the same articles.
struct SearchFields {
  std::vector<std::string> films, people, meta;
};
SearchFields SearchFieldsOf(const Article& article, const std::vector<std::string>& author_names);
// An episode's fields the same way: the films discussed, its hosts and guests, and its show's
// title. (Its title, summary, show notes and transcript are its title, dek and body.)
SearchFields SearchFieldsOf(const PodcastEpisode& episode, const std::string& show_title);

struct QueryGroup {
  std::vector<std::string> words;  // folded
  bool phrase = false;             // "quoted": the words in this order, next to each other
  bool prefix = false;             // the last word may be the start of a longer one
};

// The reader's text as groups. Never fails: quotes that are not closed end at the end, operators
// and punctuation are not special, invalid UTF-8 is dropped, input past kMaxQueryBytes and
// groups past kMaxQueryTerms words are dropped. An empty result means "nothing to search for".
std::vector<QueryGroup> ParseSearchQuery(std::string_view text);
// The groups as a submitted search reads them: whole words, the last word no longer a prefix
// (a single CJK character stays the start of its pairs). `changed` says whether one was.
std::vector<QueryGroup> WholeWords(std::vector<QueryGroup> groups, bool* changed = nullptr);

// A passage of `text` around the first word that matches the query (up to `span` words), as
// HTML: the text escaped, the matching words inside <mark>…</mark>, "…" where it is cut. Empty
// when no word of `text` matches. (The theme's search.js makes the same passages.)
std::string SnippetHtml(std::string_view text, const std::vector<QueryGroup>& groups,
                        size_t span = 24);

// A search as a reader asks it. Only what this reader may read is searched: published articles
// (not drafts, not dated after `now`).
struct SearchQuery {
  std::string text;
  std::string section;  // "reviews", "page" for pages, kPodcastsKind for episodes; empty: all
  std::vector<std::string> exclude_sections;  // sections never listed ("collections")
  std::string author;                         // an author id; empty: any
  int64_t date_from = 0, date_to = 0;         // [from, to) in Unix seconds; 0: open
  bool restrict_ids = false;                  // only the articles in `ids` (a festival edition)
  std::vector<int64_t> ids;
  int64_t now = 0;  // what is published: date <= now
  size_t offset = 0;
  size_t limit = 10;
  bool snippets = true;  // false for suggestions: titles only, faster
  bool count = true;     // false: `total` is not counted (suggestions), faster
  // The reader is still typing (suggestions): the last word is the start of longer ones. A
  // submitted search looks for whole words, and takes the last word as the start of longer ones
  // only when no article has it whole ("kiesl" finds Kieślowski; "with" does not find "within").
  bool typing = false;
};

// An article's body and dek as the plain text search indexes (ContentStore::PrepareSearchText).
struct SearchText {
  std::string body, dek;
  // What an engine analyses ahead with the text (on the import's every core) so that its write
  // does not analyse it again: the words of `body` and of `dek` (SQLite: AnalysedWords,
  // store/sqlite_search.h). Empty: not made.
  std::string body_words, dek_words;
};

// The kind filter's value for podcast episodes (SearchQuery::section). No section of articles
// can have the name: its pages would be at /podcasts/, which the podcasts' pages own.
inline constexpr std::string_view kPodcastsKind = "podcasts";

struct SearchHit {
  int64_t article_id = 0;  // for an episode, the index's own id for it
  bool is_page = false;
  std::string section, slug, title;
  int64_t date = 0;
  std::string film_title;  // the film it is about, if any
  // A podcast episode (not an article) when `show` is set: its show's key and title, its
  // season and number (0: none); `slug` is the episode's (/podcasts/{show}/{slug}/).
  std::string show, show_title;
  int season = 0, episode = 0;
  // A passage around the match: text escaped for HTML, matches inside <mark>…</mark>.
  std::string snippet_html;
};

struct SearchResults {
  std::vector<SearchHit> hits;
  size_t total = 0;              // matches in all (up to kMaxCounted)
  bool more_than_total = false;  // there are more than kMaxCounted
  static constexpr size_t kMaxCounted = 1000;
};

}  // namespace cinepress
