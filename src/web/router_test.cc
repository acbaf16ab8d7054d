#include "web/router.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

HttpRequest Request(std::string method, std::string target) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

RouteHandler Says(std::string text) {
  return [text](RequestContext&) { return TextResponse(200, text); };
}

TEST(Router, ExactPathsThenLongestPrefixThenFallback) {
  Router router;
  router.Get("/account/", Says("account"));
  router.Add({"GET", "/account/", true, true, Says("account prefix")});
  router.Add({"GET", "/account/sign-in/", true, true, Says("sign-in prefix")});
  router.Fallback(Says("site"));
  EXPECT_EQ(router.Dispatch(Request("GET", "/account/")).BodyView(), "account");
  EXPECT_EQ(router.Dispatch(Request("GET", "/account/?x=1")).BodyView(), "account");
  EXPECT_EQ(router.Dispatch(Request("GET", "/account/sign-in/link/")).BodyView(), "sign-in prefix");
  EXPECT_EQ(router.Dispatch(Request("GET", "/account/export.json")).BodyView(), "account prefix");
  EXPECT_EQ(router.Dispatch(Request("GET", "/reviews/x/")).BodyView(), "site");
  EXPECT_EQ(router.Dispatch(Request("HEAD", "/account/")).BodyView(), "account");
}

TEST(Router, OtherMethodsGet405WithAllow) {
  Router router;
  router.Get("/account/", Says("get"));
  router.Post("/account/sign-out/", Says("post"));
  router.Fallback(Says("site"));
  HttpResponse r = router.Dispatch(Request("POST", "/account/"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, HEAD");
  HttpResponse s = router.Dispatch(Request("GET", "/account/sign-out/"));
  EXPECT_EQ(s.status, 405);
  EXPECT_EQ(s.Header("Allow"), "POST");
}

TEST(Router, MiddlewareSeesEveryRequestAndCanEndIt) {
  Router router;
  int seen = 0;
  router.Use([&](RequestContext& ctx, const Route* route) -> std::optional<HttpResponse> {
    ++seen;
    ctx.rights.member_id = 9;
    if (route && route->method == "POST" && route->csrf) return TextResponse(403, "forged\n");
    ctx.set_cookies.push_back("cp_csrf=abc; Path=/; HttpOnly");
    return std::nullopt;
  });
  router.Post("/account/sign-out/", Says("out"));
  router.Add({"POST", "/payments/webhook", false, false, Says("webhook")});
  router.Fallback([](RequestContext& ctx) {
    return TextResponse(200, "member " + std::to_string(ctx.rights.member_id));
  });
  HttpResponse page = router.Dispatch(Request("GET", "/"));
  EXPECT_EQ(page.BodyView(), "member 9");
  EXPECT_EQ(page.Header("Set-Cookie"), "cp_csrf=abc; Path=/; HttpOnly");
  EXPECT_EQ(router.Dispatch(Request("POST", "/account/sign-out/")).status, 403);
  EXPECT_EQ(router.Dispatch(Request("POST", "/payments/webhook")).BodyView(), "webhook");
  EXPECT_EQ(seen, 3);
}

TEST(Router, Every503SaysWhenToComeBack) {
  Router router;
  router.Get("/down/", [](RequestContext&) { return TextResponse(503, "away\n"); });
  router.Get("/own/", [](RequestContext&) {
    HttpResponse r = TextResponse(503, "away\n");
    r.Set("Retry-After", "60");
    return r;
  });
  EXPECT_EQ(router.Dispatch(Request("GET", "/down/")).Header("Retry-After"), "5");
  EXPECT_EQ(router.Dispatch(Request("GET", "/own/")).Header("Retry-After"), "60");
  EXPECT_EQ(router.Dispatch(Request("GET", "/elsewhere/")).Header("Retry-After"), "");
}

}  // namespace
}  // namespace cinepress
