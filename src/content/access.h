// Who may read what: an article's access rule, and a reader's rights — the one value that
// rendering, the page cache, feeds, search and newsletters all take, so that the paywall is
// decided in one place and holds in every outlet.
//
//   access rule    what an article asks of its reader: public (everyone), members (any signed-in
//                  reader), paid (any tier but the free one) or a list of tier slugs
//   reader rights  what one request's reader holds now: nothing (anonymous), or a member with
//                  the tiers they hold today; an institution's readers hold its tier
//   variant        the name of what a page looks like to a group of readers: pages are cached
//                  per variant ("", "locked", "open"), never per reader
//
// Contract: plain values, copyable, safe to share read-only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "content/podcast.h"
#include "core/result.h"

namespace cinepress {

// The free tier every member holds.
inline constexpr std::string_view kFreeTier = "members";

struct AccessRule {
  enum class Level { kPublic, kMembers, kPaid, kTiers };
  Level level = Level::kPublic;
  std::vector<std::string> tiers;  // kTiers: any of these (sorted, unique)

  bool restricted() const { return level != Level::kPublic; }
  // "public", "members", "paid", or the tiers joined by commas: the stored form.
  std::string ToString() const;
  // Reads the stored form (and front matter's scalar form); an unknown word is an error.
  static Result<AccessRule> Parse(std::string_view text);
  bool operator==(const AccessRule&) const = default;
};

// A rule as the store keeps it ("" public); one that cannot be read (a store edited by hand)
// locks rather than opens: paid.
AccessRule StoredAccessRule(std::string_view text);
// Who may hear an episode: its own `access:`, else its show's (`show_access`, as stored) — but a
// show's trailers are public, so that a premium show's public feed and page hold its trailers.
AccessRule EpisodeAccessRule(const PodcastEpisode& episode, std::string_view show_access);

struct ReaderRights {
  int64_t member_id = 0;           // 0: not signed in
  std::vector<std::string> tiers;  // held now, sorted and unique; members hold kFreeTier
  int64_t institution_id = 0;      // access given by an institution (its tier is in `tiers`)
  std::string institution_name;    // "Access provided by …"
  // Tiers held only through the institution (not also by the member's own grants).
  std::vector<std::string> institution_tiers;

  bool signed_in() const { return member_id != 0; }
  bool Holds(std::string_view tier) const;
  // Any tier but the free one.
  bool paid() const;
  // Whether this reader may read all of an article with `rule`.
  bool Allows(const AccessRule& rule) const;
  // What a page with `rule` looks like to this reader: "" for public pages (one variant for
  // everyone), "open" or "locked" for restricted ones, and "open@ID" when an institution opened
  // it (its pages say so). Cached pages are keyed by path and variant.
  std::string VariantFor(const AccessRule& rule) const;
  // Adds a tier (keeps `tiers` sorted and unique).
  void Grant(std::string tier);
  // Adds an institution's tier to a reader (after their own tiers are granted).
  void GrantFromInstitution(int64_t id, std::string name, const std::string& tier);
};

// A restricted body cut where everyone's part ends: at the first `<!--paywall-->` marker alone
// on its line (Markdown) or anywhere (HTML; WordPress's `<!--more-->` too), else after
// `free_paragraphs` paragraphs (blocks separated by blank lines in Markdown; closing </p> tags
// in HTML) — but never after the last one: a short restricted piece keeps its end locked.
// `free` is the part everyone sees, `locked` the rest.
struct PaywallCut {
  std::string_view free;
  std::string_view locked;
};
PaywallCut CutForPaywall(std::string_view body, bool html, int free_paragraphs);

}  // namespace cinepress
