#include "staff/sign_in.h"

#include <gtest/gtest.h>

#include "staff/accounts.h"
#include "staff/test_fixture.h"
#include "staff/totp.h"

namespace cinepress {
namespace {

class StaffSignInTest : public StaffFixture {
 protected:
  // A member with a password set.
  int64_t Staff(const std::string& email, StaffRole role) {
    auto invite = AddStaff(*store_, email, role, 1000);
    EXPECT_TRUE(invite.ok());
    EXPECT_TRUE(AcceptInvitation(*store_, invite->token, kPassword, 1000).ok());
    return invite->staff_id;
  }
  static constexpr const char* kPassword = "correct horse battery";
  const int64_t now_ = 1'800'000'000;
  const std::string key_ = std::string(kTotpKeyBytes, 'k');  // the site's sealing key
};

TEST_F(StaffSignInTest, AnEditorWithoutASecondFactorIsInAtOnce) {
  Staff("ed@mag.example", StaffRole::kEditor);
  auto in = SignInStaff(*store_, policy_, "ED@mag.example", kPassword, now_);
  ASSERT_TRUE(in.ok()) << in.error().ToString();
  EXPECT_EQ(in->next, SecondFactor::kNone);
  auto visit = FindStaffVisit(*store_, in->session_token, now_ + 60);
  ASSERT_TRUE(visit.ok() && visit->has_value());
  EXPECT_EQ((*visit)->member.email, "ed@mag.example");
  EXPECT_EQ((*visit)->pending, SecondFactor::kNone);
  // The session lasts [staff] session_hours, and signing out ends it.
  EXPECT_FALSE(FindStaffVisit(*store_, in->session_token, now_ + 12 * 3600)->has_value());
  ASSERT_TRUE(SignOutStaff(*store_, in->session_token));
  EXPECT_FALSE(FindStaffVisit(*store_, in->session_token, now_ + 60)->has_value());
  EXPECT_FALSE(FindStaffVisit(*store_, "", now_)->has_value());
}

TEST_F(StaffSignInTest, WrongPasswordsAndUnknownAddressesSayTheSame) {
  Staff("ed@mag.example", StaffRole::kEditor);
  auto wrong = SignInStaff(*store_, policy_, "ed@mag.example", "not the password", now_);
  auto unknown = SignInStaff(*store_, policy_, "who@mag.example", kPassword, now_);
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().field, kStaffWrong);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
}

TEST_F(StaffSignInTest, RepeatedFailuresLockTheAccountEvenForTheRightPassword) {
  const int64_t id = Staff("ed@mag.example", StaffRole::kEditor);
  policy_.max_failed_sign_ins = 3;
  for (int i = 0; i < 2; ++i) {
    auto r = SignInStaff(*store_, policy_, "ed@mag.example", "guess" + std::to_string(i), now_);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().field, kStaffWrong);
  }
  auto third = SignInStaff(*store_, policy_, "ed@mag.example", "guess", now_);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().field, kStaffLocked);
  EXPECT_NE(third.error().message.find("locked until"), std::string::npos);
  auto right = SignInStaff(*store_, policy_, "ed@mag.example", kPassword, now_ + 60);
  ASSERT_FALSE(right);
  EXPECT_EQ(right.error().field, kStaffLocked);
  // After the lockout the right password works, and the count starts again.
  auto later = SignInStaff(*store_, policy_, "ed@mag.example", kPassword, now_ + 15 * 60);
  ASSERT_TRUE(later.ok()) << later.error().ToString();
  EXPECT_EQ((*store_->LoadStaff(id))->failed_sign_ins, 0);
}

TEST_F(StaffSignInTest, AnAdminMustEnrolThenGiveCodes) {
  const int64_t id = Staff("admin@mag.example", StaffRole::kAdmin);
  auto in = SignInStaff(*store_, policy_, "admin@mag.example", kPassword, now_);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->next, SecondFactor::kEnrol);
  EXPECT_EQ((*FindStaffVisit(*store_, in->session_token, now_))->pending, SecondFactor::kEnrol);
  auto secret = StartTotpEnrolment(*store_, id, key_);
  ASSERT_TRUE(secret.ok());
  auto wrong = ConfirmTotpEnrolment(*store_, in->session_token, "000000", now_, key_);
  ASSERT_FALSE(wrong);
  auto codes =
      ConfirmTotpEnrolment(*store_, in->session_token, TotpCode(*secret, now_), now_, key_);
  ASSERT_TRUE(codes.ok()) << codes.error().ToString();
  EXPECT_EQ(codes->size(), static_cast<size_t>(kRecoveryCodes));
  EXPECT_EQ((*FindStaffVisit(*store_, in->session_token, now_))->pending, SecondFactor::kNone);
  EXPECT_FALSE(StartTotpEnrolment(*store_, id, key_)) << "on already";

  // The next sign-in asks for a code; the one used at enrolment is not accepted again.
  auto next = SignInStaff(*store_, policy_, "admin@mag.example", kPassword, now_ + 1);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->next, SecondFactor::kCode);
  EXPECT_FALSE(GiveSecondFactor(*store_, policy_, next->session_token, TotpCode(*secret, now_),
                                now_ + 1, key_));
  ASSERT_TRUE(GiveSecondFactor(*store_, policy_, next->session_token, TotpCode(*secret, now_ + 30),
                               now_ + 31, key_));
  EXPECT_EQ((*FindStaffVisit(*store_, next->session_token, now_ + 31))->pending,
            SecondFactor::kNone);
}

TEST_F(StaffSignInTest, ARecoveryCodeStandsInForTheDeviceOnce) {
  const int64_t id = Staff("w@mag.example", StaffRole::kAuthor);
  auto first = SignInStaff(*store_, policy_, "w@mag.example", kPassword, now_);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->next, SecondFactor::kNone) << "optional for authors";
  auto secret = StartTotpEnrolment(*store_, id, key_);
  ASSERT_TRUE(secret.ok());
  auto codes =
      ConfirmTotpEnrolment(*store_, first->session_token, TotpCode(*secret, now_), now_, key_);
  ASSERT_TRUE(codes.ok());
  const std::string code = (*codes)[3];
  auto in = SignInStaff(*store_, policy_, "w@mag.example", kPassword, now_ + 100);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->next, SecondFactor::kCode);
  std::string typed = code;
  for (char& c : typed) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_TRUE(GiveSecondFactor(*store_, policy_, in->session_token, " " + typed, now_ + 100, key_));
  auto again = SignInStaff(*store_, policy_, "w@mag.example", kPassword, now_ + 200);
  ASSERT_TRUE(again.ok());
  auto reused = GiveSecondFactor(*store_, policy_, again->session_token, code, now_ + 200, key_);
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().field, kStaffWrong);
  EXPECT_EQ(*store_->CountRecoveryCodes(id), kRecoveryCodes - 1);
}

TEST_F(StaffSignInTest, WrongCodesCountTowardsTheLockout) {
  const int64_t id = Staff("admin@mag.example", StaffRole::kAdmin);
  policy_.max_failed_sign_ins = 2;
  auto in = SignInStaff(*store_, policy_, "admin@mag.example", kPassword, now_);
  auto secret = StartTotpEnrolment(*store_, id, key_);
  ASSERT_TRUE(
      ConfirmTotpEnrolment(*store_, in->session_token, TotpCode(*secret, now_), now_, key_).ok());
  auto next = SignInStaff(*store_, policy_, "admin@mag.example", kPassword, now_ + 60);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(GiveSecondFactor(*store_, policy_, next->session_token, "111111", now_ + 60, key_)
                .error()
                .field,
            kStaffWrong);
  EXPECT_EQ(GiveSecondFactor(*store_, policy_, next->session_token, "222222", now_ + 60, key_)
                .error()
                .field,
            kStaffLocked);
  auto locked = GiveSecondFactor(*store_, policy_, next->session_token,
                                 TotpCode(*secret, now_ + 60), now_ + 60, key_);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().field, kStaffLocked);
}

TEST_F(StaffSignInTest, TheTotpSecretIsStoredSealedWithTheSiteKey) {
  const int64_t id = Staff("admin@mag.example", StaffRole::kAdmin);
  auto in = SignInStaff(*store_, policy_, "admin@mag.example", kPassword, now_);
  auto secret = StartTotpEnrolment(*store_, id, key_);
  ASSERT_TRUE(secret.ok());
  const std::string stored = (*store_->LoadStaff(id))->totp_secret;
  EXPECT_EQ(stored.find(*secret), std::string::npos) << "not kept as it is";
  EXPECT_EQ(OpenTotpSecret(stored, key_), *secret);
  EXPECT_FALSE(OpenTotpSecret(stored, std::string(kTotpKeyBytes, 'x'))) << "another key";
  auto other = ConfirmTotpEnrolment(*store_, in->session_token, TotpCode(*secret, now_), now_,
                                    std::string(kTotpKeyBytes, 'x'));
  EXPECT_FALSE(other) << "a code checked against a secret opened with another key";
}

}  // namespace
}  // namespace cinepress
