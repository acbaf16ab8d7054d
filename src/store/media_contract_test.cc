// Media kept in chunks and read a piece at a time, and counted downloads: the ContentStore
// contract for them, run against every engine (SQLite and PostgreSQL).
#include <gtest/gtest.h>

#include <sstream>

#include "core/text.h"
#include "store/media_rows.h"
#include "store/open_store.h"
#include "store/store_test_engines.h"

namespace cinepress {
namespace {

template <class Engine>
class MediaContract : public ::testing::Test {
 protected:
  void SetUp() override {
    CINEPRESS_SET_UP_ENGINE(engine_);
    auto s = OpenContentStore(engine_.file(), engine_.With({}));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  Engine engine_;
  std::unique_ptr<ContentStore> store_;
};

TYPED_TEST_SUITE(MediaContract, StoreEngines, EngineName);

constexpr size_t kChunk = ContentStore::kMediaChunkBytes;

// Bytes that differ from chunk to chunk and hold every byte value.
std::string Audio(size_t size) {
  std::string out(size, '\0');
  uint32_t x = 2463534242u;
  for (char& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return out;
}

TYPED_TEST(MediaContract, ALargeFileIsReadChunkByChunk) {
  const std::string audio = Audio(4 * kChunk + 1000);
  ASSERT_TRUE(this->store_->SaveMedia("podcasts/talk/one.mp3", audio));
  auto file = this->store_->LoadMediaFile("podcasts/talk/one.mp3");
  ASSERT_TRUE(file.ok()) << file.error().ToString();
  EXPECT_EQ(file->size, static_cast<int64_t>(audio.size()));
  EXPECT_EQ(file->hash, ContentHash(audio));
  EXPECT_GT(file->modified, 0);

  // A read stops at the end of the chunk that holds its first byte.
  auto first = this->store_->ReadMedia(file->hash, 0, 1 << 30);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(*first, audio.substr(0, kChunk));
  EXPECT_EQ(*this->store_->ReadMedia(file->hash, kChunk - 3, 1 << 30), audio.substr(kChunk - 3, 3));
  EXPECT_EQ(*this->store_->ReadMedia(file->hash, 1000, 10), audio.substr(1000, 10));
  const int64_t last = file->size - 1;
  EXPECT_EQ(*this->store_->ReadMedia(file->hash, last, 100), audio.substr(audio.size() - 1));
  EXPECT_EQ(*this->store_->ReadMedia(file->hash, file->size, 100), "");
  EXPECT_EQ(*this->store_->ReadMedia(file->hash, file->size + 5 * kChunk, 100), "");

  // Reads that follow one another give the whole file back.
  std::string whole;
  for (;;) {
    auto piece = this->store_->ReadMedia(file->hash, static_cast<int64_t>(whole.size()), 100000);
    ASSERT_TRUE(piece.ok());
    if (piece->empty()) break;
    whole += *piece;
  }
  EXPECT_EQ(whole, audio);
  EXPECT_EQ(*this->store_->LoadMediaData("podcasts/talk/one.mp3"), audio);
  auto problems = CheckStoredMedia(*this->store_);
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems->empty());
}

TYPED_TEST(MediaContract, AFileIsStoredFromAStreamAChunkAtATime) {
  const std::string audio = Audio(2 * kChunk + 7);
  std::istringstream in(audio);
  ASSERT_TRUE(this->store_->SaveMediaFrom("podcasts/talk/stream.mp3", in));
  auto file = this->store_->LoadMediaFile("podcasts/talk/stream.mp3");
  ASSERT_TRUE(file.ok()) << file.error().ToString();
  EXPECT_EQ(file->size, static_cast<int64_t>(audio.size()));
  EXPECT_EQ(file->hash, ContentHash(audio));
  EXPECT_EQ(*this->store_->LoadMediaData("podcasts/talk/stream.mp3"), audio);
  EXPECT_EQ(*this->store_->ReadMedia(file->hash, 2 * kChunk, 100), audio.substr(2 * kChunk));
  std::istringstream empty("");
  ASSERT_TRUE(this->store_->SaveMediaFrom("podcasts/talk/empty.mp3", empty));
  EXPECT_EQ(this->store_->LoadMediaFile("podcasts/talk/empty.mp3")->size, 0);
}

// A stream whose bytes change once it is rewound: a file written to while it is being stored.
class ChangingBuffer : public std::stringbuf {
 public:
  ChangingBuffer(const std::string& first, std::string second)
      : std::stringbuf(first), second_(std::move(second)) {}

 protected:
  pos_type seekpos(pos_type at, std::ios_base::openmode which) override {
    str(second_);
    return std::stringbuf::seekpos(at, which);
  }

 private:
  std::string second_;
};

TYPED_TEST(MediaContract, AFileThatChangesWhileStoredIsRefusedAndNothingIsStored) {
  std::string changed = Audio(kChunk + 10);
  changed[kChunk + 3] ^= 1;
  ChangingBuffer buffer(Audio(kChunk + 10), changed);
  std::istream in(&buffer);
  auto s = this->store_->SaveMediaFrom("podcasts/talk/moving.mp3", in);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("changed while it was stored"), std::string::npos)
      << s.error().ToString();
  EXPECT_EQ(this->store_->LoadMediaFile("podcasts/talk/moving.mp3").error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(this->store_->LoadMediaList()->empty());
}

TYPED_TEST(MediaContract, ReplacedContentIsGoneForItsReaders) {
  ASSERT_TRUE(this->store_->SaveMedia("podcasts/talk/two.mp3", Audio(kChunk + 1)));
  const std::string old_hash = this->store_->LoadMediaFile("podcasts/talk/two.mp3")->hash;
  ASSERT_TRUE(this->store_->SaveMedia("podcasts/talk/two.mp3", "a new cut"));
  auto file = this->store_->LoadMediaFile("podcasts/talk/two.mp3");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->size, 9);
  EXPECT_EQ(*this->store_->ReadMedia(file->hash, 0, 100), "a new cut");
  auto gone = this->store_->ReadMedia(old_hash, 0, 100);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store_->LoadMediaFile("podcasts/talk/none.mp3").error().code,
            ErrorCode::kNotFound);
}

TYPED_TEST(MediaContract, AnEmptyFileHasNoBytes) {
  ASSERT_TRUE(this->store_->SaveMedia("files/empty.txt", ""));
  auto file = this->store_->LoadMediaFile("files/empty.txt");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->size, 0);
  EXPECT_EQ(*this->store_->ReadMedia(file->hash, 0, 100), "");
  EXPECT_EQ(*this->store_->LoadMediaData("files/empty.txt"), "");
}

TYPED_TEST(MediaContract, SavingTheSameBytesAgainKeepsTheModifiedTime) {
  ASSERT_TRUE(this->store_->SaveMedia("images/a.jpg", "JPEG"));
  auto first = this->store_->LoadMediaFile("images/a.jpg");
  ASSERT_TRUE(first.ok());
  auto version = this->store_->DataVersion();
  ASSERT_TRUE(this->store_->SaveMedia("images/a.jpg", "JPEG"));
  EXPECT_EQ(this->store_->LoadMediaFile("images/a.jpg")->modified, first->modified);
  EXPECT_EQ(*this->store_->DataVersion(), *version);  // nothing changed: no reload anywhere
}

TYPED_TEST(MediaContract, DownloadsAreSavedInBatchesAndLoadedByPathPrefix) {
  std::vector<MediaDownload> batch = {
      {100, "/podcasts/talk/one.mp3", "c1", 5'000'000},
      {50, "/podcasts/talk/two.mp3", "c2", 1'000'000},
      {70, "/podcasts/other/one.mp3", "c1", 2'000'000},
      {80, "/podcasts/ta%k/x.mp3", "c3", 1},  // a prefix is text, not a pattern
  };
  ASSERT_TRUE(this->store_->SaveDownloads(batch));
  ASSERT_TRUE(this->store_->SaveDownloads({}));
  auto version = this->store_->DataVersion();
  auto talk = this->store_->LoadDownloads("/podcasts/talk/");
  ASSERT_TRUE(talk.ok()) << talk.error().ToString();
  ASSERT_EQ(talk->size(), 2u);
  EXPECT_EQ((*talk)[0], batch[1]);  // oldest first
  EXPECT_EQ((*talk)[1], batch[0]);
  EXPECT_EQ(this->store_->LoadDownloads("")->size(), 4u);
  EXPECT_EQ(this->store_->LoadDownloads("/podcasts/ta%")->size(), 1u);
  // Downloads are not content: saving them reloads no site.
  ASSERT_TRUE(this->store_->SaveDownloads({{200, "/podcasts/talk/one.mp3", "c9", 9}}));
  EXPECT_EQ(*this->store_->DataVersion(), *version);
}

// The media library's details: saved, replaced by path, listed newest first, deleted; not
// content (the data version does not move: no page shows them).
TYPED_TEST(MediaContract, MediaDetailsAreSavedReplacedListedAndDeleted) {
  const auto version = this->store_->DataVersion();
  ASSERT_TRUE(version.ok());
  MediaDetails older{
      "uploads/2026/12/a.jpg", "A lamp", "", "", "ed@mag.example", "image/jpeg", 640, 480, 100};
  MediaDetails newer{"uploads/2026/12/b.png",
                     "Two chairs “quoted”",
                     "On set.",
                     "Photo: Ana",
                     "cy@mag.example",
                     "image/png",
                     1200,
                     800,
                     200};
  ASSERT_TRUE(this->store_->SaveMediaDetails(older));
  ASSERT_TRUE(this->store_->SaveMediaDetails(newer));
  auto all = this->store_->LoadMediaDetails();
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  EXPECT_EQ(*all, (std::vector<MediaDetails>{newer, older}));

  older.alt = "A lamp, lit";
  older.caption = "Night.";
  ASSERT_TRUE(this->store_->SaveMediaDetails(older));
  all = this->store_->LoadMediaDetails();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1], older);

  ASSERT_TRUE(this->store_->DeleteMediaDetails(newer.path));
  ASSERT_TRUE(this->store_->DeleteMediaDetails("uploads/none.jpg"));
  EXPECT_EQ(*this->store_->LoadMediaDetails(), std::vector<MediaDetails>{older});
  EXPECT_EQ(*this->store_->DataVersion(), *version);
}

}  // namespace
}  // namespace cinepress
