// The store's full-text search: folding, prefixes, phrases, CJK, ranking, filters, what readers
// may not see, hostile queries, and the index following every write.
#include "store/sqlite_search.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "store/open_store.h"

namespace cinepress {
namespace {

constexpr int64_t kNow = 1'750'000'000;

class SqliteSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-search-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Open();
    ASSERT_TRUE(store_->SaveAuthor(Author{"ana", "Ana Lindqvist", "", "", "", ""}));
    ASSERT_TRUE(store_->SaveAuthor(Author{"tomas", "Tomás Oyelaran", "", "", "", ""}));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  static SqliteStoreOptions Options() {
    SqliteStoreOptions o;
    // A stand-in for the renderer's: drop Markdown's emphasis marks.
    o.markdown_to_text = [](std::string_view md) {
      std::string out;
      for (char c : md) {
        if (c != '*' && c != '_') out += c;
      }
      return out;
    };
    return o;
  }
  void Open() {
    auto s = OpenSqliteStore(dir_ / "site.db", Options());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  int64_t Save(std::string slug, std::string title, std::string body,
               std::string section = "reviews", int64_t date = kNow - 86400,
               std::vector<std::string> authors = {"ana"}) {
    Article a;
    a.section = std::move(section);
    a.slug = std::move(slug);
    a.title = std::move(title);
    a.body_markdown = std::move(body);
    a.date = date;
    a.author_ids = std::move(authors);
    a.source_path = "content/" + a.section + "/" + a.slug + ".md";
    auto id = store_->SaveArticle(a);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }
  std::vector<std::string> Slugs(SearchQuery q) {
    if (q.now == 0) q.now = kNow;
    auto r = store_->Search(q);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const SearchHit& h : r->hits) out.push_back(h.slug);
    }
    return out;
  }
  std::vector<std::string> Slugs(std::string text) {
    SearchQuery q;
    q.text = std::move(text);
    return Slugs(q);
  }
  std::filesystem::path dir_;
  std::unique_ptr<ContentStore> store_;
};

using Strings = std::vector<std::string>;

TEST_F(SqliteSearchTest, CaseAndAccentsFoldAndTheLastWordIsAPrefix) {
  Save("decalogue", "The Decalogue", "Krzysztof Kieślowski and Jerzy Dąbrowski at the table.");
  Save("cleo", "Cléo from 5 to 7", "Agnès Varda follows a singer through Paris.");
  Save("lodz", "The Łódź film school", "Where everyone studied.");
  EXPECT_EQ(Slugs("dabrowski"), Strings{"decalogue"});
  EXPECT_EQ(Slugs("DĄBROWSKI"), Strings{"decalogue"});
  EXPECT_EQ(Slugs("cleo"), Strings{"cleo"});
  EXPECT_EQ(Slugs("agnes varda"), Strings{"cleo"});
  EXPECT_EQ(Slugs("kiesl"), Strings{"decalogue"});
  EXPECT_EQ(Slugs("kiesl "), Strings{});  // a finished word is a whole word
  EXPECT_EQ(Slugs("lodz"), Strings{"lodz"});
}

TEST_F(SqliteSearchTest, ASubmittedSearchTakesTheLastWordAsAPrefixOnlyWhenNothingHasItWhole) {
  Save("with", "A night", "She came with nothing.");
  Save("within", "A day", "Everything within reach.");
  Save("without", "A week", "Without a word.");
  EXPECT_EQ(Slugs("with"), Strings{"with"});
  EXPECT_EQ(Slugs("withi"), Strings{"within"});  // no article has "withi": longer words
  SearchQuery q;
  q.text = "withou";
  q.count = false;
  q.typing = true;  // suggestions: the word being typed is the start of longer ones
  EXPECT_EQ(Slugs(q), Strings{"without"});
}

TEST_F(SqliteSearchTest, SuggestionsListHeadlineMatchesOfTheWordBeingTypedFirst) {
  Save("body", "Notes from the coast", "The harbour at night, the harbour at dawn.", "essays",
       kNow - 10);
  Save("title", "Harbour Lights", "A short review.", "reviews", kNow - 1000);
  SearchQuery q;
  q.text = "harb";
  q.count = false;
  q.typing = true;
  EXPECT_EQ(Slugs(q), (Strings{"title", "body"}));
  q.text = "harbour";  // a whole word is found in bodies too
  EXPECT_EQ(Slugs(q), (Strings{"title", "body"}));
}

TEST_F(SqliteSearchTest, RareWordsWeighMoreThanCommonOnes) {
  for (int i = 0; i < 20; ++i) {
    Save("filler" + std::to_string(i), "Filler", "the quiet town and the river");
  }
  std::string many_the, many_rare;
  for (int i = 0; i < 20; ++i) many_the += "the ";
  Save("common", "One", many_the + "tangerine and more words here to pad the text out");
  Save("rare", "Two", "the tangerine tangerine tangerine and more words to pad it out");
  EXPECT_EQ(Slugs("the tangerine"), (Strings{"rare", "common"}));
}

TEST_F(SqliteSearchTest, FilterWordsCannotBeTyped) {
  Save("r", "A river", "water", "reviews", kNow - 86400, {"ana"});
  for (const char* typed :
       {"sreviews", "reviews water", "aana", "kpage", "y2025", "\x01sreviews", "%01sreviews"}) {
    EXPECT_EQ(Slugs(typed), Strings{}) << typed;
  }
  EXPECT_EQ(Slugs("water"), Strings{"r"});
}

TEST_F(SqliteSearchTest, AYearInTheSiteTimeZoneFindsArticlesFromTheEndOfTheUtcYearBefore) {
  // 2024-12-31 20:00 UTC is 2025-01-01 06:00 in UTC+10.
  const int64_t new_years_eve = 1'735'675'200;
  Save("late", "Late", "fireworks", "reviews", new_years_eve);
  Save("early", "Early", "fireworks", "reviews", new_years_eve - 86400);
  SearchQuery q;
  q.text = "fireworks";
  q.date_from = 1'735'653'600;  // 2025-01-01 00:00 in UTC+10
  q.date_to = 1'767'189'600;    // 2026-01-01 00:00 in UTC+10
  q.now = 1'800'000'000;
  EXPECT_EQ(Slugs(q), Strings{"late"});
  q.section = "reviews";
  q.author = "ana";
  EXPECT_EQ(Slugs(q), Strings{"late"});
  q.author = "tomas";
  EXPECT_EQ(Slugs(q), Strings{});
}

TEST_F(SqliteSearchTest, TextPreparedAheadIsWhatIsIndexed) {
  Article a;
  a.section = "reviews";
  a.slug = "prepared";
  a.source_path = "content/reviews/prepared.md";
  a.title = "Prepared";
  a.body_markdown = "The *lighthouse* keeper.";
  a.date = kNow - 100;
  SearchText t = store_->PrepareSearchText(a);
  EXPECT_EQ(t.body, "The lighthouse keeper.");  // the stand-in Markdown-to-text ran
  ASSERT_TRUE(store_->SaveArticle(a, &t).ok());
  EXPECT_EQ(Slugs("lighthouse"), Strings{"prepared"});
  // What was prepared is what is indexed (an import prepares it from the same article).
  a.slug = "other";
  a.source_path = "content/reviews/other.md";
  t.body = "A foghorn.";
  ASSERT_TRUE(store_->SaveArticle(a, &t).ok());
  EXPECT_EQ(Slugs("foghorn"), Strings{"other"});
}

TEST_F(SqliteSearchTest, ARenamedWriterIsFoundByTheNewName) {
  Save("r", "A river", "The water was *cold*.", "reviews", kNow - 86400, {"ana"});
  EXPECT_EQ(Slugs("lindqvist"), Strings{"r"});
  ASSERT_TRUE(store_->SaveAuthor(Author{"ana", "Ana Berglund", "", "", "", ""}));
  EXPECT_EQ(Slugs("berglund"), Strings{"r"});
  EXPECT_EQ(Slugs("lindqvist"), Strings{});
  EXPECT_EQ(Slugs("cold"), Strings{"r"});  // the body is still indexed, as text
  // Inside a transaction that is rolled back, the index goes back with the name.
  ASSERT_TRUE(store_->BeginTransaction());
  ASSERT_TRUE(store_->SaveAuthor(Author{"ana", "Ana Holm", "", "", "", ""}));
  ASSERT_TRUE(store_->Rollback());
  EXPECT_EQ(Slugs("holm"), Strings{});
  EXPECT_EQ(Slugs("berglund"), Strings{"r"});
}

TEST_F(SqliteSearchTest, PhrasesKeepTheirOrder) {
  Save("a", "One", "The long take holds on the sea.");
  Save("b", "Two", "Take the long way home.");
  EXPECT_EQ(Slugs("\"long take\""), Strings{"a"});
  auto both = Slugs("long take");
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, (Strings{"a", "b"}));
}

TEST_F(SqliteSearchTest, ChineseJapaneseAndKoreanAreFound) {
  Save("tokyo", "東京物語", "小津安二郎の映画。");
  Save("park", "An interview", "박서연 감독은 부산에서 영화를 찍었다.");
  EXPECT_EQ(Slugs("東京物語"), Strings{"tokyo"});
  EXPECT_EQ(Slugs("物語"), Strings{"tokyo"});
  EXPECT_EQ(Slugs("小津"), Strings{"tokyo"});
  EXPECT_EQ(Slugs("安二郎"), Strings{"tokyo"});
  EXPECT_EQ(Slugs("東"), Strings{"tokyo"});  // one character: a prefix of its pairs
  EXPECT_EQ(Slugs("박서연"), Strings{"park"});
  EXPECT_EQ(Slugs("감독"), Strings{"park"});
  EXPECT_EQ(Slugs("부산"), Strings{"park"});
  EXPECT_EQ(Slugs("서울"), Strings{});
  // The snippet marks the CJK match in the original text.
  SearchQuery q;
  q.text = "박서연";
  q.now = kNow;
  auto r = store_->Search(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_NE(r->hits[0].snippet_html.find("<mark>박서연</mark>"), std::string::npos)
      << r->hits[0].snippet_html;
}

TEST_F(SqliteSearchTest, TitleAndFilmMatchesRankFirst) {
  std::string body;
  for (int i = 0; i < 8; ++i) body += "Harbour lights and the harbour at night. ";
  Save("body", "Notes from the coast", body);
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
  ASSERT_TRUE(store_->SaveArticle(a));
  Save("title", "Harbour Lights", "A short review.");
  auto got = Slugs("harbour");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2], "body");
  EXPECT_EQ(Slugs("solberg"), Strings{"film"});  // directors are searched
  SearchQuery q;
  q.text = "harbour";
  q.now = kNow;
  auto r = store_->Search(q);
  ASSERT_TRUE(r.ok());
  for (const auto& h : r->hits) {
    if (h.slug == "film") {
      EXPECT_EQ(h.film_title, "Harbour");
    }
  }
}

TEST_F(SqliteSearchTest, Filters) {
  Save("r1", "Rivers review", "rivers", "reviews", kNow - 400 * 86400, {"ana"});
  Save("r2", "Rivers again", "rivers", "reviews", kNow - 10 * 86400, {"tomas"});
  int64_t e = Save("e1", "Rivers essay", "rivers", "essays", kNow - 5 * 86400, {"ana", "tomas"});
  Save("c1", "Rivers collection", "rivers", "collections");
  Save("p1", "Rivers page", "rivers", "", kNow - 86400, {});
  SearchQuery q;
  q.text = "rivers";
  q.section = "reviews";
  auto got = Slugs(q);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (Strings{"r1", "r2"}));
  q.section = "";
  q.author = "tomas";
  got = Slugs(q);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (Strings{"e1", "r2"}));
  q.author = "";
  q.date_from = kNow - 30 * 86400;
  q.date_to = kNow - 7 * 86400;
  EXPECT_EQ(Slugs(q), Strings{"r2"});
  q.date_from = q.date_to = 0;
  q.restrict_ids = true;
  q.ids = {e};
  EXPECT_EQ(Slugs(q), Strings{"e1"});
  q.restrict_ids = false;
  q.exclude_sections = {"collections", "reviews", "essays"};
  EXPECT_EQ(Slugs(q), Strings{"p1"});
}

TEST_F(SqliteSearchTest, PagesAreAKind) {
  Article p;
  p.kind = ArticleKind::kPage;
  p.slug = "about";
  p.title = "About the magazine";
  p.date = kNow - 100;
  p.body_markdown = "Who we are.";
  ASSERT_TRUE(store_->SaveArticle(p));
  Save("r", "A review about nothing", "x");
  SearchQuery q;
  q.text = "about";
  q.section = "page";
  EXPECT_EQ(Slugs(q), Strings{"about"});
}

TEST_F(SqliteSearchTest, DraftsAndScheduledArticlesAreNeverFoundNorQuoted) {
  Article draft;
  draft.section = "reviews";
  draft.slug = "draft";
  draft.title = "Secret draft";
  draft.date = kNow - 100;
  draft.draft = true;
  draft.body_markdown = "The embargoed verdict: marvellous.";
  ASSERT_TRUE(store_->SaveArticle(draft));
  Save("later", "Scheduled piece", "The embargoed verdict arrives tomorrow.", "reviews",
       kNow + 3600);
  Save("now", "Public piece", "Nothing embargoed here except the word.");
  EXPECT_EQ(Slugs("embargoed"), Strings{"now"});
  EXPECT_EQ(Slugs("verdict"), Strings{});
  SearchQuery q;
  q.text = "verdict";
  q.now = kNow + 7200;  // once its time has come the scheduled piece is found
  EXPECT_EQ(Slugs(q), Strings{"later"});
}

TEST_F(SqliteSearchTest, WithSearchTurnedOffNothingIsIndexedUntilItIsTurnedOnAgain) {
  Save("before", "Indexed while search was on", "Lighthouse keepers.");
  store_.reset();
  SqliteStoreOptions off;
  off.search_index = false;
  auto s = OpenSqliteStore(dir_ / "site.db", off);
  ASSERT_TRUE(s.ok());
  store_ = std::move(*s);
  Save("during", "Written while search was off", "Lighthouse lamps.");
  store_.reset();
  Open();  // search on again: every article is indexed anew, the one written meanwhile too
  EXPECT_EQ(Slugs("lighthouse").size(), 2u);
  EXPECT_EQ(Slugs("lamps"), Strings{"during"});
}

// The newsletter commands opened the store first, before any other, without the text
// functions: a rebuild asked for by a migration indexed raw Markdown. Every way in takes them.
TEST_F(SqliteSearchTest, ARebuildOnOpenUsesTheTextFunctionsWhicheverStoreOpensFirst) {
  Save("marked", "Keepers", "The light_house at night.");
  store_.reset();
  SqliteStoreOptions off = Options();
  off.search_index = false;  // the index is marked to be made again at the next open
  ASSERT_TRUE(OpenSqliteStore(dir_ / "site.db", off).ok());
  auto newsletters = OpenSqliteNewsletterStore(dir_ / "site.db", Options());
  ASSERT_TRUE(newsletters.ok()) << newsletters.error().ToString();
  Open();  // the index was made again by the newsletter store's open, not by this one
  EXPECT_EQ(Slugs("lighthouse"), Strings{"marked"});
}

TEST_F(SqliteSearchTest, PasswordProtectedPostsAreNeverFound) {
  Article locked;
  locked.section = "articles";
  locked.slug = "locked";
  locked.title = "Members' secret";
  locked.date = kNow - 100;
  locked.password_protected = true;  // a WordPress post behind a password
  locked.body_markdown = "The hidden verdict.";
  ASSERT_TRUE(store_->SaveArticle(locked));
  EXPECT_EQ(Slugs("verdict"), Strings{});
  EXPECT_EQ(Slugs("secret"), Strings{});
}

TEST_F(SqliteSearchTest, HtmlBodiesAreSearchedByTheirTextNotTheirTags) {
  store_.reset();
  SqliteStoreOptions o;
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
  auto reopened = OpenSqliteStore(dir_ / "site.db", o);
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(*reopened);
  Article a;
  a.section = "articles";
  a.slug = "imported";
  a.title = "From the old site";
  a.date = kNow - 100;
  a.body_format = BodyFormat::kHtml;
  a.body_markdown = "<p>The <strong class=\"tatami\">floorboards</strong> creak.</p>";
  ASSERT_TRUE(store_->SaveArticle(a));
  EXPECT_EQ(Slugs("floorboards"), Strings{"imported"});
  EXPECT_EQ(Slugs("strong"), Strings{});
  EXPECT_EQ(Slugs("tatami"), Strings{});
}

TEST_F(SqliteSearchTest, SnippetsAreEscapedAndMarked) {
  Save("x", "Markup", "Before <script>alert('x')</script> the **montage** & after.");
  SearchQuery q;
  q.text = "montage";
  q.now = kNow;
  auto r = store_->Search(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  const std::string& s = r->hits[0].snippet_html;
  EXPECT_NE(s.find("&lt;script&gt;"), std::string::npos) << s;
  EXPECT_EQ(s.find("<script"), std::string::npos) << s;
  EXPECT_NE(s.find("<mark>montage</mark> &amp; after"), std::string::npos) << s;
}

TEST_F(SqliteSearchTest, PaginationAndCounts) {
  for (int i = 0; i < 25; ++i) Save("s" + std::to_string(i), "Shore " + std::to_string(i), "sand");
  SearchQuery q;
  q.text = "shore";
  q.now = kNow;
  q.limit = 10;
  auto r = store_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 25u);
  EXPECT_EQ(r->hits.size(), 10u);
  q.offset = 20;
  r = store_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->hits.size(), 5u);
  q.offset = 40;
  r = store_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->hits.empty());
}

TEST_F(SqliteSearchTest, TheIndexFollowsEveryWrite) {
  int64_t id = Save("x", "Marigold", "petals");
  EXPECT_EQ(Slugs("marigold"), Strings{"x"});
  // An edit replaces what was indexed.
  Article a;
  a.id = id;
  a.section = "reviews";
  a.slug = "x";
  a.title = "Sunflower";
  a.date = kNow - 10;
  a.body_markdown = "seeds";
  ASSERT_TRUE(store_->SaveArticle(a));
  EXPECT_EQ(Slugs("marigold"), Strings{});
  EXPECT_EQ(Slugs("sunflower"), Strings{"x"});
  // A rolled-back write leaves no trace; a deleted article is gone.
  ASSERT_TRUE(store_->BeginTransaction());
  Save("y", "Orchid", "roots");
  ASSERT_TRUE(store_->Rollback());
  EXPECT_EQ(Slugs("orchid"), Strings{});
  ASSERT_TRUE(store_->DeleteArticle(id));
  EXPECT_EQ(Slugs("sunflower"), Strings{});
  // Another connection sees a commit at once.
  auto other = OpenSqliteStore(dir_ / "site.db", {});
  ASSERT_TRUE(other.ok());
  Save("z", "Tulip", "bulb");
  SearchQuery q;
  q.text = "tulip";
  q.now = kNow;
  auto r = (*other)->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->hits.size(), 1u);
}

TEST_F(SqliteSearchTest, ArticlesStoredBeforeSearchExistedAreIndexedOnOpen) {
  Save("old", "Heron", "An old article.");
  store_.reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "site.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(RegisterSearchTokenizer(db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DELETE FROM article_search; UPDATE search_state SET rebuild = 1;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  Open();
  EXPECT_EQ(Slugs("heron"), Strings{"old"});
}

TEST_F(SqliteSearchTest, HostileQueriesFindSomethingOrNothingQuickly) {
  Save("a", "Night train", "A \"quoted\" body with title: and AND OR NOT words.");
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
    auto r = store_->Search(q);
    ASSERT_TRUE(r.ok()) << h.substr(0, 40) << ": " << r.error().ToString();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  }
  EXPECT_EQ(Slugs("night\""), Strings{"a"});
  EXPECT_EQ(Slugs("title:night"), Strings{"a"});  // two words, both in the body
  EXPECT_EQ(Slugs("body:night"), Strings{"a"});
  EXPECT_EQ(Slugs("dek:night"), Strings{});  // no column filter: "dek" is a word it lacks
  EXPECT_EQ(Slugs("quoted AND"), Strings{"a"});
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string s(static_cast<size_t>(rng() % 64), '\0');
    for (char& c : s) c = static_cast<char>(" \"*:^(){}-+ANDORnight\xc3\xa9\xff"[rng() % 24]);
    SearchQuery q;
    q.text = s;
    q.now = kNow;
    auto r = store_->Search(q);
    ASSERT_TRUE(r.ok()) << s << ": " << r.error().ToString();
  }
}

TEST(ToFts5Expression, QuotesEveryWord) {
  EXPECT_EQ(ToFts5Expression(ParseSearchQuery("Dąbrowski \"long take\" kiesl")),
            "\"dabrowski\" \"long take\" \"kiesl\"*");
  EXPECT_EQ(ToFts5Expression(ParseSearchQuery("a OR b")), "\"a\" \"or\" \"b\"");
  EXPECT_EQ(ToFts5Expression({QueryGroup{{"x\"y"}, false, false}}), "\"x\"\"y\"");
  EXPECT_EQ(ToFts5Expression({}), "");
}

}  // namespace
}  // namespace cinepress
