#include "content/still.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

Still TwoWidths() {
  Still s{800, 400, "#102030", {}};
  for (const char* format : {"avif", "webp", "jpeg"}) {
    for (int w : {480, 800}) {
      const std::string ext = std::string(format) == "jpeg" ? "jpg" : format;
      s.variants.push_back({w, w / 2, format, "_stills/k/" + std::to_string(w) + "." + ext});
    }
  }
  return s;
}

TEST(Still, SourcesAreJpegPngAndWebpOutsideTheStillsFolder) {
  EXPECT_TRUE(IsStillSource("images/a.JPG"));
  EXPECT_TRUE(IsStillSource("a.jpeg"));
  EXPECT_TRUE(IsStillSource("b.png"));
  EXPECT_TRUE(IsStillSource("c.webp"));
  EXPECT_FALSE(IsStillSource("anim.gif"));
  EXPECT_TRUE(IsStillSource("logo.svg"));
  EXPECT_FALSE(IsStillSource("podcast.mp3"));
  EXPECT_FALSE(IsStillSource("_stills/k/480.webp"));
}

TEST(Still, TheFolderNamesTheContentAndTheSettings) {
  EXPECT_EQ(StillFolder("abc"), StillFolder("abc"));
  EXPECT_NE(StillFolder("abc"), StillFolder("abd"));
  EXPECT_TRUE(IsStillPath(StillManifestPath("abc")));
  EXPECT_TRUE(StillManifestPath("abc").ends_with("/still.json"));
}

TEST(Still, TheManifestRoundTrips) {
  const Still s = TwoWidths();
  auto back = ParseStillManifest(StillManifestJson(s), "m.json");
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, s);
}

TEST(Still, ABadManifestIsAnErrorNamingIt) {
  for (const char* bad :
       {"", "[]", "{\"width\":1}", "{\"width\":0,\"height\":1,\"color\":\"\",\"variants\":[]}"}) {
    auto r = ParseStillManifest(bad, "_stills/k/still.json");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().file, "_stills/k/still.json");
  }
}

TEST(Still, SrcsetListsOneFormatsWidths) {
  const Still s = TwoWidths();
  EXPECT_EQ(StillSrcset(s, "webp"), "/_stills/k/480.webp 480w, /_stills/k/800.webp 800w");
  EXPECT_EQ(StillSrcset(s, "png"), "");
}

TEST(Still, TheFallbackIsTheWidestOfItsFormatThatFits) {
  const Still s = TwoWidths();
  EXPECT_EQ(StillFallbackFormat(s), "jpeg");
  EXPECT_EQ(StillFallback(s, 1200)->path, "_stills/k/800.jpg");
  EXPECT_EQ(StillFallback(s, 600)->path, "_stills/k/480.jpg");
  EXPECT_EQ(StillFallback(s, 100)->path, "_stills/k/480.jpg");
}

TEST(Still, TheTintIsTheColourOnFourLevels) {
  EXPECT_EQ(StillTint("#000000"), "tint-000");
  EXPECT_EQ(StillTint("#ff8000"), "tint-320");
  EXPECT_EQ(StillTint("#2b2b80"), "tint-112");
  EXPECT_EQ(StillTint("red"), "");
  EXPECT_EQ(StillTint("#gg0000"), "");
}

TEST(Still, TheFingerprintFollowsWhichImagesHaveWhichStills) {
  StillBook a{{"images/a.jpg", TwoWidths()}};
  StillBook b = a;
  EXPECT_EQ(StillsFingerprint(a), StillsFingerprint(b));
  b["images/b.jpg"] = TwoWidths();
  EXPECT_NE(StillsFingerprint(a), StillsFingerprint(b));
}

}  // namespace
}  // namespace cinepress
