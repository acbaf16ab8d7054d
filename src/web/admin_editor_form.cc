#include <algorithm>
#include <charconv>

#include "content/record_edits.h"
#include "core/slug.h"
#include "core/text.h"
#include "ingest/wp_content.h"
#include "web/admin_editor.h"

namespace cinepress {
namespace {

constexpr size_t kMaxLine = 1000;
constexpr size_t kMaxBody = 4 * 1024 * 1024;

Error FieldError(const std::string& field, const std::string& message) {
  return Error{ErrorCode::kInvalidInput, message, {}, 0, field};
}

// A one-line field, trimmed; an error when it is longer than a line may be or holds a line
// break.
Result<std::string> LineField(const Form& form, const std::string& field,
                              const std::string& label) {
  std::string v(Trim(FormValue(form, field)));
  if (v.size() > kMaxLine) return FieldError(field, label + " is too long (1,000 bytes at most)");
  if (v.find_first_of("\r\n") != std::string::npos) {
    return FieldError(field, label + " must be one line");
  }
  return v;
}

// A whole number in [lo, hi]; 0 when empty.
Result<int> NumberField(const std::string& text, const std::string& field, const std::string& label,
                        int lo, int hi) {
  if (text.empty()) return 0;
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < lo || n > hi) {
    return FieldError(field, label + " must be a whole number from " + std::to_string(lo) + " to " +
                                 std::to_string(hi));
  }
  return n;
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The form's one-line fields, read at once: name -> value (an error names the first bad one).
struct Lines {
  const Form& form;
  Error error;
  bool ok = true;
  std::string operator()(const std::string& field, const std::string& label) {
    if (!ok) return "";
    auto v = LineField(form, field, label);
    if (v) return *v;
    error = v.error();
    ok = false;
    return "";
  }
};

Status ReadFilm(const Form& form, Article& a) {
  auto f = FilmFromForm(form, a.film ? *a.film : Film{});
  if (!f) return f.error();
  a.film = std::move(*f);
  return {};
}

Status ReadImage(Lines& line, Article& a) {
  const std::string src = line("image_src", "The image's address");
  const std::string alt = line("image_alt", "The image's alt text");
  const std::string caption = line("image_caption", "The image's caption");
  if (!line.ok) return line.error;
  if (src.empty()) {
    if (!alt.empty() || !caption.empty()) {
      return FieldError("image_src",
                        "The image's address is missing (its alt text or caption is given)");
    }
    a.image.reset();
    return {};
  }
  if (src[0] != '/' && src.rfind("https://", 0) != 0) {
    return FieldError("image_src",
                      "The image's address must be a path of this site (/media/…) or https://…");
  }
  if (alt.empty()) {
    return FieldError("image_alt",
                      "The image needs alt text: describe it for readers who cannot see it");
  }
  a.image = Image{src, alt, caption};
  return {};
}

}  // namespace

std::vector<std::string> ListOf(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item(Trim(std::string_view(text).substr(start, end - start)));
    if (!item.empty()) out.push_back(std::move(item));
    start = end + 1;
  }
  return out;
}

Result<std::optional<Film>> FilmFromForm(const Form& form, Film base) {
  Lines line{form, {}};
  const std::string title = line("film_title", "The film's title");
  const std::string original = line("film_original_title", "The film's original title");
  const std::string year = line("film_year", "The film's year");
  const std::string directors = line("film_directors", "The film's directors");
  const std::string countries = line("film_countries", "The film's countries");
  const std::string runtime = line("film_runtime", "The film's running time");
  const std::string cast = line("film_cast", "The film's cast");
  // The ids, where the form has them (a form without them keeps `base`'s).
  const std::pair<const char*, std::string*> ids[] = {{"film_imdb", &base.ids.imdb},
                                                      {"film_wikidata", &base.ids.wikidata},
                                                      {"film_tmdb", &base.ids.tmdb}};
  std::string any_id;
  for (const auto& [field, id] : ids) {
    if (!form.count(field)) continue;
    *id = line(field, "The film's id");
    any_id += *id;
  }
  if (!line.ok) return line.error;
  if (title.empty()) {
    if (!(original + year + directors + countries + runtime + cast + any_id).empty()) {
      return FieldError("film_title", "The film's title is missing (its facts are given)");
    }
    return std::optional<Film>();
  }
  Film f = std::move(base);
  f.title = title;
  f.original_title = original;
  auto y = NumberField(year, "film_year", "The film's year", 1870, 2100);
  if (!y) return y.error();
  f.year = *y;
  auto r = NumberField(runtime, "film_runtime", "The film's running time (minutes)", 1, 1000);
  if (!r) return r.error();
  f.runtime_min = *r;
  f.directors = ListOf(directors);
  f.countries = ListOf(countries);
  f.cast = ListOf(cast);
  // Checked as a newsroom record is; an id the form does not carry is the stored one's affair.
  FilmEdit check;
  check.film = f;
  if (!form.count("film_imdb")) check.film.ids.imdb.clear();
  if (!form.count("film_wikidata")) check.film.ids.wikidata.clear();
  if (!form.count("film_tmdb")) check.film.ids.tmdb.clear();
  if (Status s = CheckFilmEdit(check); !s) {
    Error e = s.error();
    e.field = "film_" + e.field;
    return e;
  }
  return std::optional<Film>(std::move(f));
}

Result<Article> ArticleFromEditorForm(const Form& form, Article a, const EditorChoices& choices) {
  Lines line{form, {}, true};
  a.title = line("title", "The title");
  std::string slug = line("slug", "The slug");
  const std::string section = line("section", "The section");
  a.dek = line("dek", "The dek");
  const std::string categories = line("categories", "The categories");
  const std::string tags = line("tags", "The tags");
  a.festival = line("festival", "The festival");
  const std::string interviewee = line("interviewee_name", "The interviewee's name");
  const std::string job = line("interviewee_job_title", "The interviewee's job title");
  const std::string access = line("access", "The access level");
  if (!line.ok) return line.error;
  if (a.title.empty()) return FieldError("title", "The title is missing");
  if (slug.empty()) slug = a.slug.empty() ? Slugify(a.title) : a.slug;  // a stored one stays
  if (!IsValidSlug(slug)) {
    return FieldError("slug", "The slug may hold only lower-case letters, digits and hyphens");
  }
  a.slug = slug;
  if (a.kind == ArticleKind::kArticle) {
    if (!Contains(choices.sections, section)) return FieldError("section", "Choose a section");
    a.section = section;
  }
  // An imported WordPress body is HTML the importer sanitized (ingest/wp_content.h): it stays
  // HTML, and an edited one is made safe by the importer's own rules before it is kept, so a
  // typed <script> is never served. Unchanged, it is kept as it was, byte for byte.
  if (a.body_format == BodyFormat::kHtml && FormValue(form, "body") != a.body_markdown) {
    a.body_markdown = SanitizeEditedBody(FormValue(form, "body"));
  } else {
    a.body_markdown = FormValue(form, "body");
  }
  if (a.body_markdown.size() > kMaxBody) return FieldError("body", "The body is longer than 4 MB");
  a.word_count = CountWords(a.body_markdown);
  a.author_ids.clear();
  for (auto [it, end] = form.equal_range("writers"); it != end; ++it) {
    if (!Contains(choices.writers, it->second)) {
      return FieldError("writers",
                        "No writer \"" + it->second + "\" (add them to data/authors.yaml)");
    }
    if (!Contains(a.author_ids, it->second)) a.author_ids.push_back(it->second);
  }
  a.categories = ListOf(categories);
  a.tags = ListOf(tags);
  if (auto s = ReadFilm(line.form, a); !s) return s.error();
  if (interviewee.empty()) {
    if (!job.empty()) return FieldError("interviewee_name", "The interviewee's name is missing");
    a.interviewee.reset();
  } else {
    if (!a.interviewee) a.interviewee = Interviewee{};
    a.interviewee->name = interviewee;
    a.interviewee->job_title = job;
  }
  if (auto s = ReadImage(line, a); !s) return s.error();
  if (!access.empty() && choices.access_levels.empty()) {
    return FieldError("access", "The site has no members: every piece is public");
  }
  if (!access.empty() && !Contains(choices.access_levels, access)) {
    return FieldError("access", "Unknown access level \"" + access + "\"");
  }
  a.access = access;
  a.featured = !FormValue(form, "featured").empty();
  return a;
}

Result<int64_t> PublishAtFromForm(const Form& form, const TimeZone& tz) {
  const std::string text(Trim(FormValue(form, "publish_at")));
  if (text.empty()) return int64_t{0};
  auto t = text.size() <= 40 ? tz.Parse(text) : std::nullopt;
  if (!t) return FieldError("publish_at", "The time to publish is not a date and time");
  return *t;
}

void SetFilmFields(TemplateData& d, const Film& f) {
  d.set("film_title", f.title);
  d.set("film_original_title", f.original_title);
  d.set("film_year", f.year ? std::to_string(f.year) : "");
  d.set("film_directors", Join(f.directors));
  d.set("film_countries", Join(f.countries));
  d.set("film_runtime", f.runtime_min ? std::to_string(f.runtime_min) : "");
  d.set("film_cast", Join(f.cast));
  d.set("film_imdb", f.ids.imdb);
  d.set("film_wikidata", f.ids.wikidata);
  d.set("film_tmdb", f.ids.tmdb);
}

TemplateData EditorFields(const Article& a, const TimeZone& tz) {
  TemplateData d;
  d.set("title", a.title);
  d.set("slug", a.slug);
  d.set("dek", a.dek);
  d.set("body", a.body_markdown);
  d.set("categories", Join(a.categories));
  d.set("tags", Join(a.tags));
  d.set("festival", a.festival);
  if (a.film) SetFilmFields(d, *a.film);
  if (a.interviewee) {
    d.set("interviewee_name", a.interviewee->name);
    d.set("interviewee_job_title", a.interviewee->job_title);
  }
  if (a.image) {
    d.set("image_src", a.image->src);
    d.set("image_alt", a.image->alt);
    d.set("image_caption", a.image->caption);
  }
  if (a.featured) d.set("featured", true);
  // datetime-local's shape: the local date and time, to the second.
  if (!a.draft && a.date > 0) d.set("publish_at", tz.Iso(a.date).substr(0, 19));
  return d;
}

}  // namespace cinepress
