#include "web/openapi.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "web/admin_api.h"
#include "web/api_response.h"
#include "web/content_api.h"

namespace cinepress {
namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A documented path with each {parameter} given a value.
std::string Concrete(std::string path) {
  for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{')) {
    path.replace(open, path.find('}', open) - open + 1, "x1");
  }
  return path;
}

// The routes as `serve` mounts the APIs.
Router ApiRouter(ContentApi& api) {
  Router router;
  api.Mount(router);
  AdminApi admin({});
  admin.Mount(router);
  MountOpenApi(router);
  return router;
}

TEST(OpenApi, EveryApiRouteIsDocumentedAndEveryDocumentedPathIsRouted) {
  ContentApi api({});
  Router router = ApiRouter(api);
  const auto doc = nlohmann::json::parse(OpenApiDocument());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  const auto& paths = doc["paths"];
  ASSERT_GE(paths.size(), 10u);
  for (const auto& [path, methods] : paths.items()) {
    for (const auto& [method, operation] : methods.items()) {
      const Route* route = router.Find(Upper(method), Concrete(path));
      ASSERT_NE(route, nullptr) << method << " " << path << " is documented but not routed";
      EXPECT_EQ(route->path.rfind("/api/", 0), 0u) << path;
      EXPECT_TRUE(operation.contains("responses")) << path;
    }
  }
  size_t api_routes = 0;
  for (const Route* route : router.AllRoutes()) {
    if (route->path.rfind("/api/", 0) != 0) continue;
    ++api_routes;
    // CORS preflights (OPTIONS) answer for the GET route at the same path.
    std::string lower = route->method == "OPTIONS" ? "get" : route->method;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool documented = false;
    for (const auto& [path, methods] : paths.items()) {
      const bool same = route->prefix
                            ? path.size() > route->path.size() && path.rfind(route->path, 0) == 0 &&
                                  path.find('{') != std::string::npos
                            : path == route->path;
      if (same && methods.contains(lower)) documented = true;
    }
    EXPECT_TRUE(documented) << route->method << " " << route->path
                            << (route->prefix ? " (prefix)" : "") << " is routed, not documented";
  }
  EXPECT_GE(api_routes, 2 * ContentApi::Resources().size() + 3);
}

TEST(OpenApi, TheMembersListNamesItsSearchAndItsComparisons) {
  const auto doc = nlohmann::json::parse(OpenApiDocument());
  const auto& list = doc["paths"]["/api/admin/members/"]["get"];
  bool search = false;
  for (const auto& p : list["parameters"]) {
    if (p.dump().find("parameters/search") != std::string::npos) search = true;
  }
  EXPECT_TRUE(search) << list;
  EXPECT_TRUE(doc["components"]["parameters"].contains("search"));
  EXPECT_NE(list["summary"].get<std::string>().find("created_at:>"), std::string::npos);
}

TEST(OpenApi, TheDocumentIsServedWithCors) {
  ContentApi api({});
  Router router = ApiRouter(api);
  HttpRequest req;
  req.method = "GET";
  req.target = kOpenApiPath;
  HttpResponse r = router.Dispatch(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(r.BodyView(), OpenApiDocument());
  req.headers.push_back({"if-none-match", std::string(r.Header("ETag"))});
  EXPECT_EQ(router.Dispatch(req).status, 304);
}

TEST(ApiResponse, ErrorsHaveGhostsShapeAndAStableCode) {
  HttpRequest req;
  HttpResponse r = ApiError(req, ApiErrorCode::kKeyInvalid, "no integration has this key", "key");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  const auto body = nlohmann::json::parse(r.BodyView());
  EXPECT_EQ(body["errors"][0]["code"], "KEY_INVALID");
  EXPECT_EQ(body["errors"][0]["type"], "UnauthorizedError");
  EXPECT_EQ(body["errors"][0]["context"], "key");
  Error invalid{
      ErrorCode::kInvalidInput, "filter at character 3: expected a value", {}, 0, "filter"};
  HttpResponse bad = ApiError(req, invalid);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad.BodyView())["errors"][0]["code"], "INVALID_PARAMETER");
  EXPECT_EQ(ApiError(req, Error{ErrorCode::kConflict, "changed", {}, 0, ""}).status, 409);
}

TEST(ContentApi, WithoutAKeyEveryResourceAnswers401AndPreflightsAreAllowed) {
  ContentApi api({});
  Router router = ApiRouter(api);
  for (const ContentApiResource& r : ContentApi::Resources()) {
    HttpRequest req;
    req.method = "GET";
    req.target = "/api/content/" + r.path + "/?limit=5";
    HttpResponse resp = router.Dispatch(req);
    EXPECT_EQ(resp.status, 401) << r.path;
    EXPECT_EQ(nlohmann::json::parse(resp.BodyView())["errors"][0]["code"], "KEY_MISSING");
    req.method = "OPTIONS";
    HttpResponse pre = router.Dispatch(req);
    EXPECT_EQ(pre.status, 204) << r.path;
    EXPECT_EQ(pre.Header("Access-Control-Allow-Origin"), "*");
  }
}

}  // namespace
}  // namespace cinepress
