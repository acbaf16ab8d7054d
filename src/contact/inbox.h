// The inbox: what strangers send the editors through /contact/ and /contribute/, as plain
// functions over the InboxStore, so that the web forms, `cinepress inbox` and the newsroom
// share them. Receiving a submission keeps it, acknowledges it to the sender and forwards it to
// [contact] forward_to (Reply-To: the sender); a reply is emailed to the sender and kept in the
// thread.
//
// Nothing a stranger writes reaches a header as it was typed: a name and a subject become one
// line of at most 200 characters (CR, LF and other control characters become spaces) and an
// address must be plausible (mail/message.h) before anything is kept; GMime encodes what is left.
// Contract: functions use the store given (one thread at a time); `send` queues or sends one
// message (the outbox on the web, a transport for the commands).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "content/inbox_store.h"
#include "core/config.h"
#include "core/result.h"
#include "mail/message.h"

namespace cinepress {

using SendMail = std::function<Status(const MailMessage&)>;

// The submission as it will be kept: name, subject and email on one line and trimmed, every
// field within its length; an invalid-input error naming the field ("email", "message"…)
// otherwise. `kind` must be "contact" or "pitch".
Result<Submission> CleanSubmission(Submission submission);

// To the sender: we have it, and what they sent (as plain text).
MailMessage AcknowledgementMessage(const SiteConfig& site, const Submission& submission);
// To [contact] forward_to, Reply-To the sender, with the inbox's id in the subject.
MailMessage ForwardMessage(const SiteConfig& site, const Submission& submission);
// An editor's reply to the sender, quoting what they wrote.
MailMessage ReplyMessage(const SiteConfig& site, const Submission& submission,
                         const std::string& reply);

// Cleans and keeps the submission (and its file, already checked: contact/upload.h), then sends
// the acknowledgement and, when forward_to is set, the forward. The submission is kept even if
// sending fails (the error says so); its id otherwise.
Result<int64_t> ReceiveSubmission(InboxStore& store, const SiteConfig& site, Submission submission,
                                  const std::string& file, const SendMail& send);

// Sends the reply to the sender, then keeps it in the thread (a reply that could not be sent is
// not kept). kNotFound for an unknown id; an empty reply is refused.
Status ReplyToSubmission(InboxStore& store, const SiteConfig& site, int64_t id,
                         const std::string& reply, int64_t now, const SendMail& send);

// Newest first; `status` "open", "closed" or "" (all) and `kind` "contact", "pitch" or "" (all):
// another value is an invalid-input error naming the field ("status", "kind").
Result<std::vector<Submission>> ListInbox(InboxStore& store, const std::string& status,
                                          const std::string& kind);

// A submission and its replies, oldest first; kNotFound for an unknown id.
struct InboxThread {
  Submission submission;
  std::vector<InboxReply> replies;
};
Result<InboxThread> LoadThread(InboxStore& store, int64_t id);

// A submission's attached file; kNotFound when there is no such submission or it has none.
struct InboxFile {
  std::string name, type, bytes;
};
Result<InboxFile> LoadAttachment(InboxStore& store, int64_t id);

// kNotFound for an unknown id.
Status CloseSubmission(InboxStore& store, int64_t id, int64_t now);
Status ReopenSubmission(InboxStore& store, int64_t id, int64_t now);

}  // namespace cinepress
