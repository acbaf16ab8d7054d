// Fuzzes what a stranger can post to the contact and pitch forms: the input's first byte chooses
// the door (/contact/ or /contribute/), its first line (after that byte) is the Content-Type —
// urlencoded or multipart/form-data with a boundary of the input's choosing — and the rest is the
// body. The body's "@CSRF@" and "@STAMP@" become the browser's valid CSRF token and a valid form
// time stamp, so that the fuzzer reaches what lies behind them. The request goes through the form
// parser (web/form.h) and then the real router — the members' CSRF middleware, then ContactWeb —
// into a real SQLite inbox.
//
// Asserted (the oracle): nothing crashes; a parsed form holds valid UTF-8 keys and values (file
// fields apart); a post that is not thanked (303 to …/thanks/) stores nothing, nor does a thanked
// one whose honeypot is filled; a thanked one stores exactly one submission whose fields are what
// was sent as CleanSubmission keeps it (one-line names and subjects, lengths within the limits),
// and whose file is the bytes sent.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "contact/inbox.h"
#include "core/text.h"
#include "render/theme.h"
#include "store/open_store.h"
#include "web/contact_web.h"
#include "web/form.h"
#include "web/members_web.h"

namespace {
namespace fs = std::filesystem;
using namespace cinepress;

constexpr int64_t kNow = 1900000000;

struct Fixture {
  fs::path dir;
  std::shared_ptr<const Site> site;
  std::unique_ptr<MembersWeb> members;
  std::unique_ptr<ContactWeb> contact;
  std::unique_ptr<InboxStore> inbox;
  Router router;
  std::string cookie, csrf, stamp;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "form_post fuzzer: %s\n", what.c_str());
  std::abort();
}

// The value of `name="key" value="…"` in a page.
std::string HiddenValue(const std::string& html, const std::string& key) {
  const std::string marker = "name=\"" + key + "\" value=\"";
  const size_t at = html.find(marker);
  if (at == std::string::npos) return "";
  const size_t start = at + marker.size();
  return html.substr(start, html.find('"', start) - start);
}

Fixture* Start() {
  auto* f = new Fixture;
  f->dir = fs::temp_directory_path() / ("cinepress-fuzz-form-" + std::to_string(::getpid()));
  fs::remove_all(f->dir);
  fs::create_directories(f->dir);
  auto config = ParseSiteConfig(R"(title = "Fuzz"
base_url = "http://fuzz.example"
[contact]
forward_to = "desk@fuzz.example"
max_file_kb = 8
)",
                                "cinepress.toml");
  if (!config) Die(config.error().ToString());
  const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
  auto theme = Theme::Load(fs::path(src ? src : ".") / "themes/default", "themes/default");
  if (!theme) Die(theme.error().ToString() + " (set CINEPRESS_SOURCE_DIR to the source folder)");
  auto site = Site::Assemble(*config, *TimeZone::Named("UTC"), *theme, {}, {}, {}, {}, kNow);
  if (!site) Die(site.error().ToString());
  f->site = *site;
  const fs::path db = f->dir / "site.db";
  MembersWebOptions m;
  m.site = [f] { return f->site; };
  m.open_store = [db] { return OpenMemberStore(db, {}); };
  m.open_newsletter_store = [db] { return OpenNewsletterStore(db, {}); };
  m.send = [](const MailMessage&) -> Status { return {}; };
  m.now = [] { return kNow; };
  f->members = std::make_unique<MembersWeb>(m);
  if (auto s = f->members->Start(); !s) Die(s.error().ToString());
  f->members->Mount(f->router);
  ContactWebOptions o;
  o.site = [f] { return f->site; };
  o.open_store = [db] { return OpenInboxStore(db, {}); };
  o.open_content = [db] { return OpenContentStore(db, {}); };
  o.secret = [] { return Result<std::string>(std::string(32, 'k')); };
  o.send = [](const MailMessage&) -> Status { return {}; };
  o.fallback = [](RequestContext&) { return TextResponse(404, "not here\n"); };
  o.now = [] { return kNow; };
  o.posts_per_ip = 1 << 30;  // every post comes from one address: the limit is not fuzzed
  f->contact = std::make_unique<ContactWeb>(o);
  if (auto s = f->contact->Start(); !s) Die(s.error().ToString());
  f->contact->Mount(f->router);
  auto inbox = OpenInboxStore(db, {});
  if (!inbox) Die(inbox.error().ToString());
  f->inbox = std::move(*inbox);
  // A browser's visit: its CSRF cookie and the form's token; a stamp made long enough ago.
  HttpRequest get;
  get.method = "GET";
  get.target = "/contact/";
  get.remote_address = "192.0.2.1";
  get.headers.emplace_back("host", "fuzz.example");
  HttpResponse page = f->router.Dispatch(get);
  const std::string set(page.Header("Set-Cookie"));
  f->cookie = set.substr(0, set.find(';'));
  f->csrf = HiddenValue(std::string(page.BodyView()), "csrf");
  f->stamp = f->contact->Stamp(kNow - 60);
  if (f->cookie.empty() || f->csrf.empty()) Die("the form gave no CSRF cookie or token");
  static fs::path root = f->dir;
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(root, ec);
  });
  return f;
}

std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// What the door's handler keeps of the form, as CleanSubmission has it (nullopt: refused).
std::optional<Submission> Expected(const Form& form, const std::string& kind) {
  Submission s;
  s.kind = kind;
  s.name = FormValue(form, "name");
  s.email = FormValue(form, "email");
  s.message = FormValue(form, "message");
  if (kind == "contact") s.subject = FormValue(form, "subject");
  if (kind == "pitch") s.links = FormValue(form, "links");
  auto clean = CleanSubmission(s);
  if (!clean) return std::nullopt;
  return *clean;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* f = Start();
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool pitch = (input[0] & 1) != 0;
  input.remove_prefix(1);
  const size_t nl = input.find('\n');
  const std::string type(input.substr(0, nl));
  const std::string body =
      nl == std::string_view::npos ? std::string() : std::string(input.substr(nl + 1));

  HttpRequest req;
  req.method = "POST";
  req.target = pitch ? "/contribute/" : "/contact/";
  req.remote_address = "192.0.2.1";
  req.body = Replaced(Replaced(body, "@CSRF@", f->csrf), "@STAMP@", f->stamp);
  req.headers.emplace_back("host", "fuzz.example");
  req.headers.emplace_back("content-type", type);
  req.headers.emplace_back("cookie", f->cookie);
  req.headers.emplace_back("sec-fetch-site", "same-origin");

  // The parser alone: valid UTF-8 everywhere but in a file's bytes.
  Form files;
  auto form = ParseForm(req, &files);
  if (form) {
    for (const auto& [key, value] : *form) {
      if (!IsValidUtf8(key)) __builtin_trap();
      if (!files.contains(key) && !IsValidUtf8(value)) __builtin_trap();
    }
    for (const auto& [key, name] : files) {
      if (!IsValidUtf8(name)) __builtin_trap();
    }
  }

  auto before = f->inbox->ListSubmissions("");
  if (!before) Die(before.error().ToString());
  HttpResponse r = f->router.Dispatch(req);
  auto after = f->inbox->ListSubmissions("");
  if (!after) Die(after.error().ToString());
  const bool thanked = r.status == 303 && r.Header("Location") == req.target + "thanks/";
  const bool honeypot = form && !FormValue(*form, "website").empty();
  if (!thanked || honeypot) {
    if (after->size() != before->size()) __builtin_trap();  // a refused post stored something
    return 0;
  }
  // Thanked: one submission, exactly what was sent as the inbox keeps it.
  if (!form || after->size() != before->size() + 1) __builtin_trap();
  const Submission* newest = &after->front();
  for (const Submission& s : *after) {
    if (s.id > newest->id) newest = &s;
  }
  const Submission& kept = *newest;
  auto expected = Expected(*form, pitch ? "pitch" : "contact");
  if (!expected) __builtin_trap();  // thanked, yet CleanSubmission refuses it
  if (kept.kind != expected->kind || kept.name != expected->name || kept.email != expected->email ||
      kept.subject != expected->subject || kept.message != expected->message ||
      kept.links != expected->links) {
    __builtin_trap();
  }
  const std::string file = pitch ? FormValue(*form, "file") : std::string();
  if (kept.file_size != static_cast<int64_t>(file.size())) __builtin_trap();
  if (!file.empty()) {
    auto bytes = f->inbox->SubmissionFile(kept.id);
    if (!bytes || *bytes != file) __builtin_trap();
  }
  return 0;
}
