// MailTransport: hands one message at a time to a mail relay over one connection (the role;
// SmtpTransport is the technology, RecordingTransport the in-memory twin for tests).
// Contract: one instance is one connection, used by one thread at a time; it stays open across
// messages. Send never throws; it says whether the relay accepted the message (SMTP 250),
// refused it for now (4xx, or the connection failed), refused this recipient for good (5xx at
// RCPT or after DATA), or refused us (authentication, TLS, the sender address): then no message
// can go, and the recipient is not to blame.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "mail/message.h"

namespace cinepress {

enum class SendOutcome { kAccepted, kTemporary, kPermanent, kRelayRefused };

struct SendResult {
  SendOutcome outcome = SendOutcome::kTemporary;
  int code = 0;        // the relay's reply code, 0 when there was none
  std::string detail;  // for a person: "550 no such user", "connection refused"
};

// When a message refused for now (kTemporary) is tried again: the one policy of every sender
// (newsletter issues, the confirmation outbox). The first pause is `first_pause_s`, each next one
// twice as long, none longer than `longest_pause_s`; after `max_attempts` tries the message is
// given up (cinepress.toml's smtp.max_attempts).
struct RetryPolicy {
  int first_pause_s = 60;
  int longest_pause_s = 3600;
  int max_attempts = 8;

  // The pause after the `tries`-th try failed (1: the first).
  int64_t PauseAfter(int tries) const;
  bool GiveUpAfter(int tries) const { return tries >= max_attempts; }
};

class MailTransport {
 public:
  virtual ~MailTransport() = default;
  virtual SendResult Send(const MailMessage& message) = 0;
};

// Makes one transport (one connection) per call: each sending thread asks for its own.
using TransportFactory = std::function<Result<std::unique_ptr<MailTransport>>()>;

// The twin for tests: keeps every accepted message in a MailRecorder shared by all the
// connections it makes. Addresses can be scripted to fail: temporarily a number of times,
// or permanently. Thread-safe.
class MailRecorder {
 public:
  void FailTemporarily(const std::string& email, int times);
  void FailPermanently(const std::string& email);
  void RefuseEverything(bool refuse);  // as a relay that rejects our credentials
  std::vector<MailMessage> Messages() const;
  size_t Count() const;
  int Attempts(const std::string& email) const;

  SendResult Deliver(const MailMessage& message);
  TransportFactory Factory();

 private:
  mutable std::mutex mu_;
  std::vector<MailMessage> messages_;
  std::map<std::string, int> temporary_;
  std::map<std::string, bool> permanent_;
  std::map<std::string, int> attempts_;
  bool refuse_ = false;
};

}  // namespace cinepress
