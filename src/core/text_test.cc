#include "core/text.h"

#include <gtest/gtest.h>

namespace cinepress {

TEST(HtmlEscape, EscapesMarkupCharacters) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x">Tom & Jerry's</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
}

TEST(IsValidUtf8, RejectsMalformedSequences) {
  EXPECT_TRUE(IsValidUtf8("Cléo 박서연"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
}

TEST(ContentHash, IsStableAndSensitive) {
  EXPECT_EQ(ContentHash("abc"), ContentHash("abc"));
  EXPECT_NE(ContentHash("abc"), ContentHash("abd"));
  EXPECT_EQ(ContentHash("").size(), 32u);
}

TEST(Text, CountsWordsAndStripsTags) {
  EXPECT_EQ(CountWords("  one two\nthree "), 3u);
  EXPECT_EQ(StripTags("<p>Hello <em>world</em></p>"), "Hello world");
  EXPECT_EQ(Trim("  x y \n"), "x y");
}

}  // namespace cinepress
