// The RecordStore contract (the newsroom's film and person records), run against every engine
// (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include <map>

#include "store/open_record_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class RecordStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    auto s = OpenRecordStore(engine_.file(), engine_.With({}));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    auto c = OpenContentStore(engine_.file(), engine_.With({}));
    ASSERT_TRUE(c.ok()) << c.error().ToString();
    content_ = std::move(*c);
  }
  static FilmEdit NightFerry() {
    FilmEdit e;
    e.slug = "night-ferry-2026";
    e.film.title = "Night Ferry";
    e.film.year = 2025;
    e.film.directors = {"Ana Liu", "Ida Berg"};
    e.film.countries = {"Norway"};
    e.film.runtime_min = 104;
    e.film.cast = {"Tomasz Brandt"};
    e.film.ids = ExternalIds{"Q42", "tt1234567", "603"};
    e.updated = 1700000000;
    return e;
  }
  Engine engine_;
  std::unique_ptr<RecordStore> store_;
  std::unique_ptr<ContentStore> content_;
};

TYPED_TEST_SUITE(RecordStoreContract, StoreEngines, EngineName);

TYPED_TEST(RecordStoreContract, FilmRecordsRoundTripAreReplacedAndCountAsContent) {
  int64_t before = *this->content_->DataVersion();
  FilmEdit e = this->NightFerry();
  ASSERT_TRUE(this->store_->SaveFilmEdit(e));
  EXPECT_NE(*this->content_->DataVersion(), before) << "film records count as content";
  FilmEdit older;
  older.slug = "another-film";
  older.film.title = "Another Film";
  ASSERT_TRUE(this->store_->SaveFilmEdit(older));
  auto all = this->store_->LoadRecordEdits();
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->films.size(), 2u);
  EXPECT_EQ(all->films[0], older) << "in slug order";
  EXPECT_EQ(all->films[1], e);
  e.film.runtime_min = 101;  // saving again replaces
  ASSERT_TRUE(this->store_->SaveFilmEdit(e));
  EXPECT_EQ(this->store_->LoadRecordEdits()->films[1].film.runtime_min, 101);
  ASSERT_TRUE(this->store_->DeleteFilmEdit("another-film"));
  EXPECT_EQ(this->store_->LoadRecordEdits()->films.size(), 1u);
}

TYPED_TEST(RecordStoreContract, AMergeSavesItsRecordAndRedirectsWithoutChains) {
  ASSERT_TRUE(
      this->content_->SaveRedirect(UrlRedirect{"/films/nite-ferry/", 0, "/films/night-ferry/"}));
  FilmEdit merge;
  merge.slug = "night-ferry";
  merge.merged_into = "night-ferry-2026";
  int64_t before = *this->content_->DataVersion();
  ASSERT_TRUE(this->store_->MergeFilm(merge, "/films/night-ferry/", "/films/night-ferry-2026/"));
  EXPECT_NE(*this->content_->DataVersion(), before);
  auto edits = this->store_->LoadRecordEdits();
  ASSERT_EQ(edits->films.size(), 1u);
  merge.merge_repointed = {"/films/nite-ferry/"};
  EXPECT_EQ(edits->films[0], merge) << "kept with the redirect it led on";
  auto redirects = this->content_->LoadRedirects();
  ASSERT_TRUE(redirects.ok());
  ASSERT_EQ(redirects->size(), 2u);
  for (const UrlRedirect& r : *redirects) {
    EXPECT_EQ(r.to, "/films/night-ferry-2026/") << r.from << ": straight to the film";
    EXPECT_EQ(r.article_id, 0);
  }
}

// Undone, a merge leaves the redirects as they were before it: the record's own address is
// its own again, and a redirect the merge led on leads to it again.
TYPED_TEST(RecordStoreContract, AMergeUndoneLeadsItsRedirectsBack) {
  ASSERT_TRUE(
      this->content_->SaveRedirect(UrlRedirect{"/films/nite-ferry/", 0, "/films/night-ferry/"}));
  ASSERT_TRUE(this->content_->SaveRedirect(UrlRedirect{"/films/other/", 0, "/films/elsewhere/"}));
  FilmEdit merge;
  merge.slug = "night-ferry";
  merge.film.title = "Night Ferry";
  merge.merged_into = "night-ferry-2026";
  ASSERT_TRUE(this->store_->MergeFilm(merge, "/films/night-ferry/", "/films/night-ferry-2026/"));
  const FilmEdit merged = this->store_->LoadRecordEdits()->films.at(0);
  FilmEdit apart = merged;
  apart.merged_into.clear();
  apart.merge_repointed.clear();
  int64_t before = *this->content_->DataVersion();
  ASSERT_TRUE(this->store_->SeparateFilm(apart, "/films/night-ferry/", merged.merge_repointed));
  EXPECT_NE(*this->content_->DataVersion(), before);
  EXPECT_EQ(this->store_->LoadRecordEdits()->films.at(0), apart);
  auto redirects = this->content_->LoadRedirects();
  ASSERT_TRUE(redirects.ok());
  std::map<std::string, std::string> to;
  for (const UrlRedirect& r : *redirects) to[r.from] = r.to;
  EXPECT_EQ(to, (std::map<std::string, std::string>{{"/films/nite-ferry/", "/films/night-ferry/"},
                                                    {"/films/other/", "/films/elsewhere/"}}));

  ASSERT_TRUE(this->content_->SaveRedirect(UrlRedirect{"/people/ana-luo/", 0, "/people/ana-lui/"}));
  PersonEdit person;
  person.slug = "ana-lui";
  person.merged_into = "ana-liu";
  ASSERT_TRUE(this->store_->MergePerson(person, "/people/ana-lui/", "/people/ana-liu/"));
  const PersonEdit kept = this->store_->LoadRecordEdits()->people.at(0);
  EXPECT_EQ(kept.merge_repointed, std::vector<std::string>{"/people/ana-luo/"});
  PersonEdit person_apart = kept;
  person_apart.merged_into.clear();
  person_apart.merge_repointed.clear();
  ASSERT_TRUE(this->store_->SeparatePerson(person_apart, "/people/ana-lui/", kept.merge_repointed));
  EXPECT_EQ(this->store_->LoadRecordEdits()->people.at(0), person_apart);
  to.clear();
  redirects = this->content_->LoadRedirects();
  ASSERT_TRUE(redirects.ok());
  for (const UrlRedirect& r : *redirects) to[r.from] = r.to;
  EXPECT_EQ(to.count("/people/ana-lui/"), 0u) << "their page is theirs again";
  EXPECT_EQ(to["/people/ana-luo/"], "/people/ana-lui/");
}

TYPED_TEST(RecordStoreContract, PersonRecordsRoundTripAndAreReplaced) {
  PersonEdit e;
  e.slug = "lars-von-trier";
  e.sort_name = "Trier, Lars von";
  e.bio = "Makes *films*.";
  e.portrait = Image{"/media/lars.jpg", "Lars on a set", ""};
  e.links = {WebLink{"Wikidata", "https://www.wikidata.org/wiki/Q133730"}};
  e.updated = 1700000000;
  int64_t before = *this->content_->DataVersion();
  ASSERT_TRUE(this->store_->SavePersonEdit(e));
  EXPECT_NE(*this->content_->DataVersion(), before) << "person records count as content";
  PersonEdit second;
  second.slug = "kim-daeun";
  second.sort_name = "Kim Daeun";
  ASSERT_TRUE(this->store_->SavePersonEdit(second));
  auto all = this->store_->LoadRecordEdits();
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->people.size(), 2u);
  EXPECT_EQ(all->people[0], second) << "in slug order";
  EXPECT_EQ(all->people[1], e);
  e.bio = "Makes films.";
  ASSERT_TRUE(this->store_->SavePersonEdit(e));
  EXPECT_EQ(this->store_->LoadRecordEdits()->people[1].bio, "Makes films.");
  e.jobs = {"Director", "Screenwriter"};
  e.ids = ExternalIds{"Q133730", "nm0001885", "42"};
  ASSERT_TRUE(this->store_->SavePersonEdit(e));
  EXPECT_EQ(this->store_->LoadRecordEdits()->people[1], e) << "job titles and ids kept";
}

TYPED_TEST(RecordStoreContract, APersonsMergeSavesItsRecordAndRedirectsAsAFilmsDoes) {
  ASSERT_TRUE(this->content_->SaveRedirect(UrlRedirect{"/people/ana-luo/", 0, "/people/ana-lui/"}));
  PersonEdit merge;
  merge.slug = "ana-lui";
  merge.sort_name = "Lui, Ana";
  merge.merged_into = "ana-liu";
  int64_t before = *this->content_->DataVersion();
  ASSERT_TRUE(this->store_->MergePerson(merge, "/people/ana-lui/", "/people/ana-liu/"));
  EXPECT_NE(*this->content_->DataVersion(), before);
  auto edits = this->store_->LoadRecordEdits();
  ASSERT_TRUE(edits.ok()) << edits.error().ToString();
  ASSERT_EQ(edits->people.size(), 1u);
  merge.merge_repointed = {"/people/ana-luo/"};
  EXPECT_EQ(edits->people[0], merge);
  auto redirects = this->content_->LoadRedirects();
  ASSERT_TRUE(redirects.ok());
  ASSERT_EQ(redirects->size(), 2u);
  for (const UrlRedirect& r : *redirects) {
    EXPECT_EQ(r.to, "/people/ana-liu/") << r.from << ": straight to the person kept";
  }
}

TYPED_TEST(RecordStoreContract, FilmRecordsFollowTheFilmsAnImportMoved) {
  FilmEdit moved;
  moved.slug = "night-ferrie-2026";
  moved.film.title = "Night Ferrie";
  moved.film.year = 2026;
  moved.film.ids.imdb = "tt1234567";
  FilmEdit merged;
  merged.slug = "ferry-blues";
  merged.merged_into = "night-ferrie-2026";
  FilmEdit taken;  // a record already at the other moved film's new address
  taken.slug = "tide-2024";
  taken.film.title = "Tide";
  taken.film.runtime_min = 80;
  FilmEdit old_tide;
  old_tide.slug = "tide";
  old_tide.film.title = "Tide";
  old_tide.film.runtime_min = 81;
  for (const FilmEdit* e : {&moved, &merged, &taken, &old_tide}) {
    ASSERT_TRUE(this->store_->SaveFilmEdit(*e));
  }
  ASSERT_TRUE(this->store_->MoveFilmEdits(
      {{"night-ferrie-2026", "night-ferry-2026"}, {"tide", "tide-2024"}}));
  auto edits = this->store_->LoadRecordEdits();
  ASSERT_TRUE(edits.ok()) << edits.error().ToString();
  ASSERT_EQ(edits->films.size(), 3u);
  EXPECT_EQ(edits->films[0].slug, "ferry-blues");
  EXPECT_EQ(edits->films[0].merged_into, "night-ferry-2026") << "the merge follows";
  EXPECT_EQ(edits->films[1].slug, "night-ferry-2026");
  EXPECT_EQ(edits->films[1].film.ids.imdb, "tt1234567");
  EXPECT_EQ(edits->films[1].film.title, "") << "the articles' corrected title, not the old one";
  EXPECT_EQ(edits->films[1].film.year, 0);
  EXPECT_EQ(edits->films[2], taken) << "a record at the new address stays";
  EXPECT_TRUE(this->store_->MoveFilmEdits({}));
}

}  // namespace
}  // namespace cinepress
