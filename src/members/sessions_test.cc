#include "members/sessions.h"

#include <gtest/gtest.h>

#include "members/members.h"
#include "members/sign_in.h"
#include "members/test_fixture.h"

namespace cinepress {
namespace {

using SessionTableTest = MembersFixture;

TEST_F(SessionTableTest, ATokenFindsItsMemberUntilItExpires) {
  auto m = AddMember(*store_, NewMember{"a@r.example"}, 10);
  ASSERT_TRUE(m.ok());
  SessionTable table;
  auto token = table.Create(*store_, m->id, 1000, 3600);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(table.Lookup(*token, 1001), m->id);
  EXPECT_FALSE(table.Lookup(*token, 1000 + 3600).has_value());
  EXPECT_FALSE(table.Lookup(token->substr(0, 20), 1001).has_value());
  EXPECT_FALSE(table.Lookup("", 1001).has_value());
  // Only the hash is stored.
  auto live = store_->LoadLiveSessions(1001);
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ((*live)[0].token_hash, HashSecret(*token));
}

TEST_F(SessionTableTest, EverySignInGetsANewToken) {
  auto m = AddMember(*store_, NewMember{"a@r.example"}, 10);
  SessionTable table;
  auto a = table.Create(*store_, m->id, 1000, 3600);
  auto b = table.Create(*store_, m->id, 1000, 3600);
  EXPECT_NE(*a, *b);
}

TEST_F(SessionTableTest, SignOutAndSignOutEverywhere) {
  auto m = AddMember(*store_, NewMember{"a@r.example"}, 10);
  auto other = AddMember(*store_, NewMember{"b@r.example"}, 10);
  SessionTable table;
  auto a = table.Create(*store_, m->id, 1000, 3600);
  auto b = table.Create(*store_, m->id, 1000, 3600);
  auto c = table.Create(*store_, m->id, 1000, 3600);
  auto d = table.Create(*store_, other->id, 1000, 3600);
  ASSERT_TRUE(table.Revoke(*store_, *a));
  EXPECT_FALSE(table.Lookup(*a, 1001).has_value());
  EXPECT_TRUE(table.Lookup(*b, 1001).has_value());
  ASSERT_TRUE(table.RevokeAll(*store_, m->id));
  EXPECT_FALSE(table.Lookup(*b, 1001).has_value());
  EXPECT_FALSE(table.Lookup(*c, 1001).has_value());
  EXPECT_EQ(table.Lookup(*d, 1001), other->id);
  // What the store says survives a reload.
  SessionTable fresh;
  ASSERT_TRUE(fresh.Reload(*store_, 1001));
  EXPECT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh.Lookup(*d, 1001), other->id);
  EXPECT_FALSE(fresh.Lookup(*b, 1001).has_value());
}

TEST_F(SessionTableTest, ReloadSeesWhatAnotherProcessDid) {
  auto m = AddMember(*store_, NewMember{"a@r.example"}, 10);
  SessionTable here, there;
  auto other_store = OpenMemberStore(dir_ / "site.db", {});
  ASSERT_TRUE(other_store.ok());
  auto token = there.Create(**other_store, m->id, 1000, 3600);
  EXPECT_FALSE(here.Lookup(*token, 1001).has_value());
  ASSERT_TRUE(here.Reload(*store_, 1001));
  EXPECT_EQ(here.Lookup(*token, 1001), m->id);
  ASSERT_TRUE(there.RevokeAll(**other_store, m->id));
  ASSERT_TRUE(here.Reload(*store_, 1002));
  EXPECT_FALSE(here.Lookup(*token, 1002).has_value());
}

}  // namespace
}  // namespace cinepress
