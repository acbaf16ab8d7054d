#include "stills/stills.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "core/parallel.h"
#include "stills/still_codec.h"

namespace cinepress {
namespace {

// Where the module is looked for: where CINEPRESS_STILLS_MODULE says when it is set (alone), else
// beside the program (a build folder, or wherever an operator copied the two), then where this
// build made it (the tests run from folders of their own).
std::vector<std::filesystem::path> ModuleCandidates() {
  std::vector<std::filesystem::path> out;
  if (const char* chosen = std::getenv("CINEPRESS_STILLS_MODULE"); chosen && *chosen) {
    out.emplace_back(chosen);
    return out;
  }
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back(self.parent_path() / "cinepress-stills.so");
  out.emplace_back(CINEPRESS_STILLS_MODULE);
  return out;
}

struct Loaded {
  const still_codec::Codec* codec = nullptr;
  std::string problem;  // why there is none
};

// The module, loaded once per process, on first use; never unloaded.
const Loaded& Module() {
  static const Loaded loaded = [] {
    Loaded out;
    std::string tried;
    for (const auto& path : ModuleCandidates()) {
      std::error_code ec;
      if (!std::filesystem::exists(path, ec)) {
        tried += (tried.empty() ? "" : ", ") + path.string() + " (absent)";
        continue;
      }
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        const char* why = dlerror();
        tried += (tried.empty() ? "" : ", ") + path.string() + " (" + (why ? why : "?") + ")";
        continue;
      }
      const auto* codec =
          static_cast<const still_codec::Codec*>(dlsym(handle, "cinepress_still_codec"));
      if (!codec || codec->version != still_codec::kVersion) {
        tried += (tried.empty() ? "" : ", ") + path.string() + " (from another build)";
        continue;
      }
      out.codec = codec;
      return out;
    }
    out.problem = "the image module cinepress-stills.so cannot be loaded: tried " + tried +
                  "; keep it beside the cinepress program";
    return out;
  }();
  return loaded;
}

Error StillError(const std::string& name, const still_codec::Failure& failure) {
  Error e = MakeError(
      ErrorCode::kInvalidInput,
      failure.what + (failure.detail.empty() ? "" : " (libvips: " + failure.detail + ")"));
  e.file = name;
  return e;
}

Error NoModule(const std::string& name) {
  Error e = MakeError(ErrorCode::kInternal, Module().problem);
  e.file = name;
  return e;
}

const char* Extension(const std::string& format) {
  return format == "jpeg" ? "jpg" : format.c_str();
}

}  // namespace

Result<MadeStill> MakeStill(std::string_view bytes, const std::string& name,
                            const std::string& folder, const StillOptions& options) {
  const still_codec::Codec* codec = Module().codec;
  if (!codec) return NoModule(name);
  still_codec::Made made;
  still_codec::Failure failure;
  if (!codec->make(bytes, options.avif, made, failure)) return StillError(name, failure);
  MadeStill out;
  Still& still = out.still;
  still.width = made.width;
  still.height = made.height;
  still.color = std::move(made.color);
  for (still_codec::Variant& v : made.variants) {
    StillVariant variant{v.width, v.height, v.format,
                         folder + "/" + std::to_string(v.named) + "." + Extension(v.format)};
    out.files.push_back(StillFile{variant.path, std::move(v.data)});
    still.variants.push_back(std::move(variant));
  }
  out.files.push_back(StillFile{folder + "/still.json", StillManifestJson(still)});
  return out;
}

Result<CleanImage> CleanUpload(const std::filesystem::path& file, const std::string& name) {
  const still_codec::Codec* codec = Module().codec;
  if (!codec) return NoModule(name);
  CleanImage cleaned;
  still_codec::Failure failure;
  if (!codec->clean(file.string(), cleaned, failure)) return StillError(name, failure);
  return cleaned;
}

Result<StillsReport> PrepareStills(ContentStore& store, const StillOptions& options) {
  auto media = store.LoadMediaList();
  if (!media) return media.error();
  std::set<std::string> paths;
  std::map<std::string, std::string> source_of;  // content hash -> an image with it
  for (const MediaFile& m : *media) {
    paths.insert(m.path);
    if (IsStillSource(m.path)) source_of.emplace(m.hash, m.path);
  }
  StillsReport report;
  std::set<std::string> folders;
  std::vector<std::pair<std::string, std::string>> todo;  // hash, image path
  for (const auto& [hash, path] : source_of) {
    folders.insert(StillFolder(hash));
    if (paths.count(StillManifestPath(hash))) {
      ++report.kept;
    } else {
      todo.emplace_back(hash, path);
    }
  }
  const unsigned threads = options.threads ? options.threads : DefaultThreads();
  const size_t batch = std::max<size_t>(options.batch, 1);
  for (size_t from = 0; from < todo.size(); from += batch) {
    const size_t n = std::min(batch, todo.size() - from);
    std::vector<std::string> bytes(n);
    for (size_t i = 0; i < n; ++i) {
      auto data = store.LoadMediaData(todo[from + i].second);
      if (!data) return data.error();
      bytes[i] = std::move(*data);
    }
    std::vector<std::optional<Result<MadeStill>>> made(n);
    ParallelFor(n, threads, nullptr, [&](unsigned, size_t i) {
      const auto& [hash, path] = todo[from + i];
      made[i] = MakeStill(bytes[i], "static/" + path, StillFolder(hash), options);
    });
    if (auto st = store.BeginTransaction(); !st) return st.error();
    for (auto& m : made) {
      if (!*m) {
        report.problems.push_back(m->error());
        continue;
      }
      for (const StillFile& f : (*m)->files) {
        if (auto st = store.SaveMedia(f.path, f.data); !st) {
          (void)store.Rollback();
          return st.error();
        }
      }
      ++report.made;
    }
    if (auto st = store.Commit(); !st) return st.error();
  }
  std::set<std::string> gone;
  for (const std::string& path : paths) {
    if (!IsStillPath(path)) continue;
    const std::string folder = path.substr(0, path.find('/', std::string_view("_stills/").size()));
    if (folders.count(folder)) continue;
    if (auto st = store.DeleteMedia(path); !st) return st.error();
    gone.insert(folder);
  }
  report.removed = gone.size();
  return report;
}

Result<StillBook> LoadStills(ContentStore& store, const std::vector<MediaFile>& media) {
  std::set<std::string> paths;
  for (const MediaFile& m : media) paths.insert(m.path);
  StillBook book;
  std::map<std::string, Still> by_hash;
  for (const MediaFile& m : media) {
    if (!IsStillSource(m.path)) continue;
    const std::string manifest = StillManifestPath(m.hash);
    if (!paths.count(manifest)) continue;
    auto known = by_hash.find(m.hash);
    if (known == by_hash.end()) {
      auto json = store.LoadMediaData(manifest);
      if (!json) return json.error();
      auto still = ParseStillManifest(*json, manifest);
      if (!still) return still.error();
      known = by_hash.emplace(m.hash, std::move(*still)).first;
    }
    book.emplace(m.path, known->second);
  }
  return book;
}

}  // namespace cinepress
