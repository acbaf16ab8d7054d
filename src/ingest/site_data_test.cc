#include "ingest/site_data.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TimeZone Toronto() { return *TimeZone::Named("America/Toronto"); }

std::string Problems(const std::vector<Error>& problems) {
  std::string out;
  for (const Error& e : problems) out += e.ToString() + "\n";
  return out;
}

TEST(SiteData, MenusReadBackWithTheirSubmenusAndTextsYamlWouldMisread) {
  StoredMenu m{"footer-links", "null", "footer", {}};
  m.items = {MenuItem{"yes", "/a: b/", {MenuItem{"1.0", "/x/", {MenuItem{"#", "/y/", {}}}}}}};
  std::vector<Error> problems;
  auto back = ReadMenusYaml(MenusYamlOf({m}), "data/menus.yaml", problems);
  ASSERT_TRUE(problems.empty()) << Problems(problems);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].slug, "footer-links");
  EXPECT_EQ(back[0].name, "null");
  EXPECT_EQ(back[0].role, "footer");
  EXPECT_EQ(back[0].items[0].name, "yes");
  EXPECT_EQ(back[0].items[0].url, "/a: b/");
  EXPECT_EQ(back[0].items[0].children[0].children[0].name, "#");
  EXPECT_EQ(MenusYamlOf(back), MenusYamlOf({m}));
  EXPECT_EQ(MenusYamlOf({}), "");
}

TEST(SiteData, RedirectsReadBackToAnArticlesFileOrAPath) {
  std::vector<FolderRedirect> redirects = {{"/?p=12", "content/reviews/x.md", "", 0},
                                           {"/old path/", "", "/new/", 0}};
  std::vector<Error> problems;
  auto back = ReadRedirectsYaml(RedirectsYamlOf(redirects), "data/redirects.yaml", problems);
  ASSERT_TRUE(problems.empty()) << Problems(problems);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].from, "/?p=12");
  EXPECT_EQ(back[0].article, "content/reviews/x.md");
  EXPECT_EQ(back[1].to, "/new/");
  EXPECT_EQ(back[1].line, 3);
}

TEST(SiteData, MediaDetailsReadBackWithTheUploadTimeInTheSitesZone) {
  MediaDetails d{"uploads/2026/12/x.jpg",
                 "A door",
                 "Two\nlines",
                 "Courtesy: A",
                 "ed@example.org",
                 "image/jpeg",
                 1200,
                 800,
                 1765000000};
  std::vector<Error> problems;
  const std::string text = MediaYamlOf({d}, Toronto());
  EXPECT_NE(text.find("-05:00"), std::string::npos) << text;
  auto back = ReadMediaYaml(text, "data/media.yaml", Toronto(), problems);
  ASSERT_TRUE(problems.empty()) << Problems(problems);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], d);
}

TEST(SiteData, AliasesAndTermsReadBack) {
  std::vector<FolderAlias> aliases = {
      {"content/reviews/x.md", ArticleKind::kArticle, "news", "x", 0},
      {"content/about.md", ArticleKind::kPage, "", "about-us", 0},
      {"content/reviews/x.md", ArticleKind::kArticle, "", "yes", 0}};
  std::vector<Error> problems;
  auto back = ReadAliasesYaml(AliasesYamlOf(aliases), "data/aliases.yaml", problems);
  ASSERT_TRUE(problems.empty()) << Problems(problems);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].article, "content/about.md");  // by file
  EXPECT_EQ(back[0].kind, ArticleKind::kPage);
  EXPECT_EQ(back[0].slug, "about-us");
  EXPECT_EQ(back[2].slug, "yes");
  EXPECT_EQ(back[2].section, "");
  std::vector<Term> terms = {{"category", "festivals", "Festivals", "", "All: of them"},
                             {"category", "tiff", "TIFF", "festivals", ""},
                             {"post_tag", "1-0", "1.0", "", ""}};
  EXPECT_EQ(ReadTermsYaml(TermsYamlOf(terms), "data/terms.yaml", problems), terms);
  EXPECT_TRUE(problems.empty()) << Problems(problems);
  ReadAliasesYaml("content/x.md: [{kind: post, slug: a}, {section: b}]\n", "data/aliases.yaml",
                  problems);
  ASSERT_EQ(problems.size(), 2u) << Problems(problems);
  EXPECT_EQ(problems[0].field, "content/x.md.kind");
  EXPECT_EQ(problems[1].field, "content/x.md.slug");
}

TEST(SiteData, EveryBadValueIsNamedWithItsFileLineAndField) {
  std::vector<Error> problems;
  ReadMenusYaml("main:\n  role: sidebar\n  items:\n    - {url: /x/}\n", "data/menus.yaml",
                problems);
  ASSERT_EQ(problems.size(), 2u) << Problems(problems);
  EXPECT_EQ(problems[0].ToString(),
            "data/menus.yaml:2: main.role: must be main, footer or left out");
  EXPECT_EQ(problems[1].field, "main.items.name");
  EXPECT_EQ(problems[1].line, 4);
  problems.clear();
  ReadRedirectsYaml(
      "\"/a/\": {article: content/x.md, to: /b/}\n\"http://x/\": {to: /b/}\n\"/c/\": {}\n"
      "\"/d/\": {article: static/x.jpg}\n",
      "data/redirects.yaml", problems);
  ASSERT_EQ(problems.size(), 4u) << Problems(problems);
  EXPECT_EQ(problems[0].line, 1);
  EXPECT_NE(problems[0].message.find("one of article"), std::string::npos);
  EXPECT_EQ(problems[1].line, 2);
  EXPECT_NE(problems[1].message.find("starting with /"), std::string::npos);
  EXPECT_EQ(problems[2].line, 3);
  EXPECT_EQ(problems[3].field, "/d/.article");
  problems.clear();
  ReadMediaYaml("x.jpg: {width: -1, uploaded: soon}\n- a list\n", "data/media.yaml", Toronto(),
                problems);
  EXPECT_FALSE(problems.empty());
  problems.clear();
  ReadMediaYaml("x.jpg: {width: -1, uploaded: soon}\n", "data/media.yaml", Toronto(), problems);
  ASSERT_EQ(problems.size(), 2u) << Problems(problems);
  EXPECT_EQ(problems[0].field, "x.jpg.width");
  EXPECT_EQ(problems[1].field, "uploaded");
  problems.clear();
  ReadMenusYaml("- a list\n", "data/menus.yaml", problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 1);
}

}  // namespace
}  // namespace cinepress
