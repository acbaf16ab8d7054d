#include "newsletter/links.h"

#include <sodium.h>

namespace cinepress {
namespace {

std::string Message(LinkPurpose purpose, int64_t id, std::string_view newsletter) {
  std::string m;
  m += purpose == LinkPurpose::kConfirm       ? "confirm"
       : purpose == LinkPurpose::kUnsubscribe ? "unsubscribe"
                                              : "preferences";
  m += '\0';
  m += std::to_string(id);
  m += '\0';
  m += newsletter;
  return m;
}

bool KeyOk(std::string_view key) { return key.size() == crypto_auth_KEYBYTES; }

}  // namespace

std::string SignLink(std::string_view key, LinkPurpose purpose, int64_t id,
                     std::string_view newsletter) {
  if (!KeyOk(key)) return {};
  std::string m = Message(purpose, id, newsletter);
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(m.data()), m.size(),
              reinterpret_cast<const unsigned char*>(key.data()));
  char b64[sodium_base64_ENCODED_LEN(crypto_auth_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::to_string(id) + "-" + b64;
}

std::optional<int64_t> VerifyLink(std::string_view key, LinkPurpose purpose,
                                  std::string_view newsletter, std::string_view token) {
  if (!KeyOk(key) || token.size() > 128) return std::nullopt;
  size_t dash = token.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 18) return std::nullopt;
  int64_t id = 0;
  for (char c : token.substr(0, dash)) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  std::string_view b64 = token.substr(dash + 1);
  unsigned char mac[crypto_auth_BYTES];
  size_t len = 0;
  if (sodium_base642bin(mac, sizeof mac, b64.data(), b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != sizeof mac) {
    return std::nullopt;
  }
  std::string m = Message(purpose, id, newsletter);
  if (crypto_auth_verify(mac, reinterpret_cast<const unsigned char*>(m.data()), m.size(),
                         reinterpret_cast<const unsigned char*>(key.data())) != 0) {
    return std::nullopt;
  }
  return id;
}

std::string FormToken(std::string_view key, std::string_view link_token) {
  if (!KeyOk(key)) return {};
  std::string m = "form";
  m += '\0';
  m += link_token;
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(m.data()), m.size(),
              reinterpret_cast<const unsigned char*>(key.data()));
  char b64[sodium_base64_ENCODED_LEN(crypto_auth_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return b64;
}

bool CheckFormToken(std::string_view key, std::string_view link_token, std::string_view given) {
  std::string want = FormToken(key, link_token);
  return !want.empty() && given.size() == want.size() &&
         sodium_memcmp(want.data(), given.data(), want.size()) == 0;
}

std::string ConfirmUrl(std::string_view base, std::string_view nl, std::string_view token) {
  return std::string(base) + "/newsletters/" + std::string(nl) + "/confirm/" + std::string(token) +
         "/";
}

std::string UnsubscribeUrl(std::string_view base, std::string_view nl, std::string_view token) {
  return std::string(base) + "/newsletters/" + std::string(nl) + "/unsubscribe/" +
         std::string(token) + "/";
}

std::string PreferencesUrl(std::string_view base, std::string_view token) {
  return std::string(base) + "/newsletters/preferences/" + std::string(token) + "/";
}

std::string RedactLinkToken(std::string_view target) {
  // The shapes the URL builders above make: …/newsletters/preferences/TOKEN/ and
  // …/newsletters/SLUG/(confirm|unsubscribe)/TOKEN/, anywhere in the target (a Referer is a
  // whole URL), each token ending at '/', '?' or '#' or the end; and the signed links of the
  // shop's downloads (/shop/download/TOKEN/…, not a member's /shop/download/member/…) and of
  // the workshops' materials (/workshops/materials/TOKEN/…).
  auto segment_end = [&](size_t from) {
    size_t end = target.find_first_of("/?#", from);
    return end == std::string_view::npos ? target.size() : end;
  };
  for (std::string_view signed_root : {"/shop/download/", "/workshops/materials/"}) {
    const size_t found = target.find(signed_root);
    if (found == std::string_view::npos) continue;
    const size_t token = found + signed_root.size(), end = segment_end(token);
    if (end == token || target.substr(token, end - token) == "member") break;
    return std::string(target.substr(0, token)) + "REDACTED" + std::string(target.substr(end));
  }
  constexpr std::string_view kRoot = "/newsletters/";
  const size_t root = target.find(kRoot);
  if (root == std::string_view::npos) return std::string(target);
  size_t at = root + kRoot.size();
  auto next = [&](size_t end) { return end < target.size() && target[end] == '/' ? end + 1 : 0; };
  size_t end = segment_end(at);
  std::string_view first = target.substr(at, end - at);
  size_t token = 0;
  if (first == "preferences") {
    token = next(end);
  } else if (size_t purpose = next(end); purpose != 0) {
    size_t purpose_end = segment_end(purpose);
    std::string_view p = target.substr(purpose, purpose_end - purpose);
    if (p == "confirm" || p == "unsubscribe") token = next(purpose_end);
  }
  if (token == 0 || token >= target.size()) return std::string(target);
  return std::string(target.substr(0, token)) + "REDACTED" +
         std::string(target.substr(segment_end(token)));
}

}  // namespace cinepress
