#include "workshops/materials.h"

#include <algorithm>

#include "core/signed_link.h"
#include "workshops/registration.h"

namespace cinepress {
namespace {

// What a token is bound to beside the registration: the workshop and the file.
std::string Bound(std::string_view slug, std::string_view name) {
  return std::string(slug) + "/" + std::string(name);
}

MaterialAccess Refused() {
  return {MaterialVerdict::kRefused,
          "This link is not one of ours, or not yours. My Account lists your workshops' "
          "materials.",
          {},
          {}};
}

MaterialAccess Gone(std::string message) {
  return {MaterialVerdict::kGone, std::move(message), {}, {}};
}

}  // namespace

bool RegistrationHolds(const Registration& registration) {
  return registration.status == "paid" || registration.status == "free";
}

std::string MaterialLink(std::string_view key, const Registration& registration,
                         std::string_view name, int64_t expires) {
  const std::string bound = Bound(registration.workshop, name);
  return kMaterialsPrefix + SignLink(key, registration.id, expires, bound) + "/" + bound;
}

Result<MaterialAccess> OpenMaterial(WorkshopStore& store, std::string_view key,
                                    std::string_view rest, int64_t now) {
  // TOKEN/SLUG/NAME
  const size_t first = rest.find('/');
  const size_t second = first == std::string_view::npos ? first : rest.find('/', first + 1);
  if (second == std::string_view::npos) return Refused();
  const std::string_view token = rest.substr(0, first);
  const std::string slug(rest.substr(first + 1, second - first - 1));
  const std::string name(rest.substr(second + 1));
  auto link = ReadSignedLink(key, token, Bound(slug, name));
  if (!link) return Refused();
  if (now > link->expires) {
    return Gone("This link has expired. My Account has fresh links to your workshops' materials.");
  }
  auto registrations = store.RegistrationsOf(slug);
  if (!registrations) return registrations.error();
  const auto r = std::find_if(registrations->begin(), registrations->end(),
                              [&link](const Registration& x) { return x.id == link->id; });
  if (r == registrations->end() || !RegistrationHolds(*r)) {
    return Gone(
        "This registration has been cancelled or refunded (or was never paid), so its "
        "materials are not available. My Account lists your workshops.");
  }
  auto workshops = store.LoadWorkshops();
  if (!workshops) return workshops.error();
  for (const Workshop& w : *workshops) {
    if (w.slug != slug) continue;
    if (std::find(w.materials.begin(), w.materials.end(), name) == w.materials.end()) break;
    return MaterialAccess{MaterialVerdict::kOpen, {}, slug, name};
  }
  return Refused();
}

Result<std::vector<AccountWorkshop>> AccountWorkshops(WorkshopStore& store, std::string_view key,
                                                      int64_t member_id, const std::string& email,
                                                      const TimeZone& zone, int64_t now) {
  std::vector<AccountWorkshop> out;
  auto registrations = store.RegistrationsBy(member_id, email);
  if (!registrations) return registrations.error();
  if (registrations->empty()) return out;  // most readers: no need to load the workshops
  auto workshops = store.LoadWorkshops();
  if (!workshops) return workshops.error();
  for (auto r = registrations->rbegin(); r != registrations->rend(); ++r) {
    if (r->status == "pending" || r->status == "expired") continue;
    const auto w = std::find_if(workshops->begin(), workshops->end(),
                                [&r](const Workshop& x) { return x.slug == r->workshop; });
    if (w == workshops->end()) continue;
    AccountWorkshop a;
    a.slug = w->slug;
    a.title = w->title;
    a.status = r->status;
    a.holds = RegistrationHolds(*r);
    if (a.holds) {
      for (const WorkshopSession& s : w->sessions) a.sessions.push_back(SessionLine(zone, s));
      a.self_paced = w->self_paced;
      if (w->online) a.joining_link = w->joining_link;
      if (!w->online) a.address = w->address;
      for (const std::string& name : w->materials) {
        a.materials.emplace_back(name, MaterialLink(key, *r, name, now + kMaterialLinkSeconds));
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace cinepress
