// The members and institutions commands of the composition root: add, list, show, remove,
// import and export members (Ghost's CSV), and add, list, show, remove institutions and report
// their usage. Each is one `cinepress` command (README.md's command table).
// Contract: as app.h — results to `out`, warnings and problems to `err`, an Error for what
// refused the command (the program exits 1 with it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "content/member_store.h"
#include "core/config.h"

namespace cinepress {

// The site's config and a member store connection, for a command (kNotFound without a store).
struct MembersOpened {
  SiteConfig config;
  std::unique_ptr<MemberStore> store;
};
Result<MembersOpened> OpenMembersOf(const SiteFolder& site);

struct MembersAddOptions {
  std::string email, name, note;
  std::string tier;   // "": none
  std::string until;  // a date in the site's time zone, through its end; "": no end
};
Status MembersAdd(const SiteFolder& site, const MembersAddOptions& options, std::ostream& out,
                  std::ostream& err);
// Members (not deleted), or those holding `tier` now.
Status MembersList(const SiteFolder& site, const std::string& tier, std::ostream& out);
Status MembersShow(const SiteFolder& site, const std::string& email, std::ostream& out);
// Erases the member (members/members.h DeleteMember).
Status MembersRemove(const SiteFolder& site, const std::string& email, std::ostream& out);
// Ghost's members CSV. Returns the number of bad rows; nothing is written when there are some,
// unless skip_invalid.
Result<size_t> MembersImport(const SiteFolder& site, const std::filesystem::path& file,
                             bool skip_invalid, std::ostream& out, std::ostream& err);
Status MembersExport(const SiteFolder& site, std::ostream& out);

struct InstitutionsAddOptions {
  std::string name;
  std::vector<std::string> networks, domains;
  std::string tier;
  int64_t seats = 0;
  std::string until;  // as MembersAddOptions::until
};
Status InstitutionsAdd(const SiteFolder& site, const InstitutionsAddOptions& options,
                       std::ostream& out);
Status InstitutionsList(const SiteFolder& site, std::ostream& out);
Status InstitutionsShow(const SiteFolder& site, const std::string& name, std::ostream& out);
Status InstitutionsRemove(const SiteFolder& site, const std::string& name, std::ostream& out);
// Per institution for `month` ("2026-11"): views of restricted articles, distinct articles,
// refusals; a table, or CSV.
Status InstitutionsReport(const SiteFolder& site, const std::string& month, bool csv,
                          std::ostream& out);

}  // namespace cinepress
