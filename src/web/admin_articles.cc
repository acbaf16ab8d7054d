#include "web/admin_articles.h"

#include <algorithm>
#include <unordered_map>

#include "content/collection.h"

namespace cinepress {
namespace {

bool Has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Articles as the newsroom lists them: not pages, not collections (hand-ordered lists kept as
// articles of the section "collections", which the site keeps apart too).
bool IsListed(const Article& a) { return a.kind == ArticleKind::kArticle && !IsCollection(a); }

bool Matches(const Article& a, const ArticleFilter& f, int64_t now) {
  if (!IsListed(a)) return false;
  if (!f.section.empty() && a.section != f.section) return false;
  if (!f.status.empty() && AdminStatusOf(a, now) != f.status) return false;
  if (!f.writer.empty() && !Has(a.author_ids, f.writer)) return false;
  if (!f.tag.empty() && !Has(a.tags, f.tag)) return false;
  if (!f.festival.empty() && a.festival != f.festival) return false;
  return true;
}

bool Newer(const Article* x, const Article* y) {
  return x->date != y->date ? x->date > y->date : x->id > y->id;
}

constexpr size_t kDashboardRows = 5;

void Keep(std::vector<const Article*>& list, const Article& a) { list.push_back(&a); }

// The first `n` of `list` by `before`.
void Top(std::vector<const Article*>& list, bool (*before)(const Article*, const Article*)) {
  const size_t n = std::min(list.size(), kDashboardRows);
  std::partial_sort(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(n), list.end(),
                    before);
  list.resize(n);
}

}  // namespace

std::string_view AdminStatusOf(const Article& a, int64_t now) {
  if (a.password_protected) return "private";
  if (a.status == "pending") return "review";
  if (a.draft) return "draft";
  if (a.date > now) return "scheduled";
  return "published";
}

ArticleListPage FilterArticles(const std::vector<Article>& articles, const ArticleFilter& f,
                               int64_t now) {
  std::vector<const Article*> rows;
  if (f.found) {
    std::unordered_map<int64_t, const Article*> by_id;
    by_id.reserve(articles.size());
    for (const Article& a : articles) by_id.emplace(a.id, &a);
    for (int64_t id : *f.found) {
      auto it = by_id.find(id);
      if (it != by_id.end() && Matches(*it->second, f, now)) rows.push_back(it->second);
    }
  } else {
    for (const Article& a : articles) {
      if (Matches(a, f, now)) rows.push_back(&a);
    }
    std::sort(rows.begin(), rows.end(), Newer);
  }
  ArticleListPage out;
  out.total = rows.size();
  const size_t per = std::max<size_t>(f.per_page, 1);
  out.pages = std::max<size_t>(1, (rows.size() + per - 1) / per);
  const size_t page = std::clamp<size_t>(f.page, 1, out.pages);
  const size_t from = std::min(rows.size(), (page - 1) * per);
  const size_t to = std::min(rows.size(), from + per);
  out.rows.assign(rows.begin() + static_cast<std::ptrdiff_t>(from),
                  rows.begin() + static_cast<std::ptrdiff_t>(to));
  return out;
}

std::vector<std::string> ListedValues(const std::vector<Article>& articles,
                                      std::string Article::*field) {
  std::vector<std::string> out;
  for (const Article& a : articles) {
    if (IsListed(a) && !(a.*field).empty()) out.push_back(a.*field);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

NewsroomCounts CountArticles(const std::vector<Article>& articles, int64_t now) {
  NewsroomCounts c;
  for (const Article& a : articles) {
    if (!IsListed(a)) continue;
    const std::string_view status = AdminStatusOf(a, now);
    if (status == "draft") {
      ++c.drafts;
      Keep(c.recent_drafts, a);
    } else if (status == "review") {
      ++c.review;
      Keep(c.waiting, a);
    } else if (status == "scheduled") {
      ++c.scheduled;
      Keep(c.upcoming, a);
    } else if (status == "published") {
      ++c.published;
      Keep(c.recently_published, a);
    }
  }
  Top(c.recent_drafts, Newer);
  Top(c.waiting, Newer);
  Top(c.upcoming, [](const Article* x, const Article* y) { return x->date < y->date; });
  Top(c.recently_published, Newer);
  return c;
}

}  // namespace cinepress
