// Form posts as handlers read them: an application/x-www-form-urlencoded body (web/url_params.h)
// or multipart/form-data (GMime), every key and value valid UTF-8. Contract: pure functions,
// thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "http/message.h"
#include "mail/form_data.h"

namespace cinepress {

using Form = std::multimap<std::string, std::string>;

// nullopt for another content type, a body that does not parse, or invalid UTF-8 (a file's
// bytes excepted: with `file_names`, a multipart form's file fields are not checked, and their
// names are given there, field -> the file's name, valid UTF-8 or the form is refused).
// A body kept in a file (http/body_file.h: an upload) is read from it, its files left unread.
std::optional<Form> ParseForm(const HttpRequest& request, Form* file_names = nullptr);

// A form that carries files (the media library's upload), its body in a file (an upload too
// large to hold) or in memory: its fields, every key and value valid UTF-8, and each file, with
// a valid UTF-8 name, written to a file of its own in `folder` (mail's ParseFormDataFile).
// nullopt as for ParseForm.
struct UploadForm {
  Form fields;
  std::vector<FormFile> files;
};
std::optional<UploadForm> ParseUploadForm(const HttpRequest& request,
                                          const std::filesystem::path& folder);
// The first value of `key` ("" when absent).
std::string FormValue(const Form& form, const std::string& key);
// A query parameter of the request's URL, decoded ("" when absent or not valid UTF-8).
std::string QueryValue(const HttpRequest& request, std::string_view key);

// Whether a POST comes from this site's own pages (Sec-Fetch-Site, else Origin against base_url
// or the address the request was sent to): forms on static pages, which carry no CSRF token.
bool FromThisSite(const HttpRequest& request, const SiteConfig& config);

// 303 See Other to `location`, never stored: the answer to a form post.
HttpResponse SeeOther(std::string location);

}  // namespace cinepress
