#include "http/message.h"

#include <strings.h>

namespace cinepress {

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

std::string_view HttpRequest::Path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::Query() const {
  std::string_view t = target;
  size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

std::string_view HttpRequest::Cookie(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
  }
  return {};
}

std::string_view HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  if (header_block) {
    std::string_view block = *header_block;
    while (!block.empty()) {
      size_t eol = block.find("\r\n");
      std::string_view line = block.substr(0, eol);
      size_t colon = line.find(':');
      if (colon == name.size() && ::strncasecmp(line.data(), name.data(), colon) == 0) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        return value;
      }
      if (eol == std::string_view::npos) break;
      block.remove_prefix(eol + 2);
    }
  }
  return {};
}

size_t HttpResponse::BodySize() const {
  if (reader) return length == std::string::npos ? 0 : length;
  if (!body) return 0;
  size_t avail = offset < body->size() ? body->size() - offset : 0;
  return length == std::string::npos ? avail : std::min(length, avail);
}

std::string_view HttpResponse::BodyView() const {
  if (!body) return {};
  return std::string_view(*body).substr(std::min(offset, body->size()), BodySize());
}

HttpResponse TextResponse(int status, std::string text) {
  HttpResponse r;
  r.status = status;
  r.Set("Content-Type", "text/plain; charset=utf-8");
  r.Set("Cache-Control", "no-store");
  r.body = std::make_shared<const std::string>(std::move(text));
  return r;
}

}  // namespace cinepress
