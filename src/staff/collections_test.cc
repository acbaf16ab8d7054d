// The newsroom's collections over a real SQLite store: made as drafts, published, their entries
// saved in a new order as revisions, a save or a delete from an older revision refused, and no
// webhook queued by any of them.
#include "staff/collections.h"

#include <gtest/gtest.h>

#include "content/collection.h"
#include "staff/test_fixture.h"

namespace cinepress {
namespace {

constexpr int64_t kNow = 1'800'000'000;

class CollectionsTest : public ContentStoreFixture {
 protected:
  Article Stored(int64_t id) {
    auto all = store_->LoadArticles(true);
    EXPECT_TRUE(all.ok());
    for (const Article& a : *all) {
      if (a.id == id) return a;
    }
    ADD_FAILURE() << "no article " << id;
    return Article{};
  }
  std::vector<Article> All() { return *store_->LoadArticles(false); }
  int64_t Newest(int64_t id) { return store_->LoadRevisions(id)->front().id; }
};

TEST_F(CollectionsTest, ANewCollectionIsADraftUntilPublishedWithItsFileAndSlugMade) {
  CollectionFields f{"Films We Love", "", "The ones we press on friends.", "Not a best-of."};
  auto made = SaveCollectionFields(*store_, nullptr, f, EditAction::kSave,
                                   {"ed@lt.example", 0, kNow}, All());
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  Article a = Stored(made->article_id);
  EXPECT_TRUE(IsCollection(a));
  EXPECT_EQ(a.slug, "films-we-love");
  EXPECT_EQ(a.source_path, "content/collections/films-we-love.md");
  EXPECT_EQ(a.body_markdown, "Not a best-of.");
  EXPECT_TRUE(a.draft);
  auto published = SaveCollectionFields(*store_, &a, f, EditAction::kPublish,
                                        {"ed@lt.example", made->revision_id, kNow + 5}, All());
  ASSERT_TRUE(published.ok()) << published.error().ToString();
  a = Stored(made->article_id);
  EXPECT_FALSE(a.draft);
  EXPECT_EQ(a.date, kNow + 5);
  EXPECT_TRUE(store_->ListWebhookDeliveries(10)->empty()) << "no collection event exists";
}

TEST_F(CollectionsTest, BadFieldsAreRefusedByName) {
  auto untitled = SaveCollectionFields(*store_, nullptr, {" ", "", "", ""}, EditAction::kSave,
                                       {"ed@lt.example", 0, kNow}, All());
  ASSERT_FALSE(untitled.ok());
  EXPECT_EQ(untitled.error().field, "title");
  auto slug = SaveCollectionFields(*store_, nullptr, {"Lists", "Not A Slug", "", ""},
                                   EditAction::kSave, {"ed@lt.example", 0, kNow}, All());
  ASSERT_FALSE(slug.ok());
  EXPECT_EQ(slug.error().field, "slug");
  ASSERT_TRUE(SaveCollectionFields(*store_, nullptr, {"Lists", "lists", "", ""}, EditAction::kSave,
                                   {"ed@lt.example", 0, kNow}, All())
                  .ok());
  auto twice = SaveCollectionFields(*store_, nullptr, {"Other lists", "lists", "", ""},
                                    EditAction::kSave, {"ed@lt.example", 0, kNow}, All());
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(twice.error().field, "slug");
}

TEST_F(CollectionsTest, EntriesAreSavedInTheirNewOrderAndAStaleSaveIsRefused) {
  auto made = SaveCollectionFields(*store_, nullptr, {"Lists", "", "", "Intro."},
                                   EditAction::kPublish, {"ed@lt.example", 0, kNow}, All());
  ASSERT_TRUE(made.ok());
  Article a = Stored(made->article_id);
  std::vector<std::string> entries = {"reviews/a", "reviews/b", "reviews/c"};
  auto first =
      SaveCollectionEntries(*store_, a, entries, {"ed@lt.example", Newest(a.id), kNow + 1});
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  const int64_t opened = first->revision_id;  // two editors open the page at this revision
  a = Stored(a.id);
  EXPECT_EQ(a.items, entries);
  EXPECT_EQ(a.body_markdown, "Intro.") << "the introduction is kept";
  const int64_t updated = a.updated;

  auto moved = MoveEntry(a.items, 2, EntryMove::kUp);
  ASSERT_TRUE(moved.ok());
  auto second = SaveCollectionEntries(*store_, a, *moved, {"one@lt.example", opened, kNow + 2});
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  a = Stored(a.id);
  EXPECT_EQ(a.items, (std::vector<std::string>{"reviews/a", "reviews/c", "reviews/b"}));
  EXPECT_GT(a.updated, updated) << "the site's fingerprint of the collection moves";

  auto stale = SaveCollectionEntries(*store_, a, {"reviews/c", "reviews/a", "reviews/b"},
                                     {"two@lt.example", opened, kNow + 3});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(stale.error().field, kRevisionField);
  EXPECT_EQ(Stored(a.id).items, a.items) << "nothing overwritten";
  auto revisions = store_->LoadRevisions(a.id);
  ASSERT_TRUE(revisions.ok());
  EXPECT_EQ(revisions->size(), 3u);
  EXPECT_EQ(revisions->front().author, "one@lt.example");
  EXPECT_TRUE(store_->ListWebhookDeliveries(10)->empty());
}

TEST_F(CollectionsTest, ADeleteFromAnOlderRevisionIsRefusedAndAFreshOneRemovesIt) {
  auto made = SaveCollectionFields(*store_, nullptr, {"Lists", "", "", ""}, EditAction::kSave,
                                   {"ed@lt.example", 0, kNow}, All());
  ASSERT_TRUE(made.ok());
  Article a = Stored(made->article_id);
  ASSERT_TRUE(SaveCollectionEntries(*store_, a, {"reviews/a"},
                                    {"ed@lt.example", made->revision_id, kNow + 1})
                  .ok());
  Status stale = DeleteCollection(*store_, a.id, made->revision_id);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().field, kRevisionField);
  EXPECT_EQ(store_->LoadArticles(false)->size(), 1u);
  ASSERT_TRUE(DeleteCollection(*store_, a.id, Newest(a.id)).ok());
  EXPECT_TRUE(store_->LoadArticles(false)->empty());
  EXPECT_TRUE(store_->LoadRevisions(a.id)->empty()) << "its revisions go with it";
}

}  // namespace
}  // namespace cinepress
