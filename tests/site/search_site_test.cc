// The search page and the static search index of a whole site: what the static build writes for
// the theme's script, and that nothing unpublished is in it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "app/app.h"
#include "content/search.h"
#include "core/gzip.h"
#include "site/search_hash.h"
#include "whole_site.h"

namespace cinepress::testing {
namespace {

using nlohmann::json;

const char* kConfig = R"(
title = "Reel Notes"
base_url = "https://reel.example"
language = "en"
timezone = "UTC"
paginate = 10

[[festivals]]
slug = "tiff"
name = "Toronto International Film Festival"
short_name = "TIFF"
tag = "TIFF{yy}"
)";

std::string Article(const std::string& title, const std::string& date, const std::string& body,
                    const std::string& extra = "") {
  return "---\ntitle: \"" + title + "\"\ndate: " + date + "\nauthor_id: ana\n" + extra + "---\n\n" +
         body + "\n";
}

std::map<std::string, std::string> Magazine() {
  return {
      {"data/authors.yaml", "ana:\n  name: \"Ana Lindqvist\"\n"},
      {"content/reviews/decalogue.md",
       Article("The Decalogue", "2021-01-05",
               "Krzysztof *Kieślowski* made ten films for television.",
               "tags: [\"TIFF21\"]\nfilm:\n  title: \"Dekalog\"\n  directors: [\"Krzysztof "
               "Kieślowski\"]\n  year: 1989\n")},
      {"content/reviews/tokyo.md",
       Article("東京物語", "2021-02-05", "小津安二郎の映画。A family visits Tokyo.")},
      {"content/essays/cleo.md",
       Article("On Cléo", "2022-03-05", "Agnès Varda and the long take <script>x</script>.")},
      {"content/reviews/draft.md",
       Article("Hidden", "2021-05-01", "The embargoed zeppelin verdict.", "draft: true\n")},
      {"content/reviews/later.md", Article("Coming", "2099-01-01", "A scheduled zeppelin review.")},
      {"content/about.md", "---\ntitle: \"About us\"\ndate: 2020-01-01\n---\n\nWho we are.\n"},
  };
}

class SearchSite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto built = BuildFromStrings(kConfig, Magazine(), 1893456000 /* 2030 */);
    ASSERT_TRUE(built.ok()) << built.error().ToString();
    site_ = new BuiltSite(std::move(*built));
    ASSERT_TRUE(site_->import_problems.empty()) << ::testing::PrintToString(site_->import_problems);
  }
  static void TearDownTestSuite() { delete site_; }
  // A file of the index as the script reads it: a fragment (.json.gz) unpacked.
  static std::string Text(const std::string& path) {
    auto it = site_->files.find(path);
    EXPECT_NE(it, site_->files.end()) << path;
    return it == site_->files.end() ? "" : FileText(path, it->second);
  }
  static json File(const std::string& path) {
    std::string text = Text(path);
    return text.empty() ? json() : json::parse(text);
  }
  static std::string Fragment(int doc) {
    return "search/index/doc/" + std::to_string(doc) + ".json.gz";
  }
  // What the theme's script does for one word: the manifest's chunk, then the word's postings.
  static std::set<int> DocsWith(const std::string& word) {
    json manifest = File("search/index/manifest.json");
    int chunk = -1;
    for (const auto& c : manifest["chunks"]) {
      if (c[0].get<std::string>() <= word) chunk = c[1].get<int>();
    }
    std::set<int> docs;
    if (chunk < 0) return docs;
    json words = File("search/index/words/" + std::to_string(chunk) + ".json.gz");
    if (!words.contains(word)) return docs;
    int d = 0;
    const auto& list = words[word];
    for (size_t k = 0; k + 1 < list.size(); k += 2) docs.insert(d += list[k].get<int>());
    return docs;
  }
  static std::string TitleOf(int doc) { return File(Fragment(doc))["title"]; }
  static BuiltSite* site_;
};
BuiltSite* SearchSite::site_ = nullptr;

TEST_F(SearchSite, EveryPageHasASearchBoxAndTheSearchPageWorksWithoutAServer) {
  for (const char* url : {"/", "/reviews/decalogue/", "/about/", "/search/"}) {
    std::string p = site_->Page(url);
    EXPECT_NE(p.find("/assets/search."), std::string::npos) << url;
    if (std::string(url) == "/search/") continue;
    EXPECT_NE(p.find("<form class=\"site-search\" action=\"/search/\" method=\"get\""),
              std::string::npos)
        << url;
  }
  std::string p = site_->Page("/search/");
  // One search box: its own, not the masthead's too (two, one above the other, on a phone).
  EXPECT_EQ(p.find("class=\"site-search\""), std::string::npos);
  EXPECT_NE(p.find("id=\"search-page-q\""), std::string::npos);
  EXPECT_NE(p.find("data-search-page"), std::string::npos);
  EXPECT_EQ(p.find("data-live"), std::string::npos);  // the static page: the script searches
  EXPECT_NE(p.find("data-index=\"/search/index/\""), std::string::npos);
  EXPECT_NE(p.find("<noscript>"), std::string::npos);
  // The filters offer what the site has.
  EXPECT_NE(p.find("<option value=\"reviews\">Reviews</option>"), std::string::npos);
  EXPECT_NE(p.find("<option value=\"page\">Pages</option>"), std::string::npos);
  EXPECT_NE(p.find("<option value=\"2021\">2021</option>"), std::string::npos);
  EXPECT_NE(p.find("<option value=\"ana\">Ana Lindqvist</option>"), std::string::npos);
  EXPECT_NE(p.find("<option value=\"tiff-2021\">TIFF 2021</option>"), std::string::npos);
  EXPECT_NE(p.find("SearchResultsPage"), std::string::npos);
  // The home page tells search engines where the search is.
  EXPECT_NE(site_->Page("/").find("search_term_string"), std::string::npos);
}

TEST_F(SearchSite, TheStaticIndexFindsFoldedWordsAndCjkPairs) {
  json manifest = File("search/index/manifest.json");
  ASSERT_TRUE(manifest.is_object());
  EXPECT_EQ(manifest["documents"], 4);  // three articles and a page: no draft, nothing scheduled
  ASSERT_EQ(DocsWith("kieslowski").size(), 1u);
  EXPECT_EQ(TitleOf(*DocsWith("kieslowski").begin()), "The Decalogue");
  ASSERT_EQ(DocsWith("dekalog").size(), 1u);  // the film's title
  ASSERT_EQ(DocsWith("cleo").size(), 1u);
  EXPECT_EQ(TitleOf(*DocsWith("cleo").begin()), "On Cléo");
  ASSERT_EQ(DocsWith("物語").size(), 1u);
  ASSERT_EQ(DocsWith("小津").size(), 1u);
  EXPECT_EQ(DocsWith("about").size(), 1u);
  // The text is what a reader sees: Markdown's marks are gone, HTML is text.
  json doc = File(Fragment(*DocsWith("agnes").begin()));
  EXPECT_EQ(doc["url"], "/essays/cleo/");
  EXPECT_EQ(doc["kind"], "Essays");
  EXPECT_NE(doc["body"].get<std::string>().find("Agnès Varda"), std::string::npos);
}

// A word's weight in a document: its fields' weights (title 12, film 10, people 4, dek and the
// rest 2), each once however often the word is in it, and one per use in the body.
TEST_F(SearchSite, WordsWeighTheFieldsTheyAreInOnceAndTheBodyPerUse) {
  auto weight = [](const std::string& word) {
    json manifest = File("search/index/manifest.json");
    int chunk = -1;
    for (const auto& c : manifest["chunks"]) {
      if (c[0].get<std::string>() <= word) chunk = c[1].get<int>();
    }
    json words = File("search/index/words/" + std::to_string(chunk) + ".json.gz");
    EXPECT_TRUE(words.contains(word)) << word;
    return words.contains(word) && words[word].size() == 2 ? words[word][1].get<int>() : -1;
  };
  EXPECT_EQ(weight("decalogue"), 12);      // the title
  EXPECT_EQ(weight("dekalog"), 10);        // the film's title
  EXPECT_EQ(weight("kieslowski"), 4 + 1);  // the director, and once in the body
  EXPECT_EQ(weight("television"), 1);      // the body, once
  EXPECT_EQ(weight("tiff21"), 2);          // a tag: the rest
}

// The next build takes an unchanged document's words from the last one (SearchWords, kept beside
// the published folder) rather than reading and analysing its body again.
TEST_F(SearchSite, TheNextBuildTakesUnchangedDocumentsWordsFromTheLastOne) {
  // Made only when asked for (a server does not keep them).
  EXPECT_TRUE(site_->site->SearchWords().empty());
  std::string words;
  auto rebuild = [&words](const std::string& given) {
    auto loaded = LoadSite(SiteFolder{site_->root}, 1893456000);
    EXPECT_TRUE(loaded.ok());
    if (!loaded) return std::map<std::string, std::string>();
    (*loaded)->UseSearchWords(given, nullptr);
    MemorySink sink;
    auto published = PublishSite(
        *loaded, sink, [] { return site_->OpenStore(); }, 2);
    EXPECT_TRUE(published.ok());
    words.clear();
    for (std::string_view piece : (*loaded)->SearchWords()) words += piece;
    return sink.files();
  };
  rebuild("");
  const std::string first = words;
  // What the index's chunks were, then a line per document.
  ASSERT_EQ(first.rfind("index 4 ", 0), 0u) << first.substr(0, 100);
  const size_t chunks = std::stoul(first.substr(std::strlen("index 4 ")));
  EXPECT_EQ(static_cast<size_t>(std::count(first.begin(), first.end(), '\n')), 1 + chunks + 4);
  const size_t at = first.find("\tdekalog 10");
  ASSERT_NE(at, std::string::npos) << first.substr(0, 300);
  auto index_has = [](const std::map<std::string, std::string>& files, const std::string& word) {
    for (const auto& [path, bytes] : files) {
      if (path.rfind("search/index/words/", 0) == 0 &&
          FileText(path, bytes).find("\"" + word + "\":") != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  // The same words: the same index, byte for byte.
  auto same = rebuild(first);
  EXPECT_EQ(words, "");  // the text given: nothing new to keep
  EXPECT_EQ(same.size(), site_->files.size());
  for (const auto& [path, bytes] : site_->files) {
    if (path.rfind("search/", 0) == 0) {
      EXPECT_EQ(same[path], bytes) << path;
    }
  }
  // A word that is not in the body, put in the kept line: the index has it, so the line was used.
  std::string edited = first;
  edited.replace(at, std::strlen("\tdekalog 10"), "\tzyzzyva 10");
  EXPECT_TRUE(index_has(rebuild(edited), "zyzzyva"));
  EXPECT_FALSE(index_has(rebuild(edited), "dekalog"));
  // The same line under another digest (another text): not used, the words are made again.
  std::string other = edited;
  const size_t line = other.rfind('\n', at);
  other[line == std::string::npos ? 0 : line + 1] ^= 1;
  auto remade = rebuild(other);
  EXPECT_TRUE(index_has(remade, "dekalog"));
  EXPECT_FALSE(index_has(remade, "zyzzyva"));
}

TEST_F(SearchSite, NothingUnpublishedIsInTheStaticIndex) {
  EXPECT_TRUE(DocsWith("zeppelin").empty());
  EXPECT_TRUE(DocsWith("embargoed").empty());
  EXPECT_TRUE(DocsWith("hidden").empty());
  for (const auto& [path, bytes] : site_->files) {
    if (path.rfind("search/", 0) != 0) continue;
    std::string text = Text(path);
    EXPECT_EQ(text.find("zeppelin"), std::string::npos) << path;
    EXPECT_EQ(text.find("embargoed"), std::string::npos) << path;
  }
  EXPECT_TRUE(site_->Has("/" + Fragment(3)));
  EXPECT_FALSE(site_->Has("/" + Fragment(4)));
}

TEST_F(SearchSite, ChunksAreGzippedAndTheManifestAndFiltersPlain) {
  json manifest = File("search/index/manifest.json");
  for (const auto& c : manifest["chunks"]) {
    const std::string& bytes = site_->files.at("search/index/words/" + c[1].dump() + ".json.gz");
    ASSERT_GE(bytes.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x1f);
  }
  EXPECT_EQ(site_->files.at("search/index/manifest.json")[0], '{');
  EXPECT_EQ(site_->files.at("search/index/filter/kind.json")[0], '{');
}

TEST_F(SearchSite, FragmentsAreGzippedWholeTexts) {
  // The fragments are most of the index: written gzipped, the whole text in each.
  for (int d = 0; d < 4; ++d) {
    const std::string& bytes = site_->files.at(Fragment(d));
    ASSERT_GE(bytes.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x1f) << d;
    EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 0x8b) << d;
    EXPECT_FALSE(site_->files.count("search/index/doc/" + std::to_string(d) + ".json")) << d;
  }
  json doc = File(Fragment(*DocsWith("kieslowski").begin()));
  EXPECT_EQ(doc["body"], "Krzysztof Kieślowski made ten films for television.");
  EXPECT_EQ(doc["films"], "Dekalog");
}

TEST_F(SearchSite, ChunksHoldSortedRangesOfWordsAndFiltersListDocuments) {
  json manifest = File("search/index/manifest.json");
  std::string previous;
  size_t words = 0;
  for (const auto& c : manifest["chunks"]) {
    json chunk = File("search/index/words/" + c[1].dump() + ".json.gz");
    ASSERT_TRUE(chunk.is_object());
    EXPECT_EQ(chunk.begin().key(), c[0].get<std::string>());
    for (const auto& [word, postings] : chunk.items()) {
      EXPECT_LT(previous, word);
      EXPECT_EQ(SearchWords(word), std::vector<std::string>{word}) << word;  // folded already
      previous = word;
      ++words;
    }
  }
  EXPECT_GT(words, 20u);
  json kinds = File("search/index/filter/kind.json");
  EXPECT_EQ(kinds["reviews"].size(), 2u);
  EXPECT_EQ(kinds["page"].size(), 1u);
  json editions = File("search/index/filter/edition.json");
  ASSERT_EQ(editions["tiff-2021"].size(), 1u);
  EXPECT_EQ(TitleOf(editions["tiff-2021"][0]), "The Decalogue");
}

// A body of `n` words of its own ("a0 a1 a2 …"): bodies long enough for several chunks of words.
std::string ManyWords(const std::string& prefix, int n) {
  std::string body;
  for (int i = 0; i < n; ++i) body += prefix + std::to_string(i) + (i % 20 == 19 ? ".\n" : " ");
  return body;
}

std::map<std::string, std::string> ChunkedMagazine(const std::string& extra) {
  return {{"data/authors.yaml", "ana:\n  name: \"Ana Lindqvist\"\n"},
          {"content/reviews/a.md", Article("Alpha", "2021-01-05", ManyWords("a", 15000))},
          {"content/reviews/b.md", Article("Beta", "2021-02-05", ManyWords("b", 15000) + extra)},
          {"content/reviews/c.md", Article("Gamma", "2021-03-05", ManyWords("c", 15000))}};
}

std::map<std::string, std::string> IndexPieces(const BuiltSite& site) {
  std::map<std::string, std::string> pieces;
  for (const auto& [path, bytes] : site.files) {
    if (path.rfind("search/index/words/", 0) == 0) pieces[path] = bytes;
  }
  return pieces;
}

// Chunks start at the words of smallest hash, not after so many bytes: one more word in one body
// changes the one chunk that holds it, and every other chunk keeps its bytes (and its digest, so
// that a build keeps its file rather than compressing and writing it again).
TEST(SearchChunks, AWordAddedToOneBodyChangesOnlyTheChunkThatHoldsIt) {
  auto first = BuildFromStrings(kConfig, ChunkedMagazine(""));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto second = ImportAgain(*first, ChunkedMagazine(" zyzzyva\n"));
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  const auto before = IndexPieces(*first), after = IndexPieces(*second);
  ASSERT_EQ(before.size(), after.size());
  ASSERT_GE(before.size(), 3u);
  std::vector<std::string> changed;
  for (const auto& [path, bytes] : after) {
    if (before.at(path) != bytes) changed.push_back(path);
  }
  ASSERT_EQ(changed.size(), 1u) << ::testing::PrintToString(changed);
  EXPECT_NE(FileText(changed[0], after.at(changed[0])).find("\"zyzzyva\":"), std::string::npos);
  EXPECT_EQ(first->files.at("search/index/manifest.json"),
            second->files.at("search/index/manifest.json"));
  // The digests say the same: equal for the chunks kept, another for the chunk changed.
  for (const Output& o : second->site->outputs()) {
    if (o.kind != OutputKind::kSearchIndex || o.path.rfind("search/index/words/", 0) != 0) continue;
    const Output* was = first->site->FindOutput(o.path);
    ASSERT_NE(was, nullptr);
    EXPECT_EQ(first->site->Fingerprint(*was) == second->site->Fingerprint(o), o.path != changed[0])
        << o.path;
  }
}

// A chunk starts at a word of smallest hash; a word added that would be one moves the chunks'
// boundaries, and the next build makes the index whole. So short words (two letters, a year)
// must be no likelier than others to have small hashes.
TEST(SearchChunks, ShortWordsAreNoLikelierToStartAChunk) {
  std::vector<uint64_t> others;
  for (int i = 0; i < 5000; ++i) others.push_back(SearchWordHash("word" + std::to_string(i)));
  std::sort(others.begin(), others.end());
  const uint64_t smallest_tenth = others[others.size() / 10];
  const std::string alnum = "abcdefghijklmnopqrstuvwxyz0123456789";
  size_t short_words = 0, below = 0;
  for (char x : alnum) {
    for (char y : alnum) {
      ++short_words;
      if (SearchWordHash(std::string{x, y}) < smallest_tenth) ++below;
    }
  }
  for (int year = 1890; year < 2100; ++year) {
    ++short_words;
    if (SearchWordHash(std::to_string(year)) < smallest_tenth) ++below;
  }
  // A tenth of them, as for any words (FNV-1a alone: 1,396 of the 1,506).
  EXPECT_GT(below, short_words / 20);
  EXPECT_LT(below, short_words / 5) << below << " of " << short_words;
}

// The chunks are numbered in word order: one chunk more would number most of them anew. Their
// count follows the archive's size in steps of a fifth, so an article lengthened (here by more
// words than a chunk holds) keeps it, and every chunk starts where it started.
TEST(SearchChunks, AnArticleLengthenedKeepsTheNumberOfChunks) {
  auto magazine = [](int more) -> std::map<std::string, std::string> {
    return {{"data/authors.yaml", "ana:\n  name: \"Ana Lindqvist\"\n"},
            {"content/reviews/a.md", Article("Alpha", "2021-01-05", ManyWords("a", 39000))},
            {"content/reviews/b.md", Article("Beta", "2021-02-05", ManyWords("b", 39000))},
            {"content/reviews/c.md", Article("Gamma", "2021-03-05", ManyWords("c", 39000))},
            {"content/reviews/d.md",
             Article("Delta", "2021-04-05", ManyWords("d", 33000) + ManyWords("d", more))}};
  };
  auto first = BuildFromStrings(kConfig, magazine(0));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto second = ImportAgain(*first, magazine(12500));  // its own words again: none is new
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  const auto before = IndexPieces(*first), after = IndexPieces(*second);
  EXPECT_EQ(before.size(), 12u) << "150,000 words: 12 chunks";
  EXPECT_EQ(after.size(), before.size()) << "162,500 words: 13 wanted, still 12 on the ladder";
  EXPECT_EQ(first->files.at("search/index/manifest.json"),
            second->files.at("search/index/manifest.json"));
}

// Until the index is made, its pieces' digests are of everything it is made from; MakeStaticIndex
// makes it before anything is rendered, and from then on each piece's digest is of its own text.
TEST(SearchChunks, MakeStaticIndexFingerprintsThePiecesByTheirText) {
  auto built = BuildFromStrings(kConfig, ChunkedMagazine(""));
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  auto loaded = LoadSite(SiteFolder{built->root}, 1893456000);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  const Output* chunk = (*loaded)->FindOutput("search/index/words/0.json.gz");
  ASSERT_NE(chunk, nullptr);
  const std::string whole = (*loaded)->Fingerprint(*chunk);
  auto store = built->OpenStore();
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*loaded)->MakeStaticIndex(store->get()).ok());
  const std::string own = (*loaded)->Fingerprint(*chunk);
  EXPECT_NE(own, whole);
  // The same text in the site built before: the same digest.
  EXPECT_EQ(own, built->site->Fingerprint(*built->site->FindOutput(chunk->path)));
}

// A whole build makes the index on a thread of its own while the pages render (BuildSite), so
// PublishSite may begin before it is made: it renders the pieces last and fingerprints each by
// its text all the same, as a build that made the index first.
TEST(SearchChunks, AWholeBuildFingerprintsThePiecesByTheirTextThoughTheIndexWasNotMadeFirst) {
  auto built = BuildFromStrings(kConfig, ChunkedMagazine(""));
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  auto loaded = LoadSite(SiteFolder{built->root}, 1893456000);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  MemorySink sink;
  auto report = PublishSite(
      *loaded, sink, [&built] { return built->OpenStore(); }, 2);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  size_t pieces = 0;
  for (const Output& o : (*loaded)->outputs()) {
    if (o.kind != OutputKind::kSearchIndex) continue;
    ++pieces;
    const Output* made_first = built->site->FindOutput(o.path);
    ASSERT_NE(made_first, nullptr) << o.path;
    EXPECT_EQ(report->manifest.fingerprints.at(o.path),
              built->site->FingerprintBesideFigures(*made_first))
        << o.path;
    EXPECT_EQ(*sink.Find(o.path), built->files.at(o.path)) << o.path;
  }
  EXPECT_GE(pieces, 3u);
}

}  // namespace
}  // namespace cinepress::testing
