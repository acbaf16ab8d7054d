#include "core/gzip.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TEST(Gzip, RoundTripsAndIsTheSameEveryTime) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "A long take, held — ";
  auto packed = Gzip(text, 3);
  ASSERT_TRUE(packed);
  EXPECT_LT(packed->size(), text.size() / 10);
  EXPECT_EQ(static_cast<unsigned char>((*packed)[0]), 0x1f);  // the gzip magic
  EXPECT_EQ(static_cast<unsigned char>((*packed)[1]), 0x8b);
  EXPECT_EQ(Gzip(text, 3), packed);  // no time in the header: fingerprints stay stable
  EXPECT_EQ(Gunzip(*packed), text);
  EXPECT_EQ(Gunzip(*Gzip("", 1)), "");
}

TEST(Gzip, GunzipRefusesWhatIsNotOneWholeStream) {
  auto packed = Gzip("a sentence that is long enough to matter", 6);
  ASSERT_TRUE(packed);
  EXPECT_FALSE(Gunzip("{\"title\":\"plain JSON\"}"));
  EXPECT_FALSE(Gunzip(packed->substr(0, packed->size() - 4)));  // cut short
  EXPECT_FALSE(Gunzip(*packed + "x"));                          // something after it
}

}  // namespace
}  // namespace cinepress
