// Gift memberships: a reader buys 3, 6 or 12 months of a paid tier for someone, and chooses the
// day the recipient is told; on that day the recipient is mailed a redeem link, and redeeming it
// grants the tier (a "gift" grant) until the end date, extending a current one.
//
//   price      the tier's monthly price × months; 12 months of a tier with a yearly price cost
//              the yearly price (what a member pays); a tier with a yearly price only: its
//              twelfth × months. In the tier's currency, charged by Checkout in payment mode
//              with `price_data` and metadata purpose = "gift", gift_id = the gift's id
//   states     pending (checkout started) → paid (checkout.session.completed; the buyer gets a
//              receipt) → sent (on the notify day: the recipient gets the link) → redeemed
//              (once); a full refund before redemption makes it void (never sent, the link
//              refused); a refund after redemption is logged and changes no access
//   the link   /gift/redeem/?gift=ID&token=T: the token is made when the message is sent, and
//              only its BLAKE2b hash is kept
//   the day    the notify day's midnight in the site's time zone; a day already here: at once
//   extending  the end is `months` calendar months after the latest end of the member's grants
//              of the tier (or after now when none is current); a grant without end stays so
//
// Contract: plain functions over a MemberStore (one thread at a time); the webhook parts run in
// the caller's transaction; TakeDueGifts marks gifts sent and returns their messages, in the
// caller's transaction (commit, then queue them, as the webhook's mail: a crash in between loses
// a message rather than mailing two links).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "content/member_store.h"
#include "core/config.h"
#include "core/dates.h"
#include "core/result.h"
#include "mail/message.h"
#include "payments/billing.h"
#include "payments/stripe_client.h"

namespace cinepress {

inline constexpr const char* kGiftPurpose = "gift";
inline constexpr int kGiftMonths[] = {3, 6, 12};

// The price of `months` of `tier` in minor units of its currency (0: not offered as a gift).
int64_t GiftPrice(const TierConfig& tier, int months);

struct GiftRequest {
  std::string tier;
  int months = 0;
  std::string buyer_email;  // "" when signed in (the member's)
  std::string recipient_name, recipient_email, message;
  std::string notify_day;  // "2026-12-24" (the site's time zone); "" or a past day: at once
  int64_t member_id = 0;   // the signed-in buyer, or 0
};

// Checks the request (kInvalidInput naming the field), keeps the gift as pending and starts its
// Checkout Session; returns the session's URL.
Result<std::string> StartGiftCheckout(StripeClient& stripe, MemberStore& store,
                                      const SiteConfig& site, const GiftRequest& request,
                                      int64_t now);

// Webhook parts (payments/billing.cc dispatches to them).
Result<PurposeOutcome> RecordGiftCheckout(MemberStore& store, const SiteConfig& site,
                                          const nlohmann::json& session, int64_t now);
Result<PurposeOutcome> RefundGift(MemberStore& store, const SiteConfig& site,
                                  const nlohmann::json& charge, int64_t now);

// Marks the paid gifts whose day has come as sent, each with a new redeem token, and returns
// the recipients' messages (see the contract above).
Result<std::vector<MailMessage>> TakeDueGifts(MemberStore& store, const SiteConfig& site,
                                              int64_t now);

struct RedeemedGift {
  int64_t member_id = 0;
  std::string tier;
  int64_t until = 0;
  bool new_member = false;  // the recipient's address became a member now
  std::string email;        // the member's address
};

// Redeems gift `id` with the link's token: for the signed-in member (`member_id`), else for the
// recipient's address (a member made now when there is none). kNotFound for an unknown gift or
// a wrong token, kConflict when it was redeemed before (field "redeemed") or is void ("void").
Result<RedeemedGift> RedeemGift(MemberStore& store, const std::string& id, const std::string& token,
                                int64_t member_id, int64_t now);

// The gifts bought (pending ones, whose checkout was never paid, are left out), oldest first: for
// people, and as CSV (RFC 4180: bought, tier, months, amount, currency, buyer, recipient name and
// email, delivery day, status, sent, redeemed). The delivery day is the site's (`zone`); other
// times are UTC; amounts in the currency's major unit in the CSV.
std::string GiftsText(const std::vector<Gift>& gifts, const TimeZone& zone,
                      const std::string& language);
std::string GiftsCsv(const std::vector<Gift>& gifts, const TimeZone& zone);

// `months` calendar months after `t` (UTC; the 31st of a shorter month is its last day).
int64_t AddMonths(int64_t t, int months);

}  // namespace cinepress
