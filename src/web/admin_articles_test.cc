#include "web/admin_articles.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

Article Make(int64_t id, const std::string& section, int64_t date) {
  Article a;
  a.id = id;
  a.section = section;
  a.slug = "a" + std::to_string(id);
  a.title = "Article " + std::to_string(id);
  a.date = date;
  return a;
}

constexpr int64_t kNow = 1000;

std::vector<Article> Corpus() {
  std::vector<Article> all;
  all.push_back(Make(1, "reviews", 100));  // published
  all.push_back(Make(2, "reviews", 200));
  all.back().draft = true;  // draft
  all.push_back(Make(3, "interviews", 300));
  all.back().draft = true;
  all.back().status = "pending";            // waiting for review
  all.push_back(Make(4, "reviews", 2000));  // scheduled
  all.push_back(Make(5, "reviews", 500));
  all.back().author_ids = {"ann"};
  all.back().tags = {"Horror"};
  all.back().festival = "tiff-2021";
  Article page = Make(6, "", 50);
  page.kind = ArticleKind::kPage;
  all.push_back(page);
  all.push_back(Make(7, "collections", 60));  // a collection: not an article
  return all;
}

std::vector<int64_t> Ids(const ArticleListPage& p) {
  std::vector<int64_t> out;
  for (const Article* a : p.rows) out.push_back(a->id);
  return out;
}

TEST(AdminArticles, StatusesAsTheNewsroomNamesThem) {
  auto all = Corpus();
  EXPECT_EQ(AdminStatusOf(all[0], kNow), "published");
  EXPECT_EQ(AdminStatusOf(all[1], kNow), "draft");
  EXPECT_EQ(AdminStatusOf(all[2], kNow), "review");
  EXPECT_EQ(AdminStatusOf(all[3], kNow), "scheduled");
  EXPECT_EQ(AdminStatusOf(all[3], 2000), "published");
}

TEST(AdminArticles, EveryFilterNarrowsAndPagesAreCounted) {
  auto all = Corpus();
  EXPECT_EQ(Ids(FilterArticles(all, {}, kNow)), (std::vector<int64_t>{4, 5, 3, 2, 1}))
      << "newest first, no pages";
  ArticleFilter f;
  f.section = "reviews";
  EXPECT_EQ(Ids(FilterArticles(all, f, kNow)), (std::vector<int64_t>{4, 5, 2, 1}));
  f.status = "draft";
  EXPECT_EQ(Ids(FilterArticles(all, f, kNow)), (std::vector<int64_t>{2}));
  ArticleFilter by;
  by.writer = "ann";
  EXPECT_EQ(Ids(FilterArticles(all, by, kNow)), (std::vector<int64_t>{5}));
  by = {};
  by.tag = "Horror";
  by.festival = "tiff-2021";
  EXPECT_EQ(Ids(FilterArticles(all, by, kNow)), (std::vector<int64_t>{5}));
  ArticleFilter paged;
  paged.per_page = 2;
  paged.page = 3;
  auto last = FilterArticles(all, paged, kNow);
  EXPECT_EQ(last.total, 5u);
  EXPECT_EQ(last.pages, 3u);
  EXPECT_EQ(Ids(last), (std::vector<int64_t>{1}));
  paged.page = 99;
  EXPECT_EQ(Ids(FilterArticles(all, paged, kNow)), (std::vector<int64_t>{1})) << "the last page";
}

TEST(AdminArticles, SearchKeepsItsOrderAndTheFilters) {
  auto all = Corpus();
  ArticleFilter f;
  f.found = std::vector<int64_t>{1, 99, 5, 6};
  EXPECT_EQ(Ids(FilterArticles(all, f, kNow)), (std::vector<int64_t>{1, 5}))
      << "unknown ids and pages are left out";
  f.writer = "ann";
  EXPECT_EQ(Ids(FilterArticles(all, f, kNow)), (std::vector<int64_t>{5}));
}

TEST(AdminArticles, TheFiltersChoicesComeFromListedArticles) {
  EXPECT_EQ(ListedValues(Corpus(), &Article::section),
            (std::vector<std::string>{"interviews", "reviews"}));
  EXPECT_EQ(ListedValues(Corpus(), &Article::festival), (std::vector<std::string>{"tiff-2021"}));
}

TEST(AdminArticles, TheDashboardCountsEachStatus) {
  auto all = Corpus();
  NewsroomCounts c = CountArticles(all, kNow);
  EXPECT_EQ(c.drafts, 1u);
  EXPECT_EQ(c.review, 1u);
  EXPECT_EQ(c.scheduled, 1u);
  EXPECT_EQ(c.published, 2u);
  ASSERT_EQ(c.recently_published.size(), 2u);
  EXPECT_EQ(c.recently_published[0]->id, 5);
  ASSERT_EQ(c.waiting.size(), 1u);
  EXPECT_EQ(c.waiting[0]->id, 3);
}

}  // namespace
}  // namespace cinepress
