#include "app/download_commands.h"

#include "downloads/downloads.h"

namespace cinepress {

Status PodcastStats(const SiteFolder& site, const std::string& show, bool csv, std::ostream& out) {
  if (show.find('/') != std::string::npos || show == "." || show == "..") {
    return Error{ErrorCode::kInvalidInput, "not a show's slug: \"" + show + "\"", {}, 0, "--show"};
  }
  auto store = OpenStore(site, false);
  if (!store) return store.error();
  auto rows = (*store)->LoadDownloads(show.empty() ? "/podcasts/" : "/podcasts/" + show + "/");
  if (!rows) return rows.error();
  out << FormatDownloadStats(CountDownloads(std::move(*rows)), csv);
  return {};
}

}  // namespace cinepress
