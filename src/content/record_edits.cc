#include "content/record_edits.h"

#include <algorithm>
#include <map>
#include <set>

#include "content/search.h"
#include "core/slug.h"
#include "core/text.h"

namespace cinepress {
namespace {

bool DigitsOnly(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status Refuse(const std::string& field, const std::string& message) {
  return Error{ErrorCode::kInvalidInput, message, {}, 0, field};
}

// The ids films and people share the form of: Wikidata's "Q…", TMDb's number.
Status CheckWikidataAndTmdb(const ExternalIds& ids) {
  const std::string_view wikidata(ids.wikidata);
  if (!wikidata.empty() && (!wikidata.starts_with("Q") || !DigitsOnly(wikidata.substr(1)))) {
    return Refuse("wikidata", "a Wikidata id is \"Q\" and digits (Q172241)");
  }
  if (!ids.tmdb.empty() && (!DigitsOnly(ids.tmdb) || ids.tmdb.size() > 10)) {
    return Refuse("tmdb", "a TMDb id is a number (278)");
  }
  return {};
}

// Whether `text` has every word of `wanted`, the last also as the start of a word.
bool HasEveryWord(std::string_view text, const std::vector<std::string>& wanted) {
  const std::vector<std::string> words = SearchWords(text);
  for (size_t w = 0; w < wanted.size(); ++w) {
    const bool last = w + 1 == wanted.size();
    const bool found = std::any_of(words.begin(), words.end(), [&](const std::string& word) {
      return word == wanted[w] || (last && word.starts_with(wanted[w]));
    });
    if (!found) return false;
  }
  return true;
}

template <class TextOf>
std::vector<uint32_t> FindRecords(size_t count, std::string_view query, size_t limit,
                                  const TextOf& text_of) {
  const std::vector<std::string> wanted = SearchWords(query);
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < count && out.size() < limit; ++i) {
    if (wanted.empty() || HasEveryWord(text_of(i), wanted)) out.push_back(i);
  }
  return out;
}

// A changed article's pages are made again: its digest (the site's fingerprint) follows this.
void Mark(Article& a, const std::string& why) {
  a.source_hash += "+" + ContentHash(why).substr(0, 16);
}

// Follows a chain of merges from `slug` to the record it ends at; "" for a cycle.
template <class Edit>
std::string FinalRecord(const std::map<std::string, const Edit*>& edit_of, std::string slug) {
  for (size_t steps = 0; steps <= edit_of.size(); ++steps) {
    auto e = edit_of.find(slug);
    if (e == edit_of.end() || e->second->merged_into.empty()) return slug;
    slug = e->second->merged_into;
  }
  return "";
}

// Applies the film edits to the film articles (`film_articles`, whose records are `before`).
void ApplyFilmEdits(const std::vector<Article*>& film_articles, const FilmRecords& before,
                    const std::vector<FilmEdit>& edits) {
  std::map<std::string, size_t> record_of;
  for (size_t r = 0; r < before.films.size(); ++r) record_of.emplace(before.films[r].slug, r);
  std::map<std::string, const FilmEdit*> edit_of;
  for (const FilmEdit& e : edits) edit_of.emplace(e.slug, &e);
  // The record a merge leads to in the end (chains followed), or none (a cycle, a record gone).
  auto final_record = [&](const std::string& slug) -> std::optional<size_t> {
    auto r = record_of.find(FinalRecord(edit_of, slug));
    return r == record_of.end() ? std::nullopt : std::optional<size_t>(r->second);
  };
  auto facts_of = [&](size_t r) {
    auto e = edit_of.find(before.films[r].slug);
    if (e == edit_of.end() || !e->second->merged_into.empty()) return before.films[r].film;
    return OverlayFilm(before.films[r].film, e->second->film);
  };
  for (size_t r = 0; r < before.films.size(); ++r) {
    const FilmRecord& record = before.films[r];
    auto e = edit_of.find(record.slug);
    if (e == edit_of.end()) continue;
    auto target = final_record(record.slug);
    if (!target || (*target == r && !e->second->merged_into.empty())) continue;
    const Film now = facts_of(*target);
    const Film& was = record.film;
    const std::string why = "film " + record.slug + " " + std::to_string(e->second->updated);
    for (uint32_t i : record.reviews) {
      Article& a = *film_articles[i];
      a.film = OverlayFilm(*a.film, now);
      Mark(a, why);
    }
    if (AsciiLower(now.title) == AsciiLower(was.title) && now.year == was.year) continue;
    // Articles that only name it name the film as it is now.
    const std::string ref = now.title + (now.year ? " (" + std::to_string(now.year) + ")" : "");
    for (uint32_t i : record.articles) {
      if (std::find(record.reviews.begin(), record.reviews.end(), i) != record.reviews.end()) {
        continue;
      }
      Article& a = *film_articles[i];
      bool changed = false;
      auto repoint = [&](std::string& named) {
        auto [title, year] = SplitTitleYear(named);
        if (AsciiLower(title) == AsciiLower(was.title) && (year == 0 || year == was.year)) {
          named = ref;
          changed = true;
        }
      };
      for (std::string& named : a.films) repoint(named);
      if (a.interviewee && !a.interviewee->film.empty()) repoint(a.interviewee->film);
      if (changed) Mark(a, why);
    }
  }
}

// Every name an article gives a person: interviewee, directors, cast.
template <class Visit>
void EachPersonName(Article& a, const Visit& visit) {
  if (a.interviewee) visit(a.interviewee->name);
  if (!a.film) return;
  for (std::string& d : a.film->directors) visit(d);
  for (std::string& c : a.film->cast) visit(c);
}

void DropRepeats(std::vector<std::string>& names) {
  std::set<std::string> seen;
  std::erase_if(names, [&](const std::string& n) { return !seen.insert(n).second; });
}

// People merged into others are named as the person kept, wherever an article names them.
void MergePeople(std::vector<Article>& articles, const std::vector<PersonEdit>& edits) {
  std::map<std::string, const PersonEdit*> edit_of;
  for (const PersonEdit& e : edits) edit_of.emplace(e.slug, &e);
  std::map<std::string, std::string> name_of;  // slug -> the name the articles first give
  for (Article& a : articles) {
    EachPersonName(a, [&](const std::string& n) { name_of.emplace(Slugify(n), n); });
  }
  std::map<std::string, std::string> renamed;  // merged slug -> the kept person's name
  for (const PersonEdit& e : edits) {
    if (e.merged_into.empty()) continue;
    auto kept = name_of.find(FinalRecord(edit_of, e.slug));
    if (kept != name_of.end() && kept->first != e.slug) renamed.emplace(e.slug, kept->second);
  }
  if (renamed.empty()) return;
  for (Article& a : articles) {
    bool changed = false;
    EachPersonName(a, [&](std::string& n) {
      auto it = renamed.find(Slugify(n));
      if (it == renamed.end()) return;
      n = it->second;
      changed = true;
    });
    if (!changed) continue;
    if (a.film) {
      DropRepeats(a.film->directors);
      DropRepeats(a.film->cast);
    }
    Mark(a, "person merged");
  }
}

void ApplyPersonEdits(std::vector<Article>& articles, std::vector<PersonProfile>& people,
                      const std::vector<PersonEdit>& edits) {
  MergePeople(articles, edits);
  for (const PersonEdit& e : edits) {
    if (!e.merged_into.empty()) continue;
    std::string name;
    const std::vector<WebLink>* article_links = nullptr;  // an interview's, if any gives some
    for (Article& a : articles) {
      if (!a.interviewee || Slugify(a.interviewee->name) != e.slug) continue;
      name = a.interviewee->name;
      if (!article_links && !a.interviewee->links.empty()) article_links = &a.interviewee->links;
      if (!e.sort_name.empty() && a.interviewee->sort_name != e.sort_name) {
        a.interviewee->sort_name = e.sort_name;
        Mark(a, "person " + e.slug + " " + e.sort_name);
      }
      if (!e.jobs.empty() && a.interviewee->job_title != e.jobs[0]) {
        a.interviewee->job_title = e.jobs[0];
        Mark(a, "person " + e.slug + " job " + e.jobs[0]);
      }
    }
    if (e.bio.empty() && !e.portrait && e.links.empty() && e.ids.empty()) continue;
    auto it = std::find_if(people.begin(), people.end(),
                           [&](const PersonProfile& p) { return p.slug == e.slug; });
    if (it == people.end()) {
      people.push_back(PersonProfile{e.slug, name, "", std::nullopt, {}});
      it = people.end() - 1;
    }
    if (!e.bio.empty()) it->bio = e.bio;
    if (e.portrait) it->portrait = e.portrait;
    if (!e.links.empty()) it->links = e.links;
    if (e.ids.empty()) continue;
    // The ids' links after the others (the file's, else an interview's).
    if (it->links.empty() && article_links) it->links = *article_links;
    for (WebLink& l : PersonIdLinks(e.ids)) {
      const bool known = std::any_of(it->links.begin(), it->links.end(),
                                     [&](const WebLink& k) { return k.url == l.url; });
      if (!known) it->links.push_back(std::move(l));
    }
  }
}

}  // namespace

std::vector<const Article*> FilmRecordArticles(const std::vector<Article>& articles, int64_t now) {
  std::vector<const Article*> out;
  for (const Article& a : articles) {
    if (a.kind == ArticleKind::kArticle && a.IsPublishedAt(now) && a.section != "collections") {
      out.push_back(&a);
    }
  }
  std::sort(out.begin(), out.end(), [](const Article* x, const Article* y) {
    return x->date != y->date ? x->date > y->date : x->slug < y->slug;
  });
  return out;
}

Film OverlayFilm(Film under, const Film& over) {
  auto win = [](auto& mine, const auto& theirs) {
    if (theirs != std::decay_t<decltype(theirs)>{}) mine = theirs;
  };
  win(under.title, over.title);
  win(under.original_title, over.original_title);
  win(under.year, over.year);
  win(under.runtime_min, over.runtime_min);
  win(under.directors, over.directors);
  win(under.countries, over.countries);
  win(under.cast, over.cast);
  win(under.languages, over.languages);
  win(under.language, over.language);
  win(under.ids.wikidata, over.ids.wikidata);
  win(under.ids.imdb, over.ids.imdb);
  win(under.ids.tmdb, over.ids.tmdb);
  return under;
}

const FilmRecord* OnlyRecordOf(const FilmRecords& records, std::string_view title, int year) {
  const FilmRecord* found = nullptr;
  const std::string wanted = AsciiLower(title);
  for (const FilmRecord& r : records.films) {
    if ((year != 0 && r.film.year != year) || AsciiLower(r.film.title) != wanted) continue;
    if (found) return nullptr;
    found = &r;
  }
  return found;
}

std::vector<uint32_t> FindFilmRecords(const FilmRecords& records, std::string_view query,
                                      size_t limit) {
  return FindRecords(records.films.size(), query, limit, [&](uint32_t f) {
    const Film& film = records.films[f].film;
    return film.title + " " + film.original_title + " " + Join(film.directors) + " " +
           (film.year ? std::to_string(film.year) : "");
  });
}

std::vector<uint32_t> FindPersonRecords(const FilmRecords& records, std::string_view query,
                                        size_t limit) {
  return FindRecords(records.people.size(), query, limit, [&](uint32_t p) {
    return records.people[p].name.display + " " + records.people[p].name.sort_text;
  });
}

Status CheckFilmEdit(const FilmEdit& e) {
  const ExternalIds& ids = e.film.ids;
  if (e.merged_into.empty() && e.film.title.empty()) {
    return Refuse("title", "a film record needs a title");
  }
  if (!e.merged_into.empty() && e.merged_into == e.slug) {
    return Refuse("merged_into", "a film record cannot be merged into itself");
  }
  if (e.film.year != 0 && (e.film.year < 1870 || e.film.year > 2100)) {
    return Refuse("year", "the year must be from 1870 to 2100");
  }
  if (e.film.runtime_min < 0 || e.film.runtime_min > 1000) {
    return Refuse("runtime_min", "the running time must be from 1 to 1000 minutes");
  }
  const std::string_view imdb(ids.imdb);
  if (!imdb.empty() && (!imdb.starts_with("tt") || imdb.size() < 9 || imdb.size() > 12 ||
                        !DigitsOnly(imdb.substr(2)))) {
    return Refuse("imdb", "an IMDb id is \"tt\" and 7 to 10 digits (tt0111161)");
  }
  return CheckWikidataAndTmdb(ids);
}

Status CheckPersonEdit(const PersonEdit& e) {
  if (!e.merged_into.empty() && e.merged_into == e.slug) {
    return Refuse("merged_into", "a person cannot be merged into themselves");
  }
  const std::string_view imdb(e.ids.imdb);
  if (!imdb.empty() && (!imdb.starts_with("nm") || imdb.size() < 9 || imdb.size() > 12 ||
                        !DigitsOnly(imdb.substr(2)))) {
    return Refuse("imdb", "a person's IMDb id is \"nm\" and 7 to 10 digits (nm0000233)");
  }
  if (Status s = CheckWikidataAndTmdb(e.ids); !s) return s;
  for (const std::string& job : e.jobs) {
    if (job.empty() || job.size() > 100 || job.find('\n') != std::string::npos) {
      return Refuse("jobs", "each job title is one line of 1 to 100 characters");
    }
  }
  if (e.portrait && e.portrait->alt.empty()) {
    return Refuse("portrait_alt",
                  "a portrait needs alt text (what it shows, for those who cannot see it)");
  }
  for (const WebLink& l : e.links) {
    const std::string_view url(l.url);
    if (l.name.empty()) return Refuse("links", "each link needs a name before its address");
    if (!url.starts_with("https://") && !url.starts_with("http://") &&
        !(url.starts_with("/") && !url.starts_with("//"))) {
      return Refuse("links", "\"" + l.url + "\" is not an http(s) address or a path of this site");
    }
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> ApplyRecordEdits(
    std::vector<Article>& articles, std::vector<PersonProfile>& people, const RecordEdits& edits,
    int64_t now) {
  if (edits.empty()) return {};
  std::vector<std::pair<std::string, std::string>> moved;
  if (!edits.films.empty()) {
    const std::vector<const Article*> order = FilmRecordArticles(articles, now);
    std::vector<Article> before_copy;
    before_copy.reserve(order.size());
    for (const Article* a : order) before_copy.push_back(*a);
    std::vector<const Article*> before;
    for (const Article& a : before_copy) before.push_back(&a);
    // `order` points into `articles`, which this function may change.
    std::vector<Article*> film_articles;
    for (const Article* a : order) film_articles.push_back(const_cast<Article*>(a));
    const FilmRecords records = BuildFilmRecords(before, false);
    ApplyFilmEdits(film_articles, records, edits.films);
    moved = MovedFilms(before, order);
    // A reviewed film whose title changed: where its first review's film is now.
    const FilmRecords after = BuildFilmRecords(order, false);
    for (const FilmRecord& r : records.films) {
      if (r.reviews.empty() || after.films_of_article[r.reviews[0]].empty()) continue;
      const std::string& now_slug = after.films[after.films_of_article[r.reviews[0]][0]].slug;
      const bool known =
          std::any_of(moved.begin(), moved.end(), [&](const auto& m) { return m.first == r.slug; });
      if (now_slug != r.slug && !known) moved.emplace_back(r.slug, now_slug);
    }
  }
  ApplyPersonEdits(articles, people, edits.people);
  return moved;
}

std::vector<WebLink> PersonIdLinks(const ExternalIds& ids) {
  std::vector<WebLink> out;
  if (!ids.imdb.empty()) out.push_back({"IMDb", "https://www.imdb.com/name/" + ids.imdb + "/"});
  if (!ids.wikidata.empty()) {
    out.push_back({"Wikidata", "https://www.wikidata.org/wiki/" + ids.wikidata});
  }
  if (!ids.tmdb.empty()) {
    out.push_back({"TMDb", "https://www.themoviedb.org/person/" + ids.tmdb});
  }
  return out;
}

void ApplyPersonFacts(FilmRecords& records, const std::vector<PersonEdit>& edits) {
  if (edits.empty()) return;
  std::map<std::string, const PersonEdit*> edit_of;
  for (const PersonEdit& e : edits) {
    if (e.merged_into.empty() && (!e.sort_name.empty() || !e.jobs.empty())) {
      edit_of.emplace(e.slug, &e);
    }
  }
  for (PersonRecord& p : records.people) {
    auto it = edit_of.find(p.slug);
    if (it == edit_of.end()) continue;
    if (!it->second->sort_name.empty()) {
      p.name = ParsePersonName(p.name.display, it->second->sort_name);
    }
    if (!it->second->jobs.empty()) p.jobs = it->second->jobs;
  }
}

}  // namespace cinepress
