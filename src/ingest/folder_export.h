// Exporting the store as a content folder (docs/CONTENT.md, "Export"): the inverse of
// ImportFolder, so that `cinepress import` of the folder into a fresh site makes the same store.
// Contract: plain functions over the store they are given (one thread). ExportFolder reads the
// articles' fields once and their bodies and media one at a time (memory does not grow with the
// store), writes only below `dir`, and never deletes a file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "content/content_store.h"
#include "core/dates.h"
#include "core/result.h"

namespace cinepress {

struct FolderExportOptions {
  // Write into a folder that is not empty: files at the paths the export writes are replaced,
  // every other file is left as it is.
  bool force = false;
};

struct FolderExportReport {
  size_t articles = 0, pages = 0, sections = 0, authors = 0, people = 0, media = 0;
  size_t podcast_shows = 0, podcast_episodes = 0;
  // In data/*.yaml (site_data.h).
  size_t menus = 0, redirects = 0, aliases = 0, terms = 0, media_details = 0;
  // What the export left out (comments: a content folder cannot hold them), one line each, for
  // the user.
  std::vector<std::string> not_exported;
};

// Where an article's file goes, relative to the folder: its source path when that is a content
// file import reads back as this article ("content/reviews/2021/x.md"), else made from its kind,
// section and slug ("content/reviews/x.md", "content/about.md"). An error when section or slug
// is not a slug (the path could leave the folder).
Result<std::string> ExportPathOf(const Article& article);

// One article as a content file: front matter, then its body as stored. `parent_path` is the
// export path of a page's parent page ("" when it has none). Import reads it back as `article`
// (apart from its id, source path and source hash).
std::string ContentFileOf(const Article& article, const TimeZone& tz,
                          const std::string& parent_path);
// A section's _index.md.
std::string SectionFileOf(const Section& section);
// data/authors.yaml and data/people.yaml.
std::string AuthorsYamlOf(const std::vector<Author>& authors);
std::string PeopleYamlOf(const std::vector<PersonProfile>& people);

// `rel` joined to `dir`, refused when it could lead outside: an absolute path, "..", an empty
// component, or an existing symbolic link on the way.
Result<std::filesystem::path> PathInside(const std::filesystem::path& dir, const std::string& rel);
// Writes `bytes` to `rel` below `dir` (PathInside), making its folders; replaces a file there.
Status WriteInside(const std::filesystem::path& dir, const std::string& rel,
                   const std::string& bytes);

// Writes the bytes of the media with this hash, read from the store a chunk at a time, to `rel`
// below `dir` (PathInside), making its folders; replaces a file there.
Status WriteMediaInside(ContentStore& store, const std::filesystem::path& dir,
                        const std::string& rel, const std::string& hash);

// Writes the store into `dir` (made when missing). Errors: `dir` is a file, or is not empty
// without `force`; a path that would leave it; a file that cannot be written; a store failure.
Result<FolderExportReport> ExportFolder(ContentStore& store, const std::filesystem::path& dir,
                                        const TimeZone& tz, const FolderExportOptions& options);

}  // namespace cinepress
