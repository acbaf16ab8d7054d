// Publishing a site: rendering every output of the site map, on every core, into a sink.
//
//   sink      where outputs go: a folder on disk (the static build) or memory (tests)
//   manifest  what a build wrote: each file and the fingerprint of the output it was made from
//
// Contract: sinks are written from several threads at once. A DirectorySink writes into a
// temporary folder beside the target and swaps it in only on Commit, so a reader of the target
// never sees a half-written site; without Commit the target is untouched.
//
// Incremental builds: given the manifest of the build in the target, an output whose fingerprint
// (Site::Fingerprint) is unchanged is not rendered; the sink keeps the previous file (a hard link:
// same inode, same bytes and time, so rsync and CDN uploads skip it). An output rendered again
// whose bytes come out the same is kept the same way. The manifest is written into the folder
// and swapped in with the files it describes, so it can never speak of another build.
#pragma once

#include <atomic>
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
  // Puts the previous build's file at `path` into this build unchanged; false when there is
  // none (then the output is rendered). Thread-safe.
  virtual Result<bool> Keep(const std::string& /*path*/) { return false; }
};

// The manifest of a build, a file of the published folder (kBuildManifestName): the program
// that rendered it, then per line a path, its output's fingerprint and the images its bodies'
// figures placed, tab-separated.
inline constexpr const char* kBuildManifestName = ".cinepress-build";
struct BuildManifest {
  std::string program;  // the renderer's identity: another program renders everything again
  std::unordered_map<std::string, std::string> fingerprints;  // path -> fingerprint
  // path -> the images its figures placed (SiteRenderer::figures), for outputs that have some:
  // its fingerprint includes their stills, so that a changed image makes again only its pages.
  std::unordered_map<std::string, std::vector<std::string>> figures;
};
std::string FormatBuildManifest(const BuildManifest& manifest);
// The manifest in `folder`; an empty one (nothing to keep) when it is missing or not readable
// as a manifest: a build without it is simply a whole build.
BuildManifest ReadBuildManifest(const std::filesystem::path& folder);

class DirectorySink final : public Sink {
 public:
  static Result<std::unique_ptr<DirectorySink>> Create(const std::filesystem::path& target);
  ~DirectorySink() override;
  Status Write(const std::string& path, std::string_view data) override;
  // A hard link to the target's file at `path`; false when the target has none.
  Result<bool> Keep(const std::string& path) override;
  // Swaps the new folder in for the target (atomically when the target exists).
  Status Commit();
  // Files given to Write whose bytes were the target's already, kept rather than written.
  size_t kept_same_bytes() const { return kept_same_bytes_; }

 private:
  // The folder of `full` exists in the new tree (made once, remembered).
  Status MakeFolderOf(const std::filesystem::path& full);
  explicit DirectorySink(std::filesystem::path target, std::filesystem::path temp)
      : target_(std::move(target)), temp_(std::move(temp)) {}
  std::filesystem::path target_, temp_;
  bool committed_ = false;
  std::atomic<size_t> kept_same_bytes_{0};
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
  size_t files = 0;  // every file of the build, written or kept
  size_t bytes = 0;  // of the files written
  size_t pages = 0;  // HTML outputs
  size_t feeds = 0;
  size_t written = 0;      // files written anew (files - written: kept as they were)
  BuildManifest manifest;  // of this build (its `program` is the caller's to set)
};

// Renders every output of `site` into `sink` on `threads` threads; each thread reads bodies and
// media through its own store from `open_store`. With `previous` (the manifest of the build the
// sink keeps files from), outputs whose fingerprints it holds unchanged are kept, not rendered.
// Stops at the first error and returns it.
Result<PublishReport> PublishSite(
    std::shared_ptr<const Site> site, Sink& sink,
    const std::function<Result<std::unique_ptr<ContentStore>>()>& open_store, unsigned threads,
    const BuildManifest* previous = nullptr);

}  // namespace cinepress
