// Whole-site tests of a magazine imported from WordPress: a small export declared in a string,
// imported into a real SQLite store, assembled and built into memory with the default theme.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "app/app.h"
#include "whole_site.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

const char* kExport = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="https://wordpress.org/export/1.1/">
<channel>
<title>Reel Talk</title><link>https://reel.example</link><wp:wxr_version>1.1</wp:wxr_version>
<wp:author><wp:author_login>ana</wp:author_login><wp:author_display_name>Ana Ruiz</wp:author_display_name></wp:author>
<wp:term><wp:term_id>9</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy><wp:term_slug>primary</wp:term_slug><wp:term_name>Primary</wp:term_name></wp:term>
<item>
<title>Night and Fog</title><link>https://reel.example/2021/03/04/night-fog/</link><dc:creator>ana</dc:creator>
<content:encoded><![CDATA[First paragraph with <strong>bold</strong>
and a line break.

<h4>A heading</h4>
[caption align="aligncenter"]<img src="https://elsewhere.example/still.jpg" alt="A still"> The still.[/caption]

Read <a href="https://reel.example/about/team/">the team</a>.<script>alert(1)</script>]]></content:encoded>
<wp:post_id>12</wp:post_id><wp:post_date_gmt>2021-03-04 09:00:00</wp:post_date_gmt>
<wp:post_name>night-fog</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author>Bo</wp:comment_author>
<wp:comment_author_url>https://bo.example/</wp:comment_author_url>
<wp:comment_date_gmt>2021-03-05 09:00:00</wp:comment_date_gmt>
<wp:comment_content>First!</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
<wp:comment_parent>0</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>6</wp:comment_id><wp:comment_author>Cy</wp:comment_author>
<wp:comment_date_gmt>2021-03-06 09:00:00</wp:comment_date_gmt>
<wp:comment_content>A reply.</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
<wp:comment_parent>5</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author>Spammer</wp:comment_author>
<wp:comment_date_gmt>2021-03-06 10:00:00</wp:comment_date_gmt>
<wp:comment_content>Buy pills</wp:comment_content><wp:comment_approved>0</wp:comment_approved>
<wp:comment_parent>0</wp:comment_parent></wp:comment>
</item>
<item>
<title>Locked</title><link>https://reel.example/2021/03/05/locked/</link><dc:creator>ana</dc:creator>
<content:encoded><![CDATA[The secret ending.]]></content:encoded>
<wp:post_id>13</wp:post_id><wp:post_date_gmt>2021-03-05 09:00:00</wp:post_date_gmt>
<wp:post_name>locked</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:post_password>pw</wp:post_password>
</item>
<item>
<title>About</title><link>https://reel.example/about/</link><dc:creator>ana</dc:creator>
<content:encoded><![CDATA[Who we are.]]></content:encoded>
<wp:post_id>20</wp:post_id><wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>
<wp:post_name>about</wp:post_name><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>
</item>
<item>
<title>The Team</title><link>https://reel.example/about/team/</link><dc:creator>ana</dc:creator>
<content:encoded><![CDATA[Us.]]></content:encoded>
<wp:post_id>21</wp:post_id><wp:post_date_gmt>2020-01-02 00:00:00</wp:post_date_gmt>
<wp:post_name>team</wp:post_name><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>
<wp:post_parent>20</wp:post_parent>
</item>
<item>
<title></title><wp:post_id>30</wp:post_id><wp:post_type>nav_menu_item</wp:post_type><wp:status>publish</wp:status>
<category domain="nav_menu" nicename="primary"><![CDATA[Primary]]></category>
<wp:postmeta><wp:meta_key>_menu_item_type</wp:meta_key><wp:meta_value>post_type</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_menu_item_object_id</wp:meta_key><wp:meta_value>21</wp:meta_value></wp:postmeta>
</item>
</channel>
</rss>
)";

class WordPressSite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("cinepress-wp-site-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    std::ofstream(*dir_ / "export.xml") << kExport;
    // A site folder loaded by the app's own LoadSite: the aliases, redirects and menus the
    // importer stores are read the way `cinepress build` and `serve` read them.
    const SiteFolder site{*dir_};
    std::ofstream(site.config()) << "title = \"Reel Talk\"\n";
    const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
    fs::create_directories(site.themes());
    fs::create_directory_symlink(fs::absolute(fs::path(src ? src : ".") / "themes" / "default"),
                                 site.themes() / "default");
    WordPressOptions options;
    options.fetch = false;
    options.now = 1800000000;
    {
      auto store = std::move(*OpenContentStore(site.database(), SiteStoreOptions(site)));
      auto report = ImportWordPress(*store, *dir_ / "export.xml", *TimeZone::Named("UTC"), options);
      ASSERT_TRUE(report) << report.error().ToString();
    }
    auto loaded = LoadSite(site, options.now);
    ASSERT_TRUE(loaded) << loaded.error().ToString();
    site_ = new std::shared_ptr<const Site>(*loaded);
    MemorySink sink;
    const StoreOptions store_options = SiteStoreOptions(site, false);
    auto published = PublishSite(
        *loaded, sink, [&] { return OpenContentStore(site.database(), store_options); }, 2);
    ASSERT_TRUE(published) << published.error().ToString();
    files_ = new std::map<std::string, std::string>(sink.files());
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete site_;
    delete files_;
  }
  static std::string Page(const std::string& path) {
    auto it = files_->find(path);
    return it == files_->end() ? "" : it->second;
  }
  static fs::path* dir_;
  static std::shared_ptr<const Site>* site_;
  static std::map<std::string, std::string>* files_;
};
fs::path* WordPressSite::dir_ = nullptr;
std::shared_ptr<const Site>* WordPressSite::site_ = nullptr;
std::map<std::string, std::string>* WordPressSite::files_ = nullptr;

TEST_F(WordPressSite, HtmlBodiesAreShownAsStored) {
  std::string html = Page("articles/night-fog/index.html");
  ASSERT_FALSE(html.empty());
  EXPECT_NE(html.find("<p>First paragraph with <strong>bold</strong><br>\nand a line break.</p>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<h2>A heading</h2>"), std::string::npos);  // no level skipped
  EXPECT_NE(html.find("<figure class=\"wp-caption aligncenter\"><img "
                      "src=\"https://elsewhere.example/still.jpg\" alt=\"A still\"><figcaption>The "
                      "still.</figcaption></figure>"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"/about/team/\">the team</a>"), std::string::npos);
  EXPECT_EQ(html.find("alert(1)"), std::string::npos);
  // The feed carries the same body.
  EXPECT_NE(Page("feed.xml").find("wp-caption aligncenter"), std::string::npos);
}

// Imported block-editor bodies keep WordPress's core block classes: the default theme lays
// them out (they collapsed into a plain column of text before).
TEST_F(WordPressSite, TheThemeStylesTheCoreBlocks) {
  std::string css;
  for (const auto& [path, body] : *files_) {
    if (path.size() > 4 && path.compare(path.size() - 4, 4, ".css") == 0) css += body;
  }
  for (const char* block : {".wp-block-columns", ".wp-block-column", ".wp-block-buttons",
                            ".wp-block-button__link", ".wp-block-cover", ".wp-block-media-text",
                            ".wp-block-gallery", ".wp-block-separator", ".wp-block-spacer"}) {
    EXPECT_NE(css.find(block), std::string::npos) << block;
  }
}

TEST_F(WordPressSite, ApprovedCommentsInThreads) {
  std::string html = Page("articles/night-fog/index.html");
  size_t first = html.find("<li class=\"comment comment--depth-0\" id=\"comment-wp-5\">");
  size_t reply = html.find("<li class=\"comment comment--depth-1\" id=\"comment-wp-6\">");
  ASSERT_NE(first, std::string::npos) << html;
  ASSERT_NE(reply, std::string::npos);
  EXPECT_LT(first, reply);
  EXPECT_NE(html.find("<a class=\"comment__author\" href=\"https://bo.example/\" rel=\"nofollow "
                      "ugc\">Bo</a>"),
            std::string::npos);
  EXPECT_NE(html.find("Comments <span class=\"comments__count\">2</span>"), std::string::npos);
  EXPECT_EQ(html.find("Buy pills"), std::string::npos);
  EXPECT_EQ(Page("about/index.html").find("class=\"comments\""), std::string::npos);
}

TEST_F(WordPressSite, NestedPagesAndTheStoredMenu) {
  EXPECT_FALSE(Page("about/index.html").empty());
  std::string team = Page("about/team/index.html");
  ASSERT_FALSE(team.empty());
  EXPECT_NE(team.find("<h1 class=\"story__title\">The Team</h1>"), std::string::npos);
  // The WordPress menu is the main menu (the config has none); its item is the page's title.
  EXPECT_NE(
      Page("about/index.html").find("<a class=\"menu__link\" href=\"/about/team/\">The Team</a>"),
      std::string::npos);
}

TEST_F(WordPressSite, ProtectedPostsAreNowhere) {
  for (const auto& [path, bytes] : *files_) {
    const std::string text = testing::FileText(path, bytes);  // the search fragments unpacked
    EXPECT_EQ(text.find("The secret ending"), std::string::npos) << path;
    EXPECT_EQ(text.find("/articles/locked/"), std::string::npos) << path;
  }
  EXPECT_EQ((*site_)->RedirectFor("/2021/03/05/locked/"), nullptr);
}

TEST_F(WordPressSite, OldAddressesRedirect) {
  const Site& s = **site_;
  ASSERT_NE(s.RedirectFor("/2021/03/04/night-fog/"), nullptr);
  EXPECT_EQ(*s.RedirectFor("/2021/03/04/night-fog/"), "/articles/night-fog/");
  ASSERT_NE(s.RedirectFor("/?p=12"), nullptr);
  EXPECT_EQ(*s.RedirectFor("/?p=12"), "/articles/night-fog/");
  ASSERT_NE(s.RedirectFor("/?page_id=21"), nullptr);
  EXPECT_EQ(*s.RedirectFor("/?page_id=21"), "/about/team/");
  std::string list = Page("_redirects");
  EXPECT_NE(list.find("/2021/03/04/night-fog/ /articles/night-fog/ 301\n"), std::string::npos)
      << list;
  EXPECT_NE(list.find("/ p=12 /articles/night-fog/ 301\n"), std::string::npos);
}

}  // namespace
}  // namespace cinepress
