// Publishing a site: rendering every output of the site map, on every core, into a sink.
//
//   sink      where outputs go: a folder on disk (the static build) or memory (tests)
//   manifest  what a build wrote: each file and the fingerprint of the output it was made from
//
// Contract: sinks are written from several threads at once. A DirectorySink keeps two folders
// beside the target, `.NAME.a` and `.NAME.b`, and the target is a symbolic link to one of them
// (the live one). A build brings the other one (the spare) up to date and then points the link
// at it with one rename(2), so a reader of the target never sees a half-written site; without
// Commit the target is untouched.
//
// Incremental builds: given the manifest of the build in the target, an output whose fingerprint
// (Site::Fingerprint) is unchanged is not rendered; the sink keeps the previous file (a hard link:
// same inode, same bytes and time, so rsync and CDN uploads skip it). An output rendered again
// whose bytes come out the same is kept the same way. The spare holds the build before the live
// one, described by its own manifest: only the files that differ between the two builds are
// touched in it (no link or removal per kept file). The manifest is written into the folder
// last, after every other file, and swapped in with them, so it can never speak of another build.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
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
  // Opens the build of `target` (SITE/public, or --out's folder): a real folder there (made by
  // an older version, or by hand) becomes the live one and is shown by a link from the first
  // Commit on. Waits while another build of the same target runs (an flock(2) on `.NAME.lock`).
  // `fresh`: trust nothing the spare holds (`build --full`): it is emptied first.
  static Result<std::unique_ptr<DirectorySink>> Create(const std::filesystem::path& target,
                                                       bool fresh = false);
  ~DirectorySink() override;
  Status Write(const std::string& path, std::string_view data) override;
  // The live folder's file at `path` in the new build (nothing to do when the spare holds the
  // same output already; a hard link otherwise); false when the live folder has none.
  Result<bool> Keep(const std::string& path) override;
  // The manifest of the live build (empty when there is none).
  const BuildManifest& live_manifest() const { return live_manifest_; }
  // Removes from the spare what this build did not make, writes `manifest` (last), and points
  // the target at the spare.
  Status Commit(std::string_view manifest);
  // Files given to Write whose bytes were the target's already, kept rather than written.
  size_t kept_same_bytes() const { return kept_same_bytes_; }

 private:
  DirectorySink() = default;
  // The folder of `full` exists in the spare (made once, remembered); a file of an older build
  // in the way of one of its folders is removed.
  Status MakeFolderOf(const std::filesystem::path& full);
  // `path` is this build's: Commit leaves it in the spare.
  void Touch(const std::string& path);
  void IndexSpare();
  Result<bool> LinkFromLive(const std::string& path);
  Status WriteFile(const std::string& path, std::string_view data);
  Status RemoveStale();
  Status PointTargetAtSpare();
  std::filesystem::path target_;  // the link (or, before the first Commit, maybe a real folder)
  std::filesystem::path live_;    // the folder the target shows now ("" when there is none)
  std::filesystem::path spare_;   // the folder brought up to date
  std::string other_slot_;        // the slot that is not the spare's (the old folder's name)
  BuildManifest live_manifest_, spare_manifest_;
  int lock_fd_ = -1;
  bool committed_ = false;
  std::atomic<size_t> kept_same_bytes_{0};
  std::mutex folders_mu_;
  std::unordered_set<std::string> folders_;  // folders already made
  // The spare manifest's paths, each with whether the live build has the same output (so the
  // same file) and whether this build made or kept it: Commit removes the others. Indexed once
  // (Create runs beside the site's loading), so that keeping a file is one lookup, no lock.
  struct SparePath {
    size_t index;
    bool holds_live;
  };
  std::unordered_map<std::string_view, SparePath> spare_paths_;  // into spare_manifest_
  std::unique_ptr<std::atomic<bool>[]> touched_;                 // by SparePath::index
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
