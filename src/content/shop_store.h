// ShopStore: the shop's products, their stock, orders and the downloads they grant (the role;
// src/store has it on SQLite and PostgreSQL). src/shop holds the rules over it.
//
//   product      a content file content/shop/{slug}.md: an ebook (its files kept here, never at
//                a public URL) or merchandise (variants, each a SKU with stock)
//   stock        how many of a variant can still be sold: it goes down when a checkout starts
//                (the reservation) and comes back when that checkout expires unpaid
//   order        one checkout: pending (stock held) → paid → shipped, or → expired (stock
//                returned), or paid → refunded (downloads revoked)
//   reservation  the stock one pending order holds of one SKU, until the order's expires_at
//   grant        the right to download one ebook's files, given by a paid order
//
// Contract: one instance is used by one thread at a time. Every change of stock happens inside
// one transaction with the change of the order that causes it, so two buyers of the last item
// cannot both hold it, and an order's stock goes down (and comes back) at most once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct ProductVariant {
  std::string sku;
  std::string label;  // "M / black": what a buyer chooses
  int64_t stock = 0;  // saved: the count the file declares; loaded: what is left to sell

  bool operator==(const ProductVariant&) const = default;
};

// One of an ebook's files; its bytes are private media at "_shop/{slug}/{name}" in the content
// store (content/private_media.h), streamed from there a chunk at a time.
struct ProductFile {
  std::string name;  // "ozu.epub": the name a buyer's download is saved under
  std::string type;  // found from the bytes: application/epub+zip, application/pdf
  int64_t size = 0;

  bool operator==(const ProductFile&) const = default;
};

struct ShippingRate {
  std::string name;    // "Standard post"
  int64_t amount = 0;  // minor units of the product's currency

  bool operator==(const ShippingRate&) const = default;
};

struct Product {
  std::string slug;
  std::string kind;  // "ebook" or "merch"
  std::string title;
  std::string summary;   // one paragraph, plain text
  std::string body;      // Markdown
  int64_t price = 0;     // minor units: the same integer Stripe charges
  std::string currency;  // ISO 4217, lower case ("eur")
  std::string image;     // a media path of the site, or ""
  std::string image_alt;
  std::vector<std::string> free_for;     // tiers whose members download an ebook without buying
  std::vector<ProductFile> files;        // an ebook's
  std::vector<ProductVariant> variants;  // merchandise's
  std::vector<std::string> ship_to;      // merchandise: ISO 3166 country codes ("FR", "DE")
  std::vector<ShippingRate> shipping;

  bool operator==(const Product&) const = default;
};

struct OrderLine {
  std::string product;  // slug
  std::string sku;      // a variant's; "" for an ebook (no stock)
  int64_t quantity = 1;
  int64_t unit_amount = 0;

  bool operator==(const OrderLine&) const = default;
};

struct Order {
  int64_t id = 0;
  std::string reference;           // ours, sent to Stripe as client_reference_id
  std::string session_id;          // Stripe's Checkout Session
  std::string status = "pending";  // pending, paid, shipped, expired, refunded
  std::string email;
  int64_t member_id = 0;  // 0: not a member
  std::string currency;
  int64_t amount_total = 0;  // what Stripe charged (with shipping and tax), once paid
  std::string payment_intent;
  std::string shipping_name;
  std::string shipping_address;  // one line per part, as the buyer gave it
  std::string tracking;
  int64_t created = 0;
  int64_t expires_at = 0;  // when a pending order's reservation ends
  int64_t updated = 0;
  std::vector<OrderLine> lines;

  bool operator==(const Order&) const = default;
};

// What Stripe says of a paid checkout session.
struct OrderPayment {
  std::string session_id;
  std::string email;
  int64_t amount_total = 0;
  std::string payment_intent;
  std::string shipping_name;
  std::string shipping_address;
  int64_t at = 0;
};

struct DownloadGrant {
  int64_t id = 0;
  int64_t order_id = 0;
  std::string product;  // slug
  std::string email;
  int64_t created = 0;
  bool revoked = false;

  bool operator==(const DownloadGrant&) const = default;
};

class ShopStore {
 public:
  virtual ~ShopStore() = default;

  // Products, as imported: saves the product, its files' facts (their bytes are private media,
  // saved apart) and its variants. A variant's stock is set to the declared count when the file
  // declares a new count (restocking); a count declared before stays as sales left it.
  virtual Status SaveProduct(const Product& product) = 0;
  // By slug; each with its files (no bytes) and variants (with the stock left).
  virtual Result<std::vector<Product>> LoadProducts() = 0;
  virtual Status DeleteProduct(const std::string& slug) = 0;

  // Records a pending order (its id, status, session and payment fields are ignored) and
  // reserves each line's SKU until order.expires_at, all or nothing: kConflict naming the SKU
  // when fewer are left than a line asks for, kNotFound when a SKU is unknown. The new id.
  virtual Result<int64_t> StartOrder(const Order& order) = 0;
  virtual Status SetOrderSession(int64_t id, const std::string& session_id) = 0;
  // A pending order ends unpaid (its session expired): its stock returns. false when it was not
  // pending (already paid, or already released): nothing changed.
  virtual Result<bool> ExpireOrder(const std::string& session_id, int64_t now) = 0;
  // Every pending order whose reservation ended before `now` ends as ExpireOrder ends one (a
  // session abandoned whose expiry event never came); their ids.
  virtual Result<std::vector<int64_t>> ExpireAbandonedOrders(int64_t now) = 0;
  // Messages telling of an order a call changed (serialized by mail's SerializeMessage: the
  // store keeps them as text), made inside that call's transaction.
  using OrderMessages = std::function<Result<std::vector<std::string>>(const Order&)>;
  // The session was paid: the order becomes paid with the payment's facts, its reservations
  // become sales (an order that had expired takes its stock again) and each ebook line grants
  // its download; `messages` (if any) made from the paid order are queued in the outbox
  // (mail_outbox) in the same transaction, so that a crash after the commit loses none and a
  // duplicate delivery queues none. The paid order when this call paid it; nullopt when it was
  // paid before (nothing changed, nothing queued). kNotFound when no order has the session.
  virtual Result<std::optional<Order>> PayOrder(const OrderPayment& payment,
                                                const OrderMessages& messages = nullptr) = 0;
  // The order paid by `payment_intent` is refunded and its grants revoked: the order when this
  // call refunded it; nullopt when no order has that payment or it was refunded before.
  virtual Result<std::optional<Order>> RefundOrder(const std::string& payment_intent,
                                                   int64_t now) = 0;
  // A paid order is shipped with its tracking number; kNotFound when there is no such order,
  // kConflict when it is not paid.
  virtual Status ShipOrder(int64_t id, const std::string& tracking, int64_t now) = 0;
  // Oldest first; only those with `status` when it is not empty; with their lines.
  virtual Result<std::vector<Order>> ListOrders(const std::string& status) = 0;
  virtual Result<std::optional<Order>> LoadOrder(int64_t id) = 0;

  virtual Result<std::optional<DownloadGrant>> LoadGrant(int64_t id) = 0;
  // A buyer's grants (revoked ones too), oldest first.
  virtual Result<std::vector<DownloadGrant>> GrantsOf(const std::string& email) = 0;
};

}  // namespace cinepress
