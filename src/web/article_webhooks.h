// The articles' webhook events (article.published, article.updated, article.unpublished,
// article.deleted) and what they tell, made one way for every place that changes an article:
// the Admin API and the newsroom's editor (docs/API.md).
// Contract: pure functions but QueueArticleEvent's, which writes into the caller's transaction.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "content/content_store.h"
#include "core/config.h"
#include "site/site.h"
#include "staff/editing.h"

namespace cinepress {

// The event a save is ("" for none: a draft's save, or an autosave, tells nobody).
std::string_view ArticleEventOf(EditAction action, bool was_live, const Article& after);

// "draft", "scheduled" (dated after `now`) or "published".
std::string_view ArticleStatusOf(const Article& a, int64_t now);

// An article's `updated_at` as the Admin API shows it: the last save's time, whose milliseconds
// are the save's revision number modulo 1000 — two saves in one second read differently, so an
// update made from the first is refused after the second.
std::string ArticleUpdatedAt(const Article& a, int64_t revision);

// {"id", "title", "slug", "section", "status", "published_at", "updated_at", "url"}: the Admin
// API's answer and the events' `data` (url null without a site).
nlohmann::json ArticleJson(const Article& a, int64_t revision, int64_t now, const Site* site);

// A SaveEdit before_commit that tells the save to the webhooks of `hooks` (copied): `event` (if
// any) for `article` (its id and revision the save's) now; a scheduled piece's article.published
// at its publish time (when it appears on the site), any earlier one for the piece taken back
// first. Empty when there are no hooks.
std::function<Status(ContentStore&, const EditSaved&)> QueueArticleEvent(
    const std::vector<WebhookConfig>& hooks, std::string_view event, Article article,
    std::shared_ptr<const Site> site, int64_t now);

// Deletes `article` and tells article.deleted (the piece as it was last, revision 0) to `hooks`
// in one transaction, a publication it had scheduled taken back: the Admin API's delete and the
// newsroom's. Its revisions go with it (the store deletes them with the piece). A store's refusal
// (a collection that lists it, say) is the error, and nothing is changed.
Status DeleteArticleAndTell(ContentStore& store, const std::vector<WebhookConfig>& hooks,
                            const Article& article, const Site* site, int64_t now);

}  // namespace cinepress
