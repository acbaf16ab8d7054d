#include "media_library/media_library.h"

#include <chrono>
#include <cstdio>

#include "core/slug.h"

namespace cinepress {
namespace {

Error Invalid(const std::string& file, const std::string& field, const std::string& message) {
  Error e = MakeError(ErrorCode::kInvalidInput, message);
  e.file = file;
  e.field = field;
  return e;
}

Status CheckAlt(const std::string& file, const std::string& alt) {
  if (alt.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Invalid(file, "alt", "alt text is required: say what the image shows");
  }
  return {};
}

// Whether `text` names the media path `path` as a URL: "/{path}" or ".../{path}" whole.
bool Names(std::string_view text, const std::string& path) {
  const std::string url = "/" + path;
  for (size_t at = text.find(url); at != std::string_view::npos; at = text.find(url, at + 1)) {
    const size_t end = at + url.size();
    if (end == text.size()) return true;
    const char next = text[end];
    if (next == ')' || next == '"' || next == '\'' || next == ' ' || next == '?' || next == '#' ||
        next == '\n' || next == '>') {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string UploadPath(std::string_view file_name, std::string_view extension, int64_t now,
                       const std::function<bool(const std::string&)>& taken) {
  const size_t slash = file_name.find_last_of("/\\");
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  if (const size_t dot = file_name.rfind('.'); dot != std::string_view::npos && dot > 0) {
    file_name = file_name.substr(0, dot);
  }
  std::string stem = Slugify(file_name);
  if (stem.empty()) stem = "image";
  const std::chrono::year_month_day day{
      std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(now)))};
  char folder[32];
  std::snprintf(folder, sizeof folder, "uploads/%04d/%02u/", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()));
  const std::string ext(extension);
  std::string path = folder + stem + "." + ext;
  for (int n = 2; taken(path); ++n) path = folder + stem + "-" + std::to_string(n) + "." + ext;
  return path;
}

Result<MediaDetails> AddUpload(ContentStore& store, const UploadedImage& upload,
                               const std::string& uploader, int64_t now,
                               const StillOptions& stills) {
  if (auto s = CheckAlt(upload.file_name, upload.alt); !s) return s.error();
  auto clean = CleanUpload(upload.bytes, upload.file_name);
  if (!clean) return clean.error();
  if (auto s = store.BeginTransaction(); !s) return s.error();
  MediaDetails d;
  d.path = UploadPath(upload.file_name, clean->extension, now,
                      [&](const std::string& p) { return store.LoadMediaFile(p).ok(); });
  d.alt = upload.alt;
  d.caption = upload.caption;
  d.credit = upload.credit;
  d.uploader = uploader;
  d.type = clean->type;
  d.width = clean->width;
  d.height = clean->height;
  d.uploaded = now;
  Status saved = store.SaveMedia(d.path, clean->data);
  if (saved) saved = store.SaveMediaDetails(d);
  if (saved) saved = store.Commit();
  if (!saved) {
    (void)store.Rollback();
    return saved.error();
  }
  // The stills, as an import makes them (another image's problem is not this upload's).
  if (auto made = PrepareStills(store, stills); !made) return made.error();
  return d;
}

Status SaveMediaText(ContentStore& store, MediaDetails details) {
  if (auto s = CheckAlt(details.path, details.alt); !s) return s;
  auto all = store.LoadMediaDetails();
  if (!all) return all.error();
  for (const MediaDetails& d : *all) {
    if (d.path != details.path) continue;
    MediaDetails changed = d;
    changed.alt = details.alt;
    changed.caption = details.caption;
    changed.credit = details.credit;
    return store.SaveMediaDetails(changed);
  }
  return MakeError(ErrorCode::kNotFound, "the media library has no " + details.path);
}

Result<MediaUsers> LoadMediaUsers(ContentStore& store) {
  MediaUsers users;
  auto articles = store.LoadArticles(true);
  if (!articles) return articles.error();
  users.articles = std::move(*articles);
  auto people = store.LoadPeople();
  if (!people) return people.error();
  users.people = std::move(*people);
  auto shows = store.LoadPodcastShows();
  if (!shows) return shows.error();
  users.shows = std::move(*shows);
  return users;
}

std::vector<MediaUse> UsesOf(const std::string& path, const MediaUsers& users) {
  std::vector<MediaUse> out;
  for (const Article& a : users.articles) {
    if ((a.image && Names(a.image->src, path)) || Names(a.body_markdown, path)) {
      out.push_back(MediaUse{a.kind == ArticleKind::kPage ? "page" : "article", a.title, a.id});
    }
  }
  for (const PersonProfile& p : users.people) {
    if (p.portrait && Names(p.portrait->src, path)) out.push_back(MediaUse{"person", p.name, 0});
  }
  for (const PodcastShow& s : users.shows) {
    if (Names(s.image, path)) out.push_back(MediaUse{"show", s.title, 0});
  }
  return out;
}

std::string DescribeUses(const std::vector<MediaUse>& uses) {
  std::string out;
  for (const MediaUse& u : uses) {
    if (!out.empty()) out += ", ";
    out += "the " + u.kind + " “" + u.title + "”";
  }
  return out;
}

bool MayChangeMedia(StaffRole role, const std::string& email, const MediaDetails& details) {
  return Allows(role, Permission::kEditAllContent) || details.uploader == email;
}

Status DeleteUpload(ContentStore& store, const std::string& path, const MediaUsers& users) {
  if (const auto uses = UsesOf(path, users); !uses.empty()) {
    return MakeError(ErrorCode::kConflict,
                     path + " is used by " + DescribeUses(uses) + ": it cannot be deleted");
  }
  if (!store.LoadMediaFile(path)) {
    return MakeError(ErrorCode::kNotFound, "the media library has no " + path);
  }
  if (auto s = store.BeginTransaction(); !s) return s;
  Status done = store.DeleteMedia(path);
  if (done) done = store.DeleteMediaDetails(path);
  if (done) done = store.Commit();
  if (!done) {
    (void)store.Rollback();
    return done;
  }
  // Its stills, unless another path has the same bytes.
  if (auto swept = PrepareStills(store, {}); !swept) return swept.error();
  return {};
}

}  // namespace cinepress
