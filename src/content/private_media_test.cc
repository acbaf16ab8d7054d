#include "content/private_media.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TEST(PrivateMedia, OnlyTheShopsAndTheWorkshopsFoldersArePrivate) {
  EXPECT_TRUE(IsPrivateMedia("_shop/ozu/ozu.epub"));
  EXPECT_TRUE(IsPrivateMedia("_workshops/criticism-101/notes.pdf"));
  EXPECT_FALSE(IsPrivateMedia("images/_shop/x.jpg"));
  EXPECT_FALSE(IsPrivateMedia("_shopping/x.jpg"));
  EXPECT_FALSE(IsPrivateMedia("shop/ozu.jpg"));
  EXPECT_FALSE(IsPrivateMedia("_workshop/x.pdf"));
  EXPECT_FALSE(IsPrivateMedia(""));
}

TEST(PrivateMedia, PathsAreMadeUnderTheirPrefix) {
  EXPECT_EQ(PrivateMediaPath(kShopMediaPrefix, "ozu", "ozu.epub"), "_shop/ozu/ozu.epub");
  EXPECT_EQ(PrivateMediaFolder(kWorkshopMediaPrefix, "criticism-101"), "_workshops/criticism-101/");
  EXPECT_TRUE(IsPrivateMedia(PrivateMediaPath(kWorkshopMediaPrefix, "w", "a.mp4")));
}

}  // namespace
}  // namespace cinepress
