// Signed links for newsletter readers: confirm a subscription, unsubscribe in one click, open
// the preferences page. The link is the credential, so it carries an HMAC (libsodium's
// crypto_auth, HMAC-SHA-512-256) of what it allows, under a per-site secret kept in the store.
// Contract: pure functions; thread-safe. Verification takes constant time in the MAC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cinepress {

enum class LinkPurpose { kConfirm, kUnsubscribe, kPreferences };

// The key is crypto_auth_KEYBYTES (32) bytes from NewsletterStore::SiteSecret.
inline constexpr const char* kLinkSecretName = "newsletter-links";
inline constexpr size_t kLinkSecretBytes = 32;

// "42-Xb3…": the subscriber's id and a MAC over (purpose, id, newsletter slug); URL-safe.
std::string SignLink(std::string_view key, LinkPurpose purpose, int64_t subscriber_id,
                     std::string_view newsletter);
// The subscriber id when `token` is a valid link for this purpose and newsletter.
std::optional<int64_t> VerifyLink(std::string_view key, LinkPurpose purpose,
                                  std::string_view newsletter, std::string_view token);

// A form's CSRF token on a page reached by a signed link: a MAC of that link's token, so only a
// page we rendered for that link can post the form. Checked in constant time.
std::string FormToken(std::string_view key, std::string_view link_token);
bool CheckFormToken(std::string_view key, std::string_view link_token, std::string_view given);

// Absolute URLs on the site (base_url without a trailing slash).
std::string ConfirmUrl(std::string_view base_url, std::string_view newsletter,
                       std::string_view token);
std::string UnsubscribeUrl(std::string_view base_url, std::string_view newsletter,
                           std::string_view token);
std::string PreferencesUrl(std::string_view base_url, std::string_view token);

// A request target (or URL) with the token of the signed link in it, if any, replaced by
// "REDACTED": what logs keep, since whoever reads a token can use it.
std::string RedactLinkToken(std::string_view target);

}  // namespace cinepress
