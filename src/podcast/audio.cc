#include "podcast/audio.h"

#include <jpeglib.h>
#include <png.h>
#include <taglib/audioproperties.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>

#include <csetjmp>
#include <cstdio>
#include <fstream>
#include <memory>

#include "core/text.h"

namespace cinepress {
namespace {

namespace fs = std::filesystem;

Error Invalid(const std::string& message) {
  return Error{ErrorCode::kInvalidInput, message, "", 0, {}};
}

// The first bytes of the file (fewer when it is shorter).
std::string Head(const fs::path& file, size_t n) {
  std::ifstream in(file, std::ios::binary);
  std::string out(n, '\0');
  in.read(out.data(), static_cast<std::streamsize>(n));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

// Whether the bytes begin as the container claims: an ID3 tag or an MPEG audio frame's sync
// word; an ISO media file's `ftyp` box; an Ogg page.
bool LooksLike(const std::string& mime, const std::string& head) {
  auto byte = [&](size_t i) { return i < head.size() ? static_cast<unsigned char>(head[i]) : 0; };
  if (mime == "audio/mpeg") {
    return head.rfind("ID3", 0) == 0 || (byte(0) == 0xFF && (byte(1) & 0xE0) == 0xE0);
  }
  if (mime == "audio/mp4") return head.size() >= 8 && head.compare(4, 4, "ftyp") == 0;
  return head.rfind("OggS", 0) == 0;
}

// TagLib's reading of the file, by its container; null properties: not that audio.
template <class File>
Result<AudioFacts> ReadWith(const fs::path& file, const std::string& mime) {
  File f(file.c_str(), true, TagLib::AudioProperties::Accurate);
  const TagLib::AudioProperties* p = f.isValid() ? f.audioProperties() : nullptr;
  if (!p || p->lengthInMilliseconds() <= 0) {
    return Invalid("not " + mime + " audio that can be read (no audio stream or no duration)");
  }
  AudioFacts facts;
  facts.mime = mime;
  facts.duration_ms = p->lengthInMilliseconds();
  facts.bitrate = p->bitrate();
  return facts;
}

}  // namespace

Result<AudioFacts> ReadAudioFacts(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return Error{ErrorCode::kIo, "cannot read the audio file: " + ec.message(), "", 0, {}};
  const std::string ext = AsciiLower(file.extension().string());
  std::string mime = ext == ".mp3"                     ? "audio/mpeg"
                     : ext == ".m4a" || ext == ".mp4"  ? "audio/mp4"
                     : ext == ".opus" || ext == ".ogg" ? "audio/ogg"
                                                       : "";
  if (mime.empty()) {
    return Invalid("\"" + file.filename().string() +
                   "\" is not MP3 (.mp3), M4A (.m4a) or Opus"
                   " (.opus) audio");
  }
  if (!LooksLike(mime, Head(file, 16))) {
    return Invalid("\"" + file.filename().string() + "\" is not the " + mime +
                   " audio its name says it is");
  }
  Result<AudioFacts> facts = mime == "audio/mpeg"  ? ReadWith<TagLib::MPEG::File>(file, mime)
                             : mime == "audio/mp4" ? ReadWith<TagLib::MP4::File>(file, mime)
                                                   : ReadWith<TagLib::Ogg::Opus::File>(file, mime);
  if (facts) facts->size = static_cast<int64_t>(size);
  return facts;
}

namespace {

Result<ArtworkFacts> ReadPng(const fs::path& file) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, file.c_str())) {
    return Invalid(std::string("not a PNG image that can be read: ") + image.message);
  }
  ArtworkFacts facts{"png", static_cast<int>(image.width), static_cast<int>(image.height),
                     (image.format & PNG_FORMAT_FLAG_COLOR) != 0};
  png_image_free(&image);
  return facts;
}

// libjpeg reports errors by calling error_exit, which must not return: jump back here.
struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
};

Result<ArtworkFacts> ReadJpeg(const fs::path& file) {
  std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!in) return Invalid("cannot open the image");
  jpeg_decompress_struct info{};
  JpegError error{};
  info.err = jpeg_std_error(&error.mgr);
  error.mgr.error_exit = [](j_common_ptr c) {
    std::longjmp(reinterpret_cast<JpegError*>(c->err)->jump, 1);
  };
  if (setjmp(error.jump)) {
    jpeg_destroy_decompress(&info);
    return Invalid("not a JPEG image that can be read");
  }
  jpeg_create_decompress(&info);
  jpeg_stdio_src(&info, in.get());
  jpeg_read_header(&info, TRUE);
  ArtworkFacts facts{"jpeg", static_cast<int>(info.image_width),
                     static_cast<int>(info.image_height),
                     info.jpeg_color_space == JCS_YCbCr || info.jpeg_color_space == JCS_RGB};
  jpeg_destroy_decompress(&info);
  return facts;
}

}  // namespace

Result<ArtworkFacts> ReadArtworkFacts(const fs::path& file) {
  const std::string head = Head(file, 8);
  if (head.size() == 8 && png_sig_cmp(reinterpret_cast<png_const_bytep>(head.data()), 0, 8) == 0) {
    return ReadPng(file);
  }
  if (head.rfind("\xFF\xD8\xFF", 0) == 0) return ReadJpeg(file);
  return Invalid("the artwork must be a JPEG or PNG image");
}

std::string ArtworkProblem(const ArtworkFacts& f) {
  const std::string size = std::to_string(f.width) + "x" + std::to_string(f.height);
  if (f.width != f.height) return "the artwork must be square (it is " + size + ")";
  if (f.width < 1400 || f.width > 3000) {
    return "the artwork must be 1400 to 3000 pixels wide (it is " + size + ")";
  }
  if (!f.rgb) return "the artwork must be in RGB colour (not greyscale or CMYK)";
  return "";
}

}  // namespace cinepress
