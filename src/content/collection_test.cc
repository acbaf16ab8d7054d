// A collection's order operations: each move, removal, addition and reorder gives the list the
// newsroom shows next, and each refuses what would lose or invent an entry.
#include "content/collection.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

const std::vector<std::string> kThree = {"reviews/low-water", "/people/park-seo-yeon/",
                                         "reviews/paper-weather"};

TEST(CollectionTest, AnEntrysPathIsTheSameHoweverItIsSpelled) {
  EXPECT_EQ(CollectionEntryPath("reviews/low-water"), "/reviews/low-water/");
  EXPECT_EQ(CollectionEntryPath("/reviews/low-water/"), "/reviews/low-water/");
  EXPECT_EQ(CollectionEntryPath(""), "");
}

TEST(CollectionTest, EntriesMoveOnePlaceUpOrDownButNotPastTheEnds) {
  auto up = MoveEntry(kThree, 2, EntryMove::kUp);
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(*up, (std::vector<std::string>{"reviews/low-water", "reviews/paper-weather",
                                           "/people/park-seo-yeon/"}));
  auto down = MoveEntry(kThree, 0, EntryMove::kDown);
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(down->front(), "/people/park-seo-yeon/");
  EXPECT_EQ((*down)[1], "reviews/low-water");
  EXPECT_FALSE(MoveEntry(kThree, 0, EntryMove::kUp).ok());
  EXPECT_FALSE(MoveEntry(kThree, 2, EntryMove::kDown).ok());
  auto gone = MoveEntry(kThree, 3, EntryMove::kUp);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().field, "items");
  EXPECT_NE(gone.error().message.find("changed since"), std::string::npos);
}

TEST(CollectionTest, AnEntryIsRemovedByItsPlace) {
  auto out = RemoveEntry(kThree, 1);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, (std::vector<std::string>{"reviews/low-water", "reviews/paper-weather"}));
  EXPECT_FALSE(RemoveEntry(kThree, 5).ok());
  EXPECT_FALSE(RemoveEntry({}, 0).ok());
}

TEST(CollectionTest, AnAddressIsAddedAtTheEndOnce) {
  auto out = AddEntry(kThree, "reviews/winter-quarters");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->back(), "reviews/winter-quarters");
  EXPECT_EQ(out->size(), 4u);
  auto twice = AddEntry(kThree, "/reviews/low-water/");
  ASSERT_FALSE(twice.ok()) << "the same address spelled the other way";
  EXPECT_NE(twice.error().message.find("already"), std::string::npos);
  EXPECT_FALSE(AddEntry(kThree, "").ok());
}

TEST(CollectionTest, AReorderKeepsEveryEntryAsWrittenAndRefusesAnyOtherList) {
  auto out = ReorderEntries(
      kThree, {"/reviews/paper-weather/", "reviews/low-water", "people/park-seo-yeon"});
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(*out, (std::vector<std::string>{"reviews/paper-weather", "reviews/low-water",
                                            "/people/park-seo-yeon/"}));
  EXPECT_FALSE(ReorderEntries(kThree, {"reviews/low-water", "reviews/paper-weather"}).ok())
      << "one left out";
  EXPECT_FALSE(ReorderEntries(kThree, {"reviews/low-water", "reviews/paper-weather",
                                       "/people/park-seo-yeon/", "reviews/new"})
                   .ok())
      << "one more";
  EXPECT_FALSE(
      ReorderEntries(kThree, {"reviews/low-water", "reviews/paper-weather", "reviews/other"}).ok())
      << "one swapped for another";
}

}  // namespace
}  // namespace cinepress
