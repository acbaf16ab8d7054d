#include "web/form.h"

#include "core/text.h"
#include "web/url_params.h"

namespace cinepress {

std::optional<Form> ParseForm(const HttpRequest& req) {
  std::string_view type = req.Header("content-type");
  if (type.substr(0, 33) != "application/x-www-form-urlencoded") return std::nullopt;
  auto params = DecodeUrlParams(req.body);
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
