#include "web/form.h"

#include <algorithm>

#include "core/text.h"
#include "http/body_file.h"
#include "web/url_params.h"

namespace cinepress {

std::optional<Form> ParseForm(const HttpRequest& req, Form* file_names) {
  std::string_view type = req.Header("content-type");
  std::optional<UrlParams> params;
  FormFields files;
  if (AsciiLower(type.substr(0, 33)) == "application/x-www-form-urlencoded") {
    params = DecodeUrlParams(req.body);
  } else if (AsciiLower(type.substr(0, 19)) == "multipart/form-data") {
    // What RFC 8058 asks mail clients to send for one-click unsubscribe (GMime, in mail/).
    if (const BodyFile* file = BodyFileOf(req)) {
      params = ParseFormDataFile(type, file->path(), nullptr);
    } else {
      params = ParseFormData(type, req.body, file_names ? &files : nullptr);
    }
  }
  if (!params) return std::nullopt;
  auto is_file = [&files](const std::string& key) {
    return std::any_of(files.begin(), files.end(),
                       [&key](const auto& f) { return f.first == key; });
  };
  Form form;
  for (auto& [key, value] : *params) {
    if (!IsValidUtf8(key) || (!IsValidUtf8(value) && !is_file(key))) return std::nullopt;
    form.emplace(std::move(key), std::move(value));
  }
  for (auto& [key, name] : files) {
    if (!IsValidUtf8(name)) return std::nullopt;
    file_names->emplace(std::move(key), std::move(name));
  }
  return form;
}

std::optional<UploadForm> ParseUploadForm(const HttpRequest& req,
                                          const std::filesystem::path& folder) {
  std::string_view type = req.Header("content-type");
  if (AsciiLower(type.substr(0, 19)) != "multipart/form-data") return std::nullopt;
  const BodyFile* file = BodyFileOf(req);
  std::shared_ptr<BodyFile> copy;  // a body in memory, written out to be read the same way
  if (!file) {
    auto made = BodyFile::Create(folder);
    if (!made || !(*made)->Write(req.body)) return std::nullopt;
    copy = std::move(*made);
    file = copy.get();
  }
  UploadForm out;
  FormFileLimits limits;
  limits.folder = folder;
  auto fields = ParseFormDataFile(type, file->path(), &out.files, limits);
  if (!fields) return std::nullopt;
  for (auto& [key, value] : *fields) {
    if (!IsValidUtf8(key) || !IsValidUtf8(value)) return std::nullopt;
    out.fields.emplace(std::move(key), std::move(value));
  }
  for (const FormFile& f : out.files) {
    if (!IsValidUtf8(f.file_name)) return std::nullopt;
  }
  return out;
}

std::string FormValue(const Form& f, const std::string& key) {
  auto it = f.find(key);
  return it == f.end() ? std::string() : it->second;
}

// Whether a POST comes from this site's own pages. Browsers say where a request comes from:
// Sec-Fetch-Site (same-origin, or none when the reader typed or bookmarked it), or, in browsers
// without it, Origin — which must be the site's (base_url's) or the one the request was sent to
// (Host: the site served at another address than base_url, as in a test). A request that says
// neither does not come from a browser (curl, a feed reader): another site's page cannot make
// one, so it is let through.
bool FromThisSite(const HttpRequest& req, const SiteConfig& config) {
  std::string_view fetch_site = req.Header("sec-fetch-site");
  if (!fetch_site.empty()) return fetch_site == "same-origin" || fetch_site == "none";
  std::string_view origin = req.Header("origin");
  if (origin.empty()) return true;
  const std::string& base = config.base_url;
  const size_t host_at = base.find("://");
  const size_t path_at = host_at == std::string::npos ? base.size() : base.find('/', host_at + 3);
  if (origin == std::string_view(base).substr(0, path_at)) return true;
  std::string_view host = req.Header("host");
  return !host.empty() &&
         (origin == "http://" + std::string(host) || origin == "https://" + std::string(host));
}

HttpResponse SeeOther(std::string location) {
  HttpResponse r = TextResponse(303, "See " + location + "\n");
  r.Set("Location", std::move(location));
  r.Set("Cache-Control", "no-store");
  r.label = "account";
  return r;
}

std::string QueryValue(const HttpRequest& request, std::string_view key) {
  auto params = DecodeUrlParams(request.Query());
  if (!params) return "";
  for (const auto& [k, v] : *params) {
    if (k == key) return IsValidUtf8(v) ? v : "";
  }
  return "";
}

}  // namespace cinepress
