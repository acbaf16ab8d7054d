// SmtpTransport: MailTransport over libcurl's SMTP client (one curl easy handle = one
// connection, kept open across messages; STARTTLS or implicit TLS with smtps://).
// Contract: as MailTransport (one thread per instance). libcurl builds the MIME structure:
// multipart/mixed holding one multipart/alternative (text/plain, text/html), each part UTF-8
// and quoted-printable.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "mail/transport.h"

namespace cinepress {

struct SmtpOptions {
  std::string url = "smtp://127.0.0.1:25";  // smtp://host:port or smtps://host:port
  // "starttls" (required: refuse to send in clear), "opportunistic" (STARTTLS when offered),
  // "none" (loopback relays and tests). Ignored for smtps://, which is TLS from the start.
  std::string starttls = "starttls";
  std::string username, password;  // AUTH when username is not empty
  int timeout_s = 60;              // per message, connection included
  bool verify_tls = true;          // check the relay's certificate and name
  std::string ca_file;             // PEM file of certificates to trust; "" for the system's
};

// Checks the options (URL scheme, STARTTLS mode); connects lazily, on the first Send.
Result<std::unique_ptr<MailTransport>> OpenSmtpTransport(const SmtpOptions& options);

}  // namespace cinepress
