#include "render/theme.h"

#include <gtest/gtest.h>

#include <fstream>

namespace cinepress {
namespace {
namespace fs = std::filesystem;

class ThemeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cinepress-theme-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    for (const std::string& t : Theme::RequiredTemplates()) {
      Write("templates/" + t + ".mustache", "<p>" + t + "</p>\n");
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  fs::path dir_;
};

TEST_F(ThemeTest, RendersWithPartialsEscapingAndTheContextStack) {
  Write("partials/head.mustache", "<title>{{page.title}} — {{site.title}}</title>\n");
  Write("templates/article.mustache", "{{> head}}\n<h1>{{article.title}}</h1>{{{article.body}}}");
  Write("assets/site.css", "body{}");
  auto theme = Theme::Load(dir_, "themes/t");
  ASSERT_TRUE(theme.ok()) << theme.error().ToString();
  ThemeRenderer r(*theme);
  TemplateData base;
  TemplateData site;
  site.set("title", "The Mag");
  base.set("site", site);
  TemplateData page, p, a;
  p.set("title", "A <b>review</b>");
  a.set("title", "Tom & Jerry");
  a.set("body", "<p>ok</p>");
  page.set("page", p);
  page.set("article", a);
  auto html = r.Render("article", base, page);
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(*html,
            "<title>A &lt;b&gt;review&lt;/b&gt; — The Mag</title>\n\n<h1>Tom &amp; Jerry</h1>"
            "<p>ok</p>");
  std::string url = (*theme)->AssetUrl("site.css");
  EXPECT_EQ(url.rfind("/assets/site.", 0), 0u);
  EXPECT_EQ(url.substr(url.size() - 4), ".css");
  EXPECT_NE(url, "/assets/site.css");
}

TEST_F(ThemeTest, ErrorsNameTheFileAndLine) {
  Write("partials/nav.mustache", "<nav>\n{{#site.menu}}\n<a>x</a>\n</nav>\n");
  auto theme = Theme::Load(dir_, "themes/t");
  ASSERT_FALSE(theme.ok());
  EXPECT_EQ(theme.error().file, "themes/t/partials/nav.mustache");
  EXPECT_EQ(theme.error().line, 2) << theme.error().ToString();
  EXPECT_NE(theme.error().message.find("site.menu"), std::string::npos);
}

TEST_F(ThemeTest, UnknownPartialAndMissingTemplateAreErrors) {
  Write("templates/home.mustache", "line one\n{{> nowhere}}\n");
  auto theme = Theme::Load(dir_, "themes/t");
  ASSERT_FALSE(theme.ok());
  EXPECT_EQ(theme.error().ToString(),
            "themes/t/templates/home.mustache:2: no partial \"nowhere\" in partials/");
  fs::remove(dir_ / "templates/404.mustache");
  Write("templates/home.mustache", "ok");
  auto missing = Theme::Load(dir_, "themes/t");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("404.mustache"), std::string::npos);
}

// Content is never compiled as a template: a partial tag the theme's inliner does not see (after
// a delimiter change) does not take an article's title as the partial's source.
TEST_F(ThemeTest, APartialTagNeverRendersContentAsATemplate) {
  Write("templates/article.mustache", "{{=<% %>=}}[<%title%>|<%> title%>]");
  auto theme = Theme::Load(dir_, "themes/t");
  ASSERT_TRUE(theme.ok()) << theme.error().ToString();
  ThemeRenderer r(*theme);
  TemplateData base, page;
  base.set("secret", "s3cret");
  for (const char* title : {"Hello {{secret}}", "Broken {{#section"}) {
    page.set("title", title);
    auto html = r.Render("article", base, page);
    ASSERT_TRUE(html.ok()) << title << ": " << html.error().ToString();
    EXPECT_EQ(*html, "[" + std::string(title) + "|]");
  }
}

// ThemeRenderer's own context stack and escape against kainjow's: the same bytes for dotted
// names found at every level of the stack, {{.}}, missing names, inverted sections and quotes.
TEST_F(ThemeTest, LooksUpAndEscapesAsKainjowDoes) {
  const std::string source =
      "{{page.title}}|{{#list.items}}[{{title}} {{page.title}} {{list.heading}} "
      "{{site.name}}{{#tags}}<{{.}}>{{/tags}}{{^tags}}none{{/tags}}{{missing.x}}]{{/list.items}}"
      "|{{site.name}}|{{{site.raw}}}|{{page.nothing.deeper}}|{{#page}}{{title}}{{/page}}\n";
  Write("templates/list.mustache", source);
  auto theme = Theme::Load(dir_, "themes/t");
  ASSERT_TRUE(theme.ok()) << theme.error().ToString();
  TemplateData base, site;
  site.set("name", "Tom's \"Mag\" & <Co>");
  site.set("raw", "<b>'raw'</b>");
  base.set("site", site);
  TemplateData page, p, list, items{TemplateData::type::list};
  p.set("title", "It's <new>");
  for (const char* title : {"First", "Second's"}) {
    TemplateData item, tags{TemplateData::type::list};
    item.set("title", title);
    if (std::string(title) == "First") {
      tags.push_back(TemplateData("a&b"));
      tags.push_back(TemplateData("'c'"));
    }
    item.set("tags", tags);
    items.push_back(item);
  }
  list.set("heading", "Reviews");
  list.set("items", items);
  page.set("page", p);
  page.set("list", list);

  kainjow::mustache::mustache reference(source);
  kainjow::mustache::context<std::string> ctx(&base);
  ctx.push(&page);
  const std::string expected = reference.render(ctx);
  ThemeRenderer r(*theme);
  for (int round = 0; round < 2; ++round) {  // the second with the first's size reserved
    auto html = r.Render("list", base, page);
    ASSERT_TRUE(html.ok()) << html.error().ToString();
    EXPECT_EQ(*html, expected);
  }
  EXPECT_NE(expected.find("Tom&apos;s &quot;Mag&quot; &amp; &lt;Co&gt;"), std::string::npos);
  EXPECT_NE(expected.find("[First It&apos;s &lt;new&gt; Reviews"), std::string::npos);
  EXPECT_NE(expected.find("<a&amp;b><&apos;c&apos;>"), std::string::npos);
}

}  // namespace
}  // namespace cinepress
