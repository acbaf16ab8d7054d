// The newsroom's staff accounts, as plain functions over the StaffStore: adding one (with an
// invitation link), accepting the invitation by setting a password, changing roles and passwords,
// removing. The CLI (`cinepress staff`) and the admin pages (src/web) are thin callers.
//
//   invitation  32 random bytes (base64url) in a link, valid 7 days, used once; adding an
//               address again makes a new one
//   password    12 to 256 characters, kept as libsodium's argon2id string (crypto_pwhash_str)
//
// Contract: functions use the store given (one thread at a time). Refusals are Errors with
// kInvalidInput (the `field` names the form field: "email", "role", "password", "token"),
// kNotFound (no such staff member) or kConflict (the address is taken by another).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "content/staff_store.h"
#include "core/result.h"
#include "staff/roles.h"

namespace cinepress {

inline constexpr int64_t kInvitationLifetime = 7 * 24 * 3600;
inline constexpr size_t kMinPasswordLength = 12;
inline constexpr size_t kMaxPasswordLength = 256;

struct StaffInvite {
  int64_t staff_id = 0;
  std::string token;  // for the link (InvitationUrl)
};

// Adds `email` with `role` (or, when the address is already staff and has not set a password,
// invites it again with the new role) and makes an invitation.
Result<StaffInvite> AddStaff(StaffStore& store, const std::string& email, StaffRole role,
                             int64_t now);
// "https://mag.example/admin/invitation/?token=…" (base_url without a trailing slash).
std::string InvitationUrl(std::string_view base_url, std::string_view token);

// The staff member an unused, unexpired invitation is for (field "token" when it is not).
Result<StaffMember> CheckInvitation(StaffStore& store, std::string_view token, int64_t now);
// Sets the invited member's password and uses the invitation up; returns the member.
Result<StaffMember> AcceptInvitation(StaffStore& store, std::string_view token,
                                     std::string_view password, int64_t now);

Status SetStaffRole(StaffStore& store, const std::string& email, StaffRole role);
// Removes the member with their sessions, invitations and recovery codes.
Status RemoveStaff(StaffStore& store, const std::string& email);

// Changes a password after checking the current one; every other session of the member ends
// (`keep_session` is the raw token of the browser that asked; "" ends them all).
Status ChangeStaffPassword(StaffStore& store, int64_t staff_id, std::string_view current,
                           std::string_view next, std::string_view keep_session);

// argon2id (crypto_pwhash_str, libsodium's interactive limits), and its check; a hash made with
// older limits is reported by PasswordNeedsRehash.
Result<std::string> HashPassword(std::string_view password);
bool CheckPassword(const std::string& hash, std::string_view password);
bool PasswordNeedsRehash(const std::string& hash);

// The role stored with a member (contributor when the row holds something unknown).
StaffRole RoleOf(const StaffMember& member);

}  // namespace cinepress
