// What a content folder holds of the store beyond its files of content (docs/CONTENT.md, "Site
// data"): data/menus.yaml (stored menus with their submenus), data/redirects.yaml (old addresses
// kept alive: WordPress's, the newsroom's merges), data/media.yaml (the media library's alt
// text, caption, credit and what it knows of each upload), data/aliases.yaml (articles' old
// addresses), data/terms.yaml (WordPress's categories and tags with their parents) and
// data/film_records.yaml and data/person_records.yaml (the newsroom's records). Written by
// `cinepress export`, read by `cinepress import`. Contract: plain functions. The readers check
// everything and write nothing: every problem names the file, line and field; the writers make text
// with yaml-cpp's emitter that the readers read back as the same values.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "content/content_store.h"
#include "content/model.h"
#include "content/record_edits.h"
#include "core/dates.h"
#include "core/result.h"

namespace cinepress {

// A redirect as a folder has it: its target an article's file (`article`, which import turns
// into the article's id) or a fixed path (`to`).
struct FolderRedirect {
  std::string from;
  std::string article;  // "content/reviews/x.md", or ""
  std::string to;
  int line = 0;  // in data/redirects.yaml, for the problem when `article` is no article
  bool operator==(const FolderRedirect&) const = default;
};

// An article's old address as a folder has it: the article by its file; its old kind, section
// and slug (the address they make follows the permalinks).
struct FolderAlias {
  std::string article;  // "content/reviews/x.md"
  ArticleKind kind = ArticleKind::kArticle;
  std::string section, slug;
  int line = 0;  // in data/aliases.yaml
  bool operator==(const FolderAlias&) const = default;
};

// data/menus.yaml: a map from a menu's slug to {name, role, items: [{name, url, children}]}.
std::string MenusYamlOf(const std::vector<StoredMenu>& menus);
std::vector<StoredMenu> ReadMenusYaml(const std::string& text, const std::string& rel,
                                      std::vector<Error>& problems);

// data/redirects.yaml: a map from an old address ("/?p=12", "/old/path/") to {article: FILE} or
// {to: PATH}.
std::string RedirectsYamlOf(const std::vector<FolderRedirect>& redirects);
std::vector<FolderRedirect> ReadRedirectsYaml(const std::string& text, const std::string& rel,
                                              std::vector<Error>& problems);

// data/media.yaml: a map from a media path ("uploads/2026/12/x.jpg", a file under static/) to
// {alt, caption, credit, uploader, type, width, height, uploaded (a date in `tz`)}.
std::string MediaYamlOf(const std::vector<MediaDetails>& details, const TimeZone& tz);
std::vector<MediaDetails> ReadMediaYaml(const std::string& text, const std::string& rel,
                                        const TimeZone& tz, std::vector<Error>& problems);

// data/aliases.yaml: a map from an article's file to its old addresses, [{kind, section, slug}]
// (kind: page, or left out for an article).
std::string AliasesYamlOf(const std::vector<FolderAlias>& aliases);
std::vector<FolderAlias> ReadAliasesYaml(const std::string& text, const std::string& rel,
                                         std::vector<Error>& problems);

// data/terms.yaml: a map from a taxonomy (category, post_tag…) to a map from a term's slug to
// {name, parent, description}: WordPress's categories as it had them, for `export --wxr`.
std::string TermsYamlOf(const std::vector<Term>& terms);
std::vector<Term> ReadTermsYaml(const std::string& text, const std::string& rel,
                                std::vector<Error>& problems);

// data/film_records.yaml: a map from a film record's slug to the facts the newsroom set (as a
// content file's `film:` has them), `merged_into: SLUG` and `updated` (a date in `tz`). Each
// record is checked as the newsroom checks it (CheckFilmEdit).
std::string FilmRecordsYamlOf(const std::vector<FilmEdit>& films, const TimeZone& tz);
std::vector<FilmEdit> ReadFilmRecordsYaml(const std::string& text, const std::string& rel,
                                          const TimeZone& tz, std::vector<Error>& problems);

// data/person_records.yaml: a map from a person's slug to {sort_name, jobs, wikidata, imdb,
// tmdb, bio, portrait, links, merged_into, updated}, checked as CheckPersonEdit does.
std::string PersonRecordsYamlOf(const std::vector<PersonEdit>& people, const TimeZone& tz);
std::vector<PersonEdit> ReadPersonRecordsYaml(const std::string& text, const std::string& rel,
                                              const TimeZone& tz, std::vector<Error>& problems);

// Both files of a folder, read and checked (absent files: no records).
RecordEdits ReadRecordData(const std::filesystem::path& folder, const TimeZone& tz,
                           std::vector<Error>& problems);
// Saves them as the newsroom does: each replaces the record with its slug; records the files do
// not name are kept (the files are the source of truth for what they hold). How many it saved.
Result<size_t> WriteRecordData(RecordStore& store, const RecordEdits& records);

// The files of a folder, read and checked (absent files: nothing).
struct SiteData {
  std::vector<StoredMenu> menus;
  std::vector<FolderRedirect> redirects;
  std::vector<MediaDetails> media;
  std::vector<FolderAlias> aliases;
  std::vector<Term> terms;
};
// `is_article(rel)`: a content file that is (or will be) an article; `is_media(path)`: a media
// path the store will hold. A redirect to another file, or details of another path, is a problem.
SiteData ReadSiteData(const std::filesystem::path& folder, const TimeZone& tz,
                      const std::function<bool(const std::string&)>& is_article,
                      const std::function<bool(const std::string&)>& is_media,
                      std::vector<Error>& problems);

// Saves them (inside the import's transaction); `id_of(rel)` is the article's id of a content
// file, 0 when it was not imported (skipped as invalid: its redirect is left out with it). How
// many entries it saved.
Result<size_t> WriteSiteData(ContentStore& store, const SiteData& data,
                             const std::function<int64_t(const std::string&)>& id_of);

}  // namespace cinepress
