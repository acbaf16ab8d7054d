#include "payments/signature.h"

#include <sodium.h>

#include <array>
#include <charconv>
#include <vector>

namespace cinepress {
namespace {

using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

Mac SignedPayloadMac(std::string_view timestamp, std::string_view payload,
                     std::string_view secret) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(timestamp.data()),
                                timestamp.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>("."), 1);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(payload.data()),
                                payload.size());
  Mac mac;
  crypto_auth_hmacsha256_final(&state, mac.data());
  return mac;
}

Error Refused(const char* reason, std::string message) {
  Error e = MakeError(ErrorCode::kInvalidInput, std::move(message));
  e.field = reason;
  return e;
}

}  // namespace

Status VerifyStripeSignature(std::string_view header, std::string_view payload,
                             std::string_view secret, int64_t now, int64_t tolerance) {
  if (sodium_init() < 0) return MakeError(ErrorCode::kInternal, "libsodium did not start");
  std::string_view timestamp;
  std::vector<Mac> signatures;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "t") {
      timestamp = value;
    } else if (key == "v1") {
      Mac mac;
      size_t len = 0;
      if (value.size() != mac.size() * 2 ||
          sodium_hex2bin(mac.data(), mac.size(), value.data(), value.size(), nullptr, &len,
                         nullptr) != 0 ||
          len != mac.size()) {
        return Refused("header", "Stripe-Signature: a v1 signature is not 64 hex digits");
      }
      signatures.push_back(mac);
    }
  }
  int64_t t = 0;
  auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), t);
  if (timestamp.empty() || ec != std::errc() || end != timestamp.data() + timestamp.size()) {
    return Refused("header", "Stripe-Signature: no timestamp (t=)");
  }
  if (signatures.empty()) return Refused("header", "Stripe-Signature: no v1 signature");
  if (t < now - tolerance || t > now + tolerance) {
    return Refused("stale", "Stripe-Signature: the timestamp is more than " +
                                std::to_string(tolerance) + " seconds from now");
  }
  const Mac expected = SignedPayloadMac(timestamp, payload, secret);
  bool match = false;
  for (const Mac& mac : signatures) {
    // Every signature is compared, so the time taken says nothing about which one matched.
    match |= sodium_memcmp(mac.data(), expected.data(), mac.size()) == 0;
  }
  if (!match) return Refused("mismatch", "Stripe-Signature: no v1 signature matches the payload");
  return {};
}

std::string StripeSignatureHeader(std::string_view payload, std::string_view secret,
                                  int64_t timestamp) {
  const std::string t = std::to_string(timestamp);
  const Mac mac = SignedPayloadMac(t, payload, secret);
  std::string hex(mac.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  hex.pop_back();
  return "t=" + t + ",v1=" + hex;
}

}  // namespace cinepress
