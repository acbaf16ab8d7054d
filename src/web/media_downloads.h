// MediaDownloads: podcast downloads counted from the server's finished responses (the
// downloads module decides what counts) and written to the store in batches, once a second,
// by a thread of its own, so that no request waits for the database and several nodes count
// into one table.
// Contract: Observe is thread-safe and quick (the server's threads call it after each response);
// Start and Stop are called once, from the thread that owns this; Stop writes what is left.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "content/content_store.h"
#include "downloads/downloads.h"
#include "http/message.h"

namespace cinepress {

// What the downloads module needs of a finished media response: the whole file's size (from
// Content-Range for a part), the body bytes that reached the client, who asked.
MediaRequest MediaRequestOf(const HttpRequest& request, const HttpResponse& response, int64_t now);

struct MediaDownloadsOptions {
  std::function<Result<std::unique_ptr<ContentStore>>()> open_store;
  std::chrono::milliseconds flush_interval{1000};
  std::function<int64_t()> now;  // default: the clock
  // Told of a batch that could not be written (it is kept and tried again).
  std::function<void(const Error&)> on_error;
};

class MediaDownloads {
 public:
  explicit MediaDownloads(MediaDownloadsOptions options);
  ~MediaDownloads();
  void Start();
  void Stop();
  void Observe(const HttpRequest& request, const HttpResponse& response);

 private:
  Status Save(const std::vector<MediaDownload>& batch);
  void Run();

  MediaDownloadsOptions options_;
  DownloadCounter counter_;
  std::unique_ptr<ContentStore> store_;  // the flushing thread's
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace cinepress
