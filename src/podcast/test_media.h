// For tests: small real media files made in memory — MPEG audio frames TagLib reads as MP3, and
// PNG artwork written by libpng — so unit tests need no encoder on the machine.
#pragma once

#include <png.h>

#include <string>
#include <vector>

namespace cinepress {

// `frames` MPEG-1 Layer III frames at 128 kbit/s, 44.1 kHz (417 bytes and 1152 samples each:
// 383 frames last 10.0 s).
inline std::string TestMp3(int frames) {
  std::string frame(417, '\0');
  frame[0] = '\xFF';
  frame[1] = '\xFB';
  frame[2] = '\x90';
  frame[3] = '\x64';
  std::string out;
  for (int i = 0; i < frames; ++i) out += frame;
  return out;
}

// A grey-filled PNG of width x height, in RGB (`colour`) or greyscale, as bytes.
inline std::string TestPng(int width, int height, bool colour) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = colour ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(image), 0x80);
  png_alloc_size_t size = 0;
  png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr);
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr))
    return "";
  out.resize(size);
  return out;
}

}  // namespace cinepress
