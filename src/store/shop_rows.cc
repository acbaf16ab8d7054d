#include "store/shop_rows.h"

#include <nlohmann/json.hpp>

namespace cinepress {

std::string JoinedList(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

std::vector<std::string> SplitList(const std::string& joined) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < joined.size()) {
    size_t comma = joined.find(',', at);
    if (comma == std::string::npos) comma = joined.size();
    if (comma > at) out.push_back(joined.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

std::string ShippingJson(const std::vector<ShippingRate>& rates) {
  nlohmann::json out = nlohmann::json::array();
  for (const ShippingRate& r : rates) out.push_back({{"name", r.name}, {"amount", r.amount}});
  return out.dump();
}

std::vector<ShippingRate> ShippingFromJson(const std::string& json) {
  std::vector<ShippingRate> out;
  const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return out;
  for (const nlohmann::json& r : parsed) {
    if (!r.is_object()) continue;
    out.push_back(ShippingRate{r.value("name", std::string()), r.value("amount", int64_t{0})});
  }
  return out;
}

std::string SkuJson(const std::vector<ProductVariant>& variants) {
  nlohmann::json out = nlohmann::json::array();
  for (const ProductVariant& v : variants) out.push_back(v.sku);
  return out.dump();
}

Error NoOrder(const std::string& which) {
  return Error{ErrorCode::kNotFound, "no order " + which, {}, 0, {}};
}

Error NoSku(const std::string& sku) {
  return Error{ErrorCode::kNotFound, "no product has the SKU " + sku, {}, 0, "sku"};
}

Error SoldOut(const std::string& sku, int64_t left) {
  return Error{
      ErrorCode::kConflict,
      left <= 0 ? sku + " is sold out" : "only " + std::to_string(left) + " of " + sku + " left",
      {},
      0,
      "sku"};
}

Error OrderNotPaid(const Order& order) {
  return Error{ErrorCode::kConflict,
               "order " + std::to_string(order.id) + " is " + order.status + ", not paid",
               {},
               0,
               {}};
}

}  // namespace cinepress
