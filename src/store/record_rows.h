// The newsroom's records as both engines keep them: the facts as one JSON text (`data`) beside
// the slug, and an article's film as the same JSON (article_rows.cc's `meta`).
// Contract: plain functions, thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "content/record_edits.h"

namespace cinepress {

// A film's facts as JSON, and back (throws nlohmann::json::exception on a wrong type).
nlohmann::json FilmJson(const Film& f);
Film FilmFromJson(const nlohmann::json& j);

// A record's `data` column, and a record from its row (an unreadable `data` reads as an empty
// record: the articles' facts stand).
std::string FilmEditData(const FilmEdit& e);
FilmEdit FilmEditFromRow(std::string slug, std::string_view data, int64_t updated);
std::string PersonEditData(const PersonEdit& e);
PersonEdit PersonEditFromRow(std::string slug, std::string_view data, int64_t updated);

// Adds `from` to a merge's merge_repointed unless it is there already.
void AddRepointed(std::vector<std::string>& repointed, std::string from);

// RecordStore::MoveFilmEdits's writes, the same on both engines (each calls it in its
// transaction): the records saved (moved to their new slug without the title and year, which the
// articles now give; or pointing their merge at a moved record), then the old slugs removed.
Status MoveFilmEditsIn(RecordStore& store,
                       const std::vector<std::pair<std::string, std::string>>& moved);

}  // namespace cinepress
