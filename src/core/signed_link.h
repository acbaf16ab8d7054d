// Signed links: a token a URL carries that names one thing (a shop's download grant, a workshop's
// registration) until an expiry, and that only the holder of the key could have made.
//
//   token   "{id}.{expires}.{mac}", mac = crypto_auth (HMAC-SHA-512-256) over "{id}.{expires}"
//           and, when given, what the URL carries beside the token (a file's name): a token
//           made for one file does not open another
//
// Contract: pure functions (libsodium, initialised before main's first use); the key is
// crypto_auth_KEYBYTES (32) bytes, else nothing verifies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cinepress {

std::string SignLink(std::string_view key, int64_t id, int64_t expires,
                     std::string_view bound = {});

struct SignedLink {
  int64_t id = 0;
  int64_t expires = 0;
};
// What a token names when its signature is ours for `bound` (checked in constant time); the
// caller decides what an expired one means (`expires` < now).
std::optional<SignedLink> ReadSignedLink(std::string_view key, std::string_view token,
                                         std::string_view bound = {});

}  // namespace cinepress
