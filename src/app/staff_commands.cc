#include "app/staff_commands.h"

#include <ostream>

#include "core/config.h"
#include "core/dates.h"
#include "staff/accounts.h"
#include "staff/integrations.h"
#include "staff/roles.h"
#include "store/open_store.h"

namespace cinepress {
namespace {

struct Opened {
  SiteConfig config;
  std::unique_ptr<StaffStore> store;
};

Result<Opened> Open(const SiteFolder& site) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  const StoreOptions options = SiteStoreOptions(*config);
  if (auto s = RequireStore(site, options); !s) return s.error();
  auto store = OpenStaffStore(site.database(), options);
  if (!store) return store.error();
  return Opened{std::move(*config), std::move(*store)};
}

Result<StaffRole> Role(const std::string& name) {
  if (auto r = ParseStaffRole(name)) return *r;
  return Error{ErrorCode::kInvalidInput,
               "no role \"" + name + "\": contributor, author, editor or admin",
               {},
               0,
               "role"};
}

std::string BaseUrl(const SiteConfig& config) {
  std::string url = config.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

void PrintKeys(const IntegrationKeys& keys, std::ostream& out) {
  out << "integration " << keys.name << " (the keys are shown this once; keep them)\n"
      << "content API key: " << keys.content_key << "\n"
      << "admin API key:   " << keys.admin_key << "\n";
}

}  // namespace

Status StaffAdd(const SiteFolder& site, const std::string& email, const std::string& role,
                std::ostream& out) {
  auto role_value = Role(role);
  if (!role_value) return role_value.error();
  auto opened = Open(site);
  if (!opened) return opened.error();
  auto invite = AddStaff(*opened->store, email, *role_value, NowSeconds());
  if (!invite) return invite.error();
  out << "invited " << email << " as " << role << "; the link works once, for 7 days:\n"
      << InvitationUrl(BaseUrl(opened->config), invite->token) << "\n";
  return {};
}

Status StaffList(const SiteFolder& site, std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  auto all = opened->store->ListStaff();
  if (!all) return all.error();
  const int64_t now = NowSeconds();
  for (const StaffMember& m : *all) {
    out << m.email << "\t" << m.role << "\t" << (m.password_hash.empty() ? "invited" : "active")
        << "\t" << (m.totp_enabled ? "2fa" : "no-2fa");
    if (m.locked_until > now) out << "\tlocked until " << TimeZone::IsoUtc(m.locked_until);
    out << "\n";
  }
  out << all->size() << (all->size() == 1 ? " staff member\n" : " staff members\n");
  return {};
}

Status StaffRemove(const SiteFolder& site, const std::string& email, std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  if (auto s = RemoveStaff(*opened->store, email); !s) return s;
  out << "removed " << email << " (signed out everywhere)\n";
  return {};
}

Status StaffSetRole(const SiteFolder& site, const std::string& email, const std::string& role,
                    std::ostream& out) {
  auto role_value = Role(role);
  if (!role_value) return role_value.error();
  auto opened = Open(site);
  if (!opened) return opened.error();
  if (auto s = SetStaffRole(*opened->store, email, *role_value); !s) return s;
  out << email << " is now " << role << "\n";
  return {};
}

Status IntegrationsAdd(const SiteFolder& site, const std::string& name, const std::string& role,
                       std::ostream& out) {
  auto role_value = ParseIntegrationRole(role);
  if (!role_value) return role_value.error();
  auto opened = Open(site);
  if (!opened) return opened.error();
  auto keys = AddIntegration(*opened->store, name, *role_value, NowSeconds());
  if (!keys) return keys.error();
  PrintKeys(*keys, out);
  return {};
}

Status IntegrationsList(const SiteFolder& site, std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  auto all = opened->store->ListIntegrations();
  if (!all) return all.error();
  for (const Integration& i : *all) {
    out << i.name << "\t" << i.role << "\tadded " << TimeZone::IsoUtc(i.created) << "\n";
  }
  out << all->size() << (all->size() == 1 ? " integration\n" : " integrations\n");
  return {};
}

Status IntegrationsRemove(const SiteFolder& site, const std::string& name, std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  if (auto s = RemoveIntegration(*opened->store, name); !s) return s;
  out << "removed integration " << name << " (its keys no longer work)\n";
  return {};
}

Status IntegrationsRotate(const SiteFolder& site, const std::string& name, std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  auto keys = RotateIntegration(*opened->store, name);
  if (!keys) return keys.error();
  PrintKeys(*keys, out);
  return {};
}

}  // namespace cinepress
