#include "publish/publish.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/mapped_file.h"
#include "core/parallel.h"
#include "core/text.h"

namespace cinepress {
namespace fs = std::filesystem;

namespace {

// Removes the build folders of builds that were killed (their process is gone): each is a whole
// or partial copy of the site, and left alone they pile up until the disk is full.
void RemoveAbandonedBuilds(const fs::path& parent, const std::string& prefix) {
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    std::string digits = name.substr(prefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
        digits.size() > 9) {
      continue;
    }
    pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // still running (or not ours to ask)
    std::error_code rm;
    fs::remove_all(it->path(), rm);
  }
}

Error WriteError(const fs::path& file) {
  return Error{ErrorCode::kIo, std::string("cannot write: ") + std::strerror(errno), file.string()};
}

// True when the file at `file` holds exactly `data` (false when it does not exist).
bool SameBytes(const fs::path& file, std::string_view data) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  bool same = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              static_cast<uint64_t>(st.st_size) == data.size();
  char buf[65536];
  size_t off = 0;
  while (same && off < data.size()) {
    ssize_t n = ::read(fd, buf, std::min(sizeof buf, data.size() - off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      same = false;
      break;
    }
    same = std::memcmp(buf, data.data() + off, static_cast<size_t>(n)) == 0;
    off += static_cast<size_t>(n);
  }
  ::close(fd);
  return same;
}

bool SafeRelativePath(std::string_view path) {
  return !path.empty() && path[0] != '/' && path.find("..") == std::string_view::npos;
}

}  // namespace

std::string FormatBuildManifest(const BuildManifest& manifest) {
  std::vector<const std::pair<const std::string, std::string>*> rows;
  rows.reserve(manifest.fingerprints.size());
  for (const auto& row : manifest.fingerprints) rows.push_back(&row);
  std::sort(rows.begin(), rows.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string out = "cinepress-build 1 " + manifest.program + "\n";
  for (const auto* row : rows) {
    out += row->first;
    out += '\t';
    out += row->second;
    if (auto it = manifest.figures.find(row->first); it != manifest.figures.end()) {
      for (const std::string& src : it->second) {
        out += '\t';
        out += src;
      }
    }
    out += '\n';
  }
  return out;
}

BuildManifest ReadBuildManifest(const fs::path& folder) {
  constexpr std::string_view kHead = "cinepress-build 1 ";
  auto text = MappedFile::Open(folder / kBuildManifestName);
  if (!text) return {};
  // Read in place: a line a file, "path\tfingerprint[\tfigure…]".
  std::string_view rest = (*text)->bytes();
  auto next_line = [&rest] {
    const size_t nl = std::min(rest.find('\n'), rest.size());
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(std::min(nl + 1, rest.size()));
    return line;
  };
  std::string_view line = next_line();
  if (!line.starts_with(kHead)) return {};
  BuildManifest manifest;
  manifest.program = line.substr(kHead.size());
  manifest.fingerprints.reserve(static_cast<size_t>(std::count(rest.begin(), rest.end(), '\n')));
  while (!rest.empty()) {
    line = next_line();
    const size_t tab = line.find('\t');
    if (tab == 0 || tab == line.npos || tab + 1 == line.size()) return {};
    const std::string_view path = line.substr(0, tab);
    line.remove_prefix(tab + 1);
    const size_t more = line.find('\t');
    if (more == 0) return {};
    if (more != line.npos) {
      std::vector<std::string>& figures = manifest.figures[std::string(path)];
      for (std::string_view f = line.substr(more + 1);;) {
        const size_t t = f.find('\t');
        figures.emplace_back(f.substr(0, t));
        if (t == f.npos) break;
        f.remove_prefix(t + 1);
      }
    }
    manifest.fingerprints.emplace(path, line.substr(0, more));
  }
  return manifest;
}

namespace {

// Unlinks `path`; true when it is gone (or was never there).
bool Unlinked(const fs::path& path) { return ::unlink(path.c_str()) == 0 || errno == ENOENT; }

// The slot a link at `target` points to, when it is one of `slots` beside it ("" otherwise).
std::string LinkedSlot(const fs::path& target, const std::string (&slots)[2]) {
  char buf[4096];
  ssize_t n = ::readlink(target.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string to(buf, static_cast<size_t>(n));
  return to == slots[0] || to == slots[1] ? to : "";
}

}  // namespace

Result<std::unique_ptr<DirectorySink>> DirectorySink::Create(const fs::path& target, bool fresh) {
  std::error_code ec;
  fs::path abs = fs::absolute(target, ec);
  if (ec) return Error{ErrorCode::kIo, ec.message(), target.string(), 0, {}};
  const fs::path parent = abs.parent_path();
  const std::string name = abs.filename().string();
  fs::create_directories(parent, ec);
  std::unique_ptr<DirectorySink> sink(new DirectorySink());
  sink->target_ = abs;
  // One build of a folder at a time: both would bring the same spare up to date.
  const fs::path lock = parent / ("." + name + ".lock");
  sink->lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (sink->lock_fd_ < 0) return WriteError(lock);
  while (::flock(sink->lock_fd_, LOCK_EX) != 0) {
    if (errno != EINTR) return WriteError(lock);
  }
  RemoveAbandonedBuilds(parent, "." + name + ".building-");
  const std::string slots[2] = {"." + name + ".a", "." + name + ".b"};
  const std::string live_slot = LinkedSlot(abs, slots);
  const int spare = live_slot == slots[0] ? 1 : 0;
  sink->spare_ = parent / slots[spare];
  sink->other_slot_ = slots[1 - spare];
  if (fs::is_directory(abs, ec)) sink->live_ = live_slot.empty() ? abs : parent / live_slot;
  if (!sink->live_.empty()) sink->live_manifest_ = ReadBuildManifest(sink->live_);
  if (live_slot.empty() && fs::is_directory(fs::symlink_status(abs, ec))) {
    // A real folder: it will be moved to the other slot's name, which must be free.
    fs::remove_all(parent / sink->other_slot_, ec);
  }
  // The spare as its manifest says it is; from here until Commit writes the new one it has none,
  // so that a build killed half-way leaves a spare that the next build empties.
  if (!fresh) sink->spare_manifest_ = ReadBuildManifest(sink->spare_);
  if (sink->spare_manifest_.fingerprints.empty() ||
      sink->spare_manifest_.program != sink->live_manifest_.program) {
    sink->spare_manifest_ = {};
    fs::remove_all(sink->spare_, ec);
    if (ec) return Error{ErrorCode::kIo, "cannot empty: " + ec.message(), sink->spare_.string()};
  } else if (!Unlinked(sink->spare_ / kBuildManifestName)) {
    return WriteError(sink->spare_ / kBuildManifestName);
  }
  fs::create_directories(sink->spare_, ec);
  if (ec) {
    return Error{ErrorCode::kIo, "cannot create: " + ec.message(), sink->spare_.string(), 0, {}};
  }
  sink->IndexSpare();
  return sink;
}

DirectorySink::~DirectorySink() {
  if (!committed_) {
    // What a failed build made is not a site: the next one starts the spare again (and a full
    // disk gets its room back now).
    std::error_code ec;
    fs::remove_all(spare_, ec);
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Status DirectorySink::MakeFolderOf(const fs::path& full) {
  // Most files go where another already went: remember the folders made, and skip asking.
  const std::string folder = full.parent_path().string();
  {
    std::lock_guard lock(folders_mu_);
    if (folders_.count(folder) != 0) return {};
  }
  std::error_code ec;
  // Mostly a new folder in one that is there already: one mkdir, not a walk up the path.
  struct stat st;
  if (::mkdir(folder.c_str(), 0755) != 0 &&
      !(errno == EEXIST && ::stat(folder.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) {
    fs::create_directories(full.parent_path(), ec);
  }
  if (ec) {
    // A file of the spare's build where this one has a folder: that output is gone.
    for (fs::path p = full.parent_path(); p != spare_ && p.has_relative_path();
         p = p.parent_path()) {
      std::error_code st;
      if (fs::is_regular_file(fs::symlink_status(p, st)) && !Unlinked(p)) break;
    }
    ec.clear();
    fs::create_directories(full.parent_path(), ec);
  }
  if (ec) return Error{ErrorCode::kIo, "cannot create folder: " + ec.message(), full.string()};
  std::lock_guard lock(folders_mu_);
  folders_.insert(folder);
  return {};
}

void DirectorySink::IndexSpare() {
  spare_paths_.clear();
  spare_paths_.reserve(spare_manifest_.fingerprints.size());
  size_t n = 0;
  for (const auto& [path, fingerprint] : spare_manifest_.fingerprints) {
    // The spare's file is the live one's already when both builds had the same output of the
    // same program (so the same inode: both kept or linked it).
    auto live = live_manifest_.fingerprints.find(path);
    const bool same = live != live_manifest_.fingerprints.end() && live->second == fingerprint;
    spare_paths_.emplace(path, SparePath{n++, same});
  }
  touched_ = std::make_unique<std::atomic<bool>[]>(n);  // value-initialised: false
}

void DirectorySink::Touch(const std::string& path) {
  // Only the spare's own files can be stale: a path it does not have needs no mark.
  if (auto it = spare_paths_.find(path); it != spare_paths_.end()) {
    touched_[it->second.index].store(true, std::memory_order_relaxed);
  }
}

Result<bool> DirectorySink::LinkFromLive(const std::string& path) {
  if (live_.empty()) return false;
  fs::path full = spare_ / path;
  if (auto s = MakeFolderOf(full); !s) return s.error();
  // Never written in place: the spare's file may be a link to a live one.
  if (!Unlinked(full)) {
    std::error_code ec;
    if (!fs::is_directory(full, ec) || fs::remove_all(full, ec) == 0 || ec) return WriteError(full);
  }
  if (::link((live_ / path).c_str(), full.c_str()) == 0) return true;
  if (errno == ENOENT) return false;  // the live build has no such file: render it
  if (errno == EEXIST || errno == EXDEV || errno == EMLINK || errno == EPERM) return false;
  return WriteError(full);
}

Result<bool> DirectorySink::Keep(const std::string& path) {
  if (!SafeRelativePath(path)) {
    return Error{ErrorCode::kInvalidInput, "refusing to write outside the site folder", path};
  }
  if (auto it = spare_paths_.find(path); it != spare_paths_.end() && it->second.holds_live) {
    touched_[it->second.index].store(true, std::memory_order_relaxed);
    return true;
  }
  auto linked = LinkFromLive(path);
  if (linked && *linked) Touch(path);
  return linked;
}

Status DirectorySink::Write(const std::string& path, std::string_view data) {
  // Paths come from the site map; refuse anything that could leave the folder all the same.
  if (!SafeRelativePath(path)) {
    return Error{ErrorCode::kInvalidInput, "refusing to write outside the site folder", path};
  }
  // The same bytes as the live file: keep that one (its inode and time stay); or the spare's own
  // file when it has them already (the output changed back).
  if (!live_.empty() && SameBytes(live_ / path, data)) {
    auto kept = Keep(path);
    if (!kept) return kept.error();
    if (*kept) {
      ++kept_same_bytes_;
      return {};
    }
  } else if (spare_paths_.count(path) && SameBytes(spare_ / path, data)) {
    // New to the live site (so counted as written), but the spare has these bytes already.
    Touch(path);
    return {};
  }
  if (auto s = WriteFile(path, data); !s) return s;
  Touch(path);
  return {};
}

Status DirectorySink::WriteFile(const std::string& path, std::string_view data) {
  fs::path full = spare_ / path;
  if (auto s = MakeFolderOf(full); !s) return s;
  // A new file, never the old one written over: the spare's may be a link to a live one.
  if (!Unlinked(full) && errno == EISDIR) {
    std::error_code ec;
    fs::remove_all(full, ec);  // an older build's folder where this one has a file
  }
  int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return WriteError(full);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = WriteError(full);
      ::close(fd);
      return e;
    }
    off += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return WriteError(full);
  return {};
}

Status DirectorySink::RemoveStale() {
  for (const auto& [path, spare] : spare_paths_) {
    if (touched_[spare.index].load(std::memory_order_relaxed) || !SafeRelativePath(path)) continue;
    fs::path full = spare_ / path;
    // ENOTDIR, EISDIR: this build made a file or a folder of its own there.
    if (!Unlinked(full) && errno != ENOTDIR && errno != EISDIR) return WriteError(full);
    // Its folders, when nothing else is left in them (a whole build would not have them).
    for (fs::path p = full.parent_path(); p != spare_ && p.has_relative_path();
         p = p.parent_path()) {
      if (::rmdir(p.c_str()) != 0) break;
    }
  }
  return {};
}

Status DirectorySink::PointTargetAtSpare() {
  const fs::path parent = target_.parent_path();
  const fs::path link =
      parent / ("." + target_.filename().string() + ".building-" + std::to_string(::getpid()));
  ::unlink(link.c_str());
  if (::symlink(spare_.filename().c_str(), link.c_str()) != 0) return WriteError(link);
  std::error_code ec;
  const bool real_folder = fs::is_directory(fs::symlink_status(target_, ec));
  if (!real_folder) {
    // The link replaced in one step: the old site, or the new one.
    if (::rename(link.c_str(), target_.c_str()) != 0) {
      Error e = WriteError(target_);
      ::unlink(link.c_str());
      return e;
    }
    return {};
  }
  // A real folder (an older version's, or the first build in a folder made by hand): exchanged
  // with the link in one step, then kept as the spare of the next build.
  if (::renameat2(AT_FDCWD, link.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0) {
    Error e =
        Error{ErrorCode::kIo, std::string("cannot swap the new site in: ") + std::strerror(errno),
              target_.string()};
    ::unlink(link.c_str());
    return e;
  }
  if (::rename(link.c_str(), (parent / other_slot_).c_str()) != 0) {
    fs::remove_all(link, ec);  // the old site, no longer shown: only its room is at stake
  }
  return {};
}

Status DirectorySink::Commit(std::string_view manifest) {
  if (auto s = RemoveStale(); !s) return s;
  // Last: a spare with a manifest is whole.
  if (auto s = Write(kBuildManifestName, manifest); !s) return s;
  if (auto s = PointTargetAtSpare(); !s) return s;
  committed_ = true;
  return {};
}

Status MemorySink::Write(const std::string& path, std::string_view data) {
  std::lock_guard lock(mu_);
  files_[path] = std::string(data);
  return {};
}

std::map<std::string, std::string> MemorySink::files() const {
  std::lock_guard lock(mu_);
  return files_;
}

const std::string* MemorySink::Find(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

Result<PublishReport> PublishSite(
    std::shared_ptr<const Site> site, Sink& sink,
    const std::function<Result<std::unique_ptr<ContentStore>>()>& open_store, unsigned threads,
    const BuildManifest* previous) {
  threads = std::max(1u, threads);
  const auto& outputs = site->outputs();
  std::vector<std::unique_ptr<ContentStore>> stores(threads);
  std::vector<std::unique_ptr<SiteRenderer>> renderers(threads);
  std::mutex err_mu;
  std::optional<Error> first_error;
  std::atomic<bool> failed{false};
  std::atomic<size_t> files{0}, bytes{0}, pages{0}, feeds{0}, written{0};
  std::vector<std::string> fingerprints(outputs.size());
  std::vector<std::vector<std::string>> figures(outputs.size());
  // An output's fingerprint: the site's digest of it and, when its bodies place figures, their
  // stills.
  auto fingerprint_of = [&site](std::string beside, const std::vector<std::string>& figures) {
    return figures.empty() ? beside : ContentHash({beside, site->FiguresDigest(figures)});
  };
  auto fail = [&](Error e) {
    std::lock_guard lock(err_mu);
    if (!first_error) first_error = std::move(e);
    failed = true;
  };
  // The static search index's pieces last: a whole build makes the index on a thread of its own
  // while the pages render (app's BuildSite), and they wait for it.
  std::vector<size_t> order;
  order.reserve(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].kind != OutputKind::kSearchIndex) order.push_back(i);
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].kind == OutputKind::kSearchIndex) order.push_back(i);
  }
  ParallelFor(
      outputs.size(), threads,
      [&](unsigned w) {
        auto store = open_store();
        if (!store) {
          fail(store.error());
          return;
        }
        stores[w] = std::move(*store);
        renderers[w] = std::make_unique<SiteRenderer>(site, stores[w].get());
      },
      [&](unsigned w, size_t at) {
        if (failed || !renderers[w]) return;
        const size_t i = order[at];
        const Output& o = outputs[i];
        std::string beside = site->FingerprintBesideFigures(o);
        auto count = [&](size_t size) {
          files++;
          bytes += size;
          if (o.path.size() > 5 && o.path.compare(o.path.size() - 5, 5, ".html") == 0) pages++;
          if (o.kind == OutputKind::kRss || o.kind == OutputKind::kAtom) feeds++;
        };
        if (previous) {
          // Unchanged digest, unchanged body: the figures the last render placed are the ones
          // this one would place, and only their stills can have changed.
          auto it = previous->fingerprints.find(o.path);
          auto placed = previous->figures.find(o.path);
          if (placed != previous->figures.end()) figures[i] = placed->second;
          if (it != previous->fingerprints.end() &&
              it->second == fingerprint_of(beside, figures[i])) {
            auto kept = sink.Keep(o.path);
            if (!kept) return fail(kept.error());
            if (*kept) {
              fingerprints[i] = it->second;
              return count(0);
            }
          }
        }
        auto data = renderers[w]->Render(o);
        if (!data) {
          Error e = data.error();
          if (e.file.empty()) e.file = o.path;
          return fail(std::move(e));
        }
        figures[i] = renderers[w]->figures();
        // A piece of the static index is fingerprinted by its text once the index is made, which
        // rendering it made sure of (it may have been in the making before).
        if (o.kind == OutputKind::kSearchIndex) beside = site->FingerprintBesideFigures(o);
        fingerprints[i] = fingerprint_of(std::move(beside), figures[i]);
        if (auto s = sink.Write(o.path, *data); !s) return fail(s.error());
        written++;
        count(data->size());
      });
  if (first_error) return *first_error;
  PublishReport report{files, bytes, pages, feeds, written, {}};
  report.manifest.fingerprints.reserve(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    report.manifest.fingerprints.emplace(outputs[i].path, std::move(fingerprints[i]));
    if (!figures[i].empty())
      report.manifest.figures.emplace(outputs[i].path, std::move(figures[i]));
  }
  return report;
}

}  // namespace cinepress
