// The staff commands of the composition root: add (with an invitation link), list, remove, and
// change a role. Each is one `cinepress staff` command (README.md's command table,
// docs/NEWSROOM.md). The integrations of the APIs too (`cinepress integrations`, docs/API.md).
// Contract: as app.h — results to `out`, an Error for what refused the command (the program
// exits 1 with it).
#pragma once

#include <iosfwd>
#include <string>

#include "app/app.h"

namespace cinepress {

// Adds a staff member (or invites again one who has not set a password) and prints the
// invitation link, valid 7 days.
Status StaffAdd(const SiteFolder& site, const std::string& email, const std::string& role,
                std::ostream& out);
// Every staff member: address, role, whether a password and a second factor are set, a lockout.
Status StaffList(const SiteFolder& site, std::ostream& out);
Status StaffRemove(const SiteFolder& site, const std::string& email, std::ostream& out);
Status StaffSetRole(const SiteFolder& site, const std::string& email, const std::string& role,
                    std::ostream& out);

// Adds an integration (role editor, author or contributor) and prints its two keys, once.
Status IntegrationsAdd(const SiteFolder& site, const std::string& name, const std::string& role,
                       std::ostream& out);
// Every integration: name, role, when it was added.
Status IntegrationsList(const SiteFolder& site, std::ostream& out);
Status IntegrationsRemove(const SiteFolder& site, const std::string& name, std::ostream& out);
// New keys for an integration, printed once; the old ones stop working.
Status IntegrationsRotate(const SiteFolder& site, const std::string& name, std::ostream& out);

}  // namespace cinepress
