// Podcasts in the magazine's words: a show (content/podcasts/{show}/_index.md) and its episodes
// (the other content files of that folder), as the store keeps them. Plain values.
//
//   show      a podcast: its artwork, owner, Apple category, who hosts it, who may hear it
//   episode   one recording of a show: its audio file (facts read from the file at import),
//             show notes, chapters, transcript, the people and films it is about
//   GUID      an episode's identity for podcast apps: fixed the first time it is stored and never
//             changed again (a new slug or file keeps it), so no app downloads an episode twice
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cinepress {

struct PodcastShow {
  std::string key;  // the folder name: /podcasts/{key}/
  std::string title;
  std::string description;  // plain text (feeds and pages)
  std::string author;
  std::vector<std::string> hosts;  // people, by name (their pages: /people/{slug}/)
  std::string owner_name, owner_email;
  std::string category, subcategory;  // Apple's (podcast/apple_categories.h)
  std::string language = "en";
  bool explicit_content = false;
  std::string type = "episodic";  // or "serial"
  std::string image;              // the artwork's media path: "/podcasts/{key}/cover.jpg"
  std::string funding_url, funding_text;
  std::string access;  // "" public, else the tiers that may hear it (as an article's access:)
  std::string source_path, source_hash;
  bool operator==(const PodcastShow&) const = default;
};

struct PodcastChapter {
  double start = 0;  // seconds from the start
  std::string title, url, img;
  bool operator==(const PodcastChapter&) const = default;
};

struct PodcastEpisode {
  std::string show;    // the show's key
  std::string source;  // the episode's file, relative to the show's folder: "ep-1.md"
  std::string guid;    // kept by the store: see SavePodcastEpisode
  std::string slug, title, summary;
  int64_t date = 0;  // Unix seconds
  bool draft = false;
  int episode = 0, season = 0;        // 0: none
  std::string episode_type = "full";  // full, trailer, bonus
  bool explicit_content = false;
  std::string access;  // "" the show's; else tiers
  // The audio, as read from the file itself at import (never from front matter).
  std::string audio;       // media path: "/podcasts/{show}/{slug}/{file}"
  std::string audio_mime;  // audio/mpeg, audio/mp4, audio/ogg
  int64_t audio_size = 0;  // bytes
  int64_t duration = 0;    // whole seconds
  int bitrate = 0;         // kbit/s
  std::vector<PodcastChapter> chapters;
  std::string transcript;                  // media path of the WebVTT or SRT file ("" none)
  std::string transcript_mime;             // text/vtt or application/x-subrip
  std::string transcript_text;             // its words, cue by cue, for the page and search
  std::vector<std::string> hosts, guests;  // people, by name
  std::vector<std::string> films;          // "Title (2021)", as an article's `films:`
  std::string notes_markdown;              // show notes: the file's body
  std::string source_hash;
  bool operator==(const PodcastEpisode&) const = default;
};

}  // namespace cinepress
