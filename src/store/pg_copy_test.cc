// PgConnection's rows kept for COPY, on the test cluster's PostgreSQL: sent before the commit
// with their values intact (in the binary format: text, integers, arrays, tsvectors), dropped
// with a failed savepoint or a rollback, and a failed COPY reported.
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
  db_->CopyRow(kTarget).Int(1).Text("a\ttab, a\nline, a \\ backslash, a \\N, a\rreturn");
  db_->CopyRow(kTarget).Int(2).Text("été ł");
  db_->CopyRow(kTarget).Int(3).TextOrNull(std::nullopt);
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
  db_->CopyRow(kTarget).Int(1).Text("kept");
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
  db_->CopyRow(kTarget).Int(1).Text("kept");
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
  db_->CopyRow(kTarget).Int(1).Text("before");
  EXPECT_FALSE(db_->Atomically([&]() -> Status {
    EXPECT_EQ(db_->KeptCopyRows(kTarget), 0u) << "sent when the savepoint began";
    db_->CopyRow(kTarget).Int(2).Text("inside, sent");
    if (auto s = db_->FlushCopies(); !s) return s;
    db_->CopyRow(kTarget).Int(3).Text("inside, kept");
    return Error{ErrorCode::kStore, "no", {}, 0, {}};
  }));
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 0u);
  ASSERT_TRUE(db_->Commit());
  EXPECT_EQ(Rows(), (std::vector<std::string>{"1=before"}));
}

TEST_F(PgConnectionTest, ARollbackDropsTheKeptRowsAndAFailedCopyIsReported) {
  ASSERT_TRUE(db_->Exec("BEGIN"));
  db_->CopyRow(kTarget).Int(1).Text("x");
  ASSERT_TRUE(db_->Rollback());
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 0u);
  EXPECT_TRUE(Rows().empty());
  ASSERT_TRUE(db_->Exec("BEGIN"));
  db_->CopyRow(kTarget).Int(1).Text("x");
  db_->CopyRow(kTarget).Int(1).Text("the same key");
  auto s = db_->Commit();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kConflict) << s.error().ToString();
  ASSERT_TRUE(db_->Rollback());
  EXPECT_TRUE(Rows().empty());
}

// Rows sent ahead are stored while the caller goes on: the next statement waits for them, and
// they still count as kept until a statement sends the rest; a send that fails is the next
// statement's error, and a rollback drops what was sent.
TEST_F(PgConnectionTest, RowsSentAheadAreInTheTableAtTheNextStatementAndAFailedSendIsReported) {
  ASSERT_TRUE(db_->Exec("BEGIN"));
  for (int64_t i = 1; i <= 3; ++i) db_->CopyRow(kTarget).Int(i).Text("ahead");
  db_->SendCopiesAhead();
  db_->CopyRow(kTarget).Int(4).Text("kept");
  db_->SendCopiesAhead();  // waits for the first send
  db_->CopyRow(kTarget).Int(5).Text("kept");
  auto sent = db_->QueryKeepingCopies("SELECT count(*) FROM t", {});
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(sent->Int(0, 0), 4);
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 5u);
  ASSERT_TRUE(db_->Commit());
  EXPECT_EQ(db_->KeptCopyRows(kTarget), 0u);
  EXPECT_EQ(Rows(),
            (std::vector<std::string>{"1=ahead", "2=ahead", "3=ahead", "4=kept", "5=kept"}));

  ASSERT_TRUE(db_->Exec("BEGIN"));
  db_->CopyRow(kTarget).Int(6).Text("new");
  db_->CopyRow(kTarget).Int(1).Text("taken");
  db_->SendCopiesAhead();
  auto next = db_->QueryKeepingCopies("SELECT 1", {});
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().code, ErrorCode::kConflict) << next.error().ToString();
  ASSERT_TRUE(db_->Rollback());
  EXPECT_EQ(Rows().size(), 5u);
}

// Every type an import copies, read back as PostgreSQL shows it: a tsvector's words sorted
// and each once, its positions ascending, none past 16383 and at most 256 a word, as its text
// form would have given.
TEST_F(PgConnectionTest, BinaryRowsKeepEveryTypeAsItsTextFormWould) {
  ASSERT_TRUE(db_->Exec(
      "CREATE TABLE v (id BIGINT, part SMALLINT, names TEXT[], none TEXT[], words TSVECTOR)"));
  PgWords words;
  words.Add("zebra", 2);
  words.Add("ła'\\ś", 3);
  words.Add("apple", 4);
  words.Add("app", 5);
  words.Add("apple", 9);
  for (int64_t p = 16380; p < 16400; ++p) words.Add("late", p);
  for (int64_t p = 10; p < 400; ++p) words.Add("many", p);
  PgWords nothing;
  EXPECT_TRUE(nothing.empty());
  ASSERT_TRUE(db_->Exec("BEGIN"));
  const char* target = "v (id, part, names, none, words)";
  db_->CopyRow(target)
      .Int(-5'000'000'000)
      .SmallInt(7)
      .TextArray({"ann \"a\"", "bo,b"})
      .TextArray({})
      .Binary(words.Binary());
  db_->CopyRow(target).Int(2).SmallInt(-1).Null().TextArray({""}).Binary(nothing.Binary());
  ASSERT_TRUE(db_->Commit());
  auto q = db_->Query(
      "SELECT id, part, names::text, none::text, words::text, array_length(tsvector_to_array("
      "words), 1), (SELECT array_length(positions, 1) FROM unnest(words) WHERE lexeme = 'many')"
      " FROM v ORDER BY id");
  ASSERT_TRUE(q.ok()) << q.error().ToString();
  ASSERT_EQ(q->size(), 2);
  EXPECT_EQ(q->Text(0, 0), "-5000000000");
  EXPECT_EQ(q->Text(0, 1), "7");
  EXPECT_EQ(q->Text(0, 2), "{\"ann \\\"a\\\"\",\"bo,b\"}");
  EXPECT_EQ(q->Text(0, 3), "{}");
  const std::string text = q->Text(0, 4);
  EXPECT_EQ(text.substr(0, text.find(" 'many'")),
            "'app':5 'apple':4,9 'late':16380,16381,16382,16383");
  EXPECT_NE(text.find("'zebra':2 'ła''\\\\ś':3"), std::string::npos) << text;
  EXPECT_EQ(q->Int(0, 5), 6);
  EXPECT_EQ(q->Int(0, 6), 256);
  EXPECT_EQ(q->Text(1, 1), "-1");
  EXPECT_TRUE(q->IsNull(1, 2));
  EXPECT_EQ(q->Text(1, 3), "{\"\"}");
  EXPECT_EQ(q->Text(1, 4), "");
}

}  // namespace
}  // namespace cinepress
