// Stills made with libvips: every image the site keeps is published in widths up to its own
// (content/still.h: 480 to 2400 px, never upscaled), in AVIF, WebP and its own format (JPEG, or
// PNG when it is a PNG), upright, converted to sRGB from its embedded colour profile, with no
// metadata (EXIF, GPS, XMP, the profile) left in what is published. They are kept in the store as
// media beside the image (`_stills/{key}/`, key = the image's content hash and the settings), so
// that a build or a node serving the site never encodes anything, and an image is encoded once.
// Contract: MakeStill is pure and thread-safe; PrepareStills and LoadStills use the store they are
// given on the calling thread only (PrepareStills encodes on every core).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "content/content_store.h"
#include "content/still.h"
#include "core/result.h"
#include "stills/still_codec.h"  // CleanImage

namespace cinepress {

struct StillOptions {
  bool avif = true;      // AVIF next to WebP (libheif with the AV1 encoder aom)
  unsigned threads = 0;  // images encoded at once; 0: one per core
  size_t batch = 16;     // images held in memory, then written in one transaction
};

struct StillFile {
  std::string path;  // media path: "_stills/{key}/800.webp", "_stills/{key}/still.json"
  std::string data;
};

struct MadeStill {
  Still still;
  std::vector<StillFile> files;  // every variant, then the manifest
};

// Makes the variants of one image under `folder`. `name` is the image's path, for errors: bytes
// that are not an image libvips can decode are an error naming it (kInvalidInput).
Result<MadeStill> MakeStill(std::string_view bytes, const std::string& name,
                            const std::string& folder, const StillOptions& options);

// An image uploaded in the newsroom's media library (issue #15), as it is kept and published:
// decoded whole by libvips from the file that holds it (a file that is not an image libvips can
// decode is refused, naming it), upright, in sRGB, and written again in its own format with no
// metadata — EXIF with GPS, XMP, IPTC and the colour profile are never published. JPEG, PNG and
// WebP are taken; anything else (an SVG, which could carry a script; GIF, TIFF, HEIC…) is refused
// (kInvalidInput). CleanImage is in still_codec.h: the module fills it.
Result<CleanImage> CleanUpload(const std::filesystem::path& file, const std::string& name);

struct StillsReport {
  size_t made = 0;     // images encoded now
  size_t kept = 0;     // images whose stills were already in the store
  size_t removed = 0;  // still folders of images no longer kept, removed
  // Images that cannot be decoded, each an error naming it: they are published as they are (no
  // stills), and tried again next time.
  std::vector<Error> problems;
};

// Makes the stills that the store's images lack and removes those of images it no longer has.
// An image that cannot be decoded is a problem in the report, not a failure: the others are
// made. An error: the store failed.
Result<StillsReport> PrepareStills(ContentStore& store, const StillOptions& options);

// The stills of the store's images (`media`: its media list), by image path. An image whose
// stills are not made yet has none (its page shows the image as it is).
Result<StillBook> LoadStills(ContentStore& store, const std::vector<MediaFile>& media);

}  // namespace cinepress
