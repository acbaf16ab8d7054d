#include "podcast/feed.h"

#include <uuid/uuid.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "render/xml_writer.h"

namespace cinepress {
namespace {

constexpr const char* kItunesNs = "http://www.itunes.com/dtds/podcast-1.0.dtd";
constexpr const char* kPodcastNs = "https://podcastindex.org/namespace/1.0";

std::string YesNo(bool b) { return b ? "true" : "false"; }

void WritePeople(XmlWriter& w, const std::vector<FeedPerson>& people) {
  for (const FeedPerson& p : people) {
    w.Start("podcast:person");
    w.Attr("role", p.role);
    if (!p.url.empty()) w.Attr("href", p.url);
    w.Text(p.name);
    w.End();
  }
}

void WriteChannelHead(XmlWriter& w, const PodcastFeedInput& in) {
  const PodcastShow& s = *in.show;
  w.Element("title", s.title);
  w.Element("link", in.page_url);
  w.Element("description", s.description.empty() ? s.title : s.description);
  w.Element("language", s.language);
  w.Start("atom:link");
  w.Attr("href", in.self_url);
  w.Attr("rel", "self");
  w.Attr("type", "application/rss+xml");
  w.End();
  w.Element("itunes:author", s.author);
  w.Start("itunes:owner");
  w.Element("itunes:name", s.owner_name);
  w.Element("itunes:email", s.owner_email);
  w.End();
  w.Start("itunes:image");
  w.Attr("href", in.image_url);
  w.End();
  w.Start("itunes:category");
  w.Attr("text", s.category);
  if (!s.subcategory.empty()) {
    w.Start("itunes:category");
    w.Attr("text", s.subcategory);
    w.End();
  }
  w.End();
  w.Element("itunes:explicit", YesNo(s.explicit_content));
  w.Element("itunes:type", s.type);
  if (in.private_feed) w.Element("itunes:block", "Yes");
  w.Element("podcast:guid", PodcastGuid(in.self_url));
  w.Start("podcast:locked");
  w.Attr("owner", s.owner_email);
  w.Text("yes");
  w.End();
  if (!in.funding_url.empty()) {
    w.Start("podcast:funding");
    w.Attr("url", in.funding_url);
    w.Text(s.funding_text.empty() ? "Support the magazine" : s.funding_text);
    w.End();
  }
  WritePeople(w, in.hosts);
}

void WriteItem(XmlWriter& w, const FeedEpisode& fe, const TimeZone& zone) {
  const PodcastEpisode& e = *fe.episode;
  w.Start("item");
  w.Element("title", e.title);
  w.Element("itunes:title", e.title);
  w.Element("link", fe.page_url);
  w.Start("guid");
  w.Attr("isPermaLink", "false");
  w.Text(e.guid);
  w.End();
  w.Element("pubDate", zone.Rfc822(e.date));
  w.Element("description", e.summary.empty() ? e.title : e.summary);
  if (!fe.notes_html.empty()) w.Element("content:encoded", fe.notes_html);
  w.Start("enclosure");
  w.Attr("url", fe.enclosure_url);
  w.Attr("length", std::to_string(e.audio_size));
  w.Attr("type", e.audio_mime);
  w.End();
  w.Element("itunes:duration", std::to_string(e.duration));
  w.Element("itunes:explicit", YesNo(e.explicit_content));
  w.Element("itunes:episodeType", e.episode_type);
  if (e.season > 0) w.Element("itunes:season", std::to_string(e.season));
  if (e.episode > 0) w.Element("itunes:episode", std::to_string(e.episode));
  if (e.season > 0) w.Element("podcast:season", std::to_string(e.season));
  if (e.episode > 0) w.Element("podcast:episode", std::to_string(e.episode));
  if (!fe.transcript_url.empty()) {
    w.Start("podcast:transcript");
    w.Attr("url", fe.transcript_url);
    w.Attr("type", e.transcript_mime);
    w.End();
  }
  if (!fe.chapters_url.empty()) {
    w.Start("podcast:chapters");
    w.Attr("url", fe.chapters_url);
    w.Attr("type", "application/json+chapters");
    w.End();
  }
  WritePeople(w, fe.people);
  w.End();
}

std::string UuidText(const uuid_t u) {
  char text[37];
  uuid_unparse_lower(u, text);
  return text;
}

}  // namespace

std::string RenderPodcastFeed(const PodcastFeedInput& in, const TimeZone& zone) {
  XmlWriter w;
  w.Start("rss");
  w.Attr("version", "2.0");
  w.Attr("xmlns:itunes", kItunesNs);
  w.Attr("xmlns:podcast", kPodcastNs);
  w.Attr("xmlns:atom", "http://www.w3.org/2005/Atom");
  w.Attr("xmlns:content", "http://purl.org/rss/1.0/modules/content/");
  w.Start("channel");
  WriteChannelHead(w, in);
  for (const FeedEpisode& e : in.episodes) WriteItem(w, e, zone);
  w.End();
  w.End();
  return w.Finish();
}

std::string RenderChaptersJson(const std::vector<PodcastChapter>& chapters) {
  nlohmann::json list = nlohmann::json::array();
  for (const PodcastChapter& c : chapters) {
    nlohmann::json j{{"startTime", c.start}, {"title", c.title}};
    if (!c.url.empty()) j["url"] = c.url;
    if (!c.img.empty()) j["img"] = c.img;
    list.push_back(std::move(j));
  }
  return nlohmann::json{{"version", "1.2.0"}, {"chapters", std::move(list)}}.dump();
}

std::string PodcastGuid(std::string_view feed_url) {
  std::string_view u = feed_url;
  if (size_t scheme = u.find("://"); scheme != std::string_view::npos) u.remove_prefix(scheme + 3);
  while (!u.empty() && u.back() == '/') u.remove_suffix(1);
  uuid_t ns, out;
  uuid_parse("ead4c236-bf58-58c6-a2c6-a6b28d128cb6", ns);
  uuid_generate_sha1(out, ns, u.data(), u.size());
  return UuidText(out);
}

std::string NewEpisodeGuid() {
  uuid_t out;
  uuid_generate_random(out);
  return UuidText(out);
}

}  // namespace cinepress
