// The Content API's `filter` (docs/API.md): a small, documented part of Ghost's NQL, parsed into a
// value and matched in memory — never turned into SQL.
//
//   filter  := group (',' group)*         ',' is OR, and binds looser than '+'
//   group   := term ('+' term)*           '+' (or a space: a '+' left unescaped in a URL) is AND
//   term    := key ':' ['-'] values       '-' negates: tag:-news
//            | key ':' op value           created_at:>'2026-01-01', for the keys that are ordered
//   op      := '>' | '>=' | '<' | '<='
//   values  := value | '[' value (',' value)* ']'     tag:[news,essays]: any of them
//   value   := [a-z0-9_.-]+ | "'" any but "'" "'"
//
// Contract: pure functions, thread-safe. A filter that does not parse, or names a key the caller
// does not know, is an Error whose field is "filter" and whose message says where.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct FilterTerm {
  std::string key;                  // "tag"
  std::vector<std::string> values;  // any of these
  bool negate = false;
  std::string op;  // "", or "<", "<=", ">", ">=": the item's value ordered against values[0]
};

struct ContentFilter {
  std::vector<std::vector<FilterTerm>> any_of;  // OR of ANDs; empty: everything matches

  // Whether an item matches: `has(key, value)` says whether the item has that value for key;
  // `compare(key, value)` how the item's value for key orders against `value` (<0, 0, >0), or
  // nullopt when it has none (the term does not hold) — for terms with an `op`.
  bool Matches(const std::function<bool(const std::string&, const std::string&)>& has,
               const std::function<std::optional<int>(const std::string&, const std::string&)>&
                   compare = {}) const;
};

// Parses `text`; `keys` are the keys the resource can be filtered by, `ordered_keys` those of
// them that may be compared with an operator (any other key with one is an error).
Result<ContentFilter> ParseContentFilter(std::string_view text,
                                         const std::vector<std::string>& keys,
                                         const std::vector<std::string>& ordered_keys = {});

}  // namespace cinepress
