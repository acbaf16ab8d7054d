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

}  // namespace

Status InboxListCommand(const SiteFolder& site, const std::string& status, const std::string& kind,
                        std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  auto list = ListInbox(*opened->store, status, kind);
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
  auto thread = LoadThread(*opened->store, id);
  if (!thread) return thread.error();
  const Submission* s = &thread->submission;
  out << "#" << s->id << " " << s->kind << " (" << s->status << ")\nFrom: " << s->name << " <"
      << s->email << ">\nDate: " << TimeZone::IsoUtc(s->created) << "\nAddress: " << s->ip << "\n";
  if (!s->subject.empty()) out << "Subject: " << s->subject << "\n";
  out << "\n" << s->message << "\n";
  if (!s->links.empty()) out << "\nLinks:\n" << s->links << "\n";
  if (!s->file_name.empty()) {
    out << "\nFile: " << s->file_name << " (" << s->file_type << ", " << s->file_size
        << " bytes)\n";
  }
  for (const InboxReply& r : thread->replies) {
    out << "\n--- reply, " << TimeZone::IsoUtc(r.created) << "\n" << r.message << "\n";
  }
  if (file_out.empty()) return {};
  auto file = LoadAttachment(*opened->store, id);
  if (!file) return file.error();
  std::ofstream f(file_out, std::ios::binary | std::ios::trunc);
  if (!(f << file->bytes) || !f.flush()) {
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

Status InboxReopenCommand(const SiteFolder& site, int64_t id, std::ostream& out) {
  auto opened = Open(site);
  if (!opened) return opened.error();
  if (auto s = ReopenSubmission(*opened->store, id, NowSeconds()); !s) return s;
  out << "reopened #" << id << "\n";
  return {};
}

}  // namespace cinepress
