// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) by liboath, the
// second factor of staff sign-in; and how an authenticator app is given the secret.
// Contract: pure functions (liboath is initialised once, thread-safe after); secrets are raw
// bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cinepress {

inline constexpr int64_t kTotpStep = 30;  // seconds

inline constexpr size_t kTotpKeyBytes = 32;

// The secret as the store keeps it: sealed with the site's key (libsodium's secretbox,
// XSalsa20-Poly1305: a random nonce, then the box), so that a copy of the store alone gives no
// second factor away; and opened again (nullopt when it was not sealed with `key`).
std::string SealTotpSecret(std::string_view secret, std::string_view key);
std::optional<std::string> OpenTotpSecret(std::string_view sealed, std::string_view key);

// 20 random bytes (the RFC's recommended length for HMAC-SHA1).
std::string NewTotpSecret();
// RFC 4648 base32 without padding, as authenticator apps take it ("JBSWY3DPEHPK3PXP").
std::string TotpSecretText(std::string_view secret);
// otpauth://totp/ISSUER:EMAIL?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
std::string TotpUri(std::string_view issuer, std::string_view email, std::string_view secret);
// The code for the step holding `now` (tests, and the enrolment page's check).
std::string TotpCode(std::string_view secret, int64_t now);
// The step (now / 30, ± one step for clocks a little apart) whose code `code` is, when that step
// is later than `last_step` (a code is accepted once); nullopt otherwise.
std::optional<int64_t> MatchTotp(std::string_view secret, std::string_view code, int64_t now,
                                 int64_t last_step);

}  // namespace cinepress
