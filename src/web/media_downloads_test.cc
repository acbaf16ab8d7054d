#include "web/media_downloads.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/open_store.h"

namespace cinepress {
namespace {

HttpRequest Get(std::string target) {
  HttpRequest r;
  r.method = "GET";
  r.target = std::move(target);
  r.remote_address = "192.0.2.7";
  r.headers = {{"user-agent", "Overcast/3.0"}};
  return r;
}

TEST(MediaRequestOf, TheWholeFilesSizeAndWhatWasDelivered) {
  HttpResponse part;
  part.status = 206;
  part.Set("Content-Range", "bytes 0-1/20000000");
  part.length = 2;
  part.body_sent = 2;
  MediaRequest m = MediaRequestOf(Get("/podcasts/talk/one.mp3?from=feed"), part, 1000);
  EXPECT_EQ(m.path, "/podcasts/talk/one.mp3");
  EXPECT_EQ(m.file_size, 20'000'000);
  EXPECT_EQ(m.delivered, 2);
  EXPECT_EQ(m.address, "192.0.2.7");
  EXPECT_EQ(m.user_agent, "Overcast/3.0");
  EXPECT_EQ(m.at, 1000);

  HttpResponse whole;
  whole.body = std::make_shared<const std::string>(300, 'a');
  whole.body_sent = 120;  // the client left early
  m = MediaRequestOf(Get("/podcasts/talk/short.mp3"), whole, 1000);
  EXPECT_EQ(m.file_size, 300);
  EXPECT_EQ(m.delivered, 120);
}

// A 1000-byte media file sent whole.
HttpResponse WholeMedia() {
  HttpResponse media;
  media.label = "media";
  media.body = std::make_shared<const std::string>(1000, 'a');
  media.body_sent = 1000;
  return media;
}

// Only responses labelled "media" are looked at, and what counted reaches the store (a real
// SQLite store) at the latest when the counter stops; a store that cannot be opened is reported.
TEST(MediaDownloads, CountsMediaResponsesAndWritesThemToTheStore) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cinepress-downloads-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto file = dir / "cinepress.db";
  bool store_there = false;
  MediaDownloadsOptions options;
  options.now = [] { return int64_t{1'796'558'400}; };
  options.open_store = [&]() -> Result<std::unique_ptr<ContentStore>> {
    if (!store_there) return Error{ErrorCode::kStore, "no store yet", {}, 0, {}};
    return OpenContentStore(file, {});
  };
  std::vector<Error> errors;
  options.on_error = [&errors](const Error& e) { errors.push_back(e); };
  options.flush_interval = std::chrono::hours(1);  // only Stop flushes here
  {
    MediaDownloads downloads(options);
    downloads.Start();
    HttpResponse media = WholeMedia();
    downloads.Observe(Get("/podcasts/talk/one.mp3"), media);
    HttpResponse page = media;
    page.label = "article";
    downloads.Observe(Get("/podcasts/talk/two.mp3"), page);
    downloads.Stop();
  }
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "no store yet");

  store_there = true;
  ASSERT_TRUE(OpenContentStore(file, {}).ok());
  {
    MediaDownloads downloads(options);
    downloads.Start();
    HttpResponse media = WholeMedia();
    downloads.Observe(Get("/podcasts/talk/one.mp3"), media);
    downloads.Stop();
  }
  auto rows = (*OpenContentStore(file, {}))->LoadDownloads("");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].path, "/podcasts/talk/one.mp3");
  EXPECT_EQ((*rows)[0].at, 1'796'558'400);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cinepress
