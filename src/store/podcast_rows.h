// What both store engines keep of a podcast show or episode beside its key columns: the whole
// value as one JSON text column (data), and back. Contract: plain functions, thread-safe.
#pragma once

#include <optional>
#include <string>

#include "content/podcast.h"

namespace cinepress {

std::string PodcastShowData(const PodcastShow& show);
// A stored show's data column; nullopt when it is not what PodcastShowData writes.
std::optional<PodcastShow> ReadPodcastShowData(const std::string& data);

std::string PodcastEpisodeData(const PodcastEpisode& episode);
std::optional<PodcastEpisode> ReadPodcastEpisodeData(const std::string& data);

}  // namespace cinepress
