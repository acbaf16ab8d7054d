// PgConnection's rows kept for COPY, on the test cluster's PostgreSQL: sent before the commit
// with their text intact, dropped with a failed savepoint or a rollback, and a failed COPY
// reported.
#include <gtest/gtest.h>

#include "store/pg_connection.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

class PgConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    auto db = PgConnection::Open(engine_.With({}).url, "");
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (a BIGINT PRIMARY KEY, b TEXT)"));
  }
  std::vector<std::string> Rows() {
    std::vector<std::string> out;
    auto q = db_->Query("SELECT a, b FROM t ORDER BY a");
    EXPECT_TRUE(q.ok());
    for (int r = 0; q.ok() && r < q->size(); ++r)
      out.push_back(q->Text(r, 0) + "=" + q->Text(r, 1));
    return out;
  }
  static constexpr const char* kTarget = "t (a, b)";
  PgTestEngine engine_;
  std::unique_ptr<PgConnection> db_;
};

TEST_F(PgConnectionTest, KeptRowsAreSentBeforeTheCommitWithTheirTextIntact) {
  ASSERT_TRUE(db_->Exec("BEGIN"));
  db_->CopyRow(kTarget, {"1", "a\ttab, a\nline, a \\ backslash, a \\N, a\rreturn"});
  db_->CopyRow(kTarget, {"2", "été ł"});
  db_->CopyRow(kTarget, {"3", std::nullopt});
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 3u);
  ASSERT_TRUE(db_->Commit());
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 0u);
  EXPECT_EQ(Rows(), (std::vector<std::string>{"1=a\ttab, a\nline, a \\ backslash, a \\N, a\rreturn",
                                              "2=été ł", "3="}));
  auto nulls = db_->Query("SELECT a FROM t WHERE b IS NULL");
  ASSERT_TRUE(nulls.ok());
  ASSERT_EQ(nulls->size(), 1);
  EXPECT_EQ(nulls->Int(0, 0), 3);
}

// Every statement reads the rows kept before it (they are sent first), but QueryKeepingCopies,
// which reads the tables without them.
TEST_F(PgConnectionTest, AQueryReadsTheKeptRowsAndQueryKeepingCopiesDoesNot) {
  ASSERT_TRUE(db_->Exec("BEGIN"));
  db_->CopyRow(kTarget, {"1", "kept"});
  auto without = db_->QueryKeepingCopies("SELECT count(*) FROM t", {});
  ASSERT_TRUE(without.ok()) << without.error().ToString();
  EXPECT_EQ(without->Int(0, 0), 0);
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 1u);
  EXPECT_EQ(Rows(), std::vector<std::string>{"1=kept"});
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 0u);
  ASSERT_TRUE(db_->Commit());
}

// An import's writes: each in a savepoint sent with it in one round trip, the rows kept for COPY
// left kept; one refused leaves the transaction and the others as they were.
TEST_F(PgConnectionTest, AWriteInATransactionIsOneSavepointAndKeepsTheRowsKeptForCopy) {
  ASSERT_TRUE(db_->Exec("BEGIN"));
  db_->CopyRow(kTarget, {"1", "kept"});
  const char* insert = "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING a";
  auto written = db_->Write(insert, {int64_t{5}, std::string_view("written")}, true);
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  EXPECT_EQ(written->Int(0, 0), 5);
  auto twice = db_->Write(insert, {int64_t{5}, std::string_view("again")}, true);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict) << twice.error().ToString();
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 1u);
  ASSERT_TRUE(db_->Write(insert, {int64_t{6}, std::string_view("after")}, true).ok());
  ASSERT_TRUE(db_->Commit());
  EXPECT_EQ(Rows(), (std::vector<std::string>{"1=kept", "5=written", "6=after"}));
}

// A savepoint sends what was kept before it, and drops what was kept inside it with a rollback.
TEST_F(PgConnectionTest, ASavepointSendsWhatWasKeptBeforeItAndDropsWhatItKeptWhenItFails) {
  ASSERT_TRUE(db_->Exec("BEGIN"));
  db_->CopyRow(kTarget, {"1", "before"});
  EXPECT_FALSE(db_->Atomically([&]() -> Status {
    EXPECT_EQ(db_->KeptCopyRows(kTarget), 0u) << "sent when the savepoint began";
    db_->CopyRow(kTarget, {"2", "inside, sent"});
    if (auto s = db_->FlushCopies(); !s) return s;
    db_->CopyRow(kTarget, {"3", "inside, kept"});
    return Error{ErrorCode::kStore, "no", {}, 0, {}};
  }));
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 0u);
  ASSERT_TRUE(db_->Commit());
  EXPECT_EQ(Rows(), (std::vector<std::string>{"1=before"}));
}

TEST_F(PgConnectionTest, ARollbackDropsTheKeptRowsAndAFailedCopyIsReported) {
  ASSERT_TRUE(db_->Exec("BEGIN"));
  db_->CopyRow(kTarget, {"1", "x"});
  ASSERT_TRUE(db_->Rollback());
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 0u);
  EXPECT_TRUE(Rows().empty());
  ASSERT_TRUE(db_->Exec("BEGIN"));
  db_->CopyRow(kTarget, {"1", "x"});
  db_->CopyRow(kTarget, {"1", "the same key"});
  auto s = db_->Commit();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kConflict) << s.error().ToString();
  ASSERT_TRUE(db_->Rollback());
  EXPECT_TRUE(Rows().empty());
}

}  // namespace
}  // namespace cinepress
