// Stripe's own example objects (../shared/data/stripe/fixtures3.json, or
// $CINEPRESS_SHARED/data/stripe/…) for the payments module's tests, and webhook events built on
// them. Contract: test-only; Fixture() fails the test when the file cannot be read.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace cinepress {

inline const nlohmann::json& StripeFixtures() {
  static const nlohmann::json fixtures = [] {
    std::filesystem::path shared;
    if (const char* s = std::getenv("CINEPRESS_SHARED")) {
      shared = s;
    } else if (const char* src = std::getenv("CINEPRESS_SOURCE_DIR")) {
      shared = std::filesystem::path(src).parent_path() / "shared";
    }
    std::ifstream in(shared / "data" / "stripe" / "fixtures3.json");
    auto j = nlohmann::json::parse(in, nullptr, false);
    return j.is_object() ? j["resources"] : nlohmann::json();
  }();
  return fixtures;
}

// A copy of Stripe's example `kind` ("subscription", "invoice"…) with `fields` set over it.
inline nlohmann::json StripeObject(const std::string& kind, const nlohmann::json& fields = {}) {
  const nlohmann::json& all = StripeFixtures();
  EXPECT_TRUE(all.is_object() && all.contains(kind))
      << "Stripe's fixtures3.json not found: set CINEPRESS_SHARED (see ../shared/data/stripe)";
  nlohmann::json o = all.is_object() && all.contains(kind) ? all[kind] : nlohmann::json::object();
  if (fields.is_object()) o.update(fields);
  return o;
}

// An event of `type` carrying `object`, made at Stripe time `created`.
inline std::string StripeEvent(const std::string& id, const std::string& type,
                               const nlohmann::json& object, int64_t created) {
  return StripeObject(
             "event",
             {{"id", id}, {"type", type}, {"created", created}, {"data", {{"object", object}}}})
      .dump();
}

}  // namespace cinepress
