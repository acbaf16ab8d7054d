#include "web/private_page.h"

#include <memory>

namespace cinepress {

HttpResponse PrivatePage(int status, Result<std::string> html, const char* label) {
  HttpResponse r;
  if (!html) {
    r = TextResponse(500, "The page could not be made: " + html.error().ToString() + "\n");
  } else {
    r.status = status;
    r.Set("Content-Type", "text/html; charset=utf-8");
    r.body = std::make_shared<const std::string>(std::move(*html));
  }
  r.Set("Cache-Control", "no-store");
  r.Set("Referrer-Policy", "no-referrer");
  r.Set("X-Robots-Tag", "noindex");
  r.label = label;
  return r;
}

}  // namespace cinepress
