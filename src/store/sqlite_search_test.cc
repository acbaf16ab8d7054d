// What only the SQLite store's search does: FTS5 expressions, and an index made again on open
// (the search itself, for every engine: search_contract_test.cc).
#include "store/sqlite_search.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>

#include "store/open_store.h"
#include "store/search_test_fixture.h"

namespace cinepress {
namespace {

// The contract's fixture on SQLite.
class SqliteSearchTest : public SearchContract<SqliteTestEngine> {};

using Strings = std::vector<std::string>;

TEST_F(SqliteSearchTest, ArticlesStoredBeforeSearchExistedAreIndexedOnOpen) {
  Save("old", "Heron", "An old article.");
  store_.reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((engine_.file()).c_str(), &db), SQLITE_OK);
    ASSERT_EQ(RegisterSearchTokenizer(db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DELETE FROM article_search; UPDATE search_state SET rebuild = 1;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  Open();
  EXPECT_EQ(Slugs("heron"), Strings{"old"});
}

// The full-text tables hold 64 MiB of new words in memory before writing a segment (an import
// writes a few large segments, not a hundred small ones merged again and again).
TEST_F(SqliteSearchTest, FullTextTablesWriteLargeSegments) {
  Save("old", "Heron", "An old article.");
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((engine_.file()).c_str(), &db), SQLITE_OK);
  for (const char* table : {"article_search", "headline_search"}) {
    sqlite3_stmt* q = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(
            db, ("SELECT v FROM " + std::string(table) + "_config WHERE k = 'hashsize'").c_str(),
            -1, &q, nullptr),
        SQLITE_OK);
    ASSERT_EQ(sqlite3_step(q), SQLITE_ROW) << table;
    EXPECT_EQ(sqlite3_column_int64(q, 0), 64 << 20) << table;
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  Open();
  EXPECT_EQ(Slugs("heron"), Strings{"old"});
}

// An import saves articles with their search text made ahead, in one transaction: they are
// indexed a few hundred at a time (one segment of the index each time, not one per article),
// and every search, text read, savepoint and commit in the transaction sees them all.
TEST_F(SqliteSearchTest, ArticlesSavedWithTheirTextAreIndexedTogetherInTheTransaction) {
  auto word = [](int i) {
    return std::string("kestrel") + char('a' + i / 26) + char('a' + i % 26);
  };
  auto save = [&](const std::string& slug, const std::string& title, const std::string& body) {
    Article a;
    a.section = "reviews";
    a.slug = slug;
    a.title = title;
    a.body_markdown = body;
    a.date = kNow - 86400;
    a.author_ids = {"ana"};
    a.source_path = "content/reviews/" + slug + ".md";
    const SearchText text = store_->PrepareSearchText(a);
    auto id = store_->SaveArticle(a, &text);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  };
  ASSERT_TRUE(store_->BeginTransaction());
  for (int i = 0; i < 600; ++i) save("a" + std::to_string(i), "Title", "Body " + word(i) + ".");
  EXPECT_EQ(Slugs(word(599)), Strings{"a599"});  // a search in the transaction finds them
  const int64_t crane = save("crane", "Crane", "A crane wades.");
  auto text = store_->LoadSearchText(crane);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->body, "A crane wades.");
  save("heron", "Heron", "A heron waits.");
  ASSERT_TRUE(store_->Commit());
  for (int i : {0, 255, 256, 598, 599}) EXPECT_EQ(Slugs(word(i)), Strings{"a" + std::to_string(i)});
  EXPECT_EQ(Slugs("heron"), Strings{"heron"});
  ASSERT_TRUE(store_->BeginTransaction());
  save("osprey", "Osprey", "An osprey dives.");
  ASSERT_TRUE(store_->Rollback());
  ASSERT_TRUE(store_->BeginTransaction());
  save("plover", "Plover", "A plover runs.");
  ASSERT_TRUE(store_->Commit());
  EXPECT_EQ(Slugs("osprey"), Strings{});
  EXPECT_EQ(Slugs("plover"), Strings{"plover"});
  Open();
  EXPECT_EQ(Slugs("heron"), Strings{"heron"});
  EXPECT_EQ(Slugs(word(300)), Strings{"a300"});
}

// Every word of FTS5 table `table`, one "term doc column offset" each (fts5vocab's instances).
Strings IndexedWords(sqlite3* db, const std::string& table) {
  const std::string vocab = table + "_vocab";
  EXPECT_EQ(sqlite3_exec(db,
                         ("CREATE VIRTUAL TABLE IF NOT EXISTS " + vocab + " USING fts5vocab(" +
                          table + ", instance)")
                             .c_str(),
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  Strings out;
  sqlite3_stmt* q = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, ("SELECT term, doc, col, offset FROM " + vocab).c_str(), -1, &q,
                               nullptr),
            SQLITE_OK);
  while (sqlite3_step(q) == SQLITE_ROW) {
    std::string row = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    for (int c = 1; c < 4; ++c)
      row += ' ' + std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, c)));
    out.push_back(row);
  }
  sqlite3_finalize(q);
  return out;
}

// Inserts (title, body) as row 1 of `table`.
void Insert(sqlite3* db, const std::string& table, const std::string& title,
            const std::string& body) {
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(
                db, ("INSERT INTO " + table + " (rowid, title, body) VALUES (1, ?, ?)").c_str(), -1,
                &q, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(q, 1, title.data(), static_cast<int>(title.size()), SQLITE_STATIC);
  sqlite3_bind_text(q, 2, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
  EXPECT_EQ(sqlite3_step(q), SQLITE_DONE);
  sqlite3_finalize(q);
}

TEST(AnalysedWords, AreIndexedAsTheTokenizerWouldAnalyseTheText) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_EQ(RegisterSearchTokenizer(db), SQLITE_OK);
  for (const char* t : {"plain", "ahead", "wrong", "other"}) {
    ASSERT_EQ(sqlite3_exec(db,
                           ("CREATE VIRTUAL TABLE " + std::string(t) +
                            " USING fts5(title, body, tokenize = 'cinepress')")
                               .c_str(),
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
  }
  const std::string title = "Łódź: Straße";
  const std::string body =
      "Dąbrowski's long take — 東京物語, ﷺ 3-D Œuvre; ÆSIR ßx ii\u0308 Ⅻ ﬁlm 42nd\nnext line";
  const std::string words = AnalysedWords(body);
  EXPECT_EQ(words.substr(sizeof(size_t), 20), std::string("dabrowski\0s\0long\0take\0", 20));
  Insert(db, "plain", title, body);
  {
    UseAnalysedWords analysed{words};
    Insert(db, "ahead", title, body);
  }
  EXPECT_EQ(IndexedWords(db, "ahead"), IndexedWords(db, "plain"));
  {
    // The words given are what is indexed (the analysis is not made again)…
    const std::string given = words.substr(0, sizeof(size_t)) + std::string("given\0words\0", 12);
    UseAnalysedWords analysed{given};
    Insert(db, "wrong", title, body);
  }
  {
    // …for the text they were made from only: another is analysed.
    const std::string others = AnalysedWords(body + " ");  // kept while they are used
    UseAnalysedWords analysed{others};
    Insert(db, "other", title, body);
  }
  const Strings wrong = IndexedWords(db, "wrong");
  EXPECT_EQ(std::count(wrong.begin(), wrong.end(), "given 1 body 0"), 1);
  EXPECT_EQ(std::count(wrong.begin(), wrong.end(), "words 1 body 1"), 1);
  EXPECT_EQ(wrong.size(), 4u);  // and the title's 2 words
  EXPECT_EQ(IndexedWords(db, "other"), IndexedWords(db, "plain"));
  sqlite3_close(db);
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
