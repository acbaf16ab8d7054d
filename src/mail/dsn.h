// Delivery status notifications (RFC 3464): what a relay says when it could not deliver. The
// messages are parsed with GMime; each recipient's Action and Status decide whether the bounce
// is hard (5.x.x, failed: the address is gone) or soft (4.x.x or delayed: try again later).
// Complaints (ARF feedback reports, RFC 5965: a reader pressed "this is spam") are collected too.
// Contract: pure functions; thread-safe once GMime is initialised (done on first use).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct DsnRecipient {
  std::string email;       // from Final-Recipient (or Original-Recipient)
  std::string action;      // failed, delayed, delivered, relayed, expanded
  std::string status;      // "5.1.1"
  std::string diagnostic;  // Diagnostic-Code, as given
  bool hard() const { return action == "failed" && !status.empty() && status[0] == '5'; }
  bool soft() const {
    return action == "delayed" || (action == "failed" && !status.empty() && status[0] == '4');
  }
};

struct DsnReport {
  std::vector<DsnRecipient> recipients;  // of every DSN found
  int messages = 0;                      // messages read
  std::vector<std::string> complaints;   // addresses of readers who complained (ARF)
  int not_dsn = 0;  // messages with neither a delivery-status nor a feedback-report part
};

// Reads one message, or an mbox of many ("From " lines), and collects every DSN's recipients.
Result<DsnReport> ParseDeliveryReports(std::string_view data);

}  // namespace cinepress
