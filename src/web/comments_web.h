// CommentsWeb: readers' comments in `cinepress serve` — thin handlers over src/comments.
//
//   GET  /comments/write/?article=ID[&reply=SOURCE]   the form for a signed-in member (with
//                       the router's CSRF token), or a page saying who may comment and how to
//                       sign in
//   POST /comments/write/   the form under a (static, cached) article page, which cannot carry
//                       a CSRF token: it writes nothing, and shows the same form with the text
//                       filled in, to be posted from there
//   POST /comments/post/    article, reply, comment (the router's CSRF check first): kept by
//                       comments/comments.h (held or shown by [comments] moderation; notices
//                       queued with it) → 303 to the comment on its page, or a page saying it
//                       waits for review; a non-member gets 403 and the sign-in prompt, a member
//                       over [comments] per_hour 429
//   GET  /comments/mine/    the member's own comments, each with a Delete button
//   POST /comments/delete/  key → the member's own comment deleted → 303 to /comments/mine/
//
// Contract: Start and Mount are called once by the owner before the server starts; handlers
// are thread-safe (one content and one member store connection, under one lock). Without
// [comments] (or members) the routes answer 404.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "comments/comments.h"
#include "content/content_store.h"
#include "content/member_store.h"
#include "site/site.h"
#include "web/rate_limiter.h"
#include "web/router.h"

namespace cinepress {

struct CommentsWebOptions {
  std::function<std::shared_ptr<const Site>()> site;  // the site as served now
  std::function<Result<std::unique_ptr<ContentStore>>()> open_store;
  std::function<Result<std::unique_ptr<MemberStore>>()> open_member_store;  // members' names
  // A page of the theme's `template_name` with `view` (private, never cached) — MembersWeb's.
  std::function<HttpResponse(int status, const std::string& url, const std::string& heading,
                             const std::string& template_name, const TemplateData& view)>
      page;
  std::function<void()> mail_queued;  // wakes the outbox's sender
  std::function<int64_t()> now;
  std::function<void(const std::string&)> log;
};

class CommentsWeb {
 public:
  explicit CommentsWeb(CommentsWebOptions options);

  Status Start();  // opens the stores
  void Mount(Router& router);

 private:
  // What the form shows again: the article, the comment answered, the text, what is wrong.
  struct Draft {
    int64_t article_id = 0;
    std::string reply, text, error;
  };
  HttpResponse WriteGet(RequestContext& ctx);
  HttpResponse WritePost(RequestContext& ctx);
  HttpResponse PostPost(RequestContext& ctx);
  HttpResponse MineGet(RequestContext& ctx);
  HttpResponse DeletePost(RequestContext& ctx);
  // The form (or, for a reader who may not comment, why not and how to sign in).
  HttpResponse FormPage(RequestContext& ctx, int status, const Draft& draft);
  HttpResponse Notice(int status, const std::string& heading, const std::string& message,
                      const std::string& back_url);
  // The published article with this id, or null.
  static const Article* FindArticle(const Site& site, int64_t id);
  std::string MemberName(int64_t member_id);

  CommentsWebOptions options_;
  std::mutex mu_;  // the stores
  std::unique_ptr<ContentStore> store_;
  std::unique_ptr<MemberStore> members_;
  std::unique_ptr<RateLimiter> limit_;  // [comments] per_hour, per member (as at Start)
};

}  // namespace cinepress
