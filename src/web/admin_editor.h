// The newsroom's editor form (/admin/articles/new/, /admin/articles/{id}/edit/): an article read
// from the form's fields, every field checked (an error names the field), and an article as the
// form's values. Plain functions, so that tests call them without a server; the pages
// themselves are AdminWeb's (admin_editor.cc), over staff/editing.h.
// Contract: pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "content/model.h"
#include "core/dates.h"
#include "core/result.h"
#include "render/theme.h"
#include "web/form.h"

namespace cinepress {

// What the form may choose from.
struct EditorChoices {
  std::vector<std::string> sections;  // section keys
  std::vector<std::string> writers;   // author ids
  // Who may read a piece (content/access.h's words: public, members, paid and the site's
  // tiers); empty when the site has no members, and the access level is not offered.
  std::vector<std::string> access_levels;
  const TimeZone* tz = nullptr;  // the site's, for `publish_at`
};

// `base` (the stored article, or a new one) with the form's fields: title, slug, section, dek,
// body, writers, categories, tags, festival, film_*, interviewee_*, image_*, access, featured.
// What the form does not carry (a film's ids, an interviewee's bio…) is kept from `base`; an
// empty slug is the stored one, or made from the title for a new piece.
// An error is kInvalidInput with `field` set to the form field's name.
Result<Article> ArticleFromEditorForm(const Form& form, Article base, const EditorChoices& choices);

// The film_* fields (title, original_title, year, directors, countries, runtime, cast — lists
// separated by commas — and imdb, wikidata, tmdb: those the form has) over `base`, each checked
// (CheckFilmEdit's formats); nullopt when every field is empty. The editor's film and the
// newsroom's film record read the same fields.
Result<std::optional<Film>> FilmFromForm(const Form& form, Film base);

// "a, b, c" as its items, each trimmed, none empty (a form's lists: directors, job titles).
std::vector<std::string> ListOf(const std::string& text);

// A film's facts as the film_* fields' values (FilmFromForm's names), for a template.
void SetFilmFields(TemplateData& d, const Film& film);

// `publish_at` (a datetime-local in the site's time zone) as Unix seconds; 0 when empty.
Result<int64_t> PublishAtFromForm(const Form& form, const TimeZone& tz);

// The form's values for an article (the names ArticleFromEditorForm reads), for the template.
TemplateData EditorFields(const Article& article, const TimeZone& tz);

}  // namespace cinepress
