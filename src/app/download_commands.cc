#include "app/download_commands.h"

#include "downloads/downloads.h"

namespace cinepress {

Status PodcastStats(const SiteFolder& site, const std::string& show, bool csv, std::ostream& out) {
  if (show.find('/') != std::string::npos || show == "." || show == "..") {
    return Error{ErrorCode::kInvalidInput, "not a show's slug: \"" + show + "\"", {}, 0, "--show"};
  }
  auto store = OpenStore(site, false);
  if (!store) return store.error();
  std::vector<MediaDownload> rows;  // public and private feeds' downloads
  for (const std::string& prefix : StoredPrefixesOf(show)) {
    auto some = (*store)->LoadDownloads(prefix);
    if (!some) return some.error();
    rows.insert(rows.end(), some->begin(), some->end());
  }
  out << FormatDownloadStats(CountDownloads(std::move(rows)), csv);
  return {};
}

}  // namespace cinepress
