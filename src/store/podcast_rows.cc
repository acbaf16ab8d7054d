#include "store/podcast_rows.h"

#include <nlohmann/json.hpp>

namespace cinepress {

// Missing members keep their defaults, so that a field added later reads old rows.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PodcastShow, key, title, description, author, hosts,
                                                owner_name, owner_email, category, subcategory,
                                                language, explicit_content, type, image,
                                                funding_url, funding_text, access, source_path,
                                                source_hash)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PodcastChapter, start, title, url, img)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PodcastEpisode, show, source, guid, slug, title,
                                                summary, date, draft, episode, season, episode_type,
                                                explicit_content, access, audio, audio_mime,
                                                audio_size, duration, bitrate, chapters, transcript,
                                                transcript_mime, transcript_text, hosts, guests,
                                                films, notes_markdown, source_hash)

namespace {

template <class T>
std::optional<T> Read(const std::string& data) {
  nlohmann::json j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    return j.get<T>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string PodcastShowData(const PodcastShow& show) { return nlohmann::json(show).dump(); }
std::optional<PodcastShow> ReadPodcastShowData(const std::string& data) {
  return Read<PodcastShow>(data);
}
std::string PodcastEpisodeData(const PodcastEpisode& episode) {
  return nlohmann::json(episode).dump();
}
std::optional<PodcastEpisode> ReadPodcastEpisodeData(const std::string& data) {
  return Read<PodcastEpisode>(data);
}

}  // namespace cinepress
