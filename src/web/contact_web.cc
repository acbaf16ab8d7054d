#include "web/contact_web.h"

#include <map>
#include <vector>

#include "contact/upload.h"
#include "core/dates.h"
#include "core/text.h"
#include "http/networks.h"
#include "newsletter/links.h"
#include "render/markdown.h"
#include "web/form.h"

namespace cinepress {

// One field of a form, as the template draws it.
struct FormField {
  const char* name;  // the form's field, and the field CleanSubmission and CheckUpload name
  const char* label;
  const char* type;  // "text", "email", "textarea" or "file"
  bool required;
  const char* autocomplete;  // "" for none
  int maxlength;             // 0 for none
  const char* hint;          // "" for none
};

struct ContactWeb::Door {
  std::string path;  // "/contact/"
  std::string slug;  // the site's own page at that path: "contact"
  std::string kind;  // Submission::kind
  std::string heading;
  std::string button;
  std::string thanks;
  std::vector<FormField> fields;
};

struct ContactWeb::Typed {
  std::map<std::string, std::string> values;
  std::string field;    // the field that is wrong, or "" for the form as a whole
  std::string message;  // what is wrong, for the reader; "" when nothing is
};

namespace {

// The stamp's MAC is over this and the time: no other form token of the site can stand for it.
std::string StampSubject(int64_t t) { return "contact-form-stamp:" + std::to_string(t); }

std::string MaxFileText(const SiteConfig& c) {
  return std::to_string(c.contact.max_file_bytes / 1024) + " KB";
}

// A text for a template section: false when empty (Mustache takes an empty string as true).
void SetText(TemplateData& d, const std::string& key, const std::string& text) {
  if (text.empty()) {
    d.set(key, false);
  } else {
    d.set(key, text);
  }
}

bool ContactOn(const std::shared_ptr<const Site>& site) {
  return site && site->config().contact.enabled;
}

}  // namespace

// The two doors, their fields and their words, as data: one form template and one handler
// serve both.
const std::vector<ContactWeb::Door>& ContactWeb::Doors() {
  static const FormField name{"name", "Your name", "text", true, "name", 200, ""};
  static const FormField email{"email",
                               "Your email address",
                               "email",
                               true,
                               "email",
                               254,
                               "We write back to this address, and to no one else."};
  static const std::vector<Door> doors = {
      {"/contact/",
       "contact",
       "contact",
       "Contact",
       "Send the message",
       "Thank you: your message has reached the editors. A copy of it is on its way to your "
       "inbox.",
       {name,
        email,
        {"subject", "Subject", "text", false, "off", 200, ""},
        {"message", "Your message", "textarea", true, "", 20000, ""}}},
      {"/contribute/",
       "contribute",
       "pitch",
       "Contribute",
       "Send the pitch",
       "Thank you: your pitch has reached the editors, who read every one. A copy of it is on "
       "its way to your inbox.",
       {name,
        email,
        {"message", "Your pitch", "textarea", true, "", 20000,
         "What you want to write, why now and why you, in a paragraph or two."},
        {"links", "Links to your writing", "textarea", false, "", 4000, "One a line."},
        {"file", "A sample or a longer outline (optional)", "file", false, "", 0,
         "A PDF, a Word or OpenDocument text, or plain text."}}},
  };
  return doors;
}

ContactWeb::ContactWeb(ContactWebOptions options)
    : options_(std::move(options)), post_limit_(options_.posts_per_ip, options_.post_window_s) {
  if (!options_.now) options_.now = NowSeconds;
}

Status ContactWeb::Start() {
  auto key = options_.secret();
  if (!key) return key.error();
  key_ = std::move(*key);
  auto store = options_.open_store();
  if (!store) return store.error();
  store_ = std::move(*store);
  if (options_.open_content) {
    auto content = options_.open_content();
    if (!content) return content.error();
    content_ = std::move(*content);
  }
  return {};
}

std::string ContactWeb::Stamp(int64_t now) const {
  return std::to_string(now) + "." + FormToken(key_, StampSubject(now));
}

std::string ContactWeb::CheckStamp(std::string_view stamp, int64_t now) const {
  const std::string whole = "The form did not come through whole. Please send it again.";
  const size_t dot = stamp.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 18) return whole;
  int64_t made = 0;
  for (char c : stamp.substr(0, dot)) {
    if (c < '0' || c > '9') return whole;
    made = made * 10 + (c - '0');
  }
  if (!CheckFormToken(key_, StampSubject(made), stamp.substr(dot + 1))) return whole;
  if (now - made < options_.min_fill_s) {
    return "That was quicker than we expected from a person. Please check the form and send it "
           "again.";
  }
  if (now - made > options_.max_age_s) {
    return "This form was open for more than a day. Please check it and send it again.";
  }
  return "";
}

HttpResponse ContactWeb::Render(const Site& site, int status, const std::string& url,
                                const std::string& heading, const TemplateData& view) const {
  SiteRenderer renderer(std::shared_ptr<const Site>(&site, [](const Site*) {}), nullptr);
  // The page's summary is its description too, as in the build.
  const TemplateData* lead = view.get("lead");
  const std::string description = lead && lead->is_string() ? lead->string_value() : "";
  auto html = renderer.RenderPage("contact", url, heading, "contact", view, description);
  if (!html) return TextResponse(500, "The page could not be made: " + html.error().ToString());
  HttpResponse r;
  r.status = status;
  r.Set("Content-Type", "text/html; charset=utf-8");
  // Made for this visitor (their CSRF token, the time stamp, what they typed): never stored.
  r.Set("Cache-Control", "no-store");
  r.body = std::make_shared<const std::string>(std::move(*html));
  r.label = "contact";
  return r;
}

TemplateData ContactWeb::Intro(const Site& site, const Door& door) {
  TemplateData intro;
  intro.set("heading", door.heading);
  for (const Article& page : site.pages()) {
    if (page.slug != door.slug || !page.section.empty()) continue;
    intro.set("heading", page.title);
    if (!page.dek.empty()) intro.set("lead", MarkdownToText(page.dek));
    std::lock_guard lock(content_mu_);
    if (!content_) break;
    SiteRenderer renderer(std::shared_ptr<const Site>(&site, [](const Site*) {}), content_.get());
    if (auto body = renderer.BodyHtml(page)) {
      intro.set("body", *body);
    } else if (options_.log) {
      options_.log("contact: the text of " + door.path +
                   " cannot be read: " + body.error().ToString());
    }
    break;
  }
  return intro;
}

HttpResponse ContactWeb::FormPage(RequestContext& ctx, const Door& door, int status,
                                  const Typed& typed) {
  auto site = options_.site();
  TemplateData view = Intro(*site, door);
  const std::string heading = view["heading"].string_value();
  view.set("form", true);
  view.set("action", door.path);
  view.set("kind", door.kind);
  view.set("button", door.button);
  view.set("multipart", door.kind == "pitch");
  view.set("csrf", ctx.form_token ? ctx.form_token() : std::string());
  view.set("stamp", Stamp(options_.now()));
  if (!typed.message.empty()) {
    view.set("error", typed.message);
    if (!typed.field.empty()) view.set("error_field", door.kind + "-" + typed.field);
  }
  TemplateData fields{TemplateData::type::list};
  for (const FormField& f : door.fields) {
    const std::string id = door.kind + "-" + f.name;
    const bool wrong = typed.field == f.name;
    TemplateData x;
    x.set("id", id);
    x.set("name", f.name);
    x.set("label", f.label);
    x.set(f.type == std::string("textarea") ? "textarea"
          : f.type == std::string("file")   ? "file"
                                            : "input",
          true);
    x.set("type", f.type);
    x.set("required", f.required);
    SetText(x, "autocomplete", std::string(f.autocomplete));
    SetText(x, "maxlength", f.maxlength ? std::to_string(f.maxlength) : std::string());
    std::string hint = f.hint;
    if (f.type == std::string("file")) hint += " At most " + MaxFileText(site->config()) + ".";
    SetText(x, "hint", hint);
    x.set("hint_id", id + "-hint");
    auto value = typed.values.find(f.name);
    std::string shown = value == typed.values.end() ? std::string() : value->second;
    if (f.type != std::string("textarea")) {  // a one-line field holds no line break
      for (char& c : shown) c = (c == '\r' || c == '\n') ? ' ' : c;
    }
    x.set("value", shown);
    SetText(x, "error", wrong ? typed.message : std::string());
    x.set("error_id", id + "-error");
    x.set("invalid", wrong);
    std::string described = wrong ? id + "-error" : "";
    if (!hint.empty()) described += (described.empty() ? "" : " ") + id + "-hint";
    SetText(x, "describedby", described);
    fields.push_back(x);
  }
  view.set("fields", fields);
  return Render(*site, status, door.path, heading, view);
}

HttpResponse ContactWeb::Get(RequestContext& ctx, const Door& door) {
  return FormPage(ctx, door, 200, {});
}

HttpResponse ContactWeb::Thanks(RequestContext&, const Door& door) {
  auto site = options_.site();
  TemplateData view = Intro(*site, door);
  view.set("body", std::string());
  view.set("thanks", door.thanks);
  return Render(*site, 200, door.path + "thanks/", view["heading"].string_value(), view);
}

HttpResponse ContactWeb::Post(RequestContext& ctx, const Door& door) {
  const HttpRequest& req = ctx.request;
  auto site = options_.site();
  const SiteConfig& config = site->config();
  const int64_t now = options_.now();
  // Every post counts, the refused ones too: a mistake is no way around the limit.
  if (!post_limit_.Allow(ClientNetwork(req.remote_address), now)) {
    TemplateData view;
    view.set("message",
             "Too many messages from your address. Please try again in an hour, or write to us "
             "by email.");
    HttpResponse r = Render(*site, 429, door.path, door.heading, view);
    r.Set("Retry-After", std::to_string(options_.post_window_s));
    return r;
  }
  Form files;
  auto form = ParseForm(req, &files);
  if (!form) {
    return FormPage(ctx, door, 400, {{}, "", "The form did not come through. Please try again."});
  }
  Typed typed;
  for (const FormField& f : door.fields) {
    if (f.type != std::string("file")) typed.values[f.name] = FormValue(*form, f.name);
  }
  // A filled honeypot is a machine: thanked, and nothing kept.
  if (!FormValue(*form, "website").empty()) return SeeOther(door.path + "thanks/");
  if (std::string why = CheckStamp(FormValue(*form, "stamp"), now); !why.empty()) {
    typed.message = why;
    return FormPage(ctx, door, 400, typed);
  }
  Submission s;
  s.kind = door.kind;
  s.name = typed.values["name"];
  s.email = typed.values["email"];
  s.subject = typed.values["subject"];
  s.message = typed.values["message"];
  s.links = typed.values["links"];
  s.created = s.updated = now;
  s.ip = req.remote_address;
  auto refuse = [&](const Error& e) {
    typed.field = e.field;
    typed.message = e.message;  // "please give your name": a sentence of its own
    if (typed.message.empty()) typed.message = "please check the form";
    if (typed.message[0] >= 'a' && typed.message[0] <= 'z') {
      typed.message[0] = static_cast<char>(typed.message[0] - 'a' + 'A');
    }
    if (typed.message.back() != '.' && typed.message.back() != ')') typed.message += '.';
    return FormPage(ctx, door, 400, typed);
  };
  if (auto clean = CleanSubmission(s); !clean) return refuse(clean.error());
  const std::string file = door.kind == "pitch" ? FormValue(*form, "file") : std::string();
  if (!file.empty()) {
    s.file_name = FormValue(files, "file");
    auto type = CheckUpload(s.file_name, file, config.contact.max_file_bytes);
    if (!type && type.error().code == ErrorCode::kInvalidInput) return refuse(type.error());
    if (!type) return TextResponse(503, "Please try again in a moment.\n");
    s.file_type = *type;
    if (s.file_name.empty()) s.file_name = "file";
  }
  Result<int64_t> id = int64_t{0};
  {
    std::lock_guard lock(store_mu_);
    id = ReceiveSubmission(*store_, config, s, file, options_.send);
  }
  if (!id && id.error().code == ErrorCode::kInvalidInput) return refuse(id.error());
  if (!id && options_.log) options_.log("contact: " + door.path + ": " + id.error().ToString());
  if (!id) {
    TemplateData view;
    view.set("message", "Your message could not be kept just now. Please try again in a moment.");
    return Render(*site, 503, door.path, door.heading, view);
  }
  return SeeOther(door.path + "thanks/");
}

void ContactWeb::Mount(Router& router) {
  for (const Door& door : Doors()) {
    // Without [contact] (or before the stores open) the paths are the site's: its own page.
    auto on = [this, &door](HttpResponse (ContactWeb::*handler)(RequestContext&, const Door&)) {
      return [this, &door, handler](RequestContext& ctx) {
        if (!ContactOn(options_.site ? options_.site() : nullptr) || !store_) {
          return options_.fallback ? options_.fallback(ctx) : TextResponse(404, "Not found\n");
        }
        return (this->*handler)(ctx, door);
      };
    };
    router.Get(door.path, on(&ContactWeb::Get));
    router.Post(door.path, on(&ContactWeb::Post));
    router.Get(door.path + "thanks/", on(&ContactWeb::Thanks));
  }
}

}  // namespace cinepress
