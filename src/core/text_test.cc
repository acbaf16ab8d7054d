#include "core/text.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace cinepress {

TEST(PercentEncode, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(PercentEncode("Abc-1_2.3~"), "Abc-1_2.3~");
  EXPECT_EQ(PercentEncode("a b&c=\"d\"/é"), "a%20b%26c%3D%22d%22%2F%C3%A9");
  EXPECT_EQ(PercentEncode(std::string_view("\0\x01", 2)), "%00%01");
}

TEST(HtmlEscape, EscapesMarkupCharacters) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x">Tom & Jerry's</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
}

TEST(HtmlEscape, RunsBetweenSpecialCharactersAreKeptWhole) {
  EXPECT_EQ(HtmlEscape(""), "");
  EXPECT_EQ(HtmlEscape("plain text, no markup"), "plain text, no markup");
  EXPECT_EQ(HtmlEscape("&&<>"), "&amp;&amp;&lt;&gt;");
  EXPECT_EQ(HtmlEscape("'edge\""), "&#39;edge&quot;");
  EXPECT_EQ(HtmlEscape(std::string_view("a\0<b", 4)), std::string("a\0&lt;b", 7));
  std::string out = "kept:";
  AppendHtmlEscaped(out, "Cléo & 박서연");
  EXPECT_EQ(out, "kept:Cléo &amp; 박서연");
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

TEST(FileContentHash, IsTheHashOfTheWholeFileReadInPieces) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("cinepress-hash-" + std::to_string(getpid()));
  std::string bytes(600 * 1024 + 3, '\0');  // more than two of its pieces
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31 % 251);
  ASSERT_TRUE(WriteFile(file, bytes));
  auto hash = FileContentHash(file);
  ASSERT_TRUE(hash.ok()) << hash.error().ToString();
  EXPECT_EQ(*hash, ContentHash(bytes));
  std::filesystem::remove(file);
  auto missing = FileContentHash(file);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().file, file.string());
}

TEST(Text, CountsWordsAndStripsTags) {
  EXPECT_EQ(CountWords("  one two\nthree "), 3u);
  EXPECT_EQ(StripTags("<p>Hello <em>world</em></p>"), "Hello world");
  EXPECT_EQ(Trim("  x y \n"), "x y");
}

}  // namespace cinepress
