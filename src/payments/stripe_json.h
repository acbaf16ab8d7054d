// Reading Stripe's JSON objects (API answers, webhook events) without throwing: a missing field,
// or one of another type, reads as empty. Shared by the payments module and the shop.
// Contract: every function takes any JSON value (an object or not) and never throws.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace cinepress::stripe_json {

using Json = nlohmann::json;

// The member `key` of `j`, or null.
inline const Json& Field(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// The string member `key`, or "".
inline std::string Str(const Json& j, const char* key) {
  const Json& v = Field(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// The integer member `key`, or 0.
inline int64_t Int(const Json& j, const char* key) {
  const Json& v = Field(j, key);
  return v.is_number_integer() ? v.get<int64_t>() : 0;
}

// A member Stripe gives as an id or as the expanded object: "cus_1" or {"id": "cus_1", …}.
inline std::string IdOf(const Json& j, const char* key) {
  const Json& v = Field(j, key);
  if (v.is_string()) return v.get<std::string>();
  return v.is_object() ? Str(v, "id") : std::string();
}

}  // namespace cinepress::stripe_json
