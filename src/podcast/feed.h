// A show's podcast feed: RSS 2.0 with Apple's `itunes:` tags and the Podcasting 2.0 namespace
// (`podcast:`), written with libxml2's writer (render/xml_writer.h); an episode's chapters as
// the namespace's JSON chapters file; the GUIDs apps know a show and an episode by.
// Contract: pure functions of their input (but NewEpisodeGuid); thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "content/podcast.h"
#include "core/dates.h"

namespace cinepress {

// A person named by a show or an episode, with their page (absolute URL, or "").
struct FeedPerson {
  std::string name, role, url;  // role: "host" or "guest"
};

// One episode as the feed gives it: every URL absolute.
struct FeedEpisode {
  const PodcastEpisode* episode = nullptr;
  std::string page_url, enclosure_url, chapters_url, transcript_url;
  std::string notes_html;  // the show notes as HTML (content:encoded)
  std::vector<FeedPerson> people;
};

struct PodcastFeedInput {
  const PodcastShow* show = nullptr;
  std::string self_url, page_url, image_url, funding_url;
  std::vector<FeedPerson> hosts;
  std::vector<FeedEpisode> episodes;  // newest first
  // A member's private feed: apps are asked not to list it anywhere (itunes:block).
  bool private_feed = false;
};

std::string RenderPodcastFeed(const PodcastFeedInput& input, const TimeZone& zone);

// The episode's chapters in the Podcasting 2.0 JSON chapters format (version 1.2.0).
std::string RenderChaptersJson(const std::vector<PodcastChapter>& chapters);

// podcast:guid: the UUIDv5 of the feed's URL without its scheme and trailing slashes, in the
// namespace's own UUID namespace (ead4c236-bf58-58c6-a2c6-a6b28d128cb6).
std::string PodcastGuid(std::string_view feed_url);
// A new random GUID (UUID version 4) for an episode published for the first time.
std::string NewEpisodeGuid();

}  // namespace cinepress
