#include "members/members.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "content/access.h"
#include "core/dates.h"
#include "core/slug.h"
#include "core/text.h"
#include "mail/message.h"
#include "members/sign_in.h"

namespace cinepress {
namespace {

template <typename T>
Result<T> Undo(MemberStore& store, Error e) {
  (void)store.Rollback();
  return e;
}

Status UndoStatus(MemberStore& store, Error e) {
  (void)store.Rollback();
  return e;
}

// Runs `fn` in one transaction of `store`.
Status InTransaction(MemberStore& store, const std::function<Status()>& fn) {
  if (auto s = store.BeginTransaction(); !s) return s;
  if (auto s = fn(); !s) return UndoStatus(store, s.error());
  return store.Commit();
}

std::string Hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

}  // namespace

Result<int64_t> JoinInstitutionByDomainWithin(MemberStore& store, int64_t member_id, int64_t now) {
  auto member = store.LoadMember(member_id);
  if (!member) return member.error();
  if (!member->has_value()) return MakeError(ErrorCode::kNotFound, "no such member");
  auto joined = store.LoadInstitutionMemberships();
  if (!joined) return joined.error();
  for (const InstitutionMembership& m : *joined) {
    if (m.member_id == member_id) return int64_t{0};
  }
  auto institutions = store.LoadInstitutions();
  if (!institutions) return institutions.error();
  const std::string domain = AsciiLower(DomainOf((*member)->email));
  for (const Institution& i : *institutions) {
    if (!i.ActiveAt(now)) continue;
    bool match = false;
    for (const std::string& d : i.domains) match |= AsciiLower(d) == domain;
    if (!match) continue;
    auto taken = store.CountInstitutionMembers(i.id);
    if (!taken) return taken.error();
    if (*taken >= i.seats) {
      return Error{ErrorCode::kConflict,
                   i.name + " has no seats left (" + std::to_string(*taken) + " of " +
                       std::to_string(i.seats) + " taken)",
                   {},
                   0,
                   "seats"};
    }
    if (auto s = store.JoinInstitution(InstitutionMembership{member_id, i.id, now}); !s) {
      return s.error();
    }
    return i.id;
  }
  return int64_t{0};
}

Status CheckTier(const SiteConfig& site, const std::string& tier) {
  if (tier == kFreeTier || site.FindTier(tier) != nullptr) return {};
  std::vector<std::string> known{std::string(kFreeTier)};
  for (const TierConfig& t : site.tiers) known.push_back(t.slug);
  return Error{ErrorCode::kInvalidInput,
               "no tier \"" + tier + "\" in cinepress.toml (there are: " + Join(known) + ")",
               {},
               0,
               "tier"};
}

std::vector<std::string> TiersHeld(const std::vector<TierGrant>& grants, int64_t now) {
  ReaderRights r;
  r.Grant(std::string(kFreeTier));
  for (const TierGrant& g : grants) {
    if (g.ActiveAt(now)) r.Grant(g.tier);
  }
  return r.tiers;
}

std::string_view MemberStatusOf(const MemberView& view, int64_t now) {
  bool paid = false;
  for (const TierGrant& g : view.grants) {
    if (g.tier == kFreeTier || !g.ActiveAt(now)) continue;
    if (g.source == "comp") return "comped";
    paid = true;
  }
  return paid ? "paid" : "free";
}

nlohmann::ordered_json MemberJson(const MemberView& view, int64_t now) {
  const Member& m = view.member;
  nlohmann::ordered_json labels = nlohmann::ordered_json::array(),
                         tiers = nlohmann::ordered_json::array();
  for (const std::string& l : m.labels) labels.push_back({{"name", l}, {"slug", Slugify(l)}});
  for (const std::string& t : TiersHeld(view.grants, now)) {
    if (t != kFreeTier) tiers.push_back({{"slug", t}});
  }
  return {{"id", std::to_string(m.id)},
          {"email", m.email},
          {"name", m.name},
          {"note", m.note},
          {"status", MemberStatusOf(view, now)},
          {"labels", labels},
          {"tiers", tiers},
          {"subscribed", m.subscribed_to_emails},
          {"created_at", TimeZone::IsoUtc(m.created)}};
}

Result<int64_t> CreateMemberWithin(MemberStore& store, Member m, int64_t now,
                                   const MemberEventHook& told) {
  auto id = store.InsertMember(m);
  if (!id) return id.error();
  if (auto s = store.SaveGrant(TierGrant{0, *id, std::string(kFreeTier), 0, "signup", "", now});
      !s) {
    return s.error();
  }
  // Seats running out does not stop a member joining; they are simply not joined.
  auto joined = JoinInstitutionByDomainWithin(store, *id, now);
  if (!joined && joined.error().code != ErrorCode::kConflict) return joined.error();
  if (told) {
    if (auto s = told(store, "member.added", *id); !s) return s.error();
  }
  return *id;
}

Result<AddedMember> AddMember(MemberStore& store, const NewMember& in, int64_t now,
                              const MemberEventHook& told) {
  const std::string email(Trim(in.email));
  if (!IsPlausibleEmail(email)) {
    return Error{
        ErrorCode::kInvalidInput, "\"" + email + "\" is not an email address", {}, 0, "email"};
  }
  AddedMember out;
  if (auto s = store.BeginTransaction(); !s) return s.error();
  auto existing = store.FindMember(email);
  if (!existing) return Undo<AddedMember>(store, existing.error());
  if (existing->has_value() && !(*existing)->deleted) {
    Member m = **existing;
    if (!in.name.empty()) m.name = in.name;
    if (!in.note.empty()) m.note = in.note;
    for (const std::string& l : in.labels) {
      if (std::find(m.labels.begin(), m.labels.end(), l) == m.labels.end()) m.labels.push_back(l);
    }
    if (!in.stripe_customer_id.empty()) m.stripe_customer_id = in.stripe_customer_id;
    m.subscribed_to_emails = in.subscribed_to_emails;
    if (auto s = store.UpdateMember(m); !s) return Undo<AddedMember>(store, s.error());
    out.id = m.id;
  } else {
    Member m;
    m.email = email;
    m.name = in.name;
    m.note = in.note;
    m.labels = in.labels;
    m.stripe_customer_id = in.stripe_customer_id;
    m.subscribed_to_emails = in.subscribed_to_emails;
    m.created = in.created != 0 ? in.created : now;
    auto id = CreateMemberWithin(store, std::move(m), now, told);
    if (!id) return Undo<AddedMember>(store, id.error());
    out.id = *id;
    out.created = true;
  }
  if (auto s = store.Commit(); !s) return s.error();
  return out;
}

Status GrantTier(MemberStore& store, int64_t member_id, const std::string& tier, int64_t until,
                 const std::string& source, const std::string& note, int64_t now) {
  if (std::find_if(std::begin(kGrantSources), std::end(kGrantSources),
                   [&](const char* s) { return source == s; }) == std::end(kGrantSources)) {
    return Error{ErrorCode::kInvalidInput, "unknown source of a grant: " + source, {}, 0, "source"};
  }
  if (tier.empty()) return Error{ErrorCode::kInvalidInput, "no tier", {}, 0, "tier"};
  return InTransaction(store, [&]() -> Status {
    auto m = store.LoadMember(member_id);
    if (!m) return m.error();
    if (!m->has_value() || (*m)->deleted) return MakeError(ErrorCode::kNotFound, "no such member");
    return store.SaveGrant(TierGrant{0, member_id, tier, until, source, note, now});
  });
}

Status RevokeTier(MemberStore& store, int64_t member_id, const std::string& tier,
                  const std::string& source) {
  return InTransaction(store, [&]() -> Status {
    auto n = store.DeleteGrants(member_id, tier, source);
    if (!n) return n.error();
    if (*n == 0) {
      return MakeError(ErrorCode::kNotFound, "the member holds no grant of \"" + tier + "\"");
    }
    return {};
  });
}

Status RemoveMember(MemberStore& store, int64_t member_id, const MemberEventHook& told) {
  return InTransaction(store, [&]() -> Status {
    auto m = store.LoadMember(member_id);
    if (!m) return m.error();
    if (!m->has_value()) return MakeError(ErrorCode::kNotFound, "no such member");
    if (told) {
      if (auto s = told(store, "member.deleted", member_id); !s) return s;
    }
    if (auto s = store.DeleteSignInTokens(member_id, (*m)->email); !s) return s;
    return store.DeleteMemberRow(member_id);
  });
}

Status RenameMember(MemberStore& store, int64_t member_id, const std::string& name,
                    const MemberEventHook& told) {
  return InTransaction(store, [&]() -> Status {
    auto m = store.LoadMember(member_id);
    if (!m) return m.error();
    if (!m->has_value() || (*m)->deleted) return MakeError(ErrorCode::kNotFound, "no such member");
    if ((*m)->name == name) return {};  // nothing changed, nothing to tell
    Member changed = **m;
    changed.name = name;
    if (auto s = store.UpdateMember(changed); !s) return s;
    return told ? told(store, "member.edited", member_id) : Status{};
  });
}

Result<MemberView> LoadMemberView(MemberStore& store, int64_t member_id, int64_t now) {
  auto m = store.LoadMember(member_id);
  if (!m) return m.error();
  if (!m->has_value()) return MakeError(ErrorCode::kNotFound, "no such member");
  MemberView v;
  v.member = **m;
  auto grants = store.LoadGrants(member_id);
  if (!grants) return grants.error();
  v.grants = std::move(*grants);
  auto sessions = store.CountLiveSessions(member_id, now);
  if (!sessions) return sessions.error();
  v.sessions = *sessions;
  auto joined = store.LoadInstitutionMemberships();
  if (!joined) return joined.error();
  for (const InstitutionMembership& j : *joined) {
    if (j.member_id != member_id) continue;
    auto institutions = store.LoadInstitutions();
    if (!institutions) return institutions.error();
    for (const Institution& i : *institutions) {
      if (i.id == j.institution_id) v.institution = i;
    }
  }
  return v;
}

Result<MemberView> LoadMemberView(MemberStore& store, const std::string& email, int64_t now) {
  auto m = store.FindMember(std::string(Trim(email)));
  if (!m) return m.error();
  if (!m->has_value() || (*m)->deleted) {
    return Error{ErrorCode::kNotFound, "no member with the address " + email, {}, 0, "email"};
  }
  return LoadMemberView(store, (*m)->id, now);
}

Result<std::string> ExportMemberData(MemberStore& store, NewsletterStore& newsletters,
                                     int64_t member_id) {
  auto view = LoadMemberView(store, member_id, 0);
  if (!view) return view.error();
  const Member& m = view->member;
  using nlohmann::json;
  json out;
  out["member"] = {{"id", m.id},
                   {"email", m.email},
                   {"name", m.name},
                   {"note", m.note},
                   {"labels", m.labels},
                   {"created", TimeZone::IsoUtc(m.created)},
                   {"stripe_customer_id", m.stripe_customer_id},
                   {"subscribed_to_emails", m.subscribed_to_emails}};
  json grants = json::array();
  for (const TierGrant& g : view->grants) {
    grants.push_back({{"tier", g.tier},
                      {"until", g.until == 0 ? json(nullptr) : json(TimeZone::IsoUtc(g.until))},
                      {"source", g.source},
                      {"note", g.note},
                      {"created", TimeZone::IsoUtc(g.created)}});
  }
  out["tiers"] = grants;
  out["live_sessions"] = view->sessions;
  out["institution"] = view->institution ? json(view->institution->name) : json(nullptr);
  json subs = json::array();
  auto subscriber = newsletters.FindSubscriber(m.email);
  if (!subscriber) return subscriber.error();
  if (subscriber->has_value()) {
    auto list = newsletters.LoadSubscriptions((*subscriber)->id);
    if (!list) return list.error();
    for (const Subscription& s : *list) {
      subs.push_back({{"newsletter", s.newsletter},
                      {"state", SubscriptionStateName(s.state)},
                      {"consent",
                       {{"at", TimeZone::IsoUtc(s.consent.at)},
                        {"ip", s.consent.ip},
                        {"form", s.consent.form}}},
                      {"confirmed_at",
                       s.confirmed_at ? json(TimeZone::IsoUtc(s.confirmed_at)) : json(nullptr)},
                      {"changed_at", TimeZone::IsoUtc(s.changed_at)}});
    }
  }
  out["newsletter_subscriptions"] = subs;
  return out.dump(2) + "\n";
}

Status DeleteMember(MemberStore& store, NewsletterStore& newsletters, int64_t member_id,
                    int64_t now, const MemberEventHook& told) {
  auto found = store.LoadMember(member_id);
  if (!found) return found.error();
  if (!found->has_value() || (*found)->deleted) {
    return MakeError(ErrorCode::kNotFound, "no such member");
  }
  const std::string email = (*found)->email;
  // The newsletter side first: if the member side failed afterwards, a second attempt finds the
  // member intact and erases again (the subscriber is then found by nothing, which is harmless).
  auto subscriber = newsletters.FindSubscriber(email);
  if (!subscriber) return subscriber.error();
  if (subscriber->has_value()) {
    const std::string marker = "erased:" + Hex(HashSecret(AsciiLower(email)));
    if (auto s = newsletters.BeginTransaction(); !s) return s;
    if (auto s = newsletters.EraseSubscriber((*subscriber)->id, marker, now); !s) {
      (void)newsletters.Rollback();
      return s;
    }
    if (auto s = newsletters.Commit(); !s) return s;
  }
  return InTransaction(store, [&]() -> Status {
    if (told) {
      if (auto s = told(store, "member.deleted", member_id); !s) return s;
    }
    Member m = **found;
    m.email = "deleted-" + std::to_string(member_id) + "@invalid";
    m.name.clear();
    m.note.clear();
    m.labels.clear();
    m.stripe_customer_id.clear();
    m.subscribed_to_emails = false;
    m.deleted = true;
    if (auto s = store.UpdateMember(m); !s) return s;
    if (auto s = store.DeleteSessions(member_id); !s) return s;
    if (auto s = store.DeleteSignInTokens(member_id, email); !s) return s;
    if (auto s = store.RevokeFeedTokens(member_id); !s) return s;
    if (auto n = store.DeleteGrants(member_id, "", ""); !n) return n.error();
    return store.LeaveInstitution(member_id);
  });
}

Result<int64_t> JoinInstitutionByDomain(MemberStore& store, int64_t member_id, int64_t now) {
  if (auto s = store.BeginTransaction(); !s) return s.error();
  auto id = JoinInstitutionByDomainWithin(store, member_id, now);
  if (!id) return Undo<int64_t>(store, id.error());
  if (auto s = store.Commit(); !s) return s.error();
  return *id;
}

}  // namespace cinepress
