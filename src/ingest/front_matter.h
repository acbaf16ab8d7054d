// Front matter, for every kind of content file the importer reads (articles, pages, podcast
// shows and episodes): the YAML split from the body and parsed, and typed fields read out of it
// with one problem per bad field naming the file, the line and the field.
// Contract: plain functions and a reader over one file; not shared between threads.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/access.h"
#include "content/model.h"
#include "core/dates.h"
#include "core/result.h"
#include "core/text.h"

namespace cinepress {

// Reads typed fields out of a YAML map, recording one problem per bad field with its line.
class Fields {
 public:
  Fields(const std::string& file, int line_offset, std::vector<Error>& problems)
      : file_(file), offset_(line_offset), problems_(problems) {}

  int LineOf(const YAML::Node& n) const {
    auto m = n.Mark();
    return m.line >= 0 ? m.line + 1 + offset_ : offset_;
  }
  void Problem(int line, const std::string& field, const std::string& message) {
    problems_.push_back(Error{ErrorCode::kInvalidInput, message, file_, line, field});
  }
  void Problem(const YAML::Node& n, const std::string& field, const std::string& message) {
    Problem(LineOf(n), field, message);
  }
  // The line of `key` itself in `map` (for problems about a field missing inside its value).
  int KeyLine(const YAML::Node& map, const char* key) const {
    for (const auto& kv : map) {
      if (kv.first.IsScalar() && kv.first.Scalar() == key) return LineOf(kv.first);
    }
    return LineOf(map);
  }

  std::optional<std::string> String(const YAML::Node& map, const char* key,
                                    const std::string& path) {
    YAML::Node n = map[key];
    if (!n || n.IsNull()) return std::nullopt;
    if (!n.IsScalar()) {
      Problem(n, path, "must be text");
      return std::nullopt;
    }
    const std::string& v = n.Scalar();
    if (!IsValidUtf8(v)) {
      Problem(n, path, "is not valid UTF-8");
      return std::nullopt;
    }
    return v;
  }

  // An image `{src, alt, caption}` at `key` of `map`; src and alt text are required.
  std::optional<Image> ImageAt(const YAML::Node& map, const char* key, const std::string& path) {
    YAML::Node img = map[key];
    if (!img || img.IsNull()) return std::nullopt;
    if (!img.IsMap()) {
      Problem(img, path, "must be a map with src, alt and caption");
      return std::nullopt;
    }
    Image image;
    image.src = String(img, "src", path + ".src").value_or("");
    image.alt = std::string(Trim(String(img, "alt", path + ".alt").value_or("")));
    image.caption = String(img, "caption", path + ".caption").value_or("");
    if (image.src.empty()) Problem(KeyLine(map, key), path + ".src", "an image needs a src");
    if (image.alt.empty()) {
      Problem(img["alt"] ? LineOf(img["alt"]) : KeyLine(map, key), path + ".alt",
              "an image needs alt text describing it for readers who cannot see it");
    }
    return image;
  }

  // Links `[{name, url}]` at `key`: each with a name, and an http(s) URL or a path of the site.
  std::vector<WebLink> Links(const YAML::Node& map, const char* key, const std::string& path) {
    std::vector<WebLink> out;
    YAML::Node n = map[key];
    if (!n || n.IsNull()) return out;
    if (!n.IsSequence()) {
      Problem(n, path, "must be a list of links, each with name and url");
      return out;
    }
    for (const YAML::Node& item : n) {
      if (!item.IsMap()) {
        Problem(item, path, "each link must be a map with name and url");
        continue;
      }
      WebLink link{String(item, "name", path + ".name").value_or(""),
                   String(item, "url", path + ".url").value_or("")};
      const std::string& u = link.url;
      if (link.name.empty()) Problem(item, path + ".name", "a link needs a name");
      if (u.rfind("https://", 0) != 0 && u.rfind("http://", 0) != 0 &&
          (u.empty() || u[0] != '/' || u.rfind("//", 0) == 0)) {
        Problem(item["url"] ? item["url"] : item, path + ".url",
                "a link needs a url starting with https://, http:// or / (a page of this site)");
      } else if (!link.name.empty()) {
        out.push_back(std::move(link));
      }
    }
    return out;
  }

  // A film's facts from `map` (title, original_title, language, directors or director, year,
  // country or countries, languages, runtime_min, cast, and wikidata, imdb and tmdb at the top or
  // under `ids:`), each problem named `path`.field. Nothing is required here.
  Film FilmFacts(const YAML::Node& map, const std::string& path) {
    Film fl;
    fl.title = String(map, "title", path + ".title").value_or("");
    fl.original_title = String(map, "original_title", path + ".original_title").value_or("");
    fl.directors = List(map, "directors", path + ".directors");
    if (fl.directors.empty()) fl.directors = List(map, "director", path + ".director");
    fl.year = Int(map, "year", path + ".year", 1870, 2200).value_or(0);
    fl.countries = List(map, "country", path + ".country");
    if (fl.countries.empty()) fl.countries = List(map, "countries", path + ".countries");
    fl.runtime_min = Int(map, "runtime_min", path + ".runtime_min", 1, 100000).value_or(0);
    fl.cast = List(map, "cast", path + ".cast");
    fl.languages = List(map, "languages", path + ".languages");
    fl.language = String(map, "language", path + ".language").value_or("");
    fl.ids = Ids(map, path);
    return fl;
  }

  // wikidata, imdb and tmdb at the top of `map` or under `ids:`.
  ExternalIds Ids(const YAML::Node& map, const std::string& path) {
    YAML::Node ids = map["ids"] && map["ids"].IsMap() ? map["ids"] : map;
    const std::string ids_path = map["ids"] ? path + ".ids." : path + ".";
    return ExternalIds{String(ids, "wikidata", ids_path + "wikidata").value_or(""),
                       String(ids, "imdb", ids_path + "imdb").value_or(""),
                       String(ids, "tmdb", ids_path + "tmdb").value_or("")};
  }

  // `access:` — public, members, paid, or a list of tier slugs — in its stored form ("" when
  // absent: the section's default).
  std::string Access(const YAML::Node& map) {
    std::vector<std::string> words = List(map, "access", "access");
    if (words.empty()) return "";
    auto rule = AccessRule::Parse(Join(words, ","));
    if (!rule) {
      Problem(map["access"], "access", rule.error().message);
      return "";
    }
    return rule->ToString();
  }

  // A list of text values; a single value is taken as a list of one.
  std::vector<std::string> List(const YAML::Node& map, const char* key, const std::string& path) {
    std::vector<std::string> out;
    YAML::Node n = map[key];
    if (!n || n.IsNull()) return out;
    if (n.IsScalar()) {
      if (!n.Scalar().empty()) out.push_back(n.Scalar());
    } else if (n.IsSequence()) {
      for (const YAML::Node& item : n) {
        if (!item.IsScalar()) {
          Problem(item, path, "must be a list of text values");
          return {};
        }
        if (!IsValidUtf8(item.Scalar())) {
          Problem(item, path, "is not valid UTF-8");
          return {};
        }
        std::string v(Trim(item.Scalar()));
        if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
      }
    } else {
      Problem(n, path, "must be a list");
    }
    return out;
  }

  std::optional<int> Int(const YAML::Node& map, const char* key, const std::string& path, int lo,
                         int hi) {
    YAML::Node n = map[key];
    if (!n || n.IsNull()) return std::nullopt;
    int v = 0;
    if (!n.IsScalar() || !YAML::convert<int>::decode(n, v) || v < lo || v > hi) {
      Problem(n, path,
              "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
      return std::nullopt;
    }
    return v;
  }

  bool Bool(const YAML::Node& map, const char* key, const std::string& path) {
    YAML::Node n = map[key];
    if (!n || n.IsNull()) return false;
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
      Problem(n, path, "must be true or false");
      return false;
    }
    return v;
  }

  std::optional<int64_t> Date(const YAML::Node& map, const char* key, const TimeZone& tz) {
    auto text = String(map, key, key);
    if (!text) return std::nullopt;
    auto t = tz.Parse(*text);
    if (!t) {
      Problem(map[key], key,
              "\"" + *text + "\" is not a date (use 2021-10-06 or 2021-10-06T05:00:34+00:00)");
    }
    return t;
  }

 private:
  const std::string& file_;
  int offset_;
  std::vector<Error>& problems_;
};

// Splits "---\nYAML\n---\nbody" into its parts.
bool SplitFrontMatter(std::string_view text, std::string_view& yaml, std::string_view& body);

// The first tier an `access:` value names that cinepress.toml does not define (the value
// itself when it cannot be read), or nullopt.
std::optional<std::string> UnknownTier(const std::string& access,
                                       const std::vector<std::string>& tiers);

// Parses YAML; a problem names the line of the file (`line_offset`: lines before the YAML).
std::optional<YAML::Node> LoadYaml(std::string_view text, const std::string& file, int line_offset,
                                   std::vector<Error>& problems);

// One content file (a podcast's show or episode, a product of the shop), its front matter parsed.
struct FrontMatterFile {
  std::string rel;  // "content/podcasts/close-up/first.md"
  YAML::Node fm;
  std::string body;
};

// The Markdown files (*.md, regular files, not links) directly in `dir`, sorted; none when it
// is not a folder.
std::vector<std::filesystem::path> MarkdownFilesIn(const std::filesystem::path& dir);

// A file's name that a download is saved under and a URL ends with: letters, digits, ".", "-"
// and "_", not starting with "." (no folder, no hidden file).
bool IsPlainFileName(std::string_view name);

// Three letters: an ISO 4217 currency code as a content file may write it (any case).
bool IsCurrencyCode(std::string_view code);

// Reads `path` (named `rel` in problems): its front matter must be a YAML map.
std::optional<FrontMatterFile> ReadFrontMatterFile(const std::filesystem::path& path,
                                                   const std::string& rel,
                                                   std::vector<Error>& problems);

}  // namespace cinepress
