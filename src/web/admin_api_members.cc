#include "web/admin_api_members.h"

#include <algorithm>
#include <map>
#include <optional>

#include "content/access.h"
#include "content/search.h"
#include "core/dates.h"
#include "core/text.h"
#include "mail/message.h"
#include "members/sign_in.h"
#include "web/api_response.h"
#include "web/form.h"

namespace cinepress {
namespace {

using Json = nlohmann::ordered_json;

HttpResponse MembersBody(const HttpRequest& req, int status, Json members, Json meta = nullptr) {
  Json body = {{"members", std::move(members)}};
  if (!meta.is_null()) body["meta"] = std::move(meta);
  return ApiJson(req, status, body.dump());
}

// The one member of a {"members": [{...}]} body, or the error naming what is wrong.
Result<Json> MemberOfBody(const HttpRequest& req) {
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.contains("members") || !body["members"].is_array() ||
      body["members"].size() != 1 || !body["members"][0].is_object()) {
    return InvalidApiInput("members", "the body must be JSON: {\"members\": [{...one member...}]}");
  }
  return body["members"][0];
}

// A string field into `out` (absent or null: unchanged).
Status ReadText(const Json& m, const char* field, std::string& out) {
  auto it = m.find(field);
  if (it == m.end() || it->is_null()) return {};
  if (!it->is_string()) return InvalidApiInput(field, std::string(field) + " must be a string");
  out = std::string(Trim(it->get<std::string>()));
  return {};
}

// A list of names (strings, or objects with `key`) into `out`; false when absent.
Result<bool> ReadList(const Json& m, const char* field, const char* key,
                      std::vector<std::string>& out) {
  auto it = m.find(field);
  if (it == m.end() || it->is_null()) return false;
  if (!it->is_array()) return InvalidApiInput(field, std::string(field) + " must be a list");
  out.clear();
  for (const Json& item : *it) {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    } else if (item.is_object() && item.contains(key) && (*item.find(key)).is_string()) {
      out.push_back((*item.find(key)).get<std::string>());
    } else {
      return InvalidApiInput(field,
                             std::string(field) + ": each must be a string or have a " + key);
    }
  }
  return true;
}

// The member's fields a request may set, read onto `m`; `tiers` set when the request names the
// tiers to comp.
Status ReadMemberFields(const Json& in, Member& m, std::optional<std::vector<std::string>>& tiers) {
  for (Status s : {ReadText(in, "email", m.email), ReadText(in, "name", m.name),
                   ReadText(in, "note", m.note)}) {
    if (!s) return s;
  }
  auto labels = ReadList(in, "labels", "name", m.labels);
  if (!labels) return labels.error();
  if (auto it = in.find("subscribed"); it != in.end() && !it->is_null()) {
    if (!it->is_boolean()) return InvalidApiInput("subscribed", "subscribed must be true or false");
    m.subscribed_to_emails = it->get<bool>();
  }
  std::vector<std::string> slugs;
  auto named = ReadList(in, "tiers", "slug", slugs);
  if (!named) return named.error();
  if (*named) tiers = std::move(slugs);
  return {};
}

// Comps exactly `tiers` (beyond the free one): grants the missing ones from "comp", without end,
// and takes back the comp grants of the others; grants from Stripe, gifts or institutions stay.
Status CompTiers(MembersApiCall& call, int64_t member_id, const std::vector<std::string>& tiers) {
  for (const std::string& t : tiers) {
    if (t == kFreeTier) continue;
    if (auto s = CheckTier(call.site, t); !s) {
      return InvalidApiInput("tiers", s.error().message);
    }
  }
  auto grants = call.store.LoadGrants(member_id);
  if (!grants) return grants.error();
  for (const TierGrant& g : *grants) {
    if (g.source != "comp" || std::count(tiers.begin(), tiers.end(), g.tier)) continue;
    if (auto n = call.store.DeleteGrants(member_id, g.tier, "comp"); !n) return n.error();
  }
  for (const std::string& t : tiers) {
    const bool held = std::any_of(grants->begin(), grants->end(), [&](const TierGrant& g) {
      return g.tier == t && g.source == "comp" && g.ActiveAt(call.now);
    });
    if (t == kFreeTier || held) continue;
    if (auto s = call.store.SaveGrant(TierGrant{0, member_id, t, 0, "comp", "", call.now}); !s) {
      return s;
    }
  }
  return {};
}

// The member `id` as the API shows it, or the error (kNotFound for none, or an erased one).
Result<Json> LoadMemberJson(MembersApiCall& call, int64_t id) {
  auto view = LoadMemberView(call.store, id, call.now);
  if (!view) return view.error();
  if (view->member.deleted)
    return MakeError(ErrorCode::kNotFound, "no member " + std::to_string(id));
  return MemberJson(*view, call.now);
}

// Runs `change` in one transaction of the member store; its error rolls everything back.
Status InOneTransaction(MemberStore& store, const std::function<Status()>& change) {
  if (auto s = store.BeginTransaction(); !s) return s;
  Status done = change();
  if (done) done = store.Commit();
  if (!done) (void)store.Rollback();  // the error is `done`'s
  return done;
}

// The sign-in link (a welcome for a new member) queued in the outbox.
Status SendSignInLink(MembersApiCall& call, const std::string& email) {
  auto start = StartSignIn(call.store, call.site, email, "", call.now);
  if (!start) return start.error();
  if (!start->send) {
    return InvalidApiInput("send_email", "no sign-in link was sent: " + start->refused);
  }
  return call.send(SignInMessage(call.site, email, SignInUrl(call.site.base_url, start->link_token),
                                 start->code, call.now));
}

bool MemberHas(const Json& m, const std::string& key, const std::string& value) {
  auto names = [&](const char* list, const char* field) {
    for (const Json& item : m[list]) {
      if (item[field] == value) return true;
    }
    return false;
  };
  if (key == "label") return names("labels", "slug") || names("labels", "name");
  if (key == "created_at") return false;  // compared (MemberOrder), never equal as text
  if (key == "tier") return names("tiers", "slug");
  auto it = m.find(key);
  return it != m.end() && it->is_string() &&
         AsciiLower(it->get<std::string>()) == AsciiLower(value);
}

// A date or time a filter compares created_at with ('2026-01-01', '2026-01-01 10:00',
// '2026-01-01T10:00:00Z'; a date without a time is its midnight, UTC), or nullopt.
std::optional<int64_t> FilterTime(const std::string& value) {
  static const TimeZone kUtc = *TimeZone::Named("UTC");
  return kUtc.Parse(value);
}

// Every created_at term's value is a time, or the error that names it.
Status CheckFilterTimes(const ContentFilter& filter) {
  for (const auto& group : filter.any_of) {
    for (const FilterTerm& term : group) {
      if (term.key != "created_at") continue;
      if (term.op.empty()) {
        return InvalidApiInput("filter",
                               "filter: created_at is compared with >, >=, < or <=: "
                               "created_at:>'2026-01-01'");
      }
      if (!FilterTime(term.values[0])) {
        return InvalidApiInput("filter", "filter: created_at: '" + term.values[0] +
                                             "' is not a date (2026-01-01 or "
                                             "2026-01-01T10:00:00Z)");
      }
    }
  }
  return {};
}

// Whether every word of the search (`words`: SearchWords, folded — case and accents aside) is
// a part of a word of the member's name or email.
bool MemberContains(const Member& m, const std::vector<std::string>& words) {
  if (words.empty()) return true;
  std::string text;  // the member's words, folded, each between spaces
  for (const std::string& w : SearchWords(m.name + " " + m.email)) text += " " + w + " ";
  return std::all_of(words.begin(), words.end(),
                     [&text](const std::string& w) { return text.find(w) != std::string::npos; });
}

}  // namespace

const ContentApiResource& MembersApiResource() {
  static const ContentApiResource kMembers = {
      "members",
      "members",
      {"id", "email", "name", "note", "status", "labels", "tiers", "subscribed", "created_at"},
      {"id", "email", "name", "status", "label", "tier", "created_at"},
      {"created_at"}};
  return kMembers;
}

HttpResponse ListMembersAnswer(const HttpRequest& req, MembersApiCall& call) {
  auto q = ReadListQuery(req.Query(), MembersApiResource());
  if (!q) return ApiError(req, q.error());
  if (auto s = CheckFilterTimes(q->filter); !s) return ApiError(req, s.error());
  const std::string search = QueryValue(req, "search");
  if (search.size() > 256) {
    return ApiError(req, InvalidApiInput("search", "search: at most 256 characters"));
  }
  const std::vector<std::string> words = SearchWords(search);
  auto members = call.store.LoadMembers();
  if (!members) return ApiError(req, members.error());
  auto grants = call.store.LoadAllGrants();
  if (!grants) return ApiError(req, grants.error());
  std::map<int64_t, std::vector<TierGrant>> held;
  for (TierGrant& g : *grants) held[g.member_id].push_back(std::move(g));
  // Newest first, as Ghost lists them.
  std::sort(members->begin(), members->end(), [](const Member& a, const Member& b) {
    return a.created != b.created ? a.created > b.created : a.id > b.id;
  });
  std::vector<Json> matching;
  for (Member& m : *members) {
    if (m.deleted || !MemberContains(m, words)) continue;
    const int64_t id = m.id, created = m.created;
    MemberView view{std::move(m), std::move(held[id]), 0, std::nullopt};
    Json j = MemberJson(view, call.now);
    auto has = [&j](const std::string& key, const std::string& value) {
      return MemberHas(j, key, value);
    };
    auto order = [created](const std::string&, const std::string& value) -> std::optional<int> {
      const std::optional<int64_t> t = FilterTime(value);  // checked above: created_at's only
      if (!t) return std::nullopt;
      return created < *t ? -1 : created > *t ? 1 : 0;
    };
    if (!q->filter.Matches(has, order)) continue;
    matching.push_back(std::move(j));
  }
  auto [first, last] = PageRange(*q, matching.size());
  Json page = Json::array();
  for (size_t i = first; i < last; ++i) page.push_back(Pick(std::move(matching[i]), q->fields));
  return MembersBody(req, 200, std::move(page), Pagination(*q, matching.size()));
}

HttpResponse MemberAnswer(const HttpRequest& req, MembersApiCall& call, int64_t id) {
  auto m = LoadMemberJson(call, id);
  if (!m) return ApiError(req, m.error());
  return MembersBody(req, 200, Json::array({*m}));
}

HttpResponse AddMemberAnswer(const HttpRequest& req, MembersApiCall& call) {
  auto in = MemberOfBody(req);
  if (!in) return ApiError(req, in.error());
  Member fields;
  std::optional<std::vector<std::string>> tiers;
  if (auto s = ReadMemberFields(*in, fields, tiers); !s) return ApiError(req, s.error());
  bool send_email = false;
  if (auto it = in->find("send_email"); it != in->end() && it->is_boolean()) {
    send_email = it->get<bool>();
  }
  if (QueryValue(req, "send_email") == "true") send_email = true;  // where Ghost takes it
  if (fields.email.empty())
    return ApiError(req, InvalidApiInput("email", "a member needs an email"));
  auto existing = call.store.FindMember(fields.email);
  if (!existing) return ApiError(req, existing.error());
  if (existing->has_value() && !(*existing)->deleted) {
    return ApiError(req, ApiErrorCode::kMemberExists,
                    "a member has the address " + fields.email + " already", "email");
  }
  int64_t id = 0;
  Status done = InOneTransaction(call.store, [&]() -> Status {
    NewMember m{
        fields.email, fields.name, fields.note, fields.labels, "", fields.subscribed_to_emails, 0};
    auto added = AddMember(call.store, m, call.now, call.told);
    if (!added) return added.error();
    id = added->id;
    return tiers ? CompTiers(call, id, *tiers) : Status{};
  });
  if (!done) return ApiError(req, done.error());
  if (send_email) {
    if (auto s = SendSignInLink(call, fields.email); !s) return ApiError(req, s.error());
  }
  auto m = LoadMemberJson(call, id);
  if (!m) return ApiError(req, m.error());
  return MembersBody(req, 201, Json::array({*m}));
}

HttpResponse EditMemberAnswer(const HttpRequest& req, MembersApiCall& call, int64_t id) {
  auto in = MemberOfBody(req);
  if (!in) return ApiError(req, in.error());
  auto stored = call.store.LoadMember(id);
  if (!stored) return ApiError(req, stored.error());
  if (!stored->has_value() || (*stored)->deleted) {
    return ApiError(req, ApiErrorCode::kNotFound, "no member " + std::to_string(id));
  }
  Member m = **stored;
  std::optional<std::vector<std::string>> tiers;
  if (auto s = ReadMemberFields(*in, m, tiers); !s) return ApiError(req, s.error());
  if (!IsPlausibleEmail(m.email)) {
    return ApiError(req, InvalidApiInput("email", "\"" + m.email + "\" is not an email address"));
  }
  if (AsciiLower(m.email) != AsciiLower((*stored)->email)) {
    auto other = call.store.FindMember(m.email);
    if (!other) return ApiError(req, other.error());
    if (other->has_value()) {
      return ApiError(req, ApiErrorCode::kMemberExists,
                      "a member has the address " + m.email + " already", "email");
    }
  }
  Status done = InOneTransaction(call.store, [&]() -> Status {
    if (auto s = call.store.UpdateMember(m); !s) return s;
    if (tiers) {
      if (auto s = CompTiers(call, id, *tiers); !s) return s;
    }
    return call.told ? call.told(call.store, "member.edited", id) : Status{};
  });
  if (!done) return ApiError(req, done.error());
  return MemberAnswer(req, call, id);
}

HttpResponse DeleteMemberAnswer(const HttpRequest& req, MembersApiCall& call, int64_t id) {
  if (auto s = DeleteMember(call.store, call.newsletters, id, call.now, call.told); !s) {
    return ApiError(req, s.error());
  }
  HttpResponse r = ApiJson(req, 204, "");
  r.body.reset();
  return r;
}

}  // namespace cinepress
