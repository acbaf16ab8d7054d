#include "content/access.h"

#include <algorithm>
#include <vector>

#include "core/text.h"

namespace cinepress {
namespace {

constexpr std::string_view kMarker = "<!--paywall-->";
// WordPress's "more" cut: a restricted post imported from WordPress ends its free part there.
constexpr std::string_view kMoreMarker = "<!--more-->";

bool IsTierWord(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// The end of the line that holds `pos` (just past its newline, or the end of `text`).
size_t LineEnd(std::string_view text, size_t pos) {
  size_t nl = text.find('\n', pos);
  return nl == std::string_view::npos ? text.size() : nl + 1;
}

PaywallCut Split(std::string_view body, size_t free_end, size_t locked_start) {
  PaywallCut cut;
  cut.free = body.substr(0, free_end);
  while (!cut.free.empty() && (cut.free.back() == '\n' || cut.free.back() == ' ')) {
    cut.free.remove_suffix(1);
  }
  cut.locked = locked_start < body.size() ? body.substr(locked_start) : std::string_view{};
  while (!cut.locked.empty() && (cut.locked.front() == '\n' || cut.locked.front() == ' ')) {
    cut.locked.remove_prefix(1);
  }
  return cut;
}

// Where everyone's part ends when the body has no marker: after `free_paragraphs` paragraphs,
// but never the whole body (a short restricted piece keeps at least its last paragraph locked).
PaywallCut CutAfter(std::string_view body, const std::vector<size_t>& ends, int free_paragraphs) {
  if (ends.empty()) return Split(body, 0, 0);
  size_t k = std::min(static_cast<size_t>(std::max(free_paragraphs, 0)), ends.size() - 1);
  size_t at = k == 0 ? 0 : ends[k - 1];
  return Split(body, at, at);
}

PaywallCut CutMarkdown(std::string_view body, int free_paragraphs) {
  // A marker alone on its line, outside code fences; else paragraphs (blocks between blank
  // lines, a fenced block counting as one).
  // Headings are not paragraphs: the free part never ends on one (it goes with what follows).
  std::vector<size_t> ends;  // where each block that is not a heading ends
  size_t pos = 0;
  bool in_fence = false, in_block = false, heading = false;
  while (pos < body.size()) {
    size_t end = LineEnd(body, pos);
    std::string_view line = Trim(body.substr(pos, end - pos));
    bool fence = line.rfind("```", 0) == 0 || line.rfind("~~~", 0) == 0;
    if (!in_fence && line == kMarker) return Split(body, pos, end);
    if (!in_fence && line.empty()) {
      if (in_block && !heading) ends.push_back(pos);
      in_block = false;
    } else {
      if (!in_block) heading = !in_fence && line.front() == '#';
      in_block = true;
    }
    if (fence) in_fence = !in_fence;
    pos = end;
  }
  if (in_block && !heading) ends.push_back(body.size());
  return CutAfter(body, ends, free_paragraphs);
}

PaywallCut CutHtml(std::string_view body, int free_paragraphs) {
  for (std::string_view marker : {kMarker, kMoreMarker}) {
    if (size_t at = body.find(marker); at != std::string_view::npos) {
      return Split(body, at, at + marker.size());
    }
  }
  std::vector<size_t> ends;  // just past each </p>
  for (size_t p = 0; p + 4 <= body.size(); ++p) {
    if (body[p] == '<' && body[p + 1] == '/' && (body[p + 2] == 'p' || body[p + 2] == 'P') &&
        body[p + 3] == '>') {
      ends.push_back(p + 4);
    }
  }
  // Text after the last paragraph (a list, a figure) is a block of its own.
  if (ends.empty() || !Trim(body.substr(ends.back())).empty()) ends.push_back(body.size());
  return CutAfter(body, ends, free_paragraphs);
}

}  // namespace

std::string AccessRule::ToString() const {
  switch (level) {
    case Level::kPublic:
      return "public";
    case Level::kMembers:
      return "members";
    case Level::kPaid:
      return "paid";
    case Level::kTiers:
      break;
  }
  std::string out;
  for (const std::string& t : tiers) {
    if (!out.empty()) out += ',';
    out += t;
  }
  return out;
}

AccessRule StoredAccessRule(std::string_view text) {
  if (text.empty()) return {};
  auto rule = AccessRule::Parse(text);
  return rule ? *rule : AccessRule{AccessRule::Level::kPaid, {}};
}

AccessRule EpisodeAccessRule(const PodcastEpisode& episode, std::string_view show_access) {
  if (!episode.access.empty()) return StoredAccessRule(episode.access);
  return episode.episode_type == "trailer" ? AccessRule{} : StoredAccessRule(show_access);
}

Result<AccessRule> AccessRule::Parse(std::string_view text) {
  AccessRule rule;
  std::string_view t = Trim(text);
  if (t.empty() || t == "public") return rule;
  if (t == "members") {
    rule.level = Level::kMembers;
    return rule;
  }
  if (t == "paid") {
    rule.level = Level::kPaid;
    return rule;
  }
  rule.level = Level::kTiers;
  size_t start = 0;
  while (start <= t.size()) {
    size_t comma = t.find(',', start);
    std::string_view word =
        Trim(t.substr(start, (comma == std::string_view::npos ? t.size() : comma) - start));
    if (!IsTierWord(word)) {
      return Error{ErrorCode::kInvalidInput,
                   "must be public, members, paid or a list of tier slugs, not \"" +
                       std::string(text) + "\"",
                   "", 0, "access"};
    }
    rule.tiers.emplace_back(word);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::sort(rule.tiers.begin(), rule.tiers.end());
  rule.tiers.erase(std::unique(rule.tiers.begin(), rule.tiers.end()), rule.tiers.end());
  // A list that is just the free tier means "members".
  if (rule.tiers.size() == 1 && rule.tiers[0] == kFreeTier) {
    rule.level = Level::kMembers;
    rule.tiers.clear();
  }
  return rule;
}

bool ReaderRights::Holds(std::string_view tier) const {
  return std::binary_search(tiers.begin(), tiers.end(), tier);
}

bool ReaderRights::paid() const {
  return std::any_of(tiers.begin(), tiers.end(),
                     [](const std::string& t) { return t != kFreeTier; });
}

bool ReaderRights::Allows(const AccessRule& rule) const {
  switch (rule.level) {
    case AccessRule::Level::kPublic:
      return true;
    case AccessRule::Level::kMembers:
      return !tiers.empty();
    case AccessRule::Level::kPaid:
      return paid();
    case AccessRule::Level::kTiers:
      return std::any_of(rule.tiers.begin(), rule.tiers.end(),
                         [this](const std::string& t) { return Holds(t); });
  }
  return false;
}

std::string ReaderRights::VariantFor(const AccessRule& rule) const {
  if (!rule.restricted()) return "";
  if (!Allows(rule)) return "locked";
  // Opened by an institution only when the reader's own membership would not open it.
  if (institution_id != 0 && !institution_tiers.empty()) {
    ReaderRights own;
    for (const std::string& t : tiers) {
      if (std::find(institution_tiers.begin(), institution_tiers.end(), t) ==
          institution_tiers.end()) {
        own.tiers.push_back(t);
      }
    }
    if (!own.Allows(rule)) return "open@" + std::to_string(institution_id);
  }
  return "open";
}

void ReaderRights::Grant(std::string tier) {
  auto at = std::lower_bound(tiers.begin(), tiers.end(), tier);
  if (at == tiers.end() || *at != tier) tiers.insert(at, std::move(tier));
}

void ReaderRights::GrantFromInstitution(int64_t id, std::string name, const std::string& tier) {
  institution_id = id;
  institution_name = std::move(name);
  if (!Holds(tier)) {
    institution_tiers.push_back(tier);
    Grant(tier);
  }
}

PaywallCut CutForPaywall(std::string_view body, bool html, int free_paragraphs) {
  return html ? CutHtml(body, free_paragraphs) : CutMarkdown(body, free_paragraphs);
}

}  // namespace cinepress
