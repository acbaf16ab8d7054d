// What `cinepress check` counts as a media reference, and the problems it reports.
#include "app/maintenance_commands.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

using Paths = std::set<std::string>;

TEST(MediaReferences, FindsLocalMediaPathsInMarkdownHtmlAndFrontMatter) {
  EXPECT_EQ(
      MediaReferences("![A still](/images/a.jpg \"Caption\") and [pdf](/files/press%20kit.pdf)"),
      (Paths{"images/a.jpg", "files/press kit.pdf"}));
  EXPECT_EQ(MediaReferences("<img src=\"/media/2021/b.PNG\" srcset=\"/media/b-2x.png 2x\">"),
            (Paths{"media/2021/b.PNG", "media/b-2x.png"}));
  EXPECT_EQ(MediaReferences("src: /images/c.svg\n"), (Paths{"images/c.svg"}));
  // Not local, or not media: another host, a page, a path inside a word.
  EXPECT_EQ(MediaReferences("https://cdn.example/x.jpg //cdn.example/y.jpg [r](/reviews/x/) "
                            "and/or.jpg /feed.xml"),
            Paths{});
  // The site's own absolute URLs are local.
  EXPECT_EQ(
      MediaReferences("<img src=\"https://mag.example/images/d.webp\">", "https://mag.example"),
      (Paths{"images/d.webp"}));
}

TEST(FindMediaProblems, NamesMissingAndUnusedMedia) {
  Article a;
  a.section = "reviews";
  a.slug = "x";
  a.source_path = "content/reviews/x.md";
  a.image = Image{"/images/lead.jpg", "", ""};
  a.body_markdown = "![](/images/in-body.jpg) ![](/images/gone.jpg)";
  std::vector<MediaFile> media = {{"images/lead.jpg", "h1", 1},
                                  {"images/in-body.jpg", "h2", 1},
                                  {"images/logo.svg", "h3", 1},
                                  {"images/orphan.png", "h4", 1},
                                  {"_stills/k/480.webp", "h5", 1}};  // its image's, not unused
  MediaProblems p = FindMediaProblems({a}, media, {"logo = \"/images/logo.svg\""}, "");
  ASSERT_EQ(p.missing.size(), 1u);
  EXPECT_EQ(p.missing[0].first, "content/reviews/x.md");
  EXPECT_EQ(p.missing[0].second, "images/gone.jpg");
  EXPECT_EQ(p.unused, (std::vector<std::string>{"images/orphan.png"}));
  // Nothing wrong: nothing reported.
  a.body_markdown = "![](/images/in-body.jpg) ![](/images/orphan.png)";
  p = FindMediaProblems({a}, media, {"/images/logo.svg"}, "");
  EXPECT_TRUE(p.missing.empty());
  EXPECT_TRUE(p.unused.empty());
}

}  // namespace
}  // namespace cinepress
