// What both store engines keep of a podcast show or episode beside its key columns: the whole
// value as one JSON text column (data), and back; and what an episode gives the search index.
// Contract: plain functions, thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "content/content_store.h"
#include "content/podcast.h"
#include "content/search.h"

namespace cinepress {

std::string PodcastShowData(const PodcastShow& show);
// A stored show's data column; nullopt when it is not what PodcastShowData writes.
std::optional<PodcastShow> ReadPodcastShowData(const std::string& data);

std::string PodcastEpisodeData(const PodcastEpisode& episode);
std::optional<PodcastEpisode> ReadPodcastEpisodeData(const std::string& data);

// Episodes are documents of the search index beside the articles (search_docs.kind 'episode',
// keyed by show and source), with ids from kFirstEpisodeSearchId up: both engines number
// articles from 1, so no article's id can meet an episode's. An episode keeps its id while it
// is indexed (as an article does), and a new one is numbered after every other: the index's
// "most recently stored" order holds for episodes too.
inline constexpr int64_t kFirstEpisodeSearchId = int64_t{1} << 48;
inline constexpr std::string_view kEpisodeSearchKind = "episode";

// What an episode gives the search index, column by column as SearchColumns (title, films,
// people, dek, body, meta), the way the static index has it (site/search_site.cc): its title,
// summary, show notes (`markdown_to_text`), hosts and guests, films and its show's title, and its
// transcript only when everyone may hear it — a restricted episode is found by what its public
// page shows. `show` is nullptr when the store has no such show: then the episode is hidden.
struct EpisodeSearchDoc {
  std::array<std::string, 6> columns;
  bool hidden = false;  // a draft, or of no show: never found
};
EpisodeSearchDoc MakeEpisodeSearchDoc(
    const PodcastEpisode& episode, const PodcastShow* show,
    const std::function<std::string(std::string_view)>& markdown_to_text);

// Indexes again, with `index`, the stored episodes of one show ("" every show's).
Status ReindexEpisodesOf(ContentStore& store, const std::string& show,
                         const std::function<Status(const PodcastEpisode&)>& index);

// The hit for an episode from its stored data column and its show's ("" when none); nullopt
// when the episode's data cannot be read.
std::optional<SearchHit> EpisodeSearchHit(int64_t id, const std::string& show_key,
                                          const std::string& episode_data,
                                          const std::string& show_data);

}  // namespace cinepress
