// The newsroom's film records through the router: editors and admins only (the editor's lookup
// for whoever writes), the list searched, a film's facts saved as its record (ids checked), a
// duplicate merged (its address redirected), the lookup's JSON, and the editor's save filling a
// film's empty facts from the one record of its title; a person's ids and job titles checked and
// saved, and a duplicate person merged (their address redirected).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "web/admin_web_test_fixture.h"

namespace cinepress {
namespace {

Article Piece(int64_t id, const std::string& slug, const std::string& title) {
  Article a;
  a.id = id;
  a.section = "reviews";
  a.slug = slug;
  a.title = title;
  a.date = kNow - 3600 * id;
  a.source_path = "content/reviews/" + slug + ".md";
  return a;
}

class AdminFilmsTest : public AdminWebFixture {
 protected:
  void SetUp() override {
    AdminWebFixture::SetUp();
    Article review = Piece(1, "night-ferry", "Night Ferry review");
    review.film = Film{};
    review.film->title = "Night Ferry";
    review.film->year = 2026;
    review.film->directors = {"Ana Liu"};
    review.film->runtime_min = 104;
    review.film->cast = {"Tomasz Brandt"};
    review.film->ids.imdb = "tt7654321";
    Article dispatch = Piece(2, "day-one", "Day one");
    dispatch.films = {"Night Ferry Blues"};
    // The newsroom's films are the stored articles'; the lookup and the editor read the site's.
    for (Article* a : {&review, &dispatch}) {
      a->id = 0;
      auto id = content_->SaveArticle(*a);
      ASSERT_TRUE(id.ok()) << id.error().ToString();
      a->id = *id;
    }
    auto site = Site::Assemble(site_->config(), site_->tz(), site_->shared_theme(),
                               {review, dispatch}, {}, {}, {}, kNow);
    ASSERT_TRUE(site.ok()) << site.error().ToString();
    site_ = *site;
    ASSERT_EQ(site_->records().films.size(), 2u);
  }
};

TEST_F(AdminFilmsTest, OnlyEditorsAndAdminsEditFilmsAndWritersMayLookThemUp) {
  for (StaffRole role : {StaffRole::kContributor, StaffRole::kAuthor}) {
    const std::string session = SignedIn(std::string(StaffRoleName(role)) + "@lt.example", role);
    EXPECT_EQ(Call("GET", "/admin/films/", session).status, 403);
    EXPECT_EQ(Call("GET", "/admin/films/night-ferry-2026/", session).status, 403);
    EXPECT_EQ(Call("POST", "/admin/films/night-ferry-2026/save/", session,
                   "film_title=Mine&film_year=2020")
                  .status,
              403);
    EXPECT_EQ(
        Call("POST", "/admin/films/night-ferry-blues/merge/", session, "into=night-ferry-2026")
            .status,
        403);
    EXPECT_EQ(Call("GET", "/admin/films/lookup/?title=night", session).status, 200);
  }
  EXPECT_TRUE(records_->LoadRecordEdits()->films.empty());
  EXPECT_TRUE(content_->LoadRedirects()->empty());
  EXPECT_EQ(Call("GET", "/admin/films/").status, 303) << "signed out: to the sign-in";
}

TEST_F(AdminFilmsTest, TheListFindsFilmsByTitleDirectorAndYear) {
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string all = Body(Call("GET", "/admin/films/", editor));
  EXPECT_NE(all.find("2 films"), std::string::npos) << all;
  const std::string by_director = Body(Call("GET", "/admin/films/?q=liu", editor));
  EXPECT_NE(by_director.find("href=\"/admin/films/night-ferry-2026/\">Night Ferry</a>"),
            std::string::npos)
      << by_director;
  EXPECT_EQ(by_director.find("Night Ferry Blues"), std::string::npos);
  const std::string by_prefix = Body(Call("GET", "/admin/films/?q=night+fer", editor));
  EXPECT_NE(by_prefix.find("Night Ferry Blues"), std::string::npos);
  EXPECT_EQ(Call("GET", "/admin/films/no-such-film/", editor).status, 404);
}

TEST_F(AdminFilmsTest, AFilmsFactsAreSavedAsItsRecordAndIdsAreChecked) {
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string page = Body(Call("GET", "/admin/films/night-ferry-2026/", editor));
  EXPECT_NE(page.find("value=\"tt7654321\""), std::string::npos) << "the articles' facts" << page;
  EXPECT_NE(page.find("Night Ferry review"), std::string::npos) << "the articles about it";
  HttpResponse bad =
      Call("POST", "/admin/films/night-ferry-2026/save/", editor,
           "film_title=Night+Ferry&film_year=2025&film_imdb=nm0000001&film_runtime=104");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(Body(bad).find("IMDb id"), std::string::npos) << Body(bad);
  EXPECT_NE(Body(bad).find("id=\"film_imdb\" name=\"film_imdb\" type=\"text\" value=\"nm0000001\""),
            std::string::npos)
      << "shown again as typed";
  EXPECT_TRUE(records_->LoadRecordEdits()->films.empty());
  HttpResponse saved = Call("POST", "/admin/films/night-ferry-2026/save/", editor,
                            "film_title=Night+Ferry&film_year=2025&film_imdb=tt1234567"
                            "&film_wikidata=Q42&film_directors=Ana+Liu%2C+Ida+Berg");
  ASSERT_EQ(saved.status, 303) << Body(saved);
  EXPECT_EQ(saved.Header("Location"), "/admin/films/night-ferry-2026/?saved=1");
  auto edits = records_->LoadRecordEdits()->films;
  ASSERT_EQ(edits.size(), 1u);
  const FilmEdit& e = edits[0];
  EXPECT_EQ(e.slug, "night-ferry-2026");
  EXPECT_EQ(e.film.year, 2025);
  EXPECT_EQ(e.film.ids.imdb, "tt1234567");
  EXPECT_EQ(e.film.ids.wikidata, "Q42");
  EXPECT_EQ(e.film.directors, (std::vector<std::string>{"Ana Liu", "Ida Berg"}));
  EXPECT_EQ(e.updated, kNow);
  const std::string after = Body(Call("GET", "/admin/films/night-ferry-2026/?saved=1", editor));
  EXPECT_NE(after.find("value=\"2025\""), std::string::npos) << "the stored record, at once";
  EXPECT_NE(after.find("value=\"104\""), std::string::npos) << "an empty fact: the articles'";
}

TEST_F(AdminFilmsTest, MergingADuplicateStoresItAndRedirectsItsAddress) {
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string page =
      Body(Call("GET", "/admin/films/night-ferry-blues/?merge_q=night", editor));
  EXPECT_NE(page.find("Merge into Night Ferry (2026)"), std::string::npos) << page;
  EXPECT_EQ(Call("POST", "/admin/films/night-ferry-blues/merge/", editor, "into=night-ferry-blues")
                .status,
            400)
      << "not into itself";
  HttpResponse merged =
      Call("POST", "/admin/films/night-ferry-blues/merge/", editor, "into=night-ferry-2026");
  ASSERT_EQ(merged.status, 303) << Body(merged);
  EXPECT_EQ(merged.Header("Location"), "/admin/films/night-ferry-2026/?saved=merged");
  auto edits = records_->LoadRecordEdits()->films;
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].merged_into, "night-ferry-2026");
  auto redirects = content_->LoadRedirects();
  ASSERT_EQ(redirects->size(), 1u);
  EXPECT_EQ((*redirects)[0],
            (UrlRedirect{"/films/night-ferry-blues/", 0, "/films/night-ferry-2026/"}));
  // Its facts saved again: the merge undone, its address its own again.
  HttpResponse apart = Call("POST", "/admin/films/night-ferry-blues/save/", editor,
                            "film_title=Night+Ferry+Blues&film_year=2025");
  ASSERT_EQ(apart.status, 303) << Body(apart);
  edits = records_->LoadRecordEdits()->films;
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].merged_into, "");
  EXPECT_EQ(edits[0].film.title, "Night Ferry Blues");
  EXPECT_TRUE(content_->LoadRedirects()->empty());
}

TEST_F(AdminFilmsTest, TheLookupAnswersWithEveryFactOfTheRecords) {
  const std::string writer = SignedIn("w@lt.example", StaffRole::kContributor);
  HttpResponse r = Call("GET", "/admin/films/lookup/?title=Night+Ferry", writer);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  auto body = nlohmann::json::parse(Body(r));
  ASSERT_EQ(body["films"].size(), 2u) << body.dump();
  const auto& film = body["films"][0];
  EXPECT_EQ(film["title"], "Night Ferry");
  EXPECT_EQ(film["year"], 2026);
  EXPECT_EQ(film["runtime_min"], 104);
  EXPECT_EQ(film["directors"], nlohmann::json::array({"Ana Liu"}));
  EXPECT_EQ(film["cast"], nlohmann::json::array({"Tomasz Brandt"}));
  EXPECT_EQ(film["imdb"], "tt7654321");
}

TEST_F(AdminFilmsTest, SavingAnArticleFillsItsFilmsEmptyFactsFromTheOneRecord) {
  ASSERT_TRUE(content_->SaveSection(Section{"reviews", "Reviews", "", ""}));
  const std::string writer = SignedIn("w@lt.example", StaffRole::kContributor);
  HttpResponse saved =
      Call("POST", "/admin/articles/save/", writer,
           "title=Second+look&section=reviews&body=Text.&revision=0&id=0&action=save"
           "&film_title=night+ferry&film_year=2026&film_countries=Norway&film_imdb=");
  ASSERT_EQ(saved.status, 303) << Body(saved);
  auto stored = content_->LoadArticles(false);
  auto mine = std::find_if(stored->begin(), stored->end(),
                           [](const Article& a) { return a.title == "Second look"; });
  ASSERT_NE(mine, stored->end());
  ASSERT_TRUE(mine->film.has_value());
  const Film& f = *mine->film;
  EXPECT_EQ(f.title, "night ferry") << "as typed";
  EXPECT_EQ(f.countries, std::vector<std::string>{"Norway"}) << "what the form gives wins";
  EXPECT_EQ(f.directors, std::vector<std::string>{"Ana Liu"});
  EXPECT_EQ(f.runtime_min, 104);
  EXPECT_EQ(f.ids.imdb, "tt7654321");
}

TEST_F(AdminFilmsTest, APersonsSortNameIsSaved) {
  const std::string writer = SignedIn("w@lt.example", StaffRole::kContributor);
  EXPECT_EQ(Call("GET", "/admin/people/", writer).status, 403);
  EXPECT_EQ(Call("POST", "/admin/people/ana-liu/save/", writer, "sort_name=Z").status, 403);
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string list = Body(Call("GET", "/admin/people/?q=liu", editor));
  EXPECT_NE(list.find("href=\"/admin/people/ana-liu/\">Ana Liu</a>"), std::string::npos) << list;
  EXPECT_EQ(list.find("Tomasz Brandt"), std::string::npos);
  const std::string page = Body(Call("GET", "/admin/people/ana-liu/", editor));
  EXPECT_NE(page.find("Liu, Ana"), std::string::npos) << "the derived sort name" << page;
  EXPECT_NE(page.find("known for: Director"), std::string::npos) << "the jobs the credits give";
  HttpResponse bad = Call("POST", "/admin/people/ana-liu/save/", editor,
                          "sort_name=Ana+Liu&portrait=%2Fmedia%2Fana.jpg&portrait_alt=");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(Body(bad).find("alt text"), std::string::npos);
  EXPECT_TRUE(records_->LoadRecordEdits()->people.empty());
  HttpResponse saved =
      Call("POST", "/admin/people/ana-liu/save/", editor,
           "sort_name=Ana+Liu&bio=Makes+*films*.&links=Site+https%3A%2F%2Fana.example");
  ASSERT_EQ(saved.status, 303) << Body(saved);
  auto edits = records_->LoadRecordEdits()->people;
  ASSERT_EQ(edits.size(), 1u);
  const PersonEdit& e = edits[0];
  EXPECT_EQ(e.sort_name, "Ana Liu");
  EXPECT_EQ(e.bio, "Makes *films*.");
  EXPECT_EQ(e.links, (std::vector<WebLink>{{"Site", "https://ana.example"}}));
  EXPECT_EQ(Call("GET", "/admin/people/nobody/", editor).status, 404);
}

TEST_F(AdminFilmsTest, APersonsIdsAndJobTitlesAreCheckedAndSaved) {
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  HttpResponse bad = Call("POST", "/admin/people/ana-liu/save/", editor,
                          "imdb=tt0111161&wikidata=Q42&jobs=Director");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(Body(bad).find("IMDb id is &quot;nm&quot;"), std::string::npos) << Body(bad);
  EXPECT_NE(Body(bad).find("id=\"imdb\" name=\"imdb\" type=\"text\" value=\"tt0111161\" "
                           "aria-invalid=\"true\""),
            std::string::npos)
      << "shown again as typed, marked: " << Body(bad);
  EXPECT_EQ(Call("POST", "/admin/people/ana-liu/save/", editor, "tmdb=12x").status, 400);
  EXPECT_TRUE(records_->LoadRecordEdits()->people.empty());
  HttpResponse saved = Call("POST", "/admin/people/ana-liu/save/", editor,
                            "imdb=nm0000233&wikidata=Q42&tmdb=12345&jobs=Screenwriter%2C+Director");
  ASSERT_EQ(saved.status, 303) << Body(saved);
  auto edits = records_->LoadRecordEdits()->people;
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].ids, (ExternalIds{"Q42", "nm0000233", "12345"}));
  EXPECT_EQ(edits[0].jobs, (std::vector<std::string>{"Screenwriter", "Director"}));
  EXPECT_TRUE(edits[0].links.empty()) << "the ids are not links of the record's own";
  const std::string page = Body(Call("GET", "/admin/people/ana-liu/?saved=1", editor));
  EXPECT_NE(page.find("value=\"nm0000233\""), std::string::npos) << page;
  EXPECT_NE(page.find("value=\"Screenwriter, Director\""), std::string::npos) << page;
}

TEST_F(AdminFilmsTest, MergingADuplicatePersonStoresItAndRedirectsTheirAddress) {
  const std::string writer = SignedIn("w@lt.example", StaffRole::kContributor);
  EXPECT_EQ(Call("POST", "/admin/people/tomasz-brandt/merge/", writer, "into=ana-liu").status, 403);
  const std::string editor = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string page = Body(Call("GET", "/admin/people/tomasz-brandt/?merge_q=ana", editor));
  EXPECT_NE(page.find("Merge into Ana Liu"), std::string::npos) << page;
  EXPECT_EQ(Call("POST", "/admin/people/tomasz-brandt/merge/", editor, "into=tomasz-brandt").status,
            400)
      << "not into themselves";
  EXPECT_EQ(Call("POST", "/admin/people/tomasz-brandt/merge/", editor, "into=nobody").status, 400);
  HttpResponse merged = Call("POST", "/admin/people/tomasz-brandt/merge/", editor, "into=ana-liu");
  ASSERT_EQ(merged.status, 303) << Body(merged);
  EXPECT_EQ(merged.Header("Location"), "/admin/people/ana-liu/?saved=merged");
  auto edits = records_->LoadRecordEdits()->people;
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].slug, "tomasz-brandt");
  EXPECT_EQ(edits[0].merged_into, "ana-liu");
  auto redirects = content_->LoadRedirects();
  ASSERT_EQ(redirects->size(), 1u);
  EXPECT_EQ((*redirects)[0], (UrlRedirect{"/people/tomasz-brandt/", 0, "/people/ana-liu/"}));

  // Undone from the kept person's page: their articles and address are theirs again.
  const std::string kept = Body(Call("GET", "/admin/people/ana-liu/?saved=merged", editor));
  EXPECT_NE(kept.find("action=\"/admin/people/tomasz-brandt/separate/\""), std::string::npos)
      << kept;
  EXPECT_EQ(Call("POST", "/admin/people/tomasz-brandt/separate/", writer, "").status, 403);
  EXPECT_EQ(Call("POST", "/admin/people/ana-liu/separate/", editor, "").status, 404)
      << "not merged into anyone";
  HttpResponse apart = Call("POST", "/admin/people/tomasz-brandt/separate/", editor, "");
  ASSERT_EQ(apart.status, 303) << Body(apart);
  EXPECT_EQ(apart.Header("Location"), "/admin/people/ana-liu/?saved=separated");
  edits = records_->LoadRecordEdits()->people;
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].merged_into, "");
  EXPECT_TRUE(content_->LoadRedirects()->empty());
  EXPECT_NE(Body(Call("GET", "/admin/people/ana-liu/?saved=separated", editor)).find("Separated"),
            std::string::npos);
}

}  // namespace
}  // namespace cinepress
