// PgConnection when the server ends its session (a restart, a failover, an administrator's
// pg_terminate_backend): opened again by the next statement outside a transaction; inside one,
// failing until the caller rolls back. And the store roles over it: a lost connection answers
// again, a change listener listens again, a lease is not believed held by a new session.
#include "store/pg_connection.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

class PgReconnect : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    static int counter = 0;
    name_ = "cut-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    url_ = engine_.With({}).url + "&application_name=" + name_;
    auto admin = PgConnection::Open(PgTestEngine::ServerUrl(), "");
    ASSERT_TRUE(admin.ok()) << admin.error().ToString();
    admin_ = std::move(*admin);
  }
  // Ends every session of this test's connections, as a server restart would.
  void Cut() {
    auto q = admin_->QueryText(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE application_name = $1",
        {std::string_view(name_)});
    ASSERT_TRUE(q.ok()) << q.error().ToString();
    ASSERT_GE(q->Int(0, 0), 1);
  }
  // The first statement after a cut may be the one that finds the connection gone.
  template <class F>
  static bool AnswersWithinTwoTries(F&& f) {
    return f() || f();
  }
  PgTestEngine engine_;
  std::string name_, url_;
  std::unique_ptr<PgConnection> admin_;
};

TEST_F(PgReconnect, ALostConnectionIsOpenedAgainByTheNextStatement) {
  auto db = PgConnection::Open(url_, "");
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  auto& c = **db;
  ASSERT_TRUE(c.Query("SELECT 1").ok());
  const uint64_t before = c.session();
  Cut();
  EXPECT_TRUE(AnswersWithinTwoTries([&] { return c.Query("SELECT 1").ok(); }));
  EXPECT_EQ(c.session(), before + 1);
  EXPECT_TRUE(c.Query("SELECT current_schema()").ok()) << "statements are prepared anew";
  EXPECT_FALSE(c.InTransaction());
}

TEST_F(PgReconnect, AConnectionLostInATransactionFailsUntilRolledBack) {
  auto db = PgConnection::Open(url_, "");
  ASSERT_TRUE(db.ok());
  auto& c = **db;
  ASSERT_TRUE(c.Exec("BEGIN"));
  ASSERT_TRUE(c.Query("SELECT 1").ok());
  Cut();
  EXPECT_FALSE(c.Query("SELECT 1").ok());
  auto again = c.Query("SELECT 1");
  ASSERT_FALSE(again.ok()) << "a statement of the lost transaction ran in a new session";
  EXPECT_NE(again.error().message.find("lost in a transaction"), std::string::npos)
      << again.error().message;
  EXPECT_TRUE(c.Exec("ROLLBACK"));
  EXPECT_TRUE(c.Query("SELECT 1").ok());
}

TEST_F(PgReconnect, StoreRolesAnswerAgainAfterTheServerEndsTheirSessions) {
  StoreOptions options = engine_.With({});
  options.url = url_;
  auto content = OpenContentStore(engine_.file(), options);
  auto members = OpenMemberStore(engine_.file(), options);
  auto newsletters = OpenNewsletterStore(engine_.file(), options);
  ASSERT_TRUE(content.ok() && members.ok() && newsletters.ok());
  ASSERT_TRUE(*(*newsletters)->HoldLease("scheduler"));
  ASSERT_TRUE((*content)->WaitForChange(std::chrono::milliseconds(0)).ok());  // listens
  Cut();
  EXPECT_TRUE(AnswersWithinTwoTries([&] { return (*content)->DataVersion().ok(); }));
  EXPECT_TRUE(AnswersWithinTwoTries([&] { return (*members)->FindMember("a@r.example").ok(); }));
  EXPECT_TRUE(
      AnswersWithinTwoTries([&] { return (*newsletters)->FindSubscriber("a@r.example").ok(); }));
  // The lease died with its session: it is not reported held without being taken again.
  auto other = OpenNewsletterStore(engine_.file(), engine_.With({}));
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(*(*other)->HoldLease("scheduler"));
  auto held = (*newsletters)->HoldLease("scheduler");
  EXPECT_TRUE(held.ok() && !*held) << "two sessions hold one lease";
  // The listener's new session listens again: its first wait says "changed" (reload).
  auto changed = (*content)->WaitForChange(std::chrono::milliseconds(0));
  if (!changed.ok()) changed = (*content)->WaitForChange(std::chrono::milliseconds(0));
  ASSERT_TRUE(changed.ok()) << changed.error().ToString();
  EXPECT_TRUE(*changed);
}

}  // namespace
}  // namespace cinepress
