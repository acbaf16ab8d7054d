#include "podcast/apple_categories.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TEST(AppleCategories, KnowsApplesCategoriesAndTheirSubcategories) {
  EXPECT_FALSE(AppleCategoryProblem("TV & Film", "Film Interviews"));
  EXPECT_FALSE(AppleCategoryProblem("TV & Film", ""));
  EXPECT_FALSE(AppleCategoryProblem("True Crime", ""));
  EXPECT_FALSE(AppleCategoryProblem("Society & Culture", "Documentary"));
}

TEST(AppleCategories, RefusesWhatAppleDoesNotListAndSaysWhy) {
  auto p = AppleCategoryProblem("Film", "");
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("\"Film\" is not one of Apple Podcasts' categories"), std::string::npos);
  p = AppleCategoryProblem("TV & Film", "Documentary");
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("Film Interviews"), std::string::npos) << *p;
  p = AppleCategoryProblem("History", "Ancient");
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("it has none"), std::string::npos) << *p;
  EXPECT_TRUE(AppleCategoryProblem("tv & film", "")) << "spelled as Apple spells it";
}

}  // namespace
}  // namespace cinepress
