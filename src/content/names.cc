#include "content/names.h"

#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "core/text.h"

namespace cinepress {
namespace {

// ---------------------------------------------------------------------------------------------
// UTF-8 and words

// Decodes the code point at byte `i` and advances `i` past it; negative for ill-formed UTF-8.
UChar32 NextCodePoint(std::string_view s, size_t& i) {
  if (s.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    ++i;
    return -1;
  }
  int32_t pos = static_cast<int32_t>(i);
  UChar32 c = 0;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), pos, static_cast<int32_t>(s.size()), c);
  i = static_cast<size_t>(pos);
  return c;
}

void AppendCodePoint(std::string& out, UChar32 c) {
  char buf[U8_MAX_LENGTH];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, c);
  out.append(buf, static_cast<size_t>(n));
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

// Trims and collapses every run of white space (any Unicode white space, or only ASCII white
// space when `text` is not valid UTF-8) into one ASCII space.
std::string NormaliseSpace(std::string_view text) {
  const bool valid = IsValidUtf8(text);
  std::string out;
  out.reserve(text.size());
  bool pending = false;
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    bool space;
    if (valid) {
      const UChar32 c = NextCodePoint(text, i);
      space = u_isUWhiteSpace(c);
    } else {
      space = IsAsciiSpace(text[i]);
      ++i;
    }
    if (space) {
      pending = !out.empty();
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out.append(text.substr(start, i - start));
  }
  return out;
}

// Words of a normalised text (separated by single spaces).
std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

std::string Join(const std::vector<std::string>& words, size_t from, size_t to) {
  std::string out;
  for (size_t k = from; k < to && k < words.size(); ++k) {
    if (!out.empty()) out += ' ';
    out += words[k];
  }
  return out;
}

template <typename List>
bool Contains(const List& list, std::string_view word) {
  for (std::string_view w : list) {
    if (!w.empty() && w == word) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Scripts

enum class Cjk { kNone, kKorean, kChinese, kJapanese };

UScriptCode ScriptOf(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  return U_FAILURE(status) ? USCRIPT_INVALID_CODE : script;
}

bool IsKana(UScriptCode s) { return s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA; }

// Family names common in Japan (two or three characters), which no Chinese name starts with
// except by chance: a Han-only name of three or more characters starting with one is Japanese.
constexpr std::string_view kJapaneseFamilyNames[] = {
    "佐藤", "鈴木", "高橋",   "田中", "伊藤", "渡辺", "渡邊", "山本", "中村", "小林",   "加藤",
    "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "清水", "山崎", "阿部",   "池田",
    "橋本", "山下", "石川",   "中島", "前田", "藤田", "小川", "後藤", "岡田", "長谷川", "村上",
    "近藤", "石井", "斎藤",   "坂本", "遠藤", "青木", "藤井", "西村", "福田", "太田",   "三浦",
    "藤原", "岡本", "松田",   "中川", "中野", "原田", "小野", "田村", "竹内", "金子",   "和田",
    "中山", "石田", "上田",   "森田", "柴田", "酒井", "工藤", "横山", "宮崎", "宮本",   "内田",
    "高木", "安藤", "谷口",   "大野", "丸山", "今井", "高田", "藤本", "武田", "村田",   "上野",
    "杉山", "増田", "平野",   "大塚", "千葉", "久保", "松井", "小島", "岩崎", "桜井",   "野口",
    "松尾", "野村", "木下",   "小津", "溝口", "成瀬", "黒澤", "黒沢"};

// Characters written only in Japan (kokuji and Japanese simplified forms), and the iteration mark.
constexpr std::string_view kJapaneseOnly =
    "々沢黒広浜辺斎桜滝恵栄亜県剣団売読歩渋絵関縄徳巣畑込峠榊辻枠働匂凪栃麿駆姫穂瀬蔵";

// Compound (two-character) Chinese family names, simplified and traditional.
constexpr std::string_view kChineseCompoundFamilyNames[] = {
    "欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方",
    "東方", "皇甫", "尉迟", "尉遲", "公孙", "公孫", "慕容", "令狐"};

// Two-syllable Korean family names.
constexpr std::string_view kKoreanCompoundFamilyNames[] = {"남궁", "황보", "제갈", "선우",
                                                           "독고", "사공", "서문"};

struct CodePoints {
  std::vector<UChar32> cps;
  std::vector<size_t> offsets;  // byte offset of each code point, plus the end
};

CodePoints Decode(std::string_view s) {
  CodePoints out;
  size_t i = 0;
  while (i < s.size()) {
    out.offsets.push_back(i);
    out.cps.push_back(NextCodePoint(s, i));
  }
  out.offsets.push_back(s.size());
  return out;
}

bool IsJapaneseKanjiName(std::string_view name, const CodePoints& cp) {
  for (UChar32 c : cp.cps) {
    std::string ch;
    AppendCodePoint(ch, c);
    if (kJapaneseOnly.find(ch) != std::string_view::npos) return true;
  }
  if (cp.cps.size() >= 5) return true;  // Chinese names have two to four characters
  if (cp.cps.size() >= 3) {
    for (std::string_view family : kJapaneseFamilyNames) {
      if (name.size() > family.size() && name.starts_with(family)) return true;
    }
  }
  return false;
}

// Which CJK name this is, from its script: kana -> Japanese, Hangul -> Korean, Han -> Chinese
// unless it looks Japanese. Ill-formed UTF-8 is kNone.
Cjk CjkScriptOf(std::string_view name) {
  if (!IsValidUtf8(name)) return Cjk::kNone;
  bool hangul = false, han = false, kana = false;
  size_t i = 0;
  while (i < name.size()) {
    const UScriptCode s = ScriptOf(NextCodePoint(name, i));
    hangul = hangul || s == USCRIPT_HANGUL;
    han = han || s == USCRIPT_HAN;
    kana = kana || IsKana(s);
  }
  if (kana) return Cjk::kJapanese;
  if (hangul) return Cjk::kKorean;
  if (!han) return Cjk::kNone;
  if (name.find(' ') == std::string_view::npos && IsJapaneseKanjiName(name, Decode(name))) {
    return Cjk::kJapanese;
  }
  return Cjk::kChinese;
}

// ---------------------------------------------------------------------------------------------
// Romanised Korean and Chinese names

// Common Korean and Chinese family names in their usual romanisations (lowercase).
constexpr std::string_view kRomanisedFamilyNames[] = {
    // Korean
    "kim", "gim", "lee", "yi", "rhee", "park", "pak", "bak", "choi", "choe", "jung", "jeong",
    "chung", "kang", "cho", "jo", "yoon", "yun", "jang", "chang", "lim", "im", "han", "oh", "seo",
    "suh", "shin", "sin", "kwon", "hwang", "ahn", "an", "song", "jeon", "chun", "jun", "hong",
    "yoo", "yu", "ryu", "ryoo", "ko", "go", "moon", "mun", "yang", "son", "sohn", "bae", "baek",
    "paik", "heo", "hur", "nam", "noh", "roh", "ha", "kwak", "sung", "seong", "cha", "joo", "ju",
    "woo", "min", "na", "ra", "jin", "ji", "um", "eom", "byun", "byeon", "chae", "won", "bang",
    "gong", "kong", "hyun", "hyeon", "ham", "yeo", "yeon", "chu", "do", "so", "seok", "sun", "bong",
    "gil", "kil", "pyo", "myung", "wang", "namgung", "hwangbo", "jegal", "seonwoo", "sunwoo",
    "dokgo", "sagong",
    // Chinese (pinyin, Wade-Giles, Cantonese)
    "li", "zhang", "liu", "chen", "huang", "zhao", "wu", "zhou", "xu", "ma", "zhu", "hu", "guo",
    "he", "gao", "lin", "luo", "zheng", "liang", "xie", "tang", "feng", "deng", "cao", "peng",
    "zeng", "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "du", "ye", "cheng", "wei", "su",
    "ding", "ren", "lu", "yao", "shen", "zhong", "cui", "tan", "fan", "shi", "jia", "xia", "fu",
    "hou", "wong", "cheung", "leung", "lau", "ho", "tsui", "kwan", "yeung", "fung", "lam", "ng",
    "tse", "yip", "hui", "tsai", "tsang", "kuo", "hsu", "hsieh", "chiang", "chao", "lo", "law",
    "mak", "chow", "chou", "chan", "kwok", "lai", "tam"};

// Folds the letters of romanised Korean (McCune-Reischauer) and Chinese (pinyin) that are not
// ASCII to ASCII, lowercases, and drops Wade-Giles apostrophes; "" when anything else is left.
std::string RomanisedAscii(std::string_view word) {
  struct Fold {
    std::string_view from;
    char to;  // '\0': dropped
  };
  static constexpr Fold kFolds[] = {{"ŏ", 'o'}, {"Ŏ", 'o'}, {"ŭ", 'u'}, {"Ŭ", 'u'},  {"ü", 'u'},
                                    {"Ü", 'u'}, {"é", 'e'}, {"ê", 'e'}, {"’", '\0'}, {"'", '\0'}};
  std::string out;
  size_t i = 0;
  while (i < word.size()) {
    bool folded = false;
    for (const auto& [from, to] : kFolds) {
      if (word.substr(i).starts_with(from)) {
        if (to != '\0') out += to;
        i += from.size();
        folded = true;
        break;
      }
    }
    if (folded) continue;
    const char c = word[i++];
    if (IsAsciiLower(c)) {
      out += c;
    } else if (IsAsciiUpper(c)) {
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      return "";
    }
  }
  return out;
}

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// True when `s` (lowercase ASCII) has the shape of one romanised Korean or Chinese syllable: up
// to three initial consonants (y and w included), one to four vowels (y and w included), and an
// optional final n, ng, m, l, k, p, t, r or h. "yeon", "woo", "hsiao", "kar" pass; "anne",
// "marie", "luc" do not.
bool IsRomanisedSyllable(std::string_view s) {
  if (s.empty() || s.size() > 7) return false;
  size_t i = 0;
  while (i < s.size() && i < 3 && !IsVowel(s[i])) ++i;
  const size_t vowels_start = i;
  while (i < s.size() && (IsVowel(s[i]) || s[i] == 'w' || s[i] == 'y') && i - vowels_start < 4) {
    ++i;
  }
  if (i == vowels_start) return false;
  bool has_vowel = false;
  for (size_t k = vowels_start; k < i; ++k) has_vowel = has_vowel || IsVowel(s[k]);
  if (!has_vowel) return false;
  const std::string_view final = s.substr(i);
  return final.empty() || final == "n" || final == "ng" || final == "m" || final == "l" ||
         final == "k" || final == "p" || final == "t" || final == "r" || final == "h";
}

// "Park Seo-yeon", "Bong Joon-ho": a common romanised Korean/Chinese family name, then a given
// name of two hyphenated syllables.
bool IsRomanisedFamilyFirst(const std::vector<std::string>& words) {
  if (words.size() != 2) return false;
  const std::string family = RomanisedAscii(words[0]);
  if (family.empty() || !Contains(kRomanisedFamilyNames, family)) return false;
  const size_t dash = words[1].find('-');
  if (dash == std::string::npos || words[1].find('-', dash + 1) != std::string::npos) return false;
  // RomanisedAscii rejects '-', so fold the two syllables one by one.
  const std::string first = RomanisedAscii(std::string_view(words[1]).substr(0, dash));
  const std::string second = RomanisedAscii(std::string_view(words[1]).substr(dash + 1));
  return IsRomanisedSyllable(first) && IsRomanisedSyllable(second);
}

// ---------------------------------------------------------------------------------------------
// Family-first names

PersonName FamilyFirst(const std::string& display, Cjk cjk) {
  PersonName name;
  name.display = display;
  name.sort_text = display;
  const size_t space = display.find(' ');
  if (space != std::string::npos) {
    name.family = display.substr(0, space);
    name.given = display.substr(space + 1);
    return name;
  }
  // One word of CJK text: where the family name ends.
  size_t family_chars = 0;  // 0: the whole name
  if (cjk == Cjk::kKorean || cjk == Cjk::kChinese) {
    const CodePoints cp = Decode(display);
    family_chars = 1;
    if (cp.cps.size() >= 3) {
      const std::string_view two =
          std::string_view(display).substr(0, cp.offsets[2]);  // first two characters
      if ((cjk == Cjk::kKorean && Contains(kKoreanCompoundFamilyNames, two)) ||
          (cjk == Cjk::kChinese && Contains(kChineseCompoundFamilyNames, two))) {
        family_chars = 2;
      }
    }
    if (cp.cps.size() <= family_chars) family_chars = 0;
    if (family_chars > 0) {
      name.family = display.substr(0, cp.offsets[family_chars]);
      name.given = display.substr(cp.offsets[family_chars]);
      return name;
    }
  }
  name.family = display;  // Japanese, or a single word
  return name;
}

// ---------------------------------------------------------------------------------------------
// Given-first names

constexpr std::string_view kSuffixes[] = {"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"};

bool IsSuffix(std::string_view word) { return Contains(kSuffixes, AsciiLower(word)); }

// Words that join a family name: where a name files depends on their case (see the header).
constexpr std::string_view kParticles[] = {
    "von", "van", "der", "den", "dem", "de", "del", "della", "delle", "dei", "degli", "dello",
    "di",  "da",  "das", "dos", "do",  "du", "des", "la",    "le",    "les", "lo",    "zu",
    "zum", "zur", "vom", "af",  "av",  "al", "el",  "ter",   "ten",   "te",  "'t"};

bool IsParticle(std::string_view word) { return Contains(kParticles, AsciiLower(word)); }

bool StartsLowercase(std::string_view word) { return !word.empty() && IsAsciiLower(word[0]); }

// Prefixes written joined to the family name that, in lowercase, do not file: "d'Ormesson",
// "al-Mansour".
constexpr std::string_view kJoinedParticles[] = {"d'", "d’", "al-", "el-"};

// Spanish family names whose bearers also carry a second one ("García Bernal"), recognised as
// the next-to-last word of a name of three or more words.
bool IsSpanishFirstFamilyName(std::string_view word) {
  static constexpr std::string_view kCommon[] = {"García", "Garcia", "Díaz",  "Diaz",   "Ruiz",
                                                 "Muñoz",  "Munoz",  "Ortiz", "Martín", "Gil"};
  if (Contains(kCommon, word)) return true;
  // Patronymics in -ez: Fernández, González, Pérez… ("Inez" is a given name).
  const std::string lower = AsciiLower(word);
  return word.size() >= 5 && IsAsciiUpper(word[0]) && lower.ends_with("ez") && lower != "inez" &&
         lower != "ynez";
}

PersonName GivenFirst(const std::string& display) {
  PersonName name;
  name.display = display;

  // Already inverted: "Trier, Lars von" (but not "Ossie Davis, Jr.").
  const size_t comma = display.find(',');
  if (comma != std::string::npos) {
    const std::string after = NormaliseSpace(std::string_view(display).substr(comma + 1));
    const std::vector<std::string> after_words = SplitWords(after);
    bool all_suffixes = !after_words.empty();
    for (const std::string& w : after_words) all_suffixes = all_suffixes && IsSuffix(w);
    if (!all_suffixes && comma > 0 && !after.empty()) {
      name.family = NormaliseSpace(std::string_view(display).substr(0, comma));
      name.given = after;
      name.sort_text = name.family + ", " + name.given;
      return name;
    }
  }

  std::vector<std::string> words = SplitWords(display);
  // Suffixes, kept in order after the given name.
  std::vector<std::string> suffixes;
  while (words.size() > 2 && IsSuffix(words.back())) {
    suffixes.insert(suffixes.begin(), words.back());
    words.pop_back();
  }
  if (!suffixes.empty() && words.back().ends_with(',')) words.back().pop_back();
  const std::string suffix = Join(suffixes, 0, suffixes.size());

  if (words.size() <= 1) {
    name.family = words.empty() ? "" : words[0];
    name.sort_text = Join(words, 0, words.size());
    if (!suffix.empty()) name.sort_text += " " + suffix;
    return name;
  }

  const size_t n = words.size();
  // The family name: the last word and the particles before it (never the first word).
  size_t family_start = n - 1;
  while (family_start > 1 && IsParticle(words[family_start - 1])) --family_start;
  // A Spanish double family name: "Gael García Bernal", "José Ortega y Gasset".
  if (family_start == n - 1 && n >= 4 && words[n - 2] == "y" && !StartsLowercase(words[n - 3])) {
    family_start = n - 3;
  } else if (family_start == n - 1 && n >= 3 && IsSpanishFirstFamilyName(words[n - 2])) {
    family_start = n - 2;
  }
  // Where it files: from the first word that is not a lowercase particle.
  size_t files_from = family_start;
  while (files_from < n - 1 && IsParticle(words[files_from]) &&
         StartsLowercase(words[files_from])) {
    ++files_from;
  }
  std::string files_under = Join(words, files_from, n);
  std::string trailing = Join(words, family_start, files_from);
  if (files_from == n - 1) {
    for (std::string_view prefix : kJoinedParticles) {
      if (files_under.size() > prefix.size() && files_under.starts_with(prefix)) {
        if (!trailing.empty()) trailing += ' ';
        trailing += prefix;
        files_under.erase(0, prefix.size());
        break;
      }
    }
  }

  name.given = Join(words, 0, family_start);
  name.family = Join(words, family_start, n);
  name.sort_text = files_under + ", " + name.given;
  if (!trailing.empty()) name.sort_text += " " + trailing;
  if (!suffix.empty()) name.sort_text += " " + suffix;
  return name;
}

// ---------------------------------------------------------------------------------------------
// Titles

// The leading articles of a language, lowercase; elided forms end in an apostrophe.
struct LanguageArticles {
  std::string_view language;
  std::array<std::string_view, 12> articles;
};

constexpr std::array<LanguageArticles, 12> kArticles = {{
    {"en", {"the", "a", "an"}},
    {"fr", {"le", "la", "les", "un", "une", "l'"}},
    {"de",
     {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines"}},
    {"es", {"el", "la", "los", "las", "lo", "un", "una", "unos", "unas"}},
    {"it", {"il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "l'", "un'"}},
    {"pt", {"o", "a", "os", "as", "um", "uma", "uns", "umas"}},
    {"nl", {"de", "het", "een", "'t"}},
    {"sv", {"en", "ett", "den", "det", "de"}},
    {"da", {"en", "et", "den", "det", "de"}},
    {"no", {"en", "et", "ei", "den", "det", "de"}},
    {"nb", {"en", "et", "ei", "den", "det", "de"}},
    {"nn", {"ein", "eit", "ei", "den", "det", "dei"}},
}};

// The languages whose articles are tried when the language is not known.
constexpr std::string_view kGuessedLanguages[] = {"en", "fr", "de", "es", "it"};

// Place names that start with an article: a title starting with one keeps it.
constexpr std::string_view kPlaceNames[] = {
    "los angeles", "las vegas", "las palmas", "los alamos", "el paso",
    "el salvador", "la paz",    "la habana",  "le havre",   "le mans"};

bool IsArticleOf(std::string_view language, std::string_view word) {
  for (const LanguageArticles& la : kArticles) {
    if (la.language == language) return Contains(la.articles, word);
  }
  return false;
}

// German function words and letters: evidence that a title starting "Die" is German.
bool LooksGerman(const std::vector<std::string>& words) {
  static constexpr std::string_view kGerman[] = {
      "der", "das",   "und", "im",  "mit",  "von",   "vom",   "zum",   "zur",   "auf",
      "für", "nicht", "ist", "ein", "eine", "einer", "einem", "einen", "eines", "dem"};
  for (size_t k = 1; k < words.size(); ++k) {
    const std::string& w = words[k];
    if (Contains(kGerman, AsciiLower(w))) return true;
    for (std::string_view umlaut : {"ä", "ö", "ü", "ß", "Ä", "Ö", "Ü"}) {
      if (w.find(umlaut) != std::string::npos) return true;
    }
  }
  return false;
}

// Evidence that a title starting "I" or "Lo" is Italian or Spanish: the next word is lowercase
// and not an English word that follows "I" or "Lo".
bool LooksRomance(const std::vector<std::string>& words) {
  static constexpr std::string_view kEnglish[] = {
      "and",  "am",  "was", "is",  "will", "can", "do", "did", "have", "had", "know", "love",
      "want", "see", "saw", "the", "a",    "an",  "of", "to",  "in",   "on",  "me",   "my"};
  return words.size() > 1 && StartsLowercase(words[1]) && !Contains(kEnglish, words[1]);
}

// `words`: the title's words as written.
bool IsArticleOfAnyLanguage(std::string_view word, const std::vector<std::string>& words) {
  if (word == "die" || word == "den" || word == "des") return LooksGerman(words);
  if (word == "i" || word == "lo") return LooksRomance(words);
  for (std::string_view language : kGuessedLanguages) {
    if (IsArticleOf(language, word)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// ICU objects, one per thread (none of them is thread-safe to use from two threads).

icu::Transliterator* LatinToAscii() {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(
        icu::Transliterator::createInstance("Latin-ASCII", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) made.reset();
    return made;
  }();
  return t.get();
}

icu::Collator* SortCollator() {
  thread_local std::unique_ptr<icu::Collator> collator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> made(
        icu::Collator::createInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) return std::unique_ptr<icu::Collator>();
    made->setAttribute(UCOL_NUMERIC_COLLATION, UCOL_ON, status);
    made->setStrength(icu::Collator::TERTIARY);
    if (U_FAILURE(status)) made.reset();
    return made;
  }();
  return collator.get();
}

// The initial consonant of a Hangul syllable (or a leading jamo), as a compatibility jamo, with
// the tense consonants folded into the plain ones (ㄲ -> ㄱ); 0 when `c` is neither.
UChar32 HangulInitial(UChar32 c) {
  // The 19 initial consonants in order (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ),
  // folded.
  static constexpr std::array<UChar32, 19> kInitials = {
      0x3131, 0x3131, 0x3134, 0x3137, 0x3137, 0x3139, 0x3141, 0x3142, 0x3142, 0x3145,
      0x3145, 0x3147, 0x3148, 0x3148, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E};
  if (c >= 0xAC00 && c <= 0xD7A3) return kInitials[static_cast<size_t>((c - 0xAC00) / 588)];
  if (c >= 0x1100 && c <= 0x1112) return kInitials[static_cast<size_t>(c - 0x1100)];
  switch (c) {  // compatibility jamo: fold the tense ones
    case 0x3132:
      return 0x3131;
    case 0x3138:
      return 0x3137;
    case 0x3143:
      return 0x3142;
    case 0x3146:
      return 0x3145;
    case 0x3149:
      return 0x3148;
    default:
      break;
  }
  if (c >= 0x3131 && c <= 0x314E) return c;
  return 0;
}

bool IsMark(UChar32 c) {
  const int8_t type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_COMBINING_SPACING_MARK;
}

}  // namespace

PersonName ParsePersonName(std::string_view display, std::string_view explicit_sort,
                           NameOrder order) {
  const std::string written = NormaliseSpace(display);
  PersonName name;
  Cjk cjk = Cjk::kNone;
  bool family_first = false;
  if (order == NameOrder::kFamilyFirst) {
    family_first = true;
    cjk = CjkScriptOf(written);
  } else if (order == NameOrder::kAuto && IsValidUtf8(written)) {
    cjk = CjkScriptOf(written);
    family_first = cjk != Cjk::kNone || IsRomanisedFamilyFirst(SplitWords(written));
  }
  name = family_first ? FamilyFirst(written, cjk) : GivenFirst(written);
  const std::string explicit_text = NormaliseSpace(explicit_sort);
  if (!explicit_text.empty()) name.sort_text = explicit_text;
  name.letter = IndexLetter(name.sort_text);
  return name;
}

std::string TitleSortText(std::string_view title, std::string_view language) {
  const std::string text = NormaliseSpace(title);
  const std::string lower = AsciiLower(text);
  for (std::string_view place : kPlaceNames) {
    if (lower.starts_with(place) &&
        (lower.size() == place.size() || !IsAsciiLower(lower[place.size()]))) {
      return text;
    }
  }
  std::string lang = AsciiLower(language.substr(0, language.find_first_of("-_")));
  const bool guess = lang.empty();
  const std::vector<std::string> words = SplitWords(lower);
  if (words.empty()) return text;
  const std::vector<std::string> written = SplitWords(text);
  auto is_article = [&](std::string_view word) {
    return guess ? IsArticleOfAnyLanguage(word, written) : IsArticleOf(lang, word);
  };

  // An elided article joined to the next word: "L'Atalante", "L’Atalante", "Un'estate".
  const std::string& first = words[0];
  for (std::string_view apostrophe : {std::string_view("'"), std::string_view("’")}) {
    const size_t at = first.find(apostrophe);
    if (at == std::string::npos || at == 0) continue;
    const size_t rest = at + apostrophe.size();
    if (is_article(first.substr(0, at) + "'")) {
      if (rest < first.size()) return text.substr(rest);           // "L'Atalante"
      if (words.size() > 1) return text.substr(first.size() + 1);  // "L' Atalante"
    }
    break;
  }
  // A whole word followed by a space: "The Tenant", "Die bitteren Tränen".
  if (words.size() > 1 && is_article(first)) return text.substr(first.size() + 1);
  return text;
}

std::string IndexLetter(std::string_view sort_text) {
  size_t i = 0;
  size_t start = 0;
  UChar32 c = -1;
  while (i < sort_text.size()) {
    start = i;
    c = NextCodePoint(sort_text, i);
    if (c < 0 || !u_isUWhiteSpace(c)) break;
    c = -1;
  }
  if (c < 0) return "#";

  std::string out;
  if (const UChar32 initial = HangulInitial(c)) {
    AppendCodePoint(out, initial);
    return out;
  }
  const UScriptCode script = ScriptOf(c);
  if (script == USCRIPT_HAN || IsKana(script)) {
    AppendCodePoint(out, c);
    if (IsKana(script)) {  // halfwidth katakana -> the full form
      UErrorCode status = U_ZERO_ERROR;
      const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
      if (U_SUCCESS(status)) {
        const icu::UnicodeString full = nfkc->normalize(icu::UnicodeString::fromUTF8(out), status);
        if (U_SUCCESS(status) && !full.isEmpty()) {
          out.clear();
          AppendCodePoint(out, full.char32At(0));
        }
      }
    }
    return out;
  }
  if (!u_isalpha(c)) return "#";

  // The first letter with the marks that follow it.
  size_t end = i;
  while (end < sort_text.size()) {
    size_t next = end;
    const UChar32 d = NextCodePoint(sort_text, next);
    if (d < 0 || !IsMark(d)) break;
    end = next;
  }
  icu::UnicodeString letter = icu::UnicodeString::fromUTF8(
      icu::StringPiece(sort_text.data() + start, static_cast<int32_t>(end - start)));
  UErrorCode status = U_ZERO_ERROR;
  if (script == USCRIPT_LATIN) {
    // Accents off, and the letters that have no decomposition too: Ł -> L, Ø -> O, ß -> ss.
    if (icu::Transliterator* t = LatinToAscii()) t->transliterate(letter);
  } else if (script == USCRIPT_GREEK) {
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    if (U_SUCCESS(status)) {
      const icu::UnicodeString decomposed = nfd->normalize(letter, status);
      if (U_SUCCESS(status)) {
        letter.remove();
        for (int32_t k = 0; k < decomposed.length(); k = decomposed.moveIndex32(k, 1)) {
          const UChar32 d = decomposed.char32At(k);
          if (!IsMark(d)) letter.append(d);
        }
      }
    }
  }
  // Other scripts keep their letters whole (Cyrillic Й is a letter, not an accented И).
  status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_SUCCESS(status)) {
    const icu::UnicodeString composed = nfc->normalize(letter, status);
    if (U_SUCCESS(status)) letter = composed;
  }
  letter.toUpper(icu::Locale::getRoot());
  if (letter.isEmpty()) return "#";
  const UChar32 first = letter.char32At(0);
  if (!u_isalpha(first)) return "#";
  AppendCodePoint(out, first);
  return out;
}

int CompareSortText(std::string_view a, std::string_view b) {
  if (icu::Collator* collator = SortCollator();
      collator && a.size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max()) &&
      b.size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    UErrorCode status = U_ZERO_ERROR;
    const UCollationResult result =
        collator->compareUTF8(icu::StringPiece(a.data(), static_cast<int32_t>(a.size())),
                              icu::StringPiece(b.data(), static_cast<int32_t>(b.size())), status);
    if (U_SUCCESS(status) && result != UCOL_EQUAL) return result == UCOL_LESS ? -1 : 1;
  }
  const int bytes = a.compare(b);
  return bytes < 0 ? -1 : (bytes > 0 ? 1 : 0);
}

}  // namespace cinepress
