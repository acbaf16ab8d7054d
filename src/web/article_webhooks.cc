#include "web/article_webhooks.h"

#include "core/dates.h"
#include "webhooks/webhooks.h"

namespace cinepress {

std::string_view ArticleEventOf(EditAction action, bool was_live, const Article& after) {
  if (action == EditAction::kPublish) return "article.published";
  if (action == EditAction::kUnpublish) return "article.unpublished";
  if (was_live && IsLive(after) && action != EditAction::kAutosave) return "article.updated";
  return "";
}

std::string_view ArticleStatusOf(const Article& a, int64_t now) {
  if (a.draft) return "draft";
  return a.date > now ? "scheduled" : "published";
}

std::string ArticleUpdatedAt(const Article& a, int64_t revision) {
  std::string iso = TimeZone::IsoUtc(a.updated ? a.updated : a.date);  // "…:34Z"
  const std::string ms = std::to_string(1000 + revision % 1000).substr(1);
  iso.insert(iso.size() - 1, "." + ms);
  return iso;
}

nlohmann::json ArticleJson(const Article& a, int64_t revision, int64_t now, const Site* site) {
  using Json = nlohmann::json;
  return {{"id", std::to_string(a.id)},
          {"title", a.title},
          {"slug", a.slug},
          {"section", a.section},
          {"status", ArticleStatusOf(a, now)},
          {"published_at", a.draft ? Json(nullptr) : Json(TimeZone::IsoUtc(a.date))},
          {"updated_at", ArticleUpdatedAt(a, revision)},
          {"url", site ? Json(site->ArticleUrl(a)) : Json(nullptr)}};
}

std::function<Status(ContentStore&, const EditSaved&)> QueueArticleEvent(
    const std::vector<WebhookConfig>& hooks, std::string_view event, Article article,
    std::shared_ptr<const Site> site, int64_t now) {
  if (hooks.empty()) return {};
  return [hooks, event = std::string(event), article = std::move(article), site = std::move(site),
          now](ContentStore& store, const EditSaved& done) -> Status {
    Article told = article;
    told.id = done.article_id;
    if (auto s = CancelScheduledPublish(store, told.id); !s) return s;
    if (!event.empty()) {
      const std::string data = ArticleJson(told, done.revision_id, now, site.get()).dump();
      if (auto s = QueueWebhookEvent(store, hooks, event, data, now); !s) return s;
    }
    if (told.draft || told.date <= now) return {};
    // Told as the piece will be when it appears: published, at its date.
    const std::string data = ArticleJson(told, done.revision_id, told.date, site.get()).dump();
    return QueueScheduledPublish(store, hooks, told.id, data, now, told.date);
  };
}

Status DeleteArticleAndTell(ContentStore& store, const std::vector<WebhookConfig>& hooks,
                            const Article& article, const Site* site, int64_t now) {
  if (auto s = store.BeginTransaction(); !s) return s;
  Status done = QueueWebhookEvent(store, hooks, "article.deleted",
                                  ArticleJson(article, 0, now, site).dump(), now);
  if (done) done = CancelScheduledPublish(store, article.id);  // never announced now
  if (done) done = store.DeleteArticle(article.id);
  if (done) done = store.Commit();
  if (!done) (void)store.Rollback();  // the error is `done`'s
  return done;
}

}  // namespace cinepress
