#include "render/feeds.h"

#include <gtest/gtest.h>

namespace cinepress {

std::vector<FeedEntry> Entries() {
  FeedEntry e;
  e.title = "Tom & Jerry <Review>";
  e.url = "https://mag.example/reviews/tom/";
  e.published = 1633496434;
  e.authors = {"Nia Bianchi"};
  e.categories = {"Film Reviews"};
  e.summary = "A dek\x01 with a control character.";
  e.content_html = "<p>Body &amp; more</p>";
  return {e};
}

FeedInfo Info() {
  return FeedInfo{"The Mag", "Film writing",         "en",
                  "The Mag", "https://mag.example/", "https://mag.example/feed.xml",
                  1633496434};
}

TEST(Feeds, RssIsEscapedAndComplete) {
  std::string rss = RenderRss(Info(), Entries(), *TimeZone::Named("UTC"));
  EXPECT_NE(rss.find("<title>Tom &amp; Jerry &lt;Review&gt;</title>"), std::string::npos) << rss;
  EXPECT_NE(rss.find("<guid isPermaLink=\"true\">https://mag.example/reviews/tom/</guid>"),
            std::string::npos);
  EXPECT_NE(rss.find("<pubDate>Wed, 06 Oct 2021 05:00:34 +0000</pubDate>"), std::string::npos);
  EXPECT_NE(rss.find("&lt;p&gt;Body &amp;amp; more&lt;/p&gt;"), std::string::npos);
  EXPECT_EQ(rss.find('\x01'), std::string::npos);
  EXPECT_NE(rss.find("rel=\"self\""), std::string::npos);
}

TEST(Feeds, AtomHasIdsDatesAndAuthors) {
  std::string atom = RenderAtom(Info(), Entries());
  EXPECT_NE(atom.find("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">"),
            std::string::npos)
      << atom;
  EXPECT_NE(atom.find("<id>https://mag.example/reviews/tom/</id>"), std::string::npos);
  EXPECT_NE(atom.find("<published>2021-10-06T05:00:34Z</published>"), std::string::npos);
  EXPECT_NE(atom.find("<name>Nia Bianchi</name>"), std::string::npos);
  EXPECT_NE(atom.find("<content type=\"html\">"), std::string::npos);
}

TEST(Feeds, SitemapListsUrlsWithLastmod) {
  std::string xml = RenderSitemap({{"https://mag.example/a/", 1633496434}});
  EXPECT_NE(xml.find("<loc>https://mag.example/a/</loc>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<lastmod>2021-10-06T05:00:34Z</lastmod>"), std::string::npos);
}

}  // namespace cinepress
