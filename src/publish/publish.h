// Publishing a site: rendering every output of the site map, on every core, into a sink.
//
//   sink   where outputs go: a folder on disk (the static build) or memory (tests)
//
// Contract: sinks are written from several threads at once. A DirectorySink writes into a
// temporary folder beside the target and swaps it in only on Commit, so a reader of the target
// never sees a half-written site; without Commit the target is untouched.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "content/content_store.h"
#include "site/site.h"

namespace cinepress {

class Sink {
 public:
  virtual ~Sink() = default;
  // `path` is relative ("reviews/x/index.html"); thread-safe.
  virtual Status Write(const std::string& path, std::string_view data) = 0;
};

class DirectorySink final : public Sink {
 public:
  static Result<std::unique_ptr<DirectorySink>> Create(const std::filesystem::path& target);
  ~DirectorySink() override;
  Status Write(const std::string& path, std::string_view data) override;
  // Swaps the new folder in for the target (atomically when the target exists).
  Status Commit();

 private:
  explicit DirectorySink(std::filesystem::path target, std::filesystem::path temp)
      : target_(std::move(target)), temp_(std::move(temp)) {}
  std::filesystem::path target_, temp_;
  bool committed_ = false;
  std::mutex folders_mu_;
  std::unordered_set<std::string> folders_;  // folders already made
};

class MemorySink final : public Sink {
 public:
  Status Write(const std::string& path, std::string_view data) override;
  std::map<std::string, std::string> files() const;
  const std::string* Find(const std::string& path) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> files_;
};

struct PublishReport {
  size_t files = 0;
  size_t bytes = 0;
  size_t pages = 0;  // HTML outputs
  size_t feeds = 0;
};

// Renders every output of `site` into `sink` on `threads` threads; each thread reads bodies and
// media through its own store from `open_store`. Stops at the first error and returns it.
Result<PublishReport> PublishSite(
    std::shared_ptr<const Site> site, Sink& sink,
    const std::function<Result<std::unique_ptr<ContentStore>>()>& open_store, unsigned threads);

}  // namespace cinepress
