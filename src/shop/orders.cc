#include "shop/orders.h"

#include <algorithm>
#include <functional>
#include <map>

#include "core/csv.h"
#include "core/money.h"
#include "core/signed_link.h"
#include "payments/stripe_json.h"

namespace cinepress {
namespace {

using Json = nlohmann::json;
using stripe_json::Field;
using stripe_json::IdOf;
using stripe_json::Int;
using stripe_json::Str;

Result<Product> FindProduct(ShopStore& store, const std::string& slug) {
  auto products = store.LoadProducts();
  if (!products) return products.error();
  for (Product& p : *products) {
    if (p.slug == slug) return std::move(p);
  }
  return Error{ErrorCode::kNotFound, "no product " + slug, {}, 0, "product"};
}

const ProductVariant* FindVariant(const Product& p, const std::string& sku) {
  for (const ProductVariant& v : p.variants) {
    if (v.sku == sku) return &v;
  }
  return nullptr;
}

Json LineItem(const Product& p, const ProductVariant* variant, int64_t quantity) {
  const std::string name = variant ? p.title + " — " + variant->label : p.title;
  Json product_data = {{"name", name}};
  if (!p.summary.empty()) product_data["description"] = p.summary;
  return {{"quantity", quantity},
          {"price_data",
           {{"currency", p.currency}, {"unit_amount", p.price}, {"product_data", product_data}}}};
}

// Merchandise: where it ships and what shipping costs.
void AddShipping(const Product& p, Json& params) {
  params["shipping_address_collection"] = {{"allowed_countries", p.ship_to}};
  Json options = Json::array();
  for (const ShippingRate& r : p.shipping) {
    options.push_back({{"shipping_rate_data",
                        {{"type", "fixed_amount"},
                         {"display_name", r.name},
                         {"fixed_amount", {{"amount", r.amount}, {"currency", p.currency}}}}}});
  }
  params["shipping_options"] = options;
}

// The address as lines: "Ada Reader\n1 Rue X\n75001 Paris\nFR".
std::string AddressLines(const Json& shipping) {
  const Json& a = Field(shipping, "address");
  std::string out;
  auto line = [&out](const std::string& text) {
    if (text.empty()) return;
    if (!out.empty()) out += '\n';
    out += text;
  };
  line(Str(a, "line1"));
  line(Str(a, "line2"));
  std::string city = Str(a, "postal_code");
  if (!Str(a, "city").empty()) city += (city.empty() ? "" : " ") + Str(a, "city");
  line(city);
  line(Str(a, "state"));
  line(Str(a, "country"));
  return out;
}

OrderPayment PaymentOf(const Json& session, int64_t now) {
  OrderPayment p;
  p.session_id = Str(session, "id");
  p.email = Str(Field(session, "customer_details"), "email");
  if (p.email.empty()) p.email = Str(session, "customer_email");
  p.amount_total = Int(session, "amount_total");
  p.payment_intent = IdOf(session, "payment_intent");
  Json shipping = Field(Field(session, "collected_information"), "shipping_details");
  if (!shipping.is_object()) shipping = Field(session, "shipping_details");
  if (shipping.is_object()) {
    p.shipping_name = Str(shipping, "name");
    p.shipping_address = AddressLines(shipping);
  }
  p.at = now;
  return p;
}

// A message about order `id` (`what`: "receipt", "shipped").
MailMessage MessageTo(const SiteConfig& site, const std::string& email, const std::string& subject,
                      std::string text, int64_t now, int64_t id, const char* what) {
  MailMessage m;
  m.message_id = "cinepress.shop-" + std::string(what) + "." + std::to_string(id) + "." +
                 std::to_string(now) + "@" + DomainOf(site.base_url);
  m.from = SiteSender(site);
  m.to = MailAddress{"", email};
  m.subject = subject;
  m.date = now;
  m.text = std::move(text);
  return m;
}

// The buyer's receipt: what they bought, and each ebook's signed links.
Result<MailMessage> Receipt(ShopStore& store, const SiteConfig& site, std::string_view key,
                            const Order& order, int64_t now) {
  auto grants = store.GrantsOf(order.email);
  if (!grants) return grants.error();
  auto products = store.LoadProducts();
  if (!products) return products.error();
  std::string text = "Thank you for your order " + std::to_string(order.id) + " (" +
                     FormatMoney(order.amount_total, order.currency, site.language) + ").\n";
  for (const DownloadGrant& g : *grants) {
    if (g.order_id != order.id || g.revoked) continue;
    for (const Product& p : *products) {
      if (p.slug != g.product) continue;
      text += "\n" + p.title + ": download it here until " + MailDate(now + kDownloadLinkSeconds) +
              " (later, from My Account):\n";
      const std::string token = SignDownload(key, g.id, now + kDownloadLinkSeconds);
      for (const ProductFile& f : p.files) {
        text += "  " + DownloadUrl(site.base_url, token, f.name) + "\n";
      }
    }
  }
  if (!order.shipping_address.empty()) {
    text += "\nWe will send it to:\n" + order.shipping_name + "\n" + order.shipping_address +
            "\nand write again with its tracking number when it leaves.\n";
  }
  return MessageTo(site, order.email, site.title + ": your order " + std::to_string(order.id),
                   std::move(text), now, order.id, "receipt");
}

using EventHandler = std::function<Status(ShopStore&, const SiteConfig&, std::string_view,
                                          const Json&, int64_t, ShopEventOutcome&)>;

// The receipt (with the download links) is made and queued in the payment's transaction.
Status OnCompleted(ShopStore& store, const SiteConfig& site, std::string_view key,
                   const Json& session, int64_t now, ShopEventOutcome& out) {
  auto receipt = [&](const Order& order) -> Result<std::vector<std::string>> {
    auto made = Receipt(store, site, key, order, now);
    if (!made) return made.error();
    return std::vector<std::string>{SerializeMessage(*made)};
  };
  auto paid = store.PayOrder(PaymentOf(session, now), receipt);
  if (!paid) return paid.error();
  if (!paid->has_value()) {
    out.note = "order of " + Str(session, "id") + " paid before: nothing changed";
    return {};
  }
  out.note = "order " + std::to_string((*paid)->id) + " paid, its receipt queued";
  out.queued = 1;
  return {};
}

Status OnExpired(ShopStore& store, const SiteConfig&, std::string_view, const Json& session,
                 int64_t now, ShopEventOutcome& out) {
  auto expired = store.ExpireOrder(Str(session, "id"), now);
  if (!expired) return expired.error();
  out.note = *expired ? "order of " + Str(session, "id") + " expired: its stock returned"
                      : "order of " + Str(session, "id") + " was not pending: nothing changed";
  return {};
}

Status OnRefunded(ShopStore& store, const SiteConfig&, std::string_view, const Json& charge,
                  int64_t now, ShopEventOutcome& out) {
  auto refunded = store.RefundOrder(IdOf(charge, "payment_intent"), now);
  if (!refunded) return refunded.error();
  out.handled = refunded->has_value();
  out.note = out.handled
                 ? "order " + std::to_string((*refunded)->id) + " refunded: its downloads revoked"
                 : "not a shop order's payment";
  return {};
}

// Whether a session is the shop's (its metadata names our order).
bool IsShopSession(const Json& session) {
  return !Str(Field(session, "metadata"), "shop_order").empty();
}

}  // namespace

Result<std::string> StartProductCheckout(StripeClient& stripe, ShopStore& store,
                                         const SiteConfig& site, const BuyRequest& request,
                                         const ShopCheckoutOptions& options, int64_t now) {
  if (request.quantity < 1 || request.quantity > 10) {
    return Error{ErrorCode::kInvalidInput, "a quantity from 1 to 10", {}, 0, "quantity"};
  }
  if (!request.email.empty() && !IsPlausibleEmail(request.email)) {
    return Error{ErrorCode::kInvalidInput, "that is not an email address", {}, 0, "email"};
  }
  auto product = FindProduct(store, request.product);
  if (!product) return product.error();
  const ProductVariant* variant = nullptr;
  if (product->kind == "merch") {
    variant = FindVariant(*product, request.sku);
    if (!variant) return Error{ErrorCode::kNotFound, "choose a size and colour", {}, 0, "sku"};
  }
  // Sessions abandoned without their event give their stock back before anyone is refused.
  if (auto swept = store.ExpireAbandonedOrders(now); !swept) return swept.error();
  Order order;
  order.reference = NewIdempotencyKey();
  order.email = request.email;
  order.member_id = request.member_id;
  order.currency = product->currency;
  order.created = now;
  order.expires_at = now + kCheckoutSeconds;
  order.lines = {
      {product->slug, variant ? variant->sku : "", variant ? request.quantity : 1, product->price}};
  auto id = store.StartOrder(order);
  if (!id) return id.error();
  const std::string page = site.base_url + "/shop/" + product->slug + "/";
  Json params = {
      {"mode", "payment"},
      {"client_reference_id", order.reference},
      {"expires_at", order.expires_at},
      {"line_items", Json::array({LineItem(*product, variant, order.lines[0].quantity)})},
      {"metadata", {{"shop_order", order.reference}, {"product", product->slug}}},
      {"success_url", page + "?bought={CHECKOUT_SESSION_ID}"},
      {"cancel_url", page}};
  if (!request.email.empty()) params["customer_email"] = request.email;
  if (variant) AddShipping(*product, params);
  if (options.automatic_tax) params["automatic_tax"] = {{"enabled", true}};
  auto session = stripe.Call({"POST", "/v1/checkout/sessions", params, "shop-" + order.reference});
  const bool made = session && (*session)["url"].is_string() && (*session)["id"].is_string();
  // The session's id names the order from now on; without a session the order ends at once.
  const std::string session_id = made ? (*session)["id"].get<std::string>() : order.reference;
  if (auto s = store.SetOrderSession(*id, session_id); !s) return s.error();
  if (!made) {
    if (auto expired = store.ExpireOrder(session_id, now); !expired) return expired.error();
    if (!session) return session.error();
    return MakeError(ErrorCode::kInternal, "Stripe: the checkout session has no url");
  }
  return (*session)["url"].get<std::string>();
}

Result<ShopEventOutcome> ApplyShopEvent(ShopStore& store, const SiteConfig& site,
                                        std::string_view key, std::string_view payload,
                                        int64_t now) {
  static const std::map<std::string, EventHandler, std::less<>> kHandlers = {
      {"checkout.session.completed", OnCompleted},
      {"checkout.session.expired", OnExpired},
      {"charge.refunded", OnRefunded},
  };
  ShopEventOutcome out;
  const Json event = Json::parse(payload, nullptr, false);
  const Json& object = Field(Field(event, "data"), "object");
  auto handler = kHandlers.find(Str(event, "type"));
  if (!object.is_object() || handler == kHandlers.end()) return out;
  const bool session_event = Str(event, "type").rfind("checkout.session.", 0) == 0;
  if (session_event && !IsShopSession(object)) return out;
  out.handled = true;
  if (auto s = handler->second(store, site, key, object, now, out); !s) return s.error();
  return out;
}

Result<MailMessage> ShipOrderAndTell(ShopStore& store, const SiteConfig& site, int64_t id,
                                     const std::string& tracking, int64_t now) {
  if (auto s = store.ShipOrder(id, tracking, now); !s) return s.error();
  auto order = store.LoadOrder(id);
  if (!order) return order.error();
  if (!order->has_value()) return MakeError(ErrorCode::kNotFound, "no order " + std::to_string(id));
  const Order& o = **order;
  std::string text = "Your order " + std::to_string(o.id) +
                     " has left us.\n\nTracking number: " + tracking + "\n\nIt goes to:\n" +
                     o.shipping_name + "\n" + o.shipping_address + "\n";
  return MessageTo(site, o.email, site.title + ": order " + std::to_string(o.id) + " shipped",
                   std::move(text), now, o.id, "shipped");
}

std::string SignDownload(std::string_view key, int64_t grant_id, int64_t expires) {
  return SignLink(key, grant_id, expires);
}

std::optional<int64_t> VerifyDownload(std::string_view key, std::string_view token, int64_t now) {
  auto link = ReadSignedLink(key, token);
  if (!link || now > link->expires) return std::nullopt;
  return link->id;
}

std::string DownloadUrl(std::string_view base_url, std::string_view token,
                        std::string_view file_name) {
  return std::string(base_url) + "/shop/download/" + std::string(token) + "/" +
         std::string(file_name);
}

Result<AuthorizedDownload> AuthorizeDownload(ShopStore& store, std::string_view key,
                                             std::string_view token, std::string_view file_name,
                                             int64_t now) {
  const Error refused{ErrorCode::kNotFound,
                      "this download link has expired or no longer holds; My Account has the "
                      "current ones",
                      {},
                      0,
                      {}};
  auto grant_id = VerifyDownload(key, token, now);
  if (!grant_id) return refused;
  auto grant = store.LoadGrant(*grant_id);
  if (!grant) return grant.error();
  if (!grant->has_value() || (*grant)->revoked) return refused;
  auto product = FindProduct(store, (*grant)->product);
  if (!product) return product.error();
  for (const ProductFile& f : product->files) {
    if (f.name == file_name) return AuthorizedDownload{**grant, f};
  }
  return refused;
}

bool MemberMayDownload(const Product& product, const ReaderRights& rights) {
  if (!rights.signed_in() || product.kind != "ebook") return false;
  return std::any_of(product.free_for.begin(), product.free_for.end(),
                     [&rights](const std::string& tier) { return rights.Holds(tier); });
}

Result<std::vector<AccountDownload>> AccountDownloads(ShopStore& store, std::string_view key,
                                                      const std::string& email,
                                                      const ReaderRights& rights, int64_t now) {
  std::vector<AccountDownload> out;
  auto products = store.LoadProducts();
  if (!products) return products.error();
  auto grants = store.GrantsOf(email);
  if (!grants) return grants.error();
  for (const Product& p : *products) {
    AccountDownload d{p.title, {}};
    if (MemberMayDownload(p, rights)) {
      for (const ProductFile& f : p.files) {
        d.files.emplace_back(f.name, kMemberDownloadPrefix + p.slug + "/" + f.name);
      }
    } else {
      for (const DownloadGrant& g : *grants) {
        if (g.product != p.slug || g.revoked) continue;
        const std::string token = SignDownload(key, g.id, now + kDownloadLinkSeconds);
        for (const ProductFile& f : p.files)
          d.files.emplace_back(f.name, DownloadUrl("", token, f.name));
        break;
      }
    }
    if (!d.files.empty()) out.push_back(std::move(d));
  }
  return out;
}

std::string OrdersCsv(const std::vector<Order>& orders) {
  std::string out =
      "id,status,created,email,shipping_name,shipping_address,lines,total,"
      "currency,tracking\r\n";
  for (const Order& o : orders) {
    std::string lines;
    for (const OrderLine& l : o.lines) {
      if (!lines.empty()) lines += "; ";
      lines += std::to_string(l.quantity) + " x " + l.product + (l.sku.empty() ? "" : " " + l.sku);
    }
    out += std::to_string(o.id) + "," + CsvField(o.status) + "," + std::to_string(o.created) + "," +
           CsvField(o.email) + "," + CsvField(o.shipping_name) + "," +
           CsvField(o.shipping_address) + "," + CsvField(lines) + "," +
           std::to_string(o.amount_total) + "," + CsvField(o.currency) + "," +
           CsvField(o.tracking) + "\r\n";
  }
  return out;
}

}  // namespace cinepress
