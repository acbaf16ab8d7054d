// Whole-site tests: declare a small site in strings (config and content files), import it into
// a real SQLite store, build it into memory with the repository's default theme, and look at
// the pages it makes — the way a reader would find them.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "content/content_store.h"
#include "core/result.h"
#include "publish/publish.h"

namespace cinepress::testing {

struct BuiltSite {
  std::map<std::string, std::string> files;  // "reviews/x/index.html" -> bytes
  std::vector<std::string> import_problems;
  std::shared_ptr<const Site> site;

  // The page at a URL path ("/reviews/x/"), or "" when there is none.
  std::string Page(const std::string& url) const;
  bool Has(const std::string& url) const;
  // A connection to the store the site was imported into (kept until the BuiltSite goes).
  Result<std::unique_ptr<ContentStore>> OpenStore() const;
  std::filesystem::path database;
  std::filesystem::path root;        // the site folder (cinepress.toml, the store, src/)
  std::shared_ptr<const void> keep;  // removes the temporary folder when the last copy goes
};

// A built file as a reader's program reads it: gzipped files (*.gz, the search index's
// fragments) unpacked, others as they are. Checks that something is nowhere read this.
std::string FileText(const std::string& path, const std::string& bytes);

// A page's JSON-LD (its first application/ld+json script), parsed; null when there is none.
nlohmann::json JsonLd(const std::string& html);

// `files` holds the content folder ("content/reviews/x.md", "data/authors.yaml"); `config` is
// cinepress.toml. `now` decides what is published.
Result<BuiltSite> BuildFromStrings(const std::string& config,
                                   const std::map<std::string, std::string>& files,
                                   int64_t now = 1893456000 /* 2030-01-01 */);

// The site loaded from its store again and built anew into `site.files` (after a test changed
// the store: comments, say).
Status LoadAndBuild(BuiltSite& site, int64_t now = 1893456000);

// The same site after its writer changed the content folder to `files`: imported again into
// the same store (what the store remembers — aliases, redirects — stays), and built again.
Result<BuiltSite> ImportAgain(const BuiltSite& site,
                              const std::map<std::string, std::string>& files,
                              int64_t now = 1893456000);

}  // namespace cinepress::testing
