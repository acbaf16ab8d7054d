#include "staff/accounts.h"

#include <sodium.h>

#include "core/text.h"
#include "core/tokens.h"
#include "mail/message.h"

namespace cinepress {
namespace {

Error Refused(std::string message, const char* field) {
  return Error{ErrorCode::kInvalidInput, std::move(message), {}, 0, field};
}

Status CheckNewPassword(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return Refused(
        "a password needs at least " + std::to_string(kMinPasswordLength) + " characters",
        "password");
  }
  if (password.size() > kMaxPasswordLength) {
    return Refused("a password has at most " + std::to_string(kMaxPasswordLength) + " characters",
                   "password");
  }
  if (!IsValidUtf8(password)) return Refused("the password is not valid text", "password");
  return {};
}

Result<StaffMember> Existing(StaffStore& store, const std::string& email) {
  auto m = store.FindStaff(email);
  if (!m) return m.error();
  if (!m->has_value()) {
    return Error{ErrorCode::kNotFound, "no staff member " + email, {}, 0, "email"};
  }
  return **m;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  if (sodium_init() < 0) return MakeError(ErrorCode::kInternal, "libsodium cannot start");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return MakeError(ErrorCode::kInternal, "out of memory hashing a password");
  }
  return std::string(out);
}

bool CheckPassword(const std::string& hash, std::string_view password) {
  if (hash.empty() || sodium_init() < 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(const std::string& hash) {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

StaffRole RoleOf(const StaffMember& member) {
  return ParseStaffRole(member.role).value_or(StaffRole::kContributor);
}

Result<StaffInvite> AddStaff(StaffStore& store, const std::string& email_in, StaffRole role,
                             int64_t now) {
  const std::string email(Trim(email_in));
  if (!IsPlausibleEmail(email)) return Refused("not an email address: " + email, "email");
  auto found = store.FindStaff(email);
  if (!found) return found.error();
  StaffInvite out;
  if (found->has_value()) {
    StaffMember m = **found;
    if (!m.password_hash.empty()) {
      return Error{ErrorCode::kConflict,
                   email + " is staff already (staff role changes a role)",
                   {},
                   0,
                   "email"};
    }
    m.role = std::string(StaffRoleName(role));
    if (auto s = store.UpdateStaff(m); !s) return s.error();
    out.staff_id = m.id;
  } else {
    StaffMember m;
    m.email = email;
    m.role = std::string(StaffRoleName(role));
    m.created = now;
    auto id = store.InsertStaff(m);
    if (!id) return id.error();
    out.staff_id = *id;
  }
  out.token = NewToken();
  if (auto s = store.InsertInvitation(StaffInvitation{HashSecret(out.token), out.staff_id, now,
                                                      now + kInvitationLifetime, false});
      !s) {
    return s.error();
  }
  return out;
}

std::string InvitationUrl(std::string_view base_url, std::string_view token) {
  return std::string(base_url) + "/admin/invitation/?token=" + std::string(token);
}

Result<StaffMember> CheckInvitation(StaffStore& store, std::string_view token, int64_t now) {
  auto inv = store.FindInvitation(HashSecret(token));
  if (!inv) return inv.error();
  if (!inv->has_value() || (*inv)->used || (*inv)->expires <= now) {
    return Refused("this invitation link is unknown, used or expired: ask an admin for a new one",
                   "token");
  }
  auto m = store.LoadStaff((*inv)->staff_id);
  if (!m) return m.error();
  if (!m->has_value()) return Refused("this invitation's account was removed", "token");
  return **m;
}

Result<StaffMember> AcceptInvitation(StaffStore& store, std::string_view token,
                                     std::string_view password, int64_t now) {
  auto m = CheckInvitation(store, token, now);
  if (!m) return m;
  if (auto s = CheckNewPassword(password); !s) return s.error();
  auto hash = HashPassword(password);
  if (!hash) return hash.error();
  auto used = store.UseInvitation(HashSecret(token));
  if (!used) return used.error();
  if (!*used) return Refused("this invitation link was used a moment ago", "token");
  m->password_hash = *hash;
  m->failed_sign_ins = 0;
  m->locked_until = 0;
  if (auto s = store.UpdateStaff(*m); !s) return s.error();
  return m;
}

Status SetStaffRole(StaffStore& store, const std::string& email, StaffRole role) {
  auto m = Existing(store, email);
  if (!m) return m.error();
  m->role = std::string(StaffRoleName(role));
  return store.UpdateStaff(*m);
}

Status RemoveStaff(StaffStore& store, const std::string& email) {
  auto m = Existing(store, email);
  if (!m) return m.error();
  return store.DeleteStaff(m->id);
}

Status ChangeStaffPassword(StaffStore& store, int64_t staff_id, std::string_view current,
                           std::string_view next, std::string_view keep_session) {
  auto m = store.LoadStaff(staff_id);
  if (!m) return m.error();
  if (!m->has_value()) return MakeError(ErrorCode::kNotFound, "no such staff member");
  if (!CheckPassword((*m)->password_hash, current)) {
    return Refused("the current password is wrong", "current_password");
  }
  if (auto s = CheckNewPassword(next); !s) return s;
  auto hash = HashPassword(next);
  if (!hash) return hash.error();
  (*m)->password_hash = *hash;
  if (auto s = store.UpdateStaff(**m); !s) return s;
  const std::string keep = keep_session.empty() ? std::string() : HashSecret(keep_session);
  if (auto n = store.DeleteSessions(staff_id, keep); !n) return n.error();
  return {};
}

}  // namespace cinepress
