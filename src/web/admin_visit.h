// What the newsroom's handlers share across their files (admin_web.cc, admin_editor.cc): one
// request as they see it, a route's definition, and the small helpers every page uses.
// Contract: private to AdminWeb's implementation; Visit lives for one request on one thread.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "web/admin_web.h"
#include "web/form.h"

namespace cinepress {

inline constexpr size_t kAdminMaxField = 1024;  // a form field's or query value's longest

// A 303 to another newsroom page, counted as the newsroom's in the metrics.
HttpResponse AdminSeeOther(std::string location);

// A JSON answer for the newsroom's scripts (never stored).
HttpResponse AdminJson(int status, const nlohmann::json& body);

// The request's query parameters, each valid UTF-8 and not too long (others are left out).
std::vector<std::pair<std::string, std::string>> AdminQueryParams(const HttpRequest& req);
std::string AdminParam(const std::vector<std::pair<std::string, std::string>>& params,
                       std::string_view key);

// A <select>'s options: each value, the chosen one marked ({{value}}, {{#selected}}).
TemplateData AdminSelectOptions(const std::vector<std::string>& values, const std::string& chosen);

// The error of a newsroom without its film and person records' store (AdminWebOptions).
Error AdminRecordsClosed();

// A positive decimal id ("12"), or 0 for anything else: an article's, a revision's, a message's.
int64_t AdminId(std::string_view text);

// A page below one of the newsroom's prefixes: "{key}/{verb}/", or "{key}/" (verb ""): for
// "/admin/inbox/7/reply/" below "/admin/inbox/", key "7" and verb "reply". nullopt for any other
// shape (an empty key, more parts).
struct AdminSubPath {
  std::string key, verb;
};
std::optional<AdminSubPath> SplitAdminPath(std::string_view path, std::string_view prefix);

// The policy of a newsroom page that frames a preview from this site (and nothing else).
inline constexpr const char* kAdminFramingPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'";

// One request as the handlers see it: its context, the site, the form, and who is signed in.
struct AdminWeb::Visit {
  RequestContext& ctx;
  std::shared_ptr<const Site> site;
  std::optional<StaffVisit> staff;
  cinepress::Form form;
  std::vector<FormFile> files;  // a form's files, each in a file of its own (uploads only)
  // A form field no longer than kAdminMaxField ("" when absent or longer).
  std::string Field(const std::string& key) const {
    std::string v = FormValue(form, key);
    return v.size() <= kAdminMaxField ? v : std::string();
  }
};

// A page below a prefix (SplitAdminPath): its method, its verb ("" for the key's own page).
struct AdminWeb::SubRoute {
  const char* method;
  const char* verb;
  SubHandler handler;
};

struct AdminWeb::RouteDef {
  const char* method;
  const char* path;
  bool prefix;
  std::optional<Permission> needs;
  Handler handler;
};

}  // namespace cinepress
