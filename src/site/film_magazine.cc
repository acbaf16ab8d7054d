// What only a film magazine has: film and person pages, festivals and their editions, the
// Review Index and the Interview Index, collections — their place in the site map and how each
// is rendered (docs/THEMES.md lists what their templates see).
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "content/collection.h"
#include "core/slug.h"
#include "core/text.h"
#include "render/markdown.h"
#include "site/site.h"

namespace cinepress {
namespace {

TemplateData List() { return TemplateData{TemplateData::type::list}; }

// `{name, url, last}` per link, in order (`last`: no separator after it).
TemplateData LinkList(const std::vector<std::pair<std::string, std::string>>& links) {
  TemplateData out = List();
  for (size_t k = 0; k < links.size(); ++k) {
    TemplateData x;
    x.set("name", links[k].first);
    x.set("url", links[k].second);
    x.set("last", k + 1 == links.size());
    out.push_back(x);
  }
  return out;
}

// Names as a credit line shows them, each with its person page and `last` (no comma after it);
// `except` (a person's slug) is left out: a director's page does not say "dir." them again.
TemplateData Credits(const std::vector<std::string>& names, const std::string& person_pattern,
                     const std::string& except = "") {
  std::vector<std::pair<std::string, std::string>> links;
  for (const std::string& n : names) {
    std::string slug = Slugify(n);
    if (slug != except) links.emplace_back(n, ExpandPermalink(person_pattern, {{"slug", slug}}));
  }
  return LinkList(links);
}

// "TIFF{yy}" against "TIFF21" -> 2021; "Cannes{yyyy}" against "Cannes2019" -> 2019; else 0.
int MatchEditionTag(const std::string& pattern, const std::string& tag) {
  for (auto [token, digits] : {std::pair{"{yyyy}", 4}, {"{yy}", 2}}) {
    size_t at = pattern.find(token);
    if (at == std::string::npos) continue;
    std::string prefix = pattern.substr(0, at), suffix = pattern.substr(at + std::strlen(token));
    if (tag.size() != prefix.size() + static_cast<size_t>(digits) + suffix.size()) return 0;
    if (AsciiLower(tag.substr(0, prefix.size())) != AsciiLower(prefix)) return 0;
    if (AsciiLower(tag.substr(tag.size() - suffix.size())) != AsciiLower(suffix)) return 0;
    std::string number = tag.substr(prefix.size(), static_cast<size_t>(digits));
    if (!std::all_of(number.begin(), number.end(), ::isdigit)) return 0;
    int year = std::stoi(number);
    return digits == 4 ? year : 2000 + year;
  }
  return 0;
}

}  // namespace

TemplateData ImageData(const Image& image, const Still* still) {
  TemplateData img;
  img.set("src", image.src);
  img.set("alt", image.alt);
  SetIf(img, "caption", image.caption);
  if (!still) return img;
  img.set("width", std::to_string(still->width));
  img.set("height", std::to_string(still->height));
  SetIf(img, "tint", StillTint(still->color));
  SetIf(img, "avif_srcset", StillSrcset(*still, "avif"));
  SetIf(img, "webp_srcset", StillSrcset(*still, "webp"));
  const std::string_view fallback = StillFallbackFormat(*still);
  SetIf(img, "srcset", StillSrcset(*still, fallback));
  // What a browser that reads no srcset loads: a width that fills a laptop's column.
  if (const StillVariant* v = StillFallback(*still, 1200)) img.set("src", "/" + v->path);
  return img;
}

TemplateData RatingData(double value, double max) {
  TemplateData r;
  if (value <= 0 || max <= 0) return r;
  auto number = [](double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", x);
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
  };
  r.set("value", number(value));
  r.set("max", number(max));
  r.set("text", number(value) + " out of " + number(max));
  if (max <= 10 && max == static_cast<int>(max)) {
    // Whole stars, a half for what is left of .25 to .75, the rest empty.
    int halves = static_cast<int>(value * 2 + 0.5);
    std::string stars, rest;
    for (int k = 0; k < halves / 2; ++k) stars += "\u2605";
    if (halves % 2) stars += "\u00BD";
    for (int k = (halves + 1) / 2; k < static_cast<int>(max); ++k) rest += "\u2606";
    r.set("stars", stars);
    if (!rest.empty()) r.set("rest", rest);
  } else {
    r.set("score", number(value) + "/" + number(max));
  }
  return r;
}

std::string Site::FilmUrl(size_t f) const {
  return ExpandPermalink(config_.permalinks.film, {{"slug", records_.films[f].slug}});
}

std::string Site::PersonUrl(size_t p) const {
  return ExpandPermalink(config_.permalinks.person, {{"slug", records_.people[p].slug}});
}

Site::FilmLinks Site::LinksOfFilm(size_t article) const {
  FilmLinks links;
  const Article& a = articles_[article];
  if (!a.film || film_of_article_[article] < 0) return links;
  links.film_url = FilmUrl(static_cast<size_t>(film_of_article_[article]));
  auto credit = [&](const std::vector<std::string>& names, auto& out) {
    for (const std::string& name : names) {
      auto it = person_by_slug_.find(Slugify(name));
      out.emplace_back(name, it == person_by_slug_.end() ? "" : PersonUrl(it->second));
    }
  };
  credit(a.film->directors, links.directors);
  credit(a.film->cast, links.cast);
  return links;
}

int32_t Site::FilmNamedBy(size_t article, const std::string& ref) const {
  auto [title, year] = SplitTitleYear(ref);
  for (uint32_t f : records_.films_of_article[article]) {
    const Film& film = records_.films[f].film;
    if (AsciiLower(film.title) == AsciiLower(title) && (!year || film.year == year)) {
      return static_cast<int32_t>(f);
    }
  }
  return -1;
}

int32_t Site::EditionOfTag(const std::string& tag) const {
  for (size_t e = 0; e < editions_.size(); ++e) {
    size_t f = editions_[e].festival;
    if (f < config_.festivals.size() && !config_.festivals[f].tag.empty() &&
        MatchEditionTag(config_.festivals[f].tag, tag) == editions_[e].year) {
      return static_cast<int32_t>(e);
    }
  }
  return -1;
}

void Site::AssignProfiles(std::vector<PersonProfile> people) {
  profiles_.assign(records_.people.size(), PersonProfile{});
  for (size_t p = 0; p < profiles_.size(); ++p) profiles_[p].slug = records_.people[p].slug;
  // Interviews, newest first: each field from the newest article that gives it.
  for (const Article& a : articles_) {
    if (!a.interviewee) continue;
    auto it = person_by_slug_.find(Slugify(a.interviewee->name));
    if (it == person_by_slug_.end()) continue;
    PersonProfile& p = profiles_[it->second];
    if (p.bio.empty()) p.bio = a.interviewee->bio;
    if (!p.portrait) p.portrait = a.interviewee->portrait;
    if (p.links.empty()) p.links = a.interviewee->links;
  }
  // data/people.yaml, the magazine's own record of them, wins field by field.
  for (PersonProfile& given : people) {
    auto it = person_by_slug_.find(given.slug);
    if (it == person_by_slug_.end()) continue;  // no article names them: no page to show it on
    PersonProfile& p = profiles_[it->second];
    if (!given.bio.empty()) p.bio = std::move(given.bio);
    if (given.portrait) p.portrait = std::move(given.portrait);
    if (!given.links.empty()) p.links = std::move(given.links);
  }
}

void Site::AssignEditions() {
  editions_of_article_.assign(articles_.size(), {});
  const Permalinks& pl = config_.permalinks;
  auto add_festival = [&](std::string slug, std::string name, std::string short_name,
                          std::string city) {
    SiteFestival f;
    f.slug = std::move(slug);
    f.name = std::move(name);
    f.short_name = std::move(short_name);
    f.city = std::move(city);
    f.url = ExpandPermalink(pl.festival, {{"festival", f.slug}});
    festivals_.push_back(std::move(f));
    return festivals_.size() - 1;
  };
  for (const FestivalConfig& fc : config_.festivals) {
    add_festival(fc.slug, fc.name, fc.short_name, fc.city);
  }
  std::map<std::pair<size_t, int>, size_t> index;
  auto edition = [&](size_t f, int year) {
    auto [it, inserted] = index.emplace(std::pair{f, year}, editions_.size());
    if (inserted) {
      SiteEdition e;
      e.festival = f;
      e.year = year;
      e.city = festivals_[f].city;
      if (f < config_.festivals.size()) {
        for (const FestivalEditionConfig& ec : config_.festivals[f].editions) {
          if (ec.year != year) continue;
          e.start = ec.start;
          e.end = ec.end;
          if (!ec.city.empty()) e.city = ec.city;
        }
      }
      e.url = ExpandPermalink(pl.edition,
                              {{"festival", festivals_[f].slug}, {"year", std::to_string(year)}});
      editions_.push_back(std::move(e));
    }
    return it->second;
  };
  for (size_t f = 0; f < config_.festivals.size(); ++f) {
    for (const FestivalEditionConfig& ec : config_.festivals[f].editions) edition(f, ec.year);
  }
  auto festival_named = [&](const std::string& name) {
    for (size_t f = 0; f < festivals_.size(); ++f) {
      if (AsciiLower(festivals_[f].name) == AsciiLower(name) ||
          (!festivals_[f].short_name.empty() &&
           AsciiLower(festivals_[f].short_name) == AsciiLower(name))) {
        return f;
      }
    }
    // A festival the config does not list: it gets a page all the same.
    return add_festival(Slugify(name), name, "", "");
  };
  for (uint32_t i = 0; i < articles_.size(); ++i) {
    const Article& a = articles_[i];
    std::set<size_t> mine;
    for (const std::string& tag : a.tags) {
      for (size_t f = 0; f < config_.festivals.size(); ++f) {
        if (config_.festivals[f].tag.empty()) continue;
        if (int year = MatchEditionTag(config_.festivals[f].tag, tag))
          mine.insert(edition(f, year));
      }
    }
    if (mine.empty() && !a.festival.empty()) {
      mine.insert(edition(festival_named(a.festival), tz_.YearMonth(a.date).first));
    }
    for (size_t e : mine) {
      editions_[e].articles.push_back(i);
      editions_of_article_[i].push_back(static_cast<uint32_t>(e));
    }
  }
  for (size_t e = 0; e < editions_.size(); ++e)
    festivals_[editions_[e].festival].editions.push_back(e);
  for (SiteFestival& f : festivals_) {
    std::sort(f.editions.begin(), f.editions.end(),
              [&](size_t x, size_t y) { return editions_[x].year > editions_[y].year; });
  }
}

Status Site::AddFilmMagazineOutputs() {
  Status st;
  auto add = [&](OutputKind k, const std::string& url, size_t ref, const std::string& what) {
    if (st) st = AddOutput(k, url, ref, 1, what);
  };
  for (size_t f = 0; f < records_.films.size(); ++f) {
    add(OutputKind::kFilm, FilmUrl(f), f, "the film \"" + records_.films[f].film.title + "\"");
  }
  for (size_t p = 0; p < records_.people.size(); ++p) {
    add(OutputKind::kPerson, PersonUrl(p), p,
        "the person \"" + records_.people[p].name.display + "\"");
  }
  for (size_t f = 0; f < festivals_.size(); ++f) {
    if (festivals_[f].editions.empty()) continue;
    add(OutputKind::kFestival, festivals_[f].url, f, "the festival \"" + festivals_[f].name + "\"");
  }
  for (size_t e = 0; e < editions_.size(); ++e) {
    add(OutputKind::kEdition, editions_[e].url, e, "a festival edition");
  }

  // The Review Index: every reviewed film A–Z, and the same filtered by year, country and
  // festival — pages of their own, so the filters need no JavaScript. Filtering by director is
  // the director's own page (linked from every entry), which lists the films they directed.
  std::vector<uint32_t> reviewed;
  for (uint32_t f = 0; f < records_.films.size(); ++f) {
    if (!records_.films[f].reviews.empty()) reviewed.push_back(f);
  }
  std::sort(reviewed.begin(), reviewed.end(), [&](uint32_t x, uint32_t y) {
    int c = CompareSortText(records_.films[x].sort_text, records_.films[y].sort_text);
    if (c != 0) return c < 0;
    return records_.films[x].film.year < records_.films[y].film.year;
  });
  const std::string& base = config_.permalinks.review_index;
  facets_.push_back(ReviewFacet{"", "", base, reviewed});
  std::map<std::string, std::pair<std::string, std::vector<uint32_t>>>
      by[4];  // slug -> value, films
  const char* kinds[4] = {"year", "country", "director", "festival"};
  for (uint32_t f : reviewed) {
    const FilmRecord& r = records_.films[f];
    if (r.film.year) {
      auto& e = by[0][std::to_string(r.film.year)];
      e.first = std::to_string(r.film.year);
      e.second.push_back(f);
    }
    for (const std::string& c : r.film.countries) {
      auto& e = by[1][Slugify(c)];
      e.first = c;
      e.second.push_back(f);
    }
    // By director: each director's person page lists their films; no index page of its own.
    std::set<size_t> fests;
    for (uint32_t i : r.reviews) {
      for (uint32_t e : editions_of_article_[i]) fests.insert(editions_[e].festival);
    }
    for (size_t fe : fests) {
      auto& e = by[3][festivals_[fe].slug];
      e.first = festivals_[fe].short_name.empty() ? festivals_[fe].name : festivals_[fe].short_name;
      e.second.push_back(f);
    }
  }
  for (int k = 0; k < 4; ++k) {
    for (auto& [slug, entry] : by[k]) {
      facets_.push_back(ReviewFacet{kinds[k], entry.first, base + kinds[k] + "/" + slug + "/",
                                    std::move(entry.second)});
    }
  }
  for (size_t i = 0; i < facets_.size(); ++i) {
    add(OutputKind::kReviewIndex, facets_[i].url, i, "the Review Index");
  }
  const std::string& iv = config_.permalinks.interview_index;
  add(OutputKind::kInterviewIndex, iv, 0, "the Interview Index");
  add(OutputKind::kInterviewIndex, iv + "last-name/", 1, "the Interview Index by family name");
  for (size_t c = 0; c < collections_.size(); ++c) {
    add(OutputKind::kCollection,
        ExpandPermalink(config_.permalinks.collection, {{"slug", collections_[c].slug}}), c,
        "the collection " + collections_[c].source_path);
  }
  return st;
}

}  // namespace cinepress

namespace cinepress {

// A film as it appears in lists and on people's pages; made once per film on each thread.
TemplateData SiteRenderer::FilmCard(size_t f) const {
  if (film_cards_.size() != site_->records_.films.size()) {
    film_cards_.clear();
    film_cards_.resize(site_->records_.films.size());
  }
  if (!film_cards_[f]) film_cards_[f] = std::make_unique<TemplateData>(MakeFilmCard(f));
  return *film_cards_[f];
}

TemplateData SiteRenderer::MakeFilmCard(size_t f) const {
  const Site& s = *site_;
  const FilmRecord& r = s.records_.films[f];
  // Every key a film line reads is set, false when unknown: a missing one would be looked up
  // in the page around it (a film without a year would show its festival edition's year).
  TemplateData c;
  c.set("title", r.film.title);
  c.set("url", s.FilmUrl(f));
  c.set("year", false);
  if (r.film.year) c.set("year", std::to_string(r.film.year));
  c.set("original_title", false);
  if (!r.film.original_title.empty() && r.film.original_title != r.film.title) {
    c.set("original_title", r.film.original_title);
  }
  c["directors"] = Credits(r.film.directors, s.config_.permalinks.person);
  c.set("has_directors", !r.film.directors.empty());
  TemplateData reviews = List();
  for (uint32_t i : r.reviews) {
    const Article& a = s.articles_[i];
    TemplateData x;
    x.set("title", a.title);
    x.set("url", s.article_urls_[i]);
    x.set("date_display", s.tz_.Display(a.date));
    // Set even when empty: a missing key would be looked up in the film (its first rating).
    x["rating"] = a.rating > 0 ? RatingData(a.rating, a.rating_max) : TemplateData(false);
    if (a.rating > 0 && !c.get("rating")) c["rating"] = RatingData(a.rating, a.rating_max);
    reviews.push_back(x);
  }
  c["reviews"] = std::move(reviews);
  if (!c.get("rating")) c.set("rating", false);
  return c;
}

void SiteRenderer::AddRecordLinks(TemplateData& art, size_t i) const {
  const Site& s = *site_;
  const Article& a = s.articles_[i];
  // A film by reference, its title and year apart (the year is not part of the title); `url`
  // and `year` false when unknown, not looked up around it (the interviewee's own url).
  auto film_ref = [&](const std::string& ref) {
    TemplateData x;
    x.set("url", false);
    x.set("year", false);
    int32_t f = s.FilmNamedBy(i, ref);
    auto [title, year] = SplitTitleYear(ref);
    if (f >= 0) {
      const Film& film = s.records_.films[static_cast<size_t>(f)].film;
      title = film.title;
      year = film.year;
      x.set("url", s.FilmUrl(static_cast<size_t>(f)));
    }
    x.set("title", title);
    if (year) x.set("year", std::to_string(year));
    return x;
  };
  if (a.interviewee) {
    TemplateData iv;
    iv.set("name", a.interviewee->name);
    iv.set("url", false);
    iv.set("film", false);
    if (auto it = s.person_by_slug_.find(Slugify(a.interviewee->name));
        it != s.person_by_slug_.end()) {
      iv.set("url", s.PersonUrl(it->second));
    }
    SetIf(iv, "job_title", a.interviewee->job_title);
    if (!a.interviewee->film.empty()) iv["film"] = film_ref(a.interviewee->film);
    art["interviewee"] = std::move(iv);
  }
  std::vector<std::pair<std::string, std::string>> editions;
  for (uint32_t e : s.editions_of_article_[i]) {
    editions.emplace_back(s.lists_[s.editions_[e].list].heading, s.editions_[e].url);
  }
  if (!editions.empty()) {
    art["editions"] = LinkList(editions);
    art.set("has_editions", true);
  }
  TemplateData covered = List();
  for (const std::string& ref : a.films) covered.push_back(film_ref(ref));
  if (!covered.is_empty_list()) {
    art["covered_films"] = std::move(covered);
    art.set("has_covered_films", true);
  }
}

Result<std::string> SiteRenderer::RenderFilm(size_t f) {
  const Site& s = *site_;
  const FilmRecord& r = s.records_.films[f];
  const SiteList& list = s.lists_[s.film_list_[f]];
  TemplateData d = PageData(list.url, list.heading, list.description, "is_film");
  TemplateData film = FilmCard(f);
  SetIf(film, "countries_text", Join(r.film.countries));
  SetIf(film, "languages_text", Join(r.film.languages));
  if (r.film.runtime_min) film.set("runtime_min", std::to_string(r.film.runtime_min));
  if (!r.film.cast.empty()) {
    film["cast"] = Credits(r.film.cast, s.config_.permalinks.person);
    film.set("has_cast", true);
  }
  std::vector<std::pair<std::string, std::string>> links;
  auto link = [&](const std::string& id, const std::string& name, const std::string& url) {
    if (!id.empty()) links.emplace_back(name, url + id);
  };
  link(r.film.ids.wikidata, "Wikidata", "https://www.wikidata.org/wiki/");
  link(r.film.ids.imdb, "IMDb", "https://www.imdb.com/title/");
  link(r.film.ids.tmdb, "TMDB", "https://www.themoviedb.org/movie/");
  if (!links.empty()) {
    film["links"] = LinkList(links);
    film.set("has_links", true);
  }
  TemplateData coverage = List();
  for (uint32_t i : r.articles) coverage.push_back(s.ListItem(i));
  if (!coverage.is_empty_list()) {
    film["coverage"] = std::move(coverage);
    film.set("has_coverage", true);
  }
  if (!s.episodes_of_film_[f].empty()) {
    film["episodes"] = EpisodeCards(s.episodes_of_film_[f]);
    film.set("has_episodes", true);
  }
  d["film"] = std::move(film);
  SetJsonLd(d, OutputKind::kFilm, f);
  return theme_.Render("film", s.base_, d);
}

Result<std::string> SiteRenderer::RenderPerson(size_t p) {
  const Site& s = *site_;
  const PersonRecord& r = s.records_.people[p];
  const SiteList& list = s.lists_[s.person_list_[p]];
  TemplateData d = PageData(list.url, r.name.display, list.description, "is_person");
  TemplateData person;
  person.set("name", r.name.display);
  SetIf(person, "jobs_text", Join(r.jobs));
  const PersonProfile& profile = s.profiles_[p];
  if (!profile.bio.empty()) person.set("bio_html", RenderMarkdown(profile.bio));
  if (profile.portrait)
    person["portrait"] = ImageData(*profile.portrait, s.StillOf(profile.portrait->src));
  if (!profile.links.empty()) {
    std::vector<std::pair<std::string, std::string>> links;
    for (const WebLink& l : profile.links) links.emplace_back(l.name, l.url);
    person["links"] = LinkList(links);
    person.set("has_links", true);
  }
  auto films = [&](const std::vector<uint32_t>& which) {
    TemplateData out = List();
    std::vector<uint32_t> sorted = which;
    std::sort(sorted.begin(), sorted.end(), [&](uint32_t x, uint32_t y) {
      return s.records_.films[x].film.year > s.records_.films[y].film.year;
    });
    for (uint32_t f : sorted) {
      TemplateData card = FilmCard(f);
      const auto& directors = s.records_.films[f].film.directors;
      card["directors"] = Credits(directors, s.config_.permalinks.person, r.slug);
      card.set("has_directors", !card["directors"].is_empty_list());
      out.push_back(std::move(card));
    }
    return out;
  };
  if (!r.directed.empty()) {
    person["directed"] = films(r.directed);
    person.set("has_directed", true);
  }
  if (!r.acted.empty()) {
    person["acted"] = films(r.acted);
    person.set("has_acted", true);
  }
  TemplateData interviews = List();
  for (uint32_t i : r.interviews) interviews.push_back(s.ListItem(i));
  if (!interviews.is_empty_list()) {
    person["interviews"] = std::move(interviews);
    person.set("has_interviews", true);
  }
  TemplateData coverage = List();
  for (uint32_t i : list.items) coverage.push_back(s.ListItem(i));
  if (!coverage.is_empty_list()) {
    person["coverage"] = std::move(coverage);
    person.set("has_coverage", true);
  }
  if (!s.episodes_of_person_[p].empty()) {
    person["episodes"] = EpisodeCards(s.episodes_of_person_[p]);
    person.set("has_episodes", true);
  }
  d["person"] = std::move(person);
  SetJsonLd(d, OutputKind::kPerson, p);
  return theme_.Render("person", s.base_, d);
}

namespace {
// "January 29 – February 8, 2026", as the site's language writes it.
std::string Dates(const SiteEdition& e, const SiteConfig& config) {
  return e.start.empty() ? "" : FormatDateRange(e.start, e.end, config.language);
}
}  // namespace

Result<std::string> SiteRenderer::RenderFestival(size_t f) {
  const Site& s = *site_;
  const SiteFestival& fest = s.festivals_[f];
  TemplateData d = PageData(fest.url, fest.name,
                            "All our coverage of " + fest.name + ", by edition.", "is_festival");
  TemplateData out;
  out.set("name", fest.name);
  SetIf(out, "short_name", fest.short_name);
  SetIf(out, "city", fest.city);
  TemplateData eds = List();
  for (size_t e : fest.editions) {
    const SiteEdition& ed = s.editions_[e];
    TemplateData x;
    x.set("year", std::to_string(ed.year));
    x.set("url", ed.url);
    SetIf(x, "dates", Dates(ed, s.config_));
    SetIf(x, "city", ed.city);
    x.set("count", std::to_string(ed.articles.size()));
    eds.push_back(x);
  }
  out["editions"] = std::move(eds);
  d["festival"] = std::move(out);
  SetJsonLd(d, OutputKind::kFestival, f);
  return theme_.Render("festival", s.base_, d);
}

Result<std::string> SiteRenderer::RenderEdition(size_t e) {
  const Site& s = *site_;
  const SiteEdition& ed = s.editions_[e];
  const SiteFestival& fest = s.festivals_[ed.festival];
  const SiteList& list = s.lists_[ed.list];
  TemplateData d = PageData(ed.url, list.heading, list.description, "is_edition");
  TemplateData out;
  out.set("name", list.heading);
  out.set("festival_name", fest.name);
  out.set("festival_url", fest.url);
  out.set("year", std::to_string(ed.year));
  SetIf(out, "dates", Dates(ed, s.config_));
  SetIf(out, "city", ed.city);
  TemplateData items = List();
  std::set<uint32_t> films;
  for (uint32_t i : ed.articles) {
    items.push_back(s.ListItem(i));
    for (uint32_t f : s.records_.films_of_article[i]) films.insert(f);
  }
  if (!items.is_empty_list()) {
    out["items"] = std::move(items);
    out.set("has_items", true);
  }
  TemplateData film_list = List();
  std::vector<uint32_t> sorted(films.begin(), films.end());
  std::sort(sorted.begin(), sorted.end(), [&](uint32_t x, uint32_t y) {
    return CompareSortText(s.records_.films[x].sort_text, s.records_.films[y].sort_text) < 0;
  });
  for (uint32_t f : sorted) film_list.push_back(FilmCard(f));
  if (!film_list.is_empty_list()) {
    out["films"] = std::move(film_list);
    out.set("has_films", true);
  }
  out.set("count", std::to_string(ed.articles.size()));
  out.set("feed_url", list.url + "feed.xml");
  d["edition"] = std::move(out);
  AddListFeeds(d, list);
  SetJsonLd(d, OutputKind::kEdition, e);
  return theme_.Render("edition", s.base_, d);
}

Result<std::string> SiteRenderer::RenderReviewIndex(size_t facet) {
  const Site& s = *site_;
  const ReviewFacet& fc = s.facets_[facet];
  std::string heading = "Review Index";
  std::string label;
  if (fc.kind == "year") label = "Films from " + fc.value;
  if (fc.kind == "country") label = "Films from " + fc.value;
  if (fc.kind == "director") label = "Films directed by " + fc.value;
  if (fc.kind == "festival") label = "Films seen at " + fc.value;
  TemplateData d = PageData(fc.url, label.empty() ? heading : heading + ": " + label,
                            "Every film we have reviewed, from A to Z.", "is_review_index");
  TemplateData index;
  index.set("heading", heading);
  SetIf(index, "filter", label);
  index.set("all_url", s.config_.permalinks.review_index);
  index.set("count", std::to_string(fc.films.size()));
  // Groups by letter, and the jump bar.
  std::vector<std::pair<std::string, std::vector<uint32_t>>> groups;
  for (uint32_t f : fc.films) {
    std::string letter = IndexLetter(s.records_.films[f].sort_text);
    if (groups.empty() || groups.back().first != letter) groups.push_back({letter, {}});
    groups.back().second.push_back(f);
  }
  TemplateData letters = List(), gdata = List();
  for (const auto& [letter, films] : groups) {
    std::string anchor = "letter-" + (letter == "#" ? std::string("0") : Slugify(letter));
    TemplateData l;
    l.set("letter", letter);
    l.set("anchor", anchor);
    letters.push_back(l);
    TemplateData g;
    g.set("letter", letter);
    g.set("anchor", anchor);
    TemplateData entries = List();
    for (uint32_t f : films) entries.push_back(FilmCard(f));
    g["entries"] = std::move(entries);
    gdata.push_back(g);
  }
  if (!letters.is_empty_list()) {
    index["letters"] = std::move(letters);
    index.set("has_letters", true);
    index["groups"] = std::move(gdata);
  }
  // The filters: years, countries and festivals; director pages are linked from entries.
  for (const char* kind : {"year", "country", "festival"}) {
    TemplateData options = List();
    for (size_t k = 1; k < s.facets_.size(); ++k) {
      if (s.facets_[k].kind != kind) continue;
      TemplateData o;
      o.set("name", s.facets_[k].value);
      o.set("url", s.facets_[k].url);
      o.set("count", std::to_string(s.facets_[k].films.size()));
      o.set("current", k == facet);
      options.push_back(o);
    }
    if (!options.is_empty_list()) {
      index[std::string(kind) + "s"] = std::move(options);
      index.set(std::string("has_") + kind + "s", true);
    }
  }
  d["index"] = std::move(index);
  SetJsonLd(d, OutputKind::kReviewIndex, facet);
  return theme_.Render("review-index", s.base_, d);
}

Result<std::string> SiteRenderer::RenderInterviewIndex(bool by_last_name) {
  const Site& s = *site_;
  const std::string& base = s.config_.permalinks.interview_index;
  std::string url = by_last_name ? base + "last-name/" : base;
  TemplateData d =
      PageData(url, by_last_name ? "Interview Index by family name" : "Interview Index",
               "Everyone we have interviewed, by what they do and by name.", "is_interview_index");
  std::vector<uint32_t> people;
  for (uint32_t p = 0; p < s.records_.people.size(); ++p) {
    if (!s.records_.people[p].interviews.empty()) people.push_back(p);
  }
  std::sort(people.begin(), people.end(), [&](uint32_t x, uint32_t y) {
    return CompareSortText(s.records_.people[x].name.sort_text,
                           s.records_.people[y].name.sort_text) < 0;
  });
  auto entry = [&](uint32_t p, const std::string& job) {
    const PersonRecord& r = s.records_.people[p];
    TemplateData e;
    e.set("name", r.name.display);
    e.set("sort_text", r.name.sort_text);
    e.set("url", s.PersonUrl(p));
    SetIf(e, "job", job);
    TemplateData ivs = List();
    for (uint32_t i : r.interviews) {
      const Article& a = s.articles_[i];
      if (!job.empty() && (!a.interviewee || a.interviewee->job_title != job)) continue;
      TemplateData x;
      x.set("title", a.title);
      x.set("url", s.article_urls_[i]);
      x.set("date_display", s.tz_.Display(a.date));
      ivs.push_back(x);
    }
    e["interviews"] = std::move(ivs);
    e.set("has_interviews", true);
    return e;
  };
  // Groups: by job title (A–Z), or by the letter of the family name.
  std::map<std::string, std::vector<std::pair<uint32_t, std::string>>, std::less<>> groups;
  std::vector<std::string> order;
  for (uint32_t p : people) {
    if (by_last_name) {
      std::string letter = IndexLetter(s.records_.people[p].name.sort_text);
      if (!groups.count(letter)) order.push_back(letter);
      groups[letter].push_back({p, ""});
    } else {
      std::set<std::string> jobs;
      for (uint32_t i : s.records_.people[p].interviews) {
        const auto& iv = s.articles_[i].interviewee;
        jobs.insert(iv && !iv->job_title.empty() ? iv->job_title : "Other");
      }
      for (const std::string& j : jobs) groups[j].push_back({p, j == "Other" ? "" : j});
    }
  }
  if (!by_last_name) {
    for (const auto& [j, v] : groups) order.push_back(j);
    std::sort(order.begin(), order.end(),
              [](const std::string& a, const std::string& b) { return CompareSortText(a, b) < 0; });
  }
  TemplateData gdata = List(), jump = List();
  for (const std::string& key : order) {
    TemplateData g;
    std::string anchor = (by_last_name ? "letter-" : "job-") + Slugify(key);
    g.set("heading", key);
    g.set("anchor", anchor);
    TemplateData entries = List();
    for (const auto& [p, job] : groups[key]) entries.push_back(entry(p, job));
    g["entries"] = std::move(entries);
    gdata.push_back(g);
    TemplateData j;
    j.set("heading", key);
    j.set("anchor", anchor);
    jump.push_back(j);
  }
  TemplateData index;
  index.set("by_last_name", by_last_name);
  index.set("by_job", !by_last_name);
  index.set("job_url", base);
  index.set("last_name_url", base + "last-name/");
  index.set("count", std::to_string(people.size()));
  if (!gdata.is_empty_list()) {
    index["groups"] = std::move(gdata);
    index["jump"] = std::move(jump);
    index.set("has_jump", true);
  }
  d["index"] = std::move(index);
  SetJsonLd(d, OutputKind::kInterviewIndex, by_last_name ? 1 : 0);
  return theme_.Render("interview-index", s.base_, d);
}

Result<std::string> SiteRenderer::RenderCollection(size_t c) {
  const Site& s = *site_;
  const Article& a = s.collections_[c];
  std::string url = ExpandPermalink(s.config_.permalinks.collection, {{"slug", a.slug}});
  TemplateData d = PageData(url, a.title, MarkdownToText(a.dek), "is_collection");
  TemplateData out;
  out.set("title", a.title);
  if (!a.dek.empty()) out.set("dek_html", RenderInlineMarkdown(a.dek));
  auto body = BodyHtml(a);
  if (!body) return body.error();
  out.set("body", *body);
  // Entries in the editors' order: articles by URL or section/slug, films and people by URL. An
  // entry not on the site now (a piece unpublished since) is left out; the newsroom marks it.
  TemplateData items = List();
  for (const std::string& ref : a.items) {
    const std::string path = CollectionEntryPath(ref);
    if (path.empty()) continue;
    const Output* o = s.FindOutput(OutputPathOf(path));
    if (!o) continue;
    if (o->kind == OutputKind::kArticle) {
      items.push_back(s.Card(o->ref));
    } else if (o->kind == OutputKind::kFilm) {
      TemplateData f = FilmCard(o->ref);
      f.set("is_film", true);
      items.push_back(f);
    } else if (o->kind == OutputKind::kPerson) {
      TemplateData p;
      p.set("title", s.records_.people[o->ref].name.display);
      p.set("url", path);
      p.set("is_person", true);
      items.push_back(p);
    } else {
      return Error{ErrorCode::kInvalidInput, "\"" + ref + "\" cannot be in a collection",
                   a.source_path, 0, "items"};
    }
  }
  if (!items.is_empty_list()) {
    out["items"] = std::move(items);
    out.set("has_items", true);
  }
  d["collection"] = std::move(out);
  SetJsonLd(d, OutputKind::kCollection, c);
  return theme_.Render("collection", s.base_, d);
}

}  // namespace cinepress
