#include "web/admin_web.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/dates.h"
#include "core/text.h"
#include "staff/accounts.h"
#include "staff/totp.h"
#include "web/admin_articles.h"
#include "web/admin_visit.h"
#include "web/form.h"
#include "web/private_page.h"
#include "web/url_params.h"

namespace cinepress {

HttpResponse AdminSeeOther(std::string location) {
  HttpResponse r = SeeOther(std::move(location));
  r.label = "admin";
  return r;
}

HttpResponse AdminJson(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.Set("Content-Type", "application/json");
  r.Set("Cache-Control", "no-store");
  r.body = std::make_shared<const std::string>(body.dump());
  r.label = "admin";
  return r;
}

std::vector<std::pair<std::string, std::string>> AdminQueryParams(const HttpRequest& req) {
  std::vector<std::pair<std::string, std::string>> out;
  auto params = DecodeUrlParams(req.Query());
  if (!params) return out;
  for (auto& [k, v] : *params) {
    if (IsValidUtf8(v) && v.size() <= kAdminMaxField) out.emplace_back(k, v);
  }
  return out;
}

Error AdminRecordsClosed() {
  return Error{
      ErrorCode::kInternal, "the newsroom's film and person records are not open", {}, 0, {}};
}

int64_t AdminId(std::string_view text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size() && n > 0 ? n : 0;
}

std::string AdminParam(const std::vector<std::pair<std::string, std::string>>& params,
                       std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

namespace {

size_t PageNumber(const std::string& text) {
  size_t n = 1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size() && n > 0 ? n : 1;
}

// Where a session that is not in the newsroom yet goes next.
std::string NextStep(SecondFactor pending) {
  switch (pending) {
    case SecondFactor::kCode:
      return "/admin/two-factor/";
    case SecondFactor::kEnrol:
      return "/admin/two-factor/setup/";
    case SecondFactor::kNone:
      break;
  }
  return "/admin/";
}

}  // namespace

const std::vector<AdminWeb::RouteDef>& AdminWeb::Routes() {
  using P = Permission;
  static const std::vector<RouteDef> kRoutes = {
      {"GET", "/admin/sign-in/", false, std::nullopt, &AdminWeb::SignInGet},
      {"POST", "/admin/sign-in/", false, std::nullopt, &AdminWeb::SignInPost},
      {"GET", "/admin/invitation/", false, std::nullopt, &AdminWeb::InvitationGet},
      {"POST", "/admin/invitation/", false, std::nullopt, &AdminWeb::InvitationPost},
      {"GET", "/admin/two-factor/", false, std::nullopt, &AdminWeb::TwoFactorGet},
      {"POST", "/admin/two-factor/", false, std::nullopt, &AdminWeb::TwoFactorPost},
      {"GET", "/admin/two-factor/setup/", false, std::nullopt, &AdminWeb::SetupGet},
      {"POST", "/admin/two-factor/setup/", false, std::nullopt, &AdminWeb::SetupPost},
      {"POST", "/admin/sign-out/", false, std::nullopt, &AdminWeb::SignOutPost},
      {"GET", "/admin/assets/", true, std::nullopt, &AdminWeb::AssetGet},
      {"GET", "/admin/", false, P::kUseNewsroom, &AdminWeb::DashboardGet},
      {"GET", "/admin/articles/", false, P::kUseNewsroom, &AdminWeb::ArticlesGet},
      // The editor's pages below it (AdminWeb::EditorRoutes); each save asks staff/editing.h.
      {"GET", "/admin/articles/", true, P::kWriteOwnDrafts, &AdminWeb::EditorDispatch},
      {"POST", "/admin/articles/", true, P::kWriteOwnDrafts, &AdminWeb::EditorDispatch},
      // The media library: contributors and up (each may change their own uploads; editors all).
      {"GET", "/admin/media/", false, P::kWriteOwnDrafts, &AdminWeb::MediaGet},
      {"GET", "/admin/media/item/", false, P::kWriteOwnDrafts, &AdminWeb::MediaItemGet},
      {"POST", "/admin/media/upload/", false, P::kWriteOwnDrafts, &AdminWeb::MediaUploadPost},
      {"POST", "/admin/media/save/", false, P::kWriteOwnDrafts, &AdminWeb::MediaSavePost},
      {"POST", "/admin/media/delete/", false, P::kWriteOwnDrafts, &AdminWeb::MediaDeletePost},
      {"GET", "/admin/account/", false, P::kUseNewsroom, &AdminWeb::AccountGet},
      {"POST", "/admin/account/password/", false, P::kUseNewsroom, &AdminWeb::PasswordPost},
      {"GET", "/admin/staff/", false, P::kManageStaff, &AdminWeb::StaffGet},
      {"POST", "/admin/staff/add/", false, P::kManageStaff, &AdminWeb::StaffAddPost},
      {"POST", "/admin/staff/role/", false, P::kManageStaff, &AdminWeb::StaffRolePost},
      {"POST", "/admin/staff/remove/", false, P::kManageStaff, &AdminWeb::StaffRemovePost},
      // The inbox and the newsletters, each a list and pages below it (InboxRoutes,
      // NewsletterRoutes).
      {"GET", "/admin/inbox/", false, P::kReadInbox, &AdminWeb::InboxGet},
      {"GET", "/admin/inbox/", true, P::kReadInbox, &AdminWeb::InboxDispatch},
      {"POST", "/admin/inbox/", true, P::kReadInbox, &AdminWeb::InboxDispatch},
      // Film records: editors and admins; the editor's lookup, whoever writes.
      {"GET", "/admin/films/", false, P::kEditAllContent, &AdminWeb::FilmsGet},
      {"GET", "/admin/films/lookup/", false, P::kWriteOwnDrafts, &AdminWeb::FilmLookupGet},
      {"GET", "/admin/films/", true, P::kEditAllContent, &AdminWeb::FilmDispatch},
      {"POST", "/admin/films/", true, P::kEditAllContent, &AdminWeb::FilmDispatch},
      // Collections: editors and admins (admin_collections.cc).
      {"GET", "/admin/collections/", false, P::kEditAllContent, &AdminWeb::CollectionsGet},
      {"GET", "/admin/collections/new/", false, P::kEditAllContent, &AdminWeb::CollectionNewGet},
      {"POST", "/admin/collections/new/", false, P::kEditAllContent, &AdminWeb::CollectionNewPost},
      {"GET", "/admin/collections/", true, P::kEditAllContent, &AdminWeb::CollectionDispatch},
      {"POST", "/admin/collections/", true, P::kEditAllContent, &AdminWeb::CollectionDispatch},
      {"GET", "/admin/people/", false, P::kEditAllContent, &AdminWeb::PeopleGet},
      {"GET", "/admin/people/", true, P::kEditAllContent, &AdminWeb::PersonDispatch},
      {"POST", "/admin/people/", true, P::kEditAllContent, &AdminWeb::PersonDispatch},
      // Readers' comments: editors and admins (admin_comments.cc).
      {"GET", "/admin/integrations/", false, P::kManageSettings, &AdminWeb::IntegrationsGet},
      {"POST", "/admin/integrations/add/", false, P::kManageSettings,
       &AdminWeb::IntegrationAddPost},
      {"GET", "/admin/integrations/revoke/", false, P::kManageSettings,
       &AdminWeb::IntegrationRevokeGet},
      {"POST", "/admin/integrations/revoke/", false, P::kManageSettings,
       &AdminWeb::IntegrationRevokePost},
      {"POST", "/admin/integrations/webhooks/add/", false, P::kManageSettings,
       &AdminWeb::WebhookAddPost},
      {"POST", "/admin/integrations/webhooks/remove/", false, P::kManageSettings,
       &AdminWeb::WebhookRemovePost},
      {"GET", "/admin/comments/", false, P::kModerateComments, &AdminWeb::CommentsGet},
      {"POST", "/admin/comments/", false, P::kModerateComments, &AdminWeb::CommentsPost},
      {"GET", "/admin/newsletters/", false, P::kManageNewsletters, &AdminWeb::NewslettersGet},
      {"GET", "/admin/newsletters/", true, P::kManageNewsletters, &AdminWeb::NewsletterDispatch},
      {"POST", "/admin/newsletters/", true, P::kManageNewsletters, &AdminWeb::NewsletterDispatch},
  };
  return kRoutes;
}

std::vector<AdminRouteInfo> AdminWeb::RouteTable() {
  std::vector<AdminRouteInfo> out;
  for (const RouteDef& r : Routes()) {
    const bool dispatcher =
        r.handler == &AdminWeb::EditorDispatch || r.handler == &AdminWeb::InboxDispatch ||
        r.handler == &AdminWeb::FilmDispatch || r.handler == &AdminWeb::PersonDispatch ||
        r.handler == &AdminWeb::NewsletterDispatch || r.handler == &AdminWeb::CollectionDispatch;
    if (!dispatcher) out.push_back({r.method, r.path, r.needs});
  }
  // The pages below the dispatchers, as their paths look (an article's and a message's with id
  // 1, the newsletter "weekly").
  for (AdminRouteInfo& r : EditorRouteTable()) out.push_back(std::move(r));
  AddSubRoutes(out, "/admin/inbox/", "1", InboxRoutes(), Permission::kReadInbox);
  AddSubRoutes(out, "/admin/films/", "night-ferry-2026", FilmRoutes(), Permission::kEditAllContent);
  AddSubRoutes(out, "/admin/people/", "lars-von-trier", PersonRoutes(),
               Permission::kEditAllContent);
  AddSubRoutes(out, "/admin/collections/", "1", CollectionRoutes(), Permission::kEditAllContent);
  AddSubRoutes(out, "/admin/newsletters/", "weekly", NewsletterRoutes(),
               Permission::kManageNewsletters);
  return out;
}

void AdminWeb::AddSubRoutes(std::vector<AdminRouteInfo>& out, std::string_view prefix,
                            const std::string& key, const std::vector<SubRoute>& routes,
                            Permission needs) {
  for (const SubRoute& r : routes) {
    const std::string verb = r.verb;
    out.push_back(
        {r.method, std::string(prefix) + key + "/" + (verb.empty() ? "" : verb + "/"), needs});
  }
}

std::optional<AdminSubPath> SplitAdminPath(std::string_view path, std::string_view prefix) {
  if (path.size() <= prefix.size() || !path.starts_with(prefix) || !path.ends_with('/')) {
    return std::nullopt;
  }
  std::string_view rest = path.substr(prefix.size());
  rest.remove_suffix(1);
  const size_t slash = rest.find('/');
  AdminSubPath out;
  out.key = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) out.verb = std::string(rest.substr(slash + 1));
  if (out.key.empty() || out.verb.find('/') != std::string::npos) return std::nullopt;
  if (slash != std::string_view::npos && out.verb.empty()) return std::nullopt;
  return out;
}

HttpResponse AdminWeb::SubDispatch(Visit& v, std::string_view prefix,
                                   const std::vector<SubRoute>& routes) {
  const std::string method = v.ctx.request.method == "HEAD" ? "GET" : v.ctx.request.method;
  if (auto sub = SplitAdminPath(v.ctx.request.Path(), prefix)) {
    for (const SubRoute& r : routes) {
      if (method == r.method && sub->verb == r.verb) return (this->*r.handler)(v, sub->key);
    }
  }
  TemplateData d;
  d.set("message", "There is no such newsroom page.");
  return Render(v, 404, "message", "Not found", d);
}

const std::vector<std::string>& AdminWeb::RequiredTemplates() {
  static const std::vector<std::string> kNames = {
      "sign-in",     "invitation",   "two-factor",
      "setup",       "dashboard",    "articles",
      "staff",       "account",      "message",
      "editor",      "revisions",    "compare",
      "conflict",    "inbox",        "inbox-message",
      "newsletters", "newsletter",   "media",
      "media-item",  "films",        "film",
      "people",      "person",       "comments",
      "collections", "collection",   "collection-delete",
      "delete",      "integrations", "integration-revoke"};
  return kNames;
}

AdminWeb::AdminWeb(AdminWebOptions options)
    : options_(std::move(options)),
      sign_in_limit_(options_.sign_ins_per_ip, options_.sign_in_window_s) {}

AdminWeb::~AdminWeb() = default;

Status AdminWeb::Start() {
  if (!options_.templates) return MakeError(ErrorCode::kInternal, "no newsroom templates");
  renderer_ = std::make_unique<ThemeRenderer>(options_.templates);
  auto staff = options_.open_staff_store();
  if (!staff) return staff.error();
  staff_ = std::move(*staff);
  auto content = options_.open_content_store();
  if (!content) return content.error();
  content_ = std::move(*content);
  if (options_.open_member_store) {
    if (auto m = options_.open_member_store()) members_ = std::move(*m);
  }
  // The newsletter store keeps the site's secrets: one of them seals the TOTP secrets.
  auto newsletters = options_.open_newsletter_store();
  if (!newsletters) return newsletters.error();
  newsletters_ = std::move(*newsletters);
  if (options_.open_inbox_store) {
    auto inbox = options_.open_inbox_store();
    if (!inbox) return inbox.error();
    inbox_ = std::move(*inbox);
  }
  if (options_.open_record_store) {
    auto records = options_.open_record_store();
    if (!records) return records.error();
    records_ = std::move(*records);
  }
  auto key = newsletters_->SiteSecret("staff-totp", kTotpKeyBytes);
  if (!key) return key.error();
  totp_key_ = std::move(*key);
  return {};
}

void AdminWeb::Mount(Router& router) {
  for (const RouteDef& def : Routes()) {
    const RouteDef* route = &def;
    router.Add({def.method, def.path, def.prefix, true,
                [this, route](RequestContext& ctx) { return Guarded(*route, ctx); }});
  }
}

std::string AdminWeb::CookieName() const {
  auto site = options_.site ? options_.site() : nullptr;
  const bool secure = site && site->config().base_url.rfind("https://", 0) == 0;
  return secure ? "__Host-cp_staff" : "cp_staff";
}

std::string AdminWeb::SessionCookie(const std::string& token, int64_t max_age) const {
  const std::string name = CookieName();
  return name + "=" + token + "; Path=/; Max-Age=" + std::to_string(max_age) +
         "; HttpOnly; SameSite=Strict" + (name.rfind("__Host-", 0) == 0 ? "; Secure" : "");
}

std::optional<StaffVisit> AdminWeb::FindVisit(const HttpRequest& request) {
  std::string_view token = request.Cookie(CookieName());
  if (token.empty() || token.size() > 128 || !staff_) return std::nullopt;
  std::lock_guard lock(mu_);
  auto v = FindStaffVisit(*staff_, token, options_.now());
  if (!v) return std::nullopt;
  return *v;
}

std::optional<HttpResponse> AdminWeb::Refusal(Visit& v, const std::optional<Permission>& needs) {
  if (!v.site || !staff_) {
    HttpResponse r = TextResponse(503, "The newsroom is not available.\n");
    r.label = "admin";
    return r;
  }
  if (!needs) return std::nullopt;
  if (!v.staff) return AdminSeeOther("/admin/sign-in/");
  if (v.staff->pending != SecondFactor::kNone) return AdminSeeOther(NextStep(v.staff->pending));
  if (!Allows(RoleOf(v.staff->member), *needs)) {
    TemplateData d;
    d.set("message", "Your role (" + v.staff->member.role + ") does not allow this page.");
    return Render(v, 403, "message", "Not allowed", d);
  }
  return std::nullopt;
}

std::optional<HttpResponse> AdminWeb::RefuseUpload(const HttpRequest& head) {
  RequestContext ctx(head);
  Visit v{ctx, options_.site ? options_.site() : nullptr, FindVisit(head), {}, {}};
  for (const RouteDef& route : Routes()) {
    if (route.handler == &AdminWeb::MediaUploadPost) return Refusal(v, route.needs);
  }
  return std::nullopt;
}

HttpResponse AdminWeb::Guarded(const RouteDef& route, RequestContext& ctx) {
  Visit v{ctx, options_.site ? options_.site() : nullptr, FindVisit(ctx.request), {}, {}};
  if (auto refused = Refusal(v, route.needs)) return std::move(*refused);
  if (ctx.request.method == "POST") {
    // Only the upload's form carries files (bytes that are not text), each put in a file.
    std::optional<Form> form;
    if (route.handler == &AdminWeb::MediaUploadPost) {
      auto upload = ParseUploadForm(ctx.request, options_.upload_folder);
      if (upload) {
        form = std::move(upload->fields);
        v.files = std::move(upload->files);
      }
    } else {
      form = ParseForm(ctx.request);
    }
    if (!form) {
      return Render(v, 400, "message", "This form cannot be read", [] {
        TemplateData d;
        d.set("message", "The form was not sent as a form. Open the page again.");
        return d;
      }());
    }
    v.form = std::move(*form);
  }
  return (this->*route.handler)(v);
}

HttpResponse AdminWeb::Render(Visit& v, int status, const std::string& name,
                              const std::string& heading, TemplateData view) {
  TemplateData base;
  base.set("site_title", v.site->config().title);
  base.set("site_url", v.site->config().base_url + "/");
  base.set("heading", heading);
  base.set("css", "/admin" + options_.templates->AssetUrl("admin.css"));
  if (v.staff && v.staff->pending == SecondFactor::kNone) {
    TemplateData me;
    me.set("email", v.staff->member.email);
    me.set("role", v.staff->member.role);
    const StaffRole role = RoleOf(v.staff->member);
    if (Allows(role, Permission::kManageStaff)) me.set("manages_staff", true);
    if (Allows(role, Permission::kManageSettings)) me.set("manages_settings", true);
    if (Allows(role, Permission::kReadInbox)) me.set("reads_inbox", true);
    if (Allows(role, Permission::kModerateComments) && v.site->config().comments.enabled) {
      me.set("moderates_comments", true);
    }
    if (Allows(role, Permission::kManageNewsletters)) me.set("manages_newsletters", true);
    if (Allows(role, Permission::kEditAllContent)) me.set("edits_records", true);
    base.set("me", me);
  }
  if (v.staff) base.set("signed_in", true);
  base.set("csrf", v.ctx.form_token ? v.ctx.form_token() : std::string());
  Result<std::string> html = std::string();
  {
    std::lock_guard lock(render_mu_);
    html = renderer_->Render(name, base, view);
  }
  HttpResponse r = PrivatePage(status, std::move(html), "admin");
  r.Set("X-Frame-Options", "DENY");  // no newsroom form inside another site's frame
  return r;
}

HttpResponse AdminWeb::FormPage(Visit& v, int status, const std::string& name,
                                const std::string& heading, const std::string& error,
                                TemplateData view) {
  SetIf(view, "error", error);
  return Render(v, status, name, heading, std::move(view));
}

bool AdminWeb::Limited(Visit& v) {
  return !sign_in_limit_.Allow(v.ctx.request.remote_address, options_.now());
}

HttpResponse AdminWeb::AssetGet(Visit& v) {
  const std::string_view path = v.ctx.request.Path();
  for (const ThemeAsset& a : options_.templates->assets()) {
    if ("/admin" + a.url == path) {
      HttpResponse r;
      r.Set("Content-Type", a.name.ends_with(".css")  ? "text/css; charset=utf-8"
                            : a.name.ends_with(".js") ? "text/javascript; charset=utf-8"
                                                      : "application/octet-stream");
      r.Set("Cache-Control", "public, max-age=31536000, immutable");
      r.body = std::make_shared<const std::string>(a.data);
      r.label = "admin";
      return r;
    }
  }
  HttpResponse r = TextResponse(404, "Not found\n");
  r.label = "admin";
  return r;
}

// Sign-in.

HttpResponse AdminWeb::SignInGet(Visit& v) {
  if (v.staff) return AdminSeeOther(NextStep(v.staff->pending));
  return FormPage(v, 200, "sign-in", "Sign in", "");
}

HttpResponse AdminWeb::SignInPost(Visit& v) {
  TemplateData view;
  const std::string email(Trim(v.Field("email")));
  view.set("email", email);
  if (Limited(v)) {
    return FormPage(
        v, 429, "sign-in", "Sign in",
        "Too many sign-in attempts from your network: wait a few minutes and try again.", view);
  }
  Result<StaffSignIn> in = Error{};
  {
    std::lock_guard lock(mu_);
    in = SignInStaff(*staff_, v.site->config().staff, email, v.Field("password"), options_.now());
  }
  if (!in) {
    const bool refused = in.error().code == ErrorCode::kInvalidInput;
    return FormPage(v, refused ? (in.error().field == kStaffLocked ? 429 : 401) : 500, "sign-in",
                    "Sign in", refused ? in.error().message : "The sign-in failed; try again.",
                    view);
  }
  HttpResponse r = AdminSeeOther(NextStep(in->next));
  r.Set("Set-Cookie",
        SessionCookie(in->session_token, int64_t{v.site->config().staff.session_hours} * 3600));
  return r;
}

HttpResponse AdminWeb::InvitationGet(Visit& v) {
  const std::string token = AdminParam(AdminQueryParams(v.ctx.request), "token");
  TemplateData view;
  Result<StaffMember> m = Error{};
  {
    std::lock_guard lock(mu_);
    m = CheckInvitation(*staff_, token, options_.now());
  }
  if (!m) {
    view.set("message", m.error().message);
    return Render(v, 404, "message", "This invitation cannot be used", view);
  }
  view.set("token", token);
  view.set("email", m->email);
  view.set("role", m->role);
  view.set("min_length", std::to_string(kMinPasswordLength));
  return FormPage(v, 200, "invitation", "Choose a password", "", view);
}

HttpResponse AdminWeb::InvitationPost(Visit& v) {
  const std::string token = v.Field("token");
  const std::string password = v.Field("password");
  TemplateData view;
  view.set("token", token);
  view.set("min_length", std::to_string(kMinPasswordLength));
  if (password != v.Field("password_again")) {
    return FormPage(v, 400, "invitation", "Choose a password", "The two passwords differ.", view);
  }
  Result<StaffMember> m = Error{};
  {
    std::lock_guard lock(mu_);
    m = AcceptInvitation(*staff_, token, password, options_.now());
  }
  if (!m) {
    if (m.error().field == "token") {
      TemplateData d;
      d.set("message", m.error().message);
      return Render(v, 400, "message", "This invitation cannot be used", d);
    }
    return FormPage(v, 400, "invitation", "Choose a password", m.error().message, view);
  }
  TemplateData d;
  d.set("message", "Your password is set. Sign in with " + m->email + " and it.");
  d.set("sign_in_link", true);
  return Render(v, 200, "message", "Password set", d);
}

HttpResponse AdminWeb::TwoFactorGet(Visit& v) {
  if (!v.staff) return AdminSeeOther("/admin/sign-in/");
  if (v.staff->pending != SecondFactor::kCode) return AdminSeeOther(NextStep(v.staff->pending));
  return FormPage(v, 200, "two-factor", "Two-factor sign-in", "");
}

HttpResponse AdminWeb::TwoFactorPost(Visit& v) {
  if (!v.staff) return AdminSeeOther("/admin/sign-in/");
  if (Limited(v)) {
    return FormPage(v, 429, "two-factor", "Two-factor sign-in",
                    "Too many attempts from your network: wait a few minutes and try again.");
  }
  Status s;
  {
    std::lock_guard lock(mu_);
    s = GiveSecondFactor(*staff_, v.site->config().staff, v.ctx.request.Cookie(CookieName()),
                         v.Field("code"), options_.now(), totp_key_);
  }
  if (!s) {
    const int status = s.error().field == kStaffLocked ? 429 : 401;
    return FormPage(v, status, "two-factor", "Two-factor sign-in", s.error().message);
  }
  return AdminSeeOther("/admin/");
}

HttpResponse AdminWeb::SetupGet(Visit& v) {
  if (!v.staff) return AdminSeeOther("/admin/sign-in/");
  if (v.staff->pending == SecondFactor::kCode) return AdminSeeOther(NextStep(v.staff->pending));
  TemplateData view;
  if (v.staff->member.totp_enabled) {
    view.set("message", "Two-factor sign-in is on for your account.");
    return Render(v, 200, "message", "Two-factor sign-in", view);
  }
  Result<std::string> secret = Error{};
  {
    std::lock_guard lock(mu_);
    secret = StartTotpEnrolment(*staff_, v.staff->member.id, totp_key_);
  }
  if (!secret)
    return FormPage(v, 500, "setup", "Set up two-factor sign-in", secret.error().message);
  view.set("uri", TotpUri(v.site->config().title, v.staff->member.email, *secret));
  view.set("secret", TotpSecretText(*secret));
  if (v.staff->pending == SecondFactor::kEnrol) view.set("required", true);
  return FormPage(v, 200, "setup", "Set up two-factor sign-in", "", view);
}

HttpResponse AdminWeb::SetupPost(Visit& v) {
  if (!v.staff) return AdminSeeOther("/admin/sign-in/");
  Result<std::vector<std::string>> codes = Error{};
  {
    std::lock_guard lock(mu_);
    codes = ConfirmTotpEnrolment(*staff_, v.ctx.request.Cookie(CookieName()), v.Field("code"),
                                 options_.now(), totp_key_);
  }
  if (!codes) {
    TemplateData d;
    d.set("message", codes.error().message + " Open the set-up page again to start over.");
    d.set("setup_link", true);
    return Render(v, 400, "message", "Two-factor sign-in is not set up", d);
  }
  TemplateData view;
  kainjow::mustache::list list;
  for (const std::string& c : *codes) list.push_back(TemplateData(c));
  view.set("codes", list);
  view.set("has_codes", true);
  view.set("message", "Two-factor sign-in is on.");
  v.staff->pending = SecondFactor::kNone;
  return Render(v, 200, "message", "Keep your recovery codes", view);
}

HttpResponse AdminWeb::SignOutPost(Visit& v) {
  {
    std::lock_guard lock(mu_);
    (void)SignOutStaff(*staff_, v.ctx.request.Cookie(CookieName()));
  }
  HttpResponse r = AdminSeeOther("/admin/sign-in/");
  r.Set("Set-Cookie", SessionCookie("", 0));
  return r;
}

TemplateData AdminSelectOptions(const std::vector<std::string>& values, const std::string& chosen) {
  kainjow::mustache::list list;
  for (const std::string& value : values) {
    TemplateData d;
    d.set("value", value);
    if (value == chosen) d.set("selected", true);
    list.push_back(d);
  }
  return TemplateData(list);
}

// The newsroom.

std::shared_ptr<const std::vector<Article>> AdminWeb::Articles() {
  std::lock_guard lock(content_mu_);
  auto version = content_->DataVersion();
  if (version && *version == articles_version_ && articles_) return articles_;
  auto all = content_->LoadArticles(false);
  if (!all) return articles_ ? articles_ : std::make_shared<const std::vector<Article>>();
  articles_ = std::make_shared<const std::vector<Article>>(std::move(*all));
  articles_version_ = version ? *version : -1;
  return articles_;
}

namespace {

TemplateData Row(const Site& site, const Article& a, int64_t now) {
  TemplateData d;
  d.set("title", a.title.empty() ? a.slug : a.title);
  d.set("url", site.ArticleUrl(a));
  d.set("edit_url", "/admin/articles/" + std::to_string(a.id) + "/edit/");
  d.set("section", a.section);
  d.set("status", std::string(AdminStatusOf(a, now)));
  d.set("date", TimeZone::IsoUtc(a.date).substr(0, 10));
  std::string writers;
  for (const std::string& w : a.author_ids) writers += (writers.empty() ? "" : ", ") + w;
  SetIf(d, "writers", writers);
  return d;
}

TemplateData Rows(const Site& site, const std::vector<const Article*>& articles, int64_t now) {
  kainjow::mustache::list list;
  for (const Article* a : articles) list.push_back(Row(site, *a, now));
  return TemplateData(list);
}

}  // namespace

HttpResponse AdminWeb::DashboardGet(Visit& v) {
  const int64_t now = options_.now();
  auto articles = Articles();
  NewsroomCounts c = CountArticles(*articles, now);
  TemplateData view;
  view.set("drafts", std::to_string(c.drafts));
  view.set("review", std::to_string(c.review));
  view.set("scheduled", std::to_string(c.scheduled));
  view.set("published", std::to_string(c.published));
  view.set("recent_drafts", Rows(*v.site, c.recent_drafts, now));
  view.set("waiting", Rows(*v.site, c.waiting, now));
  view.set("upcoming", Rows(*v.site, c.upcoming, now));
  view.set("recently_published", Rows(*v.site, c.recently_published, now));
  if (Allows(RoleOf(v.staff->member), Permission::kReadInbox)) {
    if (auto open = OpenMessages()) view.set("inbox_open", std::to_string(*open));
  }
  if (Allows(RoleOf(v.staff->member), Permission::kModerateComments) &&
      v.site->config().comments.enabled) {
    if (auto waiting = PendingComments()) view.set("comments_pending", std::to_string(*waiting));
  }
  std::lock_guard lock(mu_);
  if (members_ && v.site->config().members.enabled) {
    if (auto all = members_->LoadMembers()) {
      size_t recent = 0;
      for (const Member& m : *all) recent += m.created >= now - 30 * 86400 ? 1 : 0;
      TemplateData m;
      m.set("total", std::to_string(all->size()));
      m.set("recent", std::to_string(recent));
      view.set("members", m);
    }
  }
  kainjow::mustache::list lists;
  for (const NewsletterConfig& n : v.site->config().newsletters) {
    if (!newsletters_) break;
    TemplateData d;
    d.set("name", n.name);
    auto confirmed = newsletters_->CountSubscribers(n.slug, SubscriptionState::kConfirmed);
    d.set("subscribers", confirmed ? std::to_string(*confirmed) : std::string("?"));
    auto latest = newsletters_->LatestIssue(n.slug);
    if (latest && latest->has_value()) {
      d.set("last_issue", (*latest)->subject);
      d.set("last_date", TimeZone::IsoUtc((*latest)->created).substr(0, 10));
      if (!(*latest)->finished) d.set("sending", true);
    }
    lists.push_back(d);
  }
  if (!lists.empty()) {
    view.set("newsletters", lists);
    view.set("has_newsletters", true);
  }
  return Render(v, 200, "dashboard", "Dashboard", view);
}

std::vector<int64_t> AdminWeb::FoundArticleIds(const std::string& q) {
  SearchQuery query;
  query.text = q;
  query.now = INT64_MAX;  // drafts and scheduled pieces too, where the index has them
  query.limit = SearchResults::kMaxCounted;
  query.snippets = false;
  query.count = false;
  std::vector<int64_t> ids;
  std::lock_guard lock(content_mu_);
  if (auto found = content_->Search(query)) {
    for (const SearchHit& h : found->hits) ids.push_back(h.article_id);
  }
  return ids;
}

HttpResponse AdminWeb::ArticlesGet(Visit& v) {
  const int64_t now = options_.now();
  const auto params = AdminQueryParams(v.ctx.request);
  ArticleFilter f;
  f.section = AdminParam(params, "section");
  f.status = AdminParam(params, "status");
  f.writer = AdminParam(params, "writer");
  f.tag = AdminParam(params, "tag");
  f.festival = AdminParam(params, "festival");
  f.page = PageNumber(AdminParam(params, "page"));
  f.per_page = options_.per_page;
  const std::string q(Trim(AdminParam(params, "q")));
  auto articles = Articles();
  if (!q.empty()) f.found = FoundArticleIds(q);
  ArticleListPage page = FilterArticles(*articles, f, now);
  TemplateData view;
  view.set("rows", Rows(*v.site, page.rows, now));
  if (!AdminParam(params, "deleted").empty()) view.set("deleted", true);
  view.set("total", std::to_string(page.total));
  view.set("page", std::to_string(std::min(f.page, page.pages)));
  view.set("pages", std::to_string(page.pages));
  // The filters as they were asked for, and the links to the pages before and after.
  std::string query_string;
  for (const char* key : {"q", "section", "status", "writer", "tag", "festival"}) {
    const std::string value = key == std::string("q") ? q : AdminParam(params, key);
    view.set(key, value);
    if (!value.empty()) query_string += std::string(key) + "=" + PercentEncode(value) + "&";
  }
  const size_t at = std::min(f.page, page.pages);
  if (at > 1) view.set("prev", "?" + query_string + "page=" + std::to_string(at - 1));
  if (at < page.pages) view.set("next", "?" + query_string + "page=" + std::to_string(at + 1));
  view.set("statuses",
           AdminSelectOptions({"draft", "review", "scheduled", "published", "private"}, f.status));
  view.set("sections", AdminSelectOptions(ListedValues(*articles, &Article::section), f.section));
  view.set("festivals",
           AdminSelectOptions(ListedValues(*articles, &Article::festival), f.festival));
  // Writers by name (their ids are what the filter takes).
  kainjow::mustache::list writers;
  {
    std::lock_guard lock(content_mu_);
    if (auto authors = content_->LoadAuthors()) {
      for (const Author& a : *authors) {
        TemplateData d;
        d.set("value", a.id);
        d.set("name", a.name.empty() ? a.id : a.name);
        if (a.id == f.writer) d.set("selected", true);
        writers.push_back(d);
      }
    }
  }
  view.set("writers", writers);
  return Render(v, 200, "articles", "Articles", view);
}

// Staff.

HttpResponse AdminWeb::StaffPage(Visit& v, int status, const std::string& error,
                                 const std::string& link) {
  TemplateData view;
  SetIf(view, "invitation", link);
  std::vector<std::string> role_names;
  for (StaffRole r : AllStaffRoles()) role_names.emplace_back(StaffRoleName(r));
  kainjow::mustache::list rows;
  {
    std::lock_guard lock(mu_);
    auto all = staff_->ListStaff();
    if (all) {
      for (const StaffMember& m : *all) {
        TemplateData d;
        d.set("email", m.email);
        d.set("state", m.password_hash.empty() ? "invited" : "active");
        d.set("two_factor", m.totp_enabled ? "on" : "off");
        if (m.id == v.staff->member.id) d.set("self", true);
        d.set("roles", AdminSelectOptions(role_names, m.role));
        d.set("role", m.role);
        rows.push_back(d);
      }
    }
  }
  view.set("staff", rows);
  view.set("all_roles", AdminSelectOptions(role_names, ""));
  return FormPage(v, status, "staff", "Staff", error, view);
}

HttpResponse AdminWeb::StaffGet(Visit& v) { return StaffPage(v, 200, "", ""); }

HttpResponse AdminWeb::StaffAddPost(Visit& v) {
  auto role = ParseStaffRole(v.Field("role"));
  if (!role) return StaffPage(v, 400, "Choose a role.", "");
  Result<StaffInvite> invite = Error{};
  {
    std::lock_guard lock(mu_);
    invite = AddStaff(*staff_, v.Field("email"), *role, options_.now());
  }
  if (!invite) return StaffPage(v, 400, invite.error().message, "");
  return StaffPage(v, 200, "", InvitationUrl(v.site->config().base_url, invite->token));
}

HttpResponse AdminWeb::StaffRolePost(Visit& v) {
  auto role = ParseStaffRole(v.Field("role"));
  if (!role) return StaffPage(v, 400, "Choose a role.", "");
  const std::string email = v.Field("email");
  if (email == v.staff->member.email && *role != StaffRole::kAdmin) {
    return StaffPage(v, 400, "You cannot take away your own admin role.", "");
  }
  Status s;
  {
    std::lock_guard lock(mu_);
    s = SetStaffRole(*staff_, email, *role);
  }
  if (!s) return StaffPage(v, 400, s.error().message, "");
  return AdminSeeOther("/admin/staff/");
}

HttpResponse AdminWeb::StaffRemovePost(Visit& v) {
  const std::string email = v.Field("email");
  if (email == v.staff->member.email) return StaffPage(v, 400, "You cannot remove yourself.", "");
  Status s;
  {
    std::lock_guard lock(mu_);
    s = RemoveStaff(*staff_, email);
  }
  if (!s) return StaffPage(v, 400, s.error().message, "");
  return AdminSeeOther("/admin/staff/");
}

// One's own account.

HttpResponse AdminWeb::AccountPage(Visit& v, int status, const std::string& error,
                                   const std::string& notice) {
  TemplateData view;
  SetIf(view, "notice", notice);
  view.set("email", v.staff->member.email);
  view.set("role", v.staff->member.role);
  view.set("min_length", std::to_string(kMinPasswordLength));
  if (v.staff->member.totp_enabled) view.set("two_factor", true);
  return FormPage(v, status, "account", "Your account", error, view);
}

HttpResponse AdminWeb::AccountGet(Visit& v) { return AccountPage(v, 200, "", ""); }

HttpResponse AdminWeb::PasswordPost(Visit& v) {
  if (v.Field("new_password") != v.Field("new_password_again")) {
    return AccountPage(v, 400, "The two new passwords differ.", "");
  }
  Status s;
  {
    std::lock_guard lock(mu_);
    s = ChangeStaffPassword(*staff_, v.staff->member.id, v.Field("current_password"),
                            v.Field("new_password"), v.ctx.request.Cookie(CookieName()));
  }
  if (!s) return AccountPage(v, 400, s.error().message, "");
  return AccountPage(v, 200, "", "Your password is changed; your other sessions are signed out.");
}

}  // namespace cinepress
