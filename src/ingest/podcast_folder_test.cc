#include "ingest/podcast_folder.h"

#include <gtest/gtest.h>

#include <fstream>

#include "ingest/markdown_folder.h"
#include "podcast/test_media.h"
#include "store/open_store.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

const char* kShow = R"md(---
title: "Close-Up"
description: "Conversations about films."
author: "The Magazine"
hosts: ["Nia Bianchi"]
owner_email: "podcast@example.org"
category: "TV & Film"
subcategory: "Film Interviews"
image: "cover.png"
---
)md";

const char* kEpisode = R"md(---
title: "On slow cinema"
date: 2024-03-01
audio: "first.mp3"
episode: 1
season: 1
duration: 9999
guests: ["Ana Guest"]
films: ["After the Mountain (2021)"]
chapters:
  - {start: "0:00", title: "Hello"}
  - {start: "0:05", title: "The film", url: "https://example.org/"}
transcript: "first.vtt"
---
The show notes.
)md";

class PodcastImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("cinepress-podcast-import-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "src/content/podcasts/close-up");
    store_ = std::move(*OpenContentStore(root_ / "site.db", {}));
    Write("content/podcasts/close-up/_index.md", kShow);
    Write("content/podcasts/close-up/first.md", kEpisode);
    Write("content/podcasts/close-up/first.mp3", TestMp3(383));
    Write("content/podcasts/close-up/first.vtt",
          "WEBVTT\n\n00:00.000 --> 00:04.000\n<v Nia Bianchi>Hello and welcome.\n");
    Write("content/podcasts/close-up/cover.png", TestPng(1400, 1400, true));
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }
  fs::path Dir() const { return root_ / "src/content/podcasts/close-up"; }
  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(root_ / "src" / rel, std::ios::binary) << text;
  }
  Result<ImportReport> Import(bool prune = false) {
    ImportOptions o;
    o.prune = prune;
    return ImportFolder(*store_, root_ / "src", *TimeZone::Named("UTC"), o);
  }
  std::string Problems(const ImportReport& r) {
    std::string out;
    for (const Error& e : r.problems) out += e.ToString() + "\n";
    return out;
  }
  fs::path root_;
  std::unique_ptr<ContentStore> store_;
};

TEST_F(PodcastImportTest, ImportsAShowAndItsEpisodesWithFactsReadFromTheAudio) {
  auto r = Import();
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_TRUE(r->problems.empty()) << Problems(*r);
  EXPECT_EQ(r->podcasts_saved, 2u);
  EXPECT_EQ(r->added, 0u) << "episodes are not articles";
  auto shows = *store_->LoadPodcastShows();
  ASSERT_EQ(shows.size(), 1u);
  EXPECT_EQ(shows[0].image, "/podcasts/close-up/cover.png");
  EXPECT_EQ(shows[0].owner_name, "The Magazine");
  auto episodes = *store_->LoadPodcastEpisodes();
  ASSERT_EQ(episodes.size(), 1u);
  const PodcastEpisode& e = episodes[0];
  EXPECT_EQ(e.slug, "first");
  EXPECT_EQ(e.duration, 10) << "from the file, not the front matter's 9999";
  EXPECT_EQ(e.audio_size, 383 * 417);
  EXPECT_EQ(e.audio_mime, "audio/mpeg");
  EXPECT_EQ(e.audio, "/podcasts/close-up/first/first.mp3");
  EXPECT_EQ(e.hosts, std::vector<std::string>{"Nia Bianchi"}) << "the show's hosts";
  ASSERT_EQ(e.chapters.size(), 2u);
  EXPECT_EQ(e.chapters[1].start, 5);
  EXPECT_EQ(e.transcript_text, "Nia Bianchi: Hello and welcome.");
  EXPECT_EQ(e.notes_markdown, "The show notes.\n");
  EXPECT_EQ(e.guid.size(), 36u);
  EXPECT_EQ(store_->LoadMediaData("podcasts/close-up/first/first.mp3")->size(), 383u * 417);
  EXPECT_TRUE(store_->LoadMediaData("podcasts/close-up/cover.png").ok());
}

TEST_F(PodcastImportTest, AnEpisodeKeepsItsGuidWhenItsSlugChanges) {
  ASSERT_TRUE(Import().ok());
  const std::string guid = store_->LoadPodcastEpisodes()->at(0).guid;
  std::string moved = kEpisode;
  moved.insert(4, "slug: \"slow-cinema\"\n");
  Write("content/podcasts/close-up/first.md", moved);
  auto r = Import(/*prune=*/true);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->problems.empty()) << Problems(*r);
  auto episodes = *store_->LoadPodcastEpisodes();
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].slug, "slow-cinema");
  EXPECT_EQ(episodes[0].guid, guid);
  EXPECT_EQ(episodes[0].audio, "/podcasts/close-up/slow-cinema/first.mp3");
  EXPECT_FALSE(store_->LoadMediaData("podcasts/close-up/first/first.mp3").ok())
      << "the old address's file is pruned";
}

TEST_F(PodcastImportTest, RefusesAudioThatIsNotWhatItClaimsNamingFileLineAndField) {
  Write("content/podcasts/close-up/first.mp3", "ID3 but then just some words, no frames");
  auto r = Import();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->written);
  const std::string p = Problems(*r);
  EXPECT_NE(p.find("content/podcasts/close-up/first.md:4: audio:"), std::string::npos) << p;
  Write("content/podcasts/close-up/first.mp3", "plain text");
  r = Import();
  EXPECT_NE(Problems(*r).find("not the audio/mpeg audio its name says"), std::string::npos)
      << Problems(*r);
}

TEST_F(PodcastImportTest, ChecksTheShowsCategoryArtworkAndRequiredFields) {
  std::string show = kShow;
  show.replace(show.find("Film Interviews"), 15, "Horror");
  show.replace(show.find("owner_email"), 11, "owner_mail");
  Write("content/podcasts/close-up/_index.md", show);
  Write("content/podcasts/close-up/cover.png", TestPng(800, 800, true));
  auto r = Import();
  ASSERT_TRUE(r.ok());
  const std::string p = Problems(*r);
  EXPECT_NE(p.find("_index.md:8: subcategory: \"Horror\" is not one of Apple's"), std::string::npos)
      << p;
  EXPECT_NE(p.find("owner_email: a show needs its owner's email"), std::string::npos) << p;
  EXPECT_NE(p.find("image: the artwork must be 1400 to 3000 pixels"), std::string::npos) << p;
  EXPECT_FALSE(r->written);
}

TEST_F(PodcastImportTest, ChecksEpisodeFields) {
  Write("content/podcasts/close-up/second.md",
        "---\ntitle: Two\ndate: 2024-03-02\naudio: ../x.mp3\nepisode_type: teaser\n"
        "chapters:\n  - {start: \"0:09\", title: A}\n  - {start: \"0:05\", title: B}\n"
        "transcript: first.mp3\n---\n");
  auto r = Import();
  ASSERT_TRUE(r.ok());
  const std::string p = Problems(*r);
  EXPECT_NE(p.find("second.md:4: audio: \"../x.mp3\" is not a file in the show's folder"),
            std::string::npos)
      << p;
  EXPECT_NE(p.find("second.md:5: episode_type: must be full, trailer or bonus"), std::string::npos);
  EXPECT_NE(p.find("chapters.start: chapters must be in order"), std::string::npos);
  EXPECT_NE(p.find("transcript: a transcript is a WebVTT"), std::string::npos);
}

}  // namespace
}  // namespace cinepress
