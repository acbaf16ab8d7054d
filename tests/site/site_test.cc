// Whole-site tests: small magazines declared in strings, built with the default theme.
#include <gtest/gtest.h>

#include <regex>

#include "whole_site.h"

namespace cinepress::testing {
namespace {

const char* kConfig = R"(
title = "The Long Take"
description = "Independent writing about film."
base_url = "https://longtake.example"
language = "en"
timezone = "America/Toronto"
paginate = 2

[[menus.main]]
name = "Reviews"
url = "/reviews/"
[[menus.main.children]]
name = "Slow Cinema"
url = "/tag/slow-cinema/"
[[menus.main]]
name = "About"
url = "/about/"

[[menus.footer]]
name = "Privacy"
url = "/privacy/"
)";

const char* kAuthors = R"(nia-bianchi:
  name: "Nia Bianchi"
  role: "Staff Critic"
  city: "Lisbon"
  bio: "Nia Bianchi writes about long takes and short tempers."
tomas-lungu:
  name: "Tomás Lungu"
  role: "Interviews Editor"
  bio: "Tomás talks to people who make films."
)";

std::string Review(const std::string& slug, const std::string& title, const std::string& date,
                   const std::string& extra = "", const std::string& director = "Maëlle Blackwood",
                   const std::string& tags = "[\"Slow Cinema\"]") {
  return "---\ntitle: \"" + title + "\"\nslug: \"" + slug + "\"\ndate: " + date +
         "\nauthor_id: nia-bianchi\ncategories: [\"Film Reviews\"]\ntags: " + tags +
         "\nsummary: \"The dek of " + title + ".\"\nimage:\n  src: \"/images/" + slug +
         ".jpg\"\n  alt: \"A still from " + title +
         "\"\n  caption: \"Courtesy of the distributor.\"\n"
         "film:\n  title: \"" +
         title + "\"\n  directors: [\"" + director + "\"]\n  year: 2021\n" + extra +
         "---\n\nThe body of *" + title + "*.\n";
}

std::map<std::string, std::string> Magazine() {
  return {
      {"data/authors.yaml", kAuthors},
      {"content/reviews/_index.md",
       "---\ntitle: \"Reviews\"\ndescription: \"Every review.\"\n---\n"},
      {"content/reviews/first.md", Review("first", "First Light", "2021-01-05T12:00:00Z")},
      {"content/reviews/second.md",
       Review("second", "Second Sight", "2021-02-05T12:00:00Z", "", "Somebody Else", "[\"Noir\"]")},
      {"content/reviews/third.md",
       Review("third", "Third Act", "2021-03-05T12:00:00Z", "featured: true\n")},
      {"content/reviews/fourth.md",
       Review("fourth", "Fourth Wall", "2021-10-07T02:00:00Z", "", "Somebody Else", "[\"Noir\"]")},
      {"content/interviews/talk.md",
       "---\ntitle: \"A Talk\"\ndate: 2021-04-01\nauthor_id: tomas-lungu\n"
       "categories: [\"Interviews\"]\ninterviewee:\n  name: \"Maëlle Blackwood\"\n"
       "  job_title: \"Director\"\n  film: \"First Light\"\n---\n\n**Why?**\n\nBecause.\n"},
      {"content/reviews/draft.md", Review("draft", "Unfinished", "2021-05-01", "draft: true\n")},
      {"content/reviews/later.md", Review("later", "Coming Soon", "2099-01-01")},
      {"content/about.md", "---\ntitle: \"About\"\ndate: 2020-01-01\n---\n\nWho we are.\n"},
  };
}

class WholeSite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto built = BuildFromStrings(kConfig, Magazine());
    ASSERT_TRUE(built.ok()) << built.error().ToString();
    site_ = new BuiltSite(std::move(*built));
  }
  static void TearDownTestSuite() { delete site_; }
  static BuiltSite* site_;
};
BuiltSite* WholeSite::site_ = nullptr;

TEST_F(WholeSite, ImportsWithoutProblems) {
  EXPECT_TRUE(site_->import_problems.empty()) << ::testing::PrintToString(site_->import_problems);
}

TEST_F(WholeSite, ArticlePageHasTheWholeAnatomy) {
  std::string p = site_->Page("/reviews/third/");
  ASSERT_FALSE(p.empty());
  // Skip links to navigation, content and footer, and their targets.
  for (const char* id : {"nav", "content", "footer"}) {
    EXPECT_NE(p.find(std::string("href=\"#") + id + "\""), std::string::npos) << id;
    EXPECT_NE(p.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(p.find("<title>Third Act — The Long Take</title>"), std::string::npos);
  EXPECT_NE(p.find("The dek of Third Act."), std::string::npos);
  EXPECT_NE(p.find("href=\"/author/nia-bianchi/\""), std::string::npos);
  EXPECT_NE(p.find("datetime=\"2021-03-05T07:00:00-05:00\""), std::string::npos);
  EXPECT_NE(p.find("March 5, 2021"), std::string::npos);
  EXPECT_NE(p.find("alt=\"A still from Third Act\""), std::string::npos);
  EXPECT_NE(p.find("<figcaption"), std::string::npos);
  EXPECT_NE(p.find("Courtesy of the distributor."), std::string::npos);
  EXPECT_NE(p.find("The body of <em>Third Act</em>."), std::string::npos);
  EXPECT_NE(p.find("Filed under"), std::string::npos);
  EXPECT_NE(p.find("href=\"/category/film-reviews/\""), std::string::npos);
  EXPECT_NE(p.find("Tagged with"), std::string::npos);
  EXPECT_NE(p.find("href=\"/tag/slow-cinema/\""), std::string::npos);
  EXPECT_NE(p.find("Nia Bianchi writes about long takes and short tempers."), std::string::npos);
  // Older and newer by date: A Talk (April) is newer, Second Sight (February) older.
  EXPECT_NE(p.find("href=\"/interviews/talk/\""), std::string::npos);
  EXPECT_NE(p.find("href=\"/reviews/second/\""), std::string::npos);
  // Canonical link and OpenGraph.
  EXPECT_NE(p.find("<link rel=\"canonical\" href=\"https://longtake.example/reviews/third/\">"),
            std::string::npos);
  EXPECT_NE(p.find("content=\"https://longtake.example/images/third.jpg\""), std::string::npos);
  EXPECT_NE(p.find("twitter:card"), std::string::npos);
  // The submenu is there, and the page's section is marked current.
  EXPECT_NE(p.find("href=\"/tag/slow-cinema/\""), std::string::npos);
}

TEST_F(WholeSite, DatesAreShownInTheSiteTimeZone) {
  // 02:00 UTC on October 7 is still October 6 in Toronto.
  std::string p = site_->Page("/reviews/fourth/");
  EXPECT_NE(p.find("October 6, 2021"), std::string::npos);
  EXPECT_TRUE(site_->Has("/archive/2021/10/"));
}

TEST_F(WholeSite, RelatedArticlesPreferTheSameFilmThenDirector) {
  // "First Light": the interview about the same film comes first, then the other film by the
  // same director ("Third Act"); both appear among the related links.
  std::string p = site_->Page("/reviews/first/");
  size_t related = p.find("Related");
  ASSERT_NE(related, std::string::npos);
  std::string tail = p.substr(related);
  size_t talk = tail.find("/interviews/talk/");
  size_t third = tail.find("/reviews/third/");
  ASSERT_NE(talk, std::string::npos);
  ASSERT_NE(third, std::string::npos);
  EXPECT_LT(talk, third);
  const auto& rel = site_->site->related(0);  // the newest article: Fourth Wall
  ASSERT_FALSE(rel.empty());
  EXPECT_EQ(site_->site->articles()[rel[0]].slug, "second");  // same director and tag
}

TEST_F(WholeSite, DraftsAndScheduledArticlesAreNowhere) {
  EXPECT_FALSE(site_->Has("/reviews/draft/"));
  EXPECT_FALSE(site_->Has("/reviews/later/"));
  for (const auto& [path, data] : site_->files) {
    EXPECT_EQ(data.find("Unfinished"), std::string::npos) << path;
    EXPECT_EQ(data.find("Coming Soon"), std::string::npos) << path;
  }
}

TEST_F(WholeSite, HomeLeadsWithTheFeaturedArticle) {
  std::string home = site_->Page("/");
  size_t featured = home.find("/reviews/third/");
  size_t newest = home.find("/reviews/fourth/");
  ASSERT_NE(featured, std::string::npos);
  ASSERT_NE(newest, std::string::npos);
  EXPECT_LT(featured, newest);
  EXPECT_NE(home.find("<title>The Long Take</title>"), std::string::npos);
}

TEST_F(WholeSite, ListsArePaginated) {
  // Five published articles, two per page.
  EXPECT_TRUE(site_->Has("/archive/"));
  EXPECT_TRUE(site_->Has("/archive/page/2/"));
  EXPECT_TRUE(site_->Has("/archive/page/3/"));
  EXPECT_FALSE(site_->Has("/archive/page/4/"));
  std::string p2 = site_->Page("/archive/page/2/");
  EXPECT_NE(p2.find("href=\"/archive/page/3/\""), std::string::npos);
  EXPECT_NE(p2.find("href=\"/archive/\""), std::string::npos);
  EXPECT_TRUE(site_->Has("/archive/2021/"));
  EXPECT_TRUE(site_->Has("/archive/2021/03/"));
  EXPECT_TRUE(site_->Has("/reviews/"));
  EXPECT_TRUE(site_->Has("/reviews/page/2/"));
  EXPECT_NE(site_->Page("/reviews/").find("Every review."), std::string::npos);
  std::string archive = site_->Page("/archive/");
  EXPECT_NE(archive.find("href=\"/archive/2021/10/\""), std::string::npos);
}

TEST_F(WholeSite, CategoryTagAndAuthorPagesWithFeeds) {
  for (const char* base :
       {"/category/film-reviews/", "/tag/slow-cinema/", "/author/nia-bianchi/", "/reviews/"}) {
    EXPECT_TRUE(site_->Has(base)) << base;
    EXPECT_TRUE(site_->Has(std::string(base) + "feed.xml")) << base;
    // One format per list: RSS. Its page announces that feed and the site's two, nothing else.
    EXPECT_FALSE(site_->Has(std::string(base) + "atom.xml")) << base;
    std::string page = site_->Page(base);
    EXPECT_NE(page.find(std::string("href=\"") + base + "feed.xml\""), std::string::npos) << base;
    EXPECT_EQ(page.find(std::string(base) + "atom.xml"), std::string::npos) << base;
    EXPECT_NE(page.find("href=\"/atom.xml\""), std::string::npos) << base;
  }
  EXPECT_NE(site_->Page("/author/nia-bianchi/").find("Staff Critic"), std::string::npos);
  std::string tag_feed = site_->Page("/tag/noir/feed.xml");
  EXPECT_NE(tag_feed.find("<link>https://longtake.example/reviews/fourth/</link>"),
            std::string::npos);
  EXPECT_EQ(tag_feed.find("Third Act"), std::string::npos);
}

TEST_F(WholeSite, SiteFeedsCarryWholeArticles) {
  std::string rss = site_->Page("/feed.xml");
  EXPECT_NE(rss.find("<rss version=\"2.0\""), std::string::npos);
  EXPECT_NE(rss.find("The body of &lt;em&gt;Third Act&lt;/em&gt;."), std::string::npos);
  // The home page announces both.
  std::string home = site_->Page("/");
  EXPECT_NE(
      home.find("type=\"application/rss+xml\" title=\"The Long Take (RSS)\" href=\"/feed.xml\""),
      std::string::npos);
  EXPECT_NE(home.find("href=\"/atom.xml\""), std::string::npos);
  std::string atom = site_->Page("/atom.xml");
  EXPECT_NE(atom.find("<feed xmlns=\"http://www.w3.org/2005/Atom\""), std::string::npos);
  EXPECT_NE(atom.find("https://longtake.example/interviews/talk/"), std::string::npos);
}

TEST_F(WholeSite, SitemapRobotsStaticPagesAnd404) {
  std::string sitemap = site_->Page("/sitemap.xml");
  for (const char* url : {"/reviews/first/", "/reviews/second/", "/reviews/third/",
                          "/reviews/fourth/", "/interviews/talk/", "/about/"}) {
    EXPECT_NE(sitemap.find(std::string("<loc>https://longtake.example") + url + "</loc>"),
              std::string::npos)
        << url;
  }
  EXPECT_NE(sitemap.find("<lastmod>2021-03-05T12:00:00Z</lastmod>"), std::string::npos);
  EXPECT_NE(site_->Page("/robots.txt").find("Sitemap: https://longtake.example/sitemap.xml"),
            std::string::npos);
  EXPECT_NE(site_->Page("/about/").find("Who we are."), std::string::npos);
  EXPECT_TRUE(site_->Has("/404.html"));
  // Static hosts get the headers `serve` sends (an https site: HSTS too).
  std::string headers = site_->Page("/_headers");
  EXPECT_EQ(
      headers.rfind("/*\n  Content-Security-Policy: default-src 'self'; script-src 'self';", 0), 0u)
      << headers;
  for (const char* line :
       {"\n  X-Content-Type-Options: nosniff\n", "\n  X-Frame-Options: SAMEORIGIN\n",
        "\n  Referrer-Policy: strict-origin-when-cross-origin\n",
        "\n  Strict-Transport-Security: max-age=31536000\n"}) {
    EXPECT_NE(headers.find(line), std::string::npos) << line << headers;
  }
}

TEST(OutputPathOf, TheOneRuleFromAddressToFile) {
  EXPECT_EQ(OutputPathOf("/"), "index.html");
  EXPECT_EQ(OutputPathOf("/reviews/x/"), "reviews/x/index.html");
  EXPECT_EQ(OutputPathOf("/feed.xml"), "feed.xml");
  EXPECT_EQ(OutputPathOf("reviews/x/"), "reviews/x/index.html");
}

TEST(WholeSiteSearch, ASiteWithSearchTurnedOffHasNoSearchPageBoxOrIndex) {
  auto on = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(on.ok()) << on.error().ToString();
  EXPECT_TRUE(on->Has("/search/"));
  EXPECT_NE(on->Page("/reviews/first/").find("class=\"site-search\""), std::string::npos);
  auto off = BuildFromStrings("[search]\nenabled = false\n" + std::string(kConfig), Magazine());
  ASSERT_TRUE(off.ok()) << off.error().ToString();
  EXPECT_FALSE(off->Has("/search/"));
  for (const auto& [path, data] : off->files) {
    EXPECT_NE(path.rfind("search/", 0), 0u) << path;
  }
  std::string page = off->Page("/reviews/first/");
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(page.find("class=\"site-search\""), std::string::npos);
  EXPECT_EQ(page.find("search."), std::string::npos) << "no search script";
}

TEST(WholeSiteSitemap, PastTheLimitTheSitemapIsAnIndexOfParts) {
  auto built = BuildFromStrings("sitemap_max_urls = 4\n" + std::string(kConfig), Magazine());
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  std::string index = built->Page("/sitemap.xml");
  ASSERT_NE(index.find("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"),
            std::string::npos)
      << index;
  // Every part is listed in the index, holds at most 4 URLs, and together they hold every page.
  std::string all;
  int parts = 0;
  for (int n = 1; built->Has("/sitemaps/" + std::to_string(n) + ".xml"); ++n, ++parts) {
    std::string part = built->Page("/sitemaps/" + std::to_string(n) + ".xml");
    EXPECT_NE(
        index.find("<loc>https://longtake.example/sitemaps/" + std::to_string(n) + ".xml</loc>"),
        std::string::npos);
    EXPECT_NE(part.find("<urlset"), std::string::npos);
    size_t urls = 0;
    for (size_t at = part.find("<url>"); at != std::string::npos; at = part.find("<url>", at + 1)) {
      ++urls;
    }
    EXPECT_GE(urls, 1u);
    EXPECT_LE(urls, 4u);
    all += part;
  }
  EXPECT_GE(parts, 3);
  EXPECT_EQ(index.find("/sitemaps/" + std::to_string(parts + 1) + ".xml"), std::string::npos);
  for (const char* url : {"/", "/reviews/first/", "/interviews/talk/", "/about/"}) {
    EXPECT_NE(all.find(std::string("<loc>https://longtake.example") + url + "</loc>"),
              std::string::npos)
        << url;
  }
}

TEST_F(WholeSite, MediaAndFingerprintedAssetsArePublished) {
  bool css = false;
  for (const auto& [path, data] : site_->files) {
    css = css || std::regex_match(path, std::regex(R"(assets/site\.[0-9a-f]{10}\.css)"));
  }
  EXPECT_TRUE(css);
}

TEST(WholeSiteEscaping, HostileTextIsEscapedEverywhere) {
  auto built = BuildFromStrings(
      kConfig,
      {
          {"data/authors.yaml", kAuthors},
          {"content/essays/x.md",
           "---\ntitle: \"<script>alert(1)</script> & Co\"\ndate: 2021-01-01\nauthor_id: "
           "nia-bianchi\n"
           "tags: [\"<b>bold</b>\"]\nsummary: \"\\\"><img src=x onerror=alert(1)>\"\n---\n\n"
           "<script>alert(2)</script>\n"},
      });
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  for (const auto& [path, data] : built->files) {
    if (path.find(".html") == std::string::npos) continue;
    EXPECT_EQ(data.find("<script>alert"), std::string::npos) << path;
    EXPECT_EQ(data.find("<img src=x"), std::string::npos) << path;
    EXPECT_EQ(data.find("<b>bold</b>"), std::string::npos) << path;
  }
  EXPECT_NE(built->Page("/essays/x/").find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"),
            std::string::npos);
}

TEST(WholeSiteConflicts, TwoOutputsAtOneUrlAreAnErrorNamingBoth) {
  auto built = BuildFromStrings(
      kConfig,
      {
          {"data/authors.yaml", kAuthors},
          {"content/reviews/x.md", Review("x", "X", "2021-01-01")},
          {"content/reviews.md", "---\ntitle: \"Reviews page\"\ndate: 2021-01-01\n---\nA page.\n"},
      });
  ASSERT_FALSE(built.ok());
  EXPECT_NE(built.error().message.find("/reviews/"), std::string::npos) << built.error().message;
  EXPECT_NE(built.error().message.find("content/reviews.md"), std::string::npos);
}

TEST(WholeSitePermalinks, PatternsFromTheConfigAreUsed) {
  std::string config = std::string(kConfig) +
                       "\n[permalinks]\narticle = \"/{year}/{month}/{slug}/\"\n"
                       "tag = \"/topics/{slug}/\"\n";
  auto built = BuildFromStrings(
      config, {
                  {"data/authors.yaml", kAuthors},
                  {"content/reviews/x.md", Review("x", "X", "2021-03-05T12:00:00Z")},
              });
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  EXPECT_TRUE(built->Has("/2021/03/x/"));
  EXPECT_TRUE(built->Has("/topics/slow-cinema/"));
  EXPECT_NE(built->Page("/2021/03/x/").find("href=\"/topics/slow-cinema/\""), std::string::npos);
}

// A bare site's config and the repository's default theme, for sites assembled here from
// articles made in the test.
struct BareSiteParts {
  SiteConfig config;
  std::shared_ptr<const Theme> theme;
};
Result<BareSiteParts> BareSite() {
  auto config = ParseSiteConfig("title = \"T\"\nbase_url = \"http://t.example\"\n", "t.toml");
  if (!config) return config.error();
  const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
  auto theme = Theme::Load(std::filesystem::path(src ? src : ".") / "themes/default", "theme");
  if (!theme) return theme.error();
  return BareSiteParts{std::move(*config), std::move(*theme)};
}

// Which stills each page's digest holds (issue #19): a lead image's, in its article's digest
// (its page, and the cards that show it); a body's figures', in none — the build records the
// figures each render placed and digests their stills itself (FiguresDigest). The site map shows
// no still: addresses and dates only.
TEST(WholeSiteFingerprints, AnImageChangeReachesOnlyThePagesThatShowIt) {
  auto bare = BareSite();
  ASSERT_TRUE(bare.ok()) << bare.error().ToString();
  const SiteConfig& config = bare->config;
  const std::shared_ptr<const Theme>& theme = bare->theme;
  auto article = [](const std::string& slug, int64_t date) {
    Article a;
    a.section = "reviews";
    a.slug = slug;
    a.title = slug;
    a.date = date;
    a.source_hash = slug;
    return a;
  };
  // Newest first: far, middle, plain, led. far's page shows its neighbour middle, not led.
  Article led = article("led", 10), plain = article("plain", 20), middle = article("middle", 30),
          far = article("far", 40);
  led.image = Image{"/images/lead.jpg", "A lead", ""};
  plain.body_markdown = "![A figure](/images/figure.jpg)\n";
  auto assemble = [&](const Still& lead, const Still& figure) {
    StillBook stills{{"images/lead.jpg", lead}, {"images/figure.jpg", figure}};
    return Site::Assemble(config, *TimeZone::Named("UTC"), theme, {led, plain, middle, far}, {}, {},
                          {}, 1000, {}, {}, {}, {}, {}, std::move(stills));
  };
  const Still wide{1600, 900, "#102030", {}}, tall{900, 1600, "#102030", {}};
  auto before = assemble(wide, wide), lead_changed = assemble(tall, wide),
       figure_changed = assemble(wide, tall);
  ASSERT_TRUE(before.ok() && lead_changed.ok() && figure_changed.ok());
  const std::vector<std::string> figures{"/images/figure.jpg"};
  for (const char* path : {"reviews/led/index.html", "reviews/plain/index.html", "index.html",
                           "reviews/index.html", "sitemap.xml", "reviews/far/index.html"}) {
    const Output* o = (*before)->FindOutput(path);
    ASSERT_NE(o, nullptr) << path;
    const bool shows_lead =
        std::string(path) != "reviews/far/index.html" && std::string(path) != "sitemap.xml";
    EXPECT_EQ(
        (*before)->FingerprintBesideFigures(*o) != (*lead_changed)->FingerprintBesideFigures(*o),
        shows_lead)
        << path;
    EXPECT_EQ((*before)->FingerprintBesideFigures(*o),
              (*figure_changed)->FingerprintBesideFigures(*o))
        << path;
    // The live server does not know which figures a page places: any still counts.
    EXPECT_NE((*before)->Fingerprint(*o), (*figure_changed)->Fingerprint(*o)) << path;
  }
  EXPECT_NE((*before)->FiguresDigest(figures), (*figure_changed)->FiguresDigest(figures));
  EXPECT_EQ((*before)->FiguresDigest(figures), (*lead_changed)->FiguresDigest(figures));
}

// The archive as the store gives it (by id) becomes the site's: published articles newest first
// (the same day: by slug), pages by slug, and drafts, future pieces and collections left out of
// both — whatever their places among the others.
TEST(SiteAssembly, ArticlesAreSortedNewestFirstAndTheRestSetApart) {
  auto bare = BareSite();
  ASSERT_TRUE(bare.ok()) << bare.error().ToString();
  const SiteConfig& config = bare->config;
  const std::shared_ptr<const Theme>& theme = bare->theme;
  std::vector<Article> all;
  auto add = [&](const std::string& slug, int64_t date, const std::string& section = "reviews") {
    Article a;
    a.id = static_cast<int64_t>(all.size()) + 1;
    a.section = section;
    a.slug = slug;
    a.title = slug;
    a.date = date;
    all.push_back(a);
    return &all.back();
  };
  // 40 published pieces in a scrambled order, with what is not one of them in between.
  for (int i = 0; i < 40; ++i) {
    const int n = (i * 17) % 40;
    add("piece-" + std::to_string(100 + n), 1000 + (n / 2) * 10);
    if (i % 7 == 3) add("draft-" + std::to_string(i), 500)->draft = true;
    if (i % 9 == 4) add("future-" + std::to_string(i), 999999);
    if (i % 11 == 5) add("page-" + std::to_string(50 - i), 700)->kind = ArticleKind::kPage;
  }
  add("loved", 800, "collections")->items = {"reviews/piece-100"};
  auto site = Site::Assemble(config, *TimeZone::Named("UTC"), theme, all, {}, {}, {}, 5000, {}, {},
                             {}, {}, {}, {});
  ASSERT_TRUE(site.ok()) << site.error().ToString();
  std::vector<std::string> slugs, expected;
  for (const Article& a : (*site)->articles()) slugs.push_back(a.slug);
  for (int n = 39; n >= 0; --n) {
    // Two pieces each day: the later day first, and on one day by slug.
    const int first = n % 2 == 0 ? n : n - 1;
    if (n % 2 == 1) {
      expected.push_back("piece-" + std::to_string(100 + first));
      expected.push_back("piece-" + std::to_string(100 + first + 1));
    }
  }
  EXPECT_EQ(slugs, expected);
  std::vector<std::string> pages;
  for (const Article& p : (*site)->pages()) pages.push_back(p.slug);
  EXPECT_EQ(pages, (std::vector<std::string>{"page-12", "page-23", "page-34", "page-45"}));
  ASSERT_EQ((*site)->collections().size(), 1u);
  EXPECT_EQ((*site)->collections()[0].slug, "loved");
}

// A piece corrected in the newsroom keeps its source file's hash; its updated time, which every
// save moves on, changes its page's fingerprint, so `serve` and an incremental build show it.
TEST(WholeSiteFingerprints, ACorrectionChangesThePiecesPage) {
  auto bare = BareSite();
  ASSERT_TRUE(bare.ok()) << bare.error().ToString();
  const SiteConfig& config = bare->config;
  const std::shared_ptr<const Theme>& theme = bare->theme;
  Article a;
  a.section = "reviews";
  a.slug = "night-ferry";
  a.title = "Night Ferry";
  a.date = 10;
  a.source_hash = "file";
  a.body_markdown = "The first text.\n";
  Article corrected = a;
  corrected.body_markdown = "The corrected text.\n";
  corrected.updated = 20;
  auto assemble = [&](const Article& piece) {
    return Site::Assemble(config, *TimeZone::Named("UTC"), theme, {piece}, {}, {}, {}, 1000, {}, {},
                          {}, {}, {}, {});
  };
  auto before = assemble(a), after = assemble(corrected);
  ASSERT_TRUE(before.ok() && after.ok());
  const Output* o = (*before)->FindOutput("reviews/night-ferry/index.html");
  ASSERT_NE(o, nullptr);
  EXPECT_NE((*before)->Fingerprint(*o), (*after)->Fingerprint(*o));
}

// Feeds no longer made (README, "feeds"): their old addresses lead to the list's RSS feed or to
// the film's or person's page, in `serve` and in the static build's _redirects.
TEST(WholeSiteFeeds, FormerFeedAddressesLeadSomewhere) {
  const std::string review = Review("x", "Night Ferry", "2021-01-01", "", "Ana Vidal");
  auto built = BuildFromStrings(
      kConfig, {{"data/authors.yaml", kAuthors}, {"content/reviews/x.md", review}});
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  const Site& site = *built->site;
  EXPECT_EQ(site.FormerFeedTarget("/tag/slow-cinema/atom.xml"), "/tag/slow-cinema/feed.xml");
  ASSERT_EQ(site.records().films.size(), 1u);
  const std::string film = site.FilmUrl(0);  // "/films/night-ferry-2021/"
  EXPECT_EQ(site.FormerFeedTarget(film + "feed.xml"), film);
  EXPECT_EQ(site.FormerFeedTarget(film + "atom.xml"), film);
  EXPECT_EQ(site.FormerFeedTarget("/people/ana-vidal/feed.xml"), "/people/ana-vidal/");
  EXPECT_EQ(site.FormerFeedTarget("/tag/nowhere/atom.xml"), "");
  EXPECT_EQ(site.FormerFeedTarget("/reviews/x/feed.xml"), "");
  EXPECT_EQ(site.FormerFeedTarget("/atom.xml"), "");
  const std::string redirects = built->files.at("_redirects");
  for (const char* rule : {"/tag/:slug/atom.xml /tag/:slug/feed.xml 301\n",
                           "/films/:slug/feed.xml /films/:slug/ 301\n",
                           "/people/:slug/atom.xml /people/:slug/ 301\n"}) {
    EXPECT_NE(redirects.find(rule), std::string::npos) << rule << redirects;
  }
}

}  // namespace
}  // namespace cinepress::testing
