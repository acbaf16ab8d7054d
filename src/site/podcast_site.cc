// Podcasts on the site: /podcasts/, a page and a feed per show, a page and a chapters file per
// episode, "Discussed on…" on film and person pages. What is published: episodes not drafts
// and dated now or before; who may hear one: its own `access:`, else its show's — but a show's
// trailers are public, so that a premium show's public feed and page hold its trailers only.
// The audio and transcript of a restricted episode are never published as media: its
// listeners get them through their private feed's own URLs (web/members_web.cc).
#include <algorithm>

#include "core/slug.h"
#include "core/text.h"
#include "podcast/feed.h"
#include "render/markdown.h"
#include "site/site.h"

namespace cinepress {
namespace {

constexpr size_t kShowPageEpisodes = 20;
const std::string kDonatePage = "/donate/";

TemplateData ListData() { return TemplateData{TemplateData::type::list}; }

// "42:05" or "1:02:03".
std::string ClockText(int64_t seconds) {
  auto two = [](int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  const int64_t h = seconds / 3600, m = seconds / 60 % 60, sec = seconds % 60;
  return h ? std::to_string(h) + ":" + two(m) + ":" + two(sec) : std::to_string(m) + ":" + two(sec);
}

// "23 min" for a listing.
std::string MinutesText(int64_t seconds) {
  return std::to_string(std::max<int64_t>(1, (seconds + 30) / 60)) + " min";
}

// A show's artwork on its pages: its stills (AVIF, WebP and its own format at every width up
// to its own, stills/stills.h) when made, else the original. The feeds point at the original,
// which import checked is what Apple asks for.
TemplateData ArtworkData(const Site& s, const PodcastShow& show, std::string alt) {
  return ImageData(Image{show.image, std::move(alt), ""}, s.StillOf(show.image));
}

}  // namespace

std::string EpisodeNumberText(int season, int episode) {
  if (episode <= 0) return "";
  return (season > 0 ? "Season " + std::to_string(season) + ", " : "") + "Episode " +
         std::to_string(episode);
}

std::string Site::ShowUrl(size_t show) const { return "/podcasts/" + shows_[show].key + "/"; }

std::string Site::EpisodeUrl(size_t e) const {
  return ShowUrl(episode_show_[e]) + episodes_[e].slug + "/";
}

int32_t Site::ShowOf(const std::string& key) const {
  for (size_t i = 0; i < shows_.size(); ++i) {
    if (shows_[i].key == key) return static_cast<int32_t>(i);
  }
  return -1;
}

int32_t Site::EpisodeOfMedia(const std::string& path) const {
  auto it = episode_of_media_.find(path);
  return it == episode_of_media_.end() ? -1 : static_cast<int32_t>(it->second);
}

Status Site::AddPodcastOutputs(PodcastContent podcasts) {
  shows_ = std::move(podcasts.shows);
  for (const PodcastShow& show : shows_) show_access_.push_back(StoredAccessRule(show.access));
  show_episodes_.resize(shows_.size());
  std::vector<std::pair<size_t, PodcastEpisode>> published;
  for (PodcastEpisode& e : podcasts.episodes) {
    const int32_t show = ShowOf(e.show);
    if (show < 0 || e.draft) continue;
    if (e.date > now_) {
      if (next_publication_ == 0 || e.date < next_publication_) next_publication_ = e.date;
      continue;
    }
    published.emplace_back(static_cast<size_t>(show), std::move(e));
  }
  std::sort(published.begin(), published.end(), [](const auto& x, const auto& y) {
    return x.second.date != y.second.date ? x.second.date > y.second.date
                                          : x.second.slug < y.second.slug;
  });
  episodes_of_film_.resize(records_.films.size());
  episodes_of_person_.resize(records_.people.size());
  std::string fp;
  for (const PodcastShow& show : shows_) fp += show.source_hash + show.image + show.access + "|";
  for (auto& [show, e] : published) {
    const auto i = static_cast<uint32_t>(episodes_.size());
    episode_show_.push_back(show);
    show_episodes_[show].push_back(i);
    episode_access_.push_back(EpisodeAccessRule(e, shows_[show].access));
    for (const std::string& ref : e.films) {
      auto [title, year] = SplitTitleYear(ref);
      for (size_t f = 0; f < records_.films.size(); ++f) {
        const Film& film = records_.films[f].film;
        if (AsciiLower(film.title) == AsciiLower(title) && (!year || film.year == year)) {
          episodes_of_film_[f].push_back(i);
          break;
        }
      }
    }
    for (const auto* names : {&e.hosts, &e.guests}) {
      for (const std::string& name : *names) {
        auto p = person_by_slug_.find(Slugify(name));
        if (p != person_by_slug_.end()) episodes_of_person_[p->second].push_back(i);
      }
    }
    if (!e.audio.empty()) episode_of_media_[e.audio] = i;
    if (!e.transcript.empty()) episode_of_media_[e.transcript] = i;
    fp += e.source_hash + e.guid + e.audio + std::to_string(e.audio_size) +
          std::to_string(e.duration) + e.transcript_text + "|";
    episodes_.push_back(std::move(e));
  }
  podcasts_fp_ = ContentHash(fp);
  if (shows_.empty()) return {};
  if (auto st = AddOutput(OutputKind::kPodcasts, "/podcasts/", 0, 1, "the podcasts page"); !st) {
    return st;
  }
  for (size_t s = 0; s < shows_.size(); ++s) {
    const std::string what = "the podcast " + shows_[s].source_path;
    if (auto st = AddOutput(OutputKind::kShow, ShowUrl(s), s, 1, what); !st) return st;
    if (auto st = AddOutput(OutputKind::kPodcastFeed, ShowUrl(s) + "feed.xml", s, 1, what); !st) {
      return st;
    }
  }
  for (size_t e = 0; e < episodes_.size(); ++e) {
    const std::string what =
        "the episode content/podcasts/" + episodes_[e].show + "/" + episodes_[e].source;
    if (auto st = AddOutput(OutputKind::kEpisode, EpisodeUrl(e), e, 1, what); !st) return st;
    if (episodes_[e].chapters.empty()) continue;
    if (auto st = AddOutput(OutputKind::kChapters, EpisodeUrl(e) + "chapters.json", e, 1, what);
        !st) {
      return st;
    }
  }
  return {};
}

std::string Site::PodcastFingerprint(const Output& o) const {
  // Few and small: any change to any show or episode makes every podcast output again.
  return ContentHash({global_fp_, podcasts_fp_, o.path});
}

TemplateData SiteRenderer::EpisodeCard(size_t e) const {
  const Site& s = *site_;
  const PodcastEpisode& ep = s.episodes_[e];
  TemplateData d;
  d.set("title", ep.title);
  d.set("url", s.EpisodeUrl(e));
  d.set("show_title", s.shows_[s.episode_show_[e]].title);
  d.set("show_url", s.ShowUrl(s.episode_show_[e]));
  d.set("date", s.tz_.Display(ep.date));
  d.set("date_iso", s.tz_.Iso(ep.date));
  d.set("duration_text", MinutesText(ep.duration));
  if (!ep.summary.empty()) d.set("summary", ep.summary);
  SetIf(d, "number_text", EpisodeNumberText(ep.season, ep.episode));
  if (ep.episode_type != "full")
    d.set("type_text", ep.episode_type == "trailer" ? "Trailer" : "Bonus");
  if (s.episode_access_[e].restricted()) d.set("restricted", true);
  return d;
}

TemplateData SiteRenderer::EpisodeCards(const std::vector<uint32_t>& episodes) const {
  TemplateData out = ListData();
  for (uint32_t e : episodes) out.push_back(EpisodeCard(e));
  return out;
}

Result<std::string> SiteRenderer::RenderPodcasts() {
  const Site& s = *site_;
  TemplateData d = PageData("/podcasts/", "Podcasts", "", "is_podcasts");
  TemplateData shows = ListData();
  for (size_t i = 0; i < s.shows_.size(); ++i) {
    const PodcastShow& show = s.shows_[i];
    TemplateData x;
    x.set("title", show.title);
    x.set("url", s.ShowUrl(i));
    x.set("description", show.description);
    x["art"] = ArtworkData(s, show, "");  // beside the show's name: decoration
    x.set("feed_url", s.ShowUrl(i) + "feed.xml");
    if (s.show_access_[i].restricted()) x.set("restricted", true);
    if (!s.show_episodes_[i].empty()) x["latest"] = EpisodeCard(s.show_episodes_[i].front());
    shows.push_back(std::move(x));
  }
  d["shows"] = std::move(shows);
  SetJsonLd(d, OutputKind::kPodcasts, 0);
  return theme_.Render("podcasts", s.base_, d);
}

Result<std::string> SiteRenderer::RenderShow(size_t i) {
  const Site& s = *site_;
  const PodcastShow& show = s.shows_[i];
  const std::string url = s.ShowUrl(i);
  TemplateData d = PageData(url, show.title, show.description, "is_show");
  const std::string feed = s.Absolute(url + "feed.xml");
  const std::string bare_feed = feed.substr(feed.find("://") + 3);
  TemplateData x;
  x.set("title", show.title);
  x.set("description", show.description);
  x.set("author", show.author);
  x["art"] = ArtworkData(s, show, "The artwork of " + show.title);
  x.set("feed_url", url + "feed.xml");
  TemplateData apps = ListData();
  for (const auto& [name, link] :
       {std::pair<std::string, std::string>{"Apple Podcasts", "podcast://" + bare_feed},
        {"Overcast", "overcast://x-callback-url/add?url=" + feed},
        {"Pocket Casts", "pktc://subscribe/" + bare_feed},
        {"Podcast Addict", "podcastaddict://" + bare_feed},
        {"AntennaPod", "https://antennapod.org/deeplink/subscribe?url=" + feed}}) {
    TemplateData app;
    app.set("name", name);
    app.set("url", link);
    apps.push_back(std::move(app));
  }
  x["apps"] = std::move(apps);
  if (s.show_access_[i].restricted()) {
    x.set("restricted", true);
    x["paywall"] = PaywallData(s.show_access_[i]);
  }
  std::vector<uint32_t> latest = s.show_episodes_[i];
  if (latest.size() > kShowPageEpisodes) latest.resize(kShowPageEpisodes);
  x["episodes"] = EpisodeCards(latest);
  d["show"] = std::move(x);
  SetJsonLd(d, OutputKind::kShow, i);
  return theme_.Render("show", s.base_, d);
}

Result<std::string> SiteRenderer::RenderEpisode(size_t e, const PageAccess& access) {
  const Site& s = *site_;
  const PodcastEpisode& ep = s.episodes_[e];
  const bool open = !s.episode_access_[e].restricted() || access.full;
  TemplateData d = PageData(s.EpisodeUrl(e), ep.title, ep.summary, "is_episode");
  TemplateData x = EpisodeCard(e);
  x.set("duration_clock", ClockText(ep.duration));
  if (open) {
    x.set("audio_url", ep.audio);
    x.set("audio_mime", ep.audio_mime);
    if (!ep.transcript.empty()) x.set("transcript_url", ep.transcript);
  } else {
    x["paywall"] = PaywallData(s.episode_access_[e]);
  }
  if (!access.institution.empty()) x.set("institution", access.institution);
  TemplateData chapters = ListData();
  for (const PodcastChapter& c : ep.chapters) {
    TemplateData ch;
    ch.set("start", std::to_string(static_cast<int64_t>(c.start)));
    ch.set("time_text", ClockText(static_cast<int64_t>(c.start)));
    ch.set("title", c.title);
    if (open) ch.set("seek_url", ep.audio + "#t=" + std::to_string(static_cast<int64_t>(c.start)));
    if (!c.url.empty()) ch.set("url", c.url);
    chapters.push_back(std::move(ch));
  }
  if (!chapters.is_empty_list()) {
    x["chapters"] = std::move(chapters);
    x.set("has_chapters", true);
  }
  if (!ep.notes_markdown.empty()) x.set("notes_html", RenderMarkdown(ep.notes_markdown));
  if (open && !ep.transcript_text.empty()) {
    TemplateData paragraphs = ListData();
    for (std::string_view rest = ep.transcript_text; !rest.empty();) {
      size_t end = rest.find("\n\n");
      TemplateData p;
      p.set("text", std::string(rest.substr(0, end)));
      paragraphs.push_back(std::move(p));
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 2);
    }
    x["transcript"] = std::move(paragraphs);
    x.set("has_transcript", true);
  }
  auto people = [&](const std::vector<std::string>& names) {
    TemplateData out = ListData();
    for (const std::string& name : names) {
      TemplateData p;
      p.set("name", name);
      if (auto it = s.person_by_slug_.find(Slugify(name)); it != s.person_by_slug_.end()) {
        p.set("url", s.PersonUrl(it->second));
      }
      out.push_back(std::move(p));
    }
    return out;
  };
  if (!ep.hosts.empty()) {
    x["hosts"] = people(ep.hosts);
    x.set("has_hosts", true);
  }
  if (!ep.guests.empty()) {
    x["guests"] = people(ep.guests);
    x.set("has_guests", true);
  }
  TemplateData films = ListData();
  for (size_t f = 0; f < s.episodes_of_film_.size(); ++f) {
    const auto& list = s.episodes_of_film_[f];
    if (std::find(list.begin(), list.end(), e) == list.end()) continue;
    TemplateData film;
    film.set("title", s.records_.films[f].film.title);
    film.set("url", s.FilmUrl(f));
    films.push_back(std::move(film));
  }
  if (!films.is_empty_list()) {
    x["films"] = std::move(films);
    x.set("has_films", true);
  }
  d["episode"] = std::move(x);
  SetJsonLd(d, OutputKind::kEpisode, e);
  return theme_.Render("episode", s.base_, d);
}

std::string SiteRenderer::RenderShowFeed(size_t i, const PrivatePodcastFeed* member) const {
  const Site& s = *site_;
  const PodcastShow& show = s.shows_[i];
  PodcastFeedInput in;
  in.show = &show;
  in.self_url = member ? member->self_url : s.Absolute(s.ShowUrl(i) + "feed.xml");
  in.page_url = s.Absolute(s.ShowUrl(i));
  in.image_url = s.Absolute(show.image);
  in.private_feed = member != nullptr;
  // Where listeners can give: the show's own link, else the magazine's donation page, else
  // the one cinepress.toml names.
  const std::string& funding = !show.funding_url.empty()           ? show.funding_url
                               : s.FindOutput("donate/index.html") ? kDonatePage
                                                                   : s.config_.podcast_funding_url;
  if (!funding.empty()) in.funding_url = funding[0] == '/' ? s.Absolute(funding) : funding;
  auto person = [&](const std::string& name, const char* role) {
    auto it = s.person_by_slug_.find(Slugify(name));
    return FeedPerson{name, role,
                      it == s.person_by_slug_.end() ? "" : s.Absolute(s.PersonUrl(it->second))};
  };
  for (const std::string& h : show.hosts) in.hosts.push_back(person(h, "host"));
  std::vector<std::string> notes;  // kept alive for the feed's episodes
  notes.reserve(s.show_episodes_[i].size());
  for (uint32_t e : s.show_episodes_[i]) {
    const PodcastEpisode& ep = s.episodes_[e];
    const AccessRule& rule = s.episode_access_[e];
    if (rule.restricted() && !(member && member->rights && member->rights->Allows(rule))) continue;
    FeedEpisode fe;
    fe.episode = &ep;
    fe.page_url = s.Absolute(s.EpisodeUrl(e));
    // In a private feed every file is at the member's own address, which ends as the public
    // one does ("…/feeds/private/TOKEN/podcasts/SHOW/…"): it closes with the member's rights.
    auto media = [&](const std::string& path) {
      return member ? member->media_prefix + path : s.Absolute(path);
    };
    fe.enclosure_url = media(ep.audio);
    if (!ep.transcript.empty()) fe.transcript_url = media(ep.transcript);
    if (!ep.chapters.empty()) fe.chapters_url = s.Absolute(s.EpisodeUrl(e) + "chapters.json");
    fe.notes_html = RenderMarkdown(ep.notes_markdown);
    for (const std::string& h : ep.hosts) {
      if (std::find(show.hosts.begin(), show.hosts.end(), h) == show.hosts.end()) {
        fe.people.push_back(person(h, "host"));
      }
    }
    for (const std::string& g : ep.guests) fe.people.push_back(person(g, "guest"));
    in.episodes.push_back(std::move(fe));
  }
  return RenderPodcastFeed(in, s.tz_);
}

}  // namespace cinepress
