// Signing in without passwords: a one-time link and a 6-digit code sent by email, redeemed once
// for a member id; and changing a member's address (confirmed from the new address). Plain
// functions over the MemberStore; the web pages (src/web) are thin handlers over them.
//
//   link token   32 random bytes (libsodium), base64url; valid 24 h; single use
//   code         6 random digits for a reader whose mail opens in another browser; valid
//                15 min; five wrong codes burn it
//   signup       [members] signup: "open" (anyone becomes a member), "invite" (existing members,
//                and addresses at an institution's email domain), "closed" (existing only)
//
// Contract: functions use the store given (one thread at a time); tokens and codes are stored
// only as BLAKE2b hashes and compared in constant time. Refusals of a redemption are Errors
// whose `field` is a stable reason: "unknown", "expired", "used", "wrong-code" (see below).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "content/member_store.h"
#include "core/config.h"
#include "core/result.h"
#include "core/tokens.h"  // NewToken, HashSecret: how tokens are made and kept
#include "mail/message.h"
#include "members/members.h"

namespace cinepress {

inline constexpr int64_t kSignInLinkLifetime = 24 * 3600;
inline constexpr int64_t kSignInCodeLifetime = 15 * 60;
inline constexpr int kSignInCodeAttempts = 5;
// Messages to one address per hour at most; past it StartSignIn says send=false.
inline constexpr int kSignInMessagesPerHour = 5;

// Stable reasons in Error::field for a refused redemption.
inline constexpr const char* kSignInUnknown = "unknown";       // ErrorCode::kNotFound
inline constexpr const char* kSignInExpired = "expired";       // ErrorCode::kInvalidInput
inline constexpr const char* kSignInUsed = "used";             // ErrorCode::kConflict (also burned)
inline constexpr const char* kSignInWrongCode = "wrong-code";  // ErrorCode::kInvalidInput

struct SignInStart {
  bool send = false;        // false: send nothing (and say the same to the reader)
  int64_t member_id = 0;    // 0 when the address has no account yet: made on redemption
  bool new_member = false;  // the address will become a member on redemption
  std::string link_token;   // for the link: base64url, put it in the URL as is
  std::string code;         // 6 digits
  // Why nothing is sent (for logs; the page must not tell): "closed", "not-invited",
  // "rate-limited", "deleted".
  std::string refused;
};

// Starts a sign-in (or a sign-up, by the [members] signup rule) for `email`, which must be a
// plausible address (kInvalidInput otherwise; the page may say so: it reveals nothing). `name`
// is kept for a new member.
Result<SignInStart> StartSignIn(MemberStore& store, const SiteConfig& site,
                                const std::string& email, const std::string& name, int64_t now);

// The message: the link and the code, how long each is valid. From the first newsletter's
// sender, else no-reply@ the site's domain.
MailMessage SignInMessage(const SiteConfig& site, const std::string& email,
                          const std::string& link_url, const std::string& code, int64_t now);

// "https://mag.example/account/sign-in/confirm/?token=…" (base_url without a trailing slash).
std::string SignInUrl(std::string_view base_url, std::string_view link_token);

// Redeems a link: the member's id (a new address becomes a member now, with the free tier, and
// joins an institution by its email domain while seats last, told to `told` as member.added in
// the same transaction). Single use.
Result<int64_t> RedeemSignInLink(MemberStore& store, std::string_view token, int64_t now,
                                 const MemberEventHook& told = {});
// Redeems the code of the newest sign-in message sent to `email`. Five wrong codes burn it.
Result<int64_t> RedeemSignInCode(MemberStore& store, const std::string& email,
                                 std::string_view code, int64_t now,
                                 const MemberEventHook& told = {});

// Email change: a link token to send to the new address (kConflict when another member has it;
// kInvalidInput when it is not plausible). The link is valid 24 h, once.
Result<std::string> StartEmailChange(MemberStore& store, int64_t member_id,
                                     const std::string& new_email, int64_t now);
struct EmailChange {
  int64_t member_id = 0;
  std::string old_email, new_email;  // the caller tells the old address
};
// The new address is told as member.edited (`told`), in the same transaction.
Result<EmailChange> ConfirmEmailChange(MemberStore& store, std::string_view token, int64_t now,
                                       const MemberEventHook& told = {});
// The message to the new address, and the notice to the old one.
MailMessage EmailChangeMessage(const SiteConfig& site, const std::string& new_email,
                               const std::string& link_url, int64_t now);
MailMessage EmailChangedNotice(const SiteConfig& site, const EmailChange& change, int64_t now);
std::string EmailChangeUrl(std::string_view base_url, std::string_view link_token);

}  // namespace cinepress
