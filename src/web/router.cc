#include "web/router.h"

#include <algorithm>

namespace cinepress {
namespace {

bool Answers(const Route& r, std::string_view method) {
  return r.method == method || (method == "HEAD" && r.method == "GET");
}

// The methods a path answers, for a 405's Allow: "GET, HEAD, POST".
void AddAllow(std::vector<std::string>& allow, const std::string& method) {
  for (const std::string& m : method == "GET" ? std::vector<std::string>{"GET", "HEAD"}
                                              : std::vector<std::string>{method}) {
    if (std::find(allow.begin(), allow.end(), m) == allow.end()) allow.push_back(m);
  }
}

}  // namespace

void Router::Add(Route route) {
  if (route.prefix) {
    prefixes_.push_back(std::move(route));
    std::stable_sort(prefixes_.begin(), prefixes_.end(),
                     [](const Route& a, const Route& b) { return a.path.size() > b.path.size(); });
  } else {
    std::string path = route.path;
    exact_[path].push_back(std::move(route));
  }
}

const Route* Router::Match(std::string_view method, std::string_view path,
                           std::vector<std::string>* allow) const {
  if (auto it = exact_.find(std::string(path)); it != exact_.end()) {
    for (const Route& r : it->second) {
      if (Answers(r, method)) return &r;
      AddAllow(*allow, r.method);
    }
    return nullptr;
  }
  for (const Route& r : prefixes_) {
    if (path.substr(0, r.path.size()) != r.path) continue;
    if (Answers(r, method)) return &r;
    AddAllow(*allow, r.method);
  }
  return nullptr;
}

std::vector<const Route*> Router::AllRoutes() const {
  std::vector<const Route*> out;
  for (const auto& entry : exact_) {
    for (const Route& r : entry.second) out.push_back(&r);
  }
  for (const Route& r : prefixes_) out.push_back(&r);
  return out;
}

HttpResponse Router::Dispatch(const HttpRequest& request) const {
  RequestContext ctx(request);
  std::vector<std::string> allow;
  const Route* route = Match(request.method, request.Path(), &allow);
  std::optional<HttpResponse> early;
  if (!route && !allow.empty()) {
    early = TextResponse(405, "Not allowed here.\n");
    std::string methods;
    for (const std::string& m : allow) methods += (methods.empty() ? "" : ", ") + m;
    early->Set("Allow", methods);
  }
  for (const Middleware& m : middleware_) {
    if (early) break;
    early = m(ctx, route);
  }
  HttpResponse response = early       ? std::move(*early)
                          : route     ? route->handler(ctx)
                          : fallback_ ? fallback_(ctx)
                                      : TextResponse(404, "Not found\n");
  for (std::string& c : ctx.set_cookies) response.Set("Set-Cookie", std::move(c));
  // A 503 is a store or a service away for a moment (a database restarting): every one says
  // when to come back, whichever handler made it.
  if (response.status == 503 && response.Header("Retry-After").empty()) {
    response.Set("Retry-After", "5");
  }
  return response;
}

}  // namespace cinepress
