#include "members/rights.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <mutex>

namespace cinepress {
namespace {

namespace ip = boost::asio::ip;

struct InstitutionEntry {
  std::string name;
  std::string tier;
  int64_t until = 0;
  bool ActiveAt(int64_t now) const { return until == 0 || until > now; }
};

// Address ranges [first, last] of one family, sorted by first; max_last[i] is the greatest last
// of ranges 0..i, so that a lookup walks back from its bisection point only over ranges that can
// still hold the address (nested or overlapping networks), never over the whole list.
template <typename Addr>
struct RangeIndex {
  struct Range {
    Addr first, last;
    int64_t institution = 0;
  };
  std::vector<Range> ranges;
  std::vector<Addr> max_last;

  void Add(Addr first, Addr last, int64_t institution) {
    ranges.push_back(Range{first, last, institution});
  }
  void Seal() {
    std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
      return a.first != b.first ? a.first < b.first : b.last < a.last;  // wider first
    });
    max_last.resize(ranges.size());
    for (size_t i = 0; i < ranges.size(); ++i) {
      max_last[i] = i == 0 || max_last[i - 1] < ranges[i].last ? ranges[i].last : max_last[i - 1];
    }
  }
  // The most specific range holding `a` whose institution `ok` accepts; 0 when none.
  template <typename Ok>
  int64_t Find(const Addr& a, const Ok& ok) const {
    auto it = std::upper_bound(ranges.begin(), ranges.end(), a,
                               [](const Addr& x, const Range& r) { return x < r.first; });
    for (size_t i = static_cast<size_t>(it - ranges.begin()); i-- > 0;) {
      if (max_last[i] < a) break;
      if (!(ranges[i].last < a) && ok(ranges[i].institution)) return ranges[i].institution;
    }
    return 0;
  }
};

using V6 = ip::address_v6::bytes_type;

}  // namespace

struct RightsBook::Tables {
  std::unordered_map<int64_t, MemberSummary> members;
  std::unordered_map<int64_t, std::vector<std::pair<std::string, int64_t>>> grants;
  std::unordered_map<int64_t, InstitutionEntry> institutions;
  RangeIndex<uint32_t> v4;
  RangeIndex<V6> v6;

  int64_t At(std::string_view client_ip, int64_t now) const {
    if (client_ip.empty()) return 0;
    boost::system::error_code ec;
    ip::address a = ip::make_address(std::string(client_ip), ec);
    if (ec) return 0;
    auto ok = [&](int64_t id) {
      auto it = institutions.find(id);
      return it != institutions.end() && it->second.ActiveAt(now);
    };
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
      a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
    }
    if (a.is_v4()) return v4.Find(a.to_v4().to_uint(), ok);
    return v6.Find(a.to_v6().to_bytes(), ok);
  }
};

RightsBook::RightsBook() : tables_(std::make_shared<Tables>()) {}
RightsBook::~RightsBook() = default;

Status RightsBook::Load(MemberStore& store, const SiteConfig& /*site*/, int64_t /*now*/) {
  auto t = std::make_shared<Tables>();
  auto members = store.LoadMembers();
  if (!members) return members.error();
  for (const cinepress::Member& m : *members) {
    t->members.emplace(m.id, MemberSummary{m.id, m.email, m.name, 0});
  }
  auto grants = store.LoadAllGrants();
  if (!grants) return grants.error();
  for (TierGrant& g : *grants) t->grants[g.member_id].emplace_back(std::move(g.tier), g.until);
  auto institutions = store.LoadInstitutions();
  if (!institutions) return institutions.error();
  for (const Institution& i : *institutions) {
    t->institutions.emplace(i.id, InstitutionEntry{i.name, i.tier, i.until});
    for (const std::string& cidr : i.networks) {
      boost::system::error_code ec;
      if (cidr.find(':') == std::string::npos) {
        ip::network_v4 n = ip::make_network_v4(cidr, ec);
        if (ec) continue;
        const uint32_t first = n.network().to_uint();
        const uint32_t last = n.broadcast().to_uint();
        t->v4.Add(first, last, i.id);
      } else {
        ip::network_v6 n = ip::make_network_v6(cidr, ec);
        if (ec) continue;
        V6 first = n.network().to_bytes();
        V6 last = first;
        const int prefix = n.prefix_length();
        for (int bit = prefix; bit < 128; ++bit) {
          last[static_cast<size_t>(bit / 8)] |= static_cast<unsigned char>(0x80u >> (bit % 8));
        }
        t->v6.Add(first, last, i.id);
      }
    }
  }
  t->v4.Seal();
  t->v6.Seal();
  auto joined = store.LoadInstitutionMemberships();
  if (!joined) return joined.error();
  for (const InstitutionMembership& m : *joined) {
    auto it = t->members.find(m.member_id);
    if (it != t->members.end()) it->second.institution_id = m.institution_id;
  }
  std::unique_lock lock(mu_);
  tables_ = std::move(t);
  return {};
}

ReaderRights RightsBook::For(int64_t member_id, std::string_view client_ip, int64_t now) const {
  std::shared_ptr<const Tables> t;
  {
    std::shared_lock lock(mu_);
    t = tables_;
  }
  ReaderRights r;
  if (member_id != 0) {
    auto m = t->members.find(member_id);
    if (m != t->members.end()) {
      r.member_id = member_id;
      r.Grant(std::string(kFreeTier));
      auto g = t->grants.find(member_id);
      if (g != t->grants.end()) {
        for (const auto& [tier, until] : g->second) {
          if (until == 0 || until > now) r.Grant(tier);
        }
      }
      if (m->second.institution_id != 0) {
        auto i = t->institutions.find(m->second.institution_id);
        if (i != t->institutions.end() && i->second.ActiveAt(now)) {
          r.GrantFromInstitution(i->first, i->second.name, i->second.tier);
        }
      }
    }
  }
  if (int64_t id = t->At(client_ip, now); id != 0) {
    const InstitutionEntry& i = t->institutions.at(id);
    r.GrantFromInstitution(id, i.name, i.tier);
  }
  return r;
}

std::optional<MemberSummary> RightsBook::Member(int64_t id) const {
  std::shared_lock lock(mu_);
  auto it = tables_->members.find(id);
  if (it == tables_->members.end()) return std::nullopt;
  return it->second;
}

int64_t RightsBook::InstitutionAt(std::string_view client_ip, int64_t now) const {
  std::shared_ptr<const Tables> t;
  {
    std::shared_lock lock(mu_);
    t = tables_;
  }
  return t->At(client_ip, now);
}

}  // namespace cinepress
