// What both store engines share about the shop's rows: how lists and shipping rates are kept in
// one column, and the errors of the ShopStore contract.
// Contract: plain functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "content/shop_store.h"
#include "core/result.h"

namespace cinepress {

// Tiers and countries: "a,b" (the values hold no commas: tier slugs, country codes).
std::string JoinedList(const std::vector<std::string>& values);
std::vector<std::string> SplitList(const std::string& joined);

// Shipping rates as a JSON array of {name, amount}.
std::string ShippingJson(const std::vector<ShippingRate>& rates);
std::vector<ShippingRate> ShippingFromJson(const std::string& json);

// The variants' SKUs as a JSON array of strings.
std::string SkuJson(const std::vector<ProductVariant>& variants);

Error NoOrder(const std::string& which);
Error NoSku(const std::string& sku);
// kConflict: "SKU is sold out" or "only N of SKU left".
Error SoldOut(const std::string& sku, int64_t left);
Error OrderNotPaid(const Order& order);

}  // namespace cinepress
