#include "podcast/audio.h"

#include <gtest/gtest.h>

#include <fstream>

#include "podcast/test_media.h"

namespace cinepress {
namespace {

namespace fs = std::filesystem;

class AudioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cinepress-audio-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return dir_ / name;
  }
  static std::string Mp3(int frames) { return TestMp3(frames); }
  fs::path Png(const std::string& name, int width, int height, bool colour) {
    return Write(name, TestPng(width, height, colour));
  }
  fs::path dir_;
};

TEST_F(AudioTest, ReadsAnMp3sDurationBitrateSizeAndTypeFromTheFile) {
  auto facts = ReadAudioFacts(Write("a.mp3", Mp3(383)));  // 383 * 1152 / 44100 = 10.0 s
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(facts->mime, "audio/mpeg");
  EXPECT_EQ(facts->size, 383 * 417);
  EXPECT_NEAR(static_cast<double>(facts->duration_ms), 10005, 50);
  EXPECT_EQ(facts->bitrate, 128);
}

TEST_F(AudioTest, RefusesAFileThatIsNotTheAudioItsNameClaims) {
  auto text = ReadAudioFacts(Write("notes.mp3", "This is not audio at all, just words."));
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find("not the audio/mpeg audio its name says"), std::string::npos)
      << text.error().message;
  auto mp3_as_m4a = ReadAudioFacts(Write("a.m4a", Mp3(50)));
  ASSERT_FALSE(mp3_as_m4a.ok());
  EXPECT_NE(mp3_as_m4a.error().message.find("audio/mp4"), std::string::npos);
  auto wav = ReadAudioFacts(Write("a.wav", "RIFF...."));
  ASSERT_FALSE(wav.ok());
  EXPECT_NE(wav.error().message.find("is not MP3"), std::string::npos);
  auto fake_m4a = ReadAudioFacts(Write("b.m4a", std::string("\0\0\0\x20", 4) + "ftypM4A junk"));
  ASSERT_FALSE(fake_m4a.ok()) << "a header alone holds no audio";
  EXPECT_FALSE(ReadAudioFacts(dir_ / "missing.mp3").ok());
}

TEST_F(AudioTest, ArtworkMustBeASquareRgbImageOf1400To3000Pixels) {
  auto good = ReadArtworkFacts(Png("good.png", 1400, 1400, true));
  ASSERT_TRUE(good.ok()) << good.error().ToString();
  EXPECT_EQ(good->format, "png");
  EXPECT_EQ(good->width, 1400);
  EXPECT_EQ(ArtworkProblem(*good), "");

  auto small = ReadArtworkFacts(Png("small.png", 600, 600, true));
  ASSERT_TRUE(small.ok());
  EXPECT_NE(ArtworkProblem(*small).find("1400 to 3000 pixels"), std::string::npos);
  auto wide = ReadArtworkFacts(Png("wide.png", 1600, 1400, true));
  ASSERT_TRUE(wide.ok());
  EXPECT_NE(ArtworkProblem(*wide).find("square (it is 1600x1400)"), std::string::npos);
  auto grey = ReadArtworkFacts(Png("grey.png", 1400, 1400, false));
  ASSERT_TRUE(grey.ok());
  EXPECT_NE(ArtworkProblem(*grey).find("RGB"), std::string::npos);

  EXPECT_FALSE(ReadArtworkFacts(Write("x.png", "GIF89a not a png")).ok());
  EXPECT_FALSE(ReadArtworkFacts(Write("y.jpg", "\xFF\xD8\xFF then nothing")).ok());
}

}  // namespace
}  // namespace cinepress
