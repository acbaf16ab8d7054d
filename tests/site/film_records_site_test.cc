// Whole-site tests for the newsroom's records (content/record_edits.h): the facts a film record
// sets win over the articles' on the film's page, its JSON-LD and the Review Index (its address
// follows its year, with a 301 from the old one); a duplicate merged into another answers at its
// old address with a 301; a person's sort name moves them in the Interview Index, whoever they
// are; a person merged into another answers at their old address with a 301; a person's ids and
// job titles show on their page, in its JSON-LD and in the Interview Index; a film record follows
// its film when an import corrects the film's title.
#include <gtest/gtest.h>

#include <algorithm>

#include "store/open_record_store.h"
#include "whole_site.h"

namespace cinepress::testing {
namespace {

const char* kConfig = R"(
title = "Second Look"
base_url = "https://secondlook.example"
timezone = "UTC"
)";

const char* kReview = R"md(---
title: "Night Ferry, reviewed"
date: 2026-02-06
authors: ["Ines Varga"]
rating: 4
film:
  title: "Night Ferry"
  directors: ["Lu Berg"]
  year: 2026
  runtime_min: 96
---

A review.
)md";

const char* kDispatch = R"md(---
title: "Rotterdam, day four"
date: 2026-02-02
authors: ["Ines Varga"]
films: ["Night Ferry Blues"]
---

A dispatch.
)md";

std::map<std::string, std::string> Magazine() {
  return {{"content/reviews/night-ferry.md", kReview},
          {"content/festivals/day-four.md", kDispatch}};
}

std::unique_ptr<RecordStore> Records(const BuiltSite& site) {
  auto store = OpenRecordStore(site.database, {});
  EXPECT_TRUE(store.ok()) << store.error().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

TEST(FilmRecordsSite, TheNewsroomsFactsWinOnTheFilmsPageItsJsonLdAndTheReviewIndex) {
  auto first = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  FilmEdit e;
  e.slug = "night-ferry-2026";
  e.film.title = "Night Ferry";
  e.film.year = 2025;
  e.film.ids.imdb = "tt1234567";
  e.film.ids.wikidata = "Q4242";
  ASSERT_TRUE(Records(*first)->SaveFilmEdit(e));
  auto site = ImportAgain(*first, Magazine());
  ASSERT_TRUE(site.ok()) << site.error().ToString();
  // The address follows the year, as when an import corrects it; the old one leads there.
  const std::string page = site->Page("/films/night-ferry-2025/");
  ASSERT_FALSE(page.empty());
  EXPECT_NE(page.find("Night Ferry"), std::string::npos) << page;
  EXPECT_NE(page.find("(2025)"), std::string::npos) << page;
  const std::string* to = site->site->RedirectFor("/films/night-ferry-2026/");
  ASSERT_NE(to, nullptr);
  EXPECT_EQ(*to, "/films/night-ferry-2025/");
  const std::string same_as = JsonLd(page).dump();
  EXPECT_NE(same_as.find("PT96M"), std::string::npos) << "a fact the record leaves empty";
  EXPECT_NE(same_as.find("https://www.imdb.com/title/tt1234567"), std::string::npos) << same_as;
  EXPECT_NE(same_as.find("https://www.wikidata.org/wiki/Q4242"), std::string::npos) << same_as;
  EXPECT_TRUE(site->Has("/review-index/year/2025/"));
  EXPECT_FALSE(site->Has("/review-index/year/2026/"));
  // Imported again from the same files: the newsroom's record still wins.
  auto again = ImportAgain(*site, Magazine());
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_TRUE(again->Has("/films/night-ferry-2025/"));
}

TEST(FilmRecordsSite, AMergedDuplicateAnswersAtItsOldAddressWithA301) {
  auto first = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_TRUE(first->Has("/films/night-ferry-blues/"));
  FilmEdit merge;
  merge.slug = "night-ferry-blues";
  merge.merged_into = "night-ferry-2026";
  ASSERT_TRUE(
      Records(*first)->MergeFilm(merge, "/films/night-ferry-blues/", "/films/night-ferry-2026/"));
  auto site = ImportAgain(*first, Magazine());
  ASSERT_TRUE(site.ok()) << site.error().ToString();
  EXPECT_FALSE(site->Has("/films/night-ferry-blues/"));
  const std::string* to = site->site->RedirectFor("/films/night-ferry-blues/");
  ASSERT_NE(to, nullptr);
  EXPECT_EQ(*to, "/films/night-ferry-2026/");
  EXPECT_NE(
      site->Page("/_redirects").find("/films/night-ferry-blues/ /films/night-ferry-2026/ 301"),
      std::string::npos);
  EXPECT_NE(site->Page("/films/night-ferry-2026/").find("Rotterdam, day four"), std::string::npos)
      << "the dispatch is about the merged film now";

  // The film it was merged into moves (its year corrected): the old address goes straight there.
  FilmEdit year;
  year.slug = "night-ferry-2026";
  year.film.title = "Night Ferry";
  year.film.year = 2024;
  ASSERT_TRUE(Records(*site)->SaveFilmEdit(year));
  auto moved = ImportAgain(*site, Magazine());
  ASSERT_TRUE(moved.ok()) << moved.error().ToString();
  to = moved->site->RedirectFor("/films/night-ferry-blues/");
  ASSERT_NE(to, nullptr);
  EXPECT_EQ(*to, "/films/night-ferry-2024/");
}

std::string Interview(const std::string& name, const std::string& date) {
  return "---\ntitle: \"" + name + " talks\"\ndate: " + date +
         "\nauthors: [\"Ines Varga\"]\ninterviewee:\n  name: \"" + name +
         "\"\n  job_title: \"Director\"\n---\n\nQuestions.\n";
}

TEST(FilmRecordsSite, ANewsroomSortNameMovesAPersonInTheInterviewIndex) {
  std::map<std::string, std::string> files = {
      {"content/interviews/kim.md", Interview("Kim Daeun", "2026-02-01")},
      {"content/interviews/cora.md", Interview("Cora Eld", "2026-02-02")}};
  auto first = BuildFromStrings(kConfig, files);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  std::string index = first->Page("/interview-index/");
  ASSERT_NE(index.find("Kim Daeun"), std::string::npos) << index;
  EXPECT_LT(index.find("Kim Daeun"), index.find("Cora Eld")) << "filed as \"Daeun, Kim\"";
  PersonEdit e;
  e.slug = "kim-daeun";
  e.sort_name = "Kim Daeun";  // a Korean name, family name first
  e.bio = "Makes films in Busan.";
  ASSERT_TRUE(Records(*first)->SavePersonEdit(e));
  auto site = ImportAgain(*first, files);
  ASSERT_TRUE(site.ok()) << site.error().ToString();
  index = site->Page("/interview-index/");
  EXPECT_GT(index.find("Kim Daeun"), index.find("Cora Eld")) << "filed under K now" << index;
  EXPECT_NE(site->Page("/people/kim-daeun/").find("Makes films in Busan."), std::string::npos);
}

std::string InterviewAbout(const std::string& name, const std::string& film) {
  return "---\ntitle: \"" + name + " on " + film +
         "\"\ndate: 2026-02-03\nauthors: [\"Ines Varga\"]\ninterviewee:\n  name: \"" + name +
         "\"\n  job_title: \"Director\"\n  film: \"" + film + "\"\n---\n\nQuestions.\n";
}

TEST(FilmRecordsSite, AMergedPersonAnswersAtTheirOldAddressWithA301AndStaysMerged) {
  std::map<std::string, std::string> files = Magazine();
  files["content/interviews/lou.md"] = InterviewAbout("Lou Berg", "Night Ferry (2026)");
  auto first = BuildFromStrings(kConfig, files);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_TRUE(first->Has("/people/lou-berg/"));
  ASSERT_TRUE(first->Has("/people/lu-berg/"));
  PersonEdit merge;
  merge.slug = "lou-berg";
  merge.merged_into = "lu-berg";
  ASSERT_TRUE(Records(*first)->MergePerson(merge, "/people/lou-berg/", "/people/lu-berg/"));
  auto site = ImportAgain(*first, files);
  ASSERT_TRUE(site.ok()) << site.error().ToString();
  EXPECT_FALSE(site->Has("/people/lou-berg/"));
  const std::string* to = site->site->RedirectFor("/people/lou-berg/");
  ASSERT_NE(to, nullptr);
  EXPECT_EQ(*to, "/people/lu-berg/");
  EXPECT_NE(site->Page("/_redirects").find("/people/lou-berg/ /people/lu-berg/ 301"),
            std::string::npos);
  const std::string page = site->Page("/people/lu-berg/");
  EXPECT_NE(page.find("Lou Berg on Night Ferry (2026)"), std::string::npos)
      << "the duplicate's interview is the kept person's: " << page;
  const std::string index = site->Page("/interview-index/");
  EXPECT_NE(index.find("/people/lu-berg/"), std::string::npos) << index;
  EXPECT_EQ(index.find("/people/lou-berg/"), std::string::npos) << index;
  // Imported again from the same files (which still say "Lou Berg"): still merged.
  auto again = ImportAgain(*site, files);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_FALSE(again->Has("/people/lou-berg/"));
  ASSERT_NE(again->site->RedirectFor("/people/lou-berg/"), nullptr);
  EXPECT_NE(again->Page("/people/lu-berg/").find("Lou Berg on Night Ferry"), std::string::npos);
}

TEST(FilmRecordsSite, APersonsIdsAndJobTitlesShowOnTheirPageInJsonLdAndTheInterviewIndex) {
  std::map<std::string, std::string> files = Magazine();
  files["content/interviews/cora.md"] = Interview("Cora Eld", "2026-02-02");
  auto first = BuildFromStrings(kConfig, files);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  PersonEdit e;
  e.slug = "cora-eld";
  e.jobs = {"Cinematographer", "Director"};
  e.ids = ExternalIds{"Q4242", "nm1234567", "98765"};
  ASSERT_TRUE(Records(*first)->SavePersonEdit(e));
  PersonEdit director;  // never interviewed: filed by the sort name all the same
  director.slug = "lu-berg";
  director.sort_name = "Zberg, Lu";
  ASSERT_TRUE(Records(*first)->SavePersonEdit(director));
  auto site = ImportAgain(*first, files);
  ASSERT_TRUE(site.ok()) << site.error().ToString();
  const std::string page = site->Page("/people/cora-eld/");
  EXPECT_NE(page.find("https://www.imdb.com/name/nm1234567/"), std::string::npos) << page;
  EXPECT_NE(page.find("Cinematographer"), std::string::npos) << page;
  const std::string json = JsonLd(page).dump();
  for (const char* same :
       {"https://www.imdb.com/name/nm1234567/", "https://www.wikidata.org/wiki/Q4242",
        "https://www.themoviedb.org/person/98765"}) {
    EXPECT_NE(json.find(same), std::string::npos) << same << " in sameAs: " << json;
  }
  EXPECT_NE(json.find("\"jobTitle\":[\"Cinematographer\",\"Director\"]"), std::string::npos)
      << json;
  const std::string index = site->Page("/interview-index/");
  EXPECT_NE(index.find("id=\"job-cinematographer\""), std::string::npos) << index;
  EXPECT_EQ(index.find("id=\"job-director\""), std::string::npos)
      << "filed by the job title the newsroom set: " << index;
  const FilmRecords& records = site->site->records();
  auto lu = std::find_if(records.people.begin(), records.people.end(),
                         [](const PersonRecord& p) { return p.slug == "lu-berg"; });
  ASSERT_NE(lu, records.people.end());
  EXPECT_EQ(lu->name.sort_text, "Zberg, Lu");
  EXPECT_EQ(lu->name.letter, "Z");
}

TEST(FilmRecordsSite, AFilmRecordFollowsItsFilmWhenAnImportCorrectsTheTitle) {
  std::map<std::string, std::string> files = Magazine();
  auto first = BuildFromStrings(kConfig, files);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  FilmEdit e;
  e.slug = "night-ferry-2026";
  e.film.title = "Night Ferry";
  e.film.year = 2026;
  e.film.ids.imdb = "tt7654321";
  ASSERT_TRUE(Records(*first)->SaveFilmEdit(e));
  // The review's film title is corrected: the film's address changes with it.
  std::string corrected = kReview;
  corrected.replace(corrected.find("title: \"Night Ferry\""), 20, "title: \"The Night Ferry\"");
  files["content/reviews/night-ferry.md"] = corrected;
  auto site = ImportAgain(*first, files);
  ASSERT_TRUE(site.ok()) << site.error().ToString();
  ASSERT_TRUE(site->Has("/films/the-night-ferry-2026/"));
  EXPECT_FALSE(site->Has("/films/night-ferry-2026/"));
  const std::string* to = site->site->RedirectFor("/films/night-ferry-2026/");
  ASSERT_NE(to, nullptr);
  EXPECT_EQ(*to, "/films/the-night-ferry-2026/");
  const std::string json = JsonLd(site->Page("/films/the-night-ferry-2026/")).dump();
  EXPECT_NE(json.find("https://www.imdb.com/title/tt7654321"), std::string::npos)
      << "the newsroom's record followed the film: " << json;
  auto edits = Records(*site)->LoadRecordEdits();
  ASSERT_TRUE(edits.ok());
  ASSERT_EQ(edits->films.size(), 1u);
  EXPECT_EQ(edits->films[0].slug, "the-night-ferry-2026");
}

}  // namespace
}  // namespace cinepress::testing
