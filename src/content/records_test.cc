#include "content/records.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

Article Review(const std::string& file, const std::string& title, int year,
               std::vector<std::string> directors, int runtime = 90) {
  Article a;
  a.source_path = file;
  Film f;
  f.title = title;
  f.year = year;
  f.directors = std::move(directors);
  f.runtime_min = runtime;
  a.film = f;
  return a;
}

TEST(FilmRecords, ArticlesAboutOneFilmShareOneRecord) {
  Article interview;
  interview.source_path = "content/interviews/talk.md";
  interview.interviewee = Interviewee{"Maëlle Blackwood", "Director", "After the Mountain", "", ""};
  Article dispatch;
  dispatch.source_path = "content/festivals/day-3.md";
  dispatch.films = {"After the Mountain (2021)", "Some Other Film"};
  auto r = BuildFilmRecords(std::vector<Article>{
      Review("content/reviews/a.md", "After the Mountain", 2021, {"Maëlle Blackwood"}),
      Review("content/reviews/b.md", "after the mountain", 2021, {"Maëlle Blackwood"}), interview,
      dispatch});
  EXPECT_TRUE(r.conflicts.empty());
  ASSERT_EQ(r.films.size(), 2u);  // the film, and the one only a dispatch names
  EXPECT_EQ(r.films[0].slug, "after-the-mountain-2021");
  EXPECT_EQ(r.films[0].articles, (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(r.films[0].reviews, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(r.films[1].film.title, "Some Other Film");
  ASSERT_EQ(r.people.size(), 1u);
  EXPECT_EQ(r.people[0].jobs, std::vector<std::string>{"Director"});
  EXPECT_EQ(r.people[0].directed, std::vector<uint32_t>{0});
  EXPECT_EQ(r.people[0].interviews, std::vector<uint32_t>{2});
}

TEST(FilmRecords, SameTitleAndYearByOtherDirectorsAreTwoFilms) {
  auto r = BuildFilmRecords(std::vector<Article>{
      Review("content/reviews/a.md", "Repetition", 2022, {"Arjun Quintero"}),
      Review("content/reviews/b.md", "Repetition", 2022, {"Beatriz Sokolova"})});
  EXPECT_TRUE(r.conflicts.empty());
  ASSERT_EQ(r.films.size(), 2u);
  EXPECT_NE(r.films[0].slug, r.films[1].slug);
  EXPECT_EQ(r.films[1].slug, "repetition-2022-beatriz-sokolova");
}

TEST(FilmRecords, ConflictingDescriptionsAreReportedWithBothFiles) {
  auto r = BuildFilmRecords(std::vector<Article>{
      Review("content/reviews/a.md", "Low Water", 2025, {"Élise Fournaud"}, 101),
      Review("content/reviews/b.md", "Low Water", 2025, {"Élise Fournaud"}, 95)});
  ASSERT_EQ(r.conflicts.size(), 1u);
  const Error& e = r.conflicts[0];
  EXPECT_EQ(e.file, "content/reviews/b.md");
  EXPECT_EQ(e.field, "film.runtime_min");
  EXPECT_NE(e.message.find("content/reviews/a.md"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("95 minutes"), std::string::npos);
}

TEST(FilmRecords, ExternalIdsJoinWhatTitlesWouldNot) {
  Article a = Review("content/reviews/a.md", "Le Mépris", 1963, {"X"});
  a.film->ids.imdb = "tt0057345";
  Article b = Review("content/reviews/b.md", "Contempt", 1963, {"X"});
  b.film->ids.imdb = "tt0057345";
  auto r = BuildFilmRecords(std::vector<Article>{a, b});
  EXPECT_EQ(r.films.size(), 1u);
  EXPECT_EQ(r.films[0].reviews.size(), 2u);
}

TEST(FilmRecords, SortNamesFollowTheRules) {
  Article iv;
  iv.interviewee = Interviewee{"Zhou Weiming", "Cinematographer", "", "", "family-first"};
  Article iv2;
  iv2.interviewee = Interviewee{"Lars von Trier", "Director", "", "", ""};
  auto r = BuildFilmRecords(std::vector<Article>{iv, iv2});
  ASSERT_EQ(r.people.size(), 2u);
  EXPECT_EQ(r.people[0].name.letter, "Z");
  EXPECT_EQ(r.people[1].name.sort_text, "Trier, Lars von");
}

}  // namespace
}  // namespace cinepress

namespace cinepress {
namespace {

TEST(MovedFilms, FollowsARecordByTheArticlesThatDescribeIt) {
  Article dispatch;
  dispatch.source_path = "content/festivals/day.md";
  dispatch.films = {"Night Ferry", "Other Film (2020)"};
  Article review;
  review.source_path = "content/reviews/night-ferry.md";
  review.film = Film{};
  review.film->title = "Night Ferry";
  review.film->year = 2026;
  auto moved = MovedFilms({&dispatch}, {&review, &dispatch});
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].first, "night-ferry");
  EXPECT_EQ(moved[0].second, "night-ferry-2026");
  EXPECT_TRUE(MovedFilms({&review, &dispatch}, {&review, &dispatch}).empty());
  EXPECT_TRUE(MovedFilms({&dispatch}, {}).empty()) << "gone, not moved";
}

TEST(MovedFilms, FollowsAReviewedFilmWhoseTitleIsCorrected) {
  Article review;
  review.source_path = "content/reviews/ferry.md";
  review.film = Film{};
  review.film->title = "Night Ferrie";
  review.film->year = 2026;
  Article corrected = review;
  corrected.film->title = "Night Ferry";
  auto moved = MovedFilms({&review}, {&corrected});
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].first, "night-ferrie-2026");
  EXPECT_EQ(moved[0].second, "night-ferry-2026");
  Article dispatch;
  dispatch.source_path = "content/festivals/day.md";
  dispatch.films = {"Night Ferrie (2026)"};
  Article renamed = dispatch;
  renamed.films = {"Night Ferry (2026)"};
  EXPECT_TRUE(MovedFilms({&dispatch}, {&renamed}).empty())
      << "a film only named by another title is another film, not a move";
}

}  // namespace
}  // namespace cinepress
