#include "content/record_edits.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

constexpr int64_t kNow = 1'900'000'000;

Article Review(const std::string& slug, const std::string& title, int year,
               std::vector<std::string> directors, int64_t date) {
  Article a;
  a.section = "reviews";
  a.slug = slug;
  a.source_path = "content/reviews/" + slug + ".md";
  a.date = date;
  Film f;
  f.title = title;
  f.year = year;
  f.directors = std::move(directors);
  f.runtime_min = 90;
  a.film = f;
  return a;
}

Article Naming(const std::string& slug, std::vector<std::string> films, int64_t date) {
  Article a;
  a.section = "festivals";
  a.slug = slug;
  a.source_path = "content/festivals/" + slug + ".md";
  a.date = date;
  a.films = std::move(films);
  return a;
}

FilmRecords Records(const std::vector<Article>& articles) {
  return BuildFilmRecords(FilmRecordArticles(articles, kNow), true);
}

TEST(RecordEdits, TheNewsroomsFactsWinAndTheAddressFollowsTheYear) {
  std::vector<Article> articles = {Review("low-water", "Low Water", 2025, {"Élise Fournaud"}, 300),
                                   Naming("day-one", {"Low Water (2025)"}, 200)};
  FilmEdit e;
  e.slug = "low-water-2025";
  e.film.title = "Low Water";
  e.film.year = 2024;
  e.film.directors = {"Élise Fournaud", "Tomasz Brandt"};
  e.film.ids.imdb = "tt7654321";
  const std::string hash = articles[0].source_hash;
  std::vector<PersonProfile> people;
  auto moved = ApplyRecordEdits(articles, people, RecordEdits{{e}, {}}, kNow);
  EXPECT_EQ(
      moved,
      (std::vector<std::pair<std::string, std::string>>{{"low-water-2025", "low-water-2024"}}));
  EXPECT_NE(articles[0].source_hash, hash) << "marked: its pages are made again";
  EXPECT_EQ(articles[1].films, std::vector<std::string>{"Low Water (2024)"}) << "re-pointed";
  auto r = Records(articles);
  ASSERT_EQ(r.films.size(), 1u);
  EXPECT_EQ(r.films[0].film.year, 2024);
  EXPECT_EQ(r.films[0].film.runtime_min, 90) << "a fact the edit leaves empty is the articles'";
  EXPECT_EQ(r.films[0].film.ids.imdb, "tt7654321");
  EXPECT_EQ(r.films[0].articles.size(), 2u);
  ASSERT_EQ(r.people.size(), 2u);
  EXPECT_EQ(r.people[1].slug, "tomasz-brandt") << "people follow the credits";
}

TEST(RecordEdits, AMergedRecordsArticlesJoinTheOther) {
  std::vector<Article> articles = {Review("night-ferry", "Nightferry", 2026, {"Ana Liu"}, 300),
                                   Naming("day-one", {"Night Ferry"}, 200),
                                   Naming("day-two", {"Quiet Harbour (2026)"}, 100)};
  ASSERT_EQ(Records(articles).films.size(), 3u);
  FilmEdit merge;
  merge.slug = "night-ferry";
  merge.merged_into = "nightferry-2026";
  std::vector<PersonProfile> people;
  ApplyRecordEdits(articles, people, RecordEdits{{merge}, {}}, kNow);
  auto r = Records(articles);
  ASSERT_EQ(r.films.size(), 2u);
  EXPECT_EQ(r.films[0].slug, "nightferry-2026");
  EXPECT_EQ(r.films[0].articles, (std::vector<uint32_t>{0, 1}));

  FilmEdit back;  // a cycle changes nothing
  back.slug = "nightferry-2026";
  back.merged_into = "night-ferry";
  std::vector<Article> again = {Review("night-ferry", "Nightferry", 2026, {"Ana Liu"}, 300),
                                Naming("day-one", {"Night Ferry"}, 200)};
  ApplyRecordEdits(again, people, RecordEdits{{merge, back}, {}}, kNow);
  EXPECT_EQ(Records(again).films.size(), 2u);
}

TEST(RecordEdits, ASortNameFilesAnIntervieweeAndAProfileWinsFieldByField) {
  Article talk;
  talk.section = "interviews";
  talk.slug = "talk";
  talk.date = 100;
  talk.interviewee = Interviewee{"Kim Daeun", "Director", "", "", ""};
  std::vector<Article> articles = {talk};
  ASSERT_EQ(Records(articles).people[0].name.sort_text, "Daeun, Kim") << "read given-first";
  std::vector<PersonProfile> people = {PersonProfile{"kim-daeun",
                                                     "Kim Daeun",
                                                     "From the file.",
                                                     std::nullopt,
                                                     {WebLink{"Site", "https://kim.example"}}}};
  PersonEdit e;
  e.slug = "kim-daeun";
  e.sort_name = "Kim Daeun";
  e.bio = "From the newsroom.";
  PersonEdit other;
  other.slug = "ana-liu";
  other.bio = "A director.";
  ApplyRecordEdits(articles, people, RecordEdits{{}, {e, other}}, kNow);
  auto r = Records(articles);
  EXPECT_EQ(r.people[0].name.sort_text, "Kim Daeun");
  EXPECT_EQ(r.people[0].name.letter, "K");
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[0].bio, "From the newsroom.");
  EXPECT_EQ(people[0].links.size(), 1u) << "a field the newsroom leaves empty is the file's";
  EXPECT_EQ(people[1].slug, "ana-liu");
  EXPECT_EQ(people[1].bio, "A director.");
}

TEST(RecordEdits, ARecordIsCheckedFieldByField) {
  FilmEdit e;
  e.slug = "x-2020";
  e.film.title = "X";
  EXPECT_TRUE(CheckFilmEdit(e));
  auto field_of = [](const FilmEdit& bad) {
    Status s = CheckFilmEdit(bad);
    return s ? std::string("ok") : s.error().field;
  };
  FilmEdit bad = e;
  bad.film.ids.imdb = "nm0000001";
  EXPECT_EQ(field_of(bad), "imdb");
  bad.film.ids.imdb = "tt12345";
  EXPECT_EQ(field_of(bad), "imdb");
  bad = e;
  bad.film.ids.wikidata = "42";
  EXPECT_EQ(field_of(bad), "wikidata");
  bad = e;
  bad.film.ids.tmdb = "27a";
  EXPECT_EQ(field_of(bad), "tmdb");
  bad = e;
  bad.film.year = 1200;
  EXPECT_EQ(field_of(bad), "year");
  bad = e;
  bad.film.runtime_min = -3;
  EXPECT_EQ(field_of(bad), "runtime_min");
  bad = e;
  bad.film.title.clear();
  EXPECT_EQ(field_of(bad), "title");
  bad = e;
  bad.merged_into = "x-2020";
  EXPECT_EQ(field_of(bad), "merged_into");
  PersonEdit p;
  p.portrait = Image{"/media/p.jpg", "", ""};
  EXPECT_EQ(CheckPersonEdit(p).error().field, "portrait_alt");
  p.portrait->alt = "A face";
  p.links = {WebLink{"Site", "javascript:alert(1)"}};
  EXPECT_EQ(CheckPersonEdit(p).error().field, "links");
  p.links = {WebLink{"Site", "https://p.example"}, WebLink{"Talk", "/interviews/p/"}};
  EXPECT_TRUE(CheckPersonEdit(p));
  auto person_field = [](const PersonEdit& bad) {
    Status s = CheckPersonEdit(bad);
    return s ? std::string("ok") : s.error().field;
  };
  p.slug = "ana-liu";
  p.ids = ExternalIds{"Q42", "nm0000233", "12345"};
  p.jobs = {"Director", "Screenwriter"};
  EXPECT_EQ(person_field(p), "ok");
  PersonEdit wrong = p;
  wrong.ids.imdb = "tt0111161";  // a film's id
  EXPECT_EQ(person_field(wrong), "imdb");
  EXPECT_NE(CheckPersonEdit(wrong).error().message.find("\"nm\""), std::string::npos);
  wrong.ids.imdb = "nm12";
  EXPECT_EQ(person_field(wrong), "imdb");
  wrong = p;
  wrong.ids.wikidata = "q42";
  EXPECT_EQ(person_field(wrong), "wikidata");
  wrong = p;
  wrong.ids.tmdb = "12a";
  EXPECT_EQ(person_field(wrong), "tmdb");
  wrong = p;
  wrong.jobs = {"Director\nActor"};
  EXPECT_EQ(person_field(wrong), "jobs");
  wrong.jobs = {std::string(101, 'x')};
  EXPECT_EQ(person_field(wrong), "jobs");
  wrong = p;
  wrong.merged_into = "ana-liu";
  EXPECT_EQ(person_field(wrong), "merged_into");
}

Article Talk(const std::string& slug, const std::string& name, const std::string& job,
             int64_t date) {
  Article a;
  a.section = "interviews";
  a.slug = slug;
  a.source_path = "content/interviews/" + slug + ".md";
  a.date = date;
  a.interviewee = Interviewee{name, job, "", "", ""};
  return a;
}

TEST(RecordEdits, AMergedPersonIsNamedAsTheOneKeptWhereverAnArticleNamesThem) {
  std::vector<Article> articles = {Review("low-water", "Low Water", 2025, {"Ana Lui"}, 300),
                                   Talk("ana", "Ana Liu", "Director", 200),
                                   Review("tide", "Tide", 2024, {"Ana Liu", "Ana Lui"}, 100)};
  articles[2].film->cast = {"Ana Lui", "Bo Ek"};
  ASSERT_EQ(Records(articles).people.size(), 3u);
  PersonEdit merge;
  merge.slug = "ana-lui";
  merge.merged_into = "ana-liu";
  const std::string hash = articles[0].source_hash;
  std::vector<PersonProfile> people;
  ApplyRecordEdits(articles, people, RecordEdits{{}, {merge}}, kNow);
  EXPECT_NE(articles[0].source_hash, hash) << "marked: its pages are made again";
  EXPECT_EQ(articles[0].film->directors, std::vector<std::string>{"Ana Liu"});
  EXPECT_EQ(articles[2].film->directors, std::vector<std::string>{"Ana Liu"}) << "once";
  EXPECT_EQ(articles[2].film->cast, (std::vector<std::string>{"Ana Liu", "Bo Ek"}));
  auto r = Records(articles);
  ASSERT_EQ(r.people.size(), 2u);
  EXPECT_EQ(r.people[0].slug, "ana-liu");
  EXPECT_EQ(r.people[0].directed.size(), 2u);
  EXPECT_EQ(r.people[0].interviews.size(), 1u);

  // A chain (a -> b -> c) ends at the last; a cycle changes nothing.
  std::vector<Article> chain = {Talk("a", "Ana Lui", "", 300), Talk("b", "Ana Liu", "", 200),
                                Talk("c", "Anna Liu", "", 100)};
  PersonEdit to_c = merge;
  to_c.slug = "ana-liu";
  to_c.merged_into = "anna-liu";
  ApplyRecordEdits(chain, people, RecordEdits{{}, {merge, to_c}}, kNow);
  EXPECT_EQ(chain[0].interviewee->name, "Anna Liu");
  EXPECT_EQ(chain[1].interviewee->name, "Anna Liu");
  std::vector<Article> cycle = {Talk("a", "Ana Lui", "", 300), Talk("b", "Ana Liu", "", 200)};
  PersonEdit back = merge;
  back.slug = "ana-liu";
  back.merged_into = "ana-lui";
  ApplyRecordEdits(cycle, people, RecordEdits{{}, {merge, back}}, kNow);
  EXPECT_EQ(cycle[0].interviewee->name, "Ana Lui");
  EXPECT_EQ(cycle[1].interviewee->name, "Ana Liu");
}

TEST(RecordEdits, APersonsIdsAreLinksAndTheirJobTitlesFileTheirInterviews) {
  std::vector<Article> articles = {Talk("ana", "Ana Liu", "Director", 300),
                                   Review("tide", "Tide", 2024, {"Bo Ek"}, 200)};
  articles[0].interviewee->links = {WebLink{"Site", "https://ana.example"}};
  PersonEdit e;
  e.slug = "ana-liu";
  e.jobs = {"Screenwriter", "Director"};
  e.ids = ExternalIds{"Q42", "nm0000233", "12345"};
  PersonEdit director;
  director.slug = "bo-ek";
  director.sort_name = "Zed, Bo";
  director.jobs = {"Editor"};
  std::vector<PersonProfile> people;
  ApplyRecordEdits(articles, people, RecordEdits{{}, {e, director}}, kNow);
  EXPECT_EQ(articles[0].interviewee->job_title, "Screenwriter") << "the first job title";
  ASSERT_EQ(people.size(), 1u) << "a profile for the ids; none for a sort name and jobs";
  EXPECT_EQ(people[0].slug, "ana-liu");
  EXPECT_EQ(people[0].links,
            (std::vector<WebLink>{{"Site", "https://ana.example"},
                                  {"IMDb", "https://www.imdb.com/name/nm0000233/"},
                                  {"Wikidata", "https://www.wikidata.org/wiki/Q42"},
                                  {"TMDb", "https://www.themoviedb.org/person/12345"}}))
      << "the interview's links first, then the ids'";
  FilmRecords r = Records(articles);
  ApplyPersonFacts(r, {e, director});
  ASSERT_EQ(r.people.size(), 2u);
  const PersonRecord& bo = r.people[0].slug == "bo-ek" ? r.people[0] : r.people[1];
  const PersonRecord& ana = r.people[0].slug == "bo-ek" ? r.people[1] : r.people[0];
  EXPECT_EQ(bo.name.sort_text, "Zed, Bo")
      << "a director's sort name too, not only an interviewee's";
  EXPECT_EQ(bo.name.display, "Bo Ek");
  EXPECT_EQ(bo.jobs, std::vector<std::string>{"Editor"});
  EXPECT_EQ(ana.jobs, (std::vector<std::string>{"Screenwriter", "Director"}));
}

TEST(RecordEdits, FindsByEveryWordTheLastAsAPrefixAndOverlaysTheFactsSet) {
  std::vector<Article> articles = {
      Review("apres", "Après la pluie", 2021, {"Maëlle Blackwood"}, 300),
      Review("low-water", "Low Water", 2025, {"Élise Fournaud"}, 200),
      Review("repetition", "Repetition", 2022, {"Arjun Quintero"}, 100)};
  auto r = Records(articles);
  EXPECT_EQ(FindFilmRecords(r, "apres", 10), std::vector<uint32_t>{0}) << "folded";
  EXPECT_EQ(FindFilmRecords(r, "low wat", 10), std::vector<uint32_t>{1});
  EXPECT_EQ(FindFilmRecords(r, "fournaud 2025", 10), std::vector<uint32_t>{1});
  EXPECT_TRUE(FindFilmRecords(r, "wat low", 10).empty()) << "only the last word is a prefix";
  EXPECT_EQ(FindFilmRecords(r, "", 1), std::vector<uint32_t>{0});
  EXPECT_EQ(FindPersonRecords(r, "quint", 10).size(), 1u);
  ASSERT_NE(OnlyRecordOf(r, "low water", 0), nullptr);
  EXPECT_EQ(OnlyRecordOf(r, "low water", 2024), nullptr);
  Film over;
  over.year = 2024;
  over.countries = {"France"};
  Film got = OverlayFilm(r.films[1].film, over);
  EXPECT_EQ(got.title, "Low Water");
  EXPECT_EQ(got.year, 2024);
  EXPECT_EQ(got.runtime_min, 90);
  EXPECT_EQ(got.countries, std::vector<std::string>{"France"});
}

}  // namespace
}  // namespace cinepress
