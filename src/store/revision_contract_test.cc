// The revisions of articles (ContentStore's SaveRevision, LoadRevisions, LoadRevision), and the
// newsroom's collections saved through them (staff/collections.h: entries in order, a stale save
// refused, a delete taking the revisions), run against every engine (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include "staff/collections.h"
#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class RevisionContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    auto s = OpenContentStore(engine_.file(), engine_.With({}));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  int64_t AddArticle(const std::string& slug) {
    Article a;
    a.section = "reviews";
    a.slug = slug;
    a.title = "T";
    a.source_path = "content/reviews/" + slug + ".md";
    a.date = 100;
    auto id = store_->SaveArticle(a);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }
  Engine engine_;
  std::unique_ptr<ContentStore> store_;
};

TYPED_TEST_SUITE(RevisionContract, StoreEngines, EngineName);

Article Full() {
  Article a;
  a.section = "reviews";
  a.slug = "after-the-mountain";
  a.title = "After the Mountain";
  a.dek = "A dek with “quotes”.";
  a.date = 1633496434;
  a.draft = true;
  a.status = "pending";
  a.author_ids = {"nia-bianchi", "ole"};
  a.categories = {"Film Reviews"};
  a.tags = {"Slow Cinema"};
  a.festival = "TIFF 2021";
  a.image = Image{"/images/x.jpg", "A window", "Courtesy."};
  Film f;
  f.title = "After the Mountain";
  f.year = 2021;
  f.directors = {"Ana Ruiz"};
  a.film = f;
  a.interviewee = Interviewee{};
  a.interviewee->name = "Ana Ruiz";
  a.access = "members";
  a.body_markdown = "First line.\n\n<!--paywall-->\n\nSecond ☃.\n";
  a.word_count = 4;
  return a;
}

TYPED_TEST(RevisionContract, ARevisionKeepsTheWholeArticleAndWhoSavedItWhen) {
  const int64_t article = this->AddArticle("after-the-mountain");
  ArticleRevision r;
  r.article_id = article;
  r.created = 1700000000;
  r.author = "ed@mag.example";
  r.action = "review";
  r.article = Full();
  r.article.id = article;
  auto id = this->store_->SaveRevision(r);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto back = this->store_->LoadRevision(*id);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->id, *id);
  EXPECT_EQ(back->article_id, article);
  EXPECT_EQ(back->created, 1700000000);
  EXPECT_EQ(back->author, "ed@mag.example");
  EXPECT_EQ(back->action, "review");
  const Article& a = back->article;
  EXPECT_EQ(a.title, "After the Mountain");
  EXPECT_EQ(a.dek, "A dek with “quotes”.");
  EXPECT_EQ(a.date, 1633496434);
  EXPECT_TRUE(a.draft);
  EXPECT_EQ(a.status, "pending");
  EXPECT_EQ(a.author_ids, (std::vector<std::string>{"nia-bianchi", "ole"}));
  EXPECT_EQ(a.festival, "TIFF 2021");
  ASSERT_TRUE(a.image.has_value());
  EXPECT_EQ(a.image->alt, "A window");
  ASSERT_TRUE(a.film.has_value());
  EXPECT_EQ(a.film->year, 2021);
  EXPECT_EQ(a.film->directors, (std::vector<std::string>{"Ana Ruiz"}));
  ASSERT_TRUE(a.interviewee.has_value());
  EXPECT_EQ(a.interviewee->name, "Ana Ruiz");
  EXPECT_EQ(a.access, "members");
  EXPECT_EQ(a.body_markdown, "First line.\n\n<!--paywall-->\n\nSecond ☃.\n");
  EXPECT_EQ(a.word_count, 4u);
}

TYPED_TEST(RevisionContract, AnArticlesRevisionsAreListedNewestFirstAndOnlyItsOwn) {
  const int64_t one = this->AddArticle("one");
  const int64_t two = this->AddArticle("two");
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    ArticleRevision r;
    r.article_id = i == 1 ? two : one;
    r.created = 10 + i;
    r.author = "w" + std::to_string(i) + "@mag.example";
    r.action = "draft";
    r.article.title = "v" + std::to_string(i);
    auto id = this->store_->SaveRevision(r);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    ids.push_back(*id);
  }
  EXPECT_LT(ids[0], ids[2]) << "a later revision has a larger id";
  auto list = this->store_->LoadRevisions(one);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, ids[2]);
  EXPECT_EQ((*list)[0].author, "w2@mag.example");
  EXPECT_EQ((*list)[0].created, 12);
  EXPECT_EQ((*list)[1].id, ids[0]);
  EXPECT_TRUE((*list)[0].article.title.empty()) << "a listing leaves the article out";
  EXPECT_TRUE(this->store_->LoadRevisions(12345)->empty());
}

TYPED_TEST(RevisionContract, AMissingRevisionIsNotFoundAndDeletingTheArticleDeletesItsRevisions) {
  auto missing = this->store_->LoadRevision(999);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  const int64_t article = this->AddArticle("gone");
  ArticleRevision r;
  r.article_id = article;
  r.author = "ed@mag.example";
  r.action = "draft";
  auto id = this->store_->SaveRevision(r);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(this->store_->DeleteArticle(article));
  EXPECT_TRUE(this->store_->LoadRevisions(article)->empty());
  EXPECT_EQ(this->store_->LoadRevision(*id).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(RevisionContract, ARevisionRollsBackWithItsTransaction) {
  const int64_t article = this->AddArticle("rolled");
  ASSERT_TRUE(this->store_->BeginTransaction());
  ArticleRevision r;
  r.article_id = article;
  r.author = "ed@mag.example";
  r.action = "draft";
  ASSERT_TRUE(this->store_->SaveRevision(r).ok());
  ASSERT_TRUE(this->store_->Rollback());
  EXPECT_TRUE(this->store_->LoadRevisions(article)->empty());
}

TYPED_TEST(RevisionContract, ACollectionsEntriesKeepTheirOrderAndAStaleSaveIsRefused) {
  auto made = SaveCollectionFields(*this->store_, nullptr, {"Films We Love", "", "", "Ours."},
                                   EditAction::kPublish, {"ed@lt.example", 0, 1000}, {});
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  auto load = [&] {
    auto all = this->store_->LoadArticles(true);
    EXPECT_TRUE(all.ok());
    for (Article& a : all.ok() ? *all : std::vector<Article>{}) {
      if (a.id == made->article_id) return a;
    }
    return Article{};
  };
  const std::vector<std::string> order = {"reviews/c", "/people/park-seo-yeon/", "reviews/a"};
  auto saved = SaveCollectionEntries(*this->store_, load(), order,
                                     {"ed@lt.example", made->revision_id, 1001});
  ASSERT_TRUE(saved.ok()) << saved.error().ToString();
  EXPECT_EQ(load().items, order);
  EXPECT_EQ(load().body_markdown, "Ours.");
  auto stale = SaveCollectionEntries(*this->store_, load(), {"reviews/a"},
                                     {"other@lt.example", made->revision_id, 1002});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().field, kRevisionField);
  EXPECT_EQ(load().items, order) << "nothing overwritten";
  EXPECT_FALSE(DeleteCollection(*this->store_, made->article_id, made->revision_id).ok());
  ASSERT_TRUE(DeleteCollection(*this->store_, made->article_id, saved->revision_id).ok());
  EXPECT_TRUE(this->store_->LoadArticles(false)->empty());
  EXPECT_TRUE(this->store_->LoadRevisions(made->article_id)->empty());
}

}  // namespace
}  // namespace cinepress
