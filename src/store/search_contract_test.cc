// The store's full-text search, run against every engine (SQLite, PostgreSQL, and PostgreSQL
// answered by its search mirror): folding,
// prefixes, phrases, CJK, ranking, filters, what readers may not see, hostile queries, and the
// index following every write.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>

#include "store/podcast_rows.h"
#include "store/search_test_fixture.h"

namespace cinepress {
namespace {

TYPED_TEST_SUITE(SearchContract, SearchEngines, EngineName);

using Strings = std::vector<std::string>;

TYPED_TEST(SearchContract, CaseAndAccentsFoldAndTheLastWordIsAPrefix) {
  this->Save("decalogue", "The Decalogue",
             "Krzysztof Kieślowski and Jerzy Dąbrowski at the table.");
  this->Save("cleo", "Cléo from 5 to 7", "Agnès Varda follows a singer through Paris.");
  this->Save("lodz", "The Łódź film school", "Where everyone studied.");
  EXPECT_EQ(this->Slugs("dabrowski"), Strings{"decalogue"});
  EXPECT_EQ(this->Slugs("DĄBROWSKI"), Strings{"decalogue"});
  EXPECT_EQ(this->Slugs("cleo"), Strings{"cleo"});
  EXPECT_EQ(this->Slugs("agnes varda"), Strings{"cleo"});
  EXPECT_EQ(this->Slugs("kiesl"), Strings{"decalogue"});
  EXPECT_EQ(this->Slugs("kiesl "), Strings{});  // a finished word is a whole word
  EXPECT_EQ(this->Slugs("lodz"), Strings{"lodz"});
}

TYPED_TEST(SearchContract, ASubmittedSearchTakesTheLastWordAsAPrefixOnlyWhenNothingHasItWhole) {
  this->Save("with", "A night", "She came with nothing.");
  this->Save("within", "A day", "Everything within reach.");
  this->Save("without", "A week", "Without a word.");
  EXPECT_EQ(this->Slugs("with"), Strings{"with"});
  EXPECT_EQ(this->Slugs("withi"), Strings{"within"});  // no article has "withi": longer words
  SearchQuery q;
  q.text = "withou";
  q.count = false;
  q.typing = true;  // suggestions: the word being typed is the start of longer ones
  EXPECT_EQ(this->Slugs(q), Strings{"without"});
}

TYPED_TEST(SearchContract, SuggestionsListHeadlineMatchesOfTheWordBeingTypedFirst) {
  this->Save("body", "Notes from the coast", "The harbour at night, the harbour at dawn.", "essays",
             kNow - 10);
  this->Save("title", "Harbour Lights", "A short review.", "reviews", kNow - 1000);
  SearchQuery q;
  q.text = "harb";
  q.count = false;
  q.typing = true;
  EXPECT_EQ(this->Slugs(q), (Strings{"title", "body"}));
  q.text = "harbour";  // a whole word is found in bodies too
  EXPECT_EQ(this->Slugs(q), (Strings{"title", "body"}));
}

// The ranking of a word being typed counts every word it begins in the body (PostgreSQL reads
// them from the one row of the body's words that such a prefix picks).
TYPED_TEST(SearchContract, APrefixIsRankedByEveryWordItBeginsInTheBody) {
  this->Save("thrice", "Lights", "Harbour lights, the harbours, harbour walls.");
  this->Save("once", "Dawn", "The harbour at dawn, quiet water, grey sky.");
  SearchQuery q;
  q.text = "harb";
  q.count = false;
  q.typing = true;
  EXPECT_EQ(this->Slugs(q), (Strings{"thrice", "once"}));
}

TYPED_TEST(SearchContract, RareWordsWeighMoreThanCommonOnes) {
  for (int i = 0; i < 20; ++i) {
    this->Save("filler" + std::to_string(i), "Filler", "the quiet town and the river");
  }
  std::string many_the, many_rare;
  for (int i = 0; i < 20; ++i) many_the += "the ";
  this->Save("common", "One", many_the + "tangerine and more words here to pad the text out");
  this->Save("rare", "Two", "the tangerine tangerine tangerine and more words to pad it out");
  EXPECT_EQ(this->Slugs("the tangerine"), (Strings{"rare", "common"}));
}

TYPED_TEST(SearchContract, FilterWordsCannotBeTyped) {
  this->Save("r", "A river", "water", "reviews", kNow - 86400, {"ana"});
  for (const char* typed :
       {"sreviews", "reviews water", "aana", "kpage", "y2025", "\x01sreviews", "%01sreviews"}) {
    EXPECT_EQ(this->Slugs(typed), Strings{}) << typed;
  }
  EXPECT_EQ(this->Slugs("water"), Strings{"r"});
}

TYPED_TEST(SearchContract, AYearInTheSiteTimeZoneFindsArticlesFromTheEndOfTheUtcYearBefore) {
  // 2024-12-31 20:00 UTC is 2025-01-01 06:00 in UTC+10.
  const int64_t new_years_eve = 1'735'675'200;
  this->Save("late", "Late", "fireworks", "reviews", new_years_eve);
  this->Save("early", "Early", "fireworks", "reviews", new_years_eve - 86400);
  SearchQuery q;
  q.text = "fireworks";
  q.date_from = 1'735'653'600;  // 2025-01-01 00:00 in UTC+10
  q.date_to = 1'767'189'600;    // 2026-01-01 00:00 in UTC+10
  q.now = 1'800'000'000;
  EXPECT_EQ(this->Slugs(q), Strings{"late"});
  q.section = "reviews";
  q.author = "ana";
  EXPECT_EQ(this->Slugs(q), Strings{"late"});
  q.author = "tomas";
  EXPECT_EQ(this->Slugs(q), Strings{});
}

TYPED_TEST(SearchContract, TextPreparedAheadIsWhatIsIndexed) {
  Article a;
  a.section = "reviews";
  a.slug = "prepared";
  a.source_path = "content/reviews/prepared.md";
  a.title = "Prepared";
  a.body_markdown = "The *lighthouse* keeper.";
  a.date = kNow - 100;
  SearchText t = this->store_->PrepareSearchText(a);
  EXPECT_EQ(t.body, "The lighthouse keeper.");  // the stand-in Markdown-to-text ran
  ASSERT_TRUE(this->store_->SaveArticle(a, &t).ok());
  EXPECT_EQ(this->Slugs("lighthouse"), Strings{"prepared"});
  // What was prepared is what is indexed (an import prepares it from the same article).
  a.slug = "other";
  a.source_path = "content/reviews/other.md";
  t.body = "A foghorn.";
  ASSERT_TRUE(this->store_->SaveArticle(a, &t).ok());
  EXPECT_EQ(this->Slugs("foghorn"), Strings{"other"});
}

TYPED_TEST(SearchContract, ARenamedWriterIsFoundByTheNewName) {
  this->Save("r", "A river", "The water was *cold*.", "reviews", kNow - 86400, {"ana"});
  EXPECT_EQ(this->Slugs("lindqvist"), Strings{"r"});
  ASSERT_TRUE(this->store_->SaveAuthor(Author{"ana", "Ana Berglund", "", "", "", ""}));
  EXPECT_EQ(this->Slugs("berglund"), Strings{"r"});
  EXPECT_EQ(this->Slugs("lindqvist"), Strings{});
  EXPECT_EQ(this->Slugs("cold"), Strings{"r"});  // the body is still indexed, as text
  // Inside a transaction that is rolled back, the index goes back with the name.
  ASSERT_TRUE(this->store_->BeginTransaction());
  ASSERT_TRUE(this->store_->SaveAuthor(Author{"ana", "Ana Holm", "", "", "", ""}));
  ASSERT_TRUE(this->store_->Rollback());
  EXPECT_EQ(this->Slugs("holm"), Strings{});
  EXPECT_EQ(this->Slugs("berglund"), Strings{"r"});
}

TYPED_TEST(SearchContract, PhrasesKeepTheirOrder) {
  this->Save("a", "One", "The long take holds on the sea.");
  this->Save("b", "Two", "Take the long way home.");
  EXPECT_EQ(this->Slugs("\"long take\""), Strings{"a"});
  auto both = this->Slugs("long take");
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, (Strings{"a", "b"}));
}

// A phrase of three words needs them one after another, not its pairs apart; a phrase never
// runs from one column into the next; the last word of a phrase being typed is a prefix.
TYPED_TEST(SearchContract, LongerPhrasesNeedEveryWordInPlace) {
  this->Save("split", "Notes", "The long take. A take holds on the sea.");
  this->Save("whole", "Others", "Here the long take holds on.");
  this->Save("across", "The long", "Take holds the frame.");
  auto sorted = [](Strings s) {
    std::sort(s.begin(), s.end());
    return s;
  };
  EXPECT_EQ(this->Slugs("\"long take holds\""), Strings{"whole"});
  EXPECT_EQ(sorted(this->Slugs("\"long take\"")), (Strings{"split", "whole"}));
  EXPECT_EQ(sorted(this->Slugs("\"take holds\"")), (Strings{"across", "split", "whole"}));
  SearchQuery q;
  q.text = "\"long take hol";
  q.count = false;
  q.typing = true;
  EXPECT_EQ(this->Slugs(q), Strings{"whole"});
  q.text = "\"the long tak";
  EXPECT_EQ(sorted(this->Slugs(q)), (Strings{"split", "whole"}));
}

TYPED_TEST(SearchContract, ChineseJapaneseAndKoreanAreFound) {
  this->Save("tokyo", "東京物語", "小津安二郎の映画。");
  this->Save("park", "An interview", "박서연 감독은 부산에서 영화를 찍었다.");
  EXPECT_EQ(this->Slugs("東京物語"), Strings{"tokyo"});
  EXPECT_EQ(this->Slugs("物語"), Strings{"tokyo"});
  EXPECT_EQ(this->Slugs("小津"), Strings{"tokyo"});
  EXPECT_EQ(this->Slugs("安二郎"), Strings{"tokyo"});
  EXPECT_EQ(this->Slugs("東"), Strings{"tokyo"});  // one character: a prefix of its pairs
  EXPECT_EQ(this->Slugs("박서연"), Strings{"park"});
  EXPECT_EQ(this->Slugs("감독"), Strings{"park"});
  EXPECT_EQ(this->Slugs("부산"), Strings{"park"});
  EXPECT_EQ(this->Slugs("서울"), Strings{});
  // The snippet marks the CJK match in the original text.
  SearchQuery q;
  q.text = "박서연";
  q.now = kNow;
  auto r = this->store_->Search(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_NE(r->hits[0].snippet_html.find("<mark>박서연</mark>"), std::string::npos)
      << r->hits[0].snippet_html;
}

TYPED_TEST(SearchContract, TitleAndFilmMatchesRankFirst) {
  std::string body;
  for (int i = 0; i < 8; ++i) body += "Harbour lights and the harbour at night. ";
  this->Save("body", "Notes from the coast", body);
  Article a;
  a.section = "reviews";
  a.slug = "film";
  a.title = "A quiet review";
  a.date = kNow - 10;
  a.body_markdown = "Nothing about boats here, nothing at all, only a mention of the harbour once.";
  Film f;
  f.title = "Harbour";
  f.directors = {"Mira Solberg"};
  a.film = f;
  ASSERT_TRUE(this->store_->SaveArticle(a));
  this->Save("title", "Harbour Lights", "A short review.");
  auto got = this->Slugs("harbour");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2], "body");
  EXPECT_EQ(this->Slugs("solberg"), Strings{"film"});  // directors are searched
  SearchQuery q;
  q.text = "harbour";
  q.now = kNow;
  auto r = this->store_->Search(q);
  ASSERT_TRUE(r.ok());
  for (const auto& h : r->hits) {
    if (h.slug == "film") {
      EXPECT_EQ(h.film_title, "Harbour");
    }
  }
}

TYPED_TEST(SearchContract, Filters) {
  this->Save("r1", "Rivers review", "rivers", "reviews", kNow - 400 * 86400, {"ana"});
  this->Save("r2", "Rivers again", "rivers", "reviews", kNow - 10 * 86400, {"tomas"});
  int64_t e =
      this->Save("e1", "Rivers essay", "rivers", "essays", kNow - 5 * 86400, {"ana", "tomas"});
  this->Save("c1", "Rivers collection", "rivers", "collections");
  this->Save("p1", "Rivers page", "rivers", "", kNow - 86400, {});
  SearchQuery q;
  q.text = "rivers";
  q.section = "reviews";
  auto got = this->Slugs(q);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (Strings{"r1", "r2"}));
  q.section = "";
  q.author = "tomas";
  got = this->Slugs(q);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (Strings{"e1", "r2"}));
  q.author = "";
  q.date_from = kNow - 30 * 86400;
  q.date_to = kNow - 7 * 86400;
  EXPECT_EQ(this->Slugs(q), Strings{"r2"});
  q.date_from = q.date_to = 0;
  q.restrict_ids = true;
  q.ids = {e};
  EXPECT_EQ(this->Slugs(q), Strings{"e1"});
  q.restrict_ids = false;
  q.exclude_sections = {"collections", "reviews", "essays"};
  EXPECT_EQ(this->Slugs(q), Strings{"p1"});
}

TYPED_TEST(SearchContract, PagesAreAKind) {
  Article p;
  p.kind = ArticleKind::kPage;
  p.slug = "about";
  p.title = "About the magazine";
  p.date = kNow - 100;
  p.body_markdown = "Who we are.";
  ASSERT_TRUE(this->store_->SaveArticle(p));
  this->Save("r", "A review about nothing", "x");
  SearchQuery q;
  q.text = "about";
  q.section = "page";
  EXPECT_EQ(this->Slugs(q), Strings{"about"});
}

TYPED_TEST(SearchContract, DraftsAndScheduledArticlesAreNeverFoundNorQuoted) {
  Article draft;
  draft.section = "reviews";
  draft.slug = "draft";
  draft.title = "Secret draft";
  draft.date = kNow - 100;
  draft.draft = true;
  draft.body_markdown = "The embargoed verdict: marvellous.";
  ASSERT_TRUE(this->store_->SaveArticle(draft));
  this->Save("later", "Scheduled piece", "The embargoed verdict arrives tomorrow.", "reviews",
             kNow + 3600);
  this->Save("now", "Public piece", "Nothing embargoed here except the word.");
  EXPECT_EQ(this->Slugs("embargoed"), Strings{"now"});
  EXPECT_EQ(this->Slugs("verdict"), Strings{});
  SearchQuery q;
  q.text = "verdict";
  q.now = kNow + 7200;  // once its time has come the scheduled piece is found
  EXPECT_EQ(this->Slugs(q), Strings{"later"});
}

TYPED_TEST(SearchContract, WithSearchTurnedOffNothingIsIndexedUntilItIsTurnedOnAgain) {
  this->Save("before", "Indexed while search was on", "Lighthouse keepers.");
  this->OpenWithoutSearch();
  this->Save("during", "Written while search was off", "Lighthouse lamps.");
  this->store_.reset();
  this->Open();  // search on again: every article is indexed anew, the one written meanwhile too
  EXPECT_EQ(this->Slugs("lighthouse").size(), 2u);
  EXPECT_EQ(this->Slugs("lamps"), Strings{"during"});
}

// The newsletter commands opened the store first, before any other, without the text
// functions: a rebuild asked for by a migration indexed raw Markdown. Every way in takes them.
TYPED_TEST(SearchContract, PasswordProtectedPostsAreNeverFound) {
  Article locked;
  locked.section = "articles";
  locked.slug = "locked";
  locked.title = "Members' secret";
  locked.date = kNow - 100;
  locked.password_protected = true;  // a WordPress post behind a password
  locked.body_markdown = "The hidden verdict.";
  ASSERT_TRUE(this->store_->SaveArticle(locked));
  EXPECT_EQ(this->Slugs("verdict"), Strings{});
  EXPECT_EQ(this->Slugs("secret"), Strings{});
}

TYPED_TEST(SearchContract, HtmlBodiesAreSearchedByTheirTextNotTheirTags) {
  this->store_.reset();
  StoreOptions o;
  o.html_to_text = [](std::string_view html) {  // a stand-in: drop everything between < and >
    std::string out;
    bool tag = false;
    for (char c : html) {
      if (c == '<') tag = true;
      if (!tag) out += c;
      if (c == '>') tag = false;
    }
    return out;
  };
  auto reopened = this->OpenWith(o);
  ASSERT_TRUE(reopened.ok());
  this->store_ = std::move(*reopened);
  Article a;
  a.section = "articles";
  a.slug = "imported";
  a.title = "From the old site";
  a.date = kNow - 100;
  a.body_format = BodyFormat::kHtml;
  a.body_markdown = "<p>The <strong class=\"tatami\">floorboards</strong> creak.</p>";
  ASSERT_TRUE(this->store_->SaveArticle(a));
  EXPECT_EQ(this->Slugs("floorboards"), Strings{"imported"});
  EXPECT_EQ(this->Slugs("strong"), Strings{});
  EXPECT_EQ(this->Slugs("tatami"), Strings{});
}

TYPED_TEST(SearchContract, SnippetsAreEscapedAndMarked) {
  this->Save("x", "Markup", "Before <script>alert('x')</script> the **montage** & after.");
  SearchQuery q;
  q.text = "montage";
  q.now = kNow;
  auto r = this->store_->Search(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  const std::string& s = r->hits[0].snippet_html;
  EXPECT_NE(s.find("&lt;script&gt;"), std::string::npos) << s;
  EXPECT_EQ(s.find("<script"), std::string::npos) << s;
  EXPECT_NE(s.find("<mark>montage</mark> &amp; after"), std::string::npos) << s;
}

TYPED_TEST(SearchContract, PaginationAndCounts) {
  for (int i = 0; i < 25; ++i)
    this->Save("s" + std::to_string(i), "Shore " + std::to_string(i), "sand");
  SearchQuery q;
  q.text = "shore";
  q.now = kNow;
  q.limit = 10;
  auto r = this->store_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 25u);
  EXPECT_EQ(r->hits.size(), 10u);
  q.offset = 20;
  r = this->store_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->hits.size(), 5u);
  q.offset = 40;
  r = this->store_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->hits.empty());
}

TYPED_TEST(SearchContract, TheIndexFollowsEveryWrite) {
  int64_t id = this->Save("x", "Marigold", "petals");
  EXPECT_EQ(this->Slugs("marigold"), Strings{"x"});
  // An edit replaces what was indexed.
  Article a;
  a.id = id;
  a.section = "reviews";
  a.slug = "x";
  a.title = "Sunflower";
  a.date = kNow - 10;
  a.body_markdown = "seeds";
  ASSERT_TRUE(this->store_->SaveArticle(a));
  EXPECT_EQ(this->Slugs("marigold"), Strings{});
  EXPECT_EQ(this->Slugs("sunflower"), Strings{"x"});
  // A rolled-back write leaves no trace; a deleted article is gone.
  ASSERT_TRUE(this->store_->BeginTransaction());
  this->Save("y", "Orchid", "roots");
  ASSERT_TRUE(this->store_->Rollback());
  EXPECT_EQ(this->Slugs("orchid"), Strings{});
  ASSERT_TRUE(this->store_->DeleteArticle(id));
  EXPECT_EQ(this->Slugs("sunflower"), Strings{});
  // Another connection sees a commit at once.
  auto other = this->OpenWith({});
  ASSERT_TRUE(other.ok());
  this->Save("z", "Tulip", "bulb");
  SearchQuery q;
  q.text = "tulip";
  q.now = kNow;
  auto r = (*other)->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->hits.size(), 1u);
}

// An import: hundreds of articles in one transaction into an empty index (PostgreSQL sends their
// search rows in bulk and makes its GIN indexes after them), one of them refused on the way.
TYPED_TEST(SearchContract, ATransactionOfManyArticlesIsFoundWhenItCommits) {
  ASSERT_TRUE(this->store_->BeginTransaction());
  for (int i = 0; i < 600; ++i) {
    this->Save("l" + std::to_string(i), "Lantern " + std::to_string(i),
               "A glow over the water, number" + std::to_string(i) + ".");
  }
  Article twice;
  twice.section = "reviews";
  twice.slug = "l7";  // taken
  twice.title = "Comet";
  twice.date = kNow - 10;
  EXPECT_FALSE(this->store_->SaveArticle(twice).ok());
  this->Save("last", "Firefly", "A glow in the grass.");
  ASSERT_TRUE(this->store_->Commit());
  SearchQuery q;
  q.text = "glow";
  q.now = kNow;
  auto r = this->store_->Search(q);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->total, 601u);
  EXPECT_EQ(this->Slugs("number599"), Strings{"l599"});
  EXPECT_EQ(this->Slugs("\"over the water\" 42"), Strings{"l42"});
  EXPECT_EQ(this->Slugs("comet"), Strings{});
  EXPECT_EQ(this->Slugs("firefly"), Strings{"last"});
  // The index goes on following single writes.
  this->Save("after", "Moth", "Drawn to the glow.");
  EXPECT_EQ(this->Slugs("moth"), Strings{"after"});
}

// A phrase whose words many articles have apart: counted and paged the same whether most of
// them have the phrase (the count stops past 1,000) or few do (every one of them is looked at).
TYPED_TEST(SearchContract, APhraseIsCountedAmongManyArticlesWithItsWordsApart) {
  ASSERT_TRUE(this->store_->BeginTransaction());
  for (int i = 0; i < 1400; ++i) {
    const bool apart = i % 4 == 0;
    this->Save("p" + std::to_string(i), "Reel " + std::to_string(i),
               apart ? "Take the long way round." : "The long take holds.", "reviews",
               kNow - 86400 - i);
  }
  ASSERT_TRUE(this->store_->Commit());
  SearchQuery q;
  q.text = "\"long take\"";
  q.now = kNow;
  q.limit = 20;
  auto r = this->store_->Search(q);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->total, SearchResults::kMaxCounted);
  EXPECT_TRUE(r->more_than_total);
  ASSERT_EQ(r->hits.size(), 20u);
  for (const SearchHit& h : r->hits) EXPECT_NE(std::stoi(h.slug.substr(1)) % 4, 0) << h.slug;
  q.text = "\"take the\"";
  q.offset = 340;
  r = this->store_->Search(q);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->total, 350u);
  EXPECT_FALSE(r->more_than_total);
  ASSERT_EQ(r->hits.size(), 10u);
  for (const SearchHit& h : r->hits) EXPECT_EQ(std::stoi(h.slug.substr(1)) % 4, 0) << h.slug;
}

TYPED_TEST(SearchContract, ASearchInsideATransactionFindsItsWrites) {
  ASSERT_TRUE(this->store_->BeginTransaction());
  this->Save("a", "Heron", "wading");
  this->Save("b", "Egret", "wading");
  EXPECT_EQ(this->Slugs("wading"), (Strings{"b", "a"}));
  this->Save("c", "Crane", "wading");
  EXPECT_EQ(this->Slugs("crane"), Strings{"c"});
  ASSERT_TRUE(this->store_->Rollback());
  EXPECT_EQ(this->Slugs("wading"), Strings{});
}

TYPED_TEST(SearchContract, HostileQueriesFindSomethingOrNothingQuickly) {
  this->Save("a", "Night train", "A \"quoted\" body with title: and AND OR NOT words.");
  const Strings hostile = {
      "\"",
      "\"\"\"",
      "\"night",
      "night\"",
      "title:night",
      "night AND",
      "OR OR OR",
      "NEAR(night train, 2)",
      "NOT night",
      "-night",
      "night*",
      "*",
      "^night",
      "{title body}: night",
      "'; DROP TABLE articles; --",
      "night') OR 1=1 --",
      "\xff\xfe night \xc0\xaf",
      std::string(10000, 'a'),
      std::string(10000, '"'),
      std::string(5000, '*') + " night",
      std::string("night\0train", 11),
  };
  for (const std::string& h : hostile) {
    SearchQuery q;
    q.text = h;
    q.now = kNow;
    auto start = std::chrono::steady_clock::now();
    auto r = this->store_->Search(q);
    ASSERT_TRUE(r.ok()) << h.substr(0, 40) << ": " << r.error().ToString();
    // Not a speed test (that is bench/'s): a query that made the work blow up would take
    // minutes; 20 s leaves room for sanitizers on a busy shared machine.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  }
  EXPECT_EQ(this->Slugs("night\""), Strings{"a"});
  EXPECT_EQ(this->Slugs("title:night"), Strings{"a"});  // two words, both in the body
  EXPECT_EQ(this->Slugs("body:night"), Strings{"a"});
  EXPECT_EQ(this->Slugs("dek:night"), Strings{});  // no column filter: "dek" is a word it lacks
  EXPECT_EQ(this->Slugs("quoted AND"), Strings{"a"});
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string s(static_cast<size_t>(rng() % 64), '\0');
    for (char& c : s) c = static_cast<char>(" \"*:^(){}-+ANDORnight\xc3\xa9\xff"[rng() % 24]);
    SearchQuery q;
    q.text = s;
    q.now = kNow;
    auto r = this->store_->Search(q);
    ASSERT_TRUE(r.ok()) << s << ": " << r.error().ToString();
  }
}

TYPED_TEST(SearchContract, ARebuildOnOpenUsesTheTextFunctionsWhicheverStoreOpensFirst) {
  this->Save("marked", "Keepers", "The light_house at night.");
  this->store_.reset();
  StoreOptions off = this->Options();
  off.search_index = false;  // the index is marked to be made again at the next open
  ASSERT_TRUE(this->OpenWith(off).ok());
  auto newsletters = OpenNewsletterStore(this->engine_.file(), this->engine_.With(this->Options()));
  ASSERT_TRUE(newsletters.ok()) << newsletters.error().ToString();
  this->Open();  // the index was made again by the newsletter store's open, not by this one
  EXPECT_EQ(this->Slugs("lighthouse"), Strings{"marked"});
}

// Podcast episodes are documents of the same index (issue #16): found by what the static index
// finds them by, each hit saying which show, season and number it is.
TYPED_TEST(SearchContract, EpisodesAreFoundByTheirFieldsAndSayWhichShowTheyAreOf) {
  this->Save("review", "Harbour Lights", "A review of the film about the lighthouse.");
  this->SaveShow("close-up", "Close Up Conversations");
  PodcastEpisode e = this->Episode("close-up", "low-water", "Low Water", "We talk *estuaries*.",
                                   "Cue one: the tidewater cinematography.");
  e.summary = "A conversation about rivers.";
  e.hosts = {"Marta Oyelaran"};
  e.guests = {"Jonas Quill"};
  e.films = {"Harbour Lights (2021)"};
  e.season = 2;
  e.episode = 5;
  this->SaveEpisode(e);
  for (const char* q :
       {"low water", "estuaries", "tidewater", "rivers", "quill", "oyelaran", "conversations"}) {
    EXPECT_EQ(this->Slugs(q), Strings{"low-water"}) << q;
  }
  SearchQuery q;
  q.text = "harbour lights";  // the review's title and the episode's film: both, headline first
  auto hits = this->Hits(q);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].slug, "review");
  EXPECT_TRUE(hits[0].show.empty());
  const SearchHit& h = hits[1];
  EXPECT_EQ(h.slug, "low-water");
  EXPECT_EQ(h.show, "close-up");
  EXPECT_EQ(h.show_title, "Close Up Conversations");
  EXPECT_EQ(h.title, "Low Water");
  EXPECT_EQ(h.season, 2);
  EXPECT_EQ(h.episode, 5);
  EXPECT_EQ(h.date, kNow - 3600);
  EXPECT_GE(h.article_id, kFirstEpisodeSearchId);  // never an article's id
  q.text = "tidewater";
  hits = this->Hits(q);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].snippet_html.find("<mark>tidewater</mark>"), std::string::npos)
      << hits[0].snippet_html;
  q.text = "low";
  q.typing = true;  // suggestions find episodes' titles as they are typed
  q.count = false;
  EXPECT_EQ(this->Slugs(q), Strings{"low-water"});
}

TYPED_TEST(SearchContract, ARestrictedEpisodeIsFoundOnlyByWhatItsPublicPageShows) {
  this->SaveShow("inner", "Inner Circle", "paid");
  this->SaveEpisode(this->Episode("inner", "locked", "Locked Room", "Notes on marmalade.",
                                  "The secret word is quince."));
  PodcastEpisode trailer =
      this->Episode("inner", "trailer", "Coming Soon", "A taste.", "Listen for the persimmon.");
  trailer.episode_type = "trailer";  // a premium show's trailers are public
  this->SaveEpisode(trailer);
  PodcastEpisode opened = this->Episode("inner", "open", "Open Door", "Free.", "Say kumquat.");
  opened.access = "public";
  this->SaveEpisode(opened);
  EXPECT_EQ(this->Slugs("marmalade"), Strings{"locked"});  // its show notes are on its page
  EXPECT_EQ(this->Slugs("quince"), Strings{});             // its transcript is not
  EXPECT_EQ(this->Slugs("persimmon"), Strings{"trailer"});
  EXPECT_EQ(this->Slugs("kumquat"), Strings{"open"});
}

// A show's title and access are part of its episodes' rows: saving the show indexes them again.
TYPED_TEST(SearchContract, AShowsEpisodesFollowItsTitleAndAccess) {
  // An episode saved before its show is not found (no page publishes it) until the show is.
  this->SaveEpisode(this->Episode("talk", "first", "First Light", "Dawn.", "A walrus appears."));
  EXPECT_EQ(this->Slugs("walrus"), Strings{});
  this->SaveShow("talk", "Morning Talk");
  EXPECT_EQ(this->Slugs("walrus"), Strings{"first"});
  EXPECT_EQ(this->Slugs("morning"), Strings{"first"});
  this->SaveShow("talk", "Evening Talk", "members");
  EXPECT_EQ(this->Slugs("walrus"), Strings{});  // now restricted: its transcript is gone
  EXPECT_EQ(this->Slugs("morning"), Strings{});
  EXPECT_EQ(this->Slugs("evening"), Strings{"first"});
  this->SaveShow("talk", "Evening Talk");
  EXPECT_EQ(this->Slugs("walrus"), Strings{"first"});
}

TYPED_TEST(SearchContract, EpisodesHaveTheirOwnKindAndNoArticleFacet) {
  this->Save("river-review", "River", "The river at night.", "reviews", kNow - 86400, {"ana"});
  this->SaveShow("talk", "Talk");
  this->SaveEpisode(this->Episode("talk", "river-episode", "River talk", "The river again."));
  PodcastEpisode old = this->Episode("talk", "old", "Old river", "The river long ago.");
  old.date = 1'600'000'000;  // 2020
  this->SaveEpisode(old);
  SearchQuery q;
  q.text = "river";
  EXPECT_EQ(this->Slugs(q).size(), 3u);
  q.section = std::string(kPodcastsKind);
  auto slugs = this->Slugs(q);
  std::sort(slugs.begin(), slugs.end());
  EXPECT_EQ(slugs, (Strings{"old", "river-episode"}));
  q.section = "reviews";
  EXPECT_EQ(this->Slugs(q), Strings{"river-review"});
  q.section = "page";
  EXPECT_EQ(this->Slugs(q), Strings{});
  q.section.clear();
  q.author = "ana";  // episodes have no writer of the magazine's
  EXPECT_EQ(this->Slugs(q), Strings{"river-review"});
  q.author.clear();
  q.restrict_ids = true;  // nor a festival edition
  EXPECT_EQ(this->Slugs(q), Strings{});
  q.restrict_ids = false;
  q.date_from = 1'577'836'800;  // 2020
  q.date_to = 1'609'459'200;
  EXPECT_EQ(this->Slugs(q), Strings{"old"});
  q.section = std::string(kPodcastsKind);
  EXPECT_EQ(this->Slugs(q), Strings{"old"});
}

TYPED_TEST(SearchContract, TheIndexFollowsEpisodesAsTheyChangeAndGo) {
  this->SaveShow("talk", "Talk");
  this->SaveShow("other", "Other");
  PodcastEpisode e = this->Episode("talk", "one", "One", "About herons.");
  this->SaveEpisode(e);
  this->SaveEpisode(this->Episode("other", "two", "Two", "About herons too."));
  EXPECT_EQ(this->Slugs("herons").size(), 2u);
  e.notes_markdown = "About egrets.";
  this->SaveEpisode(e);
  EXPECT_EQ(this->Slugs("herons"), Strings{"two"});
  EXPECT_EQ(this->Slugs("egrets"), Strings{"one"});
  e.draft = true;
  this->SaveEpisode(e);
  EXPECT_EQ(this->Slugs("egrets"), Strings{});
  e.draft = false;
  e.date = kNow + 3600;  // scheduled: found once its time has come
  this->SaveEpisode(e);
  EXPECT_EQ(this->Slugs("egrets"), Strings{});
  SearchQuery later;
  later.text = "egrets";
  later.now = kNow + 7200;
  EXPECT_EQ(this->Slugs(later), Strings{"one"});
  ASSERT_TRUE(this->store_->DeletePodcastEpisode("talk", "one.md"));
  EXPECT_EQ(this->Slugs(later), Strings{});
  ASSERT_TRUE(this->store_->DeletePodcastShow("other"));
  EXPECT_EQ(this->Slugs("herons"), Strings{});
  // Deleting an article leaves the episodes' rows alone, and the other way round.
  const int64_t id = this->Save("egret-review", "Egrets", "Egrets at dusk.");
  this->SaveEpisode(this->Episode("talk", "three", "Three", "Egrets at dawn."));
  ASSERT_TRUE(this->store_->DeleteArticle(id));
  EXPECT_EQ(this->Slugs("egrets"), Strings{"three"});
}

// An import writes its articles, then its podcasts, in one transaction (PostgreSQL sends the
// articles' rows first, into an empty index in bulk).
TYPED_TEST(SearchContract, AnImportsArticlesAndEpisodesAreFoundWhenItCommits) {
  ASSERT_TRUE(this->store_->BeginTransaction());
  for (int i = 0; i < 600; ++i) {
    this->Save("l" + std::to_string(i), "Lantern " + std::to_string(i),
               "A glow, number" + std::to_string(i));
  }
  this->SaveShow("talk", "Talk");
  this->SaveEpisode(this->Episode("talk", "one", "One", "A glow on air."));
  ASSERT_TRUE(this->store_->Commit());
  EXPECT_EQ(this->Slugs("number599"), Strings{"l599"});
  EXPECT_EQ(this->Slugs("air"), Strings{"one"});
  SearchQuery podcasts;
  podcasts.text = "glow";
  podcasts.section = std::string(kPodcastsKind);
  EXPECT_EQ(this->Slugs(podcasts), Strings{"one"});
}

TYPED_TEST(SearchContract, EpisodesAreIndexedAgainWhenSearchIsTurnedOnAgain) {
  this->OpenWithoutSearch();
  this->SaveShow("talk", "Talk");
  this->SaveEpisode(this->Episode("talk", "one", "One", "The *lagoon*.", "Flamingos."));
  this->store_.reset();
  this->Open();  // the rebuild indexes every episode, with the text functions
  EXPECT_EQ(this->Slugs("lagoon"), Strings{"one"});
  EXPECT_EQ(this->Slugs("flamingos"), Strings{"one"});
  this->SaveEpisode(this->Episode("talk", "two", "Two", "Lagoon again."));
  EXPECT_EQ(this->Slugs("lagoon").size(), 2u);  // numbered after the rebuilt ones
}

}  // namespace
}  // namespace cinepress
