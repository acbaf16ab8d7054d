// A magazine moved between the engines: every table arrives, verified; a second copy writes
// nothing; the copy can be searched and read as the original.
#include "store/store_copy.h"

#include <gtest/gtest.h>

#include "store/media_rows.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

class StoreCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(sqlite_);
    CINEPRESS_SET_UP_ENGINE(pg_);
    CINEPRESS_SET_UP_ENGINE(back_);
  }
  static StoreAddress Of(const SqliteTestEngine& e) { return StoreAddress{e.file(), {}}; }
  static StoreAddress Of(const PgTestEngine& e) { return StoreAddress{e.file(), e.With({})}; }

  // A small magazine in every role: content, media, a comment, newsletter readers, a member.
  void Fill(const StoreAddress& a) {
    auto content = OpenContentStore(a.file, a.options);
    ASSERT_TRUE(content.ok()) << content.error().ToString();
    ContentStore& c = **content;
    ASSERT_TRUE(c.SaveAuthor(Author{"ana", "Ana Lindqvist", "Critic", "", "", "Writes."}));
    ASSERT_TRUE(c.SaveSection(Section{"reviews", "Reviews", "", ""}));
    Article r;
    r.section = "reviews";
    r.slug = "harbour";
    r.title = "Harbour Lights";
    r.date = 1'700'000'000;
    r.author_ids = {"ana"};
    r.body_markdown = "A night on the quay, and Kieślowski's long takes.";
    r.source_path = "content/reviews/harbour.md";
    auto id = c.SaveArticle(r);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    std::string image;
    for (int i = 0; i < 256; ++i) image += static_cast<char>(i);
    ASSERT_TRUE(c.SaveMedia("images/harbour.jpg", image));
    ASSERT_TRUE(c.SaveMedia("podcasts/talk/one.mp3", Episode()));
    PodcastShow show;
    show.key = "talk";
    show.title = "Talk";
    ASSERT_TRUE(c.SavePodcastShow(show));
    PodcastEpisode e;
    e.show = "talk";
    e.source = "one.md";
    e.guid = "talk-one";
    e.slug = "one";
    e.title = "One";
    e.date = 1'700'000'000;
    e.transcript_text = "The cormorant dives.";
    ASSERT_TRUE(c.SavePodcastEpisode(e).ok());
    ASSERT_TRUE(c.SaveDownloads({{1'700'000'200, "/podcasts/talk/one.mp3", "c1", 600'000}}));
    ASSERT_TRUE(c.SaveComment(Comment{*id, "wp:1", "", "Rui", "", "", 1'700'000'100, "<p>Yes.</p>",
                                      "approved", "comment"}));
    ASSERT_TRUE(c.SaveRedirect(UrlRedirect{"/?p=1", *id, ""}));
    auto news = OpenNewsletterStore(a.file, a.options);
    ASSERT_TRUE(news.ok()) << news.error().ToString();
    auto reader = (*news)->UpsertSubscriber("reader@example.com", "Zoë", 10);
    ASSERT_TRUE(reader.ok());
    ASSERT_TRUE((*news)->SetSubscription(*reader, "weekly", SubscriptionState::kConfirmed,
                                         Consent{10, "192.0.2.1", "test"}, 10));
    ASSERT_TRUE((*news)->SiteSecret("links", 32).ok());
    auto members = OpenMemberStore(a.file, a.options);
    ASSERT_TRUE(members.ok()) << members.error().ToString();
    Member m;
    m.email = "member@example.com";
    m.created = 10;
    auto mid = (*members)->InsertMember(m);
    ASSERT_TRUE(mid.ok());
    ASSERT_TRUE(
        (*members)->InsertSession(MemberSession{std::string(32, '\xfe'), *mid, 10, 99, false}));
  }

  // Three chunks of an episode's audio.
  static std::string Episode() {
    std::string audio(2 * ContentStore::kMediaChunkBytes + 99, 'a');
    for (size_t i = 0; i < audio.size(); i += 1000) audio[i] = static_cast<char>(i / 1000);
    return audio;
  }

  static std::vector<std::string> Found(const StoreAddress& a, const std::string& text) {
    auto store = OpenContentStore(a.file, a.options);
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    std::vector<std::string> out;
    if (!store.ok()) return out;
    SearchQuery q;
    q.text = text;
    q.now = 1'800'000'000;
    auto r = (*store)->Search(q);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    if (r.ok()) {
      for (const SearchHit& h : r->hits) out.push_back(h.slug);
    }
    return out;
  }

  SqliteTestEngine sqlite_, back_;
  PgTestEngine pg_;
};

TEST_F(StoreCopyTest, SqliteToPostgresAndBackKeepsEveryRow) {
  Fill(Of(sqlite_));
  auto there = CopyStore(Of(sqlite_), Of(pg_));
  ASSERT_TRUE(there.ok()) << there.error().ToString();
  EXPECT_TRUE(there->changed);
  auto source = HashStore(Of(sqlite_)), target = HashStore(Of(pg_));
  ASSERT_TRUE(source.ok() && target.ok());
  ASSERT_EQ(source->size(), target->size());
  int64_t rows = 0;
  for (size_t i = 0; i < source->size(); ++i) {
    EXPECT_EQ((*source)[i].rows, (*target)[i].rows) << (*source)[i].table;
    EXPECT_EQ((*source)[i].hash, (*target)[i].hash) << (*source)[i].table;
    rows += (*source)[i].rows;
  }
  EXPECT_GE(rows, 12);

  // A second run finds the same rows and writes nothing.
  auto again = CopyStore(Of(sqlite_), Of(pg_));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_FALSE(again->changed);

  // The copy is a magazine: searched (its index made on open), read, its media whole.
  EXPECT_EQ(Found(Of(pg_), "kieslowski"), std::vector<std::string>{"harbour"});
  EXPECT_EQ(Found(Of(pg_), "cormorant"), std::vector<std::string>{"one"});  // episodes too
  auto pg = OpenContentStore(pg_.file(), pg_.With({}));
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ((*pg)->LoadMediaData("images/harbour.jpg")->size(), 256u);
  EXPECT_EQ(*(*pg)->LoadMediaData("podcasts/talk/one.mp3"), Episode());
  EXPECT_TRUE(CheckStoredMedia(**pg)->empty());
  EXPECT_EQ((*pg)->LoadDownloads("/podcasts/")->size(), 1u);
  auto members = OpenMemberStore(pg_.file(), pg_.With({}));
  ASSERT_TRUE(members.ok());
  auto m = (*members)->FindMember("MEMBER@example.com");
  ASSERT_TRUE(m.ok() && m->has_value());
  Member next;  // identities go on after the copied ids
  next.email = "second@example.com";
  next.created = 20;
  auto id = (*members)->InsertMember(next);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_GT(*id, (*m)->id);

  // And back, into a new SQLite file.
  auto back = CopyStore(Of(pg_), Of(back_));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(Found(Of(back_), "quay"), std::vector<std::string>{"harbour"});
  EXPECT_EQ(Found(Of(back_), "cormorant"), std::vector<std::string>{"one"});
  auto final_hashes = HashStore(Of(back_)), pg_hashes = HashStore(Of(pg_));
  ASSERT_TRUE(final_hashes.ok() && pg_hashes.ok());
  for (size_t i = 0; i < final_hashes->size(); ++i) {
    EXPECT_EQ((*final_hashes)[i].hash, (*pg_hashes)[i].hash) << (*final_hashes)[i].table;
  }
}

TEST(StoreAddress, AUrlIsPostgresAnythingElseAFile) {
  EXPECT_EQ(ParseStoreAddress("postgresql://db/mag").options.url, "postgresql://db/mag");
  EXPECT_EQ(ParseStoreAddress("postgres://db/mag").options.url, "postgres://db/mag");
  const StoreAddress file = ParseStoreAddress("site/cinepress.db");
  EXPECT_EQ(file.options.url, "");
  EXPECT_EQ(file.file, "site/cinepress.db");
}

}  // namespace
}  // namespace cinepress
