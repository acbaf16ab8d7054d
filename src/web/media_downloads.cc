#include "web/media_downloads.h"

#include <charconv>

#include "core/dates.h"

namespace cinepress {

MediaRequest MediaRequestOf(const HttpRequest& req, const HttpResponse& resp, int64_t now) {
  MediaRequest m;
  m.at = now;
  m.path = std::string(req.Path());
  m.method = req.method;
  m.status = resp.status;
  m.address = req.remote_address;
  m.user_agent = std::string(req.Header("user-agent"));
  m.delivered = static_cast<int64_t>(resp.body_sent);
  m.file_size = static_cast<int64_t>(resp.BodySize());
  // A part: "bytes 0-1/20000000" names the whole file's size.
  std::string_view range = resp.Header("Content-Range");
  if (size_t slash = range.rfind('/'); slash != std::string_view::npos) {
    std::from_chars(range.data() + slash + 1, range.data() + range.size(), m.file_size);
  }
  return m;
}

MediaDownloads::MediaDownloads(MediaDownloadsOptions options)
    : options_(std::move(options)),
      counter_(DownloadCounterOptions{
          {"/podcasts/"}, [this](const std::vector<MediaDownload>& b) { return Save(b); }}) {
  if (!options_.now) options_.now = [] { return NowSeconds(); };
}

MediaDownloads::~MediaDownloads() { Stop(); }

void MediaDownloads::Observe(const HttpRequest& request, const HttpResponse& response) {
  if (std::string_view(response.label) != "media") return;
  counter_.Offer(MediaRequestOf(request, response, options_.now()));
}

Status MediaDownloads::Save(const std::vector<MediaDownload>& batch) {
  if (!store_) {
    auto store = options_.open_store();
    if (!store) return store.error();
    store_ = std::move(*store);
  }
  Status s = store_->SaveDownloads(batch);
  if (!s) store_.reset();  // a new connection next time
  return s;
}

void MediaDownloads::Start() {
  thread_ = std::thread([this] { Run(); });
}

void MediaDownloads::Run() {
  for (;;) {
    bool last;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.flush_interval, [this] { return stopping_; });
      last = stopping_;
    }
    if (auto s = counter_.Flush(options_.now()); !s && options_.on_error) {
      options_.on_error(s.error());
    }
    if (last) return;
  }
}

void MediaDownloads::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace cinepress
