#include "app/members_commands.h"

#include <algorithm>
#include <iomanip>
#include <map>
#include <ostream>

#include "content/access.h"
#include "core/config.h"
#include "core/csv.h"
#include "core/dates.h"
#include "core/text.h"
#include "members/institutions.h"
#include "members/member_csv.h"
#include "members/members.h"
#include "store/open_store.h"
#include "webhooks/webhooks.h"

namespace cinepress {

Result<MembersOpened> OpenMembersOf(const SiteFolder& site) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  const StoreOptions options = SiteStoreOptions(site);
  if (auto s = RequireStore(site, options); !s) return s.error();
  auto store = OpenMemberStore(site.database(), options);
  if (!store) return store.error();
  return MembersOpened{std::move(*config), std::move(*store)};
}

namespace {

// "2027-01-31": through the end of that day in the site's time zone; a date-time as written.
Result<int64_t> ParseUntil(const SiteConfig& config, const std::string& text) {
  if (text.empty()) return int64_t{0};
  auto tz = TimeZone::Named(config.timezone);
  if (!tz) return tz.error();
  auto t = tz->Parse(text);
  if (!t) {
    return Error{
        ErrorCode::kInvalidInput, "\"" + text + "\" is not a date (2027-01-31)", {}, 0, "until"};
  }
  return text.size() == 10 ? *t + 86400 : *t;
}

std::string UntilText(int64_t until) {
  return until == 0 ? std::string("no end") : TimeZone::IsoUtc(until);
}

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

}  // namespace

Status MembersAdd(const SiteFolder& site, const MembersAddOptions& o, std::ostream& out,
                  std::ostream& err) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  MemberStore& store = *opened->store;
  if (!o.tier.empty()) {
    if (auto s = CheckTier(opened->config, o.tier); !s) return s;
  } else if (!o.until.empty()) {
    return Error{ErrorCode::kInvalidInput, "--until needs --tier", {}, 0, "until"};
  }
  auto until = ParseUntil(opened->config, o.until);
  if (!until) return until.error();
  const int64_t now = NowSeconds();
  if (*until != 0 && *until <= now) {
    err << "warning: " << o.until << " has passed; the tier is granted but not held\n";
  }
  NewMember m;
  m.email = o.email;
  m.name = o.name;
  m.note = o.note;
  // Told to [[webhooks]] (member.added); the running `serve` sends it from the outbox.
  auto added = AddMember(store, m, now, MemberWebhooks(opened->config.webhooks, NowSeconds));
  if (!added) return added.error();
  if (!o.tier.empty() && o.tier != kFreeTier) {
    if (auto s = GrantTier(store, added->id, o.tier, *until, "comp", o.note, now); !s) return s;
  }
  out << (added->created ? "added " : "updated ") << o.email;
  if (!o.tier.empty()) out << " (" << o.tier << ", " << UntilText(*until) << ")";
  out << "\n";
  return {};
}

Status MembersList(const SiteFolder& site, const std::string& tier, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  if (!tier.empty()) {
    if (auto s = CheckTier(opened->config, tier); !s) return s;
  }
  MemberStore& store = *opened->store;
  auto members = store.LoadMembers();
  if (!members) return members.error();
  auto grants = store.LoadAllGrants();
  if (!grants) return grants.error();
  std::map<int64_t, std::vector<TierGrant>> by_member;
  for (TierGrant& g : *grants) by_member[g.member_id].push_back(std::move(g));
  const int64_t now = NowSeconds();
  size_t n = 0;
  for (const Member& m : *members) {
    std::vector<std::string> tiers = TiersHeld(by_member[m.id], now);
    if (!tier.empty() && std::find(tiers.begin(), tiers.end(), tier) == tiers.end()) continue;
    out << Pad(m.email, 32) << Pad(m.name, 24) << Join(tiers, ",") << "\n";
    ++n;
  }
  out << n << (n == 1 ? " member\n" : " members\n");
  return {};
}

Status MembersShow(const SiteFolder& site, const std::string& email, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  const int64_t now = NowSeconds();
  auto view = LoadMemberView(*opened->store, email, now);
  if (!view) return view.error();
  const Member& m = view->member;
  out << "email:    " << m.email << "\n"
      << "name:     " << m.name << "\n"
      << "note:     " << m.note << "\n"
      << "labels:   " << Join(m.labels, ", ") << "\n"
      << "joined:   " << TimeZone::IsoUtc(m.created) << "\n"
      << "emails:   " << (m.subscribed_to_emails ? "yes" : "no") << "\n";
  if (!m.stripe_customer_id.empty()) out << "stripe:   " << m.stripe_customer_id << "\n";
  out << "tiers:    " << Join(TiersHeld(view->grants, now), ", ") << "\n";
  for (const TierGrant& g : view->grants) {
    out << "  " << g.tier << " (" << g.source << ") until " << UntilText(g.until)
        << (g.ActiveAt(now) ? "" : " — ended") << (g.note.empty() ? "" : ": " + g.note) << "\n";
  }
  if (view->institution) out << "institution: " << view->institution->name << "\n";
  out << "sessions: " << view->sessions << "\n";
  return {};
}

Status MembersRemove(const SiteFolder& site, const std::string& email, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto view = LoadMemberView(*opened->store, email, 0);
  if (!view) return view.error();
  auto newsletters = OpenNewsletterStore(site.database(), SiteStoreOptions(site));
  if (!newsletters) return newsletters.error();
  if (auto s = DeleteMember(*opened->store, **newsletters, view->member.id, NowSeconds(),
                            MemberWebhooks(opened->config.webhooks, NowSeconds));
      !s) {
    return s;
  }
  out << "removed " << email << " (personal data erased; newsletter consent records kept)\n";
  return {};
}

Result<size_t> MembersImport(const SiteFolder& site, const std::filesystem::path& file,
                             bool skip_invalid, std::ostream& out, std::ostream& err) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto text = ReadFile(file);
  if (!text) return Error{ErrorCode::kIo, text.error().message, file.string(), 0, {}};
  MemberCsv csv = ParseMemberCsv(*text, file.string(), opened->config);
  for (const Error& e : csv.problems) err << e.ToString() << "\n";
  if (!csv.problems.empty() && !skip_invalid) {
    err << "members: " << csv.problems.size()
        << " problems; nothing imported (fix them, or give --skip-invalid)\n";
    return csv.problems.size();
  }
  auto done = ImportMemberRows(*opened->store, csv.rows, NowSeconds());
  if (!done) {
    Error e = done.error();
    e.file = file.string();
    return e;
  }
  out << "members: " << done->created << " added, " << done->updated << " updated, "
      << done->granted << " tiers granted";
  if (!csv.problems.empty()) out << "; " << csv.problems.size() << " problems skipped";
  out << "\n";
  return size_t{0};
}

Status MembersExport(const SiteFolder& site, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  MemberStore& store = *opened->store;
  auto members = store.LoadMembers();
  if (!members) return members.error();
  auto grants = store.LoadAllGrants();
  if (!grants) return grants.error();
  std::map<int64_t, std::vector<TierGrant>> by_member;
  for (TierGrant& g : *grants) by_member[g.member_id].push_back(std::move(g));
  const int64_t now = NowSeconds();
  out << MemberCsvHeader();
  for (const Member& m : *members) {
    std::vector<std::string> tiers;
    bool comp = false;
    for (const TierGrant& g : by_member[m.id]) {
      if (!g.ActiveAt(now) || g.tier == kFreeTier) continue;
      tiers.push_back(g.tier);
      comp |= g.source == "comp";
    }
    out << MemberCsvRow(m, tiers, comp);
  }
  return {};
}

Status InstitutionsAdd(const SiteFolder& site, const InstitutionsAddOptions& o, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto until = ParseUntil(opened->config, o.until);
  if (!until) return until.error();
  Institution i;
  i.name = o.name;
  i.networks = o.networks;
  i.domains = o.domains;
  i.tier = o.tier;
  i.seats = o.seats;
  i.until = *until;
  auto id = AddInstitution(*opened->store, opened->config, i, NowSeconds());
  if (!id) return id.error();
  auto added = FindInstitution(*opened->store, o.name);
  if (!added) return added.error();
  out << "added " << added->name << " (" << added->slug << "): " << added->tier << ", "
      << added->networks.size() << " networks, " << added->domains.size() << " domains, "
      << added->seats << " seats, until " << UntilText(added->until) << "\n";
  return {};
}

Status InstitutionsList(const SiteFolder& site, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto all = ListInstitutions(*opened->store);
  if (!all) return all.error();
  const int64_t now = NowSeconds();
  for (const Institution& i : *all) {
    out << Pad(i.slug, 28) << Pad(i.tier, 16) << "until " << UntilText(i.until)
        << (i.ActiveAt(now) ? "" : " (ended)") << "\n";
  }
  out << all->size() << (all->size() == 1 ? " institution\n" : " institutions\n");
  return {};
}

Status InstitutionsShow(const SiteFolder& site, const std::string& name, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto i = FindInstitution(*opened->store, name);
  if (!i) return i.error();
  auto members = opened->store->CountInstitutionMembers(i->id);
  if (!members) return members.error();
  out << "name:     " << i->name << "\n"
      << "slug:     " << i->slug << "\n"
      << "tier:     " << i->tier << "\n"
      << "until:    " << UntilText(i->until) << "\n"
      << "seats:    " << *members << " of " << i->seats << " taken\n"
      << "networks: " << Join(i->networks, " ") << "\n"
      << "domains:  " << Join(i->domains, " ") << "\n";
  return {};
}

Status InstitutionsRemove(const SiteFolder& site, const std::string& name, std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto i = FindInstitution(*opened->store, name);
  if (!i) return i.error();
  if (auto s = RemoveInstitution(*opened->store, i->id); !s) return s;
  out << "removed " << i->name << "\n";
  return {};
}

Status InstitutionsReport(const SiteFolder& site, const std::string& month, bool csv,
                          std::ostream& out) {
  auto opened = OpenMembersOf(site);
  if (!opened) return opened.error();
  auto rows = UsageReport(*opened->store, month);
  if (!rows) return rows.error();
  if (csv) {
    out << "institution,month,views,distinct_articles,refusals,members,seats\r\n";
    for (const UsageReportRow& r : *rows) {
      out << CsvField(r.name) << "," << month << "," << r.views << "," << r.distinct_articles << ","
          << r.refusals << "," << r.members << "," << r.seats << "\r\n";
    }
    return {};
  }
  out << "Usage in " << month << "\n"
      << Pad("institution", 32) << Pad("views", 8) << Pad("articles", 10) << Pad("refusals", 10)
      << "members\n";
  for (const UsageReportRow& r : *rows) {
    out << Pad(r.name, 32) << Pad(std::to_string(r.views), 8)
        << Pad(std::to_string(r.distinct_articles), 10) << Pad(std::to_string(r.refusals), 10)
        << r.members << "/" << r.seats << "\n";
  }
  return {};
}

}  // namespace cinepress
