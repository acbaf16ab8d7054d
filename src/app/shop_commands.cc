#include "app/shop_commands.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "core/dates.h"
#include "core/money.h"
#include "mail/message.h"
#include "shop/orders.h"
#include "store/open_store.h"

namespace cinepress {
namespace {

const char* const kStatuses[] = {"pending", "paid", "shipped", "expired", "refunded"};

struct Opened {
  SiteConfig config;
  std::unique_ptr<ShopStore> store;
};

Result<Opened> Open(const SiteFolder& site) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  const StoreOptions options = SiteStoreOptions(site);
  if (auto s = RequireStore(site, options); !s) return s.error();
  auto store = OpenShopStore(site.database(), options);
  if (!store) return store.error();
  return Opened{std::move(*config), std::move(*store)};
}

// The orders with `status` (any when empty), after the abandoned checkouts have ended.
Result<std::vector<Order>> Orders(ShopStore& store, const std::string& status) {
  if (!status.empty() &&
      std::find(std::begin(kStatuses), std::end(kStatuses), status) == std::end(kStatuses)) {
    return Error{ErrorCode::kInvalidInput,
                 "--status must be pending, paid, shipped, expired or refunded",
                 {},
                 0,
                 "status"};
  }
  if (auto swept = store.ExpireAbandonedOrders(NowSeconds()); !swept) return swept.error();
  return store.ListOrders(status);
}

std::string Lines(const Order& o) {
  std::string out;
  for (const OrderLine& l : o.lines) {
    if (!out.empty()) out += ", ";
    out += std::to_string(l.quantity) + " x " + l.product + (l.sku.empty() ? "" : " " + l.sku);
  }
  return out;
}

}  // namespace

Status OrdersListCommand(const SiteFolder& site, const std::string& status, std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  auto orders = Orders(*opened->store, status);
  if (!orders) return orders.error();
  for (const Order& o : *orders) {
    out << o.id << '\t' << o.status << '\t' << TimeZone::IsoUtc(o.created) << '\t'
        << (o.email.empty() ? "-" : o.email) << '\t' << Lines(o) << '\t'
        << FormatMoney(o.amount_total, o.currency, opened->config.language) << '\t'
        << (o.tracking.empty() ? "-" : o.tracking) << '\n';
  }
  if (orders->empty()) out << "no orders\n";
  return {};
}

Status OrdersExportCommand(const SiteFolder& site, const std::string& status, bool csv,
                           std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  auto orders = Orders(*opened->store, status);
  if (!orders) return orders.error();
  if (csv) {
    out << OrdersCsv(*orders);
    return {};
  }
  nlohmann::json all = nlohmann::json::array();
  for (const Order& o : *orders) {
    nlohmann::json lines = nlohmann::json::array();
    for (const OrderLine& l : o.lines) {
      lines.push_back({{"product", l.product},
                       {"sku", l.sku},
                       {"quantity", l.quantity},
                       {"unit_amount", l.unit_amount}});
    }
    all.push_back({{"id", o.id},
                   {"status", o.status},
                   {"created", TimeZone::IsoUtc(o.created)},
                   {"email", o.email},
                   {"amount_total", o.amount_total},
                   {"currency", o.currency},
                   {"shipping_name", o.shipping_name},
                   {"shipping_address", o.shipping_address},
                   {"tracking", o.tracking},
                   {"lines", lines}});
  }
  out << all.dump(2) << '\n';
  return {};
}

Status OrdersShipCommand(const SiteFolder& site, int64_t id, const std::string& tracking,
                         std::ostream& out) {
  if (tracking.empty()) {
    return Error{ErrorCode::kInvalidInput, "--tracking is needed", {}, 0, "tracking"};
  }
  auto opened = Open(site);
  if (!opened) return opened.error();
  auto message = ShipOrderAndTell(*opened->store, opened->config, id, tracking, NowSeconds());
  if (!message) return message.error();
  auto outbox = OpenNewsletterStore(site.database(), SiteStoreOptions(site));
  if (!outbox) return outbox.error();
  auto queued = (*outbox)->QueueMail(SerializeMessage(*message), NowSeconds());
  if (!queued) return queued.error();
  out << "order " << id << " shipped (" << tracking << "); " << message->to.email
      << " will be told\n";
  return {};
}

}  // namespace cinepress
