// Integrations: programs that use the magazine's APIs (docs/API.md), each under a name with a role
// and two keys — a Content API key (read-only, public content) and an Admin API key (writes, as
// the role allows). Plain functions over the StaffStore role.
//
//   Content API key  "cpc_" and 43 base64url characters; safe to ship in a public web page
//   Admin API key    "cpa_" and 43 base64url characters; a secret, sent as a bearer token
//
// Contract: keys are shown once, when made; the store keeps only their BLAKE2b hashes. An
// integration's role is contributor, author or editor (never admin: staff and settings are for
// people). Functions are thread-safe as far as the store given to them is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "content/staff_store.h"
#include "core/result.h"
#include "staff/roles.h"

namespace cinepress {

inline constexpr std::string_view kContentKeyPrefix = "cpc_";
inline constexpr std::string_view kAdminKeyPrefix = "cpa_";

// The two keys of an integration, as made (the only time they are known whole).
struct IntegrationKeys {
  std::string name;
  std::string content_key;
  std::string admin_key;
};

// "editor", "author" or "contributor"; anything else is an error naming the field `role`.
Result<StaffRole> ParseIntegrationRole(std::string_view name);

// Adds an integration with new keys. The name: 1 to 64 of a-z, 0-9, '-', '_' and '.'
// (kInvalidInput otherwise); kConflict when taken.
Result<IntegrationKeys> AddIntegration(StaffStore& store, const std::string& name, StaffRole role,
                                       int64_t now);
// New keys for an integration (the old ones stop working at once); kNotFound for no such name.
Result<IntegrationKeys> RotateIntegration(StaffStore& store, const std::string& name);
// kNotFound for no such name.
Status RemoveIntegration(StaffStore& store, const std::string& name);

// The integration a key belongs to (nullopt: no integration has it, or it is a key of the other
// kind — a content key never opens the Admin API).
Result<std::optional<Integration>> IntegrationOfKey(StaffStore& store, IntegrationKey kind,
                                                    std::string_view key);

}  // namespace cinepress
