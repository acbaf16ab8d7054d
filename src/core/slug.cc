#include "core/slug.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <unordered_map>

namespace cinepress {
namespace {

icu::Transliterator* ToAscii() {
  // Transliterator instances are not thread-safe; each thread keeps its own.
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(icu::Transliterator::createInstance(
        "Any-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) made.reset();
    return made;
  }();
  return t.get();
}

bool IsAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string Slugify(std::string_view text) {
  std::string ascii;
  bool plain = true;
  for (char c : text) plain = plain && static_cast<unsigned char>(c) < 0x80;
  if (plain) {
    ascii.assign(text);
    for (char& c : ascii) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  } else if (auto* t = ToAscii()) {
    // Transliteration is slow and the same names come back on every page: remember them.
    thread_local std::unordered_map<std::string, std::string> cache;
    std::string key(text);
    if (auto it = cache.find(key); it != cache.end()) {
      ascii = it->second;
    } else {
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(
          icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
      t->transliterate(u);
      u.toUTF8String(ascii);
      if (cache.size() > 100000) cache.clear();
      cache.emplace(std::move(key), ascii);
    }
  }
  std::string out;
  out.reserve(ascii.size());
  bool dash = false;
  for (char c : ascii) {
    if (IsAsciiAlnum(c)) {
      out += c;
      dash = false;
    } else if (c == '\'') {
      // "Nikolai's" -> "nikolais": an apostrophe joins, it does not separate.
      continue;
    } else if (!dash && !out.empty()) {
      out += '-';
      dash = true;
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 80) {
    out.resize(80);
    while (!out.empty() && out.back() == '-') out.pop_back();
  }
  return out.empty() ? "untitled" : out;
}

bool IsValidSlug(std::string_view slug) {
  if (slug.empty() || slug.front() == '-' || slug.back() == '-') return false;
  char prev = 0;
  for (char c : slug) {
    if (c == '-') {
      if (prev == '-') return false;
    } else if (!IsAsciiAlnum(c)) {
      return false;
    }
    prev = c;
  }
  return true;
}

bool IsValidPageSlug(std::string_view slug) {
  for (size_t start = 0;;) {
    size_t slash = slug.find('/', start);
    if (!IsValidSlug(slug.substr(start, slash == std::string_view::npos ? slash : slash - start))) {
      return false;
    }
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace cinepress
