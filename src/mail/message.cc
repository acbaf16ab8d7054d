#include "mail/message.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "mail/gmime_init.h"

namespace cinepress {
namespace {

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || c == '\r' || c == '\n') return false;
  }
  return true;
}

// Takes a string GMime allocated.
std::string Take(char* p) {
  std::string out = p ? p : "";
  g_free(p);
  return out;
}

// GMime separates encoded words by a space; a line break before each keeps lines short.
std::string Fold(std::string text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ' && i > 0 && text[i - 1] == '=' && text.compare(i + 1, 2, "=?") == 0) {
      out += "\r\n ";
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace

std::string EncodeHeaderText(std::string_view text) {
  if (IsAscii(text)) return std::string(text);
  EnsureGMime();
  return Fold(Take(g_mime_utils_header_encode_text(nullptr, std::string(text).c_str(), "utf-8")));
}

std::string FormatAddress(const MailAddress& a) {
  if (a.name.empty()) return a.email;
  // A phrase: GMime quotes it or makes encoded words of it, as the text needs.
  EnsureGMime();
  std::string name =
      Fold(Take(g_mime_utils_header_encode_phrase(nullptr, a.name.c_str(), "utf-8")));
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

namespace {

nlohmann::json AddressJson(const MailAddress& a) { return {{"name", a.name}, {"email", a.email}}; }

MailAddress AddressFrom(const nlohmann::json& j) {
  return MailAddress{j.at("name").get<std::string>(), j.at("email").get<std::string>()};
}

}  // namespace

std::string SerializeMessage(const MailMessage& m) {
  nlohmann::json headers = nlohmann::json::array();
  for (const auto& [name, value] : m.headers) headers.push_back({name, value});
  nlohmann::json j = {{"from", AddressJson(m.from)},
                      {"to", AddressJson(m.to)},
                      {"reply_to", AddressJson(m.reply_to)},
                      {"subject", m.subject},
                      {"date", m.date},
                      {"message_id", m.message_id},
                      {"headers", headers},
                      {"text", m.text},
                      {"html", m.html}};
  if (!m.attachments.empty()) {
    nlohmann::json files = nlohmann::json::array();
    for (const MailAttachment& a : m.attachments) {
      // Bytes as base64: a JSON string must be UTF-8.
      gchar* b64 = g_base64_encode(reinterpret_cast<const guchar*>(a.bytes.data()), a.bytes.size());
      files.push_back({{"filename", a.filename}, {"type", a.content_type}, {"base64", b64}});
      g_free(b64);
    }
    j["attachments"] = std::move(files);
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<MailMessage> ParseMessage(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  try {
    MailMessage m;
    m.from = AddressFrom(j.at("from"));
    m.to = AddressFrom(j.at("to"));
    m.reply_to = AddressFrom(j.at("reply_to"));
    m.subject = j.at("subject").get<std::string>();
    m.date = j.at("date").get<int64_t>();
    m.message_id = j.at("message_id").get<std::string>();
    for (const auto& h : j.at("headers")) {
      m.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
    }
    m.text = j.at("text").get<std::string>();
    m.html = j.at("html").get<std::string>();
    for (const auto& f : j.value("attachments", nlohmann::json::array())) {
      const std::string b64 = f.at("base64").get<std::string>();
      gsize n = 0;
      guchar* bytes = g_base64_decode(b64.c_str(), &n);
      m.attachments.push_back({f.at("filename").get<std::string>(), f.at("type").get<std::string>(),
                               std::string(reinterpret_cast<const char*>(bytes), n)});
      g_free(bytes);
    }
    return m;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

MailAddress SiteSender(const SiteConfig& site) {
  for (const NewsletterConfig& nl : site.newsletters) {
    if (!nl.from_email.empty())
      return {nl.from_name.empty() ? site.title : nl.from_name, nl.from_email};
  }
  return {site.title, "no-reply@" + DomainOf(site.base_url)};
}

}  // namespace cinepress
