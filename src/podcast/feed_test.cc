#include "podcast/feed.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

bool Has(const std::string& xml, const std::string& part) {
  return xml.find(part) != std::string::npos;
}

TEST(PodcastGuid, IsTheUuid5OfTheFeedUrlAsTheNamespaceSays) {
  // The example of the Podcasting 2.0 namespace's documentation.
  EXPECT_EQ(PodcastGuid("https://mp3s.nashownotes.com/pc20rss.xml"),
            "917393e3-1b1e-5cef-ace4-edaa54e1f810");
  EXPECT_EQ(PodcastGuid("http://mp3s.nashownotes.com/pc20rss.xml/"),
            "917393e3-1b1e-5cef-ace4-edaa54e1f810");
  EXPECT_NE(NewEpisodeGuid(), NewEpisodeGuid());
  EXPECT_EQ(NewEpisodeGuid().size(), 36u);
}

TEST(PodcastFeed, HasApplesTagsAndThePodcastNamespaces) {
  PodcastShow show;
  show.key = "close-up";
  show.title = "Close-Up";
  show.description = "Talk & films";
  show.author = "The Magazine";
  show.owner_name = "Nia";
  show.owner_email = "nia@example.org";
  show.category = "TV & Film";
  show.subcategory = "Film Interviews";
  PodcastEpisode e;
  e.guid = "11111111-2222-3333-4444-555555555555";
  e.title = "First <take>";
  e.date = 1700000000;
  e.season = 2;
  e.episode = 5;
  e.audio_mime = "audio/mpeg";
  e.audio_size = 123456;
  e.duration = 61;
  e.transcript_mime = "text/vtt";
  PodcastFeedInput in;
  in.show = &show;
  in.self_url = "https://mag.example/podcasts/close-up/feed.xml";
  in.page_url = "https://mag.example/podcasts/close-up/";
  in.image_url = "https://mag.example/podcasts/close-up/cover.png";
  in.funding_url = "https://mag.example/donate/";
  in.hosts = {{"Nia Bianchi", "host", "https://mag.example/people/nia-bianchi/"}};
  FeedEpisode fe;
  fe.episode = &e;
  fe.page_url = "https://mag.example/podcasts/close-up/first/";
  fe.enclosure_url = "https://mag.example/podcasts/close-up/first/first.mp3";
  fe.chapters_url = "https://mag.example/podcasts/close-up/first/chapters.json";
  fe.transcript_url = "https://mag.example/podcasts/close-up/first/first.vtt";
  fe.people = {{"Ana Guest", "guest", ""}};
  in.episodes = {fe};
  const std::string xml = RenderPodcastFeed(in, *TimeZone::Named("UTC"));
  for (const char* part :
       {"xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"",
        "xmlns:podcast=\"https://podcastindex.org/namespace/1.0\"",
        "<itunes:image href=\"https://mag.example/podcasts/close-up/cover.png\"/>",
        "<itunes:category text=\"TV &amp; Film\"><itunes:category text=\"Film Interviews\"/>",
        "<itunes:explicit>false</itunes:explicit>",
        "<itunes:type>episodic</itunes:type>",
        "<itunes:owner><itunes:name>Nia</itunes:name><itunes:email>nia@example.org</itunes:email>",
        "<podcast:locked owner=\"nia@example.org\">yes</podcast:locked>",
        "<podcast:funding url=\"https://mag.example/donate/\">",
        "<podcast:person role=\"host\" href=\"https://mag.example/people/nia-bianchi/\">Nia "
        "Bianchi</podcast:person>",
        "<title>First &lt;take&gt;</title>",
        "<guid isPermaLink=\"false\">11111111-2222-3333-4444-555555555555</guid>",
        "<enclosure url=\"https://mag.example/podcasts/close-up/first/first.mp3\" "
        "length=\"123456\" type=\"audio/mpeg\"/>",
        "<itunes:duration>61</itunes:duration>",
        "<itunes:season>2</itunes:season>",
        "<itunes:episode>5</itunes:episode>",
        "<podcast:season>2</podcast:season>",
        "<podcast:episode>5</podcast:episode>",
        "<itunes:episodeType>full</itunes:episodeType>",
        "<podcast:transcript url=\"https://mag.example/podcasts/close-up/first/first.vtt\" "
        "type=\"text/vtt\"/>",
        "<podcast:chapters url=\"https://mag.example/podcasts/close-up/first/chapters.json\" "
        "type=\"application/json+chapters\"/>",
        "<podcast:person role=\"guest\">Ana Guest</podcast:person>"}) {
    EXPECT_TRUE(Has(xml, part)) << part << "\n" << xml;
  }
  EXPECT_TRUE(Has(xml, "<podcast:guid>" + PodcastGuid(in.self_url) + "</podcast:guid>"));
  EXPECT_FALSE(Has(xml, "itunes:block")) << "a public feed is listed";
  in.private_feed = true;
  EXPECT_TRUE(
      Has(RenderPodcastFeed(in, *TimeZone::Named("UTC")), "<itunes:block>Yes</itunes:block>"));
}

TEST(PodcastChapters, AreTheNamespacesJsonFormat) {
  EXPECT_EQ(RenderChaptersJson({{0, "Start", "", ""}, {90.5, "Film", "https://x.example/", ""}}),
            R"({"chapters":[{"startTime":0.0,"title":"Start"},{"startTime":90.5,"title":"Film",)"
            R"("url":"https://x.example/"}],"version":"1.2.0"})");
}

}  // namespace
}  // namespace cinepress
