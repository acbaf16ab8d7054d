#include "content/search.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>

#include "content/search_fold.h"
#include "core/text.h"

namespace cinepress {
namespace {

bool IsCjk(UChar32 c) {
  if (c < 0x1100) return false;
  return (c >= 0x1100 && c <= 0x11FF) ||  // Hangul Jamo
         (c >= 0x3005 && c <= 0x3007) ||  // 々 〆 〇
         (c >= 0x3040 && c <= 0x30FF) ||  // Hiragana, Katakana
         (c >= 0x3130 && c <= 0x318F) ||  // Hangul compatibility Jamo
         (c >= 0x31F0 && c <= 0x31FF) ||  // Katakana phonetic extensions
         (c >= 0x3400 && c <= 0x4DBF) ||  // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||  // CJK unified ideographs
         (c >= 0xAC00 && c <= 0xD7AF) ||  // Hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||  // CJK compatibility ideographs
         (c >= 0xFF66 && c <= 0xFF9F) ||  // half-width Katakana
         (c >= 0x20000 && c <= 0x3FFFF);  // CJK extensions B and later
}

// Letters, digits and marks make words (the theme's script: /[\p{L}\p{N}\p{M}]/u).
bool IsWordChar(UChar32 c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK)) != 0;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsMark(UChar32 c) { return c >= 0x80 && (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0; }

// Letters that keep no accent to remove: how a reader without them types them.
const char16_t* Spelled(UChar c) {
  switch (c) {
    case u'ł':
      return u"l";
    case u'đ':
    case u'ð':
      return u"d";
    case u'ø':
      return u"o";
    case u'æ':
      return u"ae";
    case u'œ':
      return u"oe";
    case u'ß':
      return u"ss";
    case u'þ':
      return u"th";
    case u'ı':
      return u"i";
    case u'ħ':
      return u"h";
    case u'ς':
      return u"σ";
    default:
      return nullptr;
  }
}

std::string CutChars(std::string s, size_t max_chars) {
  size_t i = 0, chars = 0;
  while (i < s.size() && chars < max_chars) {
    UChar32 c;
    U8_NEXT(s.data(), i, s.size(), c);
    (void)c;
    ++chars;
  }
  s.resize(i);
  return s;
}

// The folds of U+0000 … U+017F (ASCII, Latin-1 and Latin Extended-A: the letters of most
// European names), made once by ICU's fold. A word of these characters whose folds are all ASCII
// is folded by table: the fold of such a word is its characters' folds end to end (lower case is
// per character for them, their decompositions begin with a starter, and ASCII composes with
// nothing), so the table gives ICU's result without ICU.
class LatinFolds {
 public:
  static constexpr UChar32 kEnd = 0x180;
  LatinFolds() {
    for (UChar32 c = 0; c < kEnd; ++c) {
      std::string utf8;
      icu::UnicodeString(c).toUTF8String(utf8);
      std::string f = FoldSearchWordWithIcu(utf8);
      if (std::all_of(f.begin(), f.end(),
                      [](char x) { return static_cast<unsigned char>(x) < 0x80; })) {
        fold_[c] = std::move(f);
        ascii_[c] = true;
      }
    }
  }
  // `word` folded by table; false (and `out` unspecified) when a character is not in it.
  bool Fold(std::string_view word, std::string& out) const {
    out.clear();
    for (size_t i = 0; i < word.size(); ++i) {
      const auto b = static_cast<unsigned char>(word[i]);
      if (b < 0x80) {
        out += b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : static_cast<char>(b);
        continue;
      }
      // Two bytes, C2 80 … C5 BF: U+0080 … U+017F.
      if (b < 0xC2 || b > 0xC5 || i + 1 == word.size()) return false;
      const auto t = static_cast<unsigned char>(word[i + 1]);
      if ((t & 0xC0) != 0x80) return false;
      const UChar32 c = ((b & 0x1F) << 6) | (t & 0x3F);
      if (!ascii_[c]) return false;
      out += fold_[c];
      ++i;
    }
    if (out.size() > kMaxWordChars) out.resize(kMaxWordChars);  // ASCII: a byte a character
    return true;
  }

 private:
  std::string fold_[kEnd];
  bool ascii_[kEnd] = {};
};

}  // namespace

std::string FoldSearchWord(std::string_view word) {
  static const LatinFolds latin;
  std::string out;
  if (latin.Fold(word, out)) return out;
  return FoldSearchWordWithIcu(word);
}

std::string FoldSearchWordWithIcu(std::string_view word) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(err);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) return std::string(word);
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  s.toLower(icu::Locale::getRoot());
  icu::UnicodeString d = nfkd->normalize(s, err);
  icu::UnicodeString kept;
  for (int32_t i = 0; i < d.length(); ++i) {
    UChar c = d.charAt(i);
    if (U16_IS_LEAD(c) && i + 1 < d.length()) {
      UChar32 cp = U16_GET_SUPPLEMENTARY(c, d.charAt(i + 1));
      if (u_charType(cp) != U_NON_SPACING_MARK) kept.append(cp);
      ++i;
      continue;
    }
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (const char16_t* s2 = Spelled(c)) {
      kept.append(icu::UnicodeString(s2));
    } else {
      kept.append(c);
    }
  }
  icu::UnicodeString n = nfc->normalize(kept, err);
  if (U_FAILURE(err)) return std::string(word);
  std::string out;
  n.toUTF8String(out);
  return CutChars(std::move(out), kMaxWordChars);
}

bool IsCjkWord(std::string_view word) {
  if (word.empty()) return false;
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(word.data(), i, static_cast<int32_t>(word.size()), c);
  return c >= 0 && IsCjk(c);
}

void ForEachSearchWord(
    std::string_view text,
    const std::function<void(std::string_view word, size_t begin, size_t end)>& emit) {
  ForEachSearchWordWhile(text, [&](std::string_view w, size_t b, size_t e) {
    emit(w, b, e);
    return true;
  });
}

void ForEachSearchWordWhile(
    std::string_view text,
    const std::function<bool(std::string_view word, size_t begin, size_t end)>& emit) {
  const auto* s = text.data();
  const int32_t n = static_cast<int32_t>(std::min<size_t>(text.size(), INT32_MAX));
  int32_t i = 0;
  std::vector<int32_t> starts;  // of a CJK run's characters, and its end
  std::string ascii;            // an ASCII word, folded
  while (i < n) {
    // ASCII words, most of the text, without Unicode look-ups or allocations.
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      const int32_t begin = i;
      while (i < n && IsAsciiAlnum(s[i])) ++i;
      if (i == begin) {
        ++i;
        continue;
      }
      if (i == n || static_cast<unsigned char>(s[i]) < 0x80) {
        ascii.assign(s + begin, static_cast<size_t>(std::min<int32_t>(
                                    i - begin, static_cast<int32_t>(kMaxWordChars))));
        for (char& c : ascii) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        if (!emit(ascii, static_cast<size_t>(begin), static_cast<size_t>(i))) return;
        continue;
      }
      i = begin;  // the word goes on in other letters: read it the long way
    }
    int32_t begin = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0 || !IsWordChar(c)) continue;
    const bool cjk = IsCjk(c);
    starts.assign(1, begin);
    int32_t end = i;
    while (i < n) {
      int32_t at = i;
      UChar32 d;
      U8_NEXT(s, i, n, d);
      if (d >= 0 && IsWordChar(d) && (IsMark(d) || IsCjk(d) == cjk)) {
        if (cjk && !IsMark(d)) starts.push_back(at);
        end = i;
        continue;
      }
      i = at;
      break;
    }
    if (!cjk) {
      std::string w = FoldSearchWord(text.substr(begin, end - begin));
      if (!w.empty() && !emit(w, begin, end)) return;
      continue;
    }
    starts.push_back(end);
    if (starts.size() == 2) {
      std::string w = FoldSearchWord(text.substr(begin, end - begin));
      if (!w.empty() && !emit(w, begin, end)) return;
      continue;
    }
    for (size_t k = 0; k + 2 < starts.size(); ++k) {
      std::string w =
          FoldSearchWord(text.substr(starts[k], static_cast<size_t>(starts[k + 2] - starts[k])));
      if (!w.empty() && !emit(w, starts[k], starts[k + 2])) return;
    }
  }
}

SearchFields SearchFieldsOf(const Article& a, const std::vector<std::string>& author_names) {
  SearchFields f;
  if (a.film) {
    f.films.push_back(a.film->title);
    if (!a.film->original_title.empty()) f.films.push_back(a.film->original_title);
    f.people.insert(f.people.end(), a.film->directors.begin(), a.film->directors.end());
    f.people.insert(f.people.end(), a.film->cast.begin(), a.film->cast.end());
  }
  f.films.insert(f.films.end(), a.films.begin(), a.films.end());
  if (a.interviewee) {
    f.people.push_back(a.interviewee->name);
    if (!a.interviewee->film.empty()) f.films.push_back(a.interviewee->film);
    if (!a.interviewee->job_title.empty()) f.meta.push_back(a.interviewee->job_title);
  }
  if (!a.festival.empty()) f.meta.push_back(a.festival);
  f.meta.insert(f.meta.end(), a.categories.begin(), a.categories.end());
  f.meta.insert(f.meta.end(), a.tags.begin(), a.tags.end());
  f.meta.insert(f.meta.end(), author_names.begin(), author_names.end());
  return f;
}

SearchFields SearchFieldsOf(const PodcastEpisode& e, const std::string& show_title) {
  SearchFields f;
  f.films = e.films;
  f.people = e.hosts;
  f.people.insert(f.people.end(), e.guests.begin(), e.guests.end());
  if (!show_title.empty()) f.meta.push_back(show_title);
  return f;
}

std::vector<std::string> SearchWords(std::string_view text) {
  std::vector<std::string> out;
  ForEachSearchWord(text, [&](std::string_view w, size_t, size_t) { out.emplace_back(w); });
  return out;
}

std::string ValidUtf8Prefix(std::string_view raw, size_t max_bytes) {
  std::string text;
  const int32_t n = static_cast<int32_t>(std::min<size_t>(raw.size(), 4 * max_bytes));
  int32_t i = 0;
  while (i < n && text.size() < max_bytes) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(raw.data(), i, n, c);
    if (c < 0) continue;
    if (text.size() + static_cast<size_t>(i - at) > max_bytes) break;
    text.append(raw.data() + at, static_cast<size_t>(i - at));
  }
  return text;
}

std::vector<QueryGroup> ParseSearchQuery(std::string_view raw) {
  // Valid UTF-8 only, and no more of it than kMaxQueryBytes.
  const std::string text = ValidUtf8Prefix(raw, kMaxQueryBytes);
  std::vector<QueryGroup> groups;
  size_t words = 0;
  bool last_closed = false;  // the last group is a phrase whose quote was closed
  size_t last_end = 0;       // where the last word ended
  auto add_segment = [&](std::string_view seg, size_t offset, bool quoted) {
    QueryGroup phrase;
    phrase.phrase = true;
    size_t prev_end = 0;
    bool have_prev = false;
    ForEachSearchWord(seg, [&](std::string_view w, size_t b, size_t e) {
      if (words >= kMaxQueryTerms) return;
      ++words;
      last_end = offset + e;
      if (quoted) {
        phrase.words.emplace_back(w);
      } else if (have_prev && b < prev_end && !groups.empty()) {
        groups.back().words.emplace_back(w);  // the next pair of one CJK run
        groups.back().phrase = true;
      } else {
        groups.push_back(QueryGroup{{std::string(w)}, false, false});
      }
      prev_end = e;
      have_prev = true;
    });
    if (quoted && !phrase.words.empty()) {
      phrase.phrase = phrase.words.size() > 1;
      groups.push_back(std::move(phrase));
    }
  };
  // Straight and typographic double quotes open and close phrases.
  size_t pos = 0;
  bool in_quote = false;
  while (pos <= text.size()) {
    size_t next = std::string::npos, qlen = 0;
    for (std::string_view q : {"\"", "\u201C", "\u201D", "\u201E", "\u00AB", "\u00BB"}) {
      size_t f = text.find(q, pos);
      if (f < next) {
        next = f;
        qlen = q.size();
      }
    }
    size_t end = next == std::string::npos ? text.size() : next;
    size_t before = groups.size();
    add_segment(std::string_view(text).substr(pos, end - pos), pos, in_quote);
    if (groups.size() != before) last_closed = in_quote && next != std::string::npos;
    if (next == std::string::npos) break;
    in_quote = !in_quote;
    pos = next + qlen;
  }
  if (!groups.empty()) {
    QueryGroup& g = groups.back();
    const std::string& w = g.words.back();
    size_t chars = 0;
    for (size_t i = 0; i < w.size(); ++i)
      chars += (static_cast<unsigned char>(w[i]) & 0xC0) != 0x80;
    // Still typing: the text ends in the middle of the last word.
    g.prefix = !last_closed && last_end == text.size() && chars >= kMinPrefixChars;
  }
  // One CJK character alone is the start of the pairs it begins.
  for (QueryGroup& g : groups) {
    if (g.words.size() == 1 && IsCjkWord(g.words[0])) {
      size_t chars = 0;
      for (char c : g.words[0]) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      if (chars == 1) g.prefix = true;
    }
  }
  return groups;
}

std::vector<QueryGroup> WholeWords(std::vector<QueryGroup> groups, bool* changed) {
  bool any = false;
  for (QueryGroup& g : groups) {
    if (!g.prefix) continue;
    if (g.words.size() == 1 && IsCjkWord(g.words[0]) && g.words[0].size() <= 4) continue;
    g.prefix = false;
    any = true;
  }
  if (changed) *changed = any;
  return groups;
}

std::string SnippetHtml(std::string_view text, const std::vector<QueryGroup>& groups, size_t span) {
  struct Word {
    size_t begin, end;
    bool match;
  };
  auto matches = [&](std::string_view w) {
    for (const QueryGroup& g : groups) {
      for (size_t k = 0; k < g.words.size(); ++k) {
        const std::string& q = g.words[k];
        const bool prefix = g.prefix && k + 1 == g.words.size();
        if (prefix ? w.substr(0, q.size()) == q : w == q) return true;
      }
    }
    return false;
  };
  // Only the words up to the passage's end are read: the first match decides where it is.
  std::vector<Word> words;
  size_t first = std::string_view::npos;
  ForEachSearchWordWhile(text, [&](std::string_view w, size_t b, size_t e) {
    if (first != std::string_view::npos && words.size() > first + span) return false;
    bool m = matches(w);
    if (m && first == std::string_view::npos) first = words.size();
    words.push_back(Word{b, e, m});
    return true;
  });
  if (first == std::string_view::npos) return "";
  const size_t from = first > 8 ? first - 8 : 0;
  const size_t to = std::min(words.size(), from + span);
  const size_t end = to < words.size() ? words[to].begin : text.size();
  std::string out = from > 0 ? "…" : "";
  size_t at = from > 0 ? words[from].begin : 0;
  for (size_t k = from; k < to; ++k) {
    if (!words[k].match) continue;
    // Overlapping matches (the pairs of a CJK run) make one mark.
    size_t b = std::max(words[k].begin, at), e = words[k].end;
    while (k + 1 < to && words[k + 1].match && words[k + 1].begin <= e) e = words[++k].end;
    if (b >= e) continue;
    AppendHtmlEscaped(out, text.substr(at, b - at));
    out += "<mark>";
    AppendHtmlEscaped(out, text.substr(b, e - b));
    out += "</mark>";
    at = e;
  }
  std::string_view rest = text.substr(at, end - at);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back()))) {
    rest.remove_suffix(1);
  }
  AppendHtmlEscaped(out, rest);
  if (to < words.size()) out += "…";
  return out;
}

}  // namespace cinepress
