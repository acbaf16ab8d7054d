#include "mail/smtp_transport.h"

#include <curl/curl.h>

#include <mutex>

namespace cinepress {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Text parts in canonical form (RFC 2046): every line ends in CRLF, which is also what
// libcurl's quoted-printable encoder takes as a line end.
std::string Canonical(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

// Frees what one message needs (lists, MIME tree) whatever way Send returns.
struct MessageResources {
  curl_slist* recipients = nullptr;
  curl_slist* headers = nullptr;
  curl_mime* mime = nullptr;
  ~MessageResources() {
    curl_slist_free_all(recipients);
    curl_slist_free_all(headers);
    curl_mime_free(mime);
  }
};

class SmtpTransport final : public MailTransport {
 public:
  SmtpTransport(CURL* handle, SmtpOptions options) : h_(handle), options_(std::move(options)) {}
  ~SmtpTransport() override { curl_easy_cleanup(h_); }

  SendResult Send(const MailMessage& m) override {
    MessageResources r;
    const std::string text_part = Canonical(m.text), html_part = Canonical(m.html);
    std::string from = "<" + m.from.email + ">";
    r.recipients = curl_slist_append(nullptr, ("<" + m.to.email + ">").c_str());
    for (const std::string& line : HeaderLines(m)) {
      r.headers = curl_slist_append(r.headers, line.c_str());
    }
    r.mime = curl_mime_init(h_);
    curl_mime* alternative = curl_mime_init(h_);
    curl_mimepart* text = curl_mime_addpart(alternative);
    curl_mime_data(text, text_part.data(), text_part.size());
    curl_mime_type(text, "text/plain; charset=utf-8");
    curl_mime_encoder(text, "quoted-printable");
    if (!m.html.empty()) {
      curl_mimepart* html = curl_mime_addpart(alternative);
      curl_mime_data(html, html_part.data(), html_part.size());
      curl_mime_type(html, "text/html; charset=utf-8");
      curl_mime_encoder(html, "quoted-printable");
    }
    curl_mimepart* body = curl_mime_addpart(r.mime);
    curl_mime_subparts(body, alternative);  // r.mime owns it from here
    curl_mime_type(body, "multipart/alternative");
    // Attachments beside it: the message becomes multipart/mixed.
    for (const MailAttachment& a : m.attachments) {
      curl_mimepart* file = curl_mime_addpart(r.mime);
      curl_mime_data(file, a.bytes.data(), a.bytes.size());
      curl_mime_type(file, a.content_type.c_str());
      curl_mime_filename(file, a.filename.c_str());
      curl_mime_encoder(file, "base64");
    }

    curl_easy_setopt(h_, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(h_, CURLOPT_MAIL_RCPT, r.recipients);
    curl_easy_setopt(h_, CURLOPT_HTTPHEADER, r.headers);
    curl_easy_setopt(h_, CURLOPT_MIMEPOST, r.mime);
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h_, CURLOPT_ERRORBUFFER, error);
    CURLcode rc = curl_easy_perform(h_);
    long code = 0;
    curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &code);
    // Nothing may point at this message's resources once it is gone.
    curl_easy_setopt(h_, CURLOPT_MIMEPOST, nullptr);
    curl_easy_setopt(h_, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(h_, CURLOPT_MAIL_RCPT, nullptr);
    curl_easy_setopt(h_, CURLOPT_ERRORBUFFER, nullptr);
    if (rc == CURLE_OK) return {SendOutcome::kAccepted, static_cast<int>(code), "250 accepted"};
    // The relay's reply code first, when there was a reply ("550 …"); else only what went wrong.
    std::string detail = (code ? std::to_string(code) + " " : std::string()) +
                         (error[0] ? error : curl_easy_strerror(rc));
    // The relay refuses us, not this recipient: every message would fail the same way.
    const bool refused_us = rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED ||
                            rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
                            rc == CURLE_SSL_CACERT_BADFILE ||
                            (code >= 500 && detail.find("MAIL failed") != std::string::npos);
    if (refused_us) {
      return {SendOutcome::kRelayRefused, static_cast<int>(code), std::move(detail)};
    }
    if (code >= 500 && code < 600) {
      return {SendOutcome::kPermanent, static_cast<int>(code), std::move(detail)};
    }
    return {SendOutcome::kTemporary, static_cast<int>(code), std::move(detail)};
  }

 private:
  CURL* h_;
  SmtpOptions options_;
};

}  // namespace

Result<std::unique_ptr<MailTransport>> OpenSmtpTransport(const SmtpOptions& o) {
  GlobalInit();
  const bool implicit_tls = o.url.rfind("smtps://", 0) == 0;
  if (!implicit_tls && o.url.rfind("smtp://", 0) != 0) {
    return Error{
        ErrorCode::kInvalidInput, "must start with smtp:// or smtps://", {}, 0, "smtp.url"};
  }
  long use_ssl = CURLUSESSL_ALL;
  if (o.starttls == "opportunistic") {
    use_ssl = CURLUSESSL_TRY;
  } else if (o.starttls == "none") {
    use_ssl = CURLUSESSL_NONE;
  } else if (o.starttls != "starttls") {
    return Error{ErrorCode::kInvalidInput,
                 "must be \"starttls\", \"opportunistic\" or \"none\"",
                 {},
                 0,
                 "smtp.starttls"};
  }
  CURL* h = curl_easy_init();
  if (!h) return MakeError(ErrorCode::kInternal, "libcurl could not make a handle");
  curl_easy_setopt(h, CURLOPT_URL, o.url.c_str());
  curl_easy_setopt(h, CURLOPT_USE_SSL, implicit_tls ? static_cast<long>(CURLUSESSL_ALL) : use_ssl);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(o.timeout_s));
  if (!o.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, o.ca_file.c_str());
  if (!o.verify_tls) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!o.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, o.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, o.password.c_str());
  }
  return std::unique_ptr<MailTransport>(std::make_unique<SmtpTransport>(h, o));
}

}  // namespace cinepress
