// An import's bulk way on PostgreSQL (store/pg_store.cc, PgStore::KeepArticle): the first
// articles into an empty store go by COPY, sent ahead every 500 while the next are made, and an
// empty search index's GIN indexes are made once, after the rows, whichever statement sends
// them; a rollback leaves the indexes as they were.
#include <gtest/gtest.h>

#include "store/pg_connection.h"
#include "store/search_test_fixture.h"

namespace cinepress {
namespace {

using Strings = std::vector<std::string>;

class PgImportTest : public SearchContract<PgTestEngine> {
 protected:
  // The search index's GIN index of every word, as PostgreSQL names it: a new number when it
  // was made again.
  int64_t WordsIndex() {
    auto db = PgConnection::Open(engine_.With({}).url, "");
    EXPECT_TRUE(db.ok()) << db.error().ToString();
    if (!db.ok()) return 0;
    auto q = (*db)->Query("SELECT 'search_docs_words'::regclass::oid::bigint");
    EXPECT_TRUE(q.ok()) << q.error().ToString();
    return q.ok() ? q->Int(0, 0) : 0;
  }
  void SaveLanterns(int n) {
    for (int i = 0; i < n; ++i) {
      Save("l" + std::to_string(i), "Lantern " + std::to_string(i),
           "A glow over the water, number" + std::to_string(i) + ".");
    }
  }
};

TEST_F(PgImportTest, AnImportIntoAnEmptyIndexMakesItsGinIndexesAfterItsRows) {
  const int64_t before = WordsIndex();
  ASSERT_TRUE(store_->BeginTransaction());
  SaveLanterns(1100);  // sent ahead at 500 and 1,000
  // A read sends the rest before the commit (a markdown import reads its podcasts there); the
  // articles after it are written one by one.
  ASSERT_TRUE(store_->LoadPodcastShows().ok());
  Save("late", "Firefly", "A glow in the grass.");
  ASSERT_TRUE(store_->Commit());
  const int64_t made = WordsIndex();
  EXPECT_NE(made, before);
  SearchQuery q;
  q.text = "glow";
  q.now = kNow;
  auto r = store_->Search(q);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->total, SearchResults::kMaxCounted);  // of 1,101
  EXPECT_TRUE(r->more_than_total);
  EXPECT_EQ(Slugs("number1099"), Strings{"l1099"});
  EXPECT_EQ(Slugs("\"over the water\" number42"), Strings{"l42"});
  EXPECT_EQ(Slugs("firefly"), Strings{"late"});
  // Into an index with rows, the next import adds to it.
  ASSERT_TRUE(store_->BeginTransaction());
  Save("next", "Moth", "Drawn to the glow.");
  ASSERT_TRUE(store_->Commit());
  EXPECT_EQ(WordsIndex(), made);
  EXPECT_EQ(Slugs("moth"), Strings{"next"});
}

// The ids taken ahead in blocks and not used go back at the commit, even when a read sent the
// rows before it: the next article's id follows the last one's, as in SQLite.
TEST_F(PgImportTest, TheNextArticleAfterAnImportTakesTheIdAfterItsLast) {
  ASSERT_TRUE(store_->BeginTransaction());
  SaveLanterns(600);
  ASSERT_TRUE(store_->LoadPodcastShows().ok());
  ASSERT_TRUE(store_->Commit());
  EXPECT_EQ(Save("next", "Moth", "Drawn to the glow."), 601);
}

// An article written one by one after the read took an id past the block: the sequence is left
// where it is (going back would give the next article an id in use).
TEST_F(PgImportTest, AnArticleWrittenAfterTheBlockKeepsTheSequenceWhereItIs) {
  ASSERT_TRUE(store_->BeginTransaction());
  SaveLanterns(600);
  ASSERT_TRUE(store_->LoadPodcastShows().ok());
  const int64_t late = Save("late", "Firefly", "A glow in the grass.");
  ASSERT_TRUE(store_->Commit());
  EXPECT_GT(late, 600);
  EXPECT_EQ(Save("next", "Moth", "Drawn to the glow."), late + 1);
}

TEST_F(PgImportTest, ARolledBackImportLeavesTheIndexesAndNoRows) {
  const int64_t before = WordsIndex();
  ASSERT_TRUE(store_->BeginTransaction());
  SaveLanterns(700);
  ASSERT_TRUE(store_->Rollback());
  EXPECT_EQ(WordsIndex(), before);
  EXPECT_EQ(Slugs("glow"), Strings{});
  auto articles = store_->LoadArticles(false);
  ASSERT_TRUE(articles.ok());
  EXPECT_TRUE(articles->empty());
  // A small import keeps the indexes it finds.
  ASSERT_TRUE(store_->BeginTransaction());
  SaveLanterns(3);
  ASSERT_TRUE(store_->Commit());
  EXPECT_EQ(WordsIndex(), before);
  EXPECT_EQ(Slugs("number2"), Strings{"l2"});
}

}  // namespace
}  // namespace cinepress
