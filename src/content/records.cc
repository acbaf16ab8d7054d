#include "content/records.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "core/slug.h"
#include "core/text.h"

namespace cinepress {
namespace {

bool Overlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const std::string& x : a) {
    for (const std::string& y : b) {
      if (AsciiLower(x) == AsciiLower(y)) return true;
    }
  }
  return false;
}

bool SameSet(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::set<std::string> x, y;
  for (const auto& s : a) x.insert(AsciiLower(s));
  for (const auto& s : b) y.insert(AsciiLower(s));
  return x == y;
}

class Builder {
 public:
  Builder(const std::vector<const Article*>& articles, bool with_people)
      : articles_(articles), with_people_(with_people) {
    out_.films_of_article.resize(articles.size());
  }

  // Without people it reads an article's film, interviewee, films and source path only: the
  // import relies on it (ingest/markdown_folder.cc SameForFilms; keep the two in step).
  FilmRecords Build() {
    // Reviews first: they describe films; then what only names them.
    for (uint32_t i = 0; i < articles_.size(); ++i) {
      if (articles_[i]->film) Describe(i, *articles_[i]->film);
    }
    for (uint32_t i = 0; i < articles_.size(); ++i) {
      const Article& a = *articles_[i];
      if (a.interviewee && !a.interviewee->film.empty()) {
        auto [title, year] = SplitTitleYear(a.interviewee->film);
        Link(i, Mention(i, title, year, a.interviewee->name));
      }
      for (const std::string& ref : a.films) {
        auto [title, year] = SplitTitleYear(ref);
        Link(i, Mention(i, title, year, ""));
      }
    }
    if (!with_people_) return std::move(out_);
    for (FilmRecord& f : out_.films) {
      f.sort_text = TitleSortText(f.film.title, f.film.language);
    }
    People();
    return std::move(out_);
  }

 private:
  // A review's film: find its record or make one; report disagreements.
  void Describe(uint32_t article, const Film& film) {
    const std::string& file = articles_[article]->source_path;
    int found = -1;
    for (const std::string& id : IdKeys(film.ids)) {
      if (auto it = by_id_.find(id); it != by_id_.end()) found = static_cast<int>(it->second);
    }
    if (found < 0) {
      auto range = by_title_.equal_range(AsciiLower(film.title));
      for (auto it = range.first; it != range.second; ++it) {
        const Film& known = out_.films[it->second].film;
        if (known.year != film.year && known.year != 0 && film.year != 0) continue;
        // Same title and year: the same film unless their directors say otherwise.
        if (known.directors.empty() || film.directors.empty() ||
            Overlap(known.directors, film.directors)) {
          found = static_cast<int>(it->second);
          break;
        }
      }
    }
    if (found < 0) {
      found = static_cast<int>(NewFilm(film, file));
    } else {
      Merge(out_.films[static_cast<size_t>(found)], film, file);
    }
    FilmRecord& rec = out_.films[static_cast<size_t>(found)];
    rec.reviews.push_back(article);
    Link(article, static_cast<uint32_t>(found));
  }

  // A film named by title (an interview's, a dispatch's): the best record, or a new one.
  int Mention(uint32_t article, const std::string& title, int year, const std::string& person) {
    if (title.empty()) return -1;
    auto range = by_title_.equal_range(AsciiLower(title));
    int best = -1;
    for (auto it = range.first; it != range.second; ++it) {
      const Film& f = out_.films[it->second].film;
      if (year && f.year && f.year != year) continue;
      bool credited =
          !person.empty() && (Overlap(f.directors, {person}) || Overlap(f.cast, {person}));
      if (credited) return static_cast<int>(it->second);
      if (best < 0 || f.year > out_.films[static_cast<size_t>(best)].film.year) {
        best = static_cast<int>(it->second);
      }
    }
    if (best >= 0) return best;
    Film f;
    f.title = title;
    f.year = year;
    return static_cast<int>(NewFilm(f, articles_[article]->source_path));
  }

  void Link(uint32_t article, int film) {
    if (film < 0) return;
    auto& list = out_.films_of_article[article];
    if (std::find(list.begin(), list.end(), static_cast<uint32_t>(film)) != list.end()) return;
    list.push_back(static_cast<uint32_t>(film));
    out_.films[static_cast<size_t>(film)].articles.push_back(article);
  }

  static std::vector<std::string> IdKeys(const ExternalIds& ids) {
    std::vector<std::string> keys;
    if (!ids.wikidata.empty()) keys.push_back("wikidata:" + ids.wikidata);
    if (!ids.imdb.empty()) keys.push_back("imdb:" + ids.imdb);
    if (!ids.tmdb.empty()) keys.push_back("tmdb:" + ids.tmdb);
    return keys;
  }

  uint32_t NewFilm(const Film& film, const std::string& file) {
    uint32_t index = static_cast<uint32_t>(out_.films.size());
    FilmRecord rec;
    rec.film = film;
    rec.source = file;
    std::string base = Slugify(film.title) + (film.year ? "-" + std::to_string(film.year) : "");
    std::string slug = base;
    if (slugs_.count(slug) && !film.directors.empty())
      slug = base + "-" + Slugify(film.directors[0]);
    for (int n = 2; slugs_.count(slug); ++n) slug = base + "-" + std::to_string(n);
    slugs_.insert(slug);
    rec.slug = slug;
    out_.films.push_back(std::move(rec));
    by_title_.emplace(AsciiLower(film.title), index);
    for (const std::string& id : IdKeys(film.ids)) by_id_.emplace(id, index);
    return index;
  }

  // Adds what `film` knows to `rec`; a field both know and disagree on is a conflict.
  void Merge(FilmRecord& rec, const Film& film, const std::string& file) {
    Film& known = rec.film;
    auto conflict = [&](const std::string& field, const std::string& here,
                        const std::string& there) {
      out_.conflicts.push_back(
          Error{ErrorCode::kConflict,
                "the film \"" + known.title + "\" (" + std::to_string(known.year) + ") is " + here +
                    " here but " + there + " in " + rec.source +
                    " (the same film must be described the same way; or give each an external id)",
                file, 0, "film." + field});
    };
    if (!known.original_title.empty() && !film.original_title.empty() &&
        known.original_title != film.original_title) {
      conflict("original_title", "\"" + film.original_title + "\"",
               "\"" + known.original_title + "\"");
    }
    if (known.year && film.year && known.year != film.year) {
      conflict("year", std::to_string(film.year), std::to_string(known.year));
    }
    if (known.runtime_min && film.runtime_min && known.runtime_min != film.runtime_min) {
      conflict("runtime_min", std::to_string(film.runtime_min) + " minutes",
               std::to_string(known.runtime_min) + " minutes");
    }
    if (!known.directors.empty() && !film.directors.empty() &&
        !SameSet(known.directors, film.directors)) {
      conflict("directors", "directed by " + Join(film.directors),
               "directed by " + Join(known.directors));
    }
    if (!known.countries.empty() && !film.countries.empty() &&
        !SameSet(known.countries, film.countries)) {
      conflict("country", Join(film.countries), Join(known.countries));
    }
    auto fill = [](auto& mine, const auto& theirs) {
      if (mine == std::decay_t<decltype(mine)>{}) mine = theirs;
    };
    fill(known.original_title, film.original_title);
    fill(known.year, film.year);
    fill(known.runtime_min, film.runtime_min);
    fill(known.directors, film.directors);
    fill(known.countries, film.countries);
    fill(known.languages, film.languages);
    fill(known.language, film.language);
    fill(known.ids.wikidata, film.ids.wikidata);
    fill(known.ids.imdb, film.ids.imdb);
    fill(known.ids.tmdb, film.ids.tmdb);
    for (const std::string& c : film.cast) {
      if (!Overlap(known.cast, {c})) known.cast.push_back(c);
    }
    for (const std::string& id : IdKeys(film.ids)) by_id_.emplace(id, &rec - out_.films.data());
  }

  void People() {
    std::unordered_map<std::string, uint32_t> by_slug;
    auto person = [&](const std::string& name, const std::string& sort_name,
                      const std::string& order) -> PersonRecord& {
      std::string slug = Slugify(name);
      auto [it, inserted] = by_slug.emplace(slug, static_cast<uint32_t>(out_.people.size()));
      if (inserted) {
        PersonRecord p;
        p.slug = slug;
        out_.people.push_back(std::move(p));
      }
      PersonRecord& p = out_.people[it->second];
      // An explicit sort name or name order, wherever it is given, wins over detection.
      if (inserted || !sort_name.empty() || !order.empty()) {
        NameOrder o = order == "family-first"  ? NameOrder::kFamilyFirst
                      : order == "given-first" ? NameOrder::kGivenFirst
                                               : NameOrder::kAuto;
        if (inserted || p.name.sort_text.empty() || !sort_name.empty() || !order.empty()) {
          p.name = ParsePersonName(name, sort_name, o);
        }
      }
      return p;
    };
    auto job = [](PersonRecord& p, const std::string& j) {
      if (!j.empty() && std::find(p.jobs.begin(), p.jobs.end(), j) == p.jobs.end()) {
        p.jobs.push_back(j);
      }
    };
    for (uint32_t f = 0; f < out_.films.size(); ++f) {
      for (const std::string& d : out_.films[f].film.directors) {
        PersonRecord& p = person(d, "", "");
        job(p, "Director");
        p.directed.push_back(f);
      }
      for (const std::string& c : out_.films[f].film.cast) {
        PersonRecord& p = person(c, "", "");
        job(p, "Actor");
        p.acted.push_back(f);
      }
    }
    for (uint32_t i = 0; i < articles_.size(); ++i) {
      const auto& iv = articles_[i]->interviewee;
      if (!iv || iv->name.empty()) continue;
      PersonRecord& p = person(iv->name, iv->sort_name, iv->name_order);
      job(p, iv->job_title);
      p.interviews.push_back(i);
    }
  }

  const std::vector<const Article*>& articles_;
  bool with_people_;
  FilmRecords out_;
  std::multimap<std::string, uint32_t> by_title_;
  std::unordered_map<std::string, size_t> by_id_;
  std::set<std::string> slugs_;
};

}  // namespace

std::pair<std::string, int> SplitTitleYear(const std::string& ref) {
  if (ref.size() > 7 && ref.back() == ')' && ref[ref.size() - 6] == '(') {
    std::string year = ref.substr(ref.size() - 5, 4);
    if (std::all_of(year.begin(), year.end(), ::isdigit)) {
      std::string title = ref.substr(0, ref.size() - 6);
      while (!title.empty() && title.back() == ' ') title.pop_back();
      return {title, std::stoi(year)};
    }
  }
  return {ref, 0};
}

FilmRecords BuildFilmRecords(const std::vector<const Article*>& articles, bool with_people) {
  return Builder(articles, with_people).Build();
}

std::vector<std::pair<std::string, std::string>> MovedFilms(
    const std::vector<const Article*>& before, const std::vector<const Article*>& after) {
  const FilmRecords old_records = BuildFilmRecords(before, false);
  const FilmRecords new_records = BuildFilmRecords(after, false);
  std::set<std::string> new_slugs;
  for (const FilmRecord& f : new_records.films) new_slugs.insert(f.slug);
  std::unordered_map<std::string, uint32_t> after_by_source;
  for (uint32_t i = 0; i < after.size(); ++i) after_by_source.emplace(after[i]->source_path, i);
  std::vector<std::pair<std::string, std::string>> moved;
  for (const FilmRecord& old : old_records.films) {
    if (new_slugs.count(old.slug)) continue;
    // The new record of the same title that most of its articles point to now; else (its
    // title corrected) the one its reviews describe now.
    std::map<uint32_t, size_t> votes;
    auto vote = [&](const std::vector<uint32_t>& articles, bool same_title) {
      for (uint32_t i : articles) {
        auto it = after_by_source.find(before[i]->source_path);
        if (before[i]->source_path.empty() || it == after_by_source.end()) continue;
        for (uint32_t f : new_records.films_of_article[it->second]) {
          const FilmRecord& now = new_records.films[f];
          const bool counts = same_title ? AsciiLower(now.film.title) == AsciiLower(old.film.title)
                                         : std::find(now.reviews.begin(), now.reviews.end(),
                                                     it->second) != now.reviews.end();
          if (counts) ++votes[f];
        }
      }
    };
    vote(old.articles, true);
    if (votes.empty()) vote(old.reviews, false);
    auto best = std::max_element(votes.begin(), votes.end(),
                                 [](const auto& x, const auto& y) { return x.second < y.second; });
    if (best != votes.end()) moved.emplace_back(old.slug, new_records.films[best->first].slug);
  }
  return moved;
}

FilmRecords BuildFilmRecords(const std::vector<Article>& articles) {
  std::vector<const Article*> pointers;
  pointers.reserve(articles.size());
  for (const Article& a : articles) pointers.push_back(&a);
  return Builder(pointers, true).Build();
}

}  // namespace cinepress
