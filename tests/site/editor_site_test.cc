// Whole-site tests for the magazine an editor makes on day one (issue 17): ratings readers can
// see, articles that link to their films, people and festival editions, film and person pages
// that read well, dates as people write them, a home page that shows each article once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "app/app.h"
#include "whole_site.h"

namespace cinepress::testing {
namespace {

const char* kConfig = R"(
title = "Second Look"
base_url = "https://secondlook.example"
timezone = "UTC"
language = "en-GB"

[[festivals]]
slug = "iffr"
name = "International Film Festival Rotterdam"
short_name = "IFFR"
tag = "IFFR{yyyy}"
city = "Rotterdam"

[[festivals.editions]]
year = 2026
start = 2026-01-29
end = 2026-02-08
)";

const char* kReview = R"md(---
title: "Harbour Lights, reviewed"
date: 2026-02-03
authors: ["Ines Varga"]
tags: ["IFFR2026", "Slow Cinema"]
rating: 3.5
film:
  title: "Harbour Lights"
  directors: ["Mira Okafor", "Tom Reyes"]
  year: 2026
  cast: ["Ada Lind", "Bo Sand", "Cy Moor"]
---

A review.
)md";

const char* kInterview = R"md(---
title: "Mira Okafor on harbours"
date: 2026-02-05
authors: ["Ines Varga"]
interviewee:
  name: "Mira Okafor"
  job_title: "Director"
  film: "Harbour Lights (2026)"
---

Questions and answers.
)md";

const char* kDispatch = R"md(---
title: "Rotterdam, day three"
date: 2026-02-01
authors: ["Ines Varga"]
festival: "IFFR"
films: ["Harbour Lights (2026)", "Night Ferry"]
---

A dispatch.
)md";

std::map<std::string, std::string> Magazine() {
  return {{"content/reviews/harbour-lights.md", kReview},
          {"content/interviews/mira-okafor.md", kInterview},
          {"content/festivals/day-three.md", kDispatch}};
}

class EditorSite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto built = BuildFromStrings(kConfig, Magazine());
    ASSERT_TRUE(built.ok()) << built.error().ToString();
    site_ = new BuiltSite(std::move(*built));
    ASSERT_TRUE(site_->import_problems.empty()) << ::testing::PrintToString(site_->import_problems);
  }
  static void TearDownTestSuite() { delete site_; }
  static BuiltSite* site_;
};
BuiltSite* EditorSite::site_ = nullptr;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

const std::string kRating =
    "<span class=\"rating\" role=\"img\" aria-label=\"3.5 out of 5\"><span "
    "class=\"rating__stars\">★★★½</span><span class=\"rating__rest\">☆</span></span>";

TEST_F(EditorSite, RatingsAreShownWithWordsForEveryReader) {
  EXPECT_NE(site_->Page("/reviews/harbour-lights/").find(kRating), std::string::npos)
      << "the article";
  EXPECT_NE(site_->Page("/reviews/").find(kRating), std::string::npos) << "its card";
  EXPECT_NE(site_->Page("/review-index/").find(kRating), std::string::npos) << "the index";
  EXPECT_NE(site_->Page("/films/harbour-lights-2026/").find(kRating), std::string::npos)
      << "the film's page";
}

TEST(RatingData, SaysTheRatingInWordsAndDrawsIt) {
  auto text = [](double v, double max) { return RatingData(v, max).get("text")->string_value(); };
  EXPECT_EQ(text(4, 5), "4 out of 5");
  EXPECT_EQ(text(4.5, 5), "4.5 out of 5");
  EXPECT_EQ(RatingData(4, 5).get("stars")->string_value(), "★★★★");
  EXPECT_EQ(RatingData(4, 5).get("rest")->string_value(), "☆");
  EXPECT_EQ(RatingData(10, 10).get("rest"), nullptr);
  EXPECT_EQ(RatingData(87, 100).get("score")->string_value(), "87/100");
  EXPECT_EQ(RatingData(87, 100).get("stars"), nullptr);
  EXPECT_EQ(RatingData(0, 5).get("text"), nullptr);
}

TEST_F(EditorSite, AnInterviewLinksToThePersonAndTheFilmWithTheYearOutsideTheTitle) {
  std::string page = site_->Page("/interviews/mira-okafor/");
  EXPECT_NE(page.find("<a href=\"/people/mira-okafor/\">Mira Okafor</a>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"/films/harbour-lights-2026/\"><cite>Harbour Lights</cite></a> "
                      "(2026)"),
            std::string::npos);
  EXPECT_EQ(page.find("<cite>Harbour Lights (2026)</cite>"), std::string::npos);
}

TEST_F(EditorSite, AReviewLinksToItsFilmWithTheYearOutsideTheTitle) {
  std::string page = site_->Page("/reviews/harbour-lights/");
  EXPECT_NE(page.find("<a href=\"/films/harbour-lights-2026/\"><cite>Harbour Lights</cite></a> "
                      "<span class=\"film-facts__year\">(2026)</span>"),
            std::string::npos);
}

TEST_F(EditorSite, ADispatchLinksToItsEditionAndShowsItsFilms) {
  std::string page = site_->Page("/festivals/day-three/");
  EXPECT_NE(page.find("<a class=\"story__festival\" href=\"/festivals/iffr/2026/\">IFFR 2026</a>"),
            std::string::npos);
  size_t films = page.find("class=\"covered-films\"");
  ASSERT_NE(films, std::string::npos);
  std::string aside = page.substr(films, page.find("</aside>", films) - films);
  EXPECT_NE(aside.find("<a href=\"/films/harbour-lights-2026/\"><cite>Harbour Lights</cite></a>"),
            std::string::npos)
      << aside;
  EXPECT_NE(aside.find("<a href=\"/films/night-ferry/\"><cite>Night Ferry</cite></a>"),
            std::string::npos)
      << aside;
}

TEST_F(EditorSite, AFestivalTagIsShownAsItsEditionLinkedToTheHub) {
  std::string page = site_->Page("/reviews/harbour-lights/");
  EXPECT_NE(page.find("<a href=\"/festivals/iffr/2026/\">IFFR 2026</a>"), std::string::npos);
  EXPECT_EQ(page.find(">IFFR2026<"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"/tag/slow-cinema/\">Slow Cinema</a>"), std::string::npos);
  // The tag's own page, where an old link may lead, is headed by the edition too.
  std::string tag = site_->Page("/tag/iffr2026/");
  ASSERT_FALSE(tag.empty());
  EXPECT_NE(tag.find(">IFFR 2026</h1>"), std::string::npos) << tag.substr(0, 3000);
  EXPECT_EQ(tag.find(">IFFR2026</h1>"), std::string::npos);
}

TEST_F(EditorSite, FilmPagesSeparateTheNamesTheyList) {
  std::string page = site_->Page("/films/harbour-lights-2026/");
  EXPECT_NE(page.find("<a href=\"/people/mira-okafor/\">Mira Okafor</a>, "
                      "<a href=\"/people/tom-reyes/\">Tom Reyes</a></dd>"),
            std::string::npos);
  EXPECT_NE(page.find("<a href=\"/people/ada-lind/\">Ada Lind</a>, <a href=\"/people/bo-sand/\">"
                      "Bo Sand</a>, <a href=\"/people/cy-moor/\">Cy Moor</a></dd>"),
            std::string::npos);
}

TEST_F(EditorSite, AFilmWithoutAYearIsNotGivenOne) {
  std::string edition = site_->Page("/festivals/iffr/2026/");
  size_t at = edition.find("href=\"/films/night-ferry/\"");
  ASSERT_NE(at, std::string::npos);
  std::string line = edition.substr(at, edition.find("</li>", at) - at);
  EXPECT_EQ(line.find("2026"), std::string::npos) << line;
  EXPECT_EQ(site_->Page("/films/night-ferry/").find("(2026)"), std::string::npos);
}

TEST_F(EditorSite, APersonPageDoesNotCreditThePersonToThemselves) {
  std::string page = site_->Page("/people/mira-okafor/");
  EXPECT_EQ(page.find("dir. <a href=\"/people/mira-okafor/\">"), std::string::npos);
  EXPECT_NE(page.find("dir. <a href=\"/people/tom-reyes/\">Tom Reyes</a>"), std::string::npos)
      << "a co-director is still named";
}

TEST_F(EditorSite, EditionDatesReadAsPeopleWriteThem) {
  const std::string dates = "29 January\u2009\u2013\u20098 February 2026";
  EXPECT_NE(site_->Page("/festivals/iffr/2026/").find(dates), std::string::npos);
  EXPECT_NE(site_->Page("/festivals/iffr/").find(dates), std::string::npos);
  EXPECT_EQ(site_->Page("/festivals/iffr/2026/").find("2026-01-29 –"), std::string::npos);
}

TEST_F(EditorSite, TheHomePageShowsEachArticleOnce) {
  std::string home = site_->Page("/");
  for (const char* url :
       {"/reviews/harbour-lights/", "/interviews/mira-okafor/", "/festivals/day-three/"}) {
    EXPECT_EQ(Count(home, std::string("class=\"card__title\"><a href=\"") + url) +
                  Count(home, std::string("class=\"lead-story__title\"><a href=\"") + url),
              1u)
        << url;
  }
}

}  // namespace
}  // namespace cinepress::testing

namespace cinepress::testing {
namespace {

std::string NightFerryReview(int year) {
  return "---\ntitle: \"Night Ferry, reviewed\"\ndate: 2026-02-06\nauthors: [\"Ines Varga\"]\n"
         "film:\n  title: \"Night Ferry\"\n  directors: [\"Lu Berg\"]\n  year: " +
         std::to_string(year) + "\n---\n\nA review.\n";
}

TEST(EditorSiteFilmAddress, AFilmThatMovesAnswersAtItsOldAddressWithA301) {
  auto files = Magazine();
  auto first = BuildFromStrings(kConfig, files);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_TRUE(first->Has("/films/night-ferry/")) << "the dispatch names it without a year";

  // A review gives its year: the film's page moves, and the old address leads to it.
  files["content/reviews/night-ferry.md"] = NightFerryReview(2026);
  auto second = ImportAgain(*first, files);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_TRUE(second->import_problems.empty());
  ASSERT_TRUE(second->Has("/films/night-ferry-2026/"));
  EXPECT_FALSE(second->Has("/films/night-ferry/"));
  const std::string* to = second->site->RedirectFor("/films/night-ferry/");
  ASSERT_NE(to, nullptr);
  EXPECT_EQ(*to, "/films/night-ferry-2026/");
  EXPECT_NE(second->Page("/_redirects").find("/films/night-ferry/ /films/night-ferry-2026/ 301"),
            std::string::npos);

  // The store remembers it: later imports and builds keep it.
  files["content/essays/later.md"] =
      "---\ntitle: \"Later\"\ndate: 2026-03-01\nauthors: [\"Ines Varga\"]\n---\n\nLater.\n";
  auto third = ImportAgain(*second, files);
  ASSERT_TRUE(third.ok());
  to = third->site->RedirectFor("/films/night-ferry/");
  ASSERT_NE(to, nullptr);
  EXPECT_EQ(*to, "/films/night-ferry-2026/");

  // It moves again (the year was wrong): every old address leads to the new one, no chain.
  files["content/reviews/night-ferry.md"] = NightFerryReview(2025);
  auto fourth = ImportAgain(*third, files);
  ASSERT_TRUE(fourth.ok());
  ASSERT_TRUE(fourth->Has("/films/night-ferry-2025/"));
  for (const char* old : {"/films/night-ferry/", "/films/night-ferry-2026/"}) {
    to = fourth->site->RedirectFor(old);
    ASSERT_NE(to, nullptr) << old;
    EXPECT_EQ(*to, "/films/night-ferry-2025/") << old;
  }
}

}  // namespace
}  // namespace cinepress::testing

namespace cinepress::testing {
namespace {

const char* kPeople = R"yaml(# Who the magazine knows.
mira-okafor:
  name: "Mira Okafor"
  bio: "Mira Okafor makes films about *harbours*."
  portrait:
    src: "/images/people/mira-okafor.png"
    alt: "Mira Okafor on a quay at dusk"
  links:
    - name: "Website"
      url: "https://miraokafor.example"
)yaml";

const char* kInterviewWithProfile = R"md(---
title: "Tom Reyes on ferries"
date: 2026-02-06
authors: ["Ines Varga"]
interviewee:
  name: "Tom Reyes"
  job_title: "Director"
  bio: "Tom Reyes co-directed Harbour Lights."
  portrait:
    src: "/images/people/tom-reyes.png"
    alt: "Tom Reyes laughing on a ferry deck"
---

Questions.
)md";

TEST(EditorSitePeople, PersonPagesShowTheBioPortraitAndLinksTheMagazineKnows) {
  auto files = Magazine();
  files["data/people.yaml"] = kPeople;
  files["content/interviews/tom-reyes.md"] = kInterviewWithProfile;
  auto built = BuildFromStrings(kConfig, files);
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  EXPECT_TRUE(built->import_problems.empty()) << ::testing::PrintToString(built->import_problems);
  std::string mira = built->Page("/people/mira-okafor/");
  EXPECT_NE(mira.find("Mira Okafor makes films about <em>harbours</em>."), std::string::npos);
  EXPECT_NE(mira.find("<img src=\"/images/people/mira-okafor.png\" alt=\"Mira Okafor on a quay at "
                      "dusk\""),
            std::string::npos);
  EXPECT_NE(mira.find("<a href=\"https://miraokafor.example\">Website</a>"), std::string::npos);
  EXPECT_NE(mira.find("\"sameAs\":[\"https://miraokafor.example\"]"), std::string::npos);
  // From an interview's front matter.
  std::string tom = built->Page("/people/tom-reyes/");
  EXPECT_NE(tom.find("Tom Reyes co-directed Harbour Lights."), std::string::npos);
  EXPECT_NE(tom.find("alt=\"Tom Reyes laughing on a ferry deck\""), std::string::npos);

  // people.yaml is the whole list: a person taken out of it loses what it said.
  files["data/people.yaml"] = "# nobody yet\n";
  auto again = ImportAgain(*built, files);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Page("/people/mira-okafor/").find("makes films about"), std::string::npos);
}

TEST(EditorSitePeople, ABadPeopleFileIsReportedWithItsFileLineAndField) {
  auto files = Magazine();
  files["data/people.yaml"] = R"yaml(mira-okafor:
  name: "Mira Okafor"
  portrait:
    src: "/images/people/mira-okafor.png"
  links:
    - name: "Website"
      url: "javascript:alert(1)"
Tom Reyes:
  name: "Tom Reyes"
)yaml";
  auto built = BuildFromStrings(kConfig, files);
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  const auto& problems = built->import_problems;
  ASSERT_EQ(problems.size(), 3u) << ::testing::PrintToString(problems);
  EXPECT_NE(problems[0].find("data/people.yaml:3: mira-okafor.portrait.alt: an image needs alt"),
            std::string::npos)
      << problems[0];
  EXPECT_NE(problems[1].find("data/people.yaml:7: mira-okafor.links.url:"), std::string::npos)
      << problems[1];
  EXPECT_NE(problems[2].find("data/people.yaml:8: Tom Reyes: a person's key must be the slug"),
            std::string::npos)
      << problems[2];
  EXPECT_EQ(built->Page("/people/mira-okafor/").find("mira-okafor.png"), std::string::npos)
      << "nothing is written";
}

}  // namespace
}  // namespace cinepress::testing

namespace cinepress::testing {
namespace {

TEST(EditorSiteStarter, EveryLinkOfTheStarterMenusLeadsToAPage) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("cinepress-starter-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const SiteFolder site{dir};
  std::ostringstream out;
  ASSERT_TRUE(InitSite(site, out)) << out.str();
  auto loaded = LoadSite(site, 1893456000);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  const SiteConfig& config = (*loaded)->config();
  std::vector<std::string> names;
  for (const auto* menu : {&config.menu_main, &config.menu_footer}) {
    for (const MenuItem& m : *menu) {
      EXPECT_NE((*loaded)->FindOutput(OutputPathOf(m.url)), nullptr) << m.name << " " << m.url;
      names.push_back(m.name);
      for (const MenuItem& c : m.children) {
        EXPECT_NE((*loaded)->FindOutput(OutputPathOf(c.url)), nullptr) << c.name << " " << c.url;
        if (c.url.find("index") != std::string::npos) {
          EXPECT_NE(m.name, "Archive") << "the indexes are not the archive";
        }
      }
    }
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "Interviews"), names.end());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cinepress::testing
