#include "ingest/folder_export.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "core/text.h"
#include "ingest/markdown_folder.h"
#include "ingest/site_data.h"
#include "ingest/wordpress.h"
#include "ingest/wxr_export.h"
#include "ingest/wxr_reader.h"
#include "store/open_store.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

TimeZone Toronto() { return *TimeZone::Named("America/Toronto"); }

// An article with every field a content file can say, and text that YAML would misread if it
// were written plainly: "yes", "1.0", "null", a colon, quotes, a newline, a "---" line.
Article Everything() {
  Article a;
  a.section = "reviews";
  a.slug = "after-the-mountain";
  a.title = "After the Mountain: \"yes\"";
  a.dek = "One line that sells *the piece*.";
  a.date = 1633496434;
  a.updated = 1633669234;
  a.featured = true;
  a.author_ids = {"nia-bianchi", "joaquin-bakker"};
  a.categories = {"Film Reviews", "yes"};
  a.tags = {"1.0", "null", "TIFF21"};
  a.festival = "Toronto International Film Festival";
  a.access = "members";
  a.image = Image{"/images/after.jpg", "A window at dusk", "Courtesy: the distributor."};
  Film f;
  f.title = "After the Mountain";
  f.original_title = "A Risabenu";
  f.directors = {"Maëlle Blackwood"};
  f.year = 2021;
  f.countries = {"Spain"};
  f.languages = {"Spanish"};
  f.runtime_min = 93;
  f.cast = {"Deniz Verhoeven"};
  f.ids.imdb = "tt1234567";
  f.ids.wikidata = "Q42";
  f.language = "es";
  a.film = f;
  a.rating = 3.5;
  a.rating_max = 5;
  Interviewee who;
  who.name = "Tomás Lungu";
  who.job_title = "Screenwriter";
  who.film = "Nikolai's Camera (2019)";
  who.sort_name = "Lungu, Tomás";
  who.name_order = "family-first";
  who.bio = "Two lines:\n---\nand a rule.";
  who.portrait = Image{"/images/tomas.jpg", "Tomás at his desk", ""};
  who.links = {WebLink{"Website", "https://lungu.example"}};
  a.interviewee = who;
  a.films = {"Low Water (2025)", "Paper Weather"};
  a.body_markdown = "\nThe body, with a rule:\n\n---\n\nand more.\n";
  a.word_count = CountWords(a.body_markdown);
  a.source_path = "content/reviews/2021/after-the-mountain.md";
  return a;
}

Article ParseBack(const Article& a, const std::string& parent = "") {
  std::vector<Error> problems;
  auto path = ExportPathOf(a);
  EXPECT_TRUE(path.ok());
  auto parsed = ParseContentFile(ContentFileOf(a, Toronto(), parent), *path, Toronto(), problems);
  for (const Error& e : problems) ADD_FAILURE() << e.ToString();
  if (!parsed) return {};
  // What import resolves against data/authors.yaml: the ids as written.
  Article out = parsed->article;
  for (const auto& [ref, line] : parsed->author_refs) out.author_ids.push_back(ref);
  return out;
}

void ExpectSameArticle(const Article& x, const Article& y) {
  EXPECT_EQ(x.kind, y.kind);
  EXPECT_EQ(x.section, y.section);
  EXPECT_EQ(x.slug, y.slug);
  EXPECT_EQ(x.title, y.title);
  EXPECT_EQ(x.dek, y.dek);
  EXPECT_EQ(x.date, y.date);
  EXPECT_EQ(x.updated, y.updated);
  EXPECT_EQ(x.draft, y.draft);
  EXPECT_EQ(x.featured, y.featured);
  EXPECT_EQ(x.author_ids, y.author_ids);
  EXPECT_EQ(x.categories, y.categories);
  EXPECT_EQ(x.tags, y.tags);
  EXPECT_EQ(x.festival, y.festival);
  EXPECT_EQ(x.image, y.image);
  EXPECT_EQ(x.film, y.film);
  EXPECT_EQ(x.interviewee, y.interviewee);
  EXPECT_EQ(x.rating, y.rating);
  EXPECT_EQ(x.rating_max, y.rating_max);
  EXPECT_EQ(x.films, y.films);
  EXPECT_EQ(x.items, y.items);
  EXPECT_EQ(x.body_markdown, y.body_markdown);
  EXPECT_EQ(x.word_count, y.word_count);
  EXPECT_EQ(x.access, y.access);
  EXPECT_EQ(x.body_format, y.body_format);
  EXPECT_EQ(x.status, y.status);
  EXPECT_EQ(x.password_protected, y.password_protected);
  EXPECT_EQ(x.format, y.format);
  EXPECT_EQ(x.menu_order, y.menu_order);
}

TEST(ContentFileOf, ReadsBackAsTheSameArticle) {
  const Article a = Everything();
  Article back = ParseBack(a);
  ExpectSameArticle(a, back);
  EXPECT_EQ(back.source_path, a.source_path);
}

TEST(ContentFileOf, AWordPressArticleKeepsItsHtmlBodyAndItsFields) {
  Article a;
  a.kind = ArticleKind::kPage;
  a.slug = "about/masthead";
  a.title = "Masthead";
  a.date = 1200000000;
  a.draft = true;
  a.status = "pending";
  a.password_protected = true;
  a.format = "gallery";
  a.menu_order = 3;
  a.parent_source = "wordpress/example.org/2";
  a.body_format = BodyFormat::kHtml;
  a.body_markdown = "<p>Who we are.</p>\n<!--more-->\n<p>And <em>more</em>.</p>\n";
  a.word_count = 5;
  a.source_path = "wordpress/example.org/12";
  ASSERT_EQ(*ExportPathOf(a), "content/about-masthead.md");
  const std::string text = ContentFileOf(a, Toronto(), "content/about.md");
  EXPECT_NE(text.find("body_format: \"html\""), std::string::npos) << text;
  Article back = ParseBack(a, "content/about.md");
  ExpectSameArticle(a, back);
  EXPECT_EQ(back.parent_source, "content/about.md");
}

TEST(ContentFileOf, UnsafeHtmlInAFileIsSanitizedOnImport) {
  std::vector<Error> problems;
  auto parsed = ParseContentFile(
      "---\ntitle: X\ndate: 2021-01-01\nbody_format: html\n---\n<p>Hi</p><script>alert(1)</script>"
      "<img src=x onerror=alert(1)>",
      "content/x.md", Toronto(), problems);
  ASSERT_TRUE(parsed) << (problems.empty() ? "" : problems[0].ToString());
  EXPECT_EQ(parsed->article.body_markdown.find("script"), std::string::npos);
  EXPECT_EQ(parsed->article.body_markdown.find("onerror"), std::string::npos);
  problems.clear();
  EXPECT_FALSE(ParseContentFile("---\ntitle: X\ndate: 2021-01-01\nbody_format: rtf\n---\n",
                                "content/x.md", Toronto(), problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "body_format");
}

TEST(ExportPathOf, KeepsTheSourcePathOnlyWhenImportReadsItBackAsTheSameArticle) {
  Article a = Everything();
  EXPECT_EQ(*ExportPathOf(a), "content/reviews/2021/after-the-mountain.md");
  a.source_path = "content/essays/after-the-mountain.md";  // another section: not read back so
  EXPECT_EQ(*ExportPathOf(a), "content/reviews/after-the-mountain.md");
  a.source_path = "wordpress/example.org/12";
  EXPECT_EQ(*ExportPathOf(a), "content/reviews/after-the-mountain.md");
  a.source_path = "content/../../etc/passwd.md";
  EXPECT_EQ(*ExportPathOf(a), "content/reviews/after-the-mountain.md");
  a.slug = "../x";
  EXPECT_FALSE(ExportPathOf(a).ok());
  a.slug = "x";
  a.section = "..";
  EXPECT_FALSE(ExportPathOf(a).ok());
}

TEST(PathInside, RefusesPathsThatLeaveTheFolder) {
  const fs::path dir = fs::temp_directory_path() / ("cinepress-inside-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  EXPECT_TRUE(PathInside(dir, "content/x.md").ok());
  for (const char* bad : {"../x", "/etc/passwd", "content//x.md", "content/./x", "a/../../x", ""}) {
    EXPECT_FALSE(PathInside(dir, bad).ok()) << bad;
  }
  fs::create_directory_symlink("/tmp", dir / "static");
  auto through_link = PathInside(dir, "static/x.jpg");
  ASSERT_FALSE(through_link.ok());
  EXPECT_NE(through_link.error().message.find("symbolic link"), std::string::npos);
  fs::remove_all(dir);
}

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("cinepress-export-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    store_ = std::move(*OpenContentStore(root_ / "a.db", {}));
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }
  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Every file under `dir`, by path relative to it.
  static std::map<std::string, std::string> Files(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) out[e.path().lexically_relative(dir).string()] = Read(e.path());
    }
    return out;
  }
  void Fill() {
    ASSERT_TRUE(store_->SaveAuthor(Author{"nia-bianchi", "Nia Bianchi", "Critic", "", "", "Bio."}));
    ASSERT_TRUE(store_->SaveAuthor(Author{"joaquin-bakker", "Joaquín Bakker", "", "", "", ""}));
    PersonProfile p;
    p.slug = "tomas-lungu";
    p.name = "Tomás Lungu";
    p.bio = "Writes *scripts*.";
    p.links = {WebLink{"Website", "https://lungu.example"}};
    ASSERT_TRUE(store_->SavePerson(p));
    ASSERT_TRUE(store_->SaveSection(Section{"reviews", "Reviews", "Every review.", ""}));
    ASSERT_TRUE(store_->SaveSection(Section{"", "The Magazine", "About films.", ""}));
    Article a = Everything();
    a.access = "";  // tiers would need a cinepress.toml
    ASSERT_TRUE(store_->SaveArticle(a));
    Article page;
    page.kind = ArticleKind::kPage;
    page.slug = "about";
    page.title = "About";
    page.date = 1600000000;
    page.body_markdown = "Who we are.\n";
    page.word_count = 3;
    ASSERT_TRUE(store_->SaveArticle(page));
    ASSERT_TRUE(store_->SaveMedia("images/after.jpg", std::string(300000, 'x') + "end"));
    // What a folder keeps in data/menus.yaml, data/redirects.yaml and data/media.yaml.
    StoredMenu menu{"primary", "Primary: \"yes\"", "main", {}};
    menu.items = {MenuItem{"Reviews", "/reviews/", {MenuItem{"2021", "/reviews/2021/", {}}}},
                  MenuItem{"About", "/about/", {}}};
    ASSERT_TRUE(store_->SaveMenu(menu));
    const int64_t review = store_->LoadArticles(false)->front().id;
    ASSERT_TRUE(store_->SaveRedirect(UrlRedirect{"/?p=12", review, ""}));
    ASSERT_TRUE(store_->SaveRedirect(UrlRedirect{"/films/old-name/", 0, "/films/new-name/"}));
    ASSERT_TRUE(store_->SaveAlias(ArticleAlias{review, ArticleKind::kArticle, "news", "old"}));
    ASSERT_TRUE(store_->SaveTerm(Term{"category", "festivals", "Festivals: \"yes\"", "", "All."}));
    ASSERT_TRUE(store_->SaveTerm(Term{"category", "tiff", "TIFF", "festivals", ""}));
    ASSERT_TRUE(store_->SaveMedia("uploads/2026/12/still.jpg", "jpeg bytes"));
    // A private file (a workshop's material): written by its owner's export, never as media.
    ASSERT_TRUE(store_->SaveMedia("_workshops/ozu/reading.pdf", "%PDF"));
    ASSERT_TRUE(store_->SaveMediaDetails(
        MediaDetails{"uploads/2026/12/still.jpg", "A door: half open", "Caption\nof two lines",
                     "Courtesy", "ed@example.org", "image/jpeg", 1200, 800, 1765000000}));
  }
  // Redirects with the article's slug for its id (ids differ between stores).
  static std::vector<std::string> Redirects(ContentStore& store) {
    std::vector<std::string> out;
    auto articles = *store.LoadArticles(false);
    auto redirects = store.LoadRedirects();
    if (!redirects) return {redirects.error().ToString()};
    for (const UrlRedirect& r : *redirects) {
      std::string target = r.to;
      for (const Article& a : articles) {
        if (a.id == r.article_id) target = "article " + a.slug;
      }
      out.push_back(r.from + " -> " + target);
    }
    return out;
  }
  fs::path root_;
  std::unique_ptr<ContentStore> store_;
};

TEST_F(ExportTest, ImportOfTheExportMakesTheSameStoreAndExportingAgainTheSameFiles) {
  Fill();
  auto report = ExportFolder(*store_, root_ / "out", Toronto(), {});
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->articles, 1u);
  EXPECT_EQ(report->pages, 1u);
  EXPECT_EQ(report->media, 2u);
  EXPECT_EQ(report->menus, 1u);
  EXPECT_EQ(report->redirects, 2u);
  EXPECT_EQ(report->media_details, 1u);
  EXPECT_EQ(report->aliases, 1u);
  EXPECT_EQ(report->terms, 2u);
  EXPECT_TRUE(report->not_exported.empty()) << report->not_exported[0];
  EXPECT_TRUE(fs::exists(root_ / "out/content/reviews/2021/after-the-mountain.md"));
  EXPECT_FALSE(fs::exists(root_ / "out/static/_workshops"));
  EXPECT_NE(Read(root_ / "out/data/redirects.yaml")
                .find("article: \"content/reviews/2021/after-the-mountain.md\""),
            std::string::npos);
  EXPECT_TRUE(fs::exists(root_ / "out/content/_index.md"));

  auto fresh = std::move(*OpenContentStore(root_ / "b.db", {}));
  auto imported = ImportFolder(*fresh, root_ / "out", Toronto(), {});
  ASSERT_TRUE(imported.ok()) << imported.error().ToString();
  ASSERT_TRUE(imported->problems.empty()) << imported->problems[0].ToString();
  auto before = *store_->LoadArticles(true);
  auto after = *fresh->LoadArticles(true);
  ASSERT_EQ(before.size(), after.size());
  for (const Article& x : before) {
    bool found = false;
    for (const Article& y : after) {
      if (y.slug != x.slug) continue;
      found = true;
      ExpectSameArticle(x, y);
    }
    EXPECT_TRUE(found) << x.slug;
  }
  EXPECT_EQ(*store_->LoadAuthors(), *fresh->LoadAuthors());
  EXPECT_EQ(*store_->LoadPeople(), *fresh->LoadPeople());
  EXPECT_EQ(*store_->LoadSections(), *fresh->LoadSections());
  EXPECT_EQ(store_->LoadMediaFile("images/after.jpg")->hash,
            fresh->LoadMediaFile("images/after.jpg")->hash);
  EXPECT_EQ(MenusYamlOf(*store_->LoadMenus()), MenusYamlOf(*fresh->LoadMenus()));
  ASSERT_EQ(fresh->LoadMenus()->size(), 1u);
  EXPECT_EQ(fresh->LoadMenus()->front().items[0].children[0].url, "/reviews/2021/");
  EXPECT_EQ(Redirects(*store_), Redirects(*fresh));
  EXPECT_EQ(Redirects(*fresh).size(), 2u);
  EXPECT_EQ(*store_->LoadMediaDetails(), *fresh->LoadMediaDetails());
  EXPECT_EQ(*store_->LoadTerms(), *fresh->LoadTerms());
  auto aliases = *fresh->LoadAliases();
  ASSERT_EQ(aliases.size(), 1u);
  EXPECT_EQ(aliases[0].section, "news");
  EXPECT_EQ(aliases[0].slug, "old");
  for (const Article& a : after) {
    if (a.id == aliases[0].article_id) {
      EXPECT_EQ(a.slug, "after-the-mountain");
    }
  }

  auto again = ExportFolder(*fresh, root_ / "out2", Toronto(), {});
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(Files(root_ / "out"), Files(root_ / "out2"));
}

TEST_F(ExportTest, AnArticleEditedInTheNewsroomIsExportedAsTheStoreHasIt) {
  Fill();
  auto articles = *store_->LoadArticles(true);
  Article edited = articles[0].kind == ArticleKind::kPage ? articles[0] : articles[1];
  edited.body_markdown = "Rewritten in the newsroom.\n";
  ASSERT_TRUE(store_->SaveArticle(edited));
  ASSERT_TRUE(store_->SaveRevision(
      ArticleRevision{0, edited.id, 1700000000, "ed@example.org", "publish", edited}));
  ASSERT_TRUE(ExportFolder(*store_, root_ / "out", Toronto(), {}).ok());
  const std::string text = Read(root_ / "out" / *ExportPathOf(edited));
  EXPECT_NE(text.find("---\nRewritten in the newsroom.\n"), std::string::npos) << text;
}

TEST_F(ExportTest, ANonEmptyFolderIsRefusedUnlessForcedAndNoOtherFileIsTouched) {
  Fill();
  fs::create_directories(root_ / "out/content");
  std::ofstream(root_ / "out/notes.txt") << "mine";
  std::ofstream(root_ / "out/content/about.md") << "old";
  auto refused = ExportFolder(*store_, root_ / "out", Toronto(), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("--force"), std::string::npos);
  EXPECT_EQ(Read(root_ / "out/content/about.md"), "old");

  auto forced = ExportFolder(*store_, root_ / "out", Toronto(), FolderExportOptions{true});
  ASSERT_TRUE(forced.ok()) << forced.error().ToString();
  EXPECT_EQ(Read(root_ / "out/notes.txt"), "mine");
  EXPECT_NE(Read(root_ / "out/content/about.md"), "old");

  std::ofstream(root_ / "a-file") << "x";
  EXPECT_FALSE(ExportFolder(*store_, root_ / "a-file", Toronto(), {}).ok());
}

// The WordPress export: what WordPress's importer reads (its parser looks for wp:wxr_version,
// wp:author, wp:category, wp:tag and items with wp: fields), and our own importer reads back.
TEST_F(ExportTest, TheWxrExportIsReadBackWithTheSameArticlesWritersTermsAndDates) {
  Fill();
  ASSERT_TRUE(
      store_->SaveTerm(Term{"category", "film-reviews", "Film Reviews", "", "All of them"}));
  std::ostringstream out;
  WxrExportOptions options;
  options.title = "The Magazine";
  options.base_url = "https://magazine.example";
  options.now = 1800000000;
  auto report = ExportWxr(*store_, out, Toronto(), options);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->posts, 1u);
  EXPECT_EQ(report->pages, 1u);
  EXPECT_EQ(report->attachments, 1u);

  WxrChannel channel;
  std::vector<WxrAuthor> authors;
  std::vector<WxrTerm> terms;
  std::vector<WxrItem> items;
  WxrCallbacks callbacks;
  callbacks.channel = [&](const WxrChannel& c) { channel = c; };
  callbacks.author = [&](const WxrAuthor& a) { authors.push_back(a); };
  callbacks.term = [&](const WxrTerm& t) { terms.push_back(t); };
  callbacks.item = [&](const WxrItem& i) -> Status {
    items.push_back(i);
    return {};
  };
  ASSERT_TRUE(ReadWxrString(out.str(), "export.xml", callbacks));
  EXPECT_EQ(channel.wxr_version, "1.2");
  EXPECT_EQ(channel.base_site_url, "https://magazine.example");
  EXPECT_EQ(authors.size(), 2u);
  ASSERT_EQ(items.size(), 3u);
  std::map<std::string, const WxrItem*> by_type;
  for (const WxrItem& i : items) by_type[i.post_type] = &i;
  const WxrItem& post = *by_type.at("post");
  const WxrItem& attachment = *by_type.at("attachment");
  EXPECT_EQ(post.post_name, "after-the-mountain");
  EXPECT_EQ(post.post_date_gmt, "2021-10-06 05:00:34");
  EXPECT_EQ(post.post_date, "2021-10-06 01:00:34");
  EXPECT_EQ(post.status, "publish");
  EXPECT_EQ(post.is_sticky, "1");
  EXPECT_EQ(post.excerpt, "One line that sells <em>the piece</em>.");
  ASSERT_NE(post.Meta("_thumbnail_id"), nullptr);
  EXPECT_EQ(*post.Meta("_thumbnail_id"), attachment.post_id);
  EXPECT_EQ(attachment.attachment_url, "https://magazine.example/images/after.jpg");
  bool described = false;
  for (const WxrTerm& t : terms) described = described || t.description == "All of them";
  EXPECT_TRUE(described);

  // Our importer reads it back.
  std::ofstream(root_ / "export.xml") << out.str();
  auto fresh = std::move(*OpenContentStore(root_ / "b.db", {}));
  WordPressOptions wp;
  wp.fetch = false;
  wp.section = "reviews";
  wp.now = 1800000000;
  auto imported = ImportWordPress(*fresh, root_ / "export.xml", Toronto(), wp);
  ASSERT_TRUE(imported.ok()) << imported.error().ToString();
  auto back = *fresh->LoadArticles(true);
  ASSERT_EQ(back.size(), 2u);
  const Article& review = back[0].kind == ArticleKind::kArticle ? back[0] : back[1];
  const Article original = Everything();
  EXPECT_EQ(review.title, original.title);
  EXPECT_EQ(review.slug, original.slug);
  EXPECT_EQ(review.date, original.date);
  // WordPress's excerpts are read as text: the dek's emphasis does not come back.
  EXPECT_EQ(review.dek, "One line that sells the piece.");
  EXPECT_EQ(review.categories, original.categories);
  EXPECT_EQ(review.tags, original.tags);
  EXPECT_TRUE(review.featured);
  EXPECT_EQ(review.author_ids, std::vector<std::string>{"nia-bianchi"});
  ASSERT_TRUE(review.image);
  EXPECT_EQ(review.image->alt, original.image->alt);
  EXPECT_NE(review.body_markdown.find("<hr"), std::string::npos);
  std::map<std::string, std::string> names;
  auto authors_back = fresh->LoadAuthors();
  ASSERT_TRUE(authors_back.ok());
  for (const Author& a : *authors_back) names[a.id] = a.name;
  EXPECT_EQ(names["nia-bianchi"], "Nia Bianchi");
  EXPECT_EQ(names["joaquin-bakker"], "Joaquín Bakker");
}

TEST(WxrDate, IsWordPressesLocalAndGmtForm) {
  EXPECT_EQ(WxrDate(1633496434, nullptr), "2021-10-06 05:00:34");
  const TimeZone tz = Toronto();
  EXPECT_EQ(WxrDate(1633496434, &tz), "2021-10-06 01:00:34");
}

}  // namespace
}  // namespace cinepress
