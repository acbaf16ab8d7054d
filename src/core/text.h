// Small text and file helpers shared by every module: escaping, UTF-8 checks, hashing, files.
// Contract: pure functions, thread-safe; file helpers return Result instead of throwing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cinepress {

// Percent-encodes every byte but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~): a
// query-string value, or any value that must be one run of plain characters.
std::string PercentEncode(std::string_view text);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);
void AppendHtmlEscaped(std::string& out, std::string_view text);

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

// A stable content hash (BLAKE2b, 128 bits) as 32 lowercase hex digits.
std::string ContentHash(std::string_view data);
std::string ContentHash(std::initializer_list<std::string_view> parts);  // of the concatenation
// ContentHash of bytes that arrive in pieces (a media file read chunk by chunk).
class ContentHasher {
 public:
  ContentHasher();
  void Add(std::string_view piece);
  std::string Finish();  // once

 private:
  alignas(64) unsigned char state_[384];  // libsodium's crypto_generichash_state
};

// Number of words (runs of non-space bytes) in `text`.
size_t CountWords(std::string_view text);

// Strips HTML tags from `html` (for plain-text excerpts of trusted, renderer-made HTML).
std::string StripTags(std::string_view html);

// "Film Reviews" -> "film reviews" (ASCII letters only; other bytes are kept).
std::string AsciiLower(std::string_view text);

// {"a", "b"} -> "a, b" with `separator` between the parts.
std::string Join(const std::vector<std::string>& parts, std::string_view separator = ", ");

// Trims ASCII whitespace at both ends.
std::string_view Trim(std::string_view text);

// What a stranger typed, made safe to keep (the contact forms, readers' comments):
// OneLine: every control character (CR and LF first) becomes a space; trimmed; at most `max`
// bytes, cut before a UTF-8 continuation byte (a name, a subject: never a second header line).
std::string OneLine(std::string_view text, size_t max);
// Paragraphs: line ends as \n and no other control characters but tabs; trimmed.
std::string Paragraphs(std::string_view text);

Result<std::string> ReadFile(const std::filesystem::path& path);
// ContentHash of a file's bytes, read a piece at a time (never whole).
Result<std::string> FileContentHash(const std::filesystem::path& path);
// Writes atomically enough for our uses: to a sibling temporary file, then renamed. `pieces`
// are written one after another (a big text made of parts of others is not copied together).
Status WriteFile(const std::filesystem::path& path, std::string_view data);
Status WriteFile(const std::filesystem::path& path, const std::vector<std::string_view>& pieces);

}  // namespace cinepress
