#include "members/institutions.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <ctime>
#include <map>
#include <set>

#include "core/slug.h"
#include "core/text.h"
#include "mail/message.h"
#include "members/members.h"

namespace cinepress {

namespace ip = boost::asio::ip;

Result<std::string> NormalizeNetwork(std::string_view text) {
  std::string cidr(Trim(text));
  boost::system::error_code ec;
  auto bad = [&](const std::string& why) {
    return Error{ErrorCode::kInvalidInput, "\"" + cidr + "\" " + why, {}, 0, "ip"};
  };
  if (cidr.find('/') == std::string::npos) {
    ip::address a = ip::make_address(cidr, ec);
    if (ec) return bad("is not an IP network (192.0.2.0/24, 2001:db8::/32) or address");
    return a.to_string() + (a.is_v4() ? "/32" : "/128");
  }
  if (cidr.find(':') == std::string::npos) {
    ip::network_v4 n = ip::make_network_v4(cidr, ec);
    if (ec) return bad("is not an IPv4 network (192.0.2.0/24)");
    if (n != n.canonical())
      return bad("has host bits set (did you mean " + n.canonical().to_string() + "?)");
    return n.to_string();
  }
  ip::network_v6 n = ip::make_network_v6(cidr, ec);
  if (ec) return bad("is not an IPv6 network (2001:db8::/32)");
  if (n != n.canonical())
    return bad("has host bits set (did you mean " + n.canonical().to_string() + "?)");
  return n.to_string();
}

Result<int64_t> AddInstitution(MemberStore& store, const SiteConfig& site, Institution in,
                               int64_t now) {
  std::vector<std::string> problems;
  in.name = std::string(Trim(in.name));
  if (in.name.empty()) problems.push_back("the name is empty");
  if (in.slug.empty()) in.slug = Slugify(in.name);
  if (auto s = CheckTier(site, in.tier); !s) problems.push_back(s.error().message);
  if (in.seats < 0) problems.push_back("seats cannot be negative");
  if (in.networks.empty() && in.domains.empty()) {
    problems.push_back("give at least one IP network (--ip) or email domain (--domain)");
  }
  std::vector<std::string> networks;
  for (const std::string& n : in.networks) {
    auto norm = NormalizeNetwork(n);
    if (!norm) {
      problems.push_back(norm.error().message);
    } else {
      networks.push_back(*norm);
    }
  }
  in.networks = std::move(networks);
  for (std::string& d : in.domains) {
    d = AsciiLower(Trim(d));
    if (!d.empty() && d[0] == '@') d.erase(0, 1);
    if (!IsPlausibleEmail("x@" + d)) problems.push_back("\"" + d + "\" is not an email domain");
  }
  if (!problems.empty()) return MakeError(ErrorCode::kInvalidInput, Join(problems, "; "));
  in.created = now;
  in.id = 0;
  auto id = store.InsertInstitution(in);
  if (!id && id.error().code == ErrorCode::kConflict) {
    return Error{ErrorCode::kConflict,
                 "an institution called \"" + in.slug + "\" exists already",
                 {},
                 0,
                 "name"};
  }
  return id;
}

Result<std::vector<Institution>> ListInstitutions(MemberStore& store) {
  return store.LoadInstitutions();
}

Result<Institution> FindInstitution(MemberStore& store, const std::string& key) {
  auto all = store.LoadInstitutions();
  if (!all) return all.error();
  const std::string lower = AsciiLower(Trim(key));
  for (const Institution& i : *all) {
    if (i.slug == key || AsciiLower(i.name) == lower) return i;
  }
  return Error{ErrorCode::kNotFound, "no institution \"" + key + "\"", {}, 0, "institution"};
}

Status RemoveInstitution(MemberStore& store, int64_t id) {
  if (auto s = store.BeginTransaction(); !s) return s;
  if (auto s = store.DeleteInstitution(id); !s) {
    (void)store.Rollback();
    return s;
  }
  return store.Commit();
}

std::string UsageMonth(int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m", &tm);
  return buf;
}

Status RecordUsage(MemberStore& store, int64_t institution_id, const std::string& month,
                   const std::string& path, UsageKind kind) {
  return store.AddUsage(
      UsageCount{month, institution_id, path, kind == UsageKind::kView ? "view" : "refusal", 1});
}

Result<std::vector<UsageReportRow>> UsageReport(MemberStore& store, const std::string& month) {
  if (month.size() != 7 || month[4] != '-' || month.find_first_not_of("0123456789", 0) != 4 ||
      month.substr(5).find_first_not_of("0123456789") != std::string::npos ||
      month.substr(5) < "01" || month.substr(5) > "12") {
    return Error{
        ErrorCode::kInvalidInput, "\"" + month + "\" is not a month (2026-11)", {}, 0, "month"};
  }
  auto institutions = store.LoadInstitutions();
  if (!institutions) return institutions.error();
  auto usage = store.LoadUsage(month);
  if (!usage) return usage.error();
  struct Tally {
    int64_t views = 0, refusals = 0;
    std::set<std::string> articles;
  };
  std::map<int64_t, Tally> tally;
  for (const UsageCount& u : *usage) {
    Tally& t = tally[u.institution_id];
    if (u.kind == "view") {
      t.views += u.count;
      if (u.count > 0) t.articles.insert(u.path);
    } else {
      t.refusals += u.count;
    }
  }
  std::vector<UsageReportRow> out;
  for (const Institution& i : *institutions) {
    UsageReportRow row;
    row.institution_id = i.id;
    row.name = i.name;
    row.slug = i.slug;
    row.seats = i.seats;
    const Tally& t = tally[i.id];
    row.views = t.views;
    row.refusals = t.refusals;
    row.distinct_articles = static_cast<int64_t>(t.articles.size());
    auto members = store.CountInstitutionMembers(i.id);
    if (!members) return members.error();
    row.members = *members;
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace cinepress
