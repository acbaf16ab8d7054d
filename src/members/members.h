// Members: readers with an account, the tiers they hold and the institutions they belong to —
// plain functions over the MemberStore for the command line, the account page and the payment
// issue's webhooks.
//
//   member       a reader with an account (email, name, note, labels); every member holds the
//                free tier "members" (content/access.h kFreeTier)
//   tier         a slug of [[tiers]] in cinepress.toml, or "members"
//   grant        a tier held until a time (0: no end) from a source: "comp" (an editor),
//                "stripe", "gift", "institution", "signup"
//   institution  a library or school: its readers hold its tier by IP network, or by joining
//                with an address at its email domain while seats last
//   erase        DeleteMember: the account's personal data removed; the newsletter consent
//                records stay (proof of consent), their address replaced by a marker
//
// Contract: functions use the stores given (one thread at a time); each change is one
// transaction unless said otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/member_store.h"
#include "content/newsletter_store.h"
#include "core/config.h"
#include "core/result.h"

namespace cinepress {

inline constexpr const char* kGrantSources[] = {"comp",        "stripe", "gift",
                                                "institution", "signup", "donation"};

// Whether `tier` is "members" or a [[tiers]] slug; the error names the known ones.
Status CheckTier(const SiteConfig& site, const std::string& tier);

// What a change to a member tells (the webhooks' member.added, member.edited, member.deleted):
// run inside the change's transaction, before it commits (member.deleted: before the erasure),
// with the member's id; an error rolls the change back. Empty: nothing is told.
using MemberEventHook =
    std::function<Status(MemberStore& store, std::string_view event, int64_t member_id)>;

struct NewMember {
  std::string email;
  std::string name;                 // empty: keep the stored one
  std::string note;                 // empty: keep the stored one
  std::vector<std::string> labels;  // added to the stored ones
  std::string stripe_customer_id;   // empty: keep
  bool subscribed_to_emails = true;
  int64_t created = 0;  // 0: now (an import keeps the original date)
};
struct AddedMember {
  int64_t id = 0;
  bool created = false;  // false: an existing member was updated
};
// Adds a member, or updates the one with this address (without ASCII case). The address must be
// plausible (kInvalidInput). A new member joins an institution by email domain while seats last.
// A new member is told as member.added.
Result<AddedMember> AddMember(MemberStore& store, const NewMember& member, int64_t now,
                              const MemberEventHook& told = {});
// Makes `member` (a new address) inside the caller's transaction: the row, the free tier, an
// institution by email domain while seats last, and member.added told. Returns its id.
Result<int64_t> CreateMemberWithin(MemberStore& store, Member member, int64_t now,
                                   const MemberEventHook& told);

// Grants `tier` until `until` (0: no end) from `source` (see kGrantSources); granting the same
// tier from the same source again replaces its end and note.
Status GrantTier(MemberStore& store, int64_t member_id, const std::string& tier, int64_t until,
                 const std::string& source, const std::string& note, int64_t now);
// Removes the grants of `tier` (from `source`, or every source when empty); kNotFound if none.
Status RevokeTier(MemberStore& store, int64_t member_id, const std::string& tier,
                  const std::string& source = "");
// Removes the member's row and everything attached (an address added by mistake); DeleteMember
// is the erasure a reader asks for.
Status RemoveMember(MemberStore& store, int64_t member_id, const MemberEventHook& told = {});
// A member's own new name (My Account), told as member.edited in the same transaction.
Status RenameMember(MemberStore& store, int64_t member_id, const std::string& name,
                    const MemberEventHook& told = {});

struct MemberView {
  Member member;
  std::vector<TierGrant> grants;
  int64_t sessions = 0;                    // live sessions
  std::optional<Institution> institution;  // joined by email domain
};
// kNotFound when there is no such member. Sessions are counted live at `now` (0: unrevoked).
Result<MemberView> LoadMemberView(MemberStore& store, int64_t member_id, int64_t now = 0);
// By address (without ASCII case).
Result<MemberView> LoadMemberView(MemberStore& store, const std::string& email, int64_t now = 0);

// The tiers held at `now` (sorted, with "members").
std::vector<std::string> TiersHeld(const std::vector<TierGrant>& grants, int64_t now);

// "comped" (a comp grant of a tier beyond the free one), "paid" (any other grant of such a tier:
// Stripe, a gift, a donation, an institution) or "free", at `now`: Ghost's member status.
std::string_view MemberStatusOf(const MemberView& view, int64_t now);
// A member in the shape of Ghost's Admin API: id (a string), email, name, note, status, labels
// (objects with name and slug), tiers (held at `now`: objects with slug), created_at,
// subscribed. The Admin API's answers and the members' webhook events.
nlohmann::ordered_json MemberJson(const MemberView& view, int64_t now);

// Everything held about the member as JSON (nlohmann-json): the account, grants, sessions
// (times only), institution, and newsletter subscriptions with their consent.
Result<std::string> ExportMemberData(MemberStore& store, NewsletterStore& newsletters,
                                     int64_t member_id);

// Erases the member: address replaced by "deleted-ID@invalid", name, note, labels and Stripe id
// emptied, marked deleted; sessions, sign-in tokens, feed tokens, grants and institution
// membership removed. Their newsletter subscriber keeps its consent records, unsubscribed and
// suppressed, with the address replaced by "erased:" + hex BLAKE2b of the lower-cased address
// (so that a consent can still be proved for an address someone shows us) and the name emptied.
// Both tell member.deleted.
Status DeleteMember(MemberStore& store, NewsletterStore& newsletters, int64_t member_id,
                    int64_t now, const MemberEventHook& told = {});

// Joins the member to the active institution whose email domains hold their address, while
// seats last. Returns the institution's id, or 0 when no domain matches or the member already
// belongs to one; kConflict "NAME has no seats left (N of N taken)" when the seats ran out.
Result<int64_t> JoinInstitutionByDomain(MemberStore& store, int64_t member_id, int64_t now);
// The same inside the caller's transaction (sign-in makes the member and joins in one).
Result<int64_t> JoinInstitutionByDomainWithin(MemberStore& store, int64_t member_id, int64_t now);

}  // namespace cinepress
