#include "contact/inbox.h"

#include "core/text.h"

namespace cinepress {
namespace {

Error Invalid(const std::string& field, const std::string& message) {
  return Error{ErrorCode::kInvalidInput, message, {}, 0, field};
}

std::string MessageId(const SiteConfig& site, const Submission& s, std::string_view what,
                      int64_t at) {
  return "cinepress.inbox." + std::to_string(s.id) + "." + std::string(what) + "." +
         std::to_string(at) + "@" + DomainOf(site.base_url);
}

// What the sender wrote, as the messages quote it.
std::string Transcript(const Submission& s) {
  std::string out = "Name: " + s.name + "\nEmail: " + s.email + "\n";
  if (!s.subject.empty()) out += "Subject: " + s.subject + "\n";
  out += "\n" + s.message + "\n";
  if (!s.links.empty()) out += "\nLinks:\n" + s.links + "\n";
  if (!s.file_name.empty()) {
    out += "\nFile: " + s.file_name + " (" + s.file_type + ", " + std::to_string(s.file_size) +
           " bytes)\n";
  }
  return out;
}

std::string What(const Submission& s) { return s.kind == "pitch" ? "pitch" : "message"; }

}  // namespace

Result<Submission> CleanSubmission(Submission s) {
  if (s.kind != "contact" && s.kind != "pitch") return Invalid("kind", "not a kind of submission");
  s.name = OneLine(s.name, 200);
  s.email = OneLine(s.email, 254);
  s.subject = OneLine(s.subject, 200);
  s.message = Paragraphs(s.message);
  s.links = Paragraphs(s.links);
  s.file_name = OneLine(s.file_name, 200);
  if (s.name.empty()) return Invalid("name", "please give your name");
  if (!IsPlausibleEmail(s.email)) return Invalid("email", "please give an email address");
  if (s.message.empty()) return Invalid("message", "please write a message");
  if (s.message.size() > 20000) return Invalid("message", "please keep it under 20,000 characters");
  if (s.links.size() > 4000)
    return Invalid("links", "please keep the links under 4,000 characters");
  for (const std::string* text : {&s.name, &s.subject, &s.message, &s.links, &s.file_name}) {
    if (!IsValidUtf8(*text)) return Invalid("message", "the text is not UTF-8");
  }
  return s;
}

MailMessage AcknowledgementMessage(const SiteConfig& site, const Submission& s) {
  MailMessage m;
  m.from = SiteSender(site);
  m.to = {s.name, s.email};
  m.subject = "We have your " + What(s) + " — " + site.title;
  m.date = s.created;
  m.message_id = MessageId(site, s, "ack", s.created);
  m.text = "Thank you for writing to " + site.title + ". An editor reads every " + What(s) +
           "; we answer those we can.\n\nWhat you sent:\n\n" + Transcript(s);
  return m;
}

MailMessage ForwardMessage(const SiteConfig& site, const Submission& s) {
  MailMessage m;
  m.from = SiteSender(site);
  m.to = {site.contact.forward_name, site.contact.forward_to};
  m.reply_to = {s.name, s.email};
  const std::string topic = s.subject.empty() ? s.name : s.subject;
  m.subject = "[" + site.title + " inbox #" + std::to_string(s.id) + "] " +
              (s.kind == "pitch" ? "Pitch: " : "") + topic;
  m.date = s.created;
  m.message_id = MessageId(site, s, "forward", s.created);
  m.text = Transcript(s) +
           "\n--\nReply to this message to write to the sender, or: cinepress inbox " + "reply " +
           std::to_string(s.id) +
           (s.file_name.empty() ? ""
                                : "\nThe file is in the inbox: cinepress inbox show " +
                                      std::to_string(s.id) + " --file OUT") +
           "\n";
  return m;
}

MailMessage ReplyMessage(const SiteConfig& site, const Submission& s, const std::string& reply) {
  MailMessage m;
  m.from = SiteSender(site);
  if (!site.contact.forward_to.empty()) {
    m.reply_to = {site.contact.forward_name, site.contact.forward_to};
  }
  m.to = {s.name, s.email};
  m.subject = "Re: " + (s.subject.empty() ? "your " + What(s) + " to " + site.title : s.subject);
  m.date = s.updated;
  m.message_id = MessageId(site, s, "reply", s.updated);
  m.headers.push_back({"In-Reply-To", "<" + MessageId(site, s, "ack", s.created) + ">"});
  std::string quoted;
  for (size_t i = 0; i < s.message.size();) {
    size_t end = s.message.find('\n', i);
    if (end == std::string::npos) end = s.message.size();
    quoted += "> " + s.message.substr(i, end - i) + "\n";
    i = end + 1;
  }
  m.text = reply + "\n\n" + "You wrote:\n" + quoted;
  return m;
}

Result<int64_t> ReceiveSubmission(InboxStore& store, const SiteConfig& site, Submission submission,
                                  const std::string& file, const SendMail& send) {
  auto s = CleanSubmission(std::move(submission));
  if (!s) return s.error();
  if (file.empty()) {
    s->file_name.clear();
    s->file_type.clear();
  }
  s->file_size = static_cast<int64_t>(file.size());
  s->status = "open";
  auto id = store.InsertSubmission(*s, file);
  if (!id) return id.error();
  s->id = *id;
  if (auto sent = send(AcknowledgementMessage(site, *s)); !sent) return sent.error();
  if (!site.contact.forward_to.empty()) {
    if (auto sent = send(ForwardMessage(site, *s)); !sent) return sent.error();
  }
  return *id;
}

namespace {

Error NoSubmission(int64_t id) {
  return Error{ErrorCode::kNotFound, "no submission " + std::to_string(id), {}, 0, {}};
}

Result<Submission> FindSubmission(InboxStore& store, int64_t id) {
  auto s = store.LoadSubmission(id);
  if (!s) return s.error();
  if (!*s) return NoSubmission(id);
  return std::move(**s);
}

}  // namespace

Status ReplyToSubmission(InboxStore& store, const SiteConfig& site, int64_t id,
                         const std::string& reply, int64_t now, const SendMail& send) {
  const std::string text = Paragraphs(reply);
  if (text.empty()) return Invalid("message", "the reply is empty");
  auto s = FindSubmission(store, id);
  if (!s) return s.error();
  s->updated = now;
  if (auto sent = send(ReplyMessage(site, *s, text)); !sent) return sent;
  auto kept = store.InsertReply({0, id, text, now});
  if (!kept) return kept.error();
  return {};
}

Result<std::vector<Submission>> ListInbox(InboxStore& store, const std::string& status,
                                          const std::string& kind) {
  if (!status.empty() && status != "open" && status != "closed") {
    return Invalid("status", "the status is open or closed");
  }
  if (!kind.empty() && kind != "contact" && kind != "pitch") {
    return Invalid("kind", "the kind is contact or pitch");
  }
  auto list = store.ListSubmissions(status);
  if (!list || kind.empty()) return list;
  std::erase_if(*list, [&kind](const Submission& s) { return s.kind != kind; });
  return list;
}

Result<InboxThread> LoadThread(InboxStore& store, int64_t id) {
  auto s = FindSubmission(store, id);
  if (!s) return s.error();
  auto replies = store.LoadReplies(id);
  if (!replies) return replies.error();
  return InboxThread{std::move(*s), std::move(*replies)};
}

Result<InboxFile> LoadAttachment(InboxStore& store, int64_t id) {
  auto s = FindSubmission(store, id);
  if (!s) return s.error();
  if (s->file_name.empty()) {
    return Error{
        ErrorCode::kNotFound, "submission " + std::to_string(id) + " has no file", {}, 0, {}};
  }
  auto bytes = store.SubmissionFile(id);
  if (!bytes) return bytes.error();
  return InboxFile{s->file_name, s->file_type, std::move(*bytes)};
}

Status CloseSubmission(InboxStore& store, int64_t id, int64_t now) {
  return store.SetSubmissionStatus(id, "closed", now);
}

Status ReopenSubmission(InboxStore& store, int64_t id, int64_t now) {
  return store.SetSubmissionStatus(id, "open", now);
}

}  // namespace cinepress
