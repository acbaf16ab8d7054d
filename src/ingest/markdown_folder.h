// Importing a Hugo-style content folder (content/, data/authors.yaml, static/) into the store.
// The folder format is documented in docs/CONTENT.md; ../shared/bench/gen_corpus.py writes it.
// Contract: ImportFolder validates every file first and reports every problem at once; it
// writes nothing when there are problems unless skip_invalid is set, and then never removes
// or replaces what was stored for an invalid file. All writes of one run are one transaction.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "content/content_store.h"
#include "core/dates.h"

namespace cinepress {

struct ImportOptions {
  bool prune = false;         // remove stored articles and media whose files are gone
  bool skip_invalid = false;  // import the valid files even when others have problems
  unsigned threads = 1;       // files are read and checked on this many threads
  // The tiers cinepress.toml defines: an `access:` naming another is a problem.
  std::vector<std::string> tiers;
  // Called now and then with (files done, files in all) while files are read.
  std::function<void(size_t, size_t)> progress;
  // Where film pages are (cinepress.toml's permalinks.film): a film whose address changes keeps
  // its old one as a redirect in the store.
  std::string film_permalink = "/films/{slug}/";
  // Overwrite articles edited in the newsroom since they were imported (docs/NEWSROOM.md):
  // without it, a changed file of such an article stops the import, naming the file.
  bool force = false;
  // A cache of the folder's files' sizes, times and hashes (file_stats.h), kept beside the store:
  // a file whose size, time and inode are as the last import read them is not read again.
  // Empty: every file is read.
  std::filesystem::path file_stats;
};

struct ImportReport {
  size_t added = 0, updated = 0, unchanged = 0, removed = 0, skipped = 0;
  size_t media_added = 0, media_updated = 0, media_unchanged = 0, media_removed = 0;
  size_t authors_saved = 0, sections_saved = 0, people_saved = 0;
  size_t podcasts_saved = 0;       // shows and episodes written (new or changed)
  size_t podcasts_removed = 0;     // shows and episodes whose files are gone (with --prune)
  size_t podcast_media_saved = 0;  // their audio, artwork and transcripts, new or changed
  // Film pages whose address changed, {old slug, new slug} (the old one redirects).
  std::vector<std::pair<std::string, std::string>> moved_films;
  size_t site_data_saved = 0;   // menus, redirects, old addresses, terms, media details
  std::vector<Error> problems;  // one per problem, each naming file, line and field
  bool written = false;         // false when problems stopped the run before any write
};

// Problems with the content are in the report; an Error means the run could not happen at all
// (no such folder, the store failed) and nothing was written.
Result<ImportReport> ImportFolder(ContentStore& store, const std::filesystem::path& folder,
                                  const TimeZone& tz, const ImportOptions& options);

// One content file, parsed: the article and its author references as written (ids or names,
// each with its line), resolved against data/authors.yaml by the importer.
struct ParsedContent {
  Article article;
  std::vector<std::pair<std::string, int>> author_refs;
};

// Parses one content file (front matter + Markdown); `rel_path` names it in problems and
// decides its kind, section and default slug. Returns nothing and appends to `problems` when
// the file cannot be imported.
std::optional<ParsedContent> ParseContentFile(std::string_view text, const std::string& rel_path,
                                              const TimeZone& tz, std::vector<Error>& problems);

}  // namespace cinepress
