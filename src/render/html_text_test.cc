#include "render/html_text.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TEST(HtmlToText, KeepsTheWordsAReaderSeesWithBlocksApart) {
  EXPECT_EQ(HtmlToText("<p>One <em>two</em></p><p>three</p>"), "One two three");
  EXPECT_EQ(HtmlToText("<h2>A</h2>\n\n<ul><li>b</li><li>c</li></ul>"), "A b c");
  EXPECT_EQ(HtmlToText("<figure><img src=x alt=y><figcaption>Still from Ran</figcaption></figure>"),
            "Still from Ran");
  EXPECT_EQ(HtmlToText("Caf&eacute; &amp; <b>bar</b>"), "Café & bar");
}

TEST(HtmlToText, LeavesOutScriptsAndStylesAndSurvivesBrokenMarkup) {
  EXPECT_EQ(HtmlToText("<p>a<script>alert(1)</script> b<style>p{}</style></p>"), "a b");
  EXPECT_EQ(HtmlToText("<p>unclosed <em>tags <div>and more"), "unclosed tags and more");
  EXPECT_EQ(HtmlToText(""), "");
  EXPECT_EQ(HtmlToText("<p>1 < 2 and 3 > 2</p>"), "1 < 2 and 3 > 2");
}

TEST(BodyToText, ReadsEachFormatItsOwnWay) {
  EXPECT_EQ(BodyToText("*Ran* is <b>long</b>", BodyFormat::kMarkdown), "Ran is long");
  EXPECT_EQ(BodyToText("<p><em>Ran</em> is long</p>", BodyFormat::kHtml), "Ran is long");
}

}  // namespace
}  // namespace cinepress
