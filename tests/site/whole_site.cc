#include "whole_site.h"

#include <unistd.h>

#include <atomic>
#include <fstream>

#include "core/text.h"
#include "ingest/markdown_folder.h"
#include "store/open_store.h"

namespace cinepress::testing {
namespace fs = std::filesystem;

std::string BuiltSite::Page(const std::string& url) const {
  std::string path = url.substr(1);
  if (path.empty() || path.back() == '/') path += "index.html";
  auto it = files.find(path);
  return it == files.end() ? "" : it->second;
}

bool BuiltSite::Has(const std::string& url) const { return !Page(url).empty(); }

Result<std::unique_ptr<ContentStore>> BuiltSite::OpenStore() const {
  return OpenSqliteStore(database, false);
}

Result<BuiltSite> BuildFromStrings(const std::string& config_text,
                                   const std::map<std::string, std::string>& files, int64_t now) {
  static std::atomic<int> counter{0};
  fs::path dir = fs::temp_directory_path() /
                 ("cinepress-site-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  for (const auto& [rel, text] : files) {
    if (auto s = WriteFile(dir / "src" / rel, text); !s) return s.error();
  }
  fs::create_directories(dir / "src" / "content");
  auto cleanup = [&] { fs::remove_all(dir); };

  auto config = ParseSiteConfig(config_text, "cinepress.toml");
  if (!config) return cleanup(), config.error();
  auto tz = TimeZone::Named(config->timezone);
  const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
  fs::path theme_dir = fs::path(src ? src : ".") / "themes" / "default";
  auto theme = Theme::Load(theme_dir, "themes/default");
  if (!theme) return cleanup(), theme.error();
  auto store = OpenSqliteStore(dir / "site.db");
  if (!store) return cleanup(), store.error();
  ImportOptions options{false, true, 2, {}, {}};
  for (const TierConfig& t : config->tiers) options.tiers.push_back(t.slug);
  auto report = ImportFolder(**store, dir / "src", *tz, options);
  if (!report) return cleanup(), report.error();
  BuiltSite out;
  for (const Error& e : report->problems) out.import_problems.push_back(e.ToString());

  auto site =
      Site::Assemble(*config, *tz, *theme, *(*store)->LoadArticles(false), *(*store)->LoadAuthors(),
                     *(*store)->LoadSections(), *(*store)->LoadMediaList(), now);
  if (!site) return cleanup(), site.error();
  MemorySink sink;
  fs::path db = dir / "site.db";
  auto published = PublishSite(
      *site, sink, [&db] { return OpenSqliteStore(db); }, 2);
  if (!published) return cleanup(), published.error();
  out.files = sink.files();
  out.site = *site;
  out.database = db;
  out.keep = std::shared_ptr<const void>(nullptr, [dir](const void*) { fs::remove_all(dir); });
  return out;
}

}  // namespace cinepress::testing
