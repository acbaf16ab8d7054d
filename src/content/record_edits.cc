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

// Applies the film edits to the film articles (`film_articles`, whose records are `before`).
void ApplyFilmEdits(const std::vector<Article*>& film_articles, const FilmRecords& before,
                    const std::vector<FilmEdit>& edits) {
  std::map<std::string, size_t> record_of;
  for (size_t r = 0; r < before.films.size(); ++r) record_of.emplace(before.films[r].slug, r);
  std::map<std::string, const FilmEdit*> edit_of;
  for (const FilmEdit& e : edits) edit_of.emplace(e.slug, &e);
  // The record a merge leads to in the end (chains followed), or none (a cycle, a record gone).
  auto final_record = [&](const std::string& slug) -> std::optional<size_t> {
    std::string at = slug;
    for (size_t steps = 0; steps <= edits.size(); ++steps) {
      auto e = edit_of.find(at);
      if (e == edit_of.end() || e->second->merged_into.empty()) {
        auto r = record_of.find(at);
        return r == record_of.end() ? std::nullopt : std::optional<size_t>(r->second);
      }
      at = e->second->merged_into;
    }
    return std::nullopt;
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

void ApplyPersonEdits(std::vector<Article>& articles, std::vector<PersonProfile>& people,
                      const std::vector<PersonEdit>& edits) {
  for (const PersonEdit& e : edits) {
    std::string name;
    for (Article& a : articles) {
      if (!a.interviewee || Slugify(a.interviewee->name) != e.slug) continue;
      name = a.interviewee->name;
      if (!e.sort_name.empty() && a.interviewee->sort_name != e.sort_name) {
        a.interviewee->sort_name = e.sort_name;
        Mark(a, "person " + e.slug + " " + e.sort_name);
      }
    }
    if (e.bio.empty() && !e.portrait && e.links.empty()) continue;
    auto it = std::find_if(people.begin(), people.end(),
                           [&](const PersonProfile& p) { return p.slug == e.slug; });
    if (it == people.end()) {
      people.push_back(PersonProfile{e.slug, name, "", std::nullopt, {}});
      it = people.end() - 1;
    }
    if (!e.bio.empty()) it->bio = e.bio;
    if (e.portrait) it->portrait = e.portrait;
    if (!e.links.empty()) it->links = e.links;
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
  const std::string_view wikidata(ids.wikidata);
  if (!wikidata.empty() && (!wikidata.starts_with("Q") || !DigitsOnly(wikidata.substr(1)))) {
    return Refuse("wikidata", "a Wikidata id is \"Q\" and digits (Q172241)");
  }
  if (!ids.tmdb.empty() && (!DigitsOnly(ids.tmdb) || ids.tmdb.size() > 10)) {
    return Refuse("tmdb", "a TMDb id is a number (278)");
  }
  return {};
}

Status CheckPersonEdit(const PersonEdit& e) {
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

}  // namespace cinepress
