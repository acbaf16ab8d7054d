// The newsroom's film and person records: what editors correct beyond the articles.
//
//   film edit    the facts the newsroom sets for one film record (by the slug the articles give
//                it), or the record it merged it into; a fact it sets wins over the articles'
//   person edit  a person's sort name, job titles, ids, bio, portrait and links (by their page's
//                slug), or the person it merged them into; each one set wins over
//                data/people.yaml and the articles
//   RecordStore  where they are kept (the store's `film_records` and `person_records`)
//
// They are applied to what a site is assembled from (ApplyRecordEdits: the articles' film facts
// and references, interviewees' sort names, people's profiles), so every page, list, index and
// structured data made from the articles shows them, and imports of articles, which never write
// them, never undo them (a folder's data/*_records.yaml, written by export, saves them back:
// ingest/site_data.h).
// Contract: the functions are pure and thread-safe; a RecordStore is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "content/model.h"
#include "content/records.h"
#include "core/result.h"

namespace cinepress {

struct FilmEdit {
  std::string slug;         // the record's address as the articles make it: /films/<slug>/
  Film film;                // the facts set (a text or list not empty, a number not 0)
  std::string merged_into;  // the slug of the record it was merged into, or ""
  // The fixed redirects that led to this record and that its merge led on to merged_into (their
  // from addresses; RecordStore::MergeFilm fills it): led back here when the merge is undone.
  std::vector<std::string> merge_repointed;
  int64_t updated = 0;  // seconds since the epoch
  bool operator==(const FilmEdit&) const = default;
};

struct PersonEdit {
  std::string slug;               // the person's page: /people/<slug>/
  std::string sort_name;          // "Trier, Lars von": how every index files them
  std::vector<std::string> jobs;  // job titles, the first the one their interviews are filed under
  ExternalIds ids;                // IMDb "nm…", Wikidata "Q…", TMDb's person number
  std::string bio;                // Markdown
  std::optional<Image> portrait;  // alt text required
  std::vector<WebLink> links;
  std::string merged_into;                   // the slug of the person it was merged into, or ""
  std::vector<std::string> merge_repointed;  // as FilmEdit's
  int64_t updated = 0;
  bool operator==(const PersonEdit&) const = default;
};

struct RecordEdits {
  std::vector<FilmEdit> films;
  std::vector<PersonEdit> people;
  bool empty() const { return films.empty() && people.empty(); }
};

// The store of the newsroom's records (store/open_record_store.h opens one). Saving replaces the
// record with the same slug; lists are in slug order. Both tables count as content (the live
// site reloads). MergeFilm and MergePerson save `edit` and, in the same transaction, the
// redirect from `from_url` to `to_url`, and point every fixed redirect that led to `from_url` at
// `to_url` (saved in the edit's merge_repointed). SeparateFilm and SeparatePerson undo a merge:
// they save `edit` (its merged_into empty), remove the fixed redirect from `from_url`, and lead
// the redirects in `repointed` (the merged edit's merge_repointed) to `from_url` again.
// MoveFilmEdits re-keys each film record from an old slug to a new one ({old, new}: an import moved
// the film), and merges into the old slug follow it, in one transaction; a record already kept at
// the new slug stays and the old one is dropped.
class RecordStore {
 public:
  virtual ~RecordStore() = default;
  virtual Result<RecordEdits> LoadRecordEdits() = 0;
  virtual Status SaveFilmEdit(const FilmEdit& edit) = 0;
  virtual Status DeleteFilmEdit(const std::string& slug) = 0;
  virtual Status MergeFilm(const FilmEdit& edit, const std::string& from_url,
                           const std::string& to_url) = 0;
  virtual Status MoveFilmEdits(const std::vector<std::pair<std::string, std::string>>& moved) = 0;
  virtual Status SavePersonEdit(const PersonEdit& edit) = 0;
  virtual Status MergePerson(const PersonEdit& edit, const std::string& from_url,
                             const std::string& to_url) = 0;
  virtual Status SeparateFilm(const FilmEdit& edit, const std::string& from_url,
                              const std::vector<std::string>& repointed) = 0;
  virtual Status SeparatePerson(const PersonEdit& edit, const std::string& from_url,
                                const std::vector<std::string>& repointed) = 0;
};

// The articles that have film records, as the site orders them (published at `now`, not pages
// or collections; newest first).
std::vector<const Article*> FilmRecordArticles(const std::vector<Article>& articles, int64_t now);

// `under` with every fact `over` sets (a text or list not empty, a number not 0) taken from
// `over`: a newsroom record over the articles' facts, a form's facts over a record's.
Film OverlayFilm(Film under, const Film& over);

// The one film record with this title (case aside) and year (0: any year), or null (none, or
// several).
const FilmRecord* OnlyRecordOf(const FilmRecords& records, std::string_view title, int year);

// The records whose title, original title, directors or year (people: name as written and as
// filed) have every word of `query` (folded as search folds them; the last word also as the
// start of one), at most `limit`, in the records' order; the first `limit` for an empty query.
std::vector<uint32_t> FindFilmRecords(const FilmRecords& records, std::string_view query,
                                      size_t limit);
std::vector<uint32_t> FindPersonRecords(const FilmRecords& records, std::string_view query,
                                        size_t limit);

// A record checked field by field: the first problem, naming the field. Films: a title (unless
// merged), imdb "tt" and 7 to 10 digits, wikidata "Q" and digits, tmdb digits, a year from 1870
// to 2100, a running time up to 1,000 minutes, merged into another record than itself. People:
// a portrait's alt text, each link a name and an http(s) address or a path of this site, imdb
// "nm" and 7 to 10 digits, wikidata "Q" and digits, tmdb digits, each job title one line of at
// most 100 characters, merged into another person than themselves.
Status CheckFilmEdit(const FilmEdit& edit);
Status CheckPersonEdit(const PersonEdit& edit);

// Applies the newsroom's records to what a site is assembled from, in place: the reviews of an
// edited film take the facts it sets; articles that name a film whose title or year changed, or
// that was merged into another, name the film it is now; a merged film's reviews describe the
// other film; a person merged into another is named as the other wherever an article names
// them (interviewee, director, cast); interviewees take a person's sort name and first job
// title; profiles take the bio, portrait and links set, and a link per id (IMDb, Wikidata, TMDb;
// a new profile when data/people.yaml has none). Each changed article's source_hash is
// marked, so that the live site makes its pages again. Returns the films whose address moved
// ({old slug, new slug}; a merged film's move is the caller's stored redirect, not here).
std::vector<std::pair<std::string, std::string>> ApplyRecordEdits(
    std::vector<Article>& articles, std::vector<PersonProfile>& people, const RecordEdits& edits,
    int64_t now);

// The people's records (made from the articles ApplyRecordEdits changed) take the newsroom's
// sort names and job titles, so that whoever they are (director, cast, interviewee) every list
// and index sorted by family name files them so.
void ApplyPersonFacts(FilmRecords& records, const std::vector<PersonEdit>& edits);

// A person's ids as the links their page and `sameAs` give (after the profile's own links):
// "IMDb" https://www.imdb.com/name/nm…/, "Wikidata" https://www.wikidata.org/wiki/Q…, "TMDb"
// https://www.themoviedb.org/person/….
std::vector<WebLink> PersonIdLinks(const ExternalIds& ids);

}  // namespace cinepress
