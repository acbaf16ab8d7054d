#include "staff/sign_in.h"

#include <sodium.h>

#include <cctype>

#include "core/dates.h"
#include "core/text.h"
#include "core/tokens.h"
#include "staff/accounts.h"
#include "staff/totp.h"

namespace cinepress {
namespace {

Error Refusal(std::string message, const char* reason) {
  return Error{ErrorCode::kInvalidInput, std::move(message), {}, 0, reason};
}

Error Wrong(const char* what) { return Refusal(std::string(what), kStaffWrong); }

Error Locked(int64_t until) {
  return Refusal("too many failed sign-ins: this account is locked until " +
                     TimeZone::IsoUtc(until) + "; try again then, or ask an admin",
                 kStaffLocked);
}

// Counts a failure; the one that reaches the limit locks the account and starts the count again.
Error CountFailure(StaffStore& store, const StaffConfig& policy, StaffMember m, int64_t now,
                   const char* what) {
  auto n = store.CountFailedSignIn(m.id);
  if (!n) return n.error();
  if (*n < policy.max_failed_sign_ins) return Wrong(what);
  auto fresh = store.LoadStaff(m.id);
  if (fresh && fresh->has_value()) m = **fresh;
  m.failed_sign_ins = 0;
  m.locked_until = now + int64_t{policy.lockout_minutes} * 60;
  if (auto s = store.UpdateStaff(m); !s) return s.error();
  return Locked(m.locked_until);
}

SecondFactor Pending(const StaffMember& m, bool verified) {
  if (verified) return SecondFactor::kNone;
  if (m.totp_enabled) return SecondFactor::kCode;
  return RequiresTwoFactor(RoleOf(m)) ? SecondFactor::kEnrol : SecondFactor::kNone;
}

// Recovery codes as typed: lowercase, without spaces or hyphens.
std::string NormalRecoveryCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string NewRecoveryCode() {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";  // no 0/o, 1/l/i
  std::string out;
  for (int i = 0; i < 10; ++i) {
    if (i == 5) out += '-';
    out += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  }
  return out;
}

Result<StaffVisit> Visit(StaffStore& store, std::string_view token, int64_t now) {
  auto v = FindStaffVisit(store, token, now);
  if (!v) return v.error();
  if (!v->has_value()) {
    return Refusal("this sign-in has expired: sign in again", "second-factor");
  }
  return **v;
}

}  // namespace

Result<StaffSignIn> SignInStaff(StaffStore& store, const StaffConfig& policy,
                                const std::string& email, std::string_view password, int64_t now) {
  static constexpr const char* kWrong = "wrong email address or password";
  auto found = store.FindStaff(email);
  if (!found) return found.error();
  if (!found->has_value()) {
    // As long as a real check, so that the time taken does not tell which addresses are staff.
    static const Result<std::string> dummy = HashPassword("not anyone's password");
    if (dummy) (void)CheckPassword(*dummy, password);
    return Wrong(kWrong);
  }
  StaffMember m = **found;
  if (m.locked_until > now) return Locked(m.locked_until);
  if (!CheckPassword(m.password_hash, password)) {
    return CountFailure(store, policy, m, now, kWrong);
  }
  m.failed_sign_ins = 0;
  m.locked_until = 0;
  if (PasswordNeedsRehash(m.password_hash)) {
    if (auto h = HashPassword(password)) m.password_hash = *h;
  }
  if (auto s = store.UpdateStaff(m); !s) return s.error();
  StaffSignIn out;
  out.member = m;
  out.session_token = NewToken();
  const bool verified = Pending(m, false) == SecondFactor::kNone;
  if (auto s =
          store.InsertSession(StaffSession{HashSecret(out.session_token), m.id, now,
                                           now + int64_t{policy.session_hours} * 3600, verified});
      !s) {
    return s.error();
  }
  out.next = Pending(m, verified);
  return out;
}

Result<std::optional<StaffVisit>> FindStaffVisit(StaffStore& store, std::string_view token,
                                                 int64_t now) {
  if (token.empty()) return std::optional<StaffVisit>();
  auto session = store.FindSession(HashSecret(token), now);
  if (!session) return session.error();
  if (!session->has_value()) return std::optional<StaffVisit>();
  auto m = store.LoadStaff((*session)->staff_id);
  if (!m) return m.error();
  if (!m->has_value()) return std::optional<StaffVisit>();
  StaffVisit v{**m, **session, Pending(**m, (*session)->verified)};
  return std::optional<StaffVisit>(std::move(v));
}

Status GiveSecondFactor(StaffStore& store, const StaffConfig& policy, std::string_view token,
                        std::string_view code_in, int64_t now, std::string_view totp_key) {
  auto v = Visit(store, token, now);
  if (!v) return v.error();
  if (v->pending != SecondFactor::kCode) {
    return Refusal("this session is not waiting for a code", "second-factor");
  }
  StaffMember m = v->member;
  if (m.locked_until > now) return Locked(m.locked_until);
  const std::string code(Trim(code_in));
  const std::string secret = OpenTotpSecret(m.totp_secret, totp_key).value_or("");
  if (auto step = MatchTotp(secret, code, now, m.totp_last_step)) {
    m.totp_last_step = *step;
  } else {
    auto used = store.UseRecoveryCode(m.id, HashSecret(NormalRecoveryCode(code)));
    if (!used) return used.error();
    if (!*used) return CountFailure(store, policy, m, now, "wrong code");
  }
  m.failed_sign_ins = 0;
  if (auto s = store.UpdateStaff(m); !s) return s;
  return store.VerifySession(v->session.token_hash);
}

Result<std::string> StartTotpEnrolment(StaffStore& store, int64_t staff_id,
                                       std::string_view totp_key) {
  auto m = store.LoadStaff(staff_id);
  if (!m) return m.error();
  if (!m->has_value()) return MakeError(ErrorCode::kNotFound, "no such staff member");
  if ((*m)->totp_enabled) {
    return Refusal("two-factor sign-in is on already", "second-factor");
  }
  const std::string secret = NewTotpSecret();
  (*m)->totp_secret = SealTotpSecret(secret, totp_key);
  if ((*m)->totp_secret.empty()) return MakeError(ErrorCode::kInternal, "no key to seal TOTP with");
  if (auto s = store.UpdateStaff(**m); !s) return s.error();
  return secret;
}

Result<std::vector<std::string>> ConfirmTotpEnrolment(StaffStore& store, std::string_view token,
                                                      std::string_view code, int64_t now,
                                                      std::string_view totp_key) {
  auto v = Visit(store, token, now);
  if (!v) return v.error();
  StaffMember m = v->member;
  if (m.totp_enabled || m.totp_secret.empty()) {
    return Refusal("no two-factor set-up is waiting for a code", "second-factor");
  }
  const std::string secret = OpenTotpSecret(m.totp_secret, totp_key).value_or("");
  auto step = MatchTotp(secret, Trim(code), now, m.totp_last_step);
  if (!step) {
    return Refusal("that code does not match: check the device's clock and try the next one",
                   kStaffWrong);
  }
  m.totp_enabled = true;
  m.totp_last_step = *step;
  std::vector<std::string> codes, hashes;
  for (int i = 0; i < kRecoveryCodes; ++i) {
    codes.push_back(NewRecoveryCode());
    hashes.push_back(HashSecret(NormalRecoveryCode(codes.back())));
  }
  if (auto s = store.UpdateStaff(m); !s) return s.error();
  if (auto s = store.ReplaceRecoveryCodes(m.id, hashes); !s) return s.error();
  if (auto s = store.VerifySession(v->session.token_hash); !s) return s.error();
  return codes;
}

Status SignOutStaff(StaffStore& store, std::string_view token) {
  if (token.empty()) return {};
  return store.DeleteSession(HashSecret(token));
}

}  // namespace cinepress
