// Whole-site tests of podcasts: a show and its episodes imported from a content folder, their
// pages, feed and chapters built with the default theme; premium episodes kept out of the
// public site; films and people listing the episodes that discuss them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "podcast/test_media.h"
#include "whole_site.h"

namespace cinepress::testing {
namespace {

const char* kConfig = R"(
title = "The Long Take"
base_url = "https://longtake.example"
timezone = "UTC"

[[tiers]]
slug = "supporter"
name = "Supporter"
monthly_price = 500
currency = "usd"
)";

// An episode whose audio is the title's first three letters, lower-cased, and ".mp3".
std::string Episode(const std::string& title, const std::string& date, const std::string& extra) {
  std::string audio = title.substr(0, 3);
  audio[0] = static_cast<char>(audio[0] - 'A' + 'a');
  return "---\ntitle: \"" + title + "\"\ndate: " + date + "\naudio: \"" + audio + ".mp3\"\n" +
         extra + "---\nNotes for " + title + ".\n";
}

std::map<std::string, std::string> Magazine() {
  return {
      {"content/reviews/after.md",
       "---\ntitle: \"After the Mountain\"\ndate: 2026-01-01\nauthor: \"Nia Bianchi\"\n"
       "film:\n  title: \"After the Mountain\"\n  year: 2021\n  directors: [\"Maëlle "
       "Blackwood\"]\n---\nA review.\n"},
      {"content/podcasts/close-up/_index.md",
       "---\ntitle: \"Close-Up\"\ndescription: \"Conversations about films.\"\nauthor: \"The Long "
       "Take\"\nhosts: [\"Nia Bianchi\"]\nowner_email: \"pod@longtake.example\"\ncategory: \"TV "
       "& Film\"\nsubcategory: \"Film Reviews\"\nimage: \"cover.png\"\n---\n"},
      {"content/podcasts/close-up/cover.png", TestPng(1400, 1400, true)},
      {"content/podcasts/close-up/one.md",
       Episode("One", "2026-02-01",
               "episode: 1\nguests: [\"Maëlle Blackwood\"]\nfilms: "
               "[\"After the Mountain (2021)\"]\nchapters:\n  - {start: 0, "
               "title: \"Hello\"}\n  - {start: \"0:05\", title: "
               "\"SEEK-HERE\"}\ntranscript: \"one.vtt\"\n")},
      {"content/podcasts/close-up/one.mp3", TestMp3(383)},
      {"content/podcasts/close-up/one.vtt",
       "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Nia Bianchi>TRANSCRIPT-WORDS here.\n"},
      {"content/podcasts/close-up/two.md",
       Episode("Two", "2026-03-01", "episode: 2\naccess: [supporter]\ntranscript: \"two.srt\"\n")},
      {"content/podcasts/close-up/two.mp3", TestMp3(100)},
      {"content/podcasts/close-up/two.srt",
       "1\n00:00:00,000 --> 00:00:02,000\nLOCKEDTRANSCRIPT words.\n"},
      {"content/podcasts/close-up/draft.md", Episode("Draft", "2026-03-02", "draft: true\n")},
      {"content/podcasts/close-up/dra.mp3", TestMp3(10)},
  };
}

TEST(PodcastSite, BuildsTheShowItsEpisodesFeedAndChapters) {
  auto built = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(built) << built.error().ToString();
  ASSERT_TRUE(built->import_problems.empty()) << built->import_problems[0];
  const std::string index = built->Page("/podcasts/");
  EXPECT_NE(index.find("href=\"/podcasts/close-up/\""), std::string::npos);
  const std::string show = built->Page("/podcasts/close-up/");
  EXPECT_NE(show.find("podcast://longtake.example/podcasts/close-up/feed.xml"), std::string::npos);
  EXPECT_NE(show.find("\"@type\":\"PodcastSeries\""), std::string::npos);
  EXPECT_NE(show.find("/podcasts/close-up/one/"), std::string::npos);
  EXPECT_EQ(show.find("Draft"), std::string::npos) << "drafts are not published";

  const std::string one = built->Page("/podcasts/close-up/one/");
  EXPECT_NE(one.find("<audio class=\"player\" controls preload=\"none\" "
                     "src=\"/podcasts/close-up/one/one.mp3\""),
            std::string::npos)
      << one;
  EXPECT_EQ(one.find("autoplay"), std::string::npos);
  EXPECT_NE(one.find("href=\"/podcasts/close-up/one/one.mp3#t=5\" data-seek=\"5\">SEEK-HERE"),
            std::string::npos);
  EXPECT_NE(one.find("Nia Bianchi: TRANSCRIPT-WORDS here."), std::string::npos);
  EXPECT_NE(one.find("Notes for One."), std::string::npos);
  EXPECT_NE(one.find("\"@type\":\"PodcastEpisode\""), std::string::npos);
  EXPECT_NE(one.find("href=\"/films/after-the-mountain-2021/\""), std::string::npos) << one;
  EXPECT_TRUE(built->Has("/podcasts/close-up/one/one.mp3"));
  EXPECT_TRUE(built->Has("/podcasts/close-up/one/one.vtt"));
  EXPECT_TRUE(built->Has("/podcasts/close-up/cover.png"));
  EXPECT_NE(built->Page("/podcasts/close-up/one/chapters.json")
                .find(R"({"startTime":5.0,"title":"SEEK-HERE"})"),
            std::string::npos);

  const std::string feed = built->Page("/podcasts/close-up/feed.xml");
  EXPECT_NE(feed.find("<enclosure url=\"https://longtake.example/podcasts/close-up/one/one.mp3\" "
                      "length=\"159711\" type=\"audio/mpeg\"/>"),
            std::string::npos)
      << feed;
  EXPECT_NE(feed.find("<itunes:duration>10</itunes:duration>"), std::string::npos);
  EXPECT_EQ(feed.find("<title>Two</title>"), std::string::npos)
      << "premium: not in the public feed";
  EXPECT_EQ(feed.find("podcast:funding"), std::string::npos) << "no donation page, no funding";
}

TEST(PodcastSite, APremiumEpisodesAudioIsNotPublished) {
  auto built = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(built) << built.error().ToString();
  EXPECT_FALSE(built->Has("/podcasts/close-up/two/two.mp3"));
  EXPECT_FALSE(built->Has("/podcasts/close-up/draft/dra.mp3"));
  const std::string two = built->Page("/podcasts/close-up/two/");
  EXPECT_EQ(two.find("<audio"), std::string::npos);
  EXPECT_EQ(two.find("two.mp3"), std::string::npos);
  EXPECT_NE(two.find("class=\"paywall\""), std::string::npos);
  EXPECT_NE(two.find("Notes for Two."), std::string::npos) << "show notes are for everyone";
}

TEST(PodcastSite, TheStaticSearchIndexHoldsEpisodesAndOnlyPublicTranscripts) {
  auto built = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(built) << built.error().ToString();
  // Every fragment of the static index, by the URL it links to.
  std::map<std::string, nlohmann::json> docs;
  for (int d = 0;; ++d) {
    const std::string path = "search/index/doc/" + std::to_string(d) + ".json.gz";
    auto it = built->files.find(path);
    if (it == built->files.end()) break;
    nlohmann::json doc = nlohmann::json::parse(FileText(path, it->second));
    docs[doc["url"].get<std::string>()] = doc;
  }
  ASSERT_TRUE(docs.count("/podcasts/close-up/one/")) << "a public episode is a document";
  const nlohmann::json& one = docs["/podcasts/close-up/one/"];
  EXPECT_EQ(one["title"], "One");
  EXPECT_EQ(one["kind"], "Close-Up · Episode 1");  // as the live search's result says it
  EXPECT_NE(one["body"].get<std::string>().find("TRANSCRIPT-WORDS"), std::string::npos);
  EXPECT_NE(one["body"].get<std::string>().find("Notes for One."), std::string::npos);
  EXPECT_NE(one["people"].get<std::string>().find("Maëlle Blackwood"), std::string::npos);
  ASSERT_TRUE(docs.count("/podcasts/close-up/two/")) << "a premium episode is found by its notes";
  EXPECT_NE(docs["/podcasts/close-up/two/"]["body"].get<std::string>().find("Notes for Two."),
            std::string::npos);
  EXPECT_FALSE(docs.count("/podcasts/close-up/draft/")) << "drafts are not published";
  // The index is public: a premium episode's transcript is nowhere in it.
  for (const auto& [path, bytes] : built->files) {
    if (path.rfind("search/index/", 0) != 0) continue;
    EXPECT_EQ(FileText(path, bytes).find("lockedtranscript"), std::string::npos) << path;
    EXPECT_EQ(FileText(path, bytes).find("LOCKEDTRANSCRIPT"), std::string::npos) << path;
  }
  // The word list finds the public transcript's words.
  bool found = false;
  for (const auto& [path, bytes] : built->files) {
    if (path.rfind("search/index/words/", 0) != 0) continue;
    found = found || nlohmann::json::parse(FileText(path, bytes)).contains("transcript");
  }
  EXPECT_TRUE(found);
  // Episodes are a kind of their own in the filters, as in the live search.
  const nlohmann::json kinds = nlohmann::json::parse(built->Page("/search/index/filter/kind.json"));
  ASSERT_TRUE(kinds.contains("podcasts")) << kinds;
  EXPECT_EQ(kinds["podcasts"].size(), 2u);  // one and two, not the draft
  EXPECT_NE(built->Page("/search/").find("<option value=\"podcasts\""), std::string::npos);
}

// The store the import wrote is what the live /search/ asks: its index holds the episodes as
// the static index does (the premium episode without its transcript), and the result is an
// episode's, with its show.
TEST(PodcastSite, TheLiveSearchFindsEpisodesAsTheStaticIndexDoes) {
  auto built = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(built) << built.error().ToString();
  auto store = built->OpenStore();
  ASSERT_TRUE(store) << store.error().ToString();
  auto find = [&](const std::string& text, const std::string& kind = "") {
    SearchQuery q;
    q.text = text;
    q.section = kind;
    q.now = 1'900'000'000;
    auto r = (*store)->Search(q);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? r->hits : std::vector<SearchHit>{};
  };
  auto hits = find("transcript words");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].show, "close-up");
  EXPECT_EQ(hits[0].show_title, "Close-Up");
  EXPECT_EQ(hits[0].slug, "one");
  EXPECT_EQ(hits[0].episode, 1);
  EXPECT_TRUE(find("lockedtranscript").empty()) << "a premium episode's transcript";
  EXPECT_EQ(find("notes", "podcasts").size(), 2u);
  EXPECT_TRUE(find("draft").empty());
  EXPECT_EQ(find("mountain").size(), 2u);  // the review, and the episode that discusses it
  EXPECT_EQ(find("mountain", "podcasts").size(), 1u);
}

// Show artwork on the pages is its stills (sizes for the box it fills); the feed keeps the
// original, which import checked is what Apple asks for.
TEST(PodcastSite, ShowArtworkIsServedAsStillsAndTheFeedKeepsTheOriginal) {
  auto built = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(built) << built.error().ToString();
  for (const char* path : {"/podcasts/", "/podcasts/close-up/"}) {
    const std::string page = built->Page(path);
    EXPECT_NE(page.find("<picture><source type=\"image/avif\" srcset=\"/_stills/"),
              std::string::npos)
        << path << page;
    EXPECT_NE(page.find("<source type=\"image/webp\""), std::string::npos) << path;
    EXPECT_NE(page.find(" sizes=\"(max-width: "), std::string::npos) << path;
    EXPECT_NE(page.find(" 1400w"), std::string::npos) << path;  // up to its own width
  }
  const std::string show = built->Page("/podcasts/close-up/");
  EXPECT_NE(show.find("alt=\"The artwork of Close-Up\" width=\"240\" height=\"240\""),
            std::string::npos)
      << show;
  EXPECT_NE(
      built->Page("/podcasts/close-up/feed.xml")
          .find("<itunes:image href=\"https://longtake.example/podcasts/close-up/cover.png\"/>"),
      std::string::npos);
  EXPECT_TRUE(built->Has("/podcasts/close-up/cover.png"));
}

TEST(PodcastSite, FilmsAndPeopleListTheEpisodesThatDiscussThem) {
  auto built = BuildFromStrings(kConfig, Magazine());
  ASSERT_TRUE(built) << built.error().ToString();
  const std::string film = built->Page("/films/after-the-mountain-2021/");
  EXPECT_NE(film.find("Discussed on our podcasts"), std::string::npos) << film;
  EXPECT_NE(film.find("href=\"/podcasts/close-up/one/\""), std::string::npos);
  const std::string person = built->Page("/people/maelle-blackwood/");
  EXPECT_NE(person.find("href=\"/podcasts/close-up/one/\""), std::string::npos) << person;
}

TEST(PodcastSite, AFundingLinkGoesToTheDonationPageWhenThereIsOne) {
  auto files = Magazine();
  files["content/donate.md"] = "---\ntitle: \"Donate\"\ndate: 2026-01-01\n---\nGive.\n";
  auto built = BuildFromStrings(kConfig, files);
  ASSERT_TRUE(built) << built.error().ToString();
  EXPECT_NE(built->Page("/podcasts/close-up/feed.xml")
                .find("<podcast:funding url=\"https://longtake.example/donate/\">"),
            std::string::npos);
}

TEST(PodcastSite, APremiumShowsPublicFeedHoldsItsTrailersOnly) {
  auto files = Magazine();
  std::string& show = files["content/podcasts/close-up/_index.md"];
  show.insert(show.rfind("---"), "access: [supporter]\n");
  files["content/podcasts/close-up/trailer.md"] =
      Episode("Trailer", "2026-01-15", "episode_type: trailer\n");
  files["content/podcasts/close-up/tra.mp3"] = TestMp3(50);
  auto built = BuildFromStrings(kConfig, files);
  ASSERT_TRUE(built) << built.error().ToString();
  ASSERT_TRUE(built->import_problems.empty()) << built->import_problems[0];
  const std::string feed = built->Page("/podcasts/close-up/feed.xml");
  EXPECT_NE(feed.find("<title>Trailer</title>"), std::string::npos) << feed;
  EXPECT_EQ(feed.find("<title>One</title>"), std::string::npos);
  EXPECT_TRUE(built->Has("/podcasts/close-up/trailer/tra.mp3"));
  EXPECT_FALSE(built->Has("/podcasts/close-up/one/one.mp3"));
  EXPECT_EQ(built->Page("/podcasts/close-up/one/").find("<audio"), std::string::npos);
  EXPECT_NE(built->Page("/podcasts/close-up/").find("class=\"paywall\""), std::string::npos);
}

TEST(PodcastSite, DonationsMakeTheDonationPageTheFeedsFundingAndAFooterLink) {
  auto built = BuildFromStrings(std::string(kConfig) +
                                    "\n[payments]\nprovider = \"stripe\"\n"
                                    "donation_amounts = [500, 2500]\ndonation_currency = \"jpy\"\n",
                                Magazine());
  ASSERT_TRUE(built) << built.error().ToString();
  const std::string page = built->Page("/donate/");
  EXPECT_NE(page.find("action=\"/donate/checkout/\""), std::string::npos) << page;
  EXPECT_NE(page.find("value=\"2500\""), std::string::npos);
  EXPECT_NE(page.find("¥2,500"), std::string::npos);  // yen have no minor unit
  EXPECT_NE(page.find("value=\"monthly\""), std::string::npos);
  EXPECT_NE(page.find("https://longtake.example/donate/"), std::string::npos);  // its JSON-LD
  EXPECT_NE(built->Page("/").find("href=\"/donate/\">Donate</a>"), std::string::npos);
  EXPECT_NE(built->Page("/podcasts/close-up/feed.xml")
                .find("<podcast:funding url=\"https://longtake.example/donate/\">"),
            std::string::npos);
  // Without donation amounts: no page, no link.
  auto off =
      BuildFromStrings(std::string(kConfig) + "\n[payments]\nprovider = \"stripe\"\n", Magazine());
  ASSERT_TRUE(off) << off.error().ToString();
  EXPECT_FALSE(off->Has("/donate/"));
  EXPECT_EQ(off->Page("/").find("/donate/"), std::string::npos);
}

TEST(PodcastSite, AFundingLinkFallsBackToTheConfiguredOne) {
  auto built = BuildFromStrings(
      std::string(kConfig) + "\n[podcasts]\nfunding_url = \"/membership/\"\n", Magazine());
  ASSERT_TRUE(built) << built.error().ToString();
  EXPECT_NE(built->Page("/podcasts/close-up/feed.xml")
                .find("<podcast:funding url=\"https://longtake.example/membership/\">"),
            std::string::npos);
}

}  // namespace
}  // namespace cinepress::testing
