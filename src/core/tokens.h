// Secrets that browsers and links carry: random tokens, and the hashes under which the store
// keeps them (members' sign-in links and sessions, staff invitations and sessions).
// Contract: thread-safe (libsodium, initialised before main's first use).
#pragma once

#include <string>
#include <string_view>

namespace cinepress {

// 32 random bytes as base64url (no padding): put it in a URL or a cookie as it is.
std::string NewToken();
// The raw BLAKE2b-256 hash of a secret (32 bytes): what the store keeps of a token.
std::string HashSecret(std::string_view secret);

}  // namespace cinepress
