#include "app/export_commands.h"

#include <chrono>
#include <fstream>
#include <iomanip>
#include <optional>
#include <ostream>

#include "core/dates.h"
#include "ingest/folder_export.h"
#include "ingest/site_data.h"
#include "ingest/wxr_export.h"
#include "shop/products.h"
#include "store/open_record_store.h"
#include "store/open_store.h"
#include "workshops/workshops.h"

namespace cinepress {
namespace fs = std::filesystem;
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What both exports read: the site's config, its time zone and its store (which must exist).
struct SiteToExport {
  SiteConfig config;
  std::optional<TimeZone> tz;
  std::unique_ptr<ContentStore> store;
};

Result<SiteToExport> OpenSiteToExport(const SiteFolder& site) {
  SiteToExport out;
  auto config = LoadSiteConfig(site.config());
  if (!config) return config.error();
  out.config = std::move(*config);
  auto tz = TimeZone::Named(out.config.timezone);
  if (!tz) return tz.error();
  out.tz = std::move(*tz);
  auto store = OpenStore(site, false);
  if (!store) return store.error();
  out.store = std::move(*store);
  return out;
}

// The newsroom's records (site_data.h: data/film_records.yaml, data/person_records.yaml), each
// file written only when the store has some; how many records.
Result<size_t> ExportRecords(const SiteFolder& site, const SiteToExport& from,
                             const fs::path& dir) {
  auto store = OpenRecordStore(site.database(), SiteStoreOptions(from.config, false));
  if (!store) return store.error();
  auto records = (*store)->LoadRecordEdits();
  if (!records) return records.error();
  if (!records->films.empty()) {
    if (auto st =
            WriteInside(dir, "data/film_records.yaml", FilmRecordsYamlOf(records->films, *from.tz));
        !st) {
      return st.error();
    }
  }
  if (!records->people.empty()) {
    if (auto st = WriteInside(dir, "data/person_records.yaml",
                              PersonRecordsYamlOf(records->people, *from.tz));
        !st) {
      return st.error();
    }
  }
  return records->films.size() + records->people.size();
}

}  // namespace

Status ExportSiteFolder(const SiteFolder& site, const fs::path& dir, bool force,
                        std::ostream& out) {
  auto start = std::chrono::steady_clock::now();
  auto from = OpenSiteToExport(site);
  if (!from) return from.error();
  auto report = ExportFolder(*from->store, dir, *from->tz, FolderExportOptions{force});
  if (!report) return report.error();
  // The shop's products live in a store of their own (src/shop), beside the content.
  auto shop = OpenShopStore(site.database(), SiteStoreOptions(from->config, false));
  if (!shop) return shop.error();
  auto products = ExportProducts(**shop, *from->store, dir);
  if (!products) return products.error();
  auto workshop_store = OpenWorkshopStore(site.database(), SiteStoreOptions(from->config, false));
  if (!workshop_store) return workshop_store.error();
  auto workshops = ExportWorkshops(**workshop_store, *from->store, dir, *from->tz);
  if (!workshops) return workshops.error();
  if (workshops->materials_left_out > 0) {
    report->not_exported.push_back(
        std::to_string(workshops->materials_left_out) +
        " workshop materials (not in the store: import the workshops again)");
  }
  auto records = ExportRecords(site, *from, dir);
  if (!records) return records.error();
  out << "export: " << report->articles << " articles, " << report->pages << " pages, "
      << report->sections << " sections, " << report->authors << " authors, " << report->people
      << " people, " << report->media << " media files, " << report->podcast_shows
      << " podcast shows, " << report->podcast_episodes << " episodes, " << *products
      << " products, " << workshops->workshops << " workshops, " << report->menus << " menus, "
      << report->redirects << " redirects, " << report->aliases << " old addresses, "
      << report->terms << " terms, " << *records << " film and person records and the details of "
      << report->media_details << " media files written to " << dir.string() << "; " << std::fixed
      << std::setprecision(2) << SecondsSince(start) << " s\n";
  for (const std::string& what : report->not_exported) {
    out << "export: left out: " << what << "\n";
  }
  return {};
}

Status ExportSiteWxr(const SiteFolder& site, const fs::path& file, std::ostream& out) {
  auto start = std::chrono::steady_clock::now();
  auto from = OpenSiteToExport(site);
  if (!from) return from.error();
  WxrExportOptions options;
  options.title = from->config.title;
  options.description = from->config.description;
  options.language = from->config.language;
  options.base_url = from->config.base_url;
  options.now = NowSeconds();
  // Written beside the file and renamed over it: a failed export leaves no half file behind.
  fs::path partial = file;
  partial += ".partial";
  std::ofstream stream(partial, std::ios::binary | std::ios::trunc);
  if (!stream) return Error{ErrorCode::kIo, "cannot write the file", partial.string(), 0, {}};
  auto report = ExportWxr(*from->store, stream, *from->tz, options);
  stream.close();
  std::error_code ec;
  if (!report || !stream) {
    fs::remove(partial, ec);
    if (!report) return report.error();
    return Error{ErrorCode::kIo, "cannot write the file", partial.string(), 0, {}};
  }
  fs::rename(partial, file, ec);
  if (ec) return Error{ErrorCode::kIo, "cannot write the file: " + ec.message(), file.string()};
  out << "export: " << report->posts << " posts, " << report->pages << " pages, "
      << report->attachments << " lead images, " << report->comments << " comments, "
      << report->authors << " authors, " << report->categories << " categories and " << report->tags
      << " tags written to " << file.string() << " (WXR 1.2); " << std::fixed
      << std::setprecision(2) << SecondsSince(start) << " s\n";
  return {};
}

}  // namespace cinepress
