// The newsroom's comments queue (AdminWeb's, declared in admin_web.h): readers' comments by
// status, newest first, each with its article, author and text, and the bulk actions over
// comments/comments.h. Editors and admins only (Permission::kModerateComments, asked by the
// route table); contributors and authors do not see comments in the newsroom. A comment's text
// is the escaped HTML it was kept as (comments/comments.h CommentHtml, or the WordPress
// importer's allow-list).
#include <algorithm>
#include <unordered_map>

#include "comments/comments.h"
#include "core/text.h"
#include "web/admin_visit.h"

namespace cinepress {
namespace {

constexpr size_t kQueueShown = 200;

struct QueueStatus {
  const char* status;  // in the store
  const char* name;    // the tab's
};
constexpr QueueStatus kStatuses[] = {
    {"pending", "Waiting"}, {"approved", "Approved"}, {"spam", "Spam"}};

// What a finished action says, by the action's name.
std::string DoneNotice(const std::string& action, size_t n) {
  static const std::pair<const char*, const char*> kDone[] = {{"approve", "approved"},
                                                              {"spam", "marked as spam"},
                                                              {"pending", "put back to review"},
                                                              {"delete", "deleted"}};
  for (const auto& [verb, done] : kDone) {
    if (action == verb) {
      return std::to_string(n) + (n == 1 ? " comment " : " comments ") + done + ".";
    }
  }
  return "";
}

}  // namespace

std::optional<int64_t> AdminWeb::PendingComments() {
  std::lock_guard lock(content_mu_);
  auto n = content_->CountComments("pending", 0);
  if (!n) return std::nullopt;
  return *n;
}

HttpResponse AdminWeb::CommentsGet(Visit& v) {
  const auto params = AdminQueryParams(v.ctx.request);
  std::string status = AdminParam(params, "status");
  if (status.empty()) status = "pending";
  const auto* chosen = std::find_if(std::begin(kStatuses), std::end(kStatuses),
                                    [&](const QueueStatus& s) { return status == s.status; });
  if (chosen == std::end(kStatuses)) return Refused(v, 400, "No such list of comments.");
  Result<std::vector<Comment>> list = std::vector<Comment>();
  kainjow::mustache::list tabs;
  {
    std::lock_guard lock(content_mu_);
    list = content_->LoadCommentsWithStatus(status, kQueueShown);
    for (const QueueStatus& s : kStatuses) {
      auto n = content_->CountComments(s.status, 0);
      TemplateData tab;
      tab.set("url", std::string("/admin/comments/?status=") + s.status);
      tab.set("name", s.name);
      tab.set("count", n ? std::to_string(*n) : std::string("?"));
      if (&s == chosen) tab.set("current", true);
      tabs.push_back(tab);
    }
  }
  if (!list) return Refused(v, 500, list.error().message);
  std::unordered_map<int64_t, const Article*> articles;
  for (const Article& a : v.site->articles()) articles.emplace(a.id, &a);
  kainjow::mustache::list rows;
  for (const Comment& c : *list) {
    TemplateData d;
    d.set("key", CommentKeyText(c));
    d.set("id", CommentAnchor(c.source_id));
    d.set("author", c.author);
    d.set("email", c.author_email);
    d.set("body", c.body);
    d.set("date_iso", v.site->tz().Iso(c.date));
    d.set("date", v.site->tz().Display(c.date));
    if (c.member_id != 0) d.set("member", true);
    if (!c.parent_source_id.empty()) d.set("reply", true);
    if (auto it = articles.find(c.article_id); it != articles.end()) {
      d.set("article_title", it->second->title);
      d.set("article_url", v.site->config().base_url + v.site->ArticleUrl(*it->second) + "#" +
                               CommentAnchor(c.source_id));
    } else {
      d.set("article_title", "An unpublished article");
    }
    rows.push_back(d);
  }
  TemplateData view;
  view.set("tabs", tabs);
  view.set("status", status);
  view.set("rows", rows);
  view.set("has_rows", !rows.empty());
  view.set("list_name", chosen->name);
  if (status != "approved") view.set("can_approve", true);
  if (status != "spam") view.set("can_spam", true);
  if (status != "pending") view.set("can_hold", true);
  const std::string notice =
      DoneNotice(AdminParam(params, "done"), static_cast<size_t>(AdminId(AdminParam(params, "n"))));
  if (!notice.empty()) view.set("notice", notice);
  return Render(v, 200, "comments", "Comments", view);
}

HttpResponse AdminWeb::CommentsPost(Visit& v) {
  const std::string action = v.Field("action");
  std::string status = v.Field("status");
  if (status.empty()) status = "pending";
  std::vector<CommentKey> keys;
  auto [begin, end] = v.form.equal_range("c");
  for (auto it = begin; it != end; ++it) {
    auto key = ParseCommentKey(it->second);
    if (!key) return Refused(v, 400, "A chosen comment is not one of the list's.");
    keys.push_back(std::move(*key));
  }
  if (keys.empty()) return Refused(v, 400, "Choose at least one comment first.");
  Status s;
  {
    std::lock_guard lock(content_mu_);
    s = ModerateComments(*content_, action, keys);
  }
  if (!s) {
    const int code = s.error().code == ErrorCode::kInvalidInput ? 400
                     : s.error().code == ErrorCode::kNotFound   ? 404
                                                                : 500;
    return Refused(v, code, s.error().message);
  }
  return AdminSeeOther("/admin/comments/?status=" + PercentEncode(status) +
                       "&done=" + PercentEncode(action) + "&n=" + std::to_string(keys.size()));
}

}  // namespace cinepress
