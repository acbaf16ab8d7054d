// What both store engines keep in the same shape: an article's metadata as one JSON column,
// menus and lists as JSON, and what an article gives the search index, column by column.
// Contract: plain functions, thread-safe.
#pragma once

#include <array>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/content_store.h"
#include "content/model.h"
#include "content/search.h"

namespace cinepress {

// Replaces C0 control characters but tab and newline with spaces in indexed text.
std::string CleanIndexedText(std::string_view text);

// A list of strings as a JSON array in a text column (labels, networks, domains), and back
// (what is not an array of strings reads as empty).
std::string ToJsonList(const std::vector<std::string>& list);
std::vector<std::string> FromJsonList(const std::string& text);

// A person's bio, portrait and links (PersonProfile, Interviewee) as one JSON object, and back
// (what is missing or of the wrong shape is left empty).
nlohmann::json ProfileJson(const std::string& bio, const std::optional<Image>& portrait,
                           const std::vector<WebLink>& links);
void ReadProfileJson(const nlohmann::json& p, std::string& bio, std::optional<Image>& portrait,
                     std::vector<WebLink>& links);

// The `meta` column: authors, categories, tags, image, film, interviewee and the rest.
nlohmann::json ToMeta(const Article& a);
// Reads the `meta` column into `a` (throws nlohmann::json::exception on a wrong type).
void FromMeta(const nlohmann::json& m, Article& a);
// Reads metas[i], a `meta` column's text, into articles[i] on every core (a whole archive's
// load: the JSON is most of its time); what the first that cannot be read says, naming its
// article ("article 12: bad meta"), or nothing.
std::optional<std::string> ReadMetas(std::vector<Article>& articles,
                                     const std::vector<std::string>& metas);
// The title of the film a `meta` column describes, or "".
std::string FilmTitleOfMeta(std::string_view meta);

// A whole article (its columns, meta and body) as one JSON text, as a revision keeps it, and
// back (what is missing reads as empty; an unreadable text is an error naming the revision).
std::string ArticleToRevisionData(const Article& a);
Result<Article> ArticleFromRevisionData(std::string_view data, int64_t revision_id);

nlohmann::json MenuToJson(const std::vector<MenuItem>& items);
std::vector<MenuItem> MenuFromJson(const nlohmann::json& j);

// The body and dek as the text search indexes (ContentStore::PrepareSearchText).
SearchText MakeSearchText(const Article& a,
                          const std::function<std::string(std::string_view)>& markdown_to_text,
                          const std::function<std::string(std::string_view)>& html_to_text);

// What an article gives the search index, column by column: title, films, people, dek, body,
// meta. The body and dek text come from MakeSearchText, already cleaned.
inline constexpr double kSearchColumnWeights[] = {12.0, 10.0, 4.0, 2.0, 1.0, 2.0};
std::array<std::string, 6> SearchColumns(const Article& a, const std::string& body_text,
                                         const std::string& dek_text,
                                         const std::vector<std::string>& author_names);

// Indexes again the articles of one writer (whose name changed) with `index`, given the text the
// index already holds for each.
Status ReindexArticlesOf(ContentStore& store, const std::string& author_id,
                         const std::function<Status(const Article&, const SearchText&)>& index);

}  // namespace cinepress
