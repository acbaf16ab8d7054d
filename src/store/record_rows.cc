#include "store/record_rows.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "store/article_rows.h"

namespace cinepress {

using nlohmann::json;

json FilmJson(const Film& f) {
  return {{"title", f.title},         {"original_title", f.original_title},
          {"directors", f.directors}, {"year", f.year},
          {"countries", f.countries}, {"runtime_min", f.runtime_min},
          {"cast", f.cast},           {"languages", f.languages},
          {"language", f.language},   {"wikidata", f.ids.wikidata},
          {"imdb", f.ids.imdb},       {"tmdb", f.ids.tmdb}};
}

Film FilmFromJson(const json& j) {
  Film f;
  f.title = j.value("title", "");
  f.original_title = j.value("original_title", "");
  f.directors = j.value("directors", std::vector<std::string>{});
  f.year = j.value("year", 0);
  f.countries = j.value("countries", std::vector<std::string>{});
  f.runtime_min = j.value("runtime_min", 0);
  f.cast = j.value("cast", std::vector<std::string>{});
  f.languages = j.value("languages", std::vector<std::string>{});
  f.language = j.value("language", "");
  f.ids.wikidata = j.value("wikidata", "");
  f.ids.imdb = j.value("imdb", "");
  f.ids.tmdb = j.value("tmdb", "");
  return f;
}

namespace {

// The strings of the list at `key` (none when absent or not a list; other items skipped).
std::vector<std::string> StringsAt(const json& j, const char* key) {
  std::vector<std::string> out;
  if (auto it = j.find(key); it != j.end() && it->is_array()) {
    for (const json& item : *it) {
      if (item.is_string()) out.push_back(item);
    }
  }
  return out;
}

}  // namespace

std::string FilmEditData(const FilmEdit& e) {
  json j = FilmJson(e.film);
  j["merged_into"] = e.merged_into;
  if (!e.merge_repointed.empty()) j["merge_repointed"] = e.merge_repointed;
  return j.dump();
}

FilmEdit FilmEditFromRow(std::string slug, std::string_view data, int64_t updated) {
  FilmEdit e;
  e.slug = std::move(slug);
  e.updated = updated;
  json j = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return e;
  try {
    e.film = FilmFromJson(j);
    e.merged_into = j.value("merged_into", "");
    e.merge_repointed = StringsAt(j, "merge_repointed");
  } catch (const json::exception&) {
    e.film = Film{};
    e.merged_into.clear();
  }
  return e;
}

std::string PersonEditData(const PersonEdit& e) {
  json j = ProfileJson(e.bio, e.portrait, e.links);
  j["sort_name"] = e.sort_name;
  j["jobs"] = e.jobs;
  j["imdb"] = e.ids.imdb;
  j["wikidata"] = e.ids.wikidata;
  j["tmdb"] = e.ids.tmdb;
  j["merged_into"] = e.merged_into;
  if (!e.merge_repointed.empty()) j["merge_repointed"] = e.merge_repointed;
  return j.dump();
}

PersonEdit PersonEditFromRow(std::string slug, std::string_view data, int64_t updated) {
  PersonEdit e;
  e.slug = std::move(slug);
  e.updated = updated;
  json j = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return e;
  ReadProfileJson(j, e.bio, e.portrait, e.links);
  auto text = [&](const char* key, std::string& out) {
    if (auto it = j.find(key); it != j.end() && it->is_string()) out = *it;
  };
  text("sort_name", e.sort_name);
  text("imdb", e.ids.imdb);
  text("wikidata", e.ids.wikidata);
  text("tmdb", e.ids.tmdb);
  text("merged_into", e.merged_into);
  e.jobs = StringsAt(j, "jobs");
  e.merge_repointed = StringsAt(j, "merge_repointed");
  return e;
}

void AddRepointed(std::vector<std::string>& repointed, std::string from) {
  if (std::find(repointed.begin(), repointed.end(), from) == repointed.end()) {
    repointed.push_back(std::move(from));
  }
}

Status MoveFilmEditsIn(RecordStore& store,
                       const std::vector<std::pair<std::string, std::string>>& moved) {
  auto edits = store.LoadRecordEdits();
  if (!edits) return edits.error();
  const std::vector<FilmEdit>& films = edits->films;
  std::map<std::string, std::string> new_slug(moved.begin(), moved.end());
  std::set<std::string> kept;
  for (const FilmEdit& e : films) kept.insert(e.slug);
  struct {
    std::vector<FilmEdit> saved;
    std::vector<std::string> removed;
  } out;
  for (const FilmEdit& e : films) {
    FilmEdit changed = e;
    auto to = new_slug.find(e.slug);
    if (to != new_slug.end()) {
      out.removed.push_back(e.slug);
      if (kept.count(to->second)) continue;  // the new address has a record of its own
      changed.slug = to->second;
      // What moved it is the articles' title or year: theirs now, the rest the record's.
      changed.film.title.clear();
      changed.film.year = 0;
    }
    if (auto into = new_slug.find(e.merged_into); into != new_slug.end()) {
      changed.merged_into = into->second;
    }
    if (changed != e) out.saved.push_back(std::move(changed));
  }
  std::erase_if(out.removed, [&](const std::string& slug) {
    return std::any_of(out.saved.begin(), out.saved.end(),
                       [&](const FilmEdit& e) { return e.slug == slug; });
  });
  for (const FilmEdit& e : out.saved) {
    if (auto s = store.SaveFilmEdit(e); !s) return s;
  }
  for (const std::string& slug : out.removed) {
    if (auto s = store.DeleteFilmEdit(slug); !s) return s;
  }
  return {};
}

}  // namespace cinepress
