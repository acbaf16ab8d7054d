// The libvips side of stills, built as a module of its own (cinepress-stills.so, beside the
// program) that stills.cc loads the first time it encodes or cleans an image. Linked into the
// program, libvips brought 52 of its 126 shared libraries, loaded and relocated by every command
// (36 of the 79 ms a `cinepress --version` took), though only a build with new images or an
// upload uses them. Only standard types cross: the module and the program are built together,
// by one compiler, and the module calls nothing of the program's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cinepress {

// An upload as it is kept and published (stills.h: CleanUpload).
struct CleanImage {
  std::string type;       // "image/jpeg", "image/png", "image/webp"
  std::string extension;  // "jpg", "png", "webp"
  int width = 0;
  int height = 0;
  std::string data;
};

}  // namespace cinepress

namespace cinepress::still_codec {

// Raised when these types or the table change: a module from another build is refused.
inline constexpr int kVersion = 1;

struct Variant {
  int named = 0;  // the standard width it was made for (its file's name)
  int width = 0;  // as encoded
  int height = 0;
  std::string format;  // "avif", "webp", "jpeg" or "png"
  std::string data;
};

struct Made {
  int width = 0;  // as published
  int height = 0;
  std::string color;              // "#rrggbb"
  std::vector<Variant> variants;  // none for a drawing (SVG)
};

// What went wrong: `what`, and libvips' own words when it had any.
struct Failure {
  std::string what;
  std::string detail;
};

struct Codec {
  int version;
  // The variants of one image (stills.h: MakeStill); false and `failure` when it cannot be.
  bool (*make)(std::string_view bytes, bool avif, Made& out, Failure& failure);
  // An upload decoded and written again with no metadata (stills.h: CleanUpload).
  bool (*clean)(const std::string& file, CleanImage& out, Failure& failure);
};

}  // namespace cinepress::still_codec

// The module's one exported symbol.
extern "C" const cinepress::still_codec::Codec cinepress_still_codec;
