#include "publish/publish.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

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

}  // namespace

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

Status DirectorySink::Write(const std::string& path, std::string_view data) {
  // Paths come from the site map; refuse anything that could leave the folder all the same.
  if (path.empty() || path[0] == '/' || path.find("..") != std::string::npos) {
    return Error{ErrorCode::kInvalidInput, "refusing to write outside the site folder", path};
  }
  fs::path full = temp_ / path;
  // Most files go where another already went: remember the folders made, and skip asking.
  const std::string folder = full.parent_path().string();
  bool known;
  {
    std::lock_guard lock(folders_mu_);
    known = folders_.count(folder) != 0;
  }
  if (!known) {
    std::error_code ec;
    fs::create_directories(full.parent_path(), ec);
    if (ec) return Error{ErrorCode::kIo, "cannot create folder: " + ec.message(), full.string()};
    std::lock_guard lock(folders_mu_);
    folders_.insert(folder);
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
    const std::function<Result<std::unique_ptr<ContentStore>>()>& open_store, unsigned threads) {
  threads = std::max(1u, threads);
  const auto& outputs = site->outputs();
  std::vector<std::unique_ptr<ContentStore>> stores(threads);
  std::vector<std::unique_ptr<SiteRenderer>> renderers(threads);
  std::mutex err_mu;
  std::optional<Error> first_error;
  std::atomic<bool> failed{false};
  std::atomic<size_t> files{0}, bytes{0}, pages{0}, feeds{0};
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
        auto data = renderers[w]->Render(o);
        if (!data) {
          Error e = data.error();
          if (e.file.empty()) e.file = o.path;
          return fail(std::move(e));
        }
        if (auto s = sink.Write(o.path, *data); !s) return fail(s.error());
        files++;
        bytes += data->size();
        if (o.path.size() > 5 && o.path.compare(o.path.size() - 5, 5, ".html") == 0) pages++;
        if (o.kind == OutputKind::kRss || o.kind == OutputKind::kAtom) feeds++;
      });
  if (first_error) return *first_error;
  return PublishReport{files, bytes, pages, feeds};
}

}  // namespace cinepress
