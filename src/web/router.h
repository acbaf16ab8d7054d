// Router: which handler answers a request. Routes are a method and a path (or a path prefix);
// middleware runs first on every request — sessions find the reader's rights, CSRF checks
// refuse forged posts — and a request that matches no route goes to the fallback (the site).
// Handlers stay thin: they read the request and the context, call a module's function and make
// a response.
//
// Contract: routes and middleware are added before the server starts; Dispatch is then
// thread-safe (it only reads the tables). Exact paths are found by hash lookup, then prefixes,
// longest first. A path that has routes for other methods answers 405 with Allow; a GET route
// answers HEAD too.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "content/access.h"
#include "http/message.h"

namespace cinepress {

// What the middleware learned about a request, for its handler.
struct RequestContext {
  explicit RequestContext(const HttpRequest& r) : request(r) {}
  const HttpRequest& request;
  ReaderRights rights;           // anonymous unless a session (or an institution) says otherwise
  std::string session_token;     // the session cookie, when it names a live session
  std::string csrf_secret;       // this browser's CSRF cookie (made when it had none)
  bool csrf_secret_new = false;  // set it on the response
  std::vector<std::string> set_cookies;  // Set-Cookie values for the response
  // The token that a form on this page must carry to pass the CSRF check (set by the CSRF
  // middleware; it may make the browser's CSRF cookie).
  std::function<std::string()> form_token;
};

using RouteHandler = std::function<HttpResponse(RequestContext&)>;

struct Route {
  std::string method;  // "GET" (answers HEAD too), "POST"…
  std::string path;    // "/account/" or, with `prefix`, "/newsletters/"
  bool prefix = false;
  bool csrf = true;  // a POST must come from our own pages (middleware checks it)
  RouteHandler handler;
};

// Runs before the route's handler (`route` is null for the fallback); a response ends the
// request there.
using Middleware = std::function<std::optional<HttpResponse>(RequestContext&, const Route*)>;

class Router {
 public:
  void Add(Route route);
  void Get(std::string path, RouteHandler h) { Add({"GET", std::move(path), false, true, h}); }
  void Post(std::string path, RouteHandler h) { Add({"POST", std::move(path), false, true, h}); }
  void Use(Middleware m) { middleware_.push_back(std::move(m)); }
  void Fallback(RouteHandler h) { fallback_ = std::move(h); }

  HttpResponse Dispatch(const HttpRequest& request) const;
  // The route a request of `method` for `path` reaches (null: none; the fallback would answer).
  const Route* Find(std::string_view method, std::string_view path) const {
    std::vector<std::string> allow;
    return Match(method, path, &allow);
  }
  // Every route, exact ones first (for the API's OpenAPI test).
  std::vector<const Route*> AllRoutes() const;

 private:
  const Route* Match(std::string_view method, std::string_view path,
                     std::vector<std::string>* allow) const;

  std::unordered_map<std::string, std::vector<Route>> exact_;
  std::vector<Route> prefixes_;  // longest first
  std::vector<Middleware> middleware_;
  RouteHandler fallback_;
};

}  // namespace cinepress
