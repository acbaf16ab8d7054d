#include "ingest/site_data.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "store/open_record_store.h"

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

FilmEdit TrickyFilm() {
  FilmEdit e;
  e.slug = "yes-1999";
  e.film.title = "null";
  e.film.original_title = "Le mépris: \"1.0\"\nsecond line";
  e.film.language = "fr";
  e.film.directors = {"No", "#hash"};
  e.film.year = 1999;
  e.film.countries = {"NO"};
  e.film.languages = {"~"};
  e.film.runtime_min = 104;
  e.film.cast = {"- dash", "a, b"};
  e.film.ids = ExternalIds{"Q42", "tt0111161", "0603"};
  e.updated = 1765000000;
  return e;
}

PersonEdit TrickyPerson() {
  PersonEdit p;
  p.slug = "lars-von-trier";
  p.sort_name = "Trier, Lars von";
  p.jobs = {"true", "Director: films"};
  p.ids = ExternalIds{"Q26", "nm0001885", "42"};
  p.bio = "Line one.\n\n*Two* — 'quoted' & \"more\"";
  p.portrait = Image{"/uploads/lars.jpg", "Lars at a table", "off"};
  p.links = {WebLink{"Site", "https://example.org/a?b=c#d"}, WebLink{"Talk", "/talks/x/"}};
  p.updated = 1765000001;
  return p;
}

TEST(SiteData, FilmRecordsReadBackWithTextsYamlWouldMisreadAndTheirMerges) {
  FilmEdit merged;
  merged.slug = "on";
  merged.merged_into = "yes-1999";
  const std::vector<FilmEdit> films = {TrickyFilm(), merged};
  std::vector<Error> problems;
  const std::string text = FilmRecordsYamlOf(films, Toronto());
  EXPECT_NE(text.find("merged_into: \"yes-1999\""), std::string::npos) << text;
  EXPECT_EQ(text.find("runtime_min: 0"), std::string::npos) << "only the facts set: " << text;
  auto back = ReadFilmRecordsYaml(text, "data/film_records.yaml", Toronto(), problems);
  ASSERT_TRUE(problems.empty()) << Problems(problems);
  EXPECT_EQ(back, films);
  EXPECT_EQ(FilmRecordsYamlOf({}, Toronto()), "");
}

TEST(SiteData, PersonRecordsReadBackWithSortNamesJobsIdsAndPortraits) {
  PersonEdit merged;
  merged.slug = "l-von-trier";
  merged.merged_into = "lars-von-trier";
  const std::vector<PersonEdit> people = {TrickyPerson(), merged};
  std::vector<Error> problems;
  auto back = ReadPersonRecordsYaml(PersonRecordsYamlOf(people, Toronto()),
                                    "data/person_records.yaml", Toronto(), problems);
  ASSERT_TRUE(problems.empty()) << Problems(problems);
  EXPECT_EQ(back, people);
}

TEST(SiteData, RecordsWithProblemsNameTheFileLineAndFieldAndAreLeftOut) {
  std::vector<Error> problems;
  auto films = ReadFilmRecordsYaml(
      "good-1999:\n  title: Good\nbad-2001:\n  title: Bad\n  imdb: \"nm123\"\nself:\n"
      "  merged_into: self\nNot A Slug:\n  title: X\nlate-1990:\n  year: 3000\n",
      "data/film_records.yaml", Toronto(), problems);
  ASSERT_EQ(films.size(), 1u);
  EXPECT_EQ(films[0].slug, "good-1999");
  ASSERT_EQ(problems.size(), 4u) << Problems(problems);
  EXPECT_EQ(problems[0].file, "data/film_records.yaml");
  EXPECT_EQ(problems[0].line, 4);
  EXPECT_EQ(problems[0].field, "bad-2001.imdb");
  EXPECT_EQ(problems[1].field, "self.merged_into");
  EXPECT_EQ(problems[2].line, 8);
  EXPECT_EQ(problems[2].field, "Not A Slug");
  EXPECT_EQ(problems[3].field, "late-1990.year");
  EXPECT_EQ(problems[3].line, 11);

  problems.clear();
  auto people = ReadPersonRecordsYaml("ana:\n  jobs: [\"\"]\n  portrait: {src: /a.jpg}\nida: [1]\n",
                                      "data/person_records.yaml", Toronto(), problems);
  EXPECT_TRUE(people.empty());
  ASSERT_EQ(problems.size(), 2u) << Problems(problems);
  EXPECT_EQ(problems[0].field, "ana.portrait.alt");
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_EQ(problems[1].field, "ida");
  EXPECT_EQ(problems[1].line, 4);

  problems.clear();
  EXPECT_TRUE(
      ReadPersonRecordsYaml("- a\n", "data/person_records.yaml", Toronto(), problems).empty());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 1);
}

// The import's side: the files of a folder read and saved into a store as the newsroom saves
// them, replacing the records they name and keeping the others.
TEST(SiteData, RecordFilesOfAFolderAreSavedIntoTheRecordStore) {
  namespace fs = std::filesystem;
  const fs::path root =
      fs::temp_directory_path() / ("cinepress-records-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "data");
  std::vector<Error> problems;
  EXPECT_TRUE(ReadRecordData(root, Toronto(), problems).empty());
  FilmEdit merged;
  merged.slug = "on";
  merged.merged_into = "yes-1999";
  std::ofstream(root / "data/film_records.yaml")
      << FilmRecordsYamlOf({TrickyFilm(), merged}, Toronto());
  std::ofstream(root / "data/person_records.yaml")
      << PersonRecordsYamlOf({TrickyPerson()}, Toronto());
  const RecordEdits read = ReadRecordData(root, Toronto(), problems);
  ASSERT_TRUE(problems.empty()) << Problems(problems);

  auto store = OpenRecordStore(root / "site.db", {});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  FilmEdit kept;
  kept.slug = "kept-2000";
  kept.film.title = "Kept";
  FilmEdit replaced = TrickyFilm();
  replaced.film.title = "Older";
  ASSERT_TRUE((*store)->SaveFilmEdit(kept));
  ASSERT_TRUE((*store)->SaveFilmEdit(replaced));
  auto saved = WriteRecordData(**store, read);
  ASSERT_TRUE(saved.ok()) << saved.error().ToString();
  EXPECT_EQ(*saved, 3u);
  auto loaded = (*store)->LoadRecordEdits();
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->films, (std::vector<FilmEdit>{kept, merged, TrickyFilm()}));
  EXPECT_EQ(loaded->people, std::vector<PersonEdit>{TrickyPerson()});
  store->reset();
  fs::remove_all(root);
}

}  // namespace
}  // namespace cinepress
