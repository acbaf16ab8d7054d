// The editor's form read into an article: every field, and an error naming the field.
#include "web/admin_editor.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

Form Filled(std::initializer_list<std::pair<const std::string, std::string>> over = {}) {
  Form f = {{"title", "The Quiet Orchard"},
            {"slug", ""},
            {"section", "reviews"},
            {"dek", "A dek."},
            {"body", "Body.\n\nMore.\n"},
            {"writers", "ann"},
            {"writers", "bo"},
            {"categories", "Film Reviews, , Slow"},
            {"tags", " TIFF26 "},
            {"film_title", "The Quiet Orchard"},
            {"film_year", "2026"},
            {"film_directors", "Ines Varga, Ada Ko"},
            {"film_runtime", "97"},
            {"image_src", "/images/x.jpg"},
            {"image_alt", "An orchard"},
            {"access", ""}};
  for (const auto& [k, v] : over) {
    f.erase(k);
    f.emplace(k, v);
  }
  return f;
}

EditorChoices Choices(bool members = false) {
  EditorChoices c;
  c.sections = {"reviews", "features"};
  c.writers = {"ann", "bo"};
  if (members) c.access_levels = {"public", "members", "paid", "patron"};
  return c;
}

std::string FieldOf(const Form& form, bool members = false) {
  auto a = ArticleFromEditorForm(form, Article{}, Choices(members));
  return a.ok() ? "" : a.error().field;
}

TEST(EditorFormTest, EveryFieldIsRead) {
  Article base;
  base.film = Film{};
  base.film->ids.imdb = "tt1";  // not in the form: kept
  auto a = ArticleFromEditorForm(Filled(), base, Choices());
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_EQ(a->title, "The Quiet Orchard");
  EXPECT_EQ(a->slug, "the-quiet-orchard") << "made from the title";
  EXPECT_EQ(a->section, "reviews");
  EXPECT_EQ(a->author_ids, (std::vector<std::string>{"ann", "bo"}));
  EXPECT_EQ(a->categories, (std::vector<std::string>{"Film Reviews", "Slow"}));
  EXPECT_EQ(a->tags, (std::vector<std::string>{"TIFF26"}));
  ASSERT_TRUE(a->film.has_value());
  EXPECT_EQ(a->film->year, 2026);
  EXPECT_EQ(a->film->runtime_min, 97);
  EXPECT_EQ(a->film->directors, (std::vector<std::string>{"Ines Varga", "Ada Ko"}));
  EXPECT_EQ(a->film->ids.imdb, "tt1");
  ASSERT_TRUE(a->image.has_value());
  EXPECT_EQ(a->image->alt, "An orchard");
  EXPECT_EQ(a->word_count, 2u);
  Article stored;
  stored.slug = "kept-slug";
  EXPECT_EQ(ArticleFromEditorForm(Filled(), stored, Choices())->slug, "kept-slug");
}

TEST(EditorFormTest, EachProblemNamesItsField) {
  EXPECT_EQ(FieldOf(Filled({{"title", "  "}})), "title");
  EXPECT_EQ(FieldOf(Filled({{"slug", "Not A Slug"}})), "slug");
  EXPECT_EQ(FieldOf(Filled({{"section", "nope"}})), "section");
  EXPECT_EQ(FieldOf(Filled({{"writers", "stranger"}})), "writers");
  EXPECT_EQ(FieldOf(Filled({{"film_year", "20x6"}})), "film_year");
  EXPECT_EQ(FieldOf(Filled({{"film_year", "1500"}})), "film_year");
  EXPECT_EQ(FieldOf(Filled({{"film_runtime", "-3"}})), "film_runtime");
  EXPECT_EQ(FieldOf(Filled({{"film_title", ""}})), "film_title") << "facts without a title";
  EXPECT_EQ(FieldOf(Filled({{"image_alt", ""}})), "image_alt") << "alt text is required";
  EXPECT_EQ(FieldOf(Filled({{"image_src", "javascript:alert(1)"}})), "image_src");
  EXPECT_EQ(FieldOf(Filled({{"dek", "two\nlines"}})), "dek");
  EXPECT_EQ(FieldOf(Filled({{"interviewee_job_title", "Director"}})), "interviewee_name");
  EXPECT_EQ(FieldOf(Filled({{"access", "members"}})), "access") << "a site without members";
  EXPECT_EQ(FieldOf(Filled({{"access", "members"}}), true), "");
  EXPECT_EQ(FieldOf(Filled({{"access", "gold-card"}}), true), "access");
}

TEST(EditorFormTest, AnImportedHtmlBodyIsSanitizedAsTheImportDoes) {
  Article wp;
  wp.body_format = BodyFormat::kHtml;
  wp.body_markdown = "<p>Sanitized.</p>";
  auto changed = ArticleFromEditorForm(
      Filled({{"body",
               "<p>Edited <a href=\"javascript:x()\">here</a>.</p><script>x()</script>"
               "<img src=\"/a.jpg\" alt=\"A\" onerror=\"x()\">"}}),
      wp, Choices());
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(changed->body_markdown, "<p>Edited <a>here</a>.</p><img src=\"/a.jpg\" alt=\"A\">");
  EXPECT_EQ(changed->body_format, BodyFormat::kHtml);
  // Unchanged, it is kept byte for byte (not sanitized again).
  wp.body_markdown = "<p>Kept   as\tit was.</p>";
  auto same = ArticleFromEditorForm(Filled({{"body", wp.body_markdown}}), wp, Choices());
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->body_markdown, wp.body_markdown);
}

TEST(EditorFormTest, ThePublishTimeIsReadInTheSitesTimeZone) {
  auto tz = TimeZone::Named("America/Toronto");
  ASSERT_TRUE(tz.ok());
  auto at = PublishAtFromForm(Form{{"publish_at", "2026-07-01T09:30"}}, *tz);
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(*at, 1782912600);  // 13:30 UTC
  EXPECT_EQ(*PublishAtFromForm(Form{}, *tz), 0);
  auto bad = PublishAtFromForm(Form{{"publish_at", "tomorrow"}}, *tz);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "publish_at");
  Article a;
  a.date = *at;
  EXPECT_EQ(EditorFields(a, *tz).get("publish_at")->string_value(), "2026-07-01T09:30:00");
}

}  // namespace
}  // namespace cinepress
