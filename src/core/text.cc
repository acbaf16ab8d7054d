#include "core/text.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace cinepress {

void AppendHtmlEscaped(std::string& out, std::string_view text) {
  // The text between special characters is appended a run at a time.
  static constexpr std::string_view kSpecial = "&<>\"'";
  size_t from = 0;
  for (size_t at; (at = text.find_first_of(kSpecial, from)) != std::string_view::npos;
       from = at + 1) {
    out.append(text, from, at - from);
    switch (text[at]) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += "&#39;";
    }
  }
  out.append(text, from);
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  AppendHtmlEscaped(out, text);
  return out;
}

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size(), i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string ContentHash(std::string_view data) { return ContentHash({data}); }

std::string ContentHash(std::initializer_list<std::string_view> parts) {
  ContentHasher hasher;
  for (std::string_view p : parts) hasher.Add(p);
  return hasher.Finish();
}

static_assert(sizeof(crypto_generichash_state) <= 384);
constexpr size_t kContentHashBytes = 16;

ContentHasher::ContentHasher() {
  crypto_generichash_init(reinterpret_cast<crypto_generichash_state*>(state_), nullptr, 0,
                          kContentHashBytes);
}

void ContentHasher::Add(std::string_view piece) {
  crypto_generichash_update(reinterpret_cast<crypto_generichash_state*>(state_),
                            reinterpret_cast<const unsigned char*>(piece.data()), piece.size());
}

std::string ContentHasher::Finish() {
  unsigned char out[kContentHashBytes];
  crypto_generichash_final(reinterpret_cast<crypto_generichash_state*>(state_), out, sizeof out);
  char hex[2 * kContentHashBytes + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string(hex, 2 * kContentHashBytes);
}

size_t CountWords(std::string_view text) {
  // A word starts wherever a non-space byte follows a space (or the start). Branch-free, so that
  // counting a whole archive's bodies costs next to nothing.
  static constexpr auto kSpace = [] {
    std::array<uint8_t, 256> t{};
    t[' '] = t['\n'] = t['\t'] = t['\r'] = 1;
    return t;
  }();
  size_t words = 0;
  uint8_t prev_space = 1;
  for (unsigned char c : text) {
    const uint8_t space = kSpace[c];
    words += prev_space & (space ^ 1u);
    prev_space = space;
  }
  return words;
}

std::string StripTags(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') {
      in_tag = true;
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      out += c;
    }
  }
  return out;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  size_t b = 0, e = text.size();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (b < e && space(text[b])) ++b;
  while (e > b && space(text[e - 1])) --e;
  return text.substr(b, e - b);
}

Result<std::string> FileContentHash(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string piece(256 * 1024, '\0');
  ContentHasher hasher;
  while (in) {
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    hasher.Add(std::string_view(piece).substr(0, static_cast<size_t>(in.gcount())));
  }
  if (in.bad() || !in.eof()) {
    return Error{ErrorCode::kIo, "cannot read the file", path.string(), 0, {}};
  }
  return hasher.Finish();
}

Result<std::string> ReadFile(const std::filesystem::path& path) {
  auto fail = [&] {
    return Error{
        ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), path.string(), 0, {}};
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail();
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return fail();
  }
  // One read into a buffer of the right size (and a byte more, where the end is read without
  // moving a large file's bytes); the loop also copes with files that grow.
  std::string data(static_cast<size_t>(st.st_size) + 1, '\0');
  size_t off = 0;
  for (;;) {
    if (off == data.size()) data.resize(data.size() * 2);
    ssize_t n = ::read(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return fail();
    }
    if (n == 0) break;
    off += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(off);
  return data;
}

Status WriteFile(const std::filesystem::path& path, std::string_view data) {
  return WriteFile(path, std::vector<std::string_view>{data});
}

Status WriteFile(const std::filesystem::path& path, const std::vector<std::string_view>& pieces) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return Error{ErrorCode::kIo,
                   std::string("cannot write: ") + std::strerror(errno),
                   path.string(),
                   0,
                   {}};
    }
    for (std::string_view data : pieces) {
      out.write(data.data(), static_cast<std::streamsize>(data.size()));
    }
    if (!out) return Error{ErrorCode::kIo, "write failed", path.string(), 0, {}};
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error{ErrorCode::kIo, "cannot rename: " + ec.message(), path.string(), 0, {}};
  return {};
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string OneLine(std::string_view text, size_t max) {
  std::string out;
  for (unsigned char c : text) out += (c < 0x20 || c == 0x7f) ? ' ' : static_cast<char>(c);
  out = std::string(Trim(out));
  if (out.size() > max) {
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

std::string Paragraphs(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      out += ' ';
    } else {
      out += static_cast<char>(c);
    }
  }
  return std::string(Trim(out));
}

}  // namespace cinepress
