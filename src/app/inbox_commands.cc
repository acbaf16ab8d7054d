#include "app/inbox_commands.h"

#include <fstream>
#include <ostream>

#include "app/newsletter_commands.h"
#include "contact/inbox.h"
#include "core/dates.h"
#include "mail/smtp_transport.h"
#include "store/open_store.h"

namespace cinepress {
namespace {

struct Opened {
  SiteConfig config;
  std::unique_ptr<InboxStore> store;
};

Result<Opened> Open(const SiteFolder& site) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  const StoreOptions options = SiteStoreOptions(site);
  if (auto s = RequireStore(site, options); !s) return s.error();
  auto store = OpenInboxStore(site.database(), options);
  if (!store) return store.error();
  return Opened{std::move(*config), std::move(*store)};
}

Result<Submission> Load(InboxStore& store, int64_t id) {
  auto s = store.LoadSubmission(id);
  if (!s) return s.error();
  if (!*s) return Error{ErrorCode::kNotFound, "no submission " + std::to_string(id), {}, 0, {}};
  return **s;
}

}  // namespace

Status InboxListCommand(const SiteFolder& site, const std::string& status, std::ostream& out) {
  if (!status.empty() && status != "open" && status != "closed") {
    return Error{ErrorCode::kInvalidInput, "--status must be open or closed", {}, 0, "status"};
  }
  auto opened = Open(site);
  if (!opened) return opened.error();
  auto list = opened->store->ListSubmissions(status);
  if (!list) return list.error();
  for (const Submission& s : *list) {
    out << s.id << '\t' << s.status << '\t' << s.kind << '\t' << TimeZone::IsoUtc(s.created) << '\t'
        << s.name << " <" << s.email << ">\t" << (s.subject.empty() ? "-" : s.subject) << '\n';
  }
  if (list->empty()) out << "the inbox is empty\n";
  return {};
}

Status InboxShowCommand(const SiteFolder& site, int64_t id, const std::filesystem::path& file_out,
                        std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  auto s = Load(*opened->store, id);
  if (!s) return s.error();
  out << "#" << s->id << " " << s->kind << " (" << s->status << ")\nFrom: " << s->name << " <"
      << s->email << ">\nDate: " << TimeZone::IsoUtc(s->created) << "\nAddress: " << s->ip << "\n";
  if (!s->subject.empty()) out << "Subject: " << s->subject << "\n";
  out << "\n" << s->message << "\n";
  if (!s->links.empty()) out << "\nLinks:\n" << s->links << "\n";
  if (!s->file_name.empty()) {
    out << "\nFile: " << s->file_name << " (" << s->file_type << ", " << s->file_size
        << " bytes)\n";
  }
  auto replies = opened->store->LoadReplies(id);
  if (!replies) return replies.error();
  for (const InboxReply& r : *replies) {
    out << "\n--- reply, " << TimeZone::IsoUtc(r.created) << "\n" << r.message << "\n";
  }
  if (file_out.empty()) return {};
  if (s->file_name.empty()) {
    return Error{
        ErrorCode::kNotFound, "submission " + std::to_string(id) + " has no file", {}, 0, {}};
  }
  auto bytes = opened->store->SubmissionFile(id);
  if (!bytes) return bytes.error();
  std::ofstream f(file_out, std::ios::binary | std::ios::trunc);
  if (!(f << *bytes) || !f.flush()) {
    return Error{ErrorCode::kIo, "cannot write the file", file_out.string(), 0, {}};
  }
  out << "wrote " << file_out.string() << "\n";
  return {};
}

Status InboxReplyCommand(const SiteFolder& site, int64_t id, const std::string& message,
                         std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  std::unique_ptr<MailTransport> transport;
  SendMail send = [&](const MailMessage& m) -> Status {
    if (!transport) {
      auto t = OpenSmtpTransport(SmtpOptionsFor(opened->config.smtp));
      if (!t) return t.error();
      transport = std::move(*t);
    }
    SendResult r = transport->Send(m);
    if (r.outcome == SendOutcome::kAccepted) return {};
    return Error{ErrorCode::kIo, "the relay did not take the reply: " + r.detail, {}, 0, {}};
  };
  if (auto s = ReplyToSubmission(*opened->store, opened->config, id, message, NowSeconds(), send);
      !s) {
    return s;
  }
  out << "replied to #" << id << "\n";
  return {};
}

Status InboxCloseCommand(const SiteFolder& site, int64_t id, std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  if (auto s = CloseSubmission(*opened->store, id, NowSeconds()); !s) return s;
  out << "closed #" << id << "\n";
  return {};
}

}  // namespace cinepress
