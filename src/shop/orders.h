// Buying from the shop through Stripe, as plain functions over the ShopStore role:
//
//   checkout   one product (and, for merchandise, one variant) in a Checkout Session in payment
//              mode. The line is `price_data` made from the product's own integers (the price a
//              reader sees is the one charged; nothing to sync), shipping addresses and options
//              for merchandise, automatic tax when [payments] asks. Its stock is reserved, in the
//              transaction that records the pending order, before the session is made; none
//              left refuses the checkout. The reservation ends with the session (expires_at).
//   events     checkout.session.completed pays the order once (by session) and queues the
//              buyer's receipt (an ebook's signed links) in the same transaction.
//              checkout.session.expired returns the stock once. charge.refunded refunds the order
//              paid by that payment intent and revokes its downloads. Sessions that are not the
//              shop's are left to payments/billing.h.
//   downloads  "GRANT.EXPIRES.MAC" (libsodium crypto_auth over both, under a site secret): the
//              link is the credential until it expires, and only while its grant is not revoked.
//   abandoned  a pending order whose session ended without its event is expired at the next
//              checkout or `orders list` (ExpireAbandonedOrders).
//
// Contract: plain functions (one thread at a time over the store and client given). An event's
// mail is queued in the store's outbox with the change; ShipOrderAndTell returns its message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "content/access.h"
#include "content/shop_store.h"
#include "core/config.h"
#include "core/result.h"
#include "mail/message.h"
#include "payments/stripe_client.h"

namespace cinepress {

inline constexpr int64_t kCheckoutSeconds = 30 * 60;        // Stripe's shortest session
inline constexpr int64_t kDownloadLinkSeconds = 7 * 86400;  // an emailed link lasts a week
inline constexpr const char* kDownloadSecretName = "shop-downloads";
inline constexpr size_t kDownloadSecretBytes = 32;

struct BuyRequest {
  std::string product;  // slug
  std::string sku;      // merchandise: the variant's
  int64_t quantity = 1;
  std::string email;  // the buyer's, when known (else Stripe asks)
  int64_t member_id = 0;
};

struct ShopCheckoutOptions {
  bool automatic_tax = false;  // Stripe Tax computes and adds the tax
};

// Reserves the stock and starts the session; its URL. kNotFound for an unknown product or SKU,
// kConflict when none is left (the message says so), kInvalidInput for a bad request.
Result<std::string> StartProductCheckout(StripeClient& stripe, ShopStore& store,
                                         const SiteConfig& site, const BuyRequest& request,
                                         const ShopCheckoutOptions& options, int64_t now);

struct ShopEventOutcome {
  bool handled = false;  // the event was the shop's
  std::string note;      // what happened, for the log
  // Messages already queued in the store's outbox, in the change's own transaction (the
  // receipt with its download links): the outbox's sender may be told to look.
  size_t queued = 0;
};

// Applies one webhook event (its raw JSON, already verified) to the shop. Idempotent: a
// duplicate changes nothing and sends nothing. `key`: the download links' secret.
Result<ShopEventOutcome> ApplyShopEvent(ShopStore& store, const SiteConfig& site,
                                        std::string_view key, std::string_view payload,
                                        int64_t now);

// Marks a paid order shipped and returns the message telling its buyer.
Result<MailMessage> ShipOrderAndTell(ShopStore& store, const SiteConfig& site, int64_t id,
                                     const std::string& tracking, int64_t now);

// A download link's token for the grant, valid until `expires`.
std::string SignDownload(std::string_view key, int64_t grant_id, int64_t expires);
// The grant id when `token` is one of ours and has not expired at `now`.
std::optional<int64_t> VerifyDownload(std::string_view key, std::string_view token, int64_t now);
// "https://site/shop/download/TOKEN/ozu.epub"
std::string DownloadUrl(std::string_view base_url, std::string_view token,
                        std::string_view file_name);

struct AuthorizedDownload {
  DownloadGrant grant;
  ProductFile file;
};

// What a download link opens: kNotFound when the token is bad or expired, the grant revoked
// (a refund) or the product has no such file.
Result<AuthorizedDownload> AuthorizeDownload(ShopStore& store, std::string_view key,
                                             std::string_view token, std::string_view file_name,
                                             int64_t now);

// A member's download of an ebook their tier includes (free_for): "/shop/download/member/
// SLUG/NAME", opened by their session, not by a token.
inline constexpr const char* kMemberDownloadPrefix = "/shop/download/member/";
bool MemberMayDownload(const Product& product, const ReaderRights& rights);

struct AccountDownload {
  std::string title;
  std::vector<std::pair<std::string, std::string>> files;  // name, URL (site-relative)
};

// The ebooks My Account offers: those bought with `email` (orders not refunded; each link
// signed anew, valid kDownloadLinkSeconds) and those a tier the reader holds includes.
Result<std::vector<AccountDownload>> AccountDownloads(ShopStore& store, std::string_view key,
                                                      const std::string& email,
                                                      const ReaderRights& rights, int64_t now);

// The orders as CSV for fulfilment (id, status, created, email, shipping, lines, total, tracking).
std::string OrdersCsv(const std::vector<Order>& orders);

}  // namespace cinepress
