// The module that holds libvips (still_codec.h says why it is a module): the one translation unit
// that includes its headers (they are large: the machine is small).
#include "stills/still_codec.h"

#include <vips/vips.h>
#include <webp/mux.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>

#include "content/still.h"  // kStillWidths alone: the module calls nothing of the program's

namespace cinepress::still_codec {
namespace {
constexpr int kAvifQuality = 50;
constexpr int kWebpQuality = 75;
constexpr int kJpegQuality = 80;
constexpr int kAvifEffort = 2;  // of 0–9: AV1 is slow to encode; 2 is far faster, a little larger

// A VipsImage reference, released when it goes out of scope.
class ImageRef {
 public:
  explicit ImageRef(VipsImage* image = nullptr) : image_(image) {}
  ImageRef(const ImageRef&) = delete;
  ImageRef& operator=(const ImageRef&) = delete;
  ~ImageRef() {
    if (image_) g_object_unref(image_);
  }
  VipsImage* get() const { return image_; }
  // Replaces the image by the result of an operation that wrote into `out`.
  void Reset(VipsImage* out) {
    if (image_) g_object_unref(image_);
    image_ = out;
  }

 private:
  VipsImage* image_;
};

bool StartVips() {
  static std::once_flag once;
  static bool started = false;
  std::call_once(once, [] {
    started = VIPS_INIT("cinepress") == 0;
    // Each image is opened once: libvips' cache of operations would only hold memory.
    if (started) vips_cache_set_max(0);
    // One image a thread: images are processed one per core by ParallelFor. With libvips' own
    // workers too, libvips 8.14 reports a broken image's error only now and then (a PNG whose
    // IDAT CRC is wrong was refused 4 to 7 times in 10 with its workers, 80 of 80 with one): an
    // upload refused or taken by chance.
    if (started) vips_concurrency_set(1);
  });
  return started;
}

// libvips keeps its error messages in one buffer per process: the message, then cleared.
bool Fail(Failure& failure, const std::string& what) {
  std::string detail = vips_error_buffer();
  vips_error_clear();
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  failure = Failure{what, std::move(detail)};
  return false;
}

// Applies one libvips operation to `image` in place; false (and the error is left in libvips'
// buffer) when it failed.
template <typename Op>
bool Apply(ImageRef& image, Op op) {
  VipsImage* out = nullptr;
  if (op(image.get(), &out) != 0) return false;
  image.Reset(out);
  return true;
}

// Removes what a camera or an editor wrote about the image (EXIF with GPS, XMP, IPTC) and the
// colour profile (the pixels are sRGB now): the savers' own "strip" misses EXIF in WebP (libvips
// 8.14), so nothing is left for them to copy. `image` must be this caller's alone.
void StripMetadata(VipsImage* image) {
  gchar** names = vips_image_get_fields(image);
  for (gchar** n = names; *n; ++n) {
    const std::string_view name(*n);
    if (name.starts_with("exif-") || name.starts_with("xmp-") || name.starts_with("iptc-") ||
        name == VIPS_META_ICC_NAME || name == VIPS_META_PHOTOSHOP_NAME) {
      vips_image_remove(image, *n);
    }
  }
  g_strfreev(names);
}

// Upright, 8-bit sRGB, decoded into memory (it is resized several times).
bool Normalize(ImageRef& image) {
  if (!Apply(image,
             [](VipsImage* in, VipsImage** out) { return vips_autorot(in, out, nullptr); })) {
    return false;
  }
  if (vips_image_get_typeof(image.get(), VIPS_META_ICC_NAME)) {
    if (!Apply(image, [](VipsImage* in, VipsImage** out) {
          return vips_icc_transform(in, out, "srgb", "embedded", TRUE, "intent",
                                    VIPS_INTENT_PERCEPTUAL, "depth", 8, nullptr);
        })) {
      return false;
    }
  } else if (vips_image_guess_interpretation(image.get()) != VIPS_INTERPRETATION_sRGB) {
    if (!Apply(image, [](VipsImage* in, VipsImage** out) {
          return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, nullptr);
        })) {
      return false;
    }
  }
  if (vips_image_get_format(image.get()) != VIPS_FORMAT_UCHAR &&
      !Apply(image, [](VipsImage* in, VipsImage** out) {
        return vips_cast(in, out, VIPS_FORMAT_UCHAR, nullptr);
      })) {
    return false;
  }
  VipsImage* memory = vips_image_copy_memory(image.get());
  if (!memory) return false;
  image.Reset(memory);
  StripMetadata(memory);
  return true;
}

// The mean of each colour band, as "#rrggbb".
std::optional<std::string> AverageColor(VipsImage* image) {
  const int bands = vips_image_get_bands(image);
  int rgb[3] = {0, 0, 0};
  for (int b = 0; b < 3; ++b) {
    VipsImage* band = nullptr;
    if (vips_extract_band(image, &band, b < bands ? b : 0, nullptr) != 0) return std::nullopt;
    ImageRef hold(band);
    double mean = 0;
    if (vips_avg(band, &mean, nullptr) != 0) return std::nullopt;
    rgb[b] = static_cast<int>(std::lround(std::clamp(mean, 0.0, 255.0)));
  }
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return std::string(text);
}

// The average colour of the SVG in `bytes`, drawn at most 64 pixels wide.
std::optional<std::string> SmallDrawingColor(std::string_view bytes) {
  VipsImage* small = nullptr;
  if (vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &small, 64, nullptr) !=
      0) {
    return std::nullopt;
  }
  ImageRef drawing(small);
  if (!Normalize(drawing)) return std::nullopt;
  return AverageColor(drawing.get());
}

// libvips 8.14's WebP saver writes an EXIF chunk of its own even when told to strip (no GPS: the
// image's metadata is gone by then, but the resolution and size it makes up): libwebpmux takes
// the chunk out.
std::optional<std::string> WithoutExif(const std::string& webp) {
  WebPData in{reinterpret_cast<const uint8_t*>(webp.data()), webp.size()};
  WebPMux* mux = WebPMuxCreate(&in, 0);
  if (!mux) return std::nullopt;
  const WebPMuxError deleted = WebPMuxDeleteChunk(mux, "EXIF");
  if (deleted == WEBP_MUX_NOT_FOUND) {
    WebPMuxDelete(mux);
    return webp;
  }
  WebPData out;
  WebPDataInit(&out);
  const bool ok = deleted == WEBP_MUX_OK && WebPMuxAssemble(mux, &out) == WEBP_MUX_OK;
  WebPMuxDelete(mux);
  std::optional<std::string> result;
  if (ok) result.emplace(reinterpret_cast<const char*>(out.bytes), out.size);
  WebPDataClear(&out);
  return result;
}

// One encoding of `image`, with no metadata.
std::optional<std::string> Encode(VipsImage* image, const std::string& format) {
  void* buf = nullptr;
  size_t len = 0;
  int rc = -1;
  if (format == "avif") {
    rc = vips_heifsave_buffer(image, &buf, &len, "Q", kAvifQuality, "compression",
                              VIPS_FOREIGN_HEIF_COMPRESSION_AV1, "effort", kAvifEffort, "strip",
                              TRUE, nullptr);
  } else if (format == "webp") {
    rc = vips_webpsave_buffer(image, &buf, &len, "Q", kWebpQuality, "strip", TRUE, nullptr);
  } else if (format == "png") {
    rc = vips_pngsave_buffer(image, &buf, &len, "compression", 9, "strip", TRUE, nullptr);
  } else {
    rc = vips_jpegsave_buffer(image, &buf, &len, "Q", kJpegQuality, "strip", TRUE,
                              "optimize_coding", TRUE, "interlace", TRUE, nullptr);
  }
  if (rc != 0) return std::nullopt;
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  if (format == "webp") return WithoutExif(out);
  return out;
}

// The widths published for an image `width` wide: the standard ones below it, and its own
// width when it is no wider than the widest standard one.
std::vector<int> PublishedWidths(int width) {
  std::vector<int> out;
  constexpr int kWidest = kStillWidths[std::size(kStillWidths) - 1];
  for (int w : kStillWidths) {
    if (w < width) out.push_back(w);
  }
  if (width <= kWidest) out.push_back(width);
  return out;
}

bool Make(std::string_view bytes, bool avif, Made& made, Failure& failure) {
  if (!StartVips()) return Fail(failure, "libvips could not start");
  const char* loader = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
  if (!loader) return Fail(failure, "not an image that libvips can read");
  const std::string fallback =
      std::string(loader).find("Png") != std::string::npos ? "png" : "jpeg";
  ImageRef image(vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "fail_on",
                                            VIPS_FAIL_ON_ERROR, nullptr));
  if (!image.get()) return Fail(failure, "the image cannot be decoded");
  if (std::string_view(loader).find("Svg") != std::string_view::npos) {
    // Drawn at any width: its size (for width and height) and colour, and no variants. Its
    // colour is read from a small drawing: drawn whole, an SVG with filters takes a good part of
    // a second.
    made.width = vips_image_get_width(image.get());
    made.height = vips_image_get_height(image.get());
    auto color = SmallDrawingColor(bytes);
    if (!color) return Fail(failure, "the image cannot be drawn");
    made.color = *color;
    return true;
  }
  if (!Normalize(image)) return Fail(failure, "the image cannot be decoded");
  const int width = vips_image_get_width(image.get());
  const int height = vips_image_get_height(image.get());
  auto color = AverageColor(image.get());
  if (!color) return Fail(failure, "the image's colours cannot be read");
  made.color = *color;

  // The fallback (JPEG) has no transparency: it is laid on white.
  ImageRef opaque(image.get());
  g_object_ref(image.get());
  if (fallback == "jpeg" && vips_image_hasalpha(image.get()) &&
      !Apply(opaque, [](VipsImage* in, VipsImage** out) {
        VipsArrayDouble* white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
        int rc = vips_flatten(in, out, "background", white, nullptr);
        vips_area_unref(VIPS_AREA(white));
        return rc;
      })) {
    return Fail(failure, "the image cannot be flattened");
  }

  std::vector<std::string> formats;
  if (avif) formats.push_back("avif");
  formats.push_back("webp");
  formats.push_back(fallback);
  const std::vector<int> widths = PublishedWidths(width);
  for (const std::string& format : formats) {
    VipsImage* source = format == fallback ? opaque.get() : image.get();
    for (int w : widths) {
      ImageRef sized(source);
      g_object_ref(source);
      if (w != width && !Apply(sized, [&](VipsImage* in, VipsImage** out) {
            return vips_resize(in, out, static_cast<double>(w) / width, nullptr);
          })) {
        return Fail(failure, "the image cannot be resized");
      }
      auto data = Encode(sized.get(), format);
      if (!data) return Fail(failure, "the image cannot be encoded as " + format);
      made.variants.push_back(Variant{w, vips_image_get_width(sized.get()),
                                      vips_image_get_height(sized.get()), format,
                                      std::move(*data)});
    }
  }
  const int published = widths.back();
  made.width = published;
  made.height =
      published == width
          ? height
          : static_cast<int>(std::lround(static_cast<double>(height) * published / width));
  return true;
}

bool Clean(const std::string& file, CleanImage& out, Failure& failure) {
  if (!StartVips()) return Fail(failure, "libvips could not start");
  // Read through a source of its own, not by file name: libvips keeps images it opened by name
  // in its cache, and an upload's file name may come again for other bytes.
  std::unique_ptr<VipsSource, void (*)(void*)> source(vips_source_new_from_file(file.c_str()),
                                                      g_object_unref);
  if (!source) return Fail(failure, "the upload cannot be read");
  const char* found = vips_foreign_find_load_source(source.get());
  const std::string loader = found ? found : "";
  struct Kind {
    const char* loader;
    const char* type;
    const char* extension;
    const char* format;  // Encode's
  };
  static constexpr Kind kKinds[] = {{"VipsForeignLoadJpeg", "image/jpeg", "jpg", "jpeg"},
                                    {"VipsForeignLoadPng", "image/png", "png", "png"},
                                    {"VipsForeignLoadWebp", "image/webp", "webp", "webp"}};
  const auto kind = std::find_if(std::begin(kKinds), std::end(kKinds),
                                 [&](const Kind& k) { return loader.starts_with(k.loader); });
  if (kind == std::end(kKinds)) {
    vips_error_clear();
    failure = Failure{loader.find("Svg") != std::string::npos
                          ? "an SVG is not taken (it can carry scripts): upload a PNG instead"
                      : found ? "only JPEG, PNG and WebP images are taken"
                              : "not an image: its bytes are not a JPEG, PNG or WebP image",
                      ""};
    return false;
  }
  ImageRef image(
      vips_image_new_from_source(source.get(), "", "fail_on", VIPS_FAIL_ON_ERROR, nullptr));
  if (!image.get() || !Normalize(image)) return Fail(failure, "the image cannot be decoded");
  out = CleanImage{kind->type,
                   kind->extension,
                   vips_image_get_width(image.get()),
                   vips_image_get_height(image.get()),
                   {}};
  void* buf = nullptr;
  size_t len = 0;
  int rc = -1;
  // Written again near the original's quality: this is the file that is downloaded as it is.
  if (std::string_view(kind->format) == "png") {
    rc = vips_pngsave_buffer(image.get(), &buf, &len, "compression", 6, "strip", TRUE, nullptr);
  } else if (std::string_view(kind->format) == "webp") {
    rc = vips_webpsave_buffer(image.get(), &buf, &len, "Q", 90, "strip", TRUE, nullptr);
  } else {
    rc = vips_jpegsave_buffer(image.get(), &buf, &len, "Q", 92, "strip", TRUE, "optimize_coding",
                              TRUE, nullptr);
  }
  if (rc != 0) return Fail(failure, "the image cannot be written again");
  out.data.assign(static_cast<const char*>(buf), len);
  g_free(buf);
  if (out.type == "image/webp") {
    auto clean = WithoutExif(out.data);
    if (!clean) return Fail(failure, "the image's metadata cannot be removed");
    out.data = std::move(*clean);
  }
  return true;
}

}  // namespace
}  // namespace cinepress::still_codec

extern "C" __attribute__((visibility("default")))
const cinepress::still_codec::Codec cinepress_still_codec{
    cinepress::still_codec::kVersion, cinepress::still_codec::Make, cinepress::still_codec::Clean};
