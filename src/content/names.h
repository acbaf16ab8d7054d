// How people's names and film titles sort: the keys of the Review Index (films A–Z by title) and
// the Interview Index (people by family name), the letter each entry files under, and the order
// a reader expects.
//
//   ParsePersonName  a name as written -> its family and given parts, its sort text and letter
//   TitleSortText    a film title -> the title without its leading article
//   IndexLetter      a sort text -> the letter of the index's jump bar it files under
//   CompareSortText  the reader's order of two sort texts (ICU collation)
//
// Contract: pure functions of their arguments, thread-safe (ICU objects are kept one per thread).
// Text is UTF-8; ill-formed UTF-8 never crashes (it is handled on the bytes).
#pragma once

#include <string>
#include <string_view>

namespace cinepress {

// How a person's name is ordered when written (front matter `name_order:`).
enum class NameOrder { kAuto, kGivenFirst, kFamilyFirst };

struct PersonName {
  std::string display;    // as written, whitespace normalised: "Lars von Trier", "박서연"
  std::string family;     // the family name with its particles: "von Trier", "Park", "박"
  std::string given;      // the rest, without suffixes such as "Jr.": "Lars", "Seo-yeon", "서연"
  std::string sort_text;  // what the index sorts by: "Trier, Lars von", "Park Seo-yeon", "박서연"
  std::string letter;     // IndexLetter(sort_text): "T", "P", "ㅂ"
  bool operator==(const PersonName&) const = default;
};

// Splits a name as written into its parts and its sort text.
//
// Family first (a Hangul, Han or kana name; a romanised Korean/Chinese name of the form
// "Park Seo-yeon"; or `order` kFamilyFirst): the sort text is the name as written. The family
// name is the first word; in CJK text without spaces, the first syllable or character (or a
// known two-syllable Korean / compound Chinese family name), and for a Japanese name the whole
// name.
// Given first: the sort text is "Family, Given". Lowercase particles stay with the given name
// ("Lars von Trier" -> "Trier, Lars von", "Jean d'Ormesson" -> "Ormesson, Jean d'"); capitalised
// ones file with the family name ("Danny De Vito" -> "De Vito, Danny"); a Spanish double family
// name files under its first part ("Gael García Bernal" -> "García Bernal, Gael"); "Jr.", "Sr.",
// "II", "III", "IV" follow the given name. A name already written "Family, Given" is kept.
// `explicit_sort` (front matter `sort_name:`), when not blank, is the sort text, whatever the rest.
PersonName ParsePersonName(std::string_view display, std::string_view explicit_sort = "",
                           NameOrder order = NameOrder::kAuto);

// A film title as the Review Index sorts it: without a leading article of the title's language
// ("The Tenant Upstairs" -> "Tenant Upstairs", "L'Atalante" -> "Atalante"), whitespace normalised.
// `language` is an ISO 639-1 code ("en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no";
// a region such as "en-GB" is ignored; any other language has no articles to remove). With ""
// the English, French, German, Spanish and Italian articles are tried when followed by a space
// (elided forms: by a letter after the apostrophe), except that words which are also ordinary
// English words need evidence: "Die"/"Den"/"Des" a German-looking title, "I"/"Lo" a lowercase
// next word that is not English ("Die Hard" and "I Am Cuba" stay whole). A title that is only an
// article, or starts with a place name such as "Los Angeles" or "Le Havre", is kept whole.
std::string TitleSortText(std::string_view title, std::string_view language = "");

// The letter an index files a sort text under: the first letter, uppercased and without accents
// ("Évora" -> "E", "Łódź" -> "L", "ßx" -> "S"); digits, punctuation, symbols, an empty text or
// ill-formed UTF-8 -> "#". Hangul files under the initial consonant of its first syllable, with
// the tense consonants under their plain ones (so the jump bar is ㄱ ㄴ ㄷ ㄹ ㅁ ㅂ ㅅ ㅇ ㅈ ㅊ ㅋ
// ㅌ ㅍ ㅎ: "까치" -> "ㄱ"); Han and kana under the first character itself.
std::string IndexLetter(std::string_view sort_text);

// Compares sort texts the way a reader expects: ICU collation, root locale, numeric ordering,
// accents secondary, case tertiary, spaces and punctuation significant (so "Trier, Zoe" comes
// before "Triera, Ann"): "Ångström" beside "Angstrom", "Film 2" before "Film 10". Texts that
// collate equal are ordered by their bytes, so only identical texts compare 0.
// Returns <0, 0 or >0. Thread-safe (keeps one collator per thread).
int CompareSortText(std::string_view a, std::string_view b);

}  // namespace cinepress
