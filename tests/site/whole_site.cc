#include "whole_site.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <regex>
#include <sstream>

#include "app/app.h"
#include "core/gzip.h"
#include "core/text.h"
#include "store/open_store.h"

namespace cinepress::testing {
namespace fs = std::filesystem;

std::string BuiltSite::Page(const std::string& url) const {
  auto it = files.find(OutputPathOf(url));
  return it == files.end() ? "" : it->second;
}

std::string FileText(const std::string& path, const std::string& bytes) {
  if (path.size() < 3 || path.compare(path.size() - 3, 3, ".gz") != 0) return bytes;
  auto text = Gunzip(bytes);
  EXPECT_TRUE(text) << path << " is not gzip";
  return text.value_or("");
}

bool BuiltSite::Has(const std::string& url) const { return !Page(url).empty(); }

Result<std::unique_ptr<ContentStore>> BuiltSite::OpenStore() const {
  return OpenContentStore(database, {.create = false});
}

namespace {

// Imports the site folder's src/ into its store (valid files even beside invalid ones), loads
// it with the app's own functions and publishes it into `out.files`.
Status ImportAndBuild(BuiltSite& out, int64_t now) {
  const SiteFolder site{out.root};
  std::ostringstream quiet;
  auto report =
      ImportIntoSite(site, out.root / "src", ImportOptions{false, true, 2, {}}, quiet, quiet);
  if (!report) return report.error();
  for (const Error& e : report->problems) out.import_problems.push_back(e.ToString());
  return LoadAndBuild(out, now);
}

}  // namespace

Status LoadAndBuild(BuiltSite& out, int64_t now) {
  const SiteFolder site{out.root};
  auto loaded = LoadSite(site, now);
  if (!loaded) return loaded.error();
  MemorySink sink;
  const StoreOptions options = SiteStoreOptions((*loaded)->config(), false);
  auto published = PublishSite(
      *loaded, sink, [&] { return OpenContentStore(site.database(), options); }, 2);
  if (!published) return published.error();
  out.files = sink.files();
  out.site = *loaded;
  out.database = site.database();
  return {};
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

  // A site folder as `cinepress init` makes one, with the repository's default theme, loaded
  // and built by the app's own functions: what they read from the store (aliases, redirects,
  // stored menus) is in every whole-site test.
  const SiteFolder site{dir};
  if (auto s = WriteFile(site.config(), config_text); !s) return cleanup(), s.error();
  const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
  std::error_code ec;
  fs::create_directories(site.themes(), ec);
  fs::create_directory_symlink(fs::absolute(fs::path(src ? src : ".") / "themes" / "default"),
                               site.themes() / "default", ec);
  if (ec) return cleanup(), Error{ErrorCode::kIo, ec.message(), site.themes().string()};
  BuiltSite out;
  out.root = dir;
  out.keep = std::shared_ptr<const void>(nullptr, [dir](const void*) { fs::remove_all(dir); });
  if (auto s = ImportAndBuild(out, now); !s) return s.error();
  return out;
}

Result<BuiltSite> ImportAgain(const BuiltSite& before,
                              const std::map<std::string, std::string>& files, int64_t now) {
  BuiltSite out;
  out.root = before.root;
  out.keep = before.keep;
  std::error_code ec;
  fs::remove_all(out.root / "src", ec);
  for (const auto& [rel, text] : files) {
    if (auto s = WriteFile(out.root / "src" / rel, text); !s) return s.error();
  }
  fs::create_directories(out.root / "src" / "content");
  if (auto s = ImportAndBuild(out, now); !s) return s.error();
  return out;
}

nlohmann::json JsonLd(const std::string& html) {
  std::smatch m;
  static const std::regex script("<script type=\"application/ld\\+json\">([^<]*)</script>");
  if (!std::regex_search(html, m, script)) return nullptr;
  return nlohmann::json::parse(m[1].str(), nullptr, false);
}

}  // namespace cinepress::testing
