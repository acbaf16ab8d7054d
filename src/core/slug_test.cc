#include "core/slug.h"

#include <gtest/gtest.h>

namespace cinepress {

TEST(Slugify, LowercasesAndJoinsWordsWithDashes) {
  EXPECT_EQ(Slugify("Film Reviews"), "film-reviews");
  EXPECT_EQ(Slugify("  Slow   Cinema!! "), "slow-cinema");
  EXPECT_EQ(Slugify("TIFF21"), "tiff21");
}

TEST(Slugify, TransliteratesAccentsAndOtherScripts) {
  EXPECT_EQ(Slugify("Cléo & the Łódź Tapes"), "cleo-the-lodz-tapes");
  EXPECT_EQ(Slugify("Dąbrowski"), "dabrowski");
  EXPECT_EQ(Slugify("박서연"), "bagseoyeon");
}

TEST(Slugify, ApostrophesJoinAndEmptyBecomesUntitled) {
  EXPECT_EQ(Slugify("Nikolai's Camera"), "nikolais-camera");
  EXPECT_EQ(Slugify("!!!"), "untitled");
  EXPECT_EQ(Slugify(""), "untitled");
}

TEST(Slugify, IsCappedAt80Characters) {
  std::string s = Slugify(std::string(200, 'a'));
  EXPECT_EQ(s.size(), 80u);
}

TEST(IsValidSlug, AcceptsOnlyCleanSlugs) {
  EXPECT_TRUE(IsValidSlug("after-the-mountain"));
  EXPECT_TRUE(IsValidSlug("tiff21"));
  EXPECT_FALSE(IsValidSlug(""));
  EXPECT_FALSE(IsValidSlug("-x"));
  EXPECT_FALSE(IsValidSlug("a--b"));
  EXPECT_FALSE(IsValidSlug("../etc"));
  EXPECT_FALSE(IsValidSlug("Caps"));
}

TEST(IsValidPageSlug, AcceptsSlugsJoinedBySlashesOnly) {
  EXPECT_TRUE(IsValidPageSlug("about"));
  EXPECT_TRUE(IsValidPageSlug("about/masthead"));
  EXPECT_TRUE(IsValidPageSlug("level-1/level-2/level-3"));
  for (const char* bad : {"", "/about", "about/", "about//x", "../x", "about/../x", "About/x"}) {
    EXPECT_FALSE(IsValidPageSlug(bad)) << bad;
  }
}

}  // namespace cinepress
