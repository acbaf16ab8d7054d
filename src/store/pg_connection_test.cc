// PgConnection's rows kept for COPY, on the test cluster's PostgreSQL: sent before the commit
// with their text intact, dropped with a failed savepoint or a rollback, and a failed COPY
// reported.
#include "store/pg_connection.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 2u);
  EXPECT_TRUE(Rows().empty()) << "not sent yet";
  ASSERT_TRUE(db_->Commit());
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 0u);
  EXPECT_EQ(Rows(), (std::vector<std::string>{"1=a\ttab, a\nline, a \\ backslash, a \\N, a\rreturn",
                                              "2=été ł"}));
}

TEST_F(PgConnectionTest, AFailedSavepointDropsTheRowsKeptInsideItOnly) {
  ASSERT_TRUE(db_->Exec("BEGIN"));
  db_->CopyRow(kTarget, {"1", "before"});
  auto failed = db_->Atomically(
      [&]() -> Status {
        db_->CopyRow(kTarget, {"2", "inside"});
        return Error{ErrorCode::kStore, "no", {}, 0, {}};
      },
      /*keep_copies=*/true);
  EXPECT_FALSE(failed);
  ASSERT_TRUE(db_->Atomically(
      [&]() -> Status {
        db_->CopyRow(kTarget, {"3", "kept"});
        return {};
      },
      /*keep_copies=*/true));
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 2u);
  ASSERT_TRUE(db_->Commit());
  EXPECT_EQ(Rows(), (std::vector<std::string>{"1=before", "3=kept"}));
}

TEST_F(PgConnectionTest, ASavepointThatMaySendSendsWhatWasKeptBeforeIt) {
  ASSERT_TRUE(db_->Exec("BEGIN"));
  db_->CopyRow(kTarget, {"1", "before"});
  EXPECT_FALSE(db_->Atomically([&]() -> Status {
    EXPECT_EQ(db_->KeptCopyRows(kTarget), 0u) << "sent when the savepoint began";
    db_->CopyRow(kTarget, {"2", "inside"});
    if (auto s = db_->FlushCopies(); !s) return s;
    return Error{ErrorCode::kStore, "no", {}, 0, {}};
  }));
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
