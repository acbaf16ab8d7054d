// The newsroom's integrations page (AdminWeb's, declared in admin_web.h): /admin/integrations/
// lists the integrations (name, role, made) and cinepress.toml's [[webhooks]] (event, URL — never
// a secret); add/ makes an integration with staff/integrations.h's AddIntegration and shows its
// two keys on the page that answers, the only time they are known; revoke/ asks first (GET) and
// then removes it (POST) with RemoveIntegration; webhooks/add/ and webhooks/remove/ edit the file
// with core/config_edit.h's AddWebhookToFile and RemoveWebhookFromFile — the functions
// `cinepress integrations` and `cinepress webhooks` call, so the checks are theirs. Admins only.
#include "core/config_edit.h"
#include "core/dates.h"
#include "core/text.h"
#include "staff/integrations.h"
#include "web/admin_visit.h"

namespace cinepress {
namespace {

constexpr std::string_view kIntegrationsUrl = "/admin/integrations/";

// The roles an integration may have, most trusted first.
const std::vector<std::string>& IntegrationRoles() {
  static const std::vector<std::string> kRoles = {"editor", "author", "contributor"};
  return kRoles;
}

// The field an error names, as the form calls it ("webhooks.url" is the form's "url").
std::string FormField(const Error& e) {
  const size_t dot = e.field.rfind('.');
  return dot == std::string::npos ? e.field : e.field.substr(dot + 1);
}

// An error as the page shows it: a config file's names its file, line and field.
std::string Shown(const Error& e) {
  if (e.file.empty()) return e.message;
  return e.file + (e.line > 0 ? ":" + std::to_string(e.line) : "") + ": " + e.field + " " +
         e.message;
}

// The config file as it is now (not as the site served was made from it).
Result<SiteConfig> LoadConfigFile(const std::filesystem::path& file) {
  if (file.empty()) {
    return Error{ErrorCode::kNotFound, "This newsroom has no cinepress.toml.", {}, 0, {}};
  }
  return LoadSiteConfig(file);
}

// The page's view with what was just made under `key` — the only page that shows its secrets.
TemplateData ShownOnce(const std::string& key,
                       const std::vector<std::pair<std::string, std::string>>& fields) {
  TemplateData made;
  for (const auto& field : fields) made.set(field.first, field.second);
  TemplateData view;
  view.set(key, made);
  return view;
}

}  // namespace

HttpResponse AdminWeb::IntegrationsPage(Visit& v, int status, const Error* error,
                                        TemplateData view) {
  kainjow::mustache::list integrations;
  {
    std::lock_guard lock(mu_);
    auto all = staff_->ListIntegrations();
    if (!all) return Refused(v, 500, all.error().message);
    for (const Integration& i : *all) {
      TemplateData d;
      d.set("name", i.name);
      d.set("role", i.role);
      d.set("created", v.site->tz().Iso(i.created).substr(0, 10));
      d.set("revoke_url", std::string(kIntegrationsUrl) + "revoke/?name=" + PercentEncode(i.name));
      integrations.push_back(d);
    }
  }
  view.set("any_integrations", !integrations.empty());
  view.set("integrations", integrations);
  if (!view.get("roles")) view.set("roles", AdminSelectOptions(IntegrationRoles(), "editor"));
  kainjow::mustache::list hooks;
  auto config = LoadConfigFile(options_.config_file);
  if (!config) {
    view.set("config_error", Shown(config.error()));
  } else {
    size_t n = 0;
    for (const WebhookConfig& h : config->webhooks) {
      TemplateData d;
      d.set("number", std::to_string(++n));
      d.set("event", h.event);
      d.set("url", h.url);
      hooks.push_back(d);
    }
  }
  view.set("any_webhooks", !hooks.empty());
  view.set("webhooks", hooks);
  if (!view.get("events")) view.set("events", AdminSelectOptions(WebhookEvents(), ""));
  if (error) {
    view.set("error", Shown(*error));
    if (!error->field.empty()) view.set("invalid_" + FormField(*error), true);
  }
  return Render(v, status, "integrations", "Integrations", view);
}

HttpResponse AdminWeb::IntegrationsGet(Visit& v) {
  TemplateData view;
  const auto params = AdminQueryParams(v.ctx.request);
  const std::string revoked = AdminParam(params, "revoked");
  const std::string removed = AdminParam(params, "removed");
  if (!revoked.empty()) {
    view.set("notice", "Revoked “" + revoked + "”: its keys no longer work.");
  } else if (!removed.empty()) {
    view.set("notice",
             "Removed the webhook to " + removed + "; its pending deliveries are given up.");
  }
  return IntegrationsPage(v, 200, nullptr, view);
}

HttpResponse AdminWeb::IntegrationAddPost(Visit& v) {
  const std::string name(Trim(v.Field("name")));
  const std::string role_name = v.Field("role");
  TemplateData view;
  view.set("typed_name", name);
  view.set("roles", AdminSelectOptions(IntegrationRoles(), role_name));
  auto role = ParseIntegrationRole(role_name);
  if (!role) return IntegrationsPage(v, 400, &role.error(), view);
  Result<IntegrationKeys> keys = Error{};
  {
    std::lock_guard lock(mu_);
    keys = AddIntegration(*staff_, name, *role, options_.now());
  }
  if (!keys)
    return IntegrationsPage(v, keys.error().code == ErrorCode::kConflict ? 409 : 400, &keys.error(),
                            view);
  return IntegrationsPage(v, 200, nullptr,
                          ShownOnce("keys", {{"name", keys->name},
                                             {"content_key", keys->content_key},
                                             {"admin_key", keys->admin_key}}));
}

HttpResponse AdminWeb::IntegrationRevokeGet(Visit& v) {
  const std::string name = AdminParam(AdminQueryParams(v.ctx.request), "name");
  Result<std::optional<Integration>> found = std::optional<Integration>();
  {
    std::lock_guard lock(mu_);
    found = staff_->FindIntegration(name);
  }
  if (!found) return Refused(v, 500, found.error().message);
  if (!found->has_value()) return Refused(v, 404, "There is no integration “" + name + "”.");
  TemplateData view;
  view.set("name", name);
  view.set("role", (*found)->role);
  return Render(v, 200, "integration-revoke", "Revoke “" + name + "”?", view);
}

HttpResponse AdminWeb::IntegrationRevokePost(Visit& v) {
  const std::string name = v.Field("name");
  Status s;
  {
    std::lock_guard lock(mu_);
    s = RemoveIntegration(*staff_, name);
  }
  if (!s) {
    return IntegrationsPage(v, s.error().code == ErrorCode::kNotFound ? 404 : 500, &s.error(),
                            TemplateData());
  }
  return AdminSeeOther(std::string(kIntegrationsUrl) + "?revoked=" + PercentEncode(name));
}

HttpResponse AdminWeb::WebhookAddPost(Visit& v) {
  WebhookConfig hook{std::string(Trim(v.Field("event"))), std::string(Trim(v.Field("url"))), ""};
  TemplateData view;
  view.set("typed_url", hook.url);
  view.set("events", AdminSelectOptions(WebhookEvents(), hook.event));
  if (auto config = LoadConfigFile(options_.config_file); !config) {
    return IntegrationsPage(v, 503, &config.error(), view);
  }
  auto added = AddWebhookToFile(options_.config_file, hook);
  if (!added) return IntegrationsPage(v, 400, &added.error(), view);
  return IntegrationsPage(
      v, 200, nullptr,
      ShownOnce("hook", {{"event", added->event}, {"url", added->url}, {"secret", added->secret}}));
}

HttpResponse AdminWeb::WebhookRemovePost(Visit& v) {
  const int64_t number = AdminId(v.Field("number"));
  // The page named the webhook by its place, event and URL: a file changed since (another
  // admin, an editor's hand) must not lose another webhook.
  auto config = LoadConfigFile(options_.config_file);
  if (!config) return IntegrationsPage(v, 503, &config.error(), TemplateData());
  const auto& hooks = config->webhooks;
  if (number < 1 || static_cast<size_t>(number) > hooks.size() ||
      hooks[number - 1].url != v.Field("url") || hooks[number - 1].event != v.Field("event")) {
    Error e{ErrorCode::kConflict,
            "cinepress.toml changed since the page was opened: no webhook was removed. These "
            "are its webhooks now.",
            {},
            0,
            {}};
    return IntegrationsPage(v, 409, &e, TemplateData());
  }
  auto gone = RemoveWebhookFromFile(options_.config_file, static_cast<size_t>(number));
  if (!gone) return IntegrationsPage(v, 400, &gone.error(), TemplateData());
  return AdminSeeOther(std::string(kIntegrationsUrl) + "?removed=" + PercentEncode(gone->url));
}

}  // namespace cinepress
