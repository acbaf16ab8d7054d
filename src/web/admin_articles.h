// The newsroom's view of the articles: each one's status (draft, waiting for review, scheduled,
// published), the articles list's filters and pages, and the dashboard's counts — plain functions
// over article metadata (bodies are not needed), so that a list of 10,000 is filtered in memory
// in a few milliseconds.
// Contract: pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/model.h"

namespace cinepress {

// "draft", "review" (submitted, waiting for an editor), "scheduled", "published", "private".
std::string_view AdminStatusOf(const Article& article, int64_t now);

struct ArticleFilter {
  std::string section, status, writer, tag, festival;  // "": any
  // The ids search found, best first (a search was asked for); nullopt: no search.
  std::optional<std::vector<int64_t>> found;
  size_t page = 1;  // 1-based
  size_t per_page = 50;
};

struct ArticleListPage {
  std::vector<const Article*> rows;  // this page's articles
  size_t total = 0;                  // matching articles in all
  size_t pages = 1;
};

// The articles (not pages or collections) that match every filter, newest first — or
// in search order when a search was made — and the requested page of them.
ArticleListPage FilterArticles(const std::vector<Article>& articles, const ArticleFilter& filter,
                               int64_t now);

// The values that listed articles have in `field` (&Article::section, &Article::festival),
// sorted, without the empty one: the choices of the list's filters.
std::vector<std::string> ListedValues(const std::vector<Article>& articles,
                                      std::string Article::*field);

struct NewsroomCounts {
  size_t drafts = 0, review = 0, scheduled = 0, published = 0;
  std::vector<const Article*> recent_drafts, waiting, upcoming, recently_published;  // 5 each
};
NewsroomCounts CountArticles(const std::vector<Article>& articles, int64_t now);

}  // namespace cinepress
