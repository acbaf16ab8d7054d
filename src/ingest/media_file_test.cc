#include "ingest/media_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/text.h"
#include "store/open_store.h"

namespace cinepress {
namespace {

namespace fs = std::filesystem;

TEST(StoreMediaFile, AddsUpdatesAndLeavesAloneTheSameBytes) {
  const fs::path root =
      fs::temp_directory_path() / ("cinepress-media-file-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  auto store = std::move(*OpenContentStore(root / "site.db", {}));
  const std::string first(ContentStore::kMediaChunkBytes * 2 + 11, 'a');
  ASSERT_TRUE(WriteFile(root / "ep.mp3", first));

  auto added = StoreMediaFile(*store, "podcasts/s/ep.mp3", root / "ep.mp3", nullptr);
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  EXPECT_EQ(added->change, MediaChange::kAdded);
  EXPECT_EQ(added->hash, ContentHash(first));
  EXPECT_EQ(*store->LoadMediaData("podcasts/s/ep.mp3"), first);

  auto same = StoreMediaFile(*store, "podcasts/s/ep.mp3", root / "ep.mp3", &added->hash);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->change, MediaChange::kUnchanged);

  const std::string second = first + "b";
  ASSERT_TRUE(WriteFile(root / "ep.mp3", second));
  auto updated = StoreMediaFile(*store, "podcasts/s/ep.mp3", root / "ep.mp3", &added->hash);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->change, MediaChange::kUpdated);
  EXPECT_EQ(*store->LoadMediaData("podcasts/s/ep.mp3"), second);

  auto missing = StoreMediaFile(*store, "podcasts/s/gone.mp3", root / "gone.mp3", nullptr);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().file, (root / "gone.mp3").string());
  store.reset();
  fs::remove_all(root);
}

}  // namespace
}  // namespace cinepress
