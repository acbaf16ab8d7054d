// Stills: the published variants of an image kept by the site (its widths in WebP, AVIF and its
// own format), and the facts a page needs to place it without a layout shift (size, colour).
// Contract: plain data and pure functions, thread-safe. The variants are media files of the
// store under `_stills/{key}/`, made by src/stills (libvips); `key` names the image's content
// and the settings that made them, so the same bytes are never encoded twice.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace cinepress {

// The widths a still is published at, never above the image's own width (which is published
// too when it is narrower than the widest of these).
inline constexpr int kStillWidths[] = {480, 800, 1200, 1600, 2400};

struct StillVariant {
  int width = 0;
  int height = 0;
  std::string format;  // "avif", "webp", "jpeg" or "png"
  std::string path;    // media path, without the leading slash: "_stills/{key}/480.webp"
  bool operator==(const StillVariant&) const = default;
};

struct Still {
  int width = 0;  // as published (upright, at most the widest variant)
  int height = 0;
  std::string color;  // the average colour, "#rrggbb": the box's background while it loads
  std::vector<StillVariant> variants;  // by format, then width
  bool operator==(const Still&) const = default;
};

// Media path ("images/x.jpg") -> its still.
using StillBook = std::unordered_map<std::string, Still>;

// Whether a media path is an image cinepress makes stills of (JPEG, PNG, WebP, by extension;
// not GIF, whose animation would be lost), or an SVG, whose still has its size and colour and no
// variants (it is drawn at any width); never a file under `_stills/` itself.
bool IsStillSource(std::string_view path);
// The folder of the stills of the image with this content hash under the current settings.
std::string StillFolder(std::string_view content_hash);
// The media path of the manifest in a still's folder, which describes the still (JSON).
std::string StillManifestPath(std::string_view content_hash);
bool IsStillPath(std::string_view path);  // under `_stills/`

std::string StillManifestJson(const Still& still);
// `file` names the manifest in errors.
Result<Still> ParseStillManifest(std::string_view json, const std::string& file);

// "/_stills/k/480.webp 480w, /_stills/k/800.webp 800w" for one format ("" when it has none).
std::string StillSrcset(const Still& still, std::string_view format);
// The variant of the still's own format at most `width` wide (or the narrowest): the `src`.
const StillVariant* StillFallback(const Still& still, int width);
// The format its fallback variants are in: "png" or "jpeg".
std::string_view StillFallbackFormat(const Still& still);
// The class that paints a still's box in its colour while it loads, "tint-RGB" with each digit
// 0–3 (the colour on four levels a channel: the theme's site.css has the 64 rules, since the
// Content-Security-Policy allows no style attribute). "" for a colour that is not "#rrggbb".
std::string StillTint(std::string_view color);
// What a page shows of the still of the image at `path` (its variants' folder, size, colour),
// "-" when it has none: a page that places the image is made again when this changes.
std::string StillSummary(const std::string& path, const Still* still);
// A digest of which images have which stills (pages show them: a change renders them again).
std::string StillsFingerprint(const StillBook& stills);

}  // namespace cinepress
