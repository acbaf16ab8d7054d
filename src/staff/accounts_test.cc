#include "staff/accounts.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "core/tokens.h"
#include "staff/test_fixture.h"

namespace cinepress {
namespace {

using StaffAccounts = StaffFixture;

TEST_F(StaffAccounts, AnInvitationSetsAPasswordOnce) {
  auto invite = AddStaff(*store_, " Writer@Mag.example ", StaffRole::kAuthor, 1000);
  ASSERT_TRUE(invite.ok()) << invite.error().ToString();
  EXPECT_EQ(InvitationUrl("https://mag.example", invite->token),
            "https://mag.example/admin/invitation/?token=" + invite->token);
  auto short_one = AcceptInvitation(*store_, invite->token, "short", 1001);
  ASSERT_FALSE(short_one);
  EXPECT_EQ(short_one.error().field, "password");
  auto m = AcceptInvitation(*store_, invite->token, "a long enough password", 1001);
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_EQ(m->email, "Writer@Mag.example");
  EXPECT_EQ(m->role, "author");
  auto stored = *store_->LoadStaff(invite->staff_id);
  EXPECT_EQ(stored->password_hash.rfind("$argon2id$", 0), 0u) << stored->password_hash;
  EXPECT_TRUE(CheckPassword(stored->password_hash, "a long enough password"));
  EXPECT_FALSE(CheckPassword(stored->password_hash, "another long password"));
  auto again = AcceptInvitation(*store_, invite->token, "a different password", 1002);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().field, "token");
  auto fake = CheckInvitation(*store_, "not-a-token", 1002);
  ASSERT_FALSE(fake);
  EXPECT_EQ(fake.error().field, "token");
}

TEST_F(StaffAccounts, AnInvitationExpiresAfterAWeek) {
  auto invite = AddStaff(*store_, "late@mag.example", StaffRole::kEditor, 1000);
  ASSERT_TRUE(invite.ok());
  EXPECT_TRUE(CheckInvitation(*store_, invite->token, 1000 + kInvitationLifetime - 1));
  EXPECT_FALSE(CheckInvitation(*store_, invite->token, 1000 + kInvitationLifetime));
  // Adding the address again, before a password is set, invites it anew (with the new role).
  auto second =
      AddStaff(*store_, "late@mag.example", StaffRole::kAdmin, 1000 + kInvitationLifetime);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->staff_id, invite->staff_id);
  auto m = CheckInvitation(*store_, second->token, 1000 + kInvitationLifetime + 1);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->role, "admin");
}

TEST_F(StaffAccounts, BadAddressesTakenAddressesAndUnknownStaffAreRefusedByName) {
  auto bad = AddStaff(*store_, "not an address", StaffRole::kEditor, 1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "email");
  auto invite = AddStaff(*store_, "ed@mag.example", StaffRole::kEditor, 1);
  ASSERT_TRUE(AcceptInvitation(*store_, invite->token, "a long enough password", 2).ok());
  auto taken = AddStaff(*store_, "ED@mag.example", StaffRole::kAdmin, 3);
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
  auto unknown = SetStaffRole(*store_, "nobody@mag.example", StaffRole::kAdmin);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(RemoveStaff(*store_, "nobody@mag.example"));
}

TEST_F(StaffAccounts, RolesChangeAndRemovalTakesEverything) {
  auto invite = AddStaff(*store_, "c@mag.example", StaffRole::kContributor, 1);
  ASSERT_TRUE(invite.ok());
  ASSERT_TRUE(SetStaffRole(*store_, "c@mag.example", StaffRole::kEditor));
  EXPECT_EQ(RoleOf(**store_->FindStaff("c@mag.example")), StaffRole::kEditor);
  ASSERT_TRUE(RemoveStaff(*store_, "C@mag.example"));
  EXPECT_FALSE(store_->FindStaff("c@mag.example")->has_value());
  EXPECT_FALSE(CheckInvitation(*store_, invite->token, 2));
}

TEST_F(StaffAccounts, ChangingThePasswordNeedsTheCurrentOneAndEndsOtherSessions) {
  auto invite = AddStaff(*store_, "p@mag.example", StaffRole::kEditor, 1);
  ASSERT_TRUE(AcceptInvitation(*store_, invite->token, "the first password", 2).ok());
  const int64_t id = invite->staff_id;
  ASSERT_TRUE(store_->InsertSession(StaffSession{HashSecret("here"), id, 2, 100, true}));
  ASSERT_TRUE(store_->InsertSession(StaffSession{HashSecret("elsewhere"), id, 2, 100, true}));
  auto wrong = ChangeStaffPassword(*store_, id, "not the password", "the second password", "here");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "current_password");
  ASSERT_TRUE(
      ChangeStaffPassword(*store_, id, "the first password", "the second password", "here"));
  EXPECT_TRUE(CheckPassword((*store_->LoadStaff(id))->password_hash, "the second password"));
  EXPECT_TRUE(store_->FindSession(HashSecret("here"), 3)->has_value());
  EXPECT_FALSE(store_->FindSession(HashSecret("elsewhere"), 3)->has_value());
}

TEST_F(StaffAccounts, AHashWithWeakerLimitsNeedsRehashing) {
  char weak[crypto_pwhash_STRBYTES];
  ASSERT_EQ(
      crypto_pwhash_str(weak, "pw", 2, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN), 0);
  EXPECT_TRUE(PasswordNeedsRehash(weak));
  EXPECT_FALSE(PasswordNeedsRehash(*HashPassword("pw")));
}

}  // namespace
}  // namespace cinepress
