// MailMessage: one RFC 5322 message as cinepress sends it (envelope, headers, a plain-text and an
// HTML part), and the header encoding it needs (RFC 2047 encoded words, addresses, dates).
// Contract: plain data and pure functions, thread-safe. The MIME structure itself
// (multipart/alternative, quoted-printable) is made by the transport's library (libcurl).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.h"

namespace cinepress {

struct MailAddress {
  std::string name;   // display name, any UTF-8; may be empty
  std::string email;  // addr-spec, ASCII
};

// A file sent with a message (a workshop's calendar file): after the text and HTML, the message
// is multipart/mixed; the transport encodes the bytes in base64.
struct MailAttachment {
  std::string filename;      // "workshop.ics"
  std::string content_type;  // "text/calendar; charset=utf-8; method=PUBLISH"
  std::string bytes;

  bool operator==(const MailAttachment&) const = default;
};

struct MailMessage {
  MailAddress from;
  MailAddress to;
  MailAddress reply_to;    // omitted when email is empty
  std::string subject;     // UTF-8
  int64_t date = 0;        // Unix seconds; the Date header
  std::string message_id;  // without angle brackets: "issue-7.42.ab12@changeover.example"
  // Further headers, already in their wire form (ASCII): {"List-Unsubscribe", "<https://…>"}.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string text;  // the text/plain part, UTF-8
  std::string html;  // the text/html part, UTF-8; no HTML part when empty
  std::vector<MailAttachment> attachments;
};

// "Zoë Ménard" -> "=?UTF-8?b?Wm/DqyBNw6luYXJk?=" (RFC 2047, by GMime); ASCII text without line
// breaks is returned as it is. Long text becomes several encoded words (each at most 75
// characters) joined by a folding "\r\n ".
std::string EncodeHeaderText(std::string_view text);

// An address for From/To/Reply-To: `Name <a@b>`, `"Name, Jr." <a@b>`, `=?UTF-8?b?…?= <a@b>`
// or `a@b` (the display name is an RFC 5322 phrase, made by GMime).
std::string FormatAddress(const MailAddress& address);

// RFC 5322 date-time in UTC: "Wed, 06 Oct 2021 05:00:34 +0000".
std::string MailDate(int64_t unix_seconds);

// Every header of the message in order (From, To, Reply-To, Subject, Date, Message-ID, then
// `headers`), each "Name: value" without the line end; MIME headers are left to the transport.
std::vector<std::string> HeaderLines(const MailMessage& message);

// Whether `email` looks like an address we may send to: one @, a non-empty local part of
// printable ASCII without spaces, quotes or angle brackets, a domain with a dot, at most 254
// bytes. (Deliverability is the relay's business; this keeps junk and header injection out.)
bool IsPlausibleEmail(std::string_view email);

// The message as one JSON text, and back (for the store's outbox). ParseMessage gives nullopt
// for text that is not such a message.
std::string SerializeMessage(const MailMessage& message);
std::optional<MailMessage> ParseMessage(std::string_view json);

// Who the site's own messages (sign-in links, acknowledgements, replies) are from: the first
// newsletter's sender, else the site's title at no-reply@ its domain.
MailAddress SiteSender(const SiteConfig& site);

// The domain of an address or URL host ("a@b.example" -> "b.example").
std::string DomainOf(std::string_view email);

}  // namespace cinepress
