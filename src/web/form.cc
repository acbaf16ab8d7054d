#include "web/form.h"

#include "core/text.h"
#include "mail/form_data.h"
#include "web/url_params.h"

namespace cinepress {

std::optional<Form> ParseForm(const HttpRequest& req) {
  std::string_view type = req.Header("content-type");
  std::optional<UrlParams> params;
  if (AsciiLower(type.substr(0, 33)) == "application/x-www-form-urlencoded") {
    params = DecodeUrlParams(req.body);
  } else if (AsciiLower(type.substr(0, 19)) == "multipart/form-data") {
    // What RFC 8058 asks mail clients to send for one-click unsubscribe (GMime, in mail/).
    params = ParseFormData(type, req.body);
  }
  if (!params) return std::nullopt;
  Form form;
  for (auto& [key, value] : *params) {
    if (!IsValidUtf8(key) || !IsValidUtf8(value)) return std::nullopt;
    form.emplace(std::move(key), std::move(value));
  }
  return form;
}

std::string FormValue(const Form& f, const std::string& key) {
  auto it = f.find(key);
  return it == f.end() ? std::string() : it->second;
}

}  // namespace cinepress
