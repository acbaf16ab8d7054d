// The newsroom's inbox pages (AdminWeb's, declared in admin_web.h): the list of contact messages
// and pitches with its filters, a message with its thread and attached file, the reply, close and
// reopen. Every action is one function of src/contact/inbox.h, the same that `cinepress inbox`
// calls; what a stranger wrote is only ever put in templates through escaping {{…}}, and their
// file is sent as an attachment of a safe type, never shown inline.
#include "contact/inbox.h"
#include "contact/upload.h"
#include "core/text.h"
#include "web/admin_visit.h"

namespace cinepress {
namespace {

constexpr std::string_view kInboxPrefix = "/admin/inbox/";

std::string MessageUrl(int64_t id) { return std::string(kInboxPrefix) + std::to_string(id) + "/"; }

// Text as paragraphs (one per line that is not blank), for {{.}} in <p>.
TemplateData Paragraphs(const std::string& text) {
  kainjow::mustache::list list;
  size_t i = 0;
  while (i <= text.size()) {
    size_t end = text.find('\n', i);
    if (end == std::string::npos) end = text.size();
    std::string line(Trim(std::string_view(text).substr(i, end - i)));
    if (!line.empty()) list.push_back(TemplateData(line));
    i = end + 1;
  }
  return TemplateData(list);
}

// A <select>'s options: value and name, the chosen one marked.
TemplateData SelectOptions(const std::vector<std::pair<std::string, std::string>>& options,
                           const std::string& chosen) {
  kainjow::mustache::list list;
  for (const auto& option : options) {
    TemplateData d;
    d.set("value", option.first);
    d.set("name", option.second);
    if (option.first == chosen) d.set("selected", true);
    list.push_back(d);
  }
  return TemplateData(list);
}

// RFC 6266: an ASCII name for old clients (anything else becomes "_") and the UTF-8 name.
std::string AttachmentDisposition(const std::string& name) {
  std::string ascii;
  for (unsigned char c : name) {
    const bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/' && c != ';';
    ascii += plain ? static_cast<char>(c) : '_';
  }
  if (ascii.empty()) ascii = "file";
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + PercentEncode(name);
}

}  // namespace

const std::vector<AdminWeb::SubRoute>& AdminWeb::InboxRoutes() {
  static const std::vector<SubRoute> kRoutes = {
      {"GET", "", &AdminWeb::MessageGet},        {"GET", "file", &AdminWeb::FileGet},
      {"POST", "reply", &AdminWeb::ReplyPost},   {"POST", "close", &AdminWeb::ClosePost},
      {"POST", "reopen", &AdminWeb::ReopenPost},
  };
  return kRoutes;
}

HttpResponse AdminWeb::InboxDispatch(Visit& v) {
  return SubDispatch(v, kInboxPrefix, InboxRoutes());
}

std::optional<size_t> AdminWeb::OpenMessages() {
  std::lock_guard lock(mu_);
  if (!inbox_) return std::nullopt;
  auto open = ListInbox(*inbox_, "open", "");
  if (!open) return std::nullopt;
  return open->size();
}

HttpResponse AdminWeb::InboxGet(Visit& v) {
  const auto params = AdminQueryParams(v.ctx.request);
  std::string status = AdminParam(params, "status");
  if (status.empty()) status = "open";  // what waits for the editors, unless asked otherwise
  const std::string kind = AdminParam(params, "kind");
  Result<std::vector<Submission>> list = std::vector<Submission>();
  {
    std::lock_guard lock(mu_);
    if (!inbox_) return Refused(v, 503, "The inbox is not available.");
    list = ListInbox(*inbox_, status == "all" ? "" : status, kind);
  }
  if (!list) {
    return Refused(v, list.error().code == ErrorCode::kInvalidInput ? 400 : 500,
                   list.error().message);
  }
  kainjow::mustache::list rows;
  for (const Submission& s : *list) {
    TemplateData d;
    d.set("url", MessageUrl(s.id));
    d.set("subject", !s.subject.empty()  ? s.subject
                     : s.kind == "pitch" ? "Pitch from " + s.name
                                         : "Message from " + s.name);
    d.set("name", s.name);
    d.set("email", s.email);
    d.set("kind", s.kind);
    d.set("status", s.status);
    d.set("date", v.site->tz().Iso(s.created));
    rows.push_back(d);
  }
  TemplateData view;
  view.set("has_rows", !rows.empty());
  view.set("rows", rows);
  view.set("total", std::to_string(list->size()));
  view.set(
      "statuses",
      SelectOptions({{"open", "Open"}, {"closed", "Closed"}, {"all", "Open and closed"}}, status));
  view.set("kinds", SelectOptions({{"", "Any"}, {"contact", "Contact"}, {"pitch", "Pitch"}}, kind));
  return Render(v, 200, "inbox", "Inbox", view);
}

HttpResponse AdminWeb::InboxPage(Visit& v, int status, int64_t id, const std::string& error,
                                 const std::string& notice) {
  Result<InboxThread> thread = Error{};
  {
    std::lock_guard lock(mu_);
    if (!inbox_) return Refused(v, 503, "The inbox is not available.");
    thread = id == 0
                 ? Result<InboxThread>(Error{ErrorCode::kNotFound, "no such message", {}, 0, {}})
                 : LoadThread(*inbox_, id);
  }
  if (!thread) {
    return Refused(v, thread.error().code == ErrorCode::kNotFound ? 404 : 500,
                   thread.error().message);
  }
  const Submission& s = thread->submission;
  const TimeZone& tz = v.site->tz();
  TemplateData view;
  SetIf(view, "error", error);
  SetIf(view, "notice", notice);
  view.set("name", s.name);
  view.set("email", s.email);
  view.set("kind", s.kind);
  view.set("status", s.status);
  view.set("date", tz.Iso(s.created));
  view.set("ip", s.ip);
  SetIf(view, "subject", s.subject);
  view.set("paragraphs", Paragraphs(s.message));
  if (!s.links.empty()) {
    view.set("links", Paragraphs(s.links));
    view.set("has_links", true);
  }
  if (!s.file_name.empty()) {
    TemplateData file;
    file.set("url", MessageUrl(s.id) + "file/");
    file.set("name", s.file_name);
    file.set("type", s.file_type);
    file.set("size", std::to_string(s.file_size));
    view.set("file", file);
  }
  kainjow::mustache::list replies;
  for (const InboxReply& r : thread->replies) {
    TemplateData d;
    d.set("date", tz.Iso(r.created));
    d.set("paragraphs", Paragraphs(r.message));
    replies.push_back(d);
  }
  view.set("replies", replies);
  view.set("reply_url", MessageUrl(s.id) + "reply/");
  const bool open = s.status == "open";
  view.set("status_url", MessageUrl(s.id) + (open ? "close/" : "reopen/"));
  view.set("status_action", open ? "Close it" : "Reopen it");
  const std::string heading = !s.subject.empty()  ? s.subject
                              : s.kind == "pitch" ? "Pitch from " + s.name
                                                  : "Message from " + s.name;
  return Render(v, status, "inbox-message", heading, view);
}

HttpResponse AdminWeb::MessageGet(Visit& v, const std::string& key) {
  return InboxPage(v, 200, AdminId(key), "", "");
}

HttpResponse AdminWeb::FileGet(Visit& v, const std::string& key) {
  Result<InboxFile> file = Error{};
  {
    std::lock_guard lock(mu_);
    if (!inbox_) return Refused(v, 503, "The inbox is not available.");
    const int64_t id = AdminId(key);
    file = id == 0 ? Result<InboxFile>(Error{ErrorCode::kNotFound, "no such message", {}, 0, {}})
                   : LoadAttachment(*inbox_, id);
  }
  if (!file) {
    return Refused(v, file.error().code == ErrorCode::kNotFound ? 404 : 500, file.error().message);
  }
  HttpResponse r;
  r.Set("Content-Type", DownloadType(file->type));
  r.Set("Content-Disposition", AttachmentDisposition(file->name));
  r.Set("X-Content-Type-Options", "nosniff");
  // Were a browser to show it anyway: no script, no plugin, no origin of ours.
  r.Set("Content-Security-Policy", "sandbox; default-src 'none'");
  r.Set("Cache-Control", "no-store");
  r.body = std::make_shared<const std::string>(std::move(file->bytes));
  r.label = "admin";
  return r;
}

HttpResponse AdminWeb::ReplyPost(Visit& v, const std::string& key) {
  const int64_t id = AdminId(key);
  const std::string message = FormValue(v.form, "message");
  if (message.size() > 20000) {
    return InboxPage(v, 400, id, "Please keep the reply under 20,000 characters.", "");
  }
  Status s;
  {
    std::lock_guard lock(mu_);
    if (!inbox_ || !options_.send) return Refused(v, 503, "The inbox is not available.");
    s = ReplyToSubmission(*inbox_, v.site->config(), id, message, options_.now(), options_.send);
  }
  if (!s) {
    const int status = s.error().code == ErrorCode::kNotFound       ? 404
                       : s.error().code == ErrorCode::kInvalidInput ? 400
                                                                    : 500;
    return InboxPage(v, status, id, "The reply was not sent: " + s.error().message + ".", "");
  }
  return AdminSeeOther(MessageUrl(id));
}

HttpResponse AdminWeb::SetStatus(Visit& v, const std::string& key, bool open) {
  const int64_t id = AdminId(key);
  Status s;
  {
    std::lock_guard lock(mu_);
    if (!inbox_) return Refused(v, 503, "The inbox is not available.");
    s = id == 0 ? Status(Error{ErrorCode::kNotFound, "no such message", {}, 0, {}})
        : open  ? ReopenSubmission(*inbox_, id, options_.now())
                : CloseSubmission(*inbox_, id, options_.now());
  }
  if (!s) {
    return Refused(v, s.error().code == ErrorCode::kNotFound ? 404 : 500, s.error().message);
  }
  return AdminSeeOther(MessageUrl(id));
}

HttpResponse AdminWeb::ClosePost(Visit& v, const std::string& key) {
  return SetStatus(v, key, false);
}

HttpResponse AdminWeb::ReopenPost(Visit& v, const std::string& key) {
  return SetStatus(v, key, true);
}

}  // namespace cinepress
