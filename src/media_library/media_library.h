// The newsroom's media library (issue #15): plain functions over the ContentStore role. An
// upload is checked to be what it claims and cleaned (stills' CleanUpload: decoded by libvips,
// no EXIF or GPS), kept under uploads/{year}/{month}/ with its details (alt text required,
// caption, credit, uploader, type, size) and its stills; where each file is used (articles'
// and pages' lead images and bodies, people's portraits, shows' artwork); a used file is never
// deleted.
// Contract: plain functions; the store is the caller's, used on the calling thread.
//
//   upload    a file sent by staff through /admin/media/, kept as media at an uploads/ path
//   use       a place that shows a file: it may not be deleted while it has one
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "content/content_store.h"
#include "core/result.h"
#include "staff/roles.h"
#include "stills/stills.h"

namespace cinepress {

struct UploadedImage {
  std::string file_name;  // as the browser sent it: "Lamp at night.JPG"
  std::string_view bytes;
  std::string alt, caption, credit;
};

// "uploads/2026/12/lamp-at-night.jpg": the file's name as a slug (without its extension), the
// extension of its real type, in a folder of the month (UTC) of `now`; "-2", "-3"… when `taken`.
std::string UploadPath(std::string_view file_name, std::string_view extension, int64_t now,
                       const std::function<bool(const std::string&)>& taken);

// Checks, cleans and keeps one upload with its details and its stills, in one transaction. Bad
// input (no alt text, not a JPEG, PNG or WebP image) is kInvalidInput naming the file and field.
Result<MediaDetails> AddUpload(ContentStore& store, const UploadedImage& upload,
                               const std::string& uploader, int64_t now,
                               const StillOptions& stills = {});

// The alt text (required), caption and credit of a kept file, changed.
Status SaveMediaText(ContentStore& store, MediaDetails details);

// What may use a file, loaded once for a page of the library.
struct MediaUsers {
  std::vector<Article> articles;  // with their bodies; pages too
  std::vector<PersonProfile> people;
  std::vector<PodcastShow> shows;
};
Result<MediaUsers> LoadMediaUsers(ContentStore& store);

struct MediaUse {
  std::string kind;   // "article", "page", "person", "show"
  std::string title;  // "After the Mountain"
  int64_t article_id = 0;
  bool operator==(const MediaUse&) const = default;
};
// Where the file at media path `path` is used: as a lead image or portrait or artwork, or
// named in a body (its URL "/{path}").
std::vector<MediaUse> UsesOf(const std::string& path, const MediaUsers& users);
// "the article “After the Mountain”, the person Ana Ruiz"
std::string DescribeUses(const std::vector<MediaUse>& uses);

// Editors and admins change every file; contributors and authors the ones they uploaded.
bool MayChangeMedia(StaffRole role, const std::string& email, const MediaDetails& details);

// Deletes an uploaded file, its details and its stills; refused (kConflict, naming the uses)
// while it is used, kNotFound when the library has no such file.
Status DeleteUpload(ContentStore& store, const std::string& path, const MediaUsers& users);

}  // namespace cinepress
