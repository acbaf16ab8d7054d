#include "publish/publish.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

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

bool SafeRelativePath(const std::string& path) {
  return !path.empty() && path[0] != '/' && path.find("..") == std::string::npos;
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
  BuildManifest manifest;
  std::ifstream in(folder / kBuildManifestName, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line) || line.rfind("cinepress-build 1 ", 0) != 0) return {};
  manifest.program = line.substr(std::strlen("cinepress-build 1 "));
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    for (size_t start = 0;;) {
      size_t tab = line.find('\t', start);
      fields.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (fields.size() < 2 || fields[0].empty() || fields[1].empty()) return {};
    if (fields.size() > 2) manifest.figures[fields[0]].assign(fields.begin() + 2, fields.end());
    manifest.fingerprints.emplace(std::move(fields[0]), std::move(fields[1]));
  }
  return manifest;
}

Result<std::unique_ptr<DirectorySink>> DirectorySink::Create(const fs::path& target) {
  std::error_code ec;
  fs::path abs = fs::absolute(target, ec);
  if (ec) return Error{ErrorCode::kIo, ec.message(), target.string(), 0, {}};
  fs::create_directories(abs.parent_path(), ec);
  const std::string prefix = "." + abs.filename().string() + ".building-";
  RemoveAbandonedBuilds(abs.parent_path(), prefix);
  fs::path temp = abs.parent_path() / (prefix + std::to_string(::getpid()));
  fs::remove_all(temp, ec);
  fs::create_directories(temp, ec);
  if (ec) return Error{ErrorCode::kIo, "cannot create: " + ec.message(), temp.string(), 0, {}};
  return std::unique_ptr<DirectorySink>(new DirectorySink(abs, temp));
}

DirectorySink::~DirectorySink() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(temp_, ec);
  }
}

Status DirectorySink::MakeFolderOf(const fs::path& full) {
  // Most files go where another already went: remember the folders made, and skip asking.
  const std::string folder = full.parent_path().string();
  {
    std::lock_guard lock(folders_mu_);
    if (folders_.count(folder) != 0) return {};
  }
  std::error_code ec;
  fs::create_directories(full.parent_path(), ec);
  if (ec) return Error{ErrorCode::kIo, "cannot create folder: " + ec.message(), full.string()};
  std::lock_guard lock(folders_mu_);
  folders_.insert(folder);
  return {};
}

Result<bool> DirectorySink::Keep(const std::string& path) {
  if (!SafeRelativePath(path)) {
    return Error{ErrorCode::kInvalidInput, "refusing to write outside the site folder", path};
  }
  fs::path full = temp_ / path;
  if (auto s = MakeFolderOf(full); !s) return s.error();
  if (::link((target_ / path).c_str(), full.c_str()) == 0) return true;
  if (errno == ENOENT) return false;  // the previous build has no such file: render it
  if (errno == EEXIST || errno == EXDEV || errno == EMLINK || errno == EPERM) return false;
  return WriteError(full);
}

Status DirectorySink::Write(const std::string& path, std::string_view data) {
  // Paths come from the site map; refuse anything that could leave the folder all the same.
  if (!SafeRelativePath(path)) {
    return Error{ErrorCode::kInvalidInput, "refusing to write outside the site folder", path};
  }
  fs::path full = temp_ / path;
  if (auto s = MakeFolderOf(full); !s) return s;
  // The same bytes as the file the target has: keep that one (its inode and time stay).
  if (SameBytes(target_ / path, data)) {
    auto kept = Keep(path);
    if (!kept) return kept.error();
    if (*kept) {
      ++kept_same_bytes_;
      return {};
    }
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

Status DirectorySink::Commit() {
  std::error_code ec;
  if (fs::exists(target_, ec)) {
    // Exchange the two folders in one step, then remove the old site.
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0) {
      return Error{ErrorCode::kIo, "cannot swap the new site in", target_.string()};
    }
    committed_ = true;
    fs::remove_all(temp_, ec);
    return {};
  }
  fs::rename(temp_, target_, ec);
  if (ec)
    return Error{ErrorCode::kIo, "cannot move the new site in: " + ec.message(), target_.string()};
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
      [&](unsigned w, size_t i) {
        if (failed || !renderers[w]) return;
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
