#include "app/app.h"

#include <unistd.h>

#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "bundle/bundle.h"
#include "core/config.h"
#include "core/parallel.h"
#include "core/text.h"
#include "store/open_store.h"

namespace cinepress {
namespace fs = std::filesystem;
namespace {

constexpr const char* kStarterConfig =
    R"(# cinepress.toml: the magazine's settings. See the README for every option.
title = "My Film Magazine"
description = "Independent writing about film."
base_url = "http://127.0.0.1:8080"
language = "en"
timezone = "UTC"
theme = "default"
paginate = 20

[permalinks]
article = "/{section}/{slug}/"
page = "/{slug}/"
category = "/category/{slug}/"
tag = "/tag/{slug}/"
author = "/author/{slug}/"

[[menus.main]]
name = "Reviews"
url = "/reviews/"

[[menus.main]]
name = "Archive"
url = "/archive/"

[[menus.main]]
name = "About"
url = "/about/"

[[menus.footer]]
name = "About"
url = "/about/"
)";

constexpr const char* kStarterAbout = R"(---
title: "About"
date: 2026-01-01
summary: "Who we are and what we write about."
---

This magazine is made with cinepress. Edit `content/about.md` to tell readers who you are,
then run `cinepress import . && cinepress build`.
)";

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

Status RefuseExistingSite(const SiteFolder& site) {
  std::error_code ec;
  if (fs::exists(site.config(), ec)) {
    return Error{ErrorCode::kConflict,
                 "there is already a site here (cinepress.toml exists)",
                 site.config().string(),
                 0,
                 {}};
  }
  return {};
}

Status MakeStoreAndTheme(const SiteFolder& site, std::ostream& out) {
  auto store = OpenSqliteStore(site.database());
  if (!store) return store.error();
  auto theme = ExtractEmbedded("themes/default/", site.themes() / "default", false);
  if (!theme) return theme.error();
  out << "  " << site.database().string() << " (the store)\n"
      << "  " << (site.themes() / "default").string() << "/ (" << *theme << " theme files)\n";
  return {};
}

}  // namespace

Status InitSite(const SiteFolder& site, std::ostream& out) {
  if (auto s = RefuseExistingSite(site); !s) return s;
  if (auto s = WriteFile(site.config(), kStarterConfig); !s) return s;
  if (auto s = WriteFile(site.root / "content" / "about.md", kStarterAbout); !s) return s;
  std::error_code ec;
  fs::create_directories(site.root / "static", ec);
  out << "init: made a new site in " << site.root.string() << "\n"
      << "  " << site.config().string() << "\n"
      << "  " << (site.root / "content").string() << "/\n";
  if (auto s = MakeStoreAndTheme(site, out); !s) return s;
  // The starter About page goes into the store, so that the new site builds whole at once.
  std::ostringstream quiet;
  auto report = ImportIntoSite(site, site.root, ImportOptions{}, quiet, quiet);
  if (!report) return report.error();
  return {};
}

Status CreateDemoSite(const SiteFolder& site, unsigned threads, std::ostream& out,
                      std::ostream& err) {
  if (auto s = RefuseExistingSite(site); !s) return s;
  auto files = ExtractEmbedded("demo/", site.root, false);
  if (!files) return files.error();
  if (*files == 0) return Error{ErrorCode::kInternal, "this cinepress was built without the demo"};
  out << "demo: made the demo magazine in " << site.root.string() << " (" << *files << " files)\n";
  if (auto s = MakeStoreAndTheme(site, out); !s) return s;
  ImportOptions options;
  options.threads = threads;
  auto report = ImportIntoSite(site, site.root, options, out, err);
  if (!report) return report.error();
  if (!report->problems.empty()) {
    return Error{ErrorCode::kInternal, "the built-in demo has problems (see above)"};
  }
  return {};
}

Result<ImportReport> ImportIntoSite(const SiteFolder& site, const fs::path& folder,
                                    ImportOptions options, std::ostream& out, std::ostream& err) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  auto tz = TimeZone::Named(config->timezone);
  if (!tz) return tz.error();
  auto store = OpenSqliteStore(site.database());
  if (!store) return store.error();
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  if (tty && !options.progress) {
    options.progress = [&err](size_t done, size_t total) {
      err << "\rimport: reading files " << done << "/" << total << std::flush;
      if (done == total) err << "\n";
    };
  }
  auto start = std::chrono::steady_clock::now();
  auto report = ImportFolder(**store, folder, *tz, options);
  if (!report) return report.error();
  for (const Error& e : report->problems) err << e.ToString() << "\n";
  if (!report->problems.empty() && !report->written) {
    err << "import: " << report->problems.size()
        << (report->problems.size() == 1 ? " problem" : " problems")
        << "; nothing was written (fix them, or import the valid files with --skip-invalid)\n";
    return report;
  }
  out << "import: " << report->added << " added, " << report->updated << " updated, "
      << report->unchanged << " unchanged, " << report->removed << " removed";
  if (report->skipped) out << ", " << report->skipped << " skipped (invalid)";
  out << "\nimport: media " << report->media_added << " added, " << report->media_updated
      << " updated, " << report->media_unchanged << " unchanged, " << report->media_removed
      << " removed; " << report->authors_saved << " authors and " << report->sections_saved
      << " sections saved; " << std::fixed << std::setprecision(2) << Seconds(start) << " s\n";
  return report;
}

Result<std::shared_ptr<const Site>> LoadSite(const SiteFolder& site, int64_t now) {
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  auto tz = TimeZone::Named(config->timezone);
  if (!tz) return tz.error();
  auto theme = Theme::Load(site.themes() / config->theme, "themes/" + config->theme);
  if (!theme) return theme.error();
  auto store = OpenSqliteStore(site.database());
  if (!store) return store.error();
  auto articles = (*store)->LoadArticles(false);
  if (!articles) return articles.error();
  auto authors = (*store)->LoadAuthors();
  if (!authors) return authors.error();
  auto sections = (*store)->LoadSections();
  if (!sections) return sections.error();
  auto media = (*store)->LoadMediaList();
  if (!media) return media.error();
  return Site::Assemble(std::move(*config), std::move(*tz), std::move(*theme), std::move(*articles),
                        std::move(*authors), std::move(*sections), std::move(*media), now);
}

Result<PublishReport> BuildSite(const SiteFolder& site, const std::optional<fs::path>& out_dir,
                                unsigned threads, std::ostream& out) {
  auto start = std::chrono::steady_clock::now();
  auto loaded = LoadSite(site, NowSeconds());
  if (!loaded) return loaded.error();
  double t_assemble = Seconds(start);
  fs::path target = out_dir.value_or(site.public_dir());
  auto sink = DirectorySink::Create(target);
  if (!sink) return sink.error();
  auto render_start = std::chrono::steady_clock::now();
  fs::path db = site.database();
  auto report = PublishSite(
      *loaded, **sink, [&db] { return OpenSqliteStore(db); }, threads);
  if (!report) return report.error();
  double t_render = Seconds(render_start);
  if (auto s = (*sink)->Commit(); !s) return s.error();
  out << "build: wrote " << report->files << " files (" << report->pages << " pages, "
      << report->feeds << " feeds, " << std::fixed << std::setprecision(1)
      << static_cast<double>(report->bytes) / 1048576.0 << " MiB) to " << target.string()
      << "\nbuild: " << (*loaded)->articles().size() << " articles, " << (*loaded)->pages().size()
      << " pages, " << (*loaded)->lists().size() << " lists; " << std::setprecision(2)
      << Seconds(start) << " s (load and assemble " << t_assemble << " s, render and write "
      << t_render << " s on " << threads << " threads)\n";
  return report;
}

}  // namespace cinepress
