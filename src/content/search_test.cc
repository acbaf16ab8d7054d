#include "content/search.h"

#include <gtest/gtest.h>
#include <unicode/unistr.h>

#include <random>

#include "content/search_fold.h"

namespace cinepress {
namespace {

using Words = std::vector<std::string>;

TEST(SearchWords, FoldsCaseAndAccents) {
  EXPECT_EQ(SearchWords("Dąbrowski, Cléo — KIEŚLOWSKI"),
            (Words{"dabrowski", "cleo", "kieslowski"}));
  EXPECT_EQ(SearchWords("Łódź Ørsted Æon Straße Þór Œuvre"),
            (Words{"lodz", "orsted", "aeon", "strasse", "thor", "oeuvre"}));
  // Decomposed input (e + combining acute) is one word, folded the same way.
  EXPECT_EQ(SearchWords("Cle\xCC\x81o"), Words{"cleo"});
  EXPECT_EQ(FoldSearchWord("Ñandú"), "nandu");
}

// Text of `chars` pieces drawn from what a magazine's names and titles hold: ASCII, Latin-1 and
// Latin Extended-A (ł ø ß æ œ þ đ ı ħ ŉ, µ ª ¼ and Latin-1's punctuation too), decomposed accents,
// other scripts (Greek with its final sigma, Cyrillic, CJK, Arabic's ligature of words),
// digits, apostrophes, hyphens, spaces, and bytes that are not UTF-8.
std::string GeneratedText(std::mt19937& rng, size_t chars) {
  static const std::vector<std::string> pieces = [] {
    std::vector<std::string> p;
    for (char c = 0x20; c < 0x7F; ++c) p.emplace_back(1, c);
    for (int c = 0x80; c < 0x250; ++c) {  // C1 controls, Latin-1, Extended-A and -B
      p.push_back(
          std::string{static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))});
    }
    for (const char* x :
         {"\u0301", "\u0308", "\u0327", "\u0328", "\u0307", "\u0338", "ς",    "Σ",      "ΐ",
          "Ж",      "ё",      "東",     "京",     "語",     "ア",     "한",   "\uFDFA", "\u2019",
          "\u2010", "\u00A0", "ﬁ",      "Ⅻ",      "①",      "\xC3",   "\xFF", "\xC5"}) {
      p.emplace_back(x);
    }
    return p;
  }();
  std::string text;
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  for (size_t i = 0; i < chars; ++i) text += pieces[pick(rng)];
  return text;
}

TEST(FoldSearchWord, LatinByTableIsIcusFoldExactly) {
  // Every character of the table alone, and in pairs.
  for (int c = 0; c < 0x180; ++c) {
    icu::UnicodeString u(static_cast<UChar32>(c));
    std::string one;
    u.toUTF8String(one);
    ASSERT_EQ(FoldSearchWord(one), FoldSearchWordWithIcu(one)) << "U+" << std::hex << c;
    for (const char* next : {"a", "\u0301", "ł", "Z"}) {
      ASSERT_EQ(FoldSearchWord(one + next), FoldSearchWordWithIcu(one + next)) << std::hex << c;
    }
  }
  // Generated words and texts: each word the analysis finds is ICU's fold of where it stands.
  std::mt19937 rng(19);
  std::uniform_int_distribution<size_t> length(1, 60);
  for (int i = 0; i < 20000; ++i) {
    const std::string text = GeneratedText(rng, length(rng));
    ASSERT_EQ(FoldSearchWord(text), FoldSearchWordWithIcu(text)) << text;
    ForEachSearchWord(text, [&](std::string_view w, size_t b, size_t e) {
      ASSERT_EQ(w, FoldSearchWordWithIcu(text.substr(b, e - b))) << text;
    });
  }
  // Long words are cut after folding, by characters.
  EXPECT_EQ(FoldSearchWord(std::string(39, 'a') + "ß"), std::string(39, 'a') + "s");
  EXPECT_EQ(FoldSearchWord(std::string(45, 'A')), std::string(40, 'a'));
}

TEST(SearchWords, SplitsOnPunctuationAndKeepsNumbers) {
  EXPECT_EQ(SearchWords("Kubrick's 2001: a space-odyssey!"),
            (Words{"kubrick", "s", "2001", "a", "space", "odyssey"}));
  EXPECT_EQ(SearchWords("  \t\n"), Words{});
  EXPECT_EQ(SearchWords("Naïve’s café—ok"), (Words{"naive", "s", "cafe", "ok"}));
}

TEST(SearchWords, CjkRunsBecomeOverlappingPairs) {
  EXPECT_EQ(SearchWords("東京物語"), (Words{"東京", "京物", "物語"}));
  EXPECT_EQ(SearchWords("박서연 감독"), (Words{"박서", "서연", "감독"}));
  EXPECT_EQ(SearchWords("映"), Words{"映"});
  // Latin and CJK side by side are separate runs.
  EXPECT_EQ(SearchWords("Ozu小津安二郎"), (Words{"ozu", "小津", "津安", "安二", "二郎"}));
  // Half-width katakana fold to full width.
  EXPECT_EQ(SearchWords("ｱﾆﾒ"), SearchWords("アニメ"));
}

TEST(SearchWords, OffsetsPointIntoTheOriginalText) {
  std::string text = "Le Mépris, 東京物語";
  std::vector<std::pair<size_t, size_t>> spans;
  ForEachSearchWord(text, [&](std::string_view, size_t b, size_t e) { spans.emplace_back(b, e); });
  ASSERT_EQ(spans.size(), 5u);
  EXPECT_EQ(text.substr(spans[1].first, spans[1].second - spans[1].first), "Mépris");
  EXPECT_EQ(text.substr(spans[2].first, spans[2].second - spans[2].first), "東京");
  EXPECT_EQ(text.substr(spans[4].first, spans[4].second - spans[4].first), "物語");
}

TEST(SearchWords, LongWordsAreCut) {
  std::string w(500, 'a');
  ASSERT_EQ(SearchWords(w).size(), 1u);
  EXPECT_EQ(SearchWords(w)[0].size(), kMaxWordChars);
}

TEST(SearchFieldsOf, AnEpisodesFilmsPeopleAndShow) {
  PodcastEpisode e;
  e.films = {"Low Water (2025)"};
  e.hosts = {"Nia Bianchi"};
  e.guests = {"Park Seo-yeon"};
  SearchFields f = SearchFieldsOf(e, "Close-Up");
  EXPECT_EQ(f.films, std::vector<std::string>{"Low Water (2025)"});
  EXPECT_EQ(f.people, (std::vector<std::string>{"Nia Bianchi", "Park Seo-yeon"}));
  EXPECT_EQ(f.meta, std::vector<std::string>{"Close-Up"});
  EXPECT_TRUE(SearchFieldsOf(PodcastEpisode{}, "").meta.empty());
}

TEST(ParseSearchQuery, WordsAreGroupsAndTheLastIsAPrefix) {
  auto g = ParseSearchQuery("Dabrowski kiesl");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].words, Words{"dabrowski"});
  EXPECT_FALSE(g[0].prefix);
  EXPECT_EQ(g[1].words, Words{"kiesl"});
  EXPECT_TRUE(g[1].prefix);
  // A space after the last word: the reader has finished it.
  EXPECT_FALSE(ParseSearchQuery("kiesl ").back().prefix);
  // One or two letters are not a prefix worth expanding.
  EXPECT_FALSE(ParseSearchQuery("film ki").back().prefix);
  EXPECT_TRUE(ParseSearchQuery("film kie").back().prefix);
}

TEST(ParseSearchQuery, Phrases) {
  auto g = ParseSearchQuery("\"long take\" tarr");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_TRUE(g[0].phrase);
  EXPECT_EQ(g[0].words, (Words{"long", "take"}));
  EXPECT_FALSE(g[0].prefix);
  EXPECT_TRUE(g[1].prefix);
  // An unclosed quote runs to the end, and its last word is still being typed.
  g = ParseSearchQuery("tarr \"long tak");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_TRUE(g[1].phrase);
  EXPECT_TRUE(g[1].prefix);
  // A closed phrase is not a prefix.
  EXPECT_FALSE(ParseSearchQuery("\"long take\"").back().prefix);
  // Typographic quotes work too.
  g = ParseSearchQuery("\u201Clong take\u201D");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(g[0].phrase);
}

TEST(ParseSearchQuery, CjkRunIsAPhraseOfPairs) {
  auto g = ParseSearchQuery("東京物語");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(g[0].phrase);
  EXPECT_EQ(g[0].words, (Words{"東京", "京物", "物語"}));
  g = ParseSearchQuery("映 film");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_TRUE(g[0].prefix);  // one character: the start of its pairs
}

TEST(ParseSearchQuery, OperatorsAndSqlAreJustWords) {
  auto g = ParseSearchQuery("title:foo AND (bar OR NEAR(baz)) NOT x*; DROP TABLE articles; --");
  Words all;
  for (const auto& q : g) all.insert(all.end(), q.words.begin(), q.words.end());
  EXPECT_EQ(all, (Words{"title", "foo", "and", "bar", "or", "near", "baz", "not", "x", "drop",
                        "table", "articles"}));
}

TEST(ParseSearchQuery, LimitsAndInvalidUtf8) {
  EXPECT_TRUE(ParseSearchQuery("").empty());
  EXPECT_TRUE(ParseSearchQuery("\"\"\"\"").empty());
  EXPECT_TRUE(ParseSearchQuery("\xff\xfe\xc3").empty());
  EXPECT_EQ(ParseSearchQuery("ca\xff"
                             "fe")
                .size(),
            1u);  // invalid bytes dropped: "cafe"
  std::string huge;
  for (int i = 0; i < 2000; ++i) huge += "word" + std::to_string(i) + " ";
  size_t words = 0;
  for (const auto& q : ParseSearchQuery(huge)) words += q.words.size();
  EXPECT_LE(words, kMaxQueryTerms);
  EXPECT_EQ(ParseSearchQuery(std::string(10000, 'x')).size(), 1u);
}

TEST(ParseSearchQuery, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string s(static_cast<size_t>(rng() % 300), '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    for (const auto& g : ParseSearchQuery(s)) {
      ASSERT_FALSE(g.words.empty());
      for (const auto& w : g.words) ASSERT_FALSE(w.empty());
    }
  }
}

TEST(WholeWords, TheWordBeingTypedBecomesWhole) {
  bool changed = false;
  auto g = WholeWords(ParseSearchQuery("agnes vard"), &changed);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_TRUE(changed);
  EXPECT_FALSE(g[1].prefix);
  EXPECT_EQ(g[1].words, std::vector<std::string>{"vard"});
  WholeWords(ParseSearchQuery("agnes varda "), &changed);  // already finished
  EXPECT_FALSE(changed);
  g = WholeWords(ParseSearchQuery("\"long tak"), &changed);  // a phrase not closed yet
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(changed);
  EXPECT_FALSE(g[0].prefix);
  // One CJK character is the start of its pairs whatever the reader does next.
  g = WholeWords(ParseSearchQuery("東"), &changed);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(g[0].prefix);
  EXPECT_FALSE(changed);
}

TEST(ForEachSearchWordWhile, StopsWhenAsked) {
  std::vector<std::string> seen;
  ForEachSearchWordWhile("one two Łódź three four", [&](std::string_view w, size_t, size_t) {
    seen.emplace_back(w);
    return seen.size() < 3;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"one", "two", "lodz"}));
}

TEST(SnippetHtml, MarksTheMatchesInAnEscapedPassage) {
  auto q = ParseSearchQuery("kiesl");
  EXPECT_EQ(SnippetHtml("<b>Krzysztof Kieślowski</b> & co", q),
            "&lt;b&gt;Krzysztof <mark>Kieślowski</mark>&lt;/b&gt; &amp; co");
  EXPECT_EQ(SnippetHtml("nothing here", q), "");
  // A long text: a window around the first match, cut with ellipses.
  std::string text;
  for (int i = 0; i < 100; ++i) text += "word" + std::to_string(i) + " ";
  std::string s = SnippetHtml(text, ParseSearchQuery("word50 "), 10);
  EXPECT_EQ(s,
            "…word42 word43 word44 word45 word46 word47 word48 word49 <mark>word50</mark> "
            "word51…");
  // The overlapping pairs of a CJK run make one mark.
  EXPECT_EQ(SnippetHtml("감독 박서연은 말했다", ParseSearchQuery("박서연")),
            "감독 <mark>박서연</mark>은 말했다");
}

}  // namespace
}  // namespace cinepress
