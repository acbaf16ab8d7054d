// The composition root: site folder → config → store → services. Each function is one
// `cinepress` command; the CLI parses arguments and calls exactly one of them.
//
//   site folder   cinepress.toml, content/, cinepress.db (the SQLite store), themes/, public/
//
// Contract: functions print progress and results to `out` and problems to `err`, and return
// an Error only for what stopped the command (its message names the file, line or field).
#pragma once

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "content/content_store.h"
#include "core/result.h"
#include "ingest/markdown_folder.h"
#include "ingest/wordpress.h"
#include "publish/publish.h"
#include "render/theme.h"
#include "store/open_store.h"

namespace cinepress {

struct SiteFolder {
  std::filesystem::path root;
  std::filesystem::path config() const { return root / "cinepress.toml"; }
  std::filesystem::path database() const { return root / "cinepress.db"; }
  std::filesystem::path themes() const { return root / "themes"; }
  std::filesystem::path public_dir() const { return root / "public"; }
};

// How every command opens the site's store: search indexes the text a reader sees (the
// renderer's Markdown- and HTML-to-text), and only if cinepress.toml's [search] enabled says so.
StoreOptions SiteStoreOptions(const SiteConfig& config, bool create = true);
// The same for a caller that has not read the config (a config that cannot be read leaves
// search on: the command that reads the config reports the problem).
StoreOptions SiteStoreOptions(const SiteFolder& site, bool create = true);
// The newsroom's template set (admin/ built into the program), checked.
Result<std::shared_ptr<const Theme>> NewsroomTemplates();
// An error naming the site's store when it does not exist yet (commands that must not make one).
Status RequireStore(const SiteFolder& site, const StoreOptions& options);

// Makes a new site folder with a starter config, content/, the store and the default theme.
Status InitSite(const SiteFolder& site, std::ostream& out);

// Like InitSite, with the built-in demo magazine's config and content, imported into the store.
Status CreateDemoSite(const SiteFolder& site, unsigned threads, std::ostream& out,
                      std::ostream& err);

// Imports a content folder into the site's store. Returns the report (problems included);
// the caller decides the exit status from report.problems and report.written.
Result<ImportReport> ImportIntoSite(const SiteFolder& site, const std::filesystem::path& folder,
                                    ImportOptions options, std::ostream& out, std::ostream& err);

// Imports a WordPress export (WXR) into the site's store and prints the report (as JSON when
// `json`). With options.keep_permalinks, the old site's post address pattern is written into
// cinepress.toml's [permalinks] after a successful import.
Result<WordPressReport> ImportWordPressIntoSite(const SiteFolder& site,
                                                const std::filesystem::path& file,
                                                WordPressOptions options, bool json,
                                                std::ostream& out, std::ostream& err);

struct BuildOptions {
  std::optional<std::filesystem::path> out_dir;  // default: the site's public/
  unsigned threads = 1;
  // Render every output again, even those the previous build's manifest says are unchanged.
  bool full = false;
  // The command line: the site and the output folder's manifests are left for the process's end
  // to free (core/process.h: LeaveToExit), as is the report's manifest by its caller.
  bool leave_to_exit = false;
};
// Builds the site from the store into the output folder: incrementally when the folder holds
// the manifest of a build by this same program (publish/publish.h), else whole.
Result<PublishReport> BuildSite(const SiteFolder& site, const BuildOptions& options,
                                std::ostream& out);

struct ServeOptions {
  std::vector<std::string> listen = {"127.0.0.1:8080"};
  unsigned threads = 1;
  size_t max_connections = 50000;
  std::string access_log = "-";  // a file, "-" for standard output, "off"
  int header_timeout_s = 10;
  int idle_timeout_s = 30;
  size_t cache_mb = 1024;
  bool pin_threads = true;                   // each event loop on a core of its own (ServerOptions)
  bool batch_scheduling = true;              // the loops as SCHED_BATCH work (ServerOptions)
  std::vector<std::string> trusted_proxies;  // whose X-Forwarded-For is believed (ServerOptions)
  size_t max_connections_per_ip = 256;       // (ServerOptions)
  // /metrics on the main listeners answers only clients in these networks (the client as the
  // trusted proxies name it); elsewhere it is the site's 404.
  std::vector<std::string> metrics_allow = {"127.0.0.0/8", "::1"};
  std::string metrics_listen;  // ADDR:PORT of a listener of its own for /metrics ("": none)
};

// Serves the site from its store until SIGINT or SIGTERM, then finishes requests in flight.
Status ServeSite(const SiteFolder& site, const ServeOptions& options, std::ostream& out,
                 std::ostream& err);

// The store as every command opens it: search indexes the text a reader sees (the renderer's
// Markdown and HTML to text), and only if cinepress.toml's [search] enabled says so.
Result<std::unique_ptr<ContentStore>> OpenStore(const SiteFolder& site, bool create = true);

// Load → Assemble: the site map of the site folder as it is now (used by build and serve).
Result<std::shared_ptr<const Site>> LoadSite(const SiteFolder& site, int64_t now);

}  // namespace cinepress
