// Films and people as records of their own, made from what articles say about them.
//
//   film record    one film, however many articles are about it: the review, an interview
//                  with its director, festival dispatches; its credits merged from them all
//   person record  a director, actor or interviewee, with the jobs the magazine knows them for
//                  and a sort name that files them right in every culture (content/names.h)
//
// Identity: articles name the same film when they share an external id, or the same title and
// year and their directors do not disagree (two different films can share a title and a year:
// then their directors tell them apart). Two descriptions of one film that disagree (runtime,
// original title, countries, directors) are a conflict, reported with both files named.
// Contract: pure function of its input; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "content/model.h"
#include "content/names.h"
#include "core/result.h"

namespace cinepress {

struct FilmRecord {
  std::string slug;                // "after-the-mountain-2021"
  Film film;                       // merged from every article about it
  std::string sort_text;           // the title as the Review Index sorts it
  std::vector<uint32_t> articles;  // every article about it (indices into the input)
  std::vector<uint32_t> reviews;   // those that review it (their `film:` is this film)
  std::string source;              // the file that first described it
};

struct PersonRecord {
  std::string slug;  // "maelle-blackwood"
  PersonName name;
  std::vector<std::string> jobs;     // "Director", "Actor", "Cinematographer"…, first seen first
  std::vector<uint32_t> directed;    // film records
  std::vector<uint32_t> acted;       // film records
  std::vector<uint32_t> interviews;  // articles interviewing them
};

struct FilmRecords {
  std::vector<FilmRecord> films;
  std::vector<PersonRecord> people;
  std::vector<std::vector<uint32_t>> films_of_article;  // per input article: its film records
  std::vector<Error> conflicts;
};

// A film named by reference: "Title (2021)" -> {"Title", 2021}; "Title" -> {"Title", 0}.
std::pair<std::string, int> SplitTitleYear(const std::string& ref);

// `articles` in the order their lists should have (newest first, usually).
// `with_people` false skips people and sort texts (enough to find conflicts, and faster).
FilmRecords BuildFilmRecords(const std::vector<const Article*>& articles, bool with_people = true);
FilmRecords BuildFilmRecords(const std::vector<Article>& articles);

// The film records whose address (slug) changes between two states of the content — a dispatch
// named "Night Ferry", a review later gave it a year: night-ferry became night-ferry-2026 —
// as {old slug, new slug}; a record is followed by the articles (source paths) that describe
// it in both. Both lists in the order the site uses (newest first: slugs of films sharing a title
// and year depend on it); a film no article describes any more has no new slug.
std::vector<std::pair<std::string, std::string>> MovedFilms(
    const std::vector<const Article*>& before, const std::vector<const Article*>& after);

}  // namespace cinepress
