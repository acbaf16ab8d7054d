// Importing podcasts from the content folder: content/podcasts/{show}/_index.md is a show, the
// other .md files of that folder its episodes, beside their audio, artwork and transcripts.
// Every fact apps are told about the audio is read from the audio file (podcast/audio.h),
// never from front matter. docs/PODCASTS.md describes the files.
// Contract: ReadPodcastFolder checks everything and writes nothing; WritePodcasts writes what it
// read inside the caller's transaction. Plain functions; one thread.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "content/content_store.h"
#include "core/dates.h"

namespace cinepress {

struct PodcastFolder {
  std::vector<PodcastShow> shows;
  std::vector<PodcastEpisode> episodes;  // guid: the front matter's `guid:`, else ""
  // Files the store keeps as media: store path ("podcasts/close-up/first/first.mp3") and file.
  std::vector<std::pair<std::string, std::filesystem::path>> media;
};

// Reads content/podcasts/ under `folder` (nothing when there is none); every problem is
// appended to `problems` naming the file, line and field, and the show or episode is left out.
PodcastFolder ReadPodcastFolder(const std::filesystem::path& folder, const TimeZone& tz,
                                const std::vector<std::string>& tiers,
                                std::vector<Error>& problems);

struct PodcastWriteCounts {
  size_t shows = 0, episodes = 0, removed = 0, media = 0;
};

// Saves the shows, the episodes (a new one gets a new GUID unless its front matter pins one;
// a stored one keeps its GUID) and the media that changed; with `prune`, removes the stored
// shows and episodes whose files are gone (their media go with the other pruned media).
Result<PodcastWriteCounts> WritePodcasts(ContentStore& store, const PodcastFolder& podcasts,
                                         bool prune);

}  // namespace cinepress
