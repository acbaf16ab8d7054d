#include "web/content_filter.h"

#include <algorithm>

namespace cinepress {
namespace {

// A recursive-descent reader over the filter's text; each Read* leaves `pos_` after what it read.
class FilterReader {
 public:
  FilterReader(std::string_view text, const std::vector<std::string>& keys,
               const std::vector<std::string>& ordered_keys)
      : text_(text), keys_(keys), ordered_keys_(ordered_keys) {}

  Result<ContentFilter> Read() {
    ContentFilter filter;
    SkipSpaces();
    if (pos_ == text_.size()) return filter;
    while (true) {
      auto group = ReadGroup();
      if (!group) return group.error();
      filter.any_of.push_back(std::move(*group));
      if (pos_ == text_.size()) return filter;
      if (text_[pos_] != ',') return Fail("expected ',' or '+'");
      ++pos_;
      SkipSpaces();
    }
  }

 private:
  Result<std::vector<FilterTerm>> ReadGroup() {
    std::vector<FilterTerm> group;
    while (true) {
      auto term = ReadTerm();
      if (!term) return term.error();
      group.push_back(std::move(*term));
      const size_t before = pos_;
      SkipSpaces();
      if (pos_ == text_.size() || text_[pos_] == ',') return group;
      if (text_[pos_] == '+') {
        ++pos_;
        SkipSpaces();
      } else if (pos_ == before) {
        return group;  // the caller says what it expected instead
      }
      // else a space between two terms: AND (an unescaped '+' in a URL is decoded as a space)
    }
  }

  Result<FilterTerm> ReadTerm() {
    FilterTerm term;
    const size_t start = pos_;
    while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
    term.key = std::string(text_.substr(start, pos_ - start));
    if (term.key.empty()) return Fail("expected a key such as tag:");
    if (std::find(keys_.begin(), keys_.end(), term.key) == keys_.end()) {
      std::string known;
      for (const std::string& k : keys_) known += (known.empty() ? "" : ", ") + k;
      pos_ = start;
      return Fail("unknown key \"" + term.key + "\" (known: " + known + ")");
    }
    if (pos_ == text_.size() || text_[pos_] != ':') return Fail("expected ':' after the key");
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '<' || text_[pos_] == '>')) {
      if (std::find(ordered_keys_.begin(), ordered_keys_.end(), term.key) == ordered_keys_.end()) {
        return Fail("\"" + term.key + "\" cannot be compared with " + text_[pos_]);
      }
      term.op = text_[pos_++];
      if (pos_ < text_.size() && text_[pos_] == '=') term.op += text_[pos_++];
      auto value = ReadValue();
      if (!value) return value.error();
      term.values.push_back(std::move(*value));
      return term;
    }
    if (pos_ < text_.size() && text_[pos_] == '-') {
      term.negate = true;
      ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] == '[') {
      ++pos_;
      while (true) {
        auto value = ReadValue();
        if (!value) return value.error();
        term.values.push_back(std::move(*value));
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
        } else if (pos_ < text_.size() && text_[pos_] == ']') {
          ++pos_;
          return term;
        } else {
          return Fail("expected ',' or ']' in the list");
        }
      }
    }
    auto value = ReadValue();
    if (!value) return value.error();
    term.values.push_back(std::move(*value));
    return term;
  }

  Result<std::string> ReadValue() {
    if (pos_ < text_.size() && text_[pos_] == '\'') {
      const size_t end = text_.find('\'', pos_ + 1);
      if (end == std::string_view::npos) return Fail("a quoted value is not closed");
      std::string value(text_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      return value;
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
    if (pos_ == start) return Fail("expected a value");
    return std::string(text_.substr(start, pos_ - start));
  }

  static bool IsWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  }
  void SkipSpaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }
  Error Fail(const std::string& what) const {
    return Error{ErrorCode::kInvalidInput,
                 "filter at character " + std::to_string(pos_ + 1) + ": " + what,
                 {},
                 0,
                 "filter"};
  }

  std::string_view text_;
  const std::vector<std::string>& keys_;
  const std::vector<std::string>& ordered_keys_;
  size_t pos_ = 0;
};

}  // namespace

bool ContentFilter::Matches(
    const std::function<bool(const std::string&, const std::string&)>& has,
    const std::function<std::optional<int>(const std::string&, const std::string&)>& compare)
    const {
  if (any_of.empty()) return true;
  auto term_holds = [&has, &compare](const FilterTerm& t) {
    if (!t.op.empty()) {
      const std::optional<int> order = compare ? compare(t.key, t.values[0]) : std::nullopt;
      if (!order) return false;
      if (t.op == "<") return *order < 0;
      if (t.op == "<=") return *order <= 0;
      if (t.op == ">") return *order > 0;
      return *order >= 0;
    }
    const bool any = std::any_of(t.values.begin(), t.values.end(),
                                 [&](const std::string& v) { return has(t.key, v); });
    return any != t.negate;
  };
  return std::any_of(any_of.begin(), any_of.end(), [&](const std::vector<FilterTerm>& group) {
    return std::all_of(group.begin(), group.end(), term_holds);
  });
}

Result<ContentFilter> ParseContentFilter(std::string_view text,
                                         const std::vector<std::string>& keys,
                                         const std::vector<std::string>& ordered_keys) {
  return FilterReader(text, keys, ordered_keys).Read();
}

}  // namespace cinepress
