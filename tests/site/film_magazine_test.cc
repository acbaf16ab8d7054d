// Whole-site tests for what only a film magazine has: film and person pages, the Review Index,
// the Interview Index, festival editions, collections, and JSON-LD on every page.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>

#include "content/collection.h"
#include "staff/collections.h"
#include "whole_site.h"

namespace cinepress::testing {
namespace {

const char* kConfig = R"(
title = "The Long Take"
base_url = "https://longtake.example"
timezone = "UTC"

[[festivals]]
slug = "tiff"
name = "Toronto International Film Festival"
short_name = "TIFF"
tag = "TIFF{yy}"
city = "Toronto"

[[festivals.editions]]
year = 2021
start = 2021-09-09
end = 2021-09-18

[social]
mastodon = "https://film.example/@longtake"
letterboxd = "https://letterboxd.com/longtake/?a=1&b=2"
)";

std::string Review(const std::string& slug, const std::string& title, const std::string& lang,
                   const std::string& director, int year, const std::string& extra = "") {
  return "---\ntitle: \"" + title + " review\"\nslug: \"" + slug + "\"\ndate: 2021-09-1" +
         std::to_string(year % 9) + "\nauthors: [\"Nia Bianchi\"]\n" +
         "tags: [\"TIFF21\"]\nsummary: \"A dek.\"\n" + extra + "film:\n  title: \"" + title +
         "\"\n  language: \"" + lang + "\"\n  directors: [\"" + director +
         "\"]\n  year: " + std::to_string(year) + "\n  country: [\"France\"]\n  imdb: \"tt" +
         std::to_string(year) + "\"\n---\n\nBody.\n";
}

std::string Interview(const std::string& slug, const std::string& name, const std::string& job,
                      const std::string& film, const std::string& extra = "") {
  return "---\ntitle: \"Talking to " + name + "\"\nslug: \"" + slug +
         "\"\ndate: 2021-10-01\nauthors: [\"Nia Bianchi\"]\ninterviewee:\n  name: \"" + name +
         "\"\n  job_title: \"" + job + "\"\n  film: \"" + film + "\"\n" + extra +
         "---\n\nQ and A.\n";
}

std::map<std::string, std::string> Magazine() {
  return {
      {"content/reviews/mepris.md",
       Review("mepris", "Le Mépris", "fr", "Anouk Delacroix", 2021, "rating: 4.5\n")},
      {"content/reviews/zebra.md", Review("zebra", "The Zebra", "en", "Joachim Trier", 2020)},
      {"content/reviews/boot.md", Review("boot", "Das Boot", "de", "Lars von Trier", 2019)},
      {"content/interviews/park.md", Interview("park", "Park Seo-yeon", "Director", "The Zebra")},
      {"content/interviews/hangul.md",
       Interview("hangul", "박서연", "Cinematographer", "Le Mépris")},
      {"content/interviews/trier.md", Interview("trier", "Joachim Trier", "Director", "The Zebra")},
      {"content/interviews/sorted.md",
       Interview("sorted", "Alex Example", "Editor", "Das Boot", "  sort_name: \"Zed, Alex\"\n")},
      {"content/festivals/day-one.md",
       "---\ntitle: \"TIFF day one\"\ndate: 2021-09-10\nauthors: [\"Nia Bianchi\"]\n"
       "festival: \"Toronto International Film Festival\"\nfilms: [\"Le Mépris (2021)\", "
       "\"Unseen Film\"]\n---\nx\n"},
      {"content/collections/loved.md",
       "---\ntitle: \"Films We Love\"\ndate: 2021-11-01\nitems:\n  - \"reviews/zebra\"\n"
       "  - \"/films/le-mepris-2021/\"\n  - \"/people/park-seo-yeon/\"\n---\nOur list.\n"},
  };
}

class FilmMagazine : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto built = BuildFromStrings(kConfig, Magazine());
    ASSERT_TRUE(built.ok()) << built.error().ToString();
    site_ = new BuiltSite(std::move(*built));
  }
  static void TearDownTestSuite() { delete site_; }
  static BuiltSite* site_;
};
BuiltSite* FilmMagazine::site_ = nullptr;

TEST_F(FilmMagazine, FilmPagesGatherEveryArticleAboutTheFilm) {
  EXPECT_TRUE(site_->import_problems.empty()) << ::testing::PrintToString(site_->import_problems);
  std::string film = site_->Page("/films/le-mepris-2021/");
  ASSERT_FALSE(film.empty());
  EXPECT_NE(film.find("/reviews/mepris/"), std::string::npos);
  EXPECT_NE(film.find("/interviews/hangul/"), std::string::npos);  // an interview about it
  EXPECT_NE(film.find("/festivals/day-one/"), std::string::npos);  // a dispatch naming it
  EXPECT_NE(film.find("href=\"/people/anouk-delacroix/\""), std::string::npos);
  EXPECT_NE(film.find("https://www.imdb.com/title/tt2021"), std::string::npos);
  EXPECT_NE(film.find("Elsewhere"), std::string::npos);
  // A film has no feed of its own, and its page links to none.
  EXPECT_FALSE(site_->Has("/films/le-mepris-2021/feed.xml"));
  EXPECT_FALSE(site_->Has("/films/le-mepris-2021/atom.xml"));
  EXPECT_EQ(film.find("/films/le-mepris-2021/feed.xml"), std::string::npos);
}

TEST_F(FilmMagazine, AReviewsFilmFactsLinkToTheFilmAndItsPeople) {
  std::string review = site_->Page("/reviews/mepris/");
  size_t facts = review.find("class=\"film-facts\"");
  ASSERT_NE(facts, std::string::npos);
  std::string aside = review.substr(facts, review.find("</aside>", facts) - facts);
  EXPECT_NE(aside.find("<a href=\"/films/le-mepris-2021/\"><cite>Le Mépris</cite></a>"),
            std::string::npos)
      << aside;
  EXPECT_NE(aside.find("<a href=\"/people/anouk-delacroix/\">Anouk Delacroix</a>"),
            std::string::npos)
      << aside;
}

TEST_F(FilmMagazine, PersonPagesListFilmsAndInterviews) {
  std::string trier = site_->Page("/people/joachim-trier/");
  ASSERT_FALSE(trier.empty());
  EXPECT_NE(trier.find("/films/the-zebra-2020/"), std::string::npos);  // directed
  EXPECT_NE(trier.find("/interviews/trier/"), std::string::npos);      // interviewed
  EXPECT_FALSE(site_->Has("/people/joachim-trier/feed.xml"));          // no feed for a person
  EXPECT_EQ(trier.find("/people/joachim-trier/feed.xml"), std::string::npos);
  // A list that is empty writes nothing: no heading over nothing.
  EXPECT_EQ(trier.find("Appears in"), std::string::npos);
  std::string unseen = site_->Page("/films/unseen-film/");
  ASSERT_FALSE(unseen.empty()) << "a film only a dispatch names has a page";
  EXPECT_EQ(unseen.find("Elsewhere"), std::string::npos) << "the film has no external ids";
  EXPECT_EQ(unseen.find("Cast"), std::string::npos);
}

TEST_F(FilmMagazine, ReviewIndexSortsWithoutLeadingArticlesInTheFilmsLanguage) {
  std::string index = site_->Page("/review-index/");
  size_t boot = index.find("/films/das-boot-2019/");     // B (Das dropped)
  size_t mepris = index.find("/films/le-mepris-2021/");  // M (Le dropped)
  size_t zebra = index.find("/films/the-zebra-2020/");   // Z (The dropped)
  ASSERT_NE(boot, std::string::npos);
  ASSERT_NE(mepris, std::string::npos);
  ASSERT_NE(zebra, std::string::npos);
  EXPECT_LT(boot, mepris);
  EXPECT_LT(mepris, zebra);
  EXPECT_NE(index.find("href=\"#letter-m\""), std::string::npos);
  EXPECT_NE(index.find("id=\"letter-m\""), std::string::npos);
  // Filters are pages of their own: no JavaScript needed.
  EXPECT_NE(index.find("href=\"/review-index/year/2021/\""), std::string::npos);
  std::string y2021 = site_->Page("/review-index/year/2021/");
  EXPECT_NE(y2021.find("/films/le-mepris-2021/"), std::string::npos);
  EXPECT_EQ(y2021.find("/films/the-zebra-2020/"), std::string::npos);
  EXPECT_TRUE(site_->Has("/review-index/country/france/"));
  EXPECT_NE(index.find("href=\"/people/lars-von-trier/\""), std::string::npos);
  EXPECT_TRUE(site_->Has("/review-index/festival/tiff/"));
}

TEST_F(FilmMagazine, InterviewIndexByJobAndByFamilyName) {
  std::string by_job = site_->Page("/interview-index/");
  size_t cine = by_job.find("id=\"job-cinematographer\"");
  size_t dir = by_job.find("id=\"job-director\"");
  ASSERT_NE(cine, std::string::npos);
  ASSERT_NE(dir, std::string::npos);
  EXPECT_LT(cine, dir);
  std::string by_name = site_->Page("/interview-index/last-name/");
  size_t park = by_name.find("/people/park-seo-yeon/");   // P: family name first
  size_t trier = by_name.find("/people/joachim-trier/");  // T: Trier, Joachim
  size_t zed = by_name.find("/people/alex-example/");     // Z: explicit sort name
  size_t hangul = by_name.find("박서연");                 // after Latin letters
  ASSERT_NE(park, std::string::npos);
  ASSERT_NE(trier, std::string::npos);
  ASSERT_NE(zed, std::string::npos);
  ASSERT_NE(hangul, std::string::npos);
  EXPECT_LT(park, trier);
  EXPECT_LT(trier, zed);
  EXPECT_LT(zed, hangul);
}

TEST_F(FilmMagazine, FestivalEditionsFromTagRulesAndFrontMatter) {
  std::string hub = site_->Page("/festivals/tiff/2021/");
  ASSERT_FALSE(hub.empty());
  EXPECT_NE(hub.find("September 9\u2009\u2013\u200918, 2021"), std::string::npos);
  EXPECT_NE(hub.find("Toronto"), std::string::npos);
  EXPECT_NE(hub.find("/reviews/mepris/"), std::string::npos);     // by its TIFF21 tag
  EXPECT_NE(hub.find("/festivals/day-one/"), std::string::npos);  // by `festival:`
  EXPECT_NE(site_->Page("/festivals/tiff/").find("/festivals/tiff/2021/"), std::string::npos);
  EXPECT_TRUE(site_->Has("/festivals/tiff/2021/feed.xml"));  // an edition's RSS, no Atom
  EXPECT_FALSE(site_->Has("/festivals/tiff/2021/atom.xml"));
  EXPECT_NE(hub.find("href=\"/festivals/tiff/2021/feed.xml\""), std::string::npos);
}

TEST_F(FilmMagazine, CollectionsKeepTheEditorsOrder) {
  std::string c = site_->Page("/collections/loved/");
  size_t zebra = c.find("/reviews/zebra/"), mepris = c.find("/films/le-mepris-2021/"),
         park = c.find("/people/park-seo-yeon/");
  ASSERT_NE(zebra, std::string::npos);
  ASSERT_NE(mepris, std::string::npos);
  ASSERT_NE(park, std::string::npos);
  EXPECT_LT(zebra, mepris);
  EXPECT_LT(mepris, park);
  // A collection is not an article: it is in no list.
  EXPECT_EQ(site_->Page("/archive/").find("Films We Love"), std::string::npos);
}

// The magazine built, its store opened and its one collection found, for the newsroom's saves.
class CollectionSaves : public ::testing::Test {
 protected:
  void SetUp() override {
    auto b = BuildFromStrings(kConfig, Magazine());
    ASSERT_TRUE(b.ok()) << b.error().ToString();
    built_.emplace(std::move(*b));
    auto store = built_->OpenStore();
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    auto all = store_->LoadArticles(true);
    ASSERT_TRUE(all.ok());
    all_ = std::move(*all);
    for (const Article& a : all_) loved_ = IsCollection(a) ? &a : loved_;
    ASSERT_NE(loved_, nullptr);
  }
  std::optional<BuiltSite> built_;
  std::unique_ptr<ContentStore> store_;
  std::vector<Article> all_;
  const Article* loved_ = nullptr;
};

// Every output's fingerprint, by path.
std::map<std::string, std::string> Fingerprints(const BuiltSite& built) {
  std::map<std::string, std::string> out;
  for (const Output& o : built.site->outputs()) out[o.path] = built.site->Fingerprint(o);
  return out;
}

// The paths whose fingerprints are not those of `before` (new ones too), in order.
std::vector<std::string> ChangedSince(const BuiltSite& built,
                                      const std::map<std::string, std::string>& before) {
  std::vector<std::string> changed;
  for (const auto& [path, fp] : Fingerprints(built)) {
    if (!before.count(path) || before.at(path) != fp) changed.push_back(path);
  }
  return changed;
}

// The same, as a set.
std::set<std::string> ChangedSetSince(const BuiltSite& built,
                                      const std::map<std::string, std::string>& before) {
  std::vector<std::string> list = ChangedSince(built, before);
  return {list.begin(), list.end()};
}

// The stored article whose slug is `slug`, with its body (an empty one when there is none).
Article StoredArticle(ContentStore& store, const std::string& slug) {
  auto all = store.LoadArticles(true);
  if (all.ok()) {
    for (const Article& a : *all) {
      if (a.slug == slug) return a;
    }
  }
  return {};
}

// The newsroom's saves of a collection (staff/collections.h) change its page's fingerprint and
// no other; a new collection adds its page and changes the sitemap that lists it.
TEST_F(CollectionSaves, ChangeOnlyTheCollectionsPageAndTheSitemapThatListsIt) {
  auto fingerprints = [&] { return Fingerprints(*built_); };
  auto changed_since = [&](const std::map<std::string, std::string>& before) {
    return ChangedSince(*built_, before);
  };
  auto before = fingerprints();
  auto reordered = ReorderEntries(
      loved_->items, {"/people/park-seo-yeon/", "reviews/zebra", "/films/le-mepris-2021/"});
  ASSERT_TRUE(reordered.ok());
  auto saved = SaveCollectionEntries(*store_, *loved_, *reordered,
                                     {"ed@longtake.example", 0, 1893456000 - 60});
  ASSERT_TRUE(saved.ok()) << saved.error().ToString();
  ASSERT_TRUE(LoadAndBuild(*built_));
  EXPECT_EQ(changed_since(before), std::vector<std::string>{"collections/loved/index.html"});
  const std::string page = built_->Page("/collections/loved/");
  EXPECT_LT(page.find("/people/park-seo-yeon/"), page.find("/reviews/zebra/"));

  before = fingerprints();
  auto made =
      SaveCollectionFields(*store_, nullptr, {"Directors We Love", "", "", "Ours."},
                           EditAction::kPublish, {"ed@longtake.example", 0, 1893456000 - 60}, all_);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  ASSERT_TRUE(LoadAndBuild(*built_));
  EXPECT_EQ(changed_since(before),
            (std::vector<std::string>{"collections/directors-we-love/index.html", "sitemap.xml"}));
}

// A collection given another slug in the newsroom keeps its old address, as a redirect to the
// new one (served as a 301, listed in _redirects for static hosts).
TEST_F(CollectionSaves, ANewSlugKeepsTheOldAddressAsARedirect) {
  auto revisions = store_->LoadRevisions(loved_->id);
  ASSERT_TRUE(revisions.ok());
  const int64_t based_on = revisions->empty() ? 0 : revisions->front().id;
  auto saved = SaveCollectionFields(
      *store_, loved_, {loved_->title, "films-we-adore", loved_->dek, loved_->body_markdown},
      EditAction::kSave, {"ed@longtake.example", based_on, 1893456000 - 60}, all_);
  ASSERT_TRUE(saved.ok()) << saved.error().ToString();
  ASSERT_TRUE(LoadAndBuild(*built_));
  EXPECT_NE(built_->Page("/collections/films-we-adore/").find("Films We Love"), std::string::npos);
  const std::string* to = built_->site->RedirectFor("/collections/loved/");
  ASSERT_NE(to, nullptr) << "the old address answers";
  EXPECT_EQ(*to, "/collections/films-we-adore/");
}

// The Review Index's pages are fingerprinted by what they show (its films' cards), not by the
// whole archive: a review's body edited leaves them, its title changes the pages that list it.
TEST(ReviewIndexFingerprints, FollowWhatThePagesShow) {
  auto built = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  auto fingerprints = [&] { return Fingerprints(*built); };
  auto changed_since = [&](const std::map<std::string, std::string>& before) {
    return ChangedSetSince(*built, before);
  };
  auto store = built->OpenStore();
  ASSERT_TRUE(store.ok());
  auto mepris = [&] { return StoredArticle(**store, "mepris"); };
  const std::string all = "review-index/index.html", y2021 = "review-index/year/2021/index.html",
                    y2020 = "review-index/year/2020/index.html";
  ASSERT_TRUE(fingerprints().count(y2020));
  auto before = fingerprints();
  Article a = mepris();
  a.body_markdown += "\nA sentence added.\n";
  a.source_hash = "edited";
  a.word_count += 3;
  ASSERT_TRUE((*store)->SaveArticle(a).ok());
  ASSERT_TRUE(LoadAndBuild(*built));
  auto changed = changed_since(before);
  EXPECT_TRUE(changed.count("reviews/mepris/index.html"));
  EXPECT_FALSE(changed.count(all) || changed.count(y2021) || changed.count(y2020))
      << ::testing::PrintToString(changed);

  before = fingerprints();
  a = mepris();
  a.title = "Le Mépris, seen again";
  ASSERT_TRUE((*store)->SaveArticle(a).ok());
  ASSERT_TRUE(LoadAndBuild(*built));
  changed = changed_since(before);
  EXPECT_TRUE(changed.count(all) && changed.count(y2021)) << ::testing::PrintToString(changed);
  EXPECT_FALSE(changed.count(y2020)) << "The Zebra's year does not show it";

  before = fingerprints();
  a = mepris();
  a.rating = 3;
  ASSERT_TRUE((*store)->SaveArticle(a).ok());
  ASSERT_TRUE(LoadAndBuild(*built));
  EXPECT_TRUE(changed_since(before).count(y2021));
}

// The Interview Index's two pages and the site map are fingerprinted by what they show, not by
// the whole archive: an interview's body edited leaves them; its title changes the index, its
// job title the index's groups, a new `updated` the site map.
TEST(InterviewIndexAndSitemapFingerprints, FollowWhatThePagesShow) {
  auto built = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  auto fingerprints = [&] { return Fingerprints(*built); };
  auto store = built->OpenStore();
  ASSERT_TRUE(store.ok());
  const std::string by_job = "interview-index/index.html",
                    by_name = "interview-index/last-name/index.html", sitemap = "sitemap.xml";
  ASSERT_TRUE(fingerprints().count(by_job) && fingerprints().count(by_name) &&
              fingerprints().count(sitemap))
      << ::testing::PrintToString(fingerprints());
  auto edit = [&](auto change) {
    auto before = fingerprints();
    Article a = StoredArticle(**store, "park");
    change(a);
    EXPECT_TRUE((*store)->SaveArticle(a).ok());
    EXPECT_TRUE(LoadAndBuild(*built));
    return ChangedSetSince(*built, before);
  };
  auto changed = edit([](Article& a) {
    a.body_markdown += "\nAnother answer.\n";
    a.source_hash = "edited";
    a.word_count += 2;
  });
  EXPECT_TRUE(changed.count("interviews/park/index.html")) << ::testing::PrintToString(changed);
  EXPECT_FALSE(changed.count(by_job) || changed.count(by_name) || changed.count(sitemap))
      << ::testing::PrintToString(changed);
  EXPECT_EQ(built->Page("/interview-index/").find("Another answer"), std::string::npos);

  changed = edit([](Article& a) { a.title = "Park Seo-yeon, at length"; });
  EXPECT_TRUE(changed.count(by_job) && changed.count(by_name)) << ::testing::PrintToString(changed);
  EXPECT_FALSE(changed.count(sitemap));
  EXPECT_NE(built->Page("/interview-index/").find("Park Seo-yeon, at length"), std::string::npos);

  changed = edit([](Article& a) { a.interviewee->job_title = "Producer"; });
  EXPECT_TRUE(changed.count(by_job)) << ::testing::PrintToString(changed);
  EXPECT_NE(built->Page("/interview-index/").find("Producer"), std::string::npos);

  changed = edit([](Article& a) { a.updated = a.date + 86400 * 30; });
  EXPECT_TRUE(changed.count(sitemap)) << ::testing::PrintToString(changed);
  EXPECT_FALSE(changed.count(by_job) || changed.count(by_name));
}

TEST(CollectionEntries, AnEntryNoLongerOnTheSiteIsLeftOutNotAnError) {
  auto files = Magazine();
  files["content/collections/loved.md"] =
      "---\ntitle: \"Films We Love\"\ndate: 2021-11-01\nitems:\n  - \"reviews/gone\"\n"
      "  - \"reviews/zebra\"\n---\nOur list.\n";
  auto built = BuildFromStrings(kConfig, files);
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  const std::string page = built->Page("/collections/loved/");
  EXPECT_NE(page.find("/reviews/zebra/"), std::string::npos);
  EXPECT_EQ(page.find("/reviews/gone/"), std::string::npos);
}

TEST_F(FilmMagazine, EveryPageHasParsableJsonLdWithBreadcrumbs) {
  static const std::regex script(R"re(<script type="application/ld\+json">([\s\S]*?)</script>)re");
  size_t pages = 0;
  for (const auto& [path, html] : site_->files) {
    if (path.size() < 5 || path.compare(path.size() - 5, 5, ".html") != 0) continue;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(html, m, script)) << path;
    auto doc = nlohmann::json::parse(m[1].str(), nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << path;
    ASSERT_TRUE(doc.contains("@graph")) << path;
    bool crumbs = false;
    for (const auto& node : doc["@graph"]) crumbs = crumbs || node["@type"] == "BreadcrumbList";
    EXPECT_TRUE(crumbs) << path;
    ++pages;
  }
  EXPECT_GT(pages, 20u);
}

TEST_F(FilmMagazine, TheFooterLinksTheSocialAccountsWithRelMe) {
  const std::string html = site_->Page("/");
  EXPECT_NE(
      html.find("<li><a href=\"https://film.example/@longtake\" rel=\"me\">Mastodon</a></li>"),
      std::string::npos);
  EXPECT_NE(
      html.find("href=\"https://letterboxd.com/longtake/?a=1&amp;b=2\" rel=\"me\">Letterboxd<"),
      std::string::npos);
  EXPECT_NE(html.find("aria-label=\"The Long Take elsewhere\""), std::string::npos);
}

TEST_F(FilmMagazine, ReviewsCarryReviewOfMovieAndPeopleCarryPerson) {
  auto graph = [&](const std::string& url) {
    static const std::regex script(
        R"re(<script type="application/ld\+json">([\s\S]*?)</script>)re");
    std::string html = site_->Page(url);
    std::smatch m;
    EXPECT_TRUE(std::regex_search(html, m, script)) << url;
    return nlohmann::json::parse(m[1].str())["@graph"];
  };
  auto review = graph("/reviews/mepris/")[0];
  EXPECT_EQ(review["@type"], "Review");
  EXPECT_EQ(review["itemReviewed"]["@type"], "Movie");
  EXPECT_EQ(review["itemReviewed"]["name"], "Le Mépris");
  EXPECT_EQ(review["itemReviewed"]["dateCreated"], "2021");
  EXPECT_EQ(review["itemReviewed"]["director"][0]["name"], "Anouk Delacroix");
  EXPECT_EQ(review["itemReviewed"]["sameAs"][0], "https://www.imdb.com/title/tt2021");
  EXPECT_EQ(review["reviewRating"]["ratingValue"], 4.5);
  EXPECT_EQ(review["author"][0]["@type"], "Person");
  EXPECT_EQ(review["publisher"]["@type"], "Organization");
  EXPECT_EQ(review["publisher"]["sameAs"],
            nlohmann::json(
                {"https://letterboxd.com/longtake/?a=1&b=2", "https://film.example/@longtake"}));
  EXPECT_FALSE(review["datePublished"].get<std::string>().empty());
  EXPECT_EQ(graph("/interviews/park/")[0]["@type"], "Article");
  EXPECT_EQ(graph("/people/park-seo-yeon/")[0]["@type"], "Person");
  EXPECT_EQ(graph("/people/park-seo-yeon/")[0]["familyName"], "Park");
  EXPECT_EQ(graph("/author/nia-bianchi/")[0]["@type"], "Person");
  EXPECT_EQ(graph("/films/das-boot-2019/")[0]["@type"], "Movie");
}

TEST(FilmMagazineImport, ConflictingFilmsAreReportedAndNothingIsWritten) {
  auto built = BuildFromStrings(
      kConfig, {
                   {"content/reviews/a.md", Review("a", "Low Water", "en", "Élise Fournaud", 2021)},
                   {"content/reviews/b.md", Review("b", "Low Water", "en", "Élise Fournaud", 2021)},
               });
  // Same film, same facts: no conflict.
  ASSERT_TRUE(built.ok());
  EXPECT_TRUE(built->import_problems.empty());
  std::string other = Review("b", "Low Water", "en", "Élise Fournaud", 2021);
  other.replace(other.find("country: [\"France\"]"), 19, "country: [\"Chile\"]");
  auto conflict = BuildFromStrings(
      kConfig, {
                   {"content/reviews/a.md", Review("a", "Low Water", "en", "Élise Fournaud", 2021)},
                   {"content/reviews/b.md", other},
               });
  ASSERT_TRUE(conflict.ok());
  ASSERT_EQ(conflict->import_problems.size(), 1u);
  EXPECT_NE(conflict->import_problems[0].find("content/reviews/b.md"), std::string::npos);
  EXPECT_NE(conflict->import_problems[0].find("content/reviews/a.md"), std::string::npos);
  EXPECT_NE(conflict->import_problems[0].find("film.country"), std::string::npos);
}

}  // namespace
}  // namespace cinepress::testing
