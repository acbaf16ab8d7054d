#include "staff/roles.h"

#include <array>
#include <utility>

namespace cinepress {
namespace {

constexpr std::array<std::pair<StaffRole, std::string_view>, 4> kRoleNames = {{
    {StaffRole::kContributor, "contributor"},
    {StaffRole::kAuthor, "author"},
    {StaffRole::kEditor, "editor"},
    {StaffRole::kAdmin, "admin"},
}};

// The permission table: each permission and the least trusted role that has it (the roles are
// ordered, so every role after it has it too).
constexpr std::array<std::pair<Permission, StaffRole>, 10> kLeastRole = {{
    {Permission::kUseNewsroom, StaffRole::kContributor},
    {Permission::kWriteOwnDrafts, StaffRole::kContributor},
    {Permission::kPublishOwn, StaffRole::kAuthor},
    {Permission::kEditAllContent, StaffRole::kEditor},
    {Permission::kModerateComments, StaffRole::kEditor},
    {Permission::kManageMembers, StaffRole::kEditor},
    {Permission::kManageNewsletters, StaffRole::kEditor},
    {Permission::kReadInbox, StaffRole::kEditor},
    {Permission::kManageStaff, StaffRole::kAdmin},
    {Permission::kManageSettings, StaffRole::kAdmin},
}};

}  // namespace

std::optional<StaffRole> ParseStaffRole(std::string_view name) {
  for (const auto& [role, n] : kRoleNames) {
    if (n == name) return role;
  }
  return std::nullopt;
}

std::string_view StaffRoleName(StaffRole role) {
  for (const auto& [r, n] : kRoleNames) {
    if (r == role) return n;
  }
  return "contributor";
}

const std::vector<StaffRole>& AllStaffRoles() {
  static const std::vector<StaffRole> all = {StaffRole::kContributor, StaffRole::kAuthor,
                                             StaffRole::kEditor, StaffRole::kAdmin};
  return all;
}

bool Allows(StaffRole role, Permission what) {
  for (const auto& [p, least] : kLeastRole) {
    if (p == what) return role >= least;
  }
  return false;  // a permission missing from the table is nobody's
}

bool RequiresTwoFactor(StaffRole role) { return role == StaffRole::kAdmin; }

}  // namespace cinepress
