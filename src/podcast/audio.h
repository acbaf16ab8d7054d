// An episode's audio file and the show's artwork, as read from the files themselves (TagLib for
// audio, libpng and libjpeg for the image header): what feeds and apps are told never comes from
// front matter. Contract: plain functions; thread-safe (each call opens its own file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/result.h"

namespace cinepress {

struct AudioFacts {
  std::string mime;  // audio/mpeg (.mp3), audio/mp4 (.m4a), audio/ogg (.opus)
  int64_t size = 0;  // bytes
  int64_t duration_ms = 0;
  int bitrate = 0;  // kbit/s
};

// The file's facts; an error (kInvalidInput) when its name does not say MP3, M4A or Opus, or
// its bytes are not the audio its name claims, or it holds no audio at all.
Result<AudioFacts> ReadAudioFacts(const std::filesystem::path& file);

struct ArtworkFacts {
  std::string format;  // "png" or "jpeg"
  int width = 0, height = 0;
  bool rgb = false;  // colour in RGB (not grey, not CMYK)
};

// The image header's facts; an error when the file is neither a PNG nor a JPEG.
Result<ArtworkFacts> ReadArtworkFacts(const std::filesystem::path& file);
// What Apple refuses in podcast artwork (square, 1400-3000 px, RGB), or "".
std::string ArtworkProblem(const ArtworkFacts& facts);

}  // namespace cinepress
