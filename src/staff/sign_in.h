// Staff sign-in, as plain functions over the StaffStore: a password, then a second factor (a TOTP
// code, or a one-time recovery code) where the account has one or its role requires one, with
// lockout after repeated failures; sessions kept in the store, so that every node of a site knows
// them; enrolment in TOTP with its recovery codes; sign out.
//
//   session        32 random bytes in the cookie, only its BLAKE2b hash stored; lasts
//                  [staff] session_hours; `verified` once the second factor is given
//   lockout        [staff] max_failed_sign_ins wrong passwords or codes in a row lock the account
//                  for lockout_minutes (counted in the store: every node counts together)
//   recovery code  ten per enrolment, "abcde-fghjk" (50 random bits), each usable once
//
// Contract: functions use the store given (one thread at a time); TOTP secrets are stored sealed
// (totp.h SealTotpSecret). Refusals are Errors with
// kInvalidInput whose `field` is a stable reason: "wrong" (password, code, unknown address: the
// same message), "locked" (the message says until when), "second-factor" (asked of a session in
// the wrong state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/staff_store.h"
#include "core/config.h"
#include "core/result.h"

namespace cinepress {

inline constexpr int kRecoveryCodes = 10;
inline constexpr const char* kStaffWrong = "wrong";
inline constexpr const char* kStaffLocked = "locked";

// What a session still has to give before it reaches the newsroom.
enum class SecondFactor {
  kNone,   // verified: the newsroom is open
  kCode,   // a TOTP or recovery code
  kEnrol,  // the role requires a second factor and none is enrolled: set one up first
};

struct StaffSignIn {
  std::string session_token;  // for the cookie
  StaffMember member;
  SecondFactor next = SecondFactor::kNone;
};

// Checks the password (a hash made with older limits is made again); a good one makes a session.
Result<StaffSignIn> SignInStaff(StaffStore& store, const StaffConfig& policy,
                                const std::string& email, std::string_view password, int64_t now);

// The staff member of a session cookie's token, and what the session still has to give; nullopt
// for an unknown or expired session (or a removed member).
struct StaffVisit {
  StaffMember member;
  StaffSession session;
  SecondFactor pending = SecondFactor::kNone;
};
Result<std::optional<StaffVisit>> FindStaffVisit(StaffStore& store, std::string_view token,
                                                 int64_t now);

// The second factor for a session waiting for a code: a TOTP code or a recovery code (which is
// then used up). Wrong codes count towards the lockout.
// `totp_key` is the site's key that seals TOTP secrets in the store (kTotpKeyBytes).
Status GiveSecondFactor(StaffStore& store, const StaffConfig& policy, std::string_view token,
                        std::string_view code, int64_t now, std::string_view totp_key);

// TOTP enrolment: a new secret (returned to show), kept sealed with `totp_key` and unconfirmed
// (the account's second factor is unchanged until a code confirms it); refused while one is
// enabled.
Result<std::string> StartTotpEnrolment(StaffStore& store, int64_t staff_id,
                                       std::string_view totp_key);
// Confirms the enrolment with a first code: the second factor is on, the session that asked is
// verified, and the recovery codes (shown once) replace any older ones.
Result<std::vector<std::string>> ConfirmTotpEnrolment(StaffStore& store, std::string_view token,
                                                      std::string_view code, int64_t now,
                                                      std::string_view totp_key);

Status SignOutStaff(StaffStore& store, std::string_view token);

}  // namespace cinepress
