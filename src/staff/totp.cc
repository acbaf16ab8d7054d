#include "staff/totp.h"

#include <liboath/oath.h>
#include <sodium.h>

#include <cstdlib>
#include <memory>

#include "core/text.h"

namespace cinepress {
namespace {

void InitOath() {
  static const int ok = oath_init();  // once; oath_init is not itself thread-safe
  (void)ok;
}

}  // namespace

std::string SealTotpSecret(std::string_view secret, std::string_view key) {
  if (key.size() != crypto_secretbox_KEYBYTES) return {};
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + secret.size(), '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(bytes, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(bytes + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), bytes,
                        reinterpret_cast<const unsigned char*>(key.data()));
  return out;
}

std::optional<std::string> OpenTotpSecret(std::string_view sealed, std::string_view key) {
  constexpr size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (key.size() != crypto_secretbox_KEYBYTES || sealed.size() <= kOverhead) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string out(sealed.size() - kOverhead, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 bytes + crypto_secretbox_NONCEBYTES,
                                 sealed.size() - crypto_secretbox_NONCEBYTES, bytes,
                                 reinterpret_cast<const unsigned char*>(key.data())) != 0) {
    return std::nullopt;
  }
  return out;
}

std::string NewTotpSecret() {
  std::string s(20, '\0');
  randombytes_buf(s.data(), s.size());
  return s;
}

std::string TotpSecretText(std::string_view secret) {
  InitOath();
  char* out = nullptr;
  size_t len = 0;
  if (oath_base32_encode(secret.data(), secret.size(), &out, &len) != OATH_OK) return {};
  std::unique_ptr<char, void (*)(void*)> owned(out, std::free);
  std::string text(out, len);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::string TotpUri(std::string_view issuer, std::string_view email, std::string_view secret) {
  const std::string label = PercentEncode(std::string(issuer) + ":" + std::string(email));
  return "otpauth://totp/" + label + "?secret=" + TotpSecretText(secret) +
         "&issuer=" + PercentEncode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

std::string TotpCode(std::string_view secret, int64_t now) {
  InitOath();
  char out[7] = {};
  if (oath_totp_generate(secret.data(), secret.size(), static_cast<time_t>(now), kTotpStep, 0, 6,
                         out) != OATH_OK) {
    return {};
  }
  return out;
}

std::optional<int64_t> MatchTotp(std::string_view secret, std::string_view code, int64_t now,
                                 int64_t last_step) {
  if (code.size() != 6 || secret.empty()) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  InitOath();
  const std::string otp(code);
  int offset = 0;
  const int rc = oath_totp_validate2(secret.data(), secret.size(), static_cast<time_t>(now),
                                     kTotpStep, 0, 1, &offset, otp.c_str());
  if (rc < 0) return std::nullopt;
  const int64_t step = now / kTotpStep + offset;
  if (step <= last_step) return std::nullopt;  // used already
  return step;
}

}  // namespace cinepress
