// How content/search.cc folds a word the long way (ICU), beside its table for Latin letters:
// declared for the table's own making and for the test that compares the two.
// Contract: as FoldSearchWord (content/search.h), never by the table.
#pragma once

#include <string>
#include <string_view>

namespace cinepress {

// `word` lower-cased, decomposed (NFKD), without its non-spacing marks, ł ø æ œ ß þ đ ı ħ spelled
// in ASCII, composed again (NFC) and cut to kMaxWordChars characters, all by ICU.
std::string FoldSearchWordWithIcu(std::string_view word);

}  // namespace cinepress
