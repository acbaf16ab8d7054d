// MembersWeb: readers' accounts in `cinepress serve` — the middleware that tells who a request's
// reader is (their session cookie, or the institution whose network they read from) and refuses
// forged posts, and the thin pages over src/members: sign-in by link or code, My Account. (The
// membership page is the site's own: /membership/ is the same in a static build.)
//
//   session cookie   an opaque random token (`__Host-cp_session` on https sites), looked up in
//                    memory (SessionTable), never a database query per request
//   CSRF             every POST must come from our own pages: the browser's Sec-Fetch-Site or
//                    Origin must say so, and the form must carry a MAC of the browser's own
//                    random CSRF cookie (set when a form is first shown)
//
// Contract: Start and Stop are called once by the owner; the middleware and handlers Mount adds
// are thread-safe (one store connection under a lock for writes; sessions and rights are read
// from memory and reloaded by a follower thread within a second of any change, by any process or
// node: the follower waits for the store's changes on a connection of its own).
// A site whose cinepress.toml has neither [members] nor [[tiers]] has no account pages (404),
// but sessions and institutions still apply.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>

#include "content/member_store.h"
#include "content/newsletter_store.h"
#include "mail/message.h"
#include "members/members.h"
#include "members/rights.h"
#include "members/sessions.h"
#include "site/site.h"
#include "web/rate_limiter.h"
#include "web/router.h"

namespace cinepress {

struct MembersWebOptions {
  std::function<std::shared_ptr<const Site>()> site;  // the site as served now
  std::function<Result<std::unique_ptr<MemberStore>>()> open_store;
  std::function<Result<std::unique_ptr<NewsletterStore>>()> open_newsletter_store;
  // Queues a message in the outbox (sign-in links, address changes); false when it could not.
  std::function<Status(const MailMessage&)> send;
  std::function<int64_t()> now;
  // What sign-ups, a reader's own changes of name or address, and erasures tell (the webhooks'
  // member.added, member.edited, member.deleted), in their own transactions, and the sender to
  // wake after them; both optional.
  MemberEventHook member_events;
  std::function<void()> wake_webhooks;
  // The site's feed with what `rights` open in full (LiveSite::PrivateFeed).
  std::function<HttpResponse(const HttpRequest&, const ReaderRights&)> private_feed;
  // A podcast's private feed and files (LiveSite::PrivatePodcast): the member's address
  // (".../feeds/private/TOKEN") and what follows it ("podcasts/…").
  std::function<HttpResponse(const HttpRequest&, const ReaderRights&, const std::string&,
                             std::string_view)>
      private_podcast;
  // My account's ebooks (ShopWeb::AccountDownloads) for the reader's address and rights:
  // [{title, files: [{name, url}]}]. Null: no shop.
  std::function<TemplateData(const std::string& email, const ReaderRights& rights)> downloads;
  // My account's workshops (WorkshopsWeb::AccountWorkshops) for the reader: their member id and
  // address. Null: none.
  std::function<TemplateData(int64_t member_id, const std::string& email)> workshops;
  int sign_ins_per_ip = 10;        // sign-in requests per client address …
  int64_t sign_in_window_s = 600;  // … in this many seconds; more get 429
  // The longest wait for the store's change (MemberStore::WaitForChange), between flushes of
  // the institutions' usage
  std::chrono::milliseconds poll{500};
};

class MembersWeb {
 public:
  explicit MembersWeb(MembersWebOptions options);
  ~MembersWeb();

  Status Start();
  void Stop();

  // Adds the middleware (sessions and rights, CSRF) and the routes under /account/ and
  // /membership/ to `router`.
  void Mount(Router& router);

  // Counts a restricted article served to an institution's reader, for its usage report (kept
  // in memory, written to the store by the follower within a second).
  void CountRestrictedView(const ReaderRights& rights, const std::string& url, bool opened);

  // A reader's page saying `message` (payments' pages too).
  HttpResponse Message(const Site& site, int status, const std::string& heading,
                       const std::string& message) const;
  // A reader's page from the theme's `template_name` with `view` (payments' gift pages too):
  // private, never cached or indexed.
  HttpResponse Page(const Site& site, int status, const std::string& url,
                    const std::string& heading, const std::string& template_name,
                    const TemplateData& view) const;

  // The rights of a request (its session cookie and address) at `now`.
  ReaderRights RightsOf(const HttpRequest& request, std::string* session_token = nullptr) const;

 private:
  struct Cookies {
    std::string session, csrf;
    bool secure = false;
  };
  Cookies CookieNames() const;
  std::string SessionCookie(const std::string& token, int64_t max_age) const;
  // The form token for this browser, making its CSRF cookie when it has none.
  std::string CsrfToken(RequestContext& ctx) const;
  std::optional<HttpResponse> CheckCsrf(RequestContext& ctx) const;

  HttpResponse SignInForm(RequestContext& ctx, int status, const std::string& email,
                          const std::string& error);
  HttpResponse CheckEmail(RequestContext& ctx, int status, const std::string& email,
                          const std::string& error);
  HttpResponse ButtonPage(RequestContext& ctx, const std::string& url, const std::string& heading,
                          const std::string& flag);
  HttpResponse SignInPage(RequestContext& ctx);
  HttpResponse SignInPost(RequestContext& ctx);
  HttpResponse LinkPage(RequestContext& ctx);
  HttpResponse LinkPost(RequestContext& ctx);
  HttpResponse CodePost(RequestContext& ctx);
  HttpResponse SignedIn(RequestContext& ctx, int64_t member_id);
  HttpResponse AccountPage(RequestContext& ctx, const std::string& message = "");
  HttpResponse AccountGet(RequestContext& ctx) { return AccountPage(ctx); }
  HttpResponse NamePost(RequestContext& ctx);
  HttpResponse EmailPost(RequestContext& ctx);
  HttpResponse EmailConfirmPage(RequestContext& ctx);
  HttpResponse EmailConfirmPost(RequestContext& ctx);
  HttpResponse NewslettersPost(RequestContext& ctx);
  HttpResponse SignOut(RequestContext& ctx, bool everywhere);
  HttpResponse SignOutHere(RequestContext& ctx) { return SignOut(ctx, false); }
  HttpResponse SignOutEverywhere(RequestContext& ctx) { return SignOut(ctx, true); }
  HttpResponse ExportGet(RequestContext& ctx);
  HttpResponse DeletePost(RequestContext& ctx);
  HttpResponse FeedPost(RequestContext& ctx);
  HttpResponse PrivateFeed(RequestContext& ctx);
  HttpResponse FeedRevokePost(RequestContext& ctx);

  void Follow();
  Status Reload();
  void FlushUsage();

  MembersWebOptions options_;
  std::string csrf_key_;
  mutable std::mutex store_mu_;
  std::unique_ptr<MemberStore> store_;
  std::unique_ptr<NewsletterStore> newsletters_;
  SessionTable sessions_;
  RightsBook rights_;
  RateLimiter sign_in_limit_;
  std::mutex follow_mu_;
  std::condition_variable follow_cv_;
  bool stopping_ = false;
  std::thread follower_;
  std::mutex usage_mu_;
  std::map<std::tuple<int64_t, std::string, std::string>, int64_t> usage_;  // id, path, kind
};

}  // namespace cinepress
