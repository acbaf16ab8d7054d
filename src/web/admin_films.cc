// The newsroom's film records (AdminWeb's, declared in admin_web.h): /admin/films/, every film
// record the published articles make, searched by title, original title, director or year; a
// film's page, its facts as a form over the record (content/record_edits.h: the newsroom's
// record, a FilmEdit, wins over what the articles say), the articles about it, and the merge of
// a duplicate into another record (its address then redirects there); /admin/films/lookup/?title=
// answers the editor's script with the site's records as JSON. Editors and admins
// (Permission::kEditAllContent); the lookup, contributors and up (it shows what the site shows).
#include <nlohmann/json.hpp>

#include "content/record_edits.h"
#include "core/config.h"
#include "core/text.h"
#include "web/admin_editor.h"
#include "web/admin_visit.h"

namespace cinepress {
namespace {

constexpr std::string_view kFilmsPrefix = "/admin/films/";
constexpr size_t kFilmsShown = 100;
constexpr size_t kLookupShown = 10;
constexpr size_t kMergeChoices = 10;

std::string AdminFilmUrl(const std::string& slug) { return std::string(kFilmsPrefix) + slug + "/"; }

int RecordBySlug(const FilmRecords& records, const std::string& slug) {
  for (size_t f = 0; f < records.films.size(); ++f) {
    if (records.films[f].slug == slug) return static_cast<int>(f);
  }
  return -1;
}

std::string PublicFilmUrl(const Site& site, const std::string& slug) {
  return ExpandPermalink(site.config().permalinks.film, {{"slug", slug}});
}

const FilmEdit* EditOf(const RecordEdits& edits, const std::string& slug) {
  for (const FilmEdit& e : edits.films) {
    if (e.slug == slug) return &e;
  }
  return nullptr;
}

TemplateData FilmRow(const Site& site, const FilmRecord& r, const RecordEdits& edits) {
  const FilmEdit* e = EditOf(edits, r.slug);
  const Film film = e && e->merged_into.empty() ? OverlayFilm(r.film, e->film) : r.film;
  TemplateData d;
  d.set("title", film.title);
  SetIf(d, "year", film.year ? std::to_string(film.year) : "");
  SetIf(d, "directors", Join(film.directors));
  d.set("articles", std::to_string(r.articles.size()));
  d.set("edit_url", AdminFilmUrl(r.slug));
  d.set("url", PublicFilmUrl(site, r.slug));
  d.set("slug", r.slug);
  if (e && !e->merged_into.empty()) d.set("merged_into", e->merged_into);
  if (e && e->merged_into.empty()) d.set("edited", true);
  return d;
}

nlohmann::json FilmLookupJson(const FilmRecord& r) {
  const Film& f = r.film;
  return {{"slug", r.slug},
          {"title", f.title},
          {"original_title", f.original_title},
          {"year", f.year},
          {"directors", f.directors},
          {"countries", f.countries},
          {"runtime_min", f.runtime_min},
          {"cast", f.cast},
          {"imdb", f.ids.imdb},
          {"wikidata", f.ids.wikidata},
          {"tmdb", f.ids.tmdb}};
}

}  // namespace

const std::vector<AdminWeb::SubRoute>& AdminWeb::FilmRoutes() {
  static const std::vector<SubRoute> kRoutes = {
      {"GET", "", &AdminWeb::FilmGet},
      {"POST", "save", &AdminWeb::FilmSavePost},
      {"POST", "merge", &AdminWeb::FilmMergePost},
  };
  return kRoutes;
}

HttpResponse AdminWeb::FilmDispatch(Visit& v) { return SubDispatch(v, kFilmsPrefix, FilmRoutes()); }

std::shared_ptr<const AdminWeb::FilmIndex> AdminWeb::Films() {
  auto articles = Articles();
  std::lock_guard lock(content_mu_);
  if (films_ && films_->articles == articles) return films_;
  auto index = std::make_shared<FilmIndex>();
  index->articles = articles;
  index->order = FilmRecordArticles(*articles, options_.now());
  index->records = BuildFilmRecords(index->order, /*with_people=*/false);  // films are enough
  films_ = index;
  return films_;
}

Result<RecordEdits> AdminWeb::StoredEdits() {
  std::lock_guard lock(content_mu_);
  if (!records_) return AdminRecordsClosed();
  return records_->LoadRecordEdits();
}

HttpResponse AdminWeb::FilmsGet(Visit& v) {
  const std::string q = AdminParam(AdminQueryParams(v.ctx.request), "q");
  auto films = Films();
  auto edits = StoredEdits();
  if (!edits) return Refused(v, 503, edits.error().message);
  kainjow::mustache::list rows;
  for (uint32_t f : FindFilmRecords(films->records, q, kFilmsShown)) {
    rows.push_back(FilmRow(*v.site, films->records.films[f], *edits));
  }
  TemplateData view;
  view.set("has_rows", !rows.empty());
  view.set("rows", rows);
  SetIf(view, "q", q);
  view.set("total", std::to_string(films->records.films.size()));
  if (rows.size() == kFilmsShown) view.set("more", true);
  return Render(v, 200, "films", "Films", view);
}

HttpResponse AdminWeb::FilmLookupGet(Visit& v) {
  const auto params = AdminQueryParams(v.ctx.request);
  const FilmRecords& records = v.site->records();  // as readers see them: the edits applied
  nlohmann::json films = nlohmann::json::array();
  for (uint32_t f : FindFilmRecords(records, AdminParam(params, "title"), kLookupShown)) {
    films.push_back(FilmLookupJson(records.films[f]));
  }
  return AdminJson(200, {{"films", films}});
}

HttpResponse AdminWeb::FilmPage(Visit& v, int status, const std::string& slug, const Error* error,
                                const std::string& notice, const Film* typed) {
  auto films = Films();
  const FilmRecords& records = films->records;
  const int f = RecordBySlug(records, slug);
  if (f < 0) return Refused(v, 404, "There is no film record at /films/" + slug + "/.");
  const FilmRecord& record = records.films[static_cast<size_t>(f)];
  auto edits = StoredEdits();
  if (!edits) return Refused(v, 503, edits.error().message);
  const FilmEdit* stored = EditOf(*edits, slug);
  TemplateData view;
  SetFilmFields(view, typed ? *typed
                      : stored && stored->merged_into.empty()
                          ? OverlayFilm(record.film, stored->film)
                          : record.film);
  if (error) {
    view.set("error", error->message);
    if (!error->field.empty()) view.set("invalid_" + error->field, true);
    // What was typed, shown again as it was.
    for (const auto& [field, value] : v.form) {
      if (field.starts_with("film_") && value.size() <= kAdminMaxField) view.set(field, value);
    }
  }
  SetIf(view, "notice", notice);
  view.set("base", AdminFilmUrl(slug));
  view.set("url", PublicFilmUrl(*v.site, slug));
  if (stored && stored->merged_into.empty()) view.set("edited", true);
  if (stored && !stored->merged_into.empty()) {
    view.set("merged_into", stored->merged_into);
    view.set("merged_url", AdminFilmUrl(stored->merged_into));
  }
  kainjow::mustache::list articles;
  for (uint32_t i : record.articles) {
    const Article& a = *films->order[i];
    TemplateData d;
    d.set("title", a.title.empty() ? a.slug : a.title);
    d.set("url", v.site->ArticleUrl(a));
    d.set("edit_url", "/admin/articles/" + std::to_string(a.id) + "/edit/");
    articles.push_back(d);
  }
  view.set("film_articles", articles);
  // Duplicates to merge this record into: records found by its title (or the typed search).
  std::string merge_q = AdminParam(AdminQueryParams(v.ctx.request), "merge_q");
  if (merge_q.empty()) merge_q = record.film.title;
  view.set("merge_q", merge_q);
  kainjow::mustache::list choices;
  for (uint32_t m : FindFilmRecords(records, merge_q, kMergeChoices + 1)) {
    const FilmEdit* other = EditOf(*edits, records.films[m].slug);
    const bool merged = other && !other->merged_into.empty();
    if (static_cast<int>(m) != f && !merged && choices.size() < kMergeChoices) {
      choices.push_back(FilmRow(*v.site, records.films[m], *edits));
    }
  }
  view.set("merge_choices", choices);
  const std::string heading =
      record.film.title + (record.film.year ? " (" + std::to_string(record.film.year) + ")" : "");
  return Render(v, status, "film", heading, view);
}

HttpResponse AdminWeb::FilmGet(Visit& v, const std::string& slug) {
  const std::string saved = AdminParam(AdminQueryParams(v.ctx.request), "saved");
  const std::string notice =
      saved == "1" ? "Saved: the site shows it within a second."
      : saved == "merged"
          ? "Merged: the other record's articles are this film's, its address leads here."
          : "";
  return FilmPage(v, 200, slug, nullptr, notice, nullptr);
}

HttpResponse AdminWeb::FilmSavePost(Visit& v, const std::string& slug) {
  if (RecordBySlug(Films()->records, slug) < 0) {
    return Refused(v, 404, "There is no film record at /films/" + slug + "/.");
  }
  auto film = FilmFromForm(v.form, Film{});
  if (film && !*film) {
    film = Error{ErrorCode::kInvalidInput, "A film record needs a title", {}, 0, "film_title"};
  }
  if (!film) {
    Film typed;
    typed.title = v.Field("film_title");
    return FilmPage(v, 400, slug, &film.error(), "", &typed);
  }
  FilmEdit e;
  e.slug = slug;
  e.film = std::move(**film);
  e.updated = options_.now();
  if (Status s = CheckFilmEdit(e); !s) return FilmPage(v, 400, slug, &s.error(), "", &e.film);
  auto edits = StoredEdits();
  if (!edits) return Refused(v, 503, edits.error().message);
  // A merged record saved is a merge undone: its address is its own again.
  const FilmEdit* merged = EditOf(*edits, slug);
  if (merged && merged->merged_into.empty()) merged = nullptr;
  Status saved;
  {
    std::lock_guard lock(content_mu_);
    saved = !records_ ? Status(AdminRecordsClosed())
            : merged
                ? records_->SeparateFilm(e, PublicFilmUrl(*v.site, slug), merged->merge_repointed)
                : records_->SaveFilmEdit(e);
  }
  if (!saved) return Refused(v, 500, saved.error().message);
  return AdminSeeOther(AdminFilmUrl(slug) + "?saved=1");
}

HttpResponse AdminWeb::FilmMergePost(Visit& v, const std::string& slug) {
  auto films = Films();
  const std::string into = v.Field("into");
  const int from = RecordBySlug(films->records, slug), to = RecordBySlug(films->records, into);
  if (from < 0) return Refused(v, 404, "There is no film record at /films/" + slug + "/.");
  if (to < 0 || to == from) {
    Error e{ErrorCode::kInvalidInput,
            "Choose another film record to merge this one into",
            {},
            0,
            "into"};
    return FilmPage(v, 400, slug, &e, "", nullptr);
  }
  FilmEdit e;
  e.slug = slug;
  e.merged_into = into;
  e.updated = options_.now();
  // The old address leads to the record it was merged into (a 301 from serve, _redirects).
  Status saved;
  {
    std::lock_guard lock(content_mu_);
    saved = records_
                ? records_->MergeFilm(e, PublicFilmUrl(*v.site, slug), PublicFilmUrl(*v.site, into))
                : Status(AdminRecordsClosed());
  }
  if (!saved) return Refused(v, 500, saved.error().message);
  return AdminSeeOther(AdminFilmUrl(into) + "?saved=merged");
}

}  // namespace cinepress
