// Form posts as handlers read them: an application/x-www-form-urlencoded body (web/url_params.h)
// or multipart/form-data (GMime), every key and value valid UTF-8. Contract: pure functions,
// thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "http/message.h"

namespace cinepress {

using Form = std::multimap<std::string, std::string>;

// nullopt for another content type, a body that does not parse, or invalid UTF-8.
std::optional<Form> ParseForm(const HttpRequest& request);
// The first value of `key` ("" when absent).
std::string FormValue(const Form& form, const std::string& key);

}  // namespace cinepress
