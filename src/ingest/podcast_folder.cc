#include "ingest/podcast_folder.h"

#include <map>
#include <set>

#include "core/slug.h"
#include "core/text.h"
#include "ingest/front_matter.h"
#include "ingest/media_file.h"
#include "podcast/apple_categories.h"
#include "podcast/audio.h"
#include "podcast/feed.h"
#include "podcast/transcript.h"

namespace cinepress {
namespace {

namespace fs = std::filesystem;

// A file a show or episode names (`key`), in the show's folder and nowhere else.
std::optional<fs::path> FileNamed(Fields& f, const YAML::Node& fm, const char* key,
                                  const fs::path& show_dir) {
  auto name = f.String(fm, key, key);
  if (!name) return std::nullopt;
  const fs::path p(*name);
  std::error_code ec;
  if (p.has_parent_path() || p.is_absolute() || *name == "." || *name == ".." ||
      !fs::is_regular_file(show_dir / p, ec) || fs::is_symlink(show_dir / p, ec)) {
    f.Problem(fm[key], key, "\"" + *name + "\" is not a file in the show's folder");
    return std::nullopt;
  }
  return show_dir / p;
}

std::string RequiredString(Fields& f, const YAML::Node& fm, const char* key,
                           const std::string& why) {
  auto v = f.String(fm, key, key);
  if (!v || Trim(*v).empty()) {
    f.Problem(fm[key] ? f.LineOf(fm[key]) : 2, key, why);
    return "";
  }
  return std::string(Trim(*v));
}

std::string CheckedAccess(Fields& f, const YAML::Node& fm, const std::vector<std::string>& tiers) {
  std::string access = f.Access(fm);
  if (auto unknown = UnknownTier(access, tiers)) {
    f.Problem(fm["access"], "access", "no tier \"" + *unknown + "\" in cinepress.toml's [[tiers]]");
  }
  return access;
}

void ReadArtwork(Fields& f, const YAML::Node& fm, const fs::path& dir, PodcastShow& show,
                 PodcastFolder& out) {
  auto image = FileNamed(f, fm, "image", dir);
  if (!image) {
    if (!fm["image"]) f.Problem(2, "image", "a show needs its artwork (image: cover.jpg)");
    return;
  }
  auto facts = ReadArtworkFacts(*image);
  std::string problem = facts ? ArtworkProblem(*facts) : facts.error().message;
  if (!problem.empty()) {
    f.Problem(fm["image"], "image", problem);
    return;
  }
  const std::string path = "podcasts/" + show.key + "/" + image->filename().string();
  show.image = "/" + path;
  out.media.emplace_back(path, *image);
}

std::optional<PodcastShow> ReadShow(const fs::path& dir, const std::string& key,
                                    const std::vector<std::string>& tiers, PodcastFolder& out,
                                    std::vector<Error>& problems) {
  const std::string rel = "content/podcasts/" + key + "/_index.md";
  const size_t before = problems.size();
  auto file = ReadFrontMatterFile(dir / "_index.md", rel, problems);
  if (!file) return std::nullopt;
  Fields f(rel, 1, problems);
  const YAML::Node& fm = file->fm;
  PodcastShow s;
  s.key = key;
  if (!IsValidSlug(key)) {
    f.Problem(0, "",
              "folder \"" + key + "\" cannot be a show: use lowercase letters, digits and dashes");
  }
  s.title = RequiredString(f, fm, "title", "a show needs a title");
  s.description = RequiredString(f, fm, "description", "a show needs a description");
  s.author = RequiredString(f, fm, "author", "a show needs an author (who makes it)");
  s.hosts = f.List(fm, "hosts", "hosts");
  s.owner_name = f.String(fm, "owner_name", "owner_name").value_or(s.author);
  s.owner_email =
      RequiredString(f, fm, "owner_email", "a show needs its owner's email (Apple writes to it)");
  s.category = RequiredString(f, fm, "category", "a show needs an Apple category");
  s.subcategory = f.String(fm, "subcategory", "subcategory").value_or("");
  if (!s.category.empty()) {
    if (auto problem = AppleCategoryProblem(s.category, s.subcategory)) {
      f.Problem(fm[s.subcategory.empty() ? "category" : "subcategory"],
                s.subcategory.empty() ? "category" : "subcategory", *problem);
    }
  }
  s.language = f.String(fm, "language", "language").value_or("en");
  s.explicit_content = f.Bool(fm, "explicit", "explicit");
  s.type = f.String(fm, "type", "type").value_or("episodic");
  if (s.type != "episodic" && s.type != "serial") {
    f.Problem(fm["type"], "type", "must be episodic or serial");
  }
  s.funding_url = f.String(fm, "funding", "funding").value_or("");
  s.funding_text = f.String(fm, "funding_text", "funding_text").value_or("");
  s.access = CheckedAccess(f, fm, tiers);
  ReadArtwork(f, fm, dir, s, out);
  s.source_path = rel;
  s.source_hash = ContentHash(file->body + YAML::Dump(fm));
  if (problems.size() != before) return std::nullopt;
  return s;
}

std::vector<PodcastChapter> ReadChapters(Fields& f, const YAML::Node& fm) {
  std::vector<PodcastChapter> out;
  YAML::Node list = fm["chapters"];
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) {
    f.Problem(list, "chapters", "must be a list of chapters, each with start and title");
    return out;
  }
  for (const YAML::Node& c : list) {
    if (!c.IsMap()) {
      f.Problem(c, "chapters", "each chapter must be a map with start and title");
      continue;
    }
    PodcastChapter ch;
    const double start = ParseClockTime(f.String(c, "start", "chapters.start").value_or(""));
    ch.title = f.String(c, "title", "chapters.title").value_or("");
    ch.url = f.String(c, "url", "chapters.url").value_or("");
    ch.img = f.String(c, "img", "chapters.img").value_or("");
    if (start < 0) {
      f.Problem(c["start"] ? c["start"] : c, "chapters.start",
                "a chapter needs a start time (90, 1:30 or 1:02:03)");
    } else if (!out.empty() && start <= out.back().start) {
      f.Problem(c["start"], "chapters.start", "chapters must be in order of their start times");
    }
    if (ch.title.empty()) f.Problem(c, "chapters.title", "a chapter needs a title");
    ch.start = start;
    out.push_back(std::move(ch));
  }
  return out;
}

void ReadAudio(Fields& f, const YAML::Node& fm, const fs::path& dir, PodcastEpisode& e,
               PodcastFolder& out) {
  auto audio = FileNamed(f, fm, "audio", dir);
  if (!audio) {
    if (!fm["audio"]) f.Problem(2, "audio", "an episode needs its audio file (audio: first.mp3)");
    return;
  }
  auto facts = ReadAudioFacts(*audio);
  if (!facts) {
    f.Problem(fm["audio"], "audio", facts.error().message);
    return;
  }
  const std::string path = "podcasts/" + e.show + "/" + e.slug + "/" + audio->filename().string();
  e.audio = "/" + path;
  e.audio_mime = facts->mime;
  e.audio_size = facts->size;
  e.duration = (facts->duration_ms + 500) / 1000;
  e.bitrate = facts->bitrate;
  out.media.emplace_back(path, *audio);
}

void ReadTranscriptFile(Fields& f, const YAML::Node& fm, const fs::path& dir, PodcastEpisode& e,
                        PodcastFolder& out) {
  if (!fm["transcript"]) return;
  auto file = FileNamed(f, fm, "transcript", dir);
  if (!file) return;
  const std::string ext = AsciiLower(file->extension().string());
  if (ext != ".vtt" && ext != ".srt") {
    f.Problem(fm["transcript"], "transcript", "a transcript is a WebVTT (.vtt) or SRT (.srt) file");
    return;
  }
  auto text = ReadFile(*file);
  auto cues = text ? ParseTranscript(*text, ext == ".vtt")
                   : Result<std::vector<TranscriptCue>>(text.error());
  if (!cues) {
    f.Problem(fm["transcript"], "transcript",
              file->filename().string() +
                  (cues.error().line ? ":" + std::to_string(cues.error().line) : "") + ": " +
                  cues.error().message);
    return;
  }
  const std::string path = "podcasts/" + e.show + "/" + e.slug + "/" + file->filename().string();
  e.transcript = "/" + path;
  e.transcript_mime = ext == ".vtt" ? "text/vtt" : "application/x-subrip";
  e.transcript_text = TranscriptText(*cues);
  out.media.emplace_back(path, *file);
}

std::optional<PodcastEpisode> ReadEpisode(const fs::path& file, const PodcastShow& show,
                                          const TimeZone& tz, const std::vector<std::string>& tiers,
                                          PodcastFolder& out, std::vector<Error>& problems) {
  const fs::path dir = file.parent_path();
  const std::string rel = "content/podcasts/" + show.key + "/" + file.filename().string();
  const size_t before = problems.size();
  auto parsed = ReadFrontMatterFile(file, rel, problems);
  if (!parsed) return std::nullopt;
  Fields f(rel, 1, problems);
  const YAML::Node& fm = parsed->fm;
  PodcastEpisode e;
  e.show = show.key;
  e.source = file.filename().string();
  e.title = RequiredString(f, fm, "title", "an episode needs a title");
  e.slug = f.String(fm, "slug", "slug").value_or(Slugify(file.stem().string()));
  if (!IsValidSlug(e.slug)) f.Problem(fm["slug"], "slug", "\"" + e.slug + "\" is not a slug");
  if (auto d = f.Date(fm, "date", tz)) {
    e.date = *d;
  } else if (!fm["date"]) {
    f.Problem(2, "date", "an episode needs a date");
  }
  e.summary = f.String(fm, "summary", "summary").value_or("");
  e.draft = f.Bool(fm, "draft", "draft");
  e.guid = f.String(fm, "guid", "guid").value_or("");
  e.episode = f.Int(fm, "episode", "episode", 1, 1000000).value_or(0);
  e.season = f.Int(fm, "season", "season", 1, 100000).value_or(0);
  e.episode_type = f.String(fm, "episode_type", "episode_type").value_or("full");
  if (e.episode_type != "full" && e.episode_type != "trailer" && e.episode_type != "bonus") {
    f.Problem(fm["episode_type"], "episode_type", "must be full, trailer or bonus");
  }
  e.explicit_content = fm["explicit"] ? f.Bool(fm, "explicit", "explicit") : show.explicit_content;
  e.access = CheckedAccess(f, fm, tiers);
  e.chapters = ReadChapters(f, fm);
  e.hosts = fm["hosts"] ? f.List(fm, "hosts", "hosts") : show.hosts;
  e.guests = f.List(fm, "guests", "guests");
  e.films = f.List(fm, "films", "films");
  e.notes_markdown = parsed->body;
  ReadAudio(f, fm, dir, e, out);
  ReadTranscriptFile(f, fm, dir, e, out);
  e.source_hash = ContentHash(parsed->body + YAML::Dump(fm));
  if (problems.size() != before) return std::nullopt;
  return e;
}

}  // namespace

PodcastFolder ReadPodcastFolder(const fs::path& folder, const TimeZone& tz,
                                const std::vector<std::string>& tiers,
                                std::vector<Error>& problems) {
  PodcastFolder out;
  const fs::path root = folder / "content" / "podcasts";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  std::vector<fs::path> show_dirs;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_directory() && !entry.is_symlink()) show_dirs.push_back(entry.path());
  }
  std::sort(show_dirs.begin(), show_dirs.end());
  for (const fs::path& dir : show_dirs) {
    const std::string key = dir.filename().string();
    if (!fs::exists(dir / "_index.md", ec)) {
      problems.push_back(Error{ErrorCode::kInvalidInput,
                               "a show's folder needs an _index.md describing the show",
                               "content/podcasts/" + key, 0, ""});
      continue;
    }
    auto show = ReadShow(dir, key, tiers, out, problems);
    if (!show) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && !entry.is_symlink() && entry.path().extension() == ".md" &&
          entry.path().filename() != "_index.md") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    std::set<std::string> slugs;
    for (const fs::path& file : files) {
      auto e = ReadEpisode(file, *show, tz, tiers, out, problems);
      if (!e) continue;
      if (!slugs.insert(e->slug).second) {
        problems.push_back(Error{ErrorCode::kInvalidInput,
                                 "another episode of the show has the slug \"" + e->slug + "\"",
                                 "content/podcasts/" + key + "/" + e->source, 0, "slug"});
        continue;
      }
      out.episodes.push_back(std::move(*e));
    }
    out.shows.push_back(std::move(*show));
  }
  return out;
}

Result<PodcastWriteCounts> WritePodcasts(ContentStore& store, const PodcastFolder& podcasts,
                                         bool prune) {
  PodcastWriteCounts counts;
  auto shows = store.LoadPodcastShows();
  if (!shows) return shows.error();
  auto episodes = store.LoadPodcastEpisodes();
  if (!episodes) return episodes.error();
  auto media = store.LoadMediaList();
  if (!media) return media.error();
  std::map<std::string, const PodcastShow*> stored_shows;
  for (const PodcastShow& s : *shows) stored_shows[s.key] = &s;
  std::map<std::pair<std::string, std::string>, const PodcastEpisode*> stored_episodes;
  for (const PodcastEpisode& e : *episodes) stored_episodes[{e.show, e.source}] = &e;
  std::map<std::string, std::string> media_hash;
  for (const MediaFile& m : *media) media_hash[m.path] = m.hash;

  for (const PodcastShow& s : podcasts.shows) {
    auto it = stored_shows.find(s.key);
    if (it != stored_shows.end() && *it->second == s) continue;
    if (auto st = store.SavePodcastShow(s); !st) return st.error();
    ++counts.shows;
  }
  for (PodcastEpisode e : podcasts.episodes) {
    auto it = stored_episodes.find({e.show, e.source});
    if (it != stored_episodes.end()) {
      e.guid = it->second->guid;  // fixed at first publication
      if (*it->second == e) continue;
    } else if (e.guid.empty()) {
      e.guid = NewEpisodeGuid();
    }
    if (auto guid = store.SavePodcastEpisode(e); !guid) return guid.error();
    ++counts.episodes;
  }
  for (const auto& [path, file] : podcasts.media) {
    auto it = media_hash.find(path);
    auto stored = StoreMediaFile(store, path, file, it != media_hash.end() ? &it->second : nullptr);
    if (!stored) return stored.error();
    if (stored->change != MediaChange::kUnchanged) ++counts.media;
  }
  if (!prune) return counts;
  std::set<std::string> keys;
  for (const PodcastShow& s : podcasts.shows) keys.insert(s.key);
  std::set<std::pair<std::string, std::string>> sources;
  for (const PodcastEpisode& e : podcasts.episodes) sources.insert({e.show, e.source});
  std::set<std::string> kept_media;
  for (const auto& m : podcasts.media) kept_media.insert(m.first);
  for (const PodcastShow& s : *shows) {
    if (keys.count(s.key)) continue;
    if (auto st = store.DeletePodcastShow(s.key); !st) return st.error();
    ++counts.removed;
  }
  for (const PodcastEpisode& e : *episodes) {
    if (!keys.count(e.show) || sources.count({e.show, e.source})) continue;
    if (auto st = store.DeletePodcastEpisode(e.show, e.source); !st) return st.error();
    ++counts.removed;
  }
  for (const MediaFile& m : *media) {
    if (m.path.rfind("podcasts/", 0) != 0 || kept_media.count(m.path)) continue;
    if (auto st = store.DeleteMedia(m.path); !st) return st.error();
  }
  return counts;
}

}  // namespace cinepress
