// The search suites' fixture (tests only): a store of one engine, two writers, and short ways
// to save an article and to list the slugs a search finds.
// Contract: one per test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {

inline constexpr int64_t kNow = 1'750'000'000;

template <class Engine>
class SearchContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    Open();
    ASSERT_TRUE(store_->SaveAuthor(Author{"ana", "Ana Lindqvist", "", "", "", ""}));
    ASSERT_TRUE(store_->SaveAuthor(Author{"tomas", "Tomás Oyelaran", "", "", "", ""}));
  }
  static StoreOptions Options() {
    StoreOptions o;
    // A stand-in for the renderer's: drop Markdown's emphasis marks.
    o.markdown_to_text = [](std::string_view md) {
      std::string out;
      for (char c : md) {
        if (c != '*' && c != '_') out += c;
      }
      return out;
    };
    return o;
  }
  Result<std::unique_ptr<ContentStore>> OpenWith(StoreOptions options) {
    return OpenContentStore(engine_.file(), engine_.With(std::move(options)));
  }
  // The store again, with search turned off (the index is marked to be made again).
  void OpenWithoutSearch() {
    store_.reset();
    StoreOptions off;
    off.search_index = false;
    auto s = OpenWith(off);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  void Open() {
    auto s = OpenWith(Options());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  int64_t Save(std::string slug, std::string title, std::string body,
               std::string section = "reviews", int64_t date = kNow - 86400,
               std::vector<std::string> authors = {"ana"}) {
    Article a;
    a.section = std::move(section);
    a.slug = std::move(slug);
    a.title = std::move(title);
    a.body_markdown = std::move(body);
    a.date = date;
    a.author_ids = std::move(authors);
    a.source_path = "content/" + a.section + "/" + a.slug + ".md";
    auto id = store_->SaveArticle(a);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }
  // A podcast show ("" access: public) and an episode of it, found by its title, summary, show
  // notes (`notes`), transcript, people and films.
  void SaveShow(std::string key, std::string title, std::string access = "") {
    PodcastShow s;
    s.key = std::move(key);
    s.title = std::move(title);
    s.access = std::move(access);
    s.source_path = "content/podcasts/" + s.key + "/_index.md";
    ASSERT_TRUE(store_->SavePodcastShow(s));
  }
  PodcastEpisode Episode(std::string show, std::string slug, std::string title, std::string notes,
                         std::string transcript = "") {
    PodcastEpisode e;
    e.show = std::move(show);
    e.slug = std::move(slug);
    e.source = e.slug + ".md";
    e.guid = e.show + "-" + e.slug;
    e.title = std::move(title);
    e.notes_markdown = std::move(notes);
    e.transcript_text = std::move(transcript);
    e.date = kNow - 3600;
    return e;
  }
  void SaveEpisode(const PodcastEpisode& e) {
    auto guid = store_->SavePodcastEpisode(e);
    ASSERT_TRUE(guid.ok()) << guid.error().ToString();
  }
  std::vector<SearchHit> Hits(SearchQuery q) {
    if (q.now == 0) q.now = kNow;
    auto r = store_->Search(q);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? r->hits : std::vector<SearchHit>{};
  }
  std::vector<std::string> Slugs(SearchQuery q) {
    if (q.now == 0) q.now = kNow;
    auto r = store_->Search(q);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const SearchHit& h : r->hits) out.push_back(h.slug);
    }
    return out;
  }
  std::vector<std::string> Slugs(std::string text) {
    SearchQuery q;
    q.text = std::move(text);
    return Slugs(q);
  }
  Engine engine_;
  std::unique_ptr<ContentStore> store_;
};

}  // namespace cinepress
