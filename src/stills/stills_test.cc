#include "stills/stills.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <vips/vips.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "store/open_store.h"

namespace cinepress {
namespace {

namespace fs = std::filesystem;

// An EXIF block (libvips' "exif-data": "Exif\0\0" and a little-endian TIFF) whose GPS IFD says
// the latitude is north, and whose IFD0 names an artist: what a phone writes, in small.
std::string ExifWithGps() {
  const unsigned char tiff[] = {
      'I',  'I',  0x2a, 0, 8, 0, 0, 0,                    // header, IFD0 at 8
      2,    0,                                            // IFD0: two entries
      0x3b, 0x01, 2,    0, 4, 0, 0, 0, 'A', 'n', 'a', 0,  // Artist, ASCII, 4: "Ana"
      0x25, 0x88, 4,    0, 1, 0, 0, 0, 38,  0,   0,   0,  // GPSInfo, LONG, 1: the GPS IFD at 38
      0,    0,    0,    0,                                // no IFD1
      1,    0,                                            // GPS IFD: one entry
      1,    0,    2,    0, 2, 0, 0, 0, 'N', 0,   0,   0,  // GPSLatitudeRef, ASCII, 2: "N"
      0,    0,    0,    0};
  return std::string("Exif\0\0", 6) + std::string(reinterpret_cast<const char*>(tiff), sizeof tiff);
}

// A JPEG (or PNG) `width` × `height` of a colour gradient, with EXIF and GPS when asked.
std::string MakeImage(int width, int height, const std::string& format = "jpeg",
                      bool exif = false) {
  EXPECT_EQ(VIPS_INIT("stills_test"), 0);
  VipsImage* xyz = nullptr;
  EXPECT_EQ(vips_xyz(&xyz, width, height, nullptr), 0);
  VipsImage* rgb = nullptr;
  VipsImage* third = nullptr;
  EXPECT_EQ(vips_extract_band(xyz, &third, 0, nullptr), 0);
  VipsImage* in[] = {xyz, third};
  EXPECT_EQ(vips_bandjoin(in, &rgb, 2, nullptr), 0);
  VipsImage* u8 = nullptr;
  EXPECT_EQ(vips_cast(rgb, &u8, VIPS_FORMAT_UCHAR, nullptr), 0);
  VipsImage* out = nullptr;
  EXPECT_EQ(vips_copy(u8, &out, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr), 0);
  if (exif) {
    const std::string blob = ExifWithGps();
    vips_image_set_blob_copy(out, VIPS_META_EXIF_NAME, blob.data(), blob.size());
  }
  void* buf = nullptr;
  size_t len = 0;
  if (format == "png") {
    EXPECT_EQ(vips_pngsave_buffer(out, &buf, &len, nullptr), 0);
  } else {
    EXPECT_EQ(vips_jpegsave_buffer(out, &buf, &len, nullptr), 0);
  }
  std::string bytes(static_cast<const char*>(buf), len);
  g_free(buf);
  for (VipsImage* i : {xyz, third, rgb, u8, out}) g_object_unref(i);
  return bytes;
}

// The names of an encoded image's metadata fields that come from EXIF.
std::vector<std::string> ExifFields(const std::string& bytes) {
  VipsImage* image = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr);
  EXPECT_NE(image, nullptr) << vips_error_buffer();
  std::vector<std::string> out;
  if (!image) return out;
  gchar** names = vips_image_get_fields(image);
  for (gchar** n = names; *n; ++n) {
    if (std::string(*n).rfind("exif", 0) == 0) out.emplace_back(*n);
  }
  g_strfreev(names);
  g_object_unref(image);
  return out;
}

std::map<std::string, std::vector<int>> WidthsByFormat(const Still& still) {
  std::map<std::string, std::vector<int>> out;
  for (const StillVariant& v : still.variants) out[v.format].push_back(v.width);
  return out;
}

TEST(MakeStill, PublishesTheStandardWidthsBelowTheImageAndTheImageItself) {
  auto made = MakeStill(MakeImage(1000, 500), "static/a.jpg", "_stills/k", {});
  ASSERT_TRUE(made) << made.error().ToString();
  const std::vector<int> widths = {480, 800, 1000};
  EXPECT_EQ(WidthsByFormat(made->still),
            (std::map<std::string, std::vector<int>>{
                {"avif", widths}, {"webp", widths}, {"jpeg", widths}}));
  EXPECT_EQ(made->still.width, 1000);
  EXPECT_EQ(made->still.height, 500);
  for (const StillVariant& v : made->still.variants) {
    EXPECT_EQ(v.height * 2, v.width) << v.path;  // the proportions kept
  }
  EXPECT_EQ(made->files.back().path, "_stills/k/still.json");
  EXPECT_EQ(made->files.size(), made->still.variants.size() + 1);
}

TEST(MakeStill, NeverUpscalesASmallImage) {
  auto made = MakeStill(MakeImage(300, 200, "png"), "static/small.png", "_stills/k", {});
  ASSERT_TRUE(made) << made.error().ToString();
  EXPECT_EQ(WidthsByFormat(made->still), (std::map<std::string, std::vector<int>>{
                                             {"avif", {300}}, {"webp", {300}}, {"png", {300}}}));
}

TEST(MakeStill, AWideImageStopsAtTheWidestStandardWidth) {
  StillOptions options;
  options.avif = false;
  auto made = MakeStill(MakeImage(2600, 100), "static/wide.jpg", "_stills/k", options);
  ASSERT_TRUE(made) << made.error().ToString();
  const std::vector<int> widths = {480, 800, 1200, 1600, 2400};
  EXPECT_EQ(WidthsByFormat(made->still),
            (std::map<std::string, std::vector<int>>{{"webp", widths}, {"jpeg", widths}}));
  EXPECT_EQ(made->still.width, 2400);
  EXPECT_EQ(made->still.height, 92);
}

TEST(MakeStill, LeavesNoExifOrGpsInWhatItPublishes) {
  const std::string original = MakeImage(600, 400, "jpeg", /*exif=*/true);
  const auto before = ExifFields(original);
  ASSERT_NE(std::find(before.begin(), before.end(), "exif-ifd3-GPSLatitudeRef"), before.end())
      << "the test image should carry GPS";
  auto made = MakeStill(original, "static/phone.jpg", "_stills/k", {});
  ASSERT_TRUE(made) << made.error().ToString();
  for (const StillFile& f : made->files) {
    if (f.path.ends_with(".json")) continue;
    EXPECT_EQ(ExifFields(f.data), std::vector<std::string>{}) << f.path;
  }
}

TEST(MakeStill, TheColourIsTheImagesAverage) {
  auto made = MakeStill(MakeImage(256, 16), "static/a.png", "_stills/k", {});
  ASSERT_TRUE(made);
  ASSERT_EQ(made->still.color.size(), 7u);
  EXPECT_EQ(made->still.color[0], '#');
}

TEST(MakeStill, AnSvgHasItsSizeAndColourAndNoVariants) {
  const std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"360\">"
      "<rect width=\"640\" height=\"360\" fill=\"#204060\"/></svg>";
  auto made = MakeStill(svg, "static/a.svg", "_stills/k", {});
  ASSERT_TRUE(made) << made.error().ToString();
  EXPECT_EQ(made->still.width, 640);
  EXPECT_EQ(made->still.height, 360);
  EXPECT_EQ(made->still.color, "#204060");
  EXPECT_TRUE(made->still.variants.empty());
  ASSERT_EQ(made->files.size(), 1u);  // the manifest
}

TEST(MakeStill, BytesThatAreNotAnImageAreAnErrorNamingTheFile) {
  auto text = MakeStill("just some words", "static/notes.jpg", "_stills/k", {});
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().file, "static/notes.jpg");
  EXPECT_EQ(text.error().code, ErrorCode::kInvalidInput);
  // A JPEG cut short: libvips knows its type but cannot decode it.
  const std::string whole = MakeImage(400, 300);
  auto cut = MakeStill(whole.substr(0, whole.size() / 3), "static/cut.jpg", "_stills/k", {});
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().file, "static/cut.jpg");
}

// CleanUpload of `bytes`, from a file holding them (as an upload is held).
Result<CleanImage> CleanBytes(const std::string& bytes, const std::string& name) {
  static int n = 0;
  const auto file =
      std::filesystem::path(testing::TempDir()) / ("clean-upload-" + std::to_string(++n));
  {
    std::ofstream out(file, std::ios::binary);
    out << bytes;
  }
  auto clean = CleanUpload(file, name);
  std::filesystem::remove(file);
  return clean;
}

// The media library's uploads: kept in their own format, decoded, with no EXIF or GPS left.
TEST(CleanUpload, KeepsTheFormatAndSizeAndLeavesNoExifOrGps) {
  const std::string original = MakeImage(300, 200, "jpeg", /*exif=*/true);
  ASSERT_FALSE(ExifFields(original).empty());
  auto clean = CleanBytes(original, "lamp.jpg");
  ASSERT_TRUE(clean) << clean.error().ToString();
  EXPECT_EQ(clean->type, "image/jpeg");
  EXPECT_EQ(clean->extension, "jpg");
  EXPECT_EQ(clean->width, 300);
  EXPECT_EQ(clean->height, 200);
  EXPECT_EQ(ExifFields(clean->data), std::vector<std::string>{});
  auto png = CleanBytes(MakeImage(40, 30, "png"), "chairs.png");
  ASSERT_TRUE(png) << png.error().ToString();
  EXPECT_EQ(png->type, "image/png");
  EXPECT_EQ(png->width, 40);
}

TEST(CleanUpload, RefusesWhatIsNotAJpegPngOrWebpNamingTheFile) {
  auto text = CleanBytes("just some words", "notes.jpg");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().file, "notes.jpg");
  EXPECT_NE(text.error().message.find("not an image"), std::string::npos);
  auto svg = CleanBytes(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
      "<script>alert(1)</script></svg>",
      "logo.svg");
  ASSERT_FALSE(svg);
  EXPECT_NE(svg.error().message.find("SVG"), std::string::npos);
  const std::string whole = MakeImage(400, 300);
  auto cut = CleanBytes(whole.substr(0, whole.size() / 3), "cut.jpg");
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().file, "cut.jpg");
}

// A PNG whose IDAT chunk's CRC is wrong: libpng refuses it, and so must we, every time (libvips'
// own worker threads let it through now and then).
TEST(CleanUpload, RefusesAPngWithABadCrcEveryTime) {
  std::string png = MakeImage(2, 1, "png");
  const size_t idat = png.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  const auto length = static_cast<size_t>(static_cast<unsigned char>(png[idat - 2])) << 8 |
                      static_cast<unsigned char>(png[idat - 1]);
  png[idat + 4 + length] = static_cast<char>(png[idat + 4 + length] ^ 0x5a);  // the CRC's first
  for (int i = 0; i < 40; ++i) {
    auto clean = CleanBytes(png, "broken.png");
    ASSERT_FALSE(clean) << "taken at try " << i;
    EXPECT_EQ(clean.error().file, "broken.png");
    ASSERT_FALSE(MakeStill(png, "static/broken.png", "_stills/b", {})) << "taken at try " << i;
  }
}

class PrepareStillsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("stills_test." + std::to_string(getpid()) + "." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    auto store = OpenContentStore(dir_ / "site.db", {});
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  size_t CountStillFiles() {
    auto media = store_->LoadMediaList();
    size_t n = 0;
    for (const MediaFile& m : *media) n += IsStillPath(m.path);
    return n;
  }
  fs::path dir_;
  std::unique_ptr<ContentStore> store_;
};

TEST_F(PrepareStillsTest, MakesEachImageOnceAndReusesItLater) {
  StillOptions options;
  options.avif = false;
  const std::string image = MakeImage(900, 600);
  ASSERT_TRUE(store_->SaveMedia("images/a.jpg", image));
  ASSERT_TRUE(store_->SaveMedia("images/same-as-a.jpg", image));
  ASSERT_TRUE(store_->SaveMedia("notes.pdf", "%PDF-1.4"));
  auto first = PrepareStills(*store_, options);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->made, 1u);  // one content, two paths
  const size_t files = CountStillFiles();
  EXPECT_EQ(files, 2u * 3u + 1u);  // 480, 800, 900 in WebP and JPEG, and the manifest

  auto second = PrepareStills(*store_, options);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->made, 0u);
  EXPECT_EQ(second->kept, 1u);

  auto media = store_->LoadMediaList();
  auto book = LoadStills(*store_, *media);
  ASSERT_TRUE(book) << book.error().ToString();
  ASSERT_EQ(book->count("images/a.jpg"), 1u);
  EXPECT_EQ(book->at("images/a.jpg"), book->at("images/same-as-a.jpg"));
  EXPECT_EQ(book->at("images/a.jpg").width, 900);
  EXPECT_EQ(book->count("notes.pdf"), 0u);
  for (const StillVariant& v : book->at("images/a.jpg").variants) {
    auto data = store_->LoadMediaData(v.path);
    EXPECT_TRUE(data && !data->empty()) << v.path;
  }
}

TEST_F(PrepareStillsTest, RemovesTheStillsOfAnImageThatIsGone) {
  StillOptions options;
  options.avif = false;
  ASSERT_TRUE(store_->SaveMedia("images/a.jpg", MakeImage(500, 300)));
  ASSERT_TRUE(PrepareStills(*store_, options));
  EXPECT_GT(CountStillFiles(), 0u);
  ASSERT_TRUE(store_->DeleteMedia("images/a.jpg"));
  auto again = PrepareStills(*store_, options);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->removed, 1u);
  EXPECT_EQ(CountStillFiles(), 0u);
}

TEST_F(PrepareStillsTest, AnImageThatCannotBeDecodedIsAProblemNamingItAndTheOthersAreMade) {
  StillOptions options;
  options.avif = false;
  ASSERT_TRUE(store_->SaveMedia("images/broken.jpg", "not a JPEG at all"));
  ASSERT_TRUE(store_->SaveMedia("images/good.jpg", MakeImage(500, 300)));
  auto r = PrepareStills(*store_, options);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->made, 1u);
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].file, "static/images/broken.jpg");
  EXPECT_NE(r->problems[0].ToString().find("static/images/broken.jpg"), std::string::npos);
  auto media = store_->LoadMediaList();
  auto book = LoadStills(*store_, *media);
  ASSERT_TRUE(book);
  EXPECT_EQ(book->count("images/good.jpg"), 1u);
  EXPECT_EQ(book->count("images/broken.jpg"), 0u);  // published as it is
}

}  // namespace
}  // namespace cinepress
