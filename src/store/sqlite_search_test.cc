// What only the SQLite store's search does: FTS5 expressions, and an index made again on open
// (the search itself, for every engine: search_contract_test.cc).
#include "store/sqlite_search.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

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

TEST(ToFts5Expression, QuotesEveryWord) {
  EXPECT_EQ(ToFts5Expression(ParseSearchQuery("Dąbrowski \"long take\" kiesl")),
            "\"dabrowski\" \"long take\" \"kiesl\"*");
  EXPECT_EQ(ToFts5Expression(ParseSearchQuery("a OR b")), "\"a\" \"or\" \"b\"");
  EXPECT_EQ(ToFts5Expression({QueryGroup{{"x\"y"}, false, false}}), "\"x\"\"y\"");
  EXPECT_EQ(ToFts5Expression({}), "");
}

}  // namespace
}  // namespace cinepress
