// The newsroom's person records (AdminWeb's, declared in admin_web.h): /admin/people/, every
// person the site has a page for (directors, cast, interviewees), searched by name; a person's
// page: the sort name that files them in every index ("Trier, Lars von"), bio, portrait (from
// the media library), links, job titles and ids (IMDb, Wikidata, TMDb), saved as the newsroom's
// record (PersonEdit), which wins over data/people.yaml and the articles; and the merge of a
// duplicate into another person (the articles then name the other; the duplicate's address
// redirects there). Editors and admins.
#include <algorithm>

#include "content/record_edits.h"
#include "core/config.h"
#include "core/text.h"
#include "web/admin_editor.h"
#include "web/admin_visit.h"

namespace cinepress {
namespace {

constexpr std::string_view kPeoplePrefix = "/admin/people/";
constexpr size_t kPeopleShown = 100;
constexpr size_t kMergeChoices = 10;

std::string AdminPersonUrl(const std::string& slug) {
  return std::string(kPeoplePrefix) + slug + "/";
}

std::string PublicPersonUrl(const Site& site, const std::string& slug) {
  return ExpandPermalink(site.config().permalinks.person, {{"slug", slug}});
}

int PersonBySlug(const FilmRecords& records, const std::string& slug) {
  for (size_t p = 0; p < records.people.size(); ++p) {
    if (records.people[p].slug == slug) return static_cast<int>(p);
  }
  return -1;
}

// "Name https://address" per line, and back.
std::vector<WebLink> LinksOf(std::string_view text) {
  std::vector<WebLink> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(start, end - start));
    start = end + 1;
    if (line.empty()) continue;
    const size_t space = line.find_last_of(" \t");
    if (space == std::string_view::npos) {
      out.push_back(WebLink{"", std::string(line)});
    } else {
      out.push_back(
          WebLink{std::string(Trim(line.substr(0, space))), std::string(line.substr(space + 1))});
    }
  }
  return out;
}

std::string LinesOf(const std::vector<WebLink>& links) {
  std::string out;
  for (const WebLink& l : links) out += l.name + " " + l.url + "\n";
  return out;
}

// A profile's links without those its ids make (the form has fields of their own for them).
std::vector<WebLink> LinksBesideIds(std::vector<WebLink> links, const ExternalIds& ids) {
  const std::vector<WebLink> of_ids = PersonIdLinks(ids);
  std::erase_if(links, [&](const WebLink& l) {
    return std::find(of_ids.begin(), of_ids.end(), l) != of_ids.end();
  });
  return links;
}

// The form's fields as a record (unchecked: CheckPersonEdit does that).
PersonEdit PersonFromForm(const Form& form, const std::string& slug) {
  PersonEdit e;
  e.slug = slug;
  e.sort_name = std::string(Trim(FormValue(form, "sort_name")));
  e.bio = std::string(Trim(FormValue(form, "bio")));
  if (std::string src(Trim(FormValue(form, "portrait"))); !src.empty()) {
    e.portrait = Image{src, std::string(Trim(FormValue(form, "portrait_alt"))), ""};
  }
  e.links = LinksOf(FormValue(form, "links"));
  e.jobs = ListOf(FormValue(form, "jobs"));
  e.ids.imdb = std::string(Trim(FormValue(form, "imdb")));
  e.ids.wikidata = std::string(Trim(FormValue(form, "wikidata")));
  e.ids.tmdb = std::string(Trim(FormValue(form, "tmdb")));
  return e;
}

}  // namespace

Result<std::optional<PersonEdit>> AdminWeb::StoredPersonEdit(const std::string& slug) {
  auto edits = StoredEdits();
  if (!edits) return edits.error();
  for (PersonEdit& e : edits->people) {
    if (e.slug == slug) return std::optional<PersonEdit>(std::move(e));
  }
  return std::optional<PersonEdit>();
}

const std::vector<AdminWeb::SubRoute>& AdminWeb::PersonRoutes() {
  static const std::vector<SubRoute> kRoutes = {
      {"GET", "", &AdminWeb::PersonGet},
      {"POST", "save", &AdminWeb::PersonSavePost},
      {"POST", "merge", &AdminWeb::PersonMergePost},
      {"POST", "separate", &AdminWeb::PersonSeparatePost},
  };
  return kRoutes;
}

HttpResponse AdminWeb::PersonDispatch(Visit& v) {
  return SubDispatch(v, kPeoplePrefix, PersonRoutes());
}

HttpResponse AdminWeb::PeopleGet(Visit& v) {
  const std::string q = AdminParam(AdminQueryParams(v.ctx.request), "q");
  const FilmRecords& records = v.site->records();
  kainjow::mustache::list rows;
  for (uint32_t p : FindPersonRecords(records, q, kPeopleShown)) {
    const PersonRecord& r = records.people[p];
    TemplateData d;
    d.set("name", r.name.display);
    d.set("sort_text", r.name.sort_text);
    SetIf(d, "jobs", Join(r.jobs));
    d.set("edit_url", AdminPersonUrl(r.slug));
    rows.push_back(d);
  }
  TemplateData view;
  view.set("has_rows", !rows.empty());
  view.set("rows", rows);
  SetIf(view, "q", q);
  view.set("total", std::to_string(records.people.size()));
  if (rows.size() == kPeopleShown) view.set("more", true);
  return Render(v, 200, "people", "People", view);
}

HttpResponse AdminWeb::PersonPage(Visit& v, int status, const std::string& slug, const Error* error,
                                  const std::string& notice, const PersonEdit* typed) {
  const FilmRecords& records = v.site->records();
  const int p = PersonBySlug(records, slug);
  if (p < 0) return Refused(v, 404, "There is no person at /people/" + slug + "/.");
  const PersonRecord& record = records.people[static_cast<size_t>(p)];
  auto stored = StoredPersonEdit(slug);
  if (!stored) return Refused(v, 503, stored.error().message);
  // What the form shows: what was typed, else the stored record, else what the site shows.
  const PersonProfile& profile = v.site->profile(static_cast<size_t>(p));
  PersonEdit shown = typed ? *typed : stored->value_or(PersonEdit{});
  if (!typed) {
    if (shown.bio.empty()) shown.bio = profile.bio;
    if (!shown.portrait) shown.portrait = profile.portrait;
    if (shown.links.empty()) shown.links = LinksBesideIds(profile.links, shown.ids);
  }
  TemplateData view;
  if (error) {
    view.set("error", error->message);
    if (!error->field.empty()) view.set("invalid_" + error->field, true);
  }
  SetIf(view, "notice", notice);
  view.set("base", AdminPersonUrl(slug));
  view.set("url", v.site->PersonUrl(static_cast<size_t>(p)));
  view.set("derived_sort", ParsePersonName(record.name.display).sort_text);
  view.set("sort_name", shown.sort_name);
  SetIf(view, "jobs", Join(record.jobs));
  view.set("bio", shown.bio);
  view.set("links", LinesOf(shown.links));
  view.set("jobs_set", Join(shown.jobs));
  view.set("imdb", shown.ids.imdb);
  view.set("wikidata", shown.ids.wikidata);
  view.set("tmdb", shown.ids.tmdb);
  const std::string portrait = shown.portrait ? shown.portrait->src : "";
  view.set("portrait_alt", shown.portrait ? shown.portrait->alt : "");
  SetIf(view, "portrait_other", portrait);
  view.set("library", LibraryChoices(v, portrait));
  if (*stored) view.set("edited", true);
  // Duplicates to merge this person into: people found by their family name (or the search).
  std::string merge_q = AdminParam(AdminQueryParams(v.ctx.request), "merge_q");
  if (merge_q.empty())
    merge_q = record.name.family.empty() ? record.name.display : record.name.family;
  view.set("merge_q", merge_q);
  kainjow::mustache::list choices;
  for (uint32_t m : FindPersonRecords(records, merge_q, kMergeChoices + 1)) {
    if (static_cast<int>(m) == p || choices.size() == kMergeChoices) continue;
    TemplateData d;
    d.set("name", records.people[m].name.display);
    d.set("slug", records.people[m].slug);
    SetIf(d, "choice_jobs", Join(records.people[m].jobs));
    choices.push_back(d);
  }
  view.set("merge_choices", choices);
  // The people merged into this one, each to be separated again.
  auto edits = StoredEdits();
  if (!edits) return Refused(v, 503, edits.error().message);
  kainjow::mustache::list merged;
  for (const PersonEdit& e : edits->people) {
    if (e.merged_into != slug) continue;
    TemplateData d;
    d.set("slug", e.slug);
    d.set("separate_url", AdminPersonUrl(e.slug) + "separate/");
    merged.push_back(d);
  }
  view.set("has_merged", !merged.empty());
  view.set("merged", merged);
  return Render(v, status, "person", record.name.display, view);
}

HttpResponse AdminWeb::PersonGet(Visit& v, const std::string& slug) {
  const std::string saved = AdminParam(AdminQueryParams(v.ctx.request), "saved");
  const std::string notice =
      saved == "1" ? "Saved: the site shows it within a second."
      : saved == "merged"
          ? "Merged: the other person's articles name this one, their address leads here."
      : saved == "separated"
          ? "Separated: their articles name them again, and their page is theirs again within "
            "a second."
          : "";
  return PersonPage(v, 200, slug, nullptr, notice, nullptr);
}

HttpResponse AdminWeb::PersonSavePost(Visit& v, const std::string& slug) {
  if (PersonBySlug(v.site->records(), slug) < 0) {
    return Refused(v, 404, "There is no person at /people/" + slug + "/.");
  }
  PersonEdit e = PersonFromForm(v.form, slug);
  e.updated = options_.now();
  if (Status s = CheckPersonEdit(e); !s) return PersonPage(v, 400, slug, &s.error(), "", &e);
  auto stored = StoredPersonEdit(slug);
  if (!stored) return Refused(v, 503, stored.error().message);
  // A field the newsroom has not set, sent back as the site showed it (from data/people.yaml
  // or the articles), stays theirs: a later change in the file still shows.
  const int p = PersonBySlug(v.site->records(), slug);
  const PersonProfile& profile = v.site->profile(static_cast<size_t>(p));
  const PersonEdit before = stored->value_or(PersonEdit{});
  if (before.bio.empty() && e.bio == profile.bio) e.bio.clear();
  if (!before.portrait && e.portrait == profile.portrait) e.portrait.reset();
  if (before.links.empty() && e.links == LinksBesideIds(profile.links, before.ids)) e.links.clear();
  Status saved;
  {
    std::lock_guard lock(content_mu_);
    saved = records_ ? records_->SavePersonEdit(e) : Status(AdminRecordsClosed());
  }
  if (!saved) return Refused(v, 500, saved.error().message);
  return AdminSeeOther(AdminPersonUrl(slug) + "?saved=1");
}

HttpResponse AdminWeb::PersonMergePost(Visit& v, const std::string& slug) {
  const FilmRecords& records = v.site->records();
  const std::string into = v.Field("into");
  const int from = PersonBySlug(records, slug), to = PersonBySlug(records, into);
  if (from < 0) return Refused(v, 404, "There is no person at /people/" + slug + "/.");
  if (to < 0 || to == from) {
    Error e{
        ErrorCode::kInvalidInput, "Choose another person to merge this one into", {}, 0, "into"};
    return PersonPage(v, 400, slug, &e, "", nullptr);
  }
  auto stored = StoredPersonEdit(slug);
  if (!stored) return Refused(v, 503, stored.error().message);
  PersonEdit e = stored->value_or(PersonEdit{});
  e.slug = slug;
  e.merged_into = into;
  e.updated = options_.now();
  // The old address leads to the person kept (a 301 from serve, _redirects), as a film's merge.
  Status saved;
  {
    std::lock_guard lock(content_mu_);
    saved = records_ ? records_->MergePerson(e, PublicPersonUrl(*v.site, slug),
                                             PublicPersonUrl(*v.site, into))
                     : Status(AdminRecordsClosed());
  }
  if (!saved) return Refused(v, 500, saved.error().message);
  return AdminSeeOther(AdminPersonUrl(into) + "?saved=merged");
}

// Undoes a merge: the person at `slug` (merged into another) is named by their articles again,
// their page is theirs again, and the redirects the merge led on lead to it again.
HttpResponse AdminWeb::PersonSeparatePost(Visit& v, const std::string& slug) {
  auto stored = StoredPersonEdit(slug);
  if (!stored) return Refused(v, 503, stored.error().message);
  if (!*stored || (*stored)->merged_into.empty()) {
    return Refused(v, 404, "No person at /people/" + slug + "/ is merged into another.");
  }
  const PersonEdit merged = **stored;
  PersonEdit apart = merged;
  apart.merged_into.clear();
  apart.merge_repointed.clear();
  apart.updated = options_.now();
  Status saved;
  {
    std::lock_guard lock(content_mu_);
    saved = records_ ? records_->SeparatePerson(apart, PublicPersonUrl(*v.site, slug),
                                                merged.merge_repointed)
                     : Status(AdminRecordsClosed());
  }
  if (!saved) return Refused(v, 500, saved.error().message);
  return AdminSeeOther(AdminPersonUrl(merged.merged_into) + "?saved=separated");
}

}  // namespace cinepress
