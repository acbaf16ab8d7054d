// The commands that keep a site safe: `cinepress backup FILE`, `cinepress restore FILE` and
// `cinepress check` (the store's integrity, media referenced but missing, media stored but unused).
// Contract: as app.h — progress to `out`, problems to `err`, an Error for what stopped the
// command. Backup and check are safe while `serve` runs; so is restore (one write transaction).
#pragma once

#include <filesystem>
#include <iosfwd>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "content/model.h"

namespace cinepress {

// A consistent copy of the site's store in FILE (one file; replaced whole if it exists).
Status BackupSite(const SiteFolder& site, const std::filesystem::path& file, std::ostream& out);

// Puts FILE (a backup) in the place of the site's store, after checking that it is a sound
// cinepress store no newer than this program; the store it replaces is kept beside it as
// cinepress.db.before-restore-YYYYMMDDTHHMMSSZ (named in the output).
Status RestoreSite(const SiteFolder& site, const std::filesystem::path& file, std::ostream& out);

// `cinepress store copy --from A --to B`: the magazine from one store to another, each a
// PostgreSQL URL or a SQLite file's path (store/store_copy.h): one transaction on the target,
// verified table by table; a target that already holds the same rows is left alone. The
// target's search index is made again before it returns.
Status CopyStores(const std::string& from, const std::string& to, std::ostream& out);

// The local media paths a text refers to ("/images/x.jpg" in Markdown, HTML or front matter, and
// the site's own absolute URLs when `base_url` is given), without the leading slash and
// percent-decoded: "images/x.jpg". Only names with a media file's extension count.
std::set<std::string> MediaReferences(std::string_view text, std::string_view base_url = {});

struct MediaProblems {
  std::vector<std::pair<std::string, std::string>> missing;  // (article's source or slug, path)
  std::vector<std::string> unused;                           // stored paths nothing refers to
};
// Media referenced by an article (its image, body, dek) but not stored, and media stored but
// referred to by nothing: no article, and none of `other_texts` (the config, authors' bios).
MediaProblems FindMediaProblems(const std::vector<Article>& articles,
                                const std::vector<MediaFile>& media,
                                const std::vector<std::string>& other_texts,
                                std::string_view base_url);

// Checks the site's store (SQLite's integrity and foreign keys) and its media; prints each problem
// to `out` and returns how many there are (0: clean).
Result<size_t> CheckSite(const SiteFolder& site, std::ostream& out);

}  // namespace cinepress
