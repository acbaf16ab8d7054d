#include "core/signed_link.h"

#include <sodium.h>

#include <charconv>

namespace cinepress {
namespace {

// What the mac covers: the token's message, and what is bound to it (after a newline, which
// neither part of the message holds).
std::string Covered(std::string_view message, std::string_view bound) {
  std::string covered(message);
  if (!bound.empty()) covered.append("\n").append(bound);
  return covered;
}

std::optional<int64_t> Number(std::string_view text) {
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

}  // namespace

std::string SignLink(std::string_view key, int64_t id, int64_t expires, std::string_view bound) {
  const std::string message = std::to_string(id) + "." + std::to_string(expires);
  const std::string covered = Covered(message, bound);
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(covered.data()), covered.size(),
              reinterpret_cast<const unsigned char*>(key.data()));
  char encoded[sodium_base64_ENCODED_LEN(crypto_auth_BYTES,
                                         sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, mac, sizeof mac,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return message + "." + encoded;
}

std::optional<SignedLink> ReadSignedLink(std::string_view key, std::string_view token,
                                         std::string_view bound) {
  if (key.size() != crypto_auth_KEYBYTES) return std::nullopt;
  const size_t dot = token.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view message = token.substr(0, dot);
  const std::string encoded(token.substr(dot + 1));
  unsigned char mac[crypto_auth_BYTES];
  size_t len = 0;
  const std::string covered = Covered(message, bound);
  if (sodium_base642bin(mac, sizeof mac, encoded.data(), encoded.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != sizeof mac ||
      crypto_auth_verify(mac, reinterpret_cast<const unsigned char*>(covered.data()),
                         covered.size(), reinterpret_cast<const unsigned char*>(key.data())) != 0) {
    return std::nullopt;
  }
  const size_t mid = message.find('.');
  if (mid == std::string_view::npos) return std::nullopt;
  auto id = Number(message.substr(0, mid));
  auto expires = Number(message.substr(mid + 1));
  if (!id || !expires) return std::nullopt;
  return SignedLink{*id, *expires};
}

}  // namespace cinepress
