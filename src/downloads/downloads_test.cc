#include "downloads/downloads.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

constexpr int64_t kDay = 24 * 60 * 60;
constexpr int64_t kNoon = 1'796'558'400;  // 2026-12-06 12:00 UTC
const char* kApple = "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)";

MediaRequest Listen(int64_t at, std::string address = "192.0.2.7", std::string ua = kApple) {
  MediaRequest r;
  r.at = at;
  r.path = "/podcasts/talk/one.mp3";
  r.method = "GET";
  r.status = 200;
  r.address = std::move(address);
  r.user_agent = std::move(ua);
  r.delivered = 20'000'000;
  r.file_size = 20'000'000;
  return r;
}

struct Saved {
  std::vector<MediaDownload> rows;
  DownloadCounter counter{DownloadCounterOptions{{"/podcasts/"}, [this](const auto& batch) {
                                                   rows.insert(rows.end(), batch.begin(),
                                                               batch.end());
                                                   return Status{};
                                                 }}};
};

TEST(IsKnownBot, BotsAndToolsButNotPodcastApps) {
  for (const char* bot :
       {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)", "facebookexternalhit/1.1", "curl/7.88.1",
        "Wget/1.21.3", "python-requests/2.31", "Go-http-client/1.1", "UptimeRobot/2.0",
        "Mozilla/5.0 HeadlessChrome/120.0", ""}) {
    EXPECT_TRUE(IsKnownBot(bot)) << bot;
  }
  for (const char* app :
       {kApple, "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
        "PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)",
        "Spotify/8.8.0 Android/33 (Pixel 7)", "AntennaPod/3.2.0",
        "PodcastAddict/v5 (+https://podcastaddict.com/; Android podcast app)",
        "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"}) {
    EXPECT_FALSE(IsKnownBot(app)) << app;
  }
}

TEST(FetchedARealPart, AMinuteOfAudioOrTheWholeShortFile) {
  EXPECT_FALSE(FetchedARealPart(2, 20'000'000));  // a probe of bytes=0-1
  EXPECT_FALSE(FetchedARealPart(kDownloadMinimumBytes - 1, 20'000'000));
  EXPECT_TRUE(FetchedARealPart(kDownloadMinimumBytes, 20'000'000));
  EXPECT_TRUE(FetchedARealPart(300'000, 300'000));  // a short file, whole
  EXPECT_FALSE(FetchedARealPart(299'999, 300'000));
  EXPECT_FALSE(FetchedARealPart(0, 0));
}

TEST(DownloadCounter, OnePerClientPerEpisodePer24Hours) {
  Saved s;
  s.counter.Offer(Listen(kNoon));
  s.counter.Offer(Listen(kNoon + 60));                               // the same client again: no
  s.counter.Offer(Listen(kNoon + 60, "192.0.2.8"));                  // another address: yes
  s.counter.Offer(Listen(kNoon + 60, "192.0.2.7", "Overcast/3.0"));  // another app: yes
  MediaRequest other = Listen(kNoon + 60);
  other.path = "/podcasts/talk/two.mp3";  // another episode: yes
  s.counter.Offer(other);
  s.counter.Offer(Listen(kNoon + kDay - 1));  // within the day: no
  s.counter.Offer(Listen(kNoon + kDay));      // a day later: yes
  ASSERT_TRUE(s.counter.Flush(kNoon + kDay));
  ASSERT_EQ(s.rows.size(), 5u);
  EXPECT_EQ(s.rows[0].path, "/podcasts/talk/one.mp3");
  EXPECT_EQ(s.rows[0].client, ClientDigest("192.0.2.7", kApple));
  EXPECT_EQ(s.rows[0].client.find("192.0.2.7"), std::string::npos);  // no address is kept
  EXPECT_EQ(s.rows[4].at, kNoon + kDay);
  EXPECT_EQ(s.counter.pending(), 0u);
}

TEST(DownloadCounter, BotsProbesHeadsAndOtherPathsDoNotCount) {
  Saved s;
  s.counter.Offer(Listen(kNoon, "192.0.2.1", "Mozilla/5.0 (compatible; Googlebot/2.1)"));
  MediaRequest probe = Listen(kNoon, "192.0.2.2");
  probe.status = 206;
  probe.delivered = 2;
  s.counter.Offer(probe);
  MediaRequest head = Listen(kNoon, "192.0.2.3");
  head.method = "HEAD";
  s.counter.Offer(head);
  MediaRequest image = Listen(kNoon, "192.0.2.4");
  image.path = "/images/still.jpg";
  s.counter.Offer(image);
  MediaRequest missing = Listen(kNoon, "192.0.2.5");
  missing.status = 404;
  s.counter.Offer(missing);
  MediaRequest left = Listen(kNoon, "192.0.2.6");
  left.delivered = 100'000;  // the client left after a few seconds of audio
  s.counter.Offer(left);
  ASSERT_TRUE(s.counter.Flush(kNoon));
  EXPECT_TRUE(s.rows.empty());
  // After a probe, the real download from the same client counts.
  probe.delivered = 5'000'000;
  s.counter.Offer(probe);
  ASSERT_TRUE(s.counter.Flush(kNoon));
  EXPECT_EQ(s.rows.size(), 1u);
}

TEST(DownloadCounter, APrivateFeedsFileCountsByTheSameRulesWithoutTheToken) {
  Saved s;
  MediaRequest member = Listen(kNoon, "192.0.2.9");
  member.path = "/feeds/private/s3cr3tT0ken/podcasts/talk/one.mp3";
  s.counter.Offer(member);
  member.at += 60;  // the same member's app again: no
  s.counter.Offer(member);
  s.counter.Offer(
      Listen(kNoon + 120, "192.0.2.9"));  // the public file, same client: the same episode
  MediaRequest probe = Listen(kNoon, "192.0.2.10");
  probe.path = member.path;
  probe.delivered = 2;  // a probe counts no more than on the public file
  s.counter.Offer(probe);
  MediaRequest bot = member;
  bot.address = "192.0.2.11";
  bot.user_agent = "curl/8.0";
  s.counter.Offer(bot);
  MediaRequest feed = member;  // a private feed's other files are not episodes
  feed.address = "192.0.2.12";
  feed.path = "/feeds/private/s3cr3tT0ken/feed.xml";
  s.counter.Offer(feed);
  ASSERT_TRUE(s.counter.Flush(kNoon));
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_EQ(s.rows[0].path, "/feeds/private/podcasts/talk/one.mp3");  // no token is kept
}

TEST(DownloadPaths, PrivateFeedsFilesAreTheirEpisodes) {
  EXPECT_EQ(StoredPathOf("/feeds/private/tok/podcasts/talk/e/one.mp3"),
            "/feeds/private/podcasts/talk/e/one.mp3");
  EXPECT_EQ(StoredPathOf("/podcasts/talk/e/one.mp3"), "/podcasts/talk/e/one.mp3");
  EXPECT_EQ(StoredPathOf("/feeds/private/tok"), "/feeds/private/tok");
  EXPECT_EQ(PublicPathOf("/feeds/private/podcasts/talk/e/one.mp3"), "/podcasts/talk/e/one.mp3");
  EXPECT_EQ(PublicPathOf("/podcasts/talk/e/one.mp3"), "/podcasts/talk/e/one.mp3");
  EXPECT_TRUE(IsPrivateDownload("/feeds/private/podcasts/talk/e/one.mp3"));
  EXPECT_FALSE(IsPrivateDownload("/podcasts/talk/e/one.mp3"));
  EXPECT_EQ(StoredPrefixesOf("talk"),
            (std::vector<std::string>{"/podcasts/talk/", "/feeds/private/podcasts/talk/"}));
  EXPECT_EQ(StoredPrefixesOf(""),
            (std::vector<std::string>{"/podcasts/", "/feeds/private/podcasts/"}));
}

TEST(DownloadCounter, AFailedFlushKeepsTheBatch) {
  bool fail = true;
  std::vector<MediaDownload> rows;
  DownloadCounter counter({{"/podcasts/"}, [&](const std::vector<MediaDownload>& batch) {
                             if (fail) return Status(Error{ErrorCode::kStore, "down", {}, 0, {}});
                             rows = batch;
                             return Status{};
                           }});
  counter.Offer(Listen(kNoon));
  EXPECT_FALSE(counter.Flush(kNoon));
  counter.Offer(Listen(kNoon, "192.0.2.9"));
  fail = false;
  ASSERT_TRUE(counter.Flush(kNoon));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].client, ClientDigest("192.0.2.7", kApple));
}

TEST(CountDownloads, AcrossNodesPerEpisodeAndDay) {
  const std::string a = ClientDigest("192.0.2.7", kApple), b = ClientDigest("192.0.2.8", kApple);
  // Two nodes each counted client a within an hour: once. Client a again 25 hours later: again.
  std::vector<MediaDownload> rows = {
      {kNoon, "/podcasts/talk/one.mp3", a, 1},
      {kNoon + 3600, "/podcasts/talk/one.mp3", a, 1},
      {kNoon + 25 * 3600, "/podcasts/talk/one.mp3", a, 1},
      {kNoon + 600, "/podcasts/talk/one.mp3", b, 1},
      {kNoon + 600, "/podcasts/film-club/pilot.mp3", b, 1},
  };
  auto counts = CountDownloads(rows);
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].day, "2026-12-06");
  EXPECT_EQ(counts[0].show, "film-club");
  EXPECT_EQ(counts[0].downloads, 1);
  EXPECT_EQ(counts[1].path, "/podcasts/talk/one.mp3");
  EXPECT_EQ(counts[1].downloads, 2);
  EXPECT_EQ(counts[2].day, "2026-12-07");
  EXPECT_EQ(counts[2].downloads, 1);

  EXPECT_EQ(FormatDownloadStats(counts, true),
            "day,show,path,downloads,public,private\n"
            "2026-12-06,\"film-club\",\"/podcasts/film-club/pilot.mp3\",1,1,0\n"
            "2026-12-06,\"talk\",\"/podcasts/talk/one.mp3\",2,2,0\n"
            "2026-12-07,\"talk\",\"/podcasts/talk/one.mp3\",1,1,0\n"
            "total,\"film-club\",\"/podcasts/film-club/pilot.mp3\",1,1,0\n"
            "total,\"talk\",\"/podcasts/talk/one.mp3\",3,3,0\n"
            "total,\"film-club\",,1,1,0\n"
            "total,\"talk\",,3,3,0\n"
            "total,,,4,4,0\n");
  std::string text = FormatDownloadStats(counts, false);
  EXPECT_NE(text.find("2026-12-06          2          2          0  /podcasts/talk/one.mp3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("show talk: 3 (3 public, 0 private)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("total: 4 downloads (4 public, 0 private)\n"), std::string::npos) << text;
}

TEST(CountDownloads, PrivateFeedsDownloadsAreTheirEpisodesAndCountedApart) {
  const std::string a = ClientDigest("192.0.2.7", kApple), b = ClientDigest("192.0.2.8", kApple);
  std::vector<MediaDownload> rows = {
      {kNoon, "/feeds/private/podcasts/talk/one.mp3", a, 1},
      {kNoon + 60, "/podcasts/talk/one.mp3", a, 1},  // another node, the same listener: no
      {kNoon + 600, "/podcasts/talk/one.mp3", b, 1},
      {kNoon + 25 * 3600, "/feeds/private/podcasts/talk/one.mp3", b, 1},
  };
  auto counts = CountDownloads(rows);
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].path, "/podcasts/talk/one.mp3");
  EXPECT_EQ(counts[0].show, "talk");
  EXPECT_EQ(counts[0].downloads, 2);
  EXPECT_EQ(counts[0].private_downloads, 1);
  EXPECT_EQ(counts[1].day, "2026-12-07");
  EXPECT_EQ(counts[1].private_downloads, 1);
  EXPECT_EQ(FormatDownloadStats(counts, true),
            "day,show,path,downloads,public,private\n"
            "2026-12-06,\"talk\",\"/podcasts/talk/one.mp3\",2,1,1\n"
            "2026-12-07,\"talk\",\"/podcasts/talk/one.mp3\",1,0,1\n"
            "total,\"talk\",\"/podcasts/talk/one.mp3\",3,1,2\n"
            "total,\"talk\",,3,1,2\n"
            "total,,,3,1,2\n");
}

TEST(ShowOf, TheFolderAfterPodcasts) {
  EXPECT_EQ(ShowOf("/podcasts/talk/one.mp3"), "talk");
  EXPECT_EQ(ShowOf("/podcasts/talk/2026/one.mp3"), "talk");
  EXPECT_EQ(ShowOf("/podcasts/one.mp3"), "");
  EXPECT_EQ(ShowOf("/images/x.jpg"), "");
}

}  // namespace
}  // namespace cinepress
