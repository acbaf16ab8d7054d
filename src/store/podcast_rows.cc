#include "store/podcast_rows.h"

#include <nlohmann/json.hpp>

#include "content/access.h"
#include "core/text.h"
#include "store/article_rows.h"

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

EpisodeSearchDoc MakeEpisodeSearchDoc(
    const PodcastEpisode& e, const PodcastShow* show,
    const std::function<std::string(std::string_view)>& markdown_to_text) {
  EpisodeSearchDoc doc;
  SearchFields f = SearchFieldsOf(e, show ? show->title : "");
  auto lines = [](const std::vector<std::string>& v) { return CleanIndexedText(Join(v, "\n")); };
  std::string body = markdown_to_text ? markdown_to_text(e.notes_markdown) : e.notes_markdown;
  // Without its show, who may hear it is not known: its transcript is left out.
  const bool everyone = show && !EpisodeAccessRule(e, show->access).restricted();
  if (everyone && !e.transcript_text.empty()) body += "\n" + e.transcript_text;
  doc.columns = {CleanIndexedText(e.title),   lines(f.films),         lines(f.people),
                 CleanIndexedText(e.summary), CleanIndexedText(body), lines(f.meta)};
  doc.hidden = e.draft || !show;
  return doc;
}

Status ReindexEpisodesOf(ContentStore& store, const std::string& show,
                         const std::function<Status(const PodcastEpisode&)>& index) {
  auto episodes = store.LoadPodcastEpisodes();
  if (!episodes) return episodes.error();
  for (const PodcastEpisode& e : *episodes) {
    if (!show.empty() && e.show != show) continue;
    if (auto s = index(e); !s) return s;
  }
  return {};
}

std::optional<SearchHit> EpisodeSearchHit(int64_t id, const std::string& show_key,
                                          const std::string& episode_data,
                                          const std::string& show_data) {
  auto e = ReadPodcastEpisodeData(episode_data);
  if (!e) return std::nullopt;
  SearchHit h;
  h.article_id = id;
  h.show = show_key;
  h.slug = e->slug;
  h.title = e->title;
  h.date = e->date;
  h.season = e->season;
  h.episode = e->episode;
  if (auto show = ReadPodcastShowData(show_data)) h.show_title = show->title;
  return h;
}

}  // namespace cinepress
