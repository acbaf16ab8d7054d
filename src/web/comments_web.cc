#include "web/comments_web.h"

#include <charconv>

#include "core/text.h"
#include "web/form.h"

namespace cinepress {
namespace {

constexpr size_t kMineShown = 200;

int64_t IdOf(const std::string& text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size() && n > 0 ? n : 0;
}

}  // namespace

CommentsWeb::CommentsWeb(CommentsWebOptions options) : options_(std::move(options)) {}

Status CommentsWeb::Start() {
  auto store = options_.open_store();
  if (!store) return store.error();
  store_ = std::move(*store);
  if (options_.open_member_store) {
    auto members = options_.open_member_store();
    if (!members) return members.error();
    members_ = std::move(*members);
  }
  auto site = options_.site();
  const int per_hour = site ? site->config().comments.per_hour : CommentsConfig{}.per_hour;
  limit_ = std::make_unique<RateLimiter>(per_hour, 3600);
  return {};
}

void CommentsWeb::Mount(Router& router) {
  using namespace std::placeholders;
  // Each handler answers 404 while [comments] is off (the site may turn them on and off live).
  auto when_on = [this](HttpResponse (CommentsWeb::*handler)(RequestContext&)) {
    return [this, handler](RequestContext& ctx) {
      auto site = options_.site();
      if (!site || !site->config().comments.enabled) {
        return Notice(404, "Not found", "Comments are not open on this site.", "/");
      }
      return (this->*handler)(ctx);
    };
  };
  router.Get("/comments/write/", when_on(&CommentsWeb::WriteGet));
  // From the article pages' form: shows the form again, with a token; never writes.
  router.Add({"POST", "/comments/write/", false, false, when_on(&CommentsWeb::WritePost)});
  router.Post("/comments/post/", when_on(&CommentsWeb::PostPost));
  router.Get("/comments/mine/", when_on(&CommentsWeb::MineGet));
  router.Post("/comments/delete/", when_on(&CommentsWeb::DeletePost));
}

const Article* CommentsWeb::FindArticle(const Site& site, int64_t id) {
  for (const Article& a : site.articles()) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

std::string CommentsWeb::MemberName(int64_t member_id) {
  std::lock_guard lock(mu_);
  if (!members_) return "";
  auto m = members_->LoadMember(member_id);
  return m && m->has_value() ? (*m)->name : std::string();
}

HttpResponse CommentsWeb::Notice(int status, const std::string& heading, const std::string& message,
                                 const std::string& back_url) {
  TemplateData view;
  view.set("heading", heading);
  view.set("notice", message);
  view.set("back_url", back_url);
  return options_.page(status, "/comments/", heading, "comment", view);
}

HttpResponse CommentsWeb::FormPage(RequestContext& ctx, int status, const Draft& draft) {
  auto site = options_.site();
  const Article* article = FindArticle(*site, draft.article_id);
  if (!article) {
    return Notice(404, "Not found", "There is no such article to comment on.", "/");
  }
  const std::string url = site->ArticleUrl(*article);
  const std::string heading = "Comment on " + article->title;
  TemplateData view;
  view.set("heading", heading);
  view.set("article_title", article->title);
  view.set("article_url", url);
  if (!draft.reply.empty()) {
    std::lock_guard lock(mu_);
    auto parent = store_->LoadComment(article->id, draft.reply);
    if (parent && parent->status == "approved") {
      view.set("reply_author", parent->author);
      view.set("reply_url", url + "#" + CommentAnchor(parent->source_id));
      view.set("reply", draft.reply);
    }
  }
  const CommentsConfig& config = site->config().comments;
  switch (MayComment(config, ctx.rights)) {
    case CommentRight::kAllowed:
      view.set("form", true);
      view.set("csrf", ctx.form_token ? ctx.form_token() : std::string());
      view.set("article_id", std::to_string(article->id));
      view.set("text", draft.text);
      view.set("max_length", std::to_string(config.max_length));
      if (!draft.error.empty()) view.set("error", draft.error);
      break;
    case CommentRight::kPaid:
      view.set("paid_only", true);
      view.set("membership_url", "/membership/");
      break;
    case CommentRight::kSignIn:
    case CommentRight::kClosed:
      view.set("sign_in", true);
      view.set("sign_in_url", "/account/sign-in/");
      view.set("membership_url", "/membership/");
      break;
  }
  return options_.page(status, "/comments/write/", "Comment on " + article->title, "comment", view);
}

HttpResponse CommentsWeb::WriteGet(RequestContext& ctx) {
  Draft d;
  d.article_id = IdOf(QueryValue(ctx.request, "article"));
  d.reply = QueryValue(ctx.request, "reply");
  return FormPage(ctx, 200, d);
}

HttpResponse CommentsWeb::WritePost(RequestContext& ctx) {
  auto form = ParseForm(ctx.request);
  if (!form) return Notice(400, "Not sent", "The form did not come through.", "/");
  Draft d;
  d.article_id = IdOf(FormValue(*form, "article"));
  d.reply = FormValue(*form, "reply");
  d.text = FormValue(*form, "comment");
  return FormPage(ctx, 200, d);
}

HttpResponse CommentsWeb::PostPost(RequestContext& ctx) {
  auto site = options_.site();
  auto form = ParseForm(ctx.request);
  if (!form) return Notice(400, "Not sent", "The form did not come through.", "/");
  Draft d;
  d.article_id = IdOf(FormValue(*form, "article"));
  d.reply = FormValue(*form, "reply");
  d.text = FormValue(*form, "comment");
  const Article* article = FindArticle(*site, d.article_id);
  if (!article) return FormPage(ctx, 404, d);
  if (MayComment(site->config().comments, ctx.rights) != CommentRight::kAllowed) {
    return FormPage(ctx, 403, d);
  }
  const int64_t now = options_.now();
  if (!limit_->Allow("member:" + std::to_string(ctx.rights.member_id), now)) {
    d.error = "You have posted many comments in the last hour. Please wait a while.";
    return FormPage(ctx, 429, d);
  }
  const std::string url = site->ArticleUrl(*article);
  CommentedArticle where{article->id, article->title, site->Absolute(url)};
  NewComment c{article->id, d.reply, ctx.rights.member_id, MemberName(ctx.rights.member_id),
               d.text};
  Result<Comment> kept = Error{};
  {
    std::lock_guard lock(mu_);
    kept = PostComment(*store_, site->config(), where, std::move(c), now);
  }
  if (!kept) {
    if (kept.error().code != ErrorCode::kInvalidInput) {
      if (options_.log) options_.log("comments: " + kept.error().ToString());
      return Notice(503, "Not sent", "Your comment could not be kept. Please try again.", url);
    }
    d.error = kept.error().message;
    if (kept.error().field == "parent") d.reply.clear();
    return FormPage(ctx, 400, d);
  }
  if (options_.mail_queued) options_.mail_queued();
  if (kept->status == "approved") return SeeOther(url + "#" + CommentAnchor(kept->source_id));
  return Notice(200, "Thank you",
                "Your comment waits for an editor's review; it will appear under the article "
                "once it is approved.",
                url);
}

HttpResponse CommentsWeb::MineGet(RequestContext& ctx) {
  if (!ctx.rights.signed_in()) {
    return Notice(403, "Your comments", "Sign in to see your comments.", "/account/sign-in/");
  }
  auto site = options_.site();
  Result<std::vector<Comment>> mine = Error{};
  {
    std::lock_guard lock(mu_);
    mine = store_->LoadCommentsOfMember(ctx.rights.member_id, kMineShown);
  }
  if (!mine) return Notice(503, "Your comments", "Please try again in a moment.", "/");
  TemplateData list{TemplateData::type::list};
  for (const Comment& c : *mine) {
    TemplateData x;
    const Article* a = FindArticle(*site, c.article_id);
    x.set("article_title", a ? a->title : std::string("An article no longer published"));
    if (a) x.set("url", site->ArticleUrl(*a) + "#" + CommentAnchor(c.source_id));
    x.set("date_iso", site->tz().Iso(c.date));
    x.set("date_display", site->tz().Display(c.date));
    x.set("body", c.body);  // escaped when it was posted (CommentHtml)
    x.set("pending", c.status == "pending");
    x.set("key", CommentKeyText(c));
    list.push_back(x);
  }
  TemplateData view;
  view.set("heading", "Your comments");
  view.set("mine", true);
  view.set("has_comments", !mine->empty());
  view.set("comments", list);
  view.set("csrf", ctx.form_token ? ctx.form_token() : std::string());
  return options_.page(200, "/comments/mine/", "Your comments", "comment", view);
}

HttpResponse CommentsWeb::DeletePost(RequestContext& ctx) {
  if (!ctx.rights.signed_in()) {
    return Notice(403, "Your comments", "Sign in to delete your comments.", "/account/sign-in/");
  }
  auto form = ParseForm(ctx.request);
  auto key = form ? ParseCommentKey(FormValue(*form, "key")) : std::nullopt;
  if (!key) return Notice(400, "Not deleted", "No comment was chosen.", "/comments/mine/");
  Status s;
  {
    std::lock_guard lock(mu_);
    s = DeleteOwnComment(*store_, ctx.rights.member_id, *key);
  }
  if (!s) {
    return Notice(s.error().code == ErrorCode::kNotFound ? 404 : 503, "Not deleted",
                  s.error().message, "/comments/mine/");
  }
  return SeeOther("/comments/mine/");
}

}  // namespace cinepress
