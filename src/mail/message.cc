#include "mail/message.h"

#include <sodium.h>

#include <ctime>

namespace cinepress {
namespace {

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || c == '\r' || c == '\n') return false;
  }
  return true;
}

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Length of the UTF-8 sequence that starts with `lead` (1 for stray bytes).
size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

std::string EncodeHeaderText(std::string_view text) {
  if (IsAscii(text)) return std::string(text);
  // "=?UTF-8?B?" + base64 + "?=" <= 75: 12 bytes of framing leave 63 base64 characters,
  // i.e. at most 45 bytes of text per word (base64 of 45 bytes is 60 characters).
  constexpr size_t kMaxChunk = 45;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = i;
    while (end < text.size()) {
      size_t n = Utf8Length(static_cast<unsigned char>(text[end]));
      if (end + n - i > kMaxChunk) break;
      end += n;
    }
    if (end == i) end = std::min(text.size(), i + Utf8Length(static_cast<unsigned char>(text[i])));
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?";
    out += Base64(text.substr(i, end - i));
    out += "?=";
    i = end;
  }
  return out;
}

std::string FormatAddress(const MailAddress& a) {
  if (a.name.empty()) return a.email;
  std::string name;
  if (IsAscii(a.name)) {
    // A quoted-string: backslash-escape quotes and backslashes.
    name += '"';
    for (char c : a.name) {
      if (c == '"' || c == '\\') name += '\\';
      name += c;
    }
    name += '"';
  } else {
    name = EncodeHeaderText(a.name);
  }
  return name + " <" + a.email + ">";
}

std::string MailDate(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::vector<std::string> HeaderLines(const MailMessage& m) {
  std::vector<std::string> out;
  out.reserve(6 + m.headers.size());
  out.push_back("From: " + FormatAddress(m.from));
  out.push_back("To: " + FormatAddress(m.to));
  if (!m.reply_to.email.empty()) out.push_back("Reply-To: " + FormatAddress(m.reply_to));
  out.push_back("Subject: " + EncodeHeaderText(m.subject));
  out.push_back("Date: " + MailDate(m.date));
  out.push_back("Message-ID: <" + m.message_id + ">");
  for (const auto& [name, value] : m.headers) out.push_back(name + ": " + value);
  return out;
}

bool IsPlausibleEmail(std::string_view e) {
  if (e.empty() || e.size() > 254) return false;
  size_t at = e.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || e.find('@', at + 1) != e.npos) {
    return false;
  }
  for (unsigned char c : e) {
    if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '(' || c == ')' ||
        c == ',' || c == ';' || c == ':' || c == '\\' || c == '[' || c == ']') {
      return false;
    }
  }
  std::string_view domain = e.substr(at + 1);
  if (domain.empty() || domain.find('.') == domain.npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != domain.npos) {
    return false;
  }
  return true;
}

std::string DomainOf(std::string_view s) {
  if (size_t at = s.rfind('@'); at != s.npos) return std::string(s.substr(at + 1));
  if (size_t p = s.find("://"); p != s.npos) s.remove_prefix(p + 3);
  s = s.substr(0, s.find_first_of("/:"));
  return std::string(s);
}

}  // namespace cinepress
