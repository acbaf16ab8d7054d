#include "ingest/wordpress.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "ingest/wordpress_phases.h"
#include "store/open_store.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

const char* kExport = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Reel Talk</title>
<link>https://reel.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://reel.example</wp:base_blog_url>
<wp:author><wp:author_login>ana</wp:author_login><wp:author_display_name>Ana Ruiz</wp:author_display_name></wp:author>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>reviews</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>Reviews</wp:cat_name></wp:category>
<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>noir-reviews</wp:category_nicename><wp:category_parent>reviews</wp:category_parent><wp:cat_name>Noir Reviews</wp:cat_name></wp:category>
<wp:term><wp:term_id>9</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy><wp:term_slug>main-menu</wp:term_slug><wp:term_name>Main Menu</wp:term_name></wp:term>
<item>
<title>Night &amp; Fog</title>
<link>https://reel.example/2021/03/04/night-fog/</link>
<dc:creator>ana</dc:creator>
<guid isPermaLink="false">https://reel.example/?p=12</guid>
<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>A film about <a href="https://reel.example/about/team/">us</a> and <a href="https://reel.example/2021/03/05/second/">the next</a>.</p>
<!-- /wp:paragraph -->

Second paragraph<script>alert(1)</script> [caption align="alignleft"]<img src="https://reel.example/wp-content/uploads/2021/03/still.jpg" alt="Still"> The still.[/caption]]]></content:encoded>
<excerpt:encoded><![CDATA[A <em>dek</em> with *stars*]]></excerpt:encoded>
<wp:post_id>12</wp:post_id>
<wp:post_date>2021-03-04 10:00:00</wp:post_date>
<wp:post_date_gmt>2021-03-04 09:00:00</wp:post_date_gmt>
<wp:post_name>night-fog</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<wp:is_sticky>1</wp:is_sticky>
<category domain="category" nicename="noir-reviews"><![CDATA[Noir Reviews]]></category>
<category domain="post_tag" nicename="noir"><![CDATA[Noir]]></category>
<category domain="post_format" nicename="post-format-image"><![CDATA[Image]]></category>
<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author>Bo</wp:comment_author>
<wp:comment_content>Yes.
Really.</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
<wp:comment_parent>0</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>6</wp:comment_id><wp:comment_author>Cy</wp:comment_author>
<wp:comment_content>No &lt;script&gt;x&lt;/script&gt;</wp:comment_content><wp:comment_approved>0</wp:comment_approved>
<wp:comment_parent>5</wp:comment_parent></wp:comment>
</item>
<item>
<title>Second</title><link>https://reel.example/2021/03/05/second/</link><dc:creator>ana</dc:creator>
<content:encoded><![CDATA[Text]]></content:encoded>
<wp:post_id>13</wp:post_id><wp:post_date_gmt>2021-03-05 09:00:00</wp:post_date_gmt>
<wp:post_name>second</wp:post_name><wp:status>draft</wp:status><wp:post_type>post</wp:post_type>
</item>
<item>
<title>Secret</title><link>https://reel.example/2021/03/06/secret/</link><dc:creator>ana</dc:creator>
<content:encoded><![CDATA[Hidden]]></content:encoded>
<wp:post_id>14</wp:post_id><wp:post_date_gmt>2021-03-06 09:00:00</wp:post_date_gmt>
<wp:post_name>secret</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:post_password>pw</wp:post_password>
</item>
<item>
<title>About</title><link>https://reel.example/about/</link><dc:creator>ana</dc:creator>
<content:encoded><![CDATA[Who we are]]></content:encoded>
<wp:post_id>20</wp:post_id><wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>
<wp:post_name>about</wp:post_name><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>
</item>
<item>
<title>The Team</title><link>https://reel.example/about/team/</link><dc:creator>ana</dc:creator>
<content:encoded><![CDATA[Us]]></content:encoded>
<wp:post_id>21</wp:post_id><wp:post_date_gmt>2020-01-02 00:00:00</wp:post_date_gmt>
<wp:post_name>team</wp:post_name><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>
<wp:post_parent>20</wp:post_parent><wp:menu_order>2</wp:menu_order>
</item>
<item>
<title></title><wp:post_id>30</wp:post_id><wp:post_type>nav_menu_item</wp:post_type><wp:status>publish</wp:status>
<wp:menu_order>1</wp:menu_order>
<category domain="nav_menu" nicename="main-menu"><![CDATA[Main Menu]]></category>
<wp:postmeta><wp:meta_key>_menu_item_type</wp:meta_key><wp:meta_value>post_type</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_menu_item_object</wp:meta_key><wp:meta_value>page</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_menu_item_object_id</wp:meta_key><wp:meta_value>20</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_menu_item_menu_item_parent</wp:meta_key><wp:meta_value>0</wp:meta_value></wp:postmeta>
</item>
<item>
<title>Revision</title><wp:post_id>40</wp:post_id><wp:post_type>revision</wp:post_type><wp:status>inherit</wp:status>
</item>
</channel>
</rss>
)";

class WordPressImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("cinepress-wp-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "uploads/2021/03");
    std::ofstream(dir_ / "uploads/2021/03/still.jpg") << "JPEG";
    Write("export.xml", kExport);
    store_ = std::move(*OpenContentStore(dir_ / "store.db", {}));
    options_.uploads = dir_ / "uploads";
    options_.fetch = false;
    options_.now = 1800000000;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  Result<WordPressReport> Import(const std::string& name = "export.xml") {
    return ImportWordPress(*store_, dir_ / name, *TimeZone::Named("UTC"), options_);
  }
  const Article* Find(const std::vector<Article>& all, const std::string& slug) {
    for (const Article& a : all) {
      if (a.slug == slug) return &a;
    }
    return nullptr;
  }

  fs::path dir_;
  std::unique_ptr<ContentStore> store_;
  WordPressOptions options_;
};

TEST_F(WordPressImportTest, ImportsPostsPagesAndEverythingAroundThem) {
  auto r = Import();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->posts.found, 3u);
  EXPECT_EQ(r->posts.added, 3u);
  EXPECT_EQ(r->pages.added, 2u);
  EXPECT_EQ(r->nested_pages, 1u);
  EXPECT_EQ(r->drafts, 1u);
  EXPECT_EQ(r->password_protected, 1u);
  EXPECT_EQ(r->comments.added, 2u);
  EXPECT_EQ(r->content.block_comments, 2u);
  EXPECT_EQ(r->content.shortcodes, 1u);
  EXPECT_EQ(r->attachments.added, 1u);  // no attachment item, but the file it uses is found
  EXPECT_EQ(r->media_references_rewritten, 1u);
  EXPECT_EQ(r->skipped.size(), 1u);  // the revision
  EXPECT_EQ(r->wordpress_permalinks, "/{year}/{month}/{day}/{slug}/");

  auto all = *store_->LoadArticles(true);
  ASSERT_EQ(all.size(), 5u);
  const Article* post = Find(all, "night-fog");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->title, "Night & Fog");
  EXPECT_EQ(post->section, "articles");
  EXPECT_EQ(post->body_format, BodyFormat::kHtml);
  EXPECT_TRUE(post->featured);
  EXPECT_EQ(post->format, "image");
  EXPECT_EQ(post->dek, "A dek with \\*stars\\*");
  EXPECT_EQ(post->categories, std::vector<std::string>{"Noir Reviews"});
  EXPECT_EQ(post->tags, std::vector<std::string>{"Noir"});
  EXPECT_EQ(post->author_ids, std::vector<std::string>{"ana"});
  EXPECT_EQ(post->date, 1614848400);  // the GMT date
  EXPECT_TRUE(post->IsPublishedAt(options_.now));
  const std::string& body = post->body_markdown;
  EXPECT_EQ(body.find("<!--"), std::string::npos);
  EXPECT_EQ(body.find("script"), std::string::npos);
  // Internal links: to the published page's new address; the draft's stays on the old site.
  EXPECT_NE(body.find("<a href=\"/about/team/\">us</a>"), std::string::npos) << body;
  EXPECT_NE(body.find("href=\"https://reel.example/2021/03/05/second/\""), std::string::npos);
  EXPECT_NE(body.find("<figure class=\"wp-caption alignleft\"><img "
                      "src=\"/wp-content/uploads/2021/03/still.jpg\" alt=\"Still\">"
                      "<figcaption>The still.</figcaption></figure>"),
            std::string::npos)
      << body;
  // Block-editor content (this body has block markers) gets no autop, as in WordPress.
  EXPECT_NE(body.find("\nSecond paragraph"), std::string::npos) << body;
  EXPECT_EQ(body.find("<p>Second paragraph"), std::string::npos) << body;

  const Article* draft = Find(all, "second");
  ASSERT_NE(draft, nullptr);
  EXPECT_TRUE(draft->draft);
  EXPECT_EQ(draft->status, "draft");
  const Article* secret = Find(all, "secret");
  ASSERT_NE(secret, nullptr);
  EXPECT_TRUE(secret->password_protected);
  EXPECT_FALSE(secret->IsPublishedAt(options_.now));
  const Article* team = Find(all, "about/team");
  ASSERT_NE(team, nullptr);
  EXPECT_EQ(team->kind, ArticleKind::kPage);
  EXPECT_EQ(team->menu_order, 2);
  EXPECT_EQ(team->parent_source, "wordpress/reel.example/20");

  auto media = *store_->LoadMediaList();
  ASSERT_EQ(media.size(), 1u);
  EXPECT_EQ(media[0].path, "wp-content/uploads/2021/03/still.jpg");

  auto comments = *store_->LoadComments();
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_EQ(comments[0].status, "approved");
  EXPECT_EQ(comments[0].body, "<p>Yes.<br>\nReally.</p>");
  EXPECT_EQ(comments[1].status, "pending");
  EXPECT_EQ(comments[1].parent_source_id, "wp:5");
  EXPECT_EQ(comments[1].body.find("<script"), std::string::npos);

  auto terms = *store_->LoadTerms();
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[0].slug, "noir-reviews");
  EXPECT_EQ(terms[0].parent, "reviews");

  auto menus = *store_->LoadMenus();
  ASSERT_EQ(menus.size(), 1u);
  EXPECT_EQ(menus[0].role, "main");
  ASSERT_EQ(menus[0].items.size(), 1u);
  EXPECT_EQ(menus[0].items[0].name, "About");
  EXPECT_EQ(menus[0].items[0].url, "/about/");

  std::map<std::string, UrlRedirect> redirects;
  auto stored_redirects = store_->LoadRedirects();
  ASSERT_TRUE(stored_redirects);
  for (const UrlRedirect& x : stored_redirects.value()) redirects[x.from] = x;
  EXPECT_EQ(redirects["/2021/03/04/night-fog/"].article_id, post->id);
  EXPECT_EQ(redirects["/?p=12"].article_id, post->id);
  EXPECT_EQ(redirects["/?page_id=21"].article_id, team->id);
  EXPECT_EQ(redirects["/category/reviews/noir-reviews/"].to, "/category/noir-reviews/");
}

TEST_F(WordPressImportTest, ImportingAgainChangesNothing) {
  ASSERT_TRUE(Import());
  auto before = *store_->LoadArticles(true);
  auto r = Import();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->posts.unchanged, 3u);
  EXPECT_EQ(r->pages.unchanged, 2u);
  EXPECT_EQ(r->posts.added + r->posts.updated + r->pages.added + r->pages.updated, 0u);
  EXPECT_EQ(r->comments.unchanged, 2u);
  EXPECT_EQ(r->redirects.added + r->redirects.updated, 0u);
  EXPECT_EQ(r->menus.unchanged, 1u);
  auto after = *store_->LoadArticles(true);
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i].source_hash, after[i].source_hash);
    EXPECT_EQ(before[i].body_markdown, after[i].body_markdown);
  }
}

TEST_F(WordPressImportTest, ADuplicateIdIsSkippedAndReimportingStillChangesNothing) {
  std::string twice = kExport;
  size_t about = twice.find("<item>\n<title>About</title>");
  size_t end = twice.find("</item>", about) + 8;
  std::string copy = twice.substr(about, end - about);
  copy.replace(copy.find("Who we are"), 10, "Someone else");
  twice.insert(end, copy);
  Write("twice.xml", twice);
  auto r = Import("twice.xml");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->pages.found, 3u);
  EXPECT_EQ(r->pages.added, 2u);
  EXPECT_EQ(r->pages.skipped, 1u);
  auto all = *store_->LoadArticles(true);
  const Article* about_page = Find(all, "about");
  ASSERT_NE(about_page, nullptr);
  EXPECT_NE(about_page->body_markdown.find("Who we are"), std::string::npos);
  auto again = Import("twice.xml");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->pages.updated + again->posts.updated, 0u);
}

TEST_F(WordPressImportTest, AMalformedExportWritesNothing) {
  std::string bad = kExport;
  bad.replace(bad.find("</item>"), 7, "</itme>");
  Write("bad.xml", bad);
  auto r = Import("bad.xml");
  ASSERT_FALSE(r);
  EXPECT_GT(r.error().line, 1);
  EXPECT_NE(r.error().message.find("column"), std::string::npos);
  EXPECT_TRUE(store_->LoadArticles(false)->empty());
  EXPECT_TRUE(store_->LoadComments()->empty());
  EXPECT_TRUE(store_->LoadRedirects()->empty());
}

TEST_F(WordPressImportTest, NoFileIsTakenFromOutsideTheUploadsFolder) {
  // A folder of the uploads that is a link to elsewhere: the export cannot reach through it.
  fs::create_directories(dir_ / "outside/03");
  std::ofstream(dir_ / "outside/03/still.jpg") << "SECRET";
  fs::remove_all(dir_ / "uploads/2021/03");
  fs::create_directory_symlink(dir_ / "outside/03", dir_ / "uploads/2021/03");
  auto r = Import();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->media_references_rewritten, 0u);
  EXPECT_TRUE(store_->LoadMediaList()->empty());
}

TEST_F(WordPressImportTest, KeepPermalinksGivesPostsTheirOldAddresses) {
  options_.keep_permalinks = true;
  auto r = Import();
  ASSERT_TRUE(r);
  auto stored_redirects = store_->LoadRedirects();
  ASSERT_TRUE(stored_redirects);
  for (const UrlRedirect& x : stored_redirects.value()) {
    EXPECT_NE(x.from, "/2021/03/04/night-fog/") << "the post keeps this address; no redirect";
  }
}

// The real export (../shared/data/wordpress, see its README), here so that the sanitizer build
// runs the whole importer over it; tests/e2e/wordpress_e2e.py checks the site it makes.
TEST_F(WordPressImportTest, TheThemeUnitTestDataImportsWhole) {
  const char* source = std::getenv("CINEPRESS_SOURCE_DIR");
  fs::path shared = std::getenv("CINEPRESS_SHARED")
                        ? fs::path(std::getenv("CINEPRESS_SHARED"))
                        : fs::path(source ? source : ".") / ".." / "shared";
  fs::path file = shared / "data/wordpress/themeunittestdata.wordpress.xml";
  if (!fs::exists(file)) GTEST_SKIP() << file << " is not here";
  auto r = ImportWordPress(*store_, file, *TimeZone::Named("UTC"), options_);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->posts.added, 58u);
  EXPECT_EQ(r->pages.added, 21u);
  EXPECT_EQ(r->comments.added, 33u);
  EXPECT_EQ(r->menus.added, 6u);
  auto all = store_->LoadArticles(true);
  ASSERT_TRUE(all);
  for (const Article& a : all.value()) {
    EXPECT_EQ(a.body_markdown.find("<script"), std::string::npos) << a.slug;
    EXPECT_EQ(a.body_markdown.find("<!-- wp:"), std::string::npos) << a.slug;
  }
}

// An export without any address of its site (channel link, base URLs, item GUIDs).
std::string Addressless(const std::string& title, const std::string& body) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>)" +
         title + R"(</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Hello</title><content:encoded><![CDATA[)" +
         body + R"(]]></content:encoded>
<wp:post_id>1</wp:post_id><wp:post_date_gmt>2021-03-04 09:00:00</wp:post_date_gmt>
<wp:post_name>hello-)" +
         title + R"(</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
</item></channel></rss>
)";
}

TEST_F(WordPressImportTest, TwoExportsWithoutASiteAddressNeverOverwriteEachOther) {
  Write("a.xml", Addressless("a", "From site A"));
  Write("b.xml", Addressless("b", "From site B"));
  // Without a name of its own, such an export is refused before anything is written.
  auto refused = Import("a.xml");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("--source"), std::string::npos);
  EXPECT_TRUE(store_->LoadArticles(true)->empty());
  options_.source = "site-a";
  ASSERT_TRUE(Import("a.xml"));
  options_.source = "site-b";
  auto b = Import("b.xml");
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_EQ(b->posts.added, 1u);
  EXPECT_EQ(b->posts.updated, 0u);
  auto all = *store_->LoadArticles(true);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_NE(all[0].source_path, all[1].source_path);
}

TEST_F(WordPressImportTest, AnExportWithoutAChannelAddressIsKnownByItsGuids) {
  std::string xml = Addressless("a", "Text");
  xml.insert(xml.find("<wp:post_id>"), "<guid>https://reel.example/?p=1</guid>");
  Write("a.xml", xml);
  ASSERT_TRUE(Import("a.xml"));
  auto all = *store_->LoadArticles(true);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].source_path, "wordpress/reel.example/1");
}

TEST_F(WordPressImportTest, ReimportingPostsWithoutADateChangesNothingAndSaysSo) {
  std::string xml = kExport;
  xml.erase(xml.find("<wp:post_id>13</wp:post_id><wp:post_date_gmt>2021-03-05 09:00:00"
                     "</wp:post_date_gmt>") +
                27,
            std::string("<wp:post_date_gmt>2021-03-05 09:00:00</wp:post_date_gmt>").size());
  ASSERT_EQ(xml.find("2021-03-05 09:00:00"), std::string::npos);
  Write("undated.xml", xml);
  auto first = Import("undated.xml");
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->written);
  options_.now += 3600;  // a later run: "now" has moved
  auto again = Import("undated.xml");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->posts.updated, 0u);
  EXPECT_EQ(again->redirects.added + again->redirects.updated, 0u);
  EXPECT_FALSE(again->written);
  EXPECT_NE(again->ToJson().find("\"written\": false"), std::string::npos);
}

TEST_F(WordPressImportTest, DisplayNamesAreTrimmed) {
  std::string xml = kExport;
  xml.replace(xml.find("<wp:author_display_name>Ana Ruiz"), 32,
              "<wp:author_display_name>Ana Ruiz\n  ");
  Write("names.xml", xml);
  ASSERT_TRUE(Import("names.xml"));
  auto authors = *store_->LoadAuthors();
  ASSERT_EQ(authors.size(), 1u);
  EXPECT_EQ(authors[0].name, "Ana Ruiz");
}

TEST_F(WordPressImportTest, AttachmentsOnAnotherHostComeFromTheUploadsFolder) {
  std::string xml = kExport;
  const std::string item = R"(<item><title>Poster</title><wp:post_id>50</wp:post_id>
<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status><wp:post_parent>12</wp:post_parent>
<wp:attachment_url>https://cdn.example.net/media/2021/03/poster.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2021/03/poster.jpg</wp:meta_value></wp:postmeta>
</item>
)";
  xml.insert(xml.find("<item>"), item);
  xml.replace(
      xml.find("Second paragraph"), 16,
      R"(<img src="https://cdn.example.net/media/2021/03/poster-300x200.jpg" alt="Poster">)");
  Write("cdn.xml", xml);
  std::ofstream(dir_ / "uploads/2021/03/poster.jpg") << "JPEG";
  std::ofstream(dir_ / "uploads/2021/03/poster-300x200.jpg") << "JPEG";
  auto r = Import("cdn.xml");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->missing_media.empty()) << r->missing_media[0];
  EXPECT_EQ(r->attachments.skipped, 0u);
  std::set<std::string> paths;
  auto media = store_->LoadMediaList();
  ASSERT_TRUE(media);
  for (const MediaFile& m : media.value()) paths.insert(m.path);
  EXPECT_TRUE(paths.count("wp-content/uploads/2021/03/poster.jpg"));
  EXPECT_TRUE(paths.count("wp-content/uploads/2021/03/poster-300x200.jpg"));
  auto all = *store_->LoadArticles(true);
  const Article* post = Find(all, "night-fog");
  ASSERT_NE(post, nullptr);
  EXPECT_NE(post->body_markdown.find("src=\"/wp-content/uploads/2021/03/poster-300x200.jpg\""),
            std::string::npos)
      << post->body_markdown;
}

TEST_F(WordPressImportTest, BodyFilesNotFoundAreListedAsMissingWithTheirReason) {
  fs::remove_all(dir_ / "uploads");
  fs::create_directories(dir_ / "uploads");  // empty, and nothing is fetched
  auto r = Import();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->missing_media.size(), 1u);
  EXPECT_NE(r->missing_media[0].find("https://reel.example/wp-content/uploads/2021/03/still.jpg"),
            std::string::npos);
  EXPECT_NE(r->missing_media[0].find("fetching is off"), std::string::npos) << r->missing_media[0];
  EXPECT_NE(r->ToText().find("1 missing"), std::string::npos);
}

TEST_F(WordPressImportTest, DynamicBlocksAreListedFromTheExportAndDroppedOnesReported) {
  std::string xml = kExport;
  xml.replace(xml.find("<![CDATA[Who we are]]>"), 22,
              "<![CDATA[<!-- wp:latest-posts /-->\n<!-- wp:tag-cloud /-->]]>");
  Write("blocks.xml", xml);
  auto r = Import("blocks.xml");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->content.dropped_blocks["core/tag-cloud"], 1u);
  EXPECT_NE(r->ToText().find("core/tag-cloud ×1"), std::string::npos) << r->ToText();
  EXPECT_NE(r->ToJson().find("\"core/tag-cloud\": 1"), std::string::npos);
  auto all = *store_->LoadArticles(true);
  const Article* about = Find(all, "about");
  ASSERT_NE(about, nullptr);
  // The one published post (the draft and the protected one are not listed).
  EXPECT_NE(about->body_markdown.find("<a href=\"/articles/night-fog/\">Night &amp; Fog</a>"),
            std::string::npos)
      << about->body_markdown;
  EXPECT_EQ(about->body_markdown.find("secret"), std::string::npos);
}

TEST_F(WordPressImportTest, TheTeaserBeforeMoreIsTheDekAndTheMarkerStays) {
  std::string xml = kExport;
  xml.replace(xml.find("<![CDATA[Text]]>"), 16,
              "<![CDATA[A short teaser.\n<!--more-->\nThe rest of it.]]>");
  Write("more.xml", xml);
  ASSERT_TRUE(Import("more.xml"));
  auto all = *store_->LoadArticles(true);
  const Article* second = Find(all, "second");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->dek, "A short teaser.");
  EXPECT_NE(second->body_markdown.find("<!--more-->"), std::string::npos) << second->body_markdown;
}

// ---- The phases alone.

TEST_F(WordPressImportTest, TheIndexSettlesAddressesFilesAndOldAddressesAndWritesNothing) {
  WordPressReport report;
  auto index = IndexWordPress(dir_ / "export.xml", {}, *TimeZone::Named("UTC"), options_, report);
  ASSERT_TRUE(index) << index.error().ToString();
  EXPECT_EQ(index->source, "reel.example");
  EXPECT_TRUE(index->old_hosts.count("reel.example"));
  // Posts and pages by id, in the file's order; the revision is skipped and said so.
  EXPECT_EQ(index->wxr.post_order, (std::vector<std::string>{"12", "13", "14", "20", "21"}));
  EXPECT_EQ(report.posts.found, 3u);
  EXPECT_EQ(report.pages.found, 2u);
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_NE(report.skipped[0].find("item 40 (revision)"), std::string::npos);
  // New addresses: the section's for posts, the tree's for pages.
  EXPECT_EQ(index->wxr.posts.at("12").new_url, "/articles/night-fog/");
  EXPECT_EQ(index->wxr.posts.at("21").slug, "about/team");
  EXPECT_EQ(index->wxr.posts.at("21").new_url, "/about/team/");
  EXPECT_EQ(report.nested_pages, 1u);
  EXPECT_EQ(report.wordpress_permalinks, "/{year}/{month}/{day}/{slug}/");
  // Every old address of a post: its link, its GUID, ?p=.
  EXPECT_EQ(index->post_by_old.at("/2021/03/04/night-fog/"), "12");
  EXPECT_EQ(index->post_by_old.at("/?p=12"), "12");
  EXPECT_EQ(index->post_by_old.at("/?page_id=20"), "20");
  EXPECT_EQ(index->list_by_old.at("/category/reviews/noir-reviews/"), "/category/noir-reviews/");
  EXPECT_EQ(index->list_by_old.at("/author/ana/"), "/author/ana/");
  // The file the body uses was found in the uploads folder, to be stored by the write phase.
  EXPECT_EQ(index->files.path_by_rel.at("2021/03/still.jpg"),
            "wp-content/uploads/2021/03/still.jpg");
  ASSERT_EQ(index->files.to_store.size(), 1u);
  EXPECT_EQ(report.media_from_uploads, 1u);
  EXPECT_EQ(index->authors.at("ana").name, "Ana Ruiz");
  EXPECT_EQ(index->menus.count("main-menu"), 1u);
  EXPECT_TRUE(index->WillPublish(index->wxr.posts.at("12"), options_.now));
  EXPECT_FALSE(index->WillPublish(index->wxr.posts.at("14"), options_.now));  // password
  EXPECT_TRUE(store_->LoadArticles(false)->empty());
}

TEST_F(WordPressImportTest, TheIndexGivesASlugTakenInTheStoreANewOne) {
  Article other;
  other.kind = ArticleKind::kArticle;
  other.section = "articles";
  other.slug = "night-fog";
  other.source_path = "content/articles/night-fog.md";
  WordPressReport report;
  auto index =
      IndexWordPress(dir_ / "export.xml", {other}, *TimeZone::Named("UTC"), options_, report);
  ASSERT_TRUE(index) << index.error().ToString();
  EXPECT_EQ(index->wxr.posts.at("12").slug, "night-fog-12");
  ASSERT_FALSE(report.notes.empty());
  EXPECT_NE(report.notes.back().find("is taken by another article"), std::string::npos);
}

TEST_F(WordPressImportTest, TheIndexRefusesAMalformedExport) {
  Write("bad.xml", std::string(kExport).substr(0, 2000));
  WordPressReport report;
  EXPECT_FALSE(IndexWordPress(dir_ / "bad.xml", {}, *TimeZone::Named("UTC"), options_, report));
}

TEST_F(WordPressImportTest, TheWritePhaseWritesAllOrNothing) {
  WordPressReport report;
  auto index = IndexWordPress(dir_ / "export.xml", {}, *TimeZone::Named("UTC"), options_, report);
  ASSERT_TRUE(index) << index.error().ToString();
  // The export cut short after indexing: the second read fails, and nothing stays written.
  Write("export.xml", std::string(kExport).substr(0, 4000));
  EXPECT_FALSE(WriteWordPress(*store_, dir_ / "export.xml", *index, {}, options_, report));
  EXPECT_TRUE(store_->LoadArticles(false)->empty());
  EXPECT_TRUE(store_->LoadMediaList()->empty());
  EXPECT_TRUE(store_->LoadRedirects()->empty());

  Write("export.xml", kExport);
  WordPressReport again;
  ASSERT_TRUE(WriteWordPress(*store_, dir_ / "export.xml", *index, {}, options_, again));
  EXPECT_TRUE(again.written);
  EXPECT_EQ(again.posts.added, 3u);
  EXPECT_EQ(again.pages.added, 2u);
  EXPECT_EQ(again.menus.added, 1u);
  EXPECT_EQ(again.attachments.added, 1u);
  EXPECT_GT(again.redirects.added, 0u);
  EXPECT_EQ(store_->LoadArticles(false)->size(), 5u);
}

// One item converted from an index built by hand: no file, no store.
TEST(WordPressConvertTest, OneItemIsAPureFunctionOfItemIndexAndOptions) {
  WpIndex index;
  index.tz = *TimeZone::Named("UTC");
  index.source = "reel.example";
  index.old_hosts = {"reel.example"};
  index.authors["ana"] = Author{};
  index.authors["ana"].id = "ana";
  WpPost post;
  post.id = "7";
  post.type = "post";
  post.status = "publish";
  post.slug = "night-fog";
  post.date = 1600000000;
  post.importable = true;
  post.new_url = "/articles/night-fog/";
  WpPost page = post;
  page.id = "8";
  page.type = "page";
  page.slug = "about";
  page.new_url = "/about/";
  WpPost draft = post;
  draft.id = "9";
  draft.status = "draft";
  draft.new_url = "/articles/draft/";
  index.wxr.posts = {{"7", post}, {"8", page}, {"9", draft}};
  index.post_by_old = {{"/about/", "8"}, {"/draft/", "9"}};
  index.files.path_by_rel = {{"2021/03/still.jpg", "wp-content/uploads/2021/03/still.jpg"},
                             {"2021/03/gone.jpg", ""}};
  WpAttachmentFile thumb;
  thumb.a =
      WpAttachment{"3", "/wp-content/uploads/2021/03/still.jpg", "A still", "", "Still", "image"};
  index.wxr.attachments["3"] = thumb;

  WxrItem item;
  item.post_id = "7";
  item.post_type = "post";
  item.title = "Night &amp; Fog";
  item.creator = "ana";
  item.is_sticky = "1";
  item.excerpt = "A *dek*";
  item.content =
      R"(<p>See <a href="https://reel.example/about/">us</a>, <a href="https://reel.example/draft/">the draft</a> and <a href="https://elsewhere.example/x/">them</a>.</p>
<img src="https://reel.example/wp-content/uploads/2021/03/still.jpg" alt="s"><img src="https://reel.example/wp-content/uploads/2021/03/gone.jpg" alt="g"><script>alert(1)</script>)";
  item.terms = {{"category", "reviews", "Reviews"}, {"post_tag", "noir", "Noir"}};
  item.meta = {{"_thumbnail_id", "3"}};
  WxrComment comment;
  comment.id = "5";
  comment.author = "Bo";
  comment.content = R"(Yes <a href="https://reel.example/about/">here</a>)";
  comment.approved = "1";
  item.comments = {comment};
  WordPressOptions options;
  options.now = 1800000000;

  auto c = ConvertWordPressItem(item, index, options);
  ASSERT_TRUE(c);
  const Article& a = c->article;
  EXPECT_EQ(a.title, "Night & Fog");
  EXPECT_EQ(a.slug, "night-fog");
  EXPECT_EQ(a.section, "articles");
  EXPECT_EQ(a.source_path, "wordpress/reel.example/7");
  EXPECT_EQ(a.body_format, BodyFormat::kHtml);
  EXPECT_EQ(a.date, 1600000000);
  EXPECT_TRUE(a.featured);
  EXPECT_FALSE(a.draft);
  EXPECT_EQ(a.author_ids, std::vector<std::string>{"ana"});
  EXPECT_EQ(a.categories, std::vector<std::string>{"Reviews"});
  EXPECT_EQ(a.tags, std::vector<std::string>{"Noir"});
  EXPECT_EQ(a.dek, "A \\*dek\\*");
  ASSERT_TRUE(a.image);
  EXPECT_EQ(a.image->src, "/wp-content/uploads/2021/03/still.jpg");
  EXPECT_EQ(a.image->alt, "A still");
  // Links to what the new site publishes are rewritten; a draft's and another site's are not.
  EXPECT_NE(a.body_markdown.find("href=\"/about/\""), std::string::npos) << a.body_markdown;
  EXPECT_NE(a.body_markdown.find("https://reel.example/draft/"), std::string::npos);
  EXPECT_NE(a.body_markdown.find("https://elsewhere.example/x/"), std::string::npos);
  // Files the index has are the new site's; a missing one stays where it was.
  EXPECT_NE(a.body_markdown.find("src=\"/wp-content/uploads/2021/03/still.jpg\""),
            std::string::npos);
  EXPECT_NE(a.body_markdown.find("https://reel.example/wp-content/uploads/2021/03/gone.jpg"),
            std::string::npos);
  EXPECT_EQ(a.body_markdown.find("script"), std::string::npos);
  EXPECT_EQ(c->rewrites.links, 2u);  // the body's and the comment's
  EXPECT_EQ(c->rewrites.media, 1u);
  EXPECT_TRUE(c->rewrites.extra_media.empty());
  EXPECT_EQ(c->content.elements_removed, 1u);
  ASSERT_EQ(c->comments.size(), 1u);
  EXPECT_EQ(c->comments[0].status, "approved");
  EXPECT_EQ(c->comments[0].source_id, "wp:5");
  EXPECT_NE(c->comments[0].body.find("href=\"/about/\""), std::string::npos);
  EXPECT_FALSE(a.source_hash.empty());

  // Pure: the same inputs give the same article, to the hash.
  auto again = ConvertWordPressItem(item, index, options);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->article.source_hash, a.source_hash);
  EXPECT_EQ(again->article.body_markdown, a.body_markdown);

  // Not a post the index imports: nothing.
  item.post_id = "99";
  EXPECT_FALSE(ConvertWordPressItem(item, index, options));
  item.post_id = "7";
  item.post_type = "attachment";
  EXPECT_FALSE(ConvertWordPressItem(item, index, options));
}

TEST(WordPressConvertTest, AnUntitledItemIsCalledSoAndANoteSaysIt) {
  WpIndex index;
  index.tz = *TimeZone::Named("UTC");
  index.source = "s";
  WpPost post;
  post.id = "1";
  post.type = "page";
  post.status = "draft";
  post.slug = "p";
  post.importable = true;
  index.wxr.posts["1"] = post;
  WxrItem item;
  item.post_id = "1";
  item.post_type = "page";
  item.content = "Text";
  WordPressOptions options;
  auto c = ConvertWordPressItem(item, index, options);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->article.title, "Untitled");
  EXPECT_EQ(c->article.kind, ArticleKind::kPage);
  EXPECT_EQ(c->article.section, "");
  EXPECT_EQ(c->article.status, "draft");
  EXPECT_TRUE(c->article.draft);
  ASSERT_EQ(c->notes.size(), 1u);
  EXPECT_EQ(c->notes[0], "page 1: no title; called \"Untitled\"");
}

}  // namespace
}  // namespace cinepress
