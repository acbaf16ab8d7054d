// ContentApi: the magazine's read-only Content API under /api/content/ (docs/API.md), in the
// shape of Ghost's Content API where the concepts match, over the site as `serve` has it now:
//
//   /api/content/articles/               {"posts": [...], "meta": {"pagination": {...}}}
//   /api/content/articles/{id}/          one article by store id
//   /api/content/articles/slug/{slug}/   one article by slug
//   /api/content/authors/ tags/ films/ people/ festivals/
//
//   key         ?key= an integration's Content API key (staff/integrations.h); 401 otherwise
//   paywall     a key sees what every reader sees: a restricted article's free part only, and
//               its `visibility`; the locked part is never rendered here
//   parameters  filter (content_filter.h), limit (1–100, default 15; `all`: up to 1,000), page,
//               include (authors, tags, count.posts), fields (a comma-separated subset)
//
// Contract: Mount before the server starts; handlers are thread-safe (the store connections are
// used under locks). Every response carries CORS for any origin; lists and items are cacheable
// (an ETag and a minute's max-age), errors are not.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "content/content_store.h"
#include "content/staff_store.h"
#include "site/site.h"
#include "web/api_list.h"
#include "web/router.h"

namespace cinepress {

struct ContentApiOptions {
  std::function<std::shared_ptr<const Site>()> site;  // the site as served now (null: not yet)
  std::function<Result<std::unique_ptr<ContentStore>>()> open_content_store;  // bodies
  std::function<Result<std::unique_ptr<StaffStore>>()> open_staff_store;      // the keys
};

class ContentApi {
 public:
  explicit ContentApi(ContentApiOptions options);
  ~ContentApi();

  // Adds the routes under /api/content/ (GET, and OPTIONS for CORS preflights).
  void Mount(Router& router);
  // Every resource, articles first.
  static const std::vector<ContentApiResource>& Resources();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace cinepress
