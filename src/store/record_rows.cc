#include "store/record_rows.h"

#include <nlohmann/json.hpp>

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

std::string FilmEditData(const FilmEdit& e) {
  json j = FilmJson(e.film);
  j["merged_into"] = e.merged_into;
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
  } catch (const json::exception&) {
    e.film = Film{};
    e.merged_into.clear();
  }
  return e;
}

std::string PersonEditData(const PersonEdit& e) {
  json j = ProfileJson(e.bio, e.portrait, e.links);
  j["sort_name"] = e.sort_name;
  return j.dump();
}

PersonEdit PersonEditFromRow(std::string slug, std::string_view data, int64_t updated) {
  PersonEdit e;
  e.slug = std::move(slug);
  e.updated = updated;
  json j = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return e;
  ReadProfileJson(j, e.bio, e.portrait, e.links);
  if (auto it = j.find("sort_name"); it != j.end() && it->is_string()) e.sort_name = *it;
  return e;
}

}  // namespace cinepress
