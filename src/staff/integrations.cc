#include "staff/integrations.h"

#include "core/tokens.h"

namespace cinepress {
namespace {

Error NoSuchIntegration(const std::string& name) {
  return Error{ErrorCode::kNotFound, "no integration named \"" + name + "\"", {}, 0, "name"};
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// New keys for `integration`, their hashes written into it.
IntegrationKeys NewKeys(Integration& integration) {
  IntegrationKeys keys{integration.name, std::string(kContentKeyPrefix) + NewToken(),
                       std::string(kAdminKeyPrefix) + NewToken()};
  integration.content_key_hash = HashSecret(keys.content_key);
  integration.admin_key_hash = HashSecret(keys.admin_key);
  return keys;
}

}  // namespace

Result<StaffRole> ParseIntegrationRole(std::string_view name) {
  auto role = ParseStaffRole(name);
  if (!role || *role == StaffRole::kAdmin) {
    return Error{ErrorCode::kInvalidInput,
                 "no integration role \"" + std::string(name) + "\": editor, author or contributor",
                 {},
                 0,
                 "role"};
  }
  return *role;
}

Result<IntegrationKeys> AddIntegration(StaffStore& store, const std::string& name, StaffRole role,
                                       int64_t now) {
  if (!ValidName(name)) {
    return Error{
        ErrorCode::kInvalidInput,
        "integration name \"" + name + "\": 1 to 64 characters of a-z, 0-9, '-', '_' and '.'",
        {},
        0,
        "name"};
  }
  if (role == StaffRole::kAdmin) return ParseIntegrationRole("admin").error();
  Integration integration;
  integration.name = name;
  integration.role = std::string(StaffRoleName(role));
  integration.created = now;
  IntegrationKeys keys = NewKeys(integration);
  auto id = store.InsertIntegration(integration);
  if (!id) {
    Error e = id.error();
    if (e.code == ErrorCode::kConflict) e.message = "an integration named \"" + name + "\" exists";
    return e;
  }
  return keys;
}

Result<IntegrationKeys> RotateIntegration(StaffStore& store, const std::string& name) {
  auto found = store.FindIntegration(name);
  if (!found) return found.error();
  if (!found->has_value()) return NoSuchIntegration(name);
  Integration integration = **found;
  IntegrationKeys keys = NewKeys(integration);
  if (auto s = store.UpdateIntegration(integration); !s) return s.error();
  return keys;
}

Status RemoveIntegration(StaffStore& store, const std::string& name) {
  auto found = store.FindIntegration(name);
  if (!found) return found.error();
  if (!found->has_value()) return NoSuchIntegration(name);
  return store.DeleteIntegration((*found)->id);
}

Result<std::optional<Integration>> IntegrationOfKey(StaffStore& store, IntegrationKey kind,
                                                    std::string_view key) {
  const std::string_view prefix =
      kind == IntegrationKey::kContent ? kContentKeyPrefix : kAdminKeyPrefix;
  if (key.size() <= prefix.size() || key.substr(0, prefix.size()) != prefix) {
    return std::optional<Integration>();
  }
  return store.FindIntegrationByKey(kind, HashSecret(key));
}

}  // namespace cinepress
