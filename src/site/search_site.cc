// Search in the site map: the search page, the store query for a live request, and the static
// index that the theme's script (assets/search.js) reads when no server answers, in the manner
// of Pagefind: a small manifest, chunks of the sorted word list with their postings, one file
// per filter, and one fragment per document with what a result shows. A query fetches the
// manifest, the one chunk that holds each word (a few for a short prefix) and the fragments of
// the results it shows.
//
// A fragment holds the document's whole text (the script checks phrases in it and shows a
// passage around the first match), so the fragments are most of the index, and the chunks of
// words most of the rest: both are written gzipped (doc/N.json.gz, words/N.json.gz, two and a
// half to three times smaller), and the script unpacks them with the browser's
// DecompressionStream (or reads them as they are, when a host sent them with Content-Encoding:
// gzip). The manifest and the filters, small, stay plain JSON.
//
// The words are made by the same analysis as the store's index (content/search.h), and the
// documents' text is the same plain text (the body's Markdown as text), so that the static and
// the live search find the same articles.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "content/search.h"
#include "core/gzip.h"
#include "core/parallel.h"
#include "core/text.h"
#include "render/html_text.h"
#include "render/markdown.h"
#include "site/search_hash.h"
#include "site/site.h"

namespace cinepress {

// FNV-1a, then MurmurHash3's finalizer: FNV-1a alone leaves a short word's high bits unmixed
// (every two-letter word of the 10,000-article corpus ranked among the smallest quarter of its
// words' hashes, so a new short word, a year, nearly always moved a chunk's boundary).
uint64_t SearchWordHash(std::string_view word) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : word) h = (h ^ c) * 1099511628211ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

struct StaticSearchIndex {
  std::string manifest;
  std::vector<std::string> filters;  // kFilterNames order
  std::vector<std::string> chunks;
  // Each chunk's ContentHash, and whether its text is in `chunks` (an index made from the last
  // build's holds only the chunks that changed: StaticIndexChunk reads back the others).
  std::vector<std::string> chunk_digests;
  std::vector<bool> chunk_made;
  std::vector<std::string> first_words;  // of each chunk that has words
  size_t words = 0;                      // distinct words
};

// The searchable text of a document, field by field, as the store's index has it.
struct DocText {
  std::string title, films, people, dek, meta, body;
};

namespace {

using nlohmann::json;

constexpr size_t kManifestRef = 0;
constexpr size_t kFilterRef = 1;
const char* const kFilterNames[] = {"kind", "year", "author", "edition"};
constexpr size_t kChunkRef = 16;
// The number of chunks must be known when the site is assembled, before any body is read: it is
// estimated from the articles' word counts, for chunks of about 20 KB on average on a typical
// archive (their sizes vary: they start at words of smallest hash, ChunkStarts).
constexpr size_t kWordsPerChunk = 12000;
constexpr size_t kMaxChunks = 4096;

// How many chunks for about `words` words: words / kWordsPerChunk, taken down to a step of a
// ladder that climbs by a fifth (1, 2, … 10, 12, 14, 16, 19, 22, 26 … 1333, 1599, 1918 …). The
// chunks are numbered in word order, so a build with one chunk more than the last numbers most
// of them anew and writes them all again: on the ladder, the count changes only when the
// archive has grown (or shrunk) by a fifth, not whenever an article is added or lengthened.
size_t SearchChunksFor(size_t words) {
  const size_t wanted = std::clamp<size_t>(words / kWordsPerChunk, 1, kMaxChunks);
  size_t chunks = 1;
  for (size_t next = 2; next <= wanted; next = std::max(next + 1, next * 6 / 5)) chunks = next;
  return chunks;
}
// The compression level of the fragments and chunks (core/gzip.h, libdeflate). On the
// 10,000-article corpus's 134 MB of fragments and chunks, on one core: level 1 1.3 s and 46.3 MB,
// 3 1.7 s and 44.6 MB, 6 2.4 s and 43.6 MB (zlib, before: level 3 3.1 s and 46.9 MB).
constexpr int kFragmentGzipLevel = 1;
// How much a word counts where it stands: in the title or the film's titles most, in the body
// once per use (up to a point).
constexpr uint32_t kTitleWeight = 12, kFilmWeight = 10, kPeopleWeight = 4, kDekWeight = 2,
                   kMetaWeight = 2, kMaxBodyWeight = 8;

DocText TextOf(const Article& a, const std::string& dek_text, std::string body_text,
               const std::unordered_map<std::string, Author>& authors) {
  std::vector<std::string> names;
  for (const std::string& id : a.author_ids) {
    auto it = authors.find(id);
    names.push_back(it == authors.end() ? id : it->second.name);
  }
  SearchFields f = SearchFieldsOf(a, names);
  DocText t;
  t.title = a.title;
  t.films = Join(f.films, " · ");
  t.people = Join(f.people, " · ");
  t.meta = Join(f.meta, " · ");
  t.dek = dek_text;
  t.body = std::move(body_text);
  return t;
}

std::string Utf8Prefix(const std::string& s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// A document's words and their weights: a field's weight once for each field a word is in, and
// one per use in the body up to kMaxBodyWeight. In no particular order. (Every word of every
// document passes through here: the words are kept one after another in one string and found
// by an open-addressed table of their hashes, with no allocation per word.)
std::vector<std::pair<std::string, uint32_t>> DocWeights(const DocText& t) {
  struct Slot {
    uint64_t hash = 0;
    uint32_t at = 0, size = 0;                 // the word in `text`; size 0: an empty slot
    uint32_t weight = 0, uses = 0, field = 0;  // `field`: the last field that counted it
  };
  std::string text;  // the distinct words, one after another
  text.reserve(t.body.size() / 2 + 1024);
  std::vector<Slot> slots(1024);
  size_t used = 0;
  auto slot_of = [&](std::string_view w) -> Slot& {
    const uint64_t h = std::hash<std::string_view>{}(w);
    size_t mask = slots.size() - 1;
    size_t i = h & mask;
    while (slots[i].size != 0) {
      const Slot& s = slots[i];
      if (s.hash == h && s.size == w.size() && std::string_view(text).substr(s.at, s.size) == w)
        return slots[i];
      i = (i + 1) & mask;
    }
    if (2 * (used + 1) > slots.size()) {  // at most half full: grow, and place the word again
      std::vector<Slot> old(slots.size() * 2);
      old.swap(slots);
      mask = slots.size() - 1;
      for (const Slot& s : old) {
        if (s.size == 0) continue;
        size_t j = s.hash & mask;
        while (slots[j].size != 0) j = (j + 1) & mask;
        slots[j] = s;
      }
      i = h & mask;
      while (slots[i].size != 0) i = (i + 1) & mask;
    }
    ++used;
    Slot& s = slots[i];
    s.hash = h;
    s.at = static_cast<uint32_t>(text.size());
    s.size = static_cast<uint32_t>(w.size());
    text += w;
    return s;
  };
  uint32_t field = 0;
  for (const auto& [field_text, weight] :
       {std::pair<const std::string*, uint32_t>{&t.title, kTitleWeight},
        {&t.films, kFilmWeight},
        {&t.people, kPeopleWeight},
        {&t.dek, kDekWeight},
        {&t.meta, kMetaWeight}}) {
    ++field;
    const uint32_t field_weight = weight;
    ForEachSearchWord(*field_text, [&](std::string_view w, size_t, size_t) {
      if (w.empty()) return;
      Slot& c = slot_of(w);
      if (c.field == field) return;
      c.field = field;
      c.weight += field_weight;
    });
  }
  ForEachSearchWord(t.body, [&](std::string_view w, size_t, size_t) {
    if (w.empty()) return;
    Slot& c = slot_of(w);
    if (c.uses < kMaxBodyWeight) {
      ++c.uses;
      ++c.weight;
    }
  });
  std::vector<std::pair<std::string, uint32_t>> out;
  out.reserve(used);
  for (const Slot& s : slots) {
    if (s.size != 0) out.emplace_back(text.substr(s.at, s.size), s.weight);
  }
  return out;
}

// Words looked up as they are read, without making a string of each.
struct WordHash {
  using is_transparent = void;
  size_t operator()(std::string_view w) const { return std::hash<std::string_view>{}(w); }
};

// A word of a line of Site::SearchWords' text: "\tword weight".
void AppendKeptWord(std::string& line, std::string_view w, uint32_t weight) {
  char digits[10];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, weight);
  line += '\t';
  line += w;
  line += ' ';
  line.append(digits, end);
}

// The words of a line of Site::SearchWords' text (after its digest): "\tword weight" each.
void ForEachKeptWord(std::string_view line,
                     const std::function<void(std::string_view, uint32_t)>& emit) {
  while (!line.empty()) {
    line.remove_prefix(1);  // the tab
    size_t space = line.find(' ');
    size_t end = std::min(line.find('\t'), line.size());
    if (space >= end) return;
    uint32_t weight = 0;
    for (char c : line.substr(space + 1, end - space - 1)) weight = weight * 10 + (c - '0');
    emit(line.substr(0, space), weight);
    line.remove_prefix(end);
  }
}

// The whole line of UseSearchWords' text whose digest and words these are (views into it, one
// after the other): "digest\twords…\n".
std::string_view LineOf(std::string_view digest, std::string_view words) {
  return {digest.data(), static_cast<size_t>(words.data() + words.size() - digest.data()) + 1};
}

// `piece` after `pieces`: a piece that starts where the last ends (the next of the last build's
// lines) lengthens it, so that a run of lines is written as one.
void AppendPiece(std::vector<std::string_view>& pieces, std::string_view piece) {
  std::string_view& last = pieces.back();
  if (!last.empty() && last.data() + last.size() == piece.data()) {
    last = std::string_view(last.data(), last.size() + piece.size());
  } else {
    pieces.push_back(piece);
  }
}

// Where the chunks of the sorted word list start: at the first word and at the `chunks - 1`
// other words of smallest hash. A function of the set of words alone, so that a change to some
// words' postings changes the chunks that hold them and no other (a build keeps the rest, not
// compressed or written again); a chunk's boundaries move only when a new word's hash is among
// the smallest (about `chunks` in the number of words).
std::vector<bool> ChunkStarts(const std::vector<std::pair<std::string, std::string>>& entries,
                              size_t chunks) {
  std::vector<bool> starts(entries.size(), false);
  if (entries.empty()) return starts;
  starts[0] = true;
  std::vector<std::pair<uint64_t, size_t>> hashes;  // ties: the earlier word
  hashes.reserve(entries.size() - 1);
  for (size_t i = 1; i < entries.size(); ++i)
    hashes.emplace_back(SearchWordHash(entries[i].first), i);
  const size_t more = std::min(hashes.size(), chunks - 1);
  std::nth_element(hashes.begin(), hashes.begin() + static_cast<std::ptrdiff_t>(more),
                   hashes.end());
  for (size_t j = 0; j < more; ++j) starts[hashes[j].second] = true;
  return starts;
}

std::string EditionKey(const SiteFestival& f, const SiteEdition& e) {
  return f.slug + "-" + std::to_string(e.year);
}

}  // namespace

Status Site::AddSearchOutputs() {
  if (!config_.search || !theme_->HasTemplate("search")) return {};
  has_search_ = true;
  for (const SiteList& l : lists_) {
    if (l.kind == "archive-year") search_years_.push_back(l.heading);
    if (l.kind == "author" && l.author) search_writers_.push_back(l.author);
  }
  std::sort(search_years_.rbegin(), search_years_.rend());
  std::sort(search_writers_.begin(), search_writers_.end(),
            [](const Author* x, const Author* y) { return x->name < y->name; });
  size_t words = 0;
  for (const Article& a : articles_) words += a.word_count + 40;
  for (const Article& a : pages_) words += a.word_count + 40;
  for (const PodcastEpisode& e : episodes_) words += e.transcript_text.size() / 6 + 40;
  search_chunks_ = SearchChunksFor(words);
  if (auto s = AddOutput(OutputKind::kSearch, "/search/", 0, 1, "the search page"); !s) return s;
  auto add = [&](const std::string& url, OutputKind kind, size_t ref) {
    return AddOutput(kind, url, ref, 1, "the search index");
  };
  if (auto s = add("/search/index/manifest.json", OutputKind::kSearchIndex, kManifestRef); !s)
    return s;
  for (size_t f = 0; f < std::size(kFilterNames); ++f) {
    std::string url = std::string("/search/index/filter/") + kFilterNames[f] + ".json";
    if (auto s = add(url, OutputKind::kSearchIndex, kFilterRef + f); !s) return s;
  }
  for (size_t k = 0; k < search_chunks_; ++k) {
    std::string url = "/search/index/words/" + std::to_string(k) + ".json.gz";
    if (auto s = add(url, OutputKind::kSearchIndex, kChunkRef + k); !s) return s;
  }
  for (size_t d = 0; d < SearchDocs(); ++d) {
    std::string url = "/search/index/doc/" + std::to_string(d) + ".json.gz";
    if (auto s = add(url, OutputKind::kSearchDoc, d); !s) return s;
  }
  return {};
}

SearchQuery Site::MakeSearchQuery(const SearchRequest& r, int64_t now) const {
  SearchQuery q;
  q.text = r.query;
  q.now = now;
  q.limit = kSearchPerPage;
  q.offset = static_cast<size_t>(std::max(1, r.page) - 1) * kSearchPerPage;
  q.exclude_sections = {"collections"};  // lists of their own, kept out of every list
  q.section = r.kind;
  q.author = r.author;
  if (r.year > 0 && r.year < 10000) {
    auto from = tz_.Parse(std::to_string(r.year) + "-01-01");
    auto to = tz_.Parse(std::to_string(r.year + 1) + "-01-01");
    if (from && to) {
      q.date_from = *from;
      q.date_to = *to;
    }
  }
  if (!r.edition.empty()) {
    q.restrict_ids = true;  // an edition this site does not have: nothing
    for (const SiteEdition& e : editions_) {
      if (EditionKey(festivals_[e.festival], e) != r.edition) continue;
      for (uint32_t i : e.articles) q.ids.push_back(articles_[i].id);
    }
  }
  return q;
}

std::string Site::SearchHitUrl(const SearchHit& hit) const {
  if (!hit.show.empty()) return "/podcasts/" + hit.show + "/" + hit.slug + "/";
  Article a;
  a.kind = hit.is_page ? ArticleKind::kPage : ArticleKind::kArticle;
  a.section = hit.section;
  a.slug = hit.slug;
  a.date = hit.date;
  return ArticleUrl(a);
}

std::string Site::SearchHitKind(const SearchHit& hit) const {
  if (!hit.show.empty()) {
    const std::string number = EpisodeNumberText(hit.season, hit.episode);
    return number.empty() ? hit.show_title : hit.show_title + " · " + number;
  }
  if (hit.is_page) return "Page";
  auto sec = sections_.find(hit.section);
  return sec != sections_.end() ? sec->second.title : hit.section;
}

size_t Site::SearchDocs() const { return articles_.size() + pages_.size() + episodes_.size(); }

DocText Site::SearchDocText(size_t d, std::string body) const {
  if (d < articles_.size() + pages_.size()) {
    const Article& a = Doc(d);
    return TextOf(a, d >= articles_.size() ? MarkdownToText(a.dek) : DekText(d), std::move(body),
                  authors_);
  }
  // An episode: its show notes, and its transcript when everyone may hear it (the static index
  // is public; a restricted episode's page shows its notes, never its transcript).
  const size_t e = d - articles_.size() - pages_.size();
  const PodcastEpisode& ep = episodes_[e];
  SearchFields f = SearchFieldsOf(ep, shows_[episode_show_[e]].title);
  DocText t;
  t.title = ep.title;
  t.films = Join(f.films, " · ");
  t.people = Join(f.people, " · ");
  t.meta = Join(f.meta, " · ");
  t.dek = ep.summary;
  t.body = MarkdownToText(ep.notes_markdown);
  if (!episode_access_[e].restricted() && !ep.transcript_text.empty()) {
    t.body += "\n" + ep.transcript_text;
  }
  return t;
}

const Article& Site::Doc(size_t d) const {
  return d >= articles_.size() ? pages_[d - articles_.size()] : articles_[d];
}

const AccessRule& Site::DocAccess(size_t d) const {
  return d >= articles_.size() ? page_access_[d - articles_.size()] : access_[d];
}

const AccessRule* Site::AccessOfStored(int64_t article_id) const {
  auto it = doc_by_id_.find(article_id);
  return it == doc_by_id_.end() ? nullptr : &DocAccess(it->second);
}

Result<std::string> Site::SearchBodyText(ContentStore* store, const Article& a,
                                         const AccessRule& access) const {
  if (access.restricted()) {
    // The static index is public: it holds only the part everyone may read.
    std::string source = a.body_markdown;
    if (source.empty()) {
      auto loaded = store->LoadBody(a.id);
      if (!loaded) return loaded.error();
      source = std::move(*loaded);
    }
    PaywallCut cut =
        CutForPaywall(source, a.body_format == BodyFormat::kHtml, config_.members.free_paragraphs);
    return BodyToText(cut.free, a.body_format);
  }
  // The text the store's full-text index holds (made when the article was saved), or, for an
  // article that is not stored (a site assembled in memory), made here.
  if (a.id != 0) {
    auto t = store->LoadSearchText(a.id);
    if (!t) return t.error();
    if (!t->body.empty() || a.body_markdown.empty()) return std::move(t->body);
  }
  return BodyToText(a.body_markdown, a.body_format);  // Markdown, or HTML (WordPress imports)
}

namespace {

// A word's entry in its chunk, "word":[doc, weight, doc, weight…] with documents as differences.
std::string EntryOf(const std::string& w, const std::vector<std::pair<uint32_t, uint32_t>>& list) {
  std::string e = json(w).dump() + ":[";
  uint32_t prev = 0;
  for (size_t k = 0; k < list.size(); ++k) {
    if (k) e += ',';
    e += std::to_string(list[k].first - prev) + "," + std::to_string(list[k].second);
    prev = list[k].first;
  }
  e += ']';
  return e;
}

std::string ManifestOf(size_t documents, const std::vector<std::string>& first_words) {
  json chunk_list = json::array();
  for (size_t k = 0; k < first_words.size(); ++k) {
    chunk_list.push_back(json::array({first_words[k], k}));
  }
  json manifest = {
      {"version", 1}, {"documents", documents}, {"chunks", chunk_list}, {"filters", json::array()}};
  for (const char* f : kFilterNames) manifest["filters"].push_back(f);
  return manifest.dump();
}

// What SearchWords' text says of the index first (what UseSearchWords reads back): "index
// DOCUMENTS CHUNKS WORDS", then each chunk's digest and first word.
std::string IndexHeaderOf(const StaticSearchIndex& index, size_t documents) {
  std::string out = "index " + std::to_string(documents) + " " +
                    std::to_string(index.chunks.size()) + " " + std::to_string(index.words) + "\n";
  for (size_t k = 0; k < index.chunks.size(); ++k) {
    out += index.chunk_digests[k];
    out += '\t';
    if (k < index.first_words.size()) out += index.first_words[k];
    out += '\n';
  }
  return out;
}

// A posting list read back from a chunk's JSON (documents as differences); false when it is not
// one.
bool DecodePostings(const json& a, std::vector<std::pair<uint32_t, uint32_t>>& list) {
  list.clear();
  if (!a.is_array() || a.size() % 2 != 0) return false;
  uint32_t doc = 0;
  for (size_t j = 0; j < a.size(); j += 2) {
    if (!a[j].is_number_unsigned() || !a[j + 1].is_number_unsigned()) return false;
    doc += a[j].get<uint32_t>();
    list.emplace_back(doc, a[j + 1].get<uint32_t>());
  }
  return true;
}

// At most this many changed documents are applied to the last build's index; more, and the
// index is made whole (as fast, and simpler).
constexpr size_t kMaxChangedDocs = 200;

}  // namespace

// The last build's index as its SearchWords text tells it (views into search_words_in_).
struct KeptSearchIndex {
  size_t words = 0;  // distinct words
  std::vector<std::string> chunk_digests, first_words;
  std::vector<std::string_view> doc_digests, doc_words;  // in document order
};

std::vector<std::string> Site::SearchFilterTexts() const {
  json filters[std::size(kFilterNames)];
  for (json& f : filters) f = json::object();
  const size_t articles_and_pages = articles_.size() + pages_.size();
  for (size_t k = 0; k < SearchDocs(); ++k) {
    const auto d = static_cast<uint32_t>(k);
    if (d >= articles_and_pages) {  // an episode: a kind of its own, no writer or edition
      const PodcastEpisode& e = episodes_[d - articles_and_pages];
      filters[0][std::string(kPodcastsKind)].push_back(d);
      filters[1][std::to_string(tz_.YearMonth(e.date).first)].push_back(d);
      continue;
    }
    const bool page = d >= articles_.size();
    const Article& a = Doc(d);
    filters[0][page ? "page" : a.section].push_back(d);
    if (page) continue;
    filters[1][std::to_string(tz_.YearMonth(a.date).first)].push_back(d);
    for (const std::string& id : a.author_ids) filters[2][id].push_back(d);
    for (uint32_t e : editions_of_article_[d]) {
      filters[3][EditionKey(festivals_[editions_[e].festival], editions_[e])].push_back(d);
    }
  }
  std::vector<std::string> out;
  for (json& f : filters) out.push_back(f.dump());
  return out;
}

Result<std::shared_ptr<const StaticSearchIndex>> Site::StaticIndex(ContentStore* store) const {
  std::lock_guard lock(search_mu_);
  if (search_index_) return search_index_;
  auto changed = ChangedStaticIndex(store);
  if (!changed) return changed.error();
  if (*changed) {
    search_index_ = std::move(*changed);
    return search_index_;
  }
  // A build that keeps the words (not `serve`).
  auto whole = WholeStaticIndex(store, search_words_wanted_);
  if (!whole) return whole.error();
  search_index_ = std::move(*whole);
  search_index_mode_ = "whole";
  return search_index_;
}

Result<std::shared_ptr<const StaticSearchIndex>> Site::WholeStaticIndex(ContentStore* store,
                                                                        bool keep_words) const {
  const size_t n = SearchDocs();
  const size_t articles_and_pages = articles_.size() + pages_.size();

  // Postings: word -> (document, weight), documents in order (the words sorted at the end).
  std::unordered_map<std::string, std::vector<std::pair<uint32_t, uint32_t>>, WordHash,
                     std::equal_to<>>
      postings;
  // Documents' words on every core, a batch at a time (to bound the memory), then merged in
  // document order.
  constexpr size_t kBatch = 512;
  // A document's words: from the last build's (a line of UseSearchWords' text) or made now.
  struct Words {
    std::string digest;
    std::optional<std::string_view> kept;
    std::string_view kept_line;  // "digest\twords…\n", of UseSearchWords' text
    std::vector<std::pair<std::string, uint32_t>> made;
  };
  std::vector<Words> batch(kBatch);
  std::vector<std::string> bodies(kBatch);
  // This build's words of each document (SearchWords): a line kept is a view into the text given,
  // a line made is kept in search_words_made_; the header, first, is made last.
  if (keep_words) {
    search_words_made_.assign(1, std::string());
    search_words_out_.assign(1, std::string_view());
  }
  for (size_t first = 0; first < n; first += kBatch) {
    const size_t count = std::min(kBatch, n - first);
    for (size_t k = 0; k < count; ++k) {  // the store's connection is this thread's
      Words& w = batch[k];
      w.digest = FingerprintBesideFigures(Output{OutputKind::kSearchDoc, {}, first + k, 1});
      auto kept = search_words_.find(w.digest);
      w.kept.reset();
      if (kept != search_words_.end()) {
        w.kept = kept->second;
        w.kept_line = LineOf(kept->first, kept->second);
      }
      if (w.kept || first + k >= articles_and_pages) continue;  // an episode: in the site map
      auto text = SearchBodyText(store, Doc(first + k), DocAccess(first + k));
      if (!text) return text.error();
      bodies[k] = std::move(*text);
    }
    ParallelFor(count, DefaultThreads(), nullptr, [&](unsigned, size_t k) {
      if (!batch[k].kept)
        batch[k].made = DocWeights(SearchDocText(first + k, std::move(bodies[k])));
    });
    for (size_t k = 0; k < count; ++k) {
      const auto d = static_cast<uint32_t>(first + k);
      auto post = [&](std::string_view w, uint32_t weight) {
        auto it = postings.find(w);
        if (it == postings.end()) it = postings.try_emplace(std::string(w)).first;
        it->second.emplace_back(d, weight);
      };
      if (batch[k].kept) {
        ForEachKeptWord(*batch[k].kept, post);
        if (keep_words) AppendPiece(search_words_out_, batch[k].kept_line);
      } else {
        std::string line = keep_words ? batch[k].digest : std::string();
        for (const auto& [w, weight] : batch[k].made) {
          post(w, weight);
          if (keep_words) AppendKeptWord(line, w, weight);
        }
        if (keep_words) {
          search_words_made_.push_back(std::move(line) + '\n');
          AppendPiece(search_words_out_, search_words_made_.back());
        }
      }
      batch[k].made.clear();
    }
  }
  std::vector<const decltype(postings)::value_type*> sorted;
  sorted.reserve(postings.size());
  for (const auto& entry : postings) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* x, const auto* y) { return x->first < y->first; });

  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(sorted.size());
  for (const auto* entry : sorted)
    entries.emplace_back(entry->first, EntryOf(entry->first, entry->second));
  auto index = std::make_shared<StaticSearchIndex>();
  index->chunks.assign(search_chunks_, "{}");
  const std::vector<bool> starts = ChunkStarts(entries, search_chunks_);
  size_t k = 0;
  std::string body;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (starts[i]) {
      if (!body.empty()) index->chunks[k++] = "{" + body + "}";
      body.clear();
      index->first_words.push_back(entries[i].first);
    } else {
      body += ',';
    }
    body += entries[i].second;
  }
  if (!body.empty()) index->chunks[k] = "{" + body + "}";
  index->words = entries.size();
  index->chunk_made.assign(index->chunks.size(), true);
  index->chunk_digests.resize(index->chunks.size());
  ParallelFor(index->chunks.size(), DefaultThreads(), nullptr,
              [&](unsigned, size_t c) { index->chunk_digests[c] = ContentHash(index->chunks[c]); });
  index->manifest = ManifestOf(n, index->first_words);
  index->filters = SearchFilterTexts();
  if (keep_words) {
    search_words_made_[0] = IndexHeaderOf(*index, n);
    search_words_out_[0] = search_words_made_[0];
  }
  return std::shared_ptr<const StaticSearchIndex>(std::move(index));
}

Result<std::shared_ptr<const StaticSearchIndex>> Site::ChangedStaticIndex(
    ContentStore* store) const {
  const KeptSearchIndex* kept = search_kept_.get();
  const size_t n = SearchDocs();
  const size_t chunks = search_chunks_;
  if (!kept || !search_previous_chunk_ || kept->doc_digests.size() != n ||
      kept->chunk_digests.size() != chunks || kept->first_words.size() != chunks ||
      kept->words <= chunks) {
    return std::shared_ptr<const StaticSearchIndex>();
  }
  const std::shared_ptr<const StaticSearchIndex> none;
  // The documents whose digest is not the last build's at their place.
  std::vector<std::string> digests(n);
  std::vector<uint32_t> changed;
  for (size_t d = 0; d < n; ++d) {
    digests[d] = FingerprintBesideFigures(Output{OutputKind::kSearchDoc, {}, d, 1});
    if (digests[d] == kept->doc_digests[d]) continue;
    changed.push_back(static_cast<uint32_t>(d));
    if (changed.size() > kMaxChangedDocs) return none;
  }
  // Their words now: kept under their digest by an earlier build, or made here.
  std::vector<std::string> made(changed.size());
  std::vector<std::string_view> now(changed.size());
  for (size_t i = 0; i < changed.size(); ++i) {
    const uint32_t d = changed[i];
    if (auto it = search_words_.find(digests[d]); it != search_words_.end()) {
      now[i] = it->second;
      continue;
    }
    std::string body;
    if (d < articles_.size() + pages_.size()) {
      auto text = SearchBodyText(store, Doc(d), DocAccess(d));
      if (!text) return text.error();
      body = std::move(*text);
    }
    for (const auto& [w, weight] : DocWeights(SearchDocText(d, std::move(body)))) {
      AppendKeptWord(made[i], w, weight);
    }
    now[i] = made[i];
  }
  // The postings that change: word -> (document, its weight now; 0: no longer there).
  std::map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> changes;
  for (size_t i = 0; i < changed.size(); ++i) {
    const uint32_t d = changed[i];
    std::unordered_map<std::string_view, uint32_t> before, after;
    ForEachKeptWord(kept->doc_words[d],
                    [&](std::string_view w, uint32_t weight) { before[w] = weight; });
    ForEachKeptWord(now[i], [&](std::string_view w, uint32_t weight) { after[w] = weight; });
    for (const auto& [w, weight] : before) {
      auto a = after.find(w);
      const uint32_t weight_now = a == after.end() ? 0 : a->second;
      if (weight_now != weight) changes[std::string(w)].emplace_back(d, weight_now);
    }
    for (const auto& [w, weight] : after) {
      if (!before.count(w)) changes[std::string(w)].emplace_back(d, weight);
    }
  }
  // Each changed word's chunk: the last whose first word is not after it. A word that comes or
  // goes must not be one of the chunks' starts (ChunkStarts: the words of smallest hash).
  const std::vector<std::string>& firsts = kept->first_words;
  uint64_t threshold = 0;  // the largest hash of a chunk's first word but the first chunk's
  for (size_t k = 1; k < chunks; ++k) threshold = std::max(threshold, SearchWordHash(firsts[k]));
  std::map<size_t, std::vector<decltype(changes)::const_iterator>> by_chunk;
  for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
    if (it->first < firsts[0]) return none;  // a new first word
    const auto k = static_cast<size_t>(std::upper_bound(firsts.begin(), firsts.end(), it->first) -
                                       firsts.begin() - 1);
    by_chunk[k].push_back(it);
  }
  auto index = std::make_shared<StaticSearchIndex>();
  index->chunks.assign(chunks, "");
  index->chunk_made.assign(chunks, false);
  index->chunk_digests = kept->chunk_digests;
  index->first_words = firsts;
  size_t words = kept->words;
  std::vector<std::pair<uint32_t, uint32_t>> list;
  for (const auto& [k, word_changes] : by_chunk) {
    auto text = search_previous_chunk_(k);
    if (!text || ContentHash(*text) != kept->chunk_digests[k]) return none;
    json chunk = json::parse(*text, nullptr, false);
    if (!chunk.is_object()) return none;
    for (auto it : word_changes) {
      const std::string& w = it->first;
      auto entry = chunk.find(w);
      const bool was = entry != chunk.end();
      list.clear();
      if (was && !DecodePostings(*entry, list)) return none;
      for (const auto& [d, weight] : it->second) {
        std::erase_if(list, [d = d](const auto& p) { return p.first == d; });
        if (weight) list.emplace_back(d, weight);
      }
      std::sort(list.begin(), list.end());
      const bool is = !list.empty();
      if (was != is) {
        if (w == firsts[k] || (chunks > 1 && SearchWordHash(w) <= threshold)) return none;
        words = is ? words + 1 : words - 1;
      }
      if (!is) {
        chunk.erase(w);
        continue;
      }
      json deltas = json::array();
      uint32_t prev = 0;
      for (const auto& [d, weight] : list) {
        deltas.push_back(d - prev);
        deltas.push_back(weight);
        prev = d;
      }
      chunk[w] = std::move(deltas);
    }
    std::string body;
    for (const auto& [w, postings] : chunk.items()) {
      if (!DecodePostings(postings, list)) return none;
      if (!body.empty()) body += ',';
      body += EntryOf(w, list);
    }
    index->chunks[k] = "{" + body + "}";
    index->chunk_digests[k] = ContentHash(index->chunks[k]);
    index->chunk_made[k] = true;
  }
  if (words <= chunks) return none;
  index->words = words;
  index->manifest = ManifestOf(n, firsts);
  index->filters = SearchFilterTexts();
  if (search_words_wanted_) {
    // This build's text: the new header, then the last build's lines (views into its text), a
    // changed document's line made anew in its place.
    search_words_made_.assign(1, IndexHeaderOf(*index, n));
    for (size_t i = 0; i < changed.size(); ++i) {
      search_words_made_.push_back(digests[changed[i]] + std::string(now[i]) + "\n");
    }
    search_words_out_.assign(1, search_words_made_[0]);
    size_t i = 0;
    for (size_t d = 0; d < n; ++d) {
      AppendPiece(search_words_out_, i < changed.size() && changed[i] == d
                                         ? search_words_made_[++i]
                                         : LineOf(kept->doc_digests[d], kept->doc_words[d]));
    }
  }
  search_index_mode_ = "changed documents: " + std::to_string(changed.size());
  return std::shared_ptr<const StaticSearchIndex>(std::move(index));
}

Result<std::string> Site::StaticIndexChunk(ContentStore* store, size_t k) const {
  std::lock_guard lock(search_mu_);
  const StaticSearchIndex& index = *search_index_;
  if (index.chunk_made.at(k)) return index.chunks[k];
  if (search_previous_chunk_) {
    auto text = search_previous_chunk_(k);
    if (text && ContentHash(*text) == index.chunk_digests[k]) return std::move(*text);
  }
  // The last build's chunk is not there as it was: the whole index has it.
  if (!search_whole_index_) {
    auto whole = WholeStaticIndex(store, false);
    if (!whole) return whole.error();
    search_whole_index_ = std::move(*whole);
  }
  return search_whole_index_->chunks.at(k);
}

void Site::UseSearchWords(std::string_view text, std::shared_ptr<const void> owner,
                          std::function<std::optional<std::string>(size_t)> previous_chunk) const {
  std::lock_guard lock(search_mu_);
  search_words_.clear();
  search_kept_.reset();
  search_words_wanted_ = true;
  search_previous_chunk_ = std::move(previous_chunk);
  search_words_in_ = text;
  search_words_owner_ = std::move(owner);
  std::string_view rest = search_words_in_;
  auto next_line = [&rest](std::string_view& line) {
    const size_t nl = rest.find('\n');
    if (nl == rest.npos) return false;  // a text cut short: its last line is not whole
    line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    return true;
  };
  auto kept = std::make_shared<KeptSearchIndex>();
  std::string_view line;
  size_t documents = 0, chunks = 0;
  bool whole = false;
  if (rest.starts_with("index ") && next_line(line)) {
    unsigned long long n[3] = {0, 0, 0};
    whole =
        std::sscanf(std::string(line).c_str(), "index %llu %llu %llu", &n[0], &n[1], &n[2]) == 3;
    documents = n[0];
    chunks = n[1];
    kept->words = n[2];
    for (size_t k = 0; whole && k < chunks; ++k) {
      whole = next_line(line);
      const size_t tab = line.find('\t');
      if (!whole || tab == line.npos) {
        whole = false;
        break;
      }
      kept->chunk_digests.emplace_back(line.substr(0, tab));
      if (tab + 1 < line.size()) kept->first_words.emplace_back(line.substr(tab + 1));
    }
  }
  while (next_line(line)) {
    const size_t tab = std::min(line.find('\t'), line.size());
    if (tab == 0) continue;
    search_words_.emplace(line.substr(0, tab), line.substr(tab));
    kept->doc_digests.push_back(line.substr(0, tab));
    kept->doc_words.push_back(line.substr(tab));
  }
  if (whole && kept->doc_digests.size() == documents) search_kept_ = std::move(kept);
}

Status Site::MakeStaticIndex(ContentStore* store) const {
  if (!has_search_) return {};
  auto index = StaticIndex(store);
  if (!index) return index.error();
  return {};
}

std::string Site::MadeIndexPieceDigest(size_t ref) const {
  std::lock_guard lock(search_mu_);
  if (!search_index_) return "";
  const StaticSearchIndex& index = *search_index_;
  if (ref == kManifestRef) return ContentHash(index.manifest);
  if (ref >= kChunkRef) return index.chunk_digests.at(ref - kChunkRef);
  return ContentHash(index.filters.at(ref - kFilterRef));
}

std::vector<std::string_view> Site::SearchWords() const {
  std::lock_guard lock(search_mu_);
  if (!search_index_) return {};
  // Nothing to keep when the text is the one given (nothing changed).
  size_t at = 0;
  bool same = true;
  for (std::string_view piece : search_words_out_) {
    // A piece that is the given text at its own place is the same without reading its bytes.
    same = same && at + piece.size() <= search_words_in_.size() &&
           (piece.data() == search_words_in_.data() + at ||
            search_words_in_.compare(at, piece.size(), piece) == 0);
    at += piece.size();
  }
  if (same && at == search_words_in_.size()) return {};
  return search_words_out_;
}

std::string Site::StaticIndexMode() const {
  std::lock_guard lock(search_mu_);
  return search_index_mode_;
}

Result<std::string> SiteRenderer::RenderSearchIndex(size_t ref) {
  auto index = site_->StaticIndex(store_);
  if (!index) return index.error();
  if (ref == kManifestRef) return (*index)->manifest;
  if (ref >= kChunkRef) {
    auto text = site_->StaticIndexChunk(store_, ref - kChunkRef);
    if (!text) return text.error();
    auto packed = Gzip(*text, kFragmentGzipLevel);
    if (!packed) return MakeError(ErrorCode::kInternal, "could not compress a search index chunk");
    return std::move(*packed);
  }
  return (*index)->filters.at(ref - kFilterRef);
}

Result<std::string> SiteRenderer::RenderSearchDoc(size_t d) {
  const Site& s = *site_;
  // What a result shows besides the text: an article's or page's, or an episode's.
  std::string url, title, kind, film, source;
  int64_t date = 0;
  std::string body;
  if (d < s.articles_.size() + s.pages_.size()) {
    const bool page = d >= s.articles_.size();
    const Article& a = s.Doc(d);
    auto text = s.SearchBodyText(store_, a, s.DocAccess(d));
    if (!text) return text.error();
    body = std::move(*text);
    url = page ? s.ArticleUrl(a) : s.article_urls_[d];
    title = a.title;
    kind = page ? "Page" : s.sections_.at(a.section).title;
    film = a.film ? a.film->title : "";
    source = a.source_path;
    date = a.date;
  } else {
    const size_t e = d - s.articles_.size() - s.pages_.size();
    const PodcastEpisode& ep = s.episodes_[e];
    url = s.EpisodeUrl(e);
    title = ep.title;
    SearchHit hit;  // what the live search's result says it is, said the same way
    hit.show = ep.show;
    hit.show_title = s.shows_[s.episode_show_[e]].title;
    hit.season = ep.season;
    hit.episode = ep.episode;
    kind = s.SearchHitKind(hit);
    source = "content/podcasts/" + ep.show + "/" + ep.source;
    date = ep.date;
  }
  DocText t = s.SearchDocText(d, std::move(body));
  json doc = {{"url", url},
              {"title", title},
              {"kind", kind},
              {"date_iso", s.tz_.Iso(date)},
              {"date", s.tz_.Display(date)},
              {"film", film},
              {"films", t.films},
              {"people", t.people},
              {"dek", t.dek},
              {"meta", t.meta},
              // Enough of the body for a snippet and a phrase; the index has all of it.
              {"body", Utf8Prefix(t.body, 60000)}};
  auto packed = Gzip(doc.dump(-1, ' ', false, json::error_handler_t::replace), kFragmentGzipLevel);
  if (!packed)
    return MakeError(ErrorCode::kInternal, "could not compress the search fragment of " + source);
  return std::move(*packed);
}

Result<std::string> SiteRenderer::RenderSearch(const SearchRequest& r, const SearchResults* results,
                                               const ReaderRights& rights) {
  const Site& s = *site_;
  const bool asked = !Trim(r.query).empty();
  TemplateData d =
      PageData("/search/", asked ? "Search: " + r.query : "Search",
               "Search everything " + s.config_.title + " has published.", "is_search");
  TemplateData se;
  se.set("query", r.query);
  se.set("has_query", asked);
  se.set("live", results != nullptr);
  se.set("index_url", "/search/index/");
  se.set("per_page", std::to_string(Site::kSearchPerPage));
  auto option = [](const std::string& value, const std::string& label, bool selected) {
    TemplateData o;
    o.set("value", value);
    o.set("label", label);
    o.set("selected", selected);
    return o;
  };
  TemplateData kinds{TemplateData::type::list};
  for (const std::string& key : s.section_order_) {
    if (key == "collections") continue;
    kinds.push_back(option(key, s.sections_.at(key).title, r.kind == key));
  }
  if (!s.pages_.empty()) kinds.push_back(option("page", "Pages", r.kind == "page"));
  if (!s.episodes_.empty()) {
    const std::string podcasts(kPodcastsKind);
    kinds.push_back(option(podcasts, "Podcasts", r.kind == podcasts));
  }
  se["kinds"] = std::move(kinds);
  TemplateData years{TemplateData::type::list};
  const std::string year = std::to_string(r.year);
  for (const std::string& y : s.search_years_) years.push_back(option(y, y, year == y));
  se["years"] = std::move(years);
  TemplateData authors{TemplateData::type::list};
  for (const Author* a : s.search_writers_) {
    authors.push_back(option(a->id, a->name, r.author == a->id));
  }
  se["authors"] = std::move(authors);
  TemplateData editions{TemplateData::type::list};
  for (const SiteEdition& e : s.editions_) {
    if (e.articles.empty()) continue;
    const SiteFestival& f = s.festivals_[e.festival];
    std::string key = EditionKey(f, e);
    editions.push_back(
        option(key, (f.short_name.empty() ? f.name : f.short_name) + " " + std::to_string(e.year),
               r.edition == key));
  }
  se.set("has_editions", !editions.is_empty_list());
  se["editions"] = std::move(editions);
  se.set("has_filters", !r.kind.empty() || !r.author.empty() || !r.edition.empty() || r.year > 0);

  if (results && asked) {
    const size_t total = results->total;
    std::string count = results->more_than_total
                            ? "More than " + std::to_string(total) + " results"
                            : std::to_string(total) + (total == 1 ? " result" : " results");
    se.set("count_text", count);
    se.set("no_results", total == 0);
    TemplateData hits{TemplateData::type::list};
    for (const SearchHit& h : results->hits) {
      TemplateData x;
      x.set("url", s.SearchHitUrl(h));
      x.set("title", h.title);
      x.set("kind", s.SearchHitKind(h));
      x.set("date_iso", s.tz_.Iso(h.date));
      x.set("date_display", s.tz_.Display(h.date));
      SetIf(x, "film_title", h.film_title);
      // Matching on a locked part is fine; quoting it is not. A hit the reader may not read
      // whole shows its dek instead (an article this site map does not know yet: nothing).
      // An episode's passages are from what its public page shows (its transcript is indexed
      // only when everyone may hear it).
      const AccessRule* access = s.AccessOfStored(h.article_id);
      if (!h.show.empty() || (access && rights.Allows(*access))) {
        SetIf(x, "snippet_html", h.snippet_html);
      } else if (auto doc = s.doc_by_id_.find(h.article_id);
                 access && doc != s.doc_by_id_.end() && doc->second < s.articles_.size()) {
        SetIf(x, "snippet_html", HtmlEscape(s.DekText(doc->second)));
      }
      hits.push_back(x);
    }
    if (!hits.is_empty_list()) {
      se.set("has_results", true);
      se["results"] = std::move(hits);
    }
    const int pages = static_cast<int>(
        std::min<size_t>(100, (total + Site::kSearchPerPage - 1) / Site::kSearchPerPage));
    const int page_no = std::max(1, r.page);
    if (pages > 1) {
      std::string base = "/search/?q=" + PercentEncode(r.query);
      if (!r.kind.empty()) base += "&kind=" + PercentEncode(r.kind);
      if (r.year > 0) base += "&year=" + std::to_string(r.year);
      if (!r.author.empty()) base += "&author=" + PercentEncode(r.author);
      if (!r.edition.empty()) base += "&edition=" + PercentEncode(r.edition);
      auto url = [&](int p) { return p == 1 ? base : base + "&page=" + std::to_string(p); };
      se["pagination"] = PaginationData(page_no, pages, url);
    }
  }
  d["search"] = std::move(se);
  SetJsonLd(d, OutputKind::kSearch, 0);
  return theme_.Render("search", s.base_, d);
}

}  // namespace cinepress
