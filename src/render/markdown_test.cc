#include "render/markdown.h"

#include <gtest/gtest.h>

namespace cinepress {

TEST(RenderMarkdown, RendersCommonMarkWithSmartPunctuation) {
  EXPECT_EQ(RenderMarkdown("It's *good* -- \"really\"."),
            "<p>It’s <em>good</em> – “really”.</p>\n");
}

TEST(RenderMarkdown, LoneImageBecomesACaptionedFigure) {
  std::string html =
      RenderMarkdown("Text.\n\n![A quiet *harbour*](/images/h.jpg \"Dusk & fog.\")\n");
  EXPECT_NE(html.find("<figure class=\"figure\"><img src=\"/images/h.jpg\" alt=\"A quiet harbour\" "
                      "loading=\"lazy\" decoding=\"async\"><figcaption>Dusk &amp; fog."
                      "</figcaption></figure>"),
            std::string::npos)
      << html;
}

TEST(RenderMarkdown, AFigureWithStillsIsAPictureOfItsWidths) {
  Still still{800, 450, "#ff8000", {}};
  for (const char* format : {"avif", "webp", "jpeg"}) {
    for (int w : {480, 800}) {
      still.variants.push_back(
          {w, w * 9 / 16, format, "_stills/k/" + std::to_string(w) + "." + format});
    }
  }
  const StillBook stills{{"images/h.jpg", still}};
  const std::string html = RenderMarkdown("![Dock & harbour](/images/h.jpg)\n", &stills);
  const std::string sizes = std::string(kFigureSizes);
  EXPECT_EQ(
      html,
      "<figure class=\"figure\"><picture>"
      "<source type=\"image/avif\" srcset=\"/_stills/k/480.avif 480w, /_stills/k/800.avif 800w\" "
      "sizes=\"" +
          sizes +
          "\">"
          "<source type=\"image/webp\" srcset=\"/_stills/k/480.webp 480w, /_stills/k/800.webp "
          "800w\" "
          "sizes=\"" +
          sizes +
          "\">"
          "<img src=\"/_stills/k/800.jpeg\" srcset=\"/_stills/k/480.jpeg 480w, /_stills/k/800.jpeg "
          "800w\" sizes=\"" +
          sizes +
          "\" width=\"800\" height=\"450\" class=\"tint-320\" "
          "alt=\"Dock &amp; harbour\" loading=\"lazy\" decoding=\"async\"></picture></figure>\n")
      << html;
  // An image the book does not have keeps its own address.
  EXPECT_NE(
      RenderMarkdown("![x](/images/other.jpg)\n", &stills).find("<img src=\"/images/other.jpg\""),
      std::string::npos);
}

TEST(RenderMarkdown, NamesTheImagesItsFiguresPlaceAndNoInlineOne) {
  const StillBook stills;
  std::vector<std::string> figures;
  RenderMarkdown(
      "![a](/images/one.jpg)\n\nText with an ![inline](/images/inline.jpg) image.\n\n"
      "![b](/images/two.svg \"Caption\")\n",
      &stills, &figures);
  EXPECT_EQ(figures, (std::vector<std::string>{"/images/one.jpg", "/images/two.svg"}));
}

TEST(RenderMarkdown, InlineImageStaysInline) {
  std::string html = RenderMarkdown("See ![x](/x.jpg) here.");
  EXPECT_EQ(html.find("<figure"), std::string::npos);
  EXPECT_NE(html.find("<img src=\"/x.jpg\" alt=\"x\" />"), std::string::npos) << html;
}

TEST(RenderMarkdown, FootnotesAndTables) {
  std::string html =
      RenderMarkdown("A claim.[^1]\n\n[^1]: The source.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
  EXPECT_NE(html.find("footnote-ref"), std::string::npos) << html;
  EXPECT_NE(html.find("The source."), std::string::npos);
  EXPECT_NE(html.find("<table>"), std::string::npos);
}

TEST(RenderMarkdown, FootnotesAreLabelled) {
  std::string html = RenderMarkdown("A.[^1]\n\n[^1]: B.\n");
  EXPECT_NE(html.find("data-footnotes>\n<h2 class=\"visually-hidden\">Notes</h2>"),
            std::string::npos)
      << html;
}

TEST(InlineMarkdown, RendersWithoutParagraphAndAsText) {
  EXPECT_EQ(RenderInlineMarkdown("*After the Evening* returns & stays"),
            "<em>After the Evening</em> returns &amp; stays");
  EXPECT_EQ(RenderInlineMarkdown("x <b onclick=y>z</b>").find("<b"), std::string::npos);
  EXPECT_EQ(MarkdownToText("*After the Evening* returns -- \"again\""),
            "After the Evening returns – “again”");
  EXPECT_EQ(RenderInlineMarkdown(""), "");
}

TEST(RenderMarkdown, RawHtmlIsLeftOut) {
  std::string html = RenderMarkdown("<script>alert(1)</script>\n\nHi <b onclick=x>there</b>");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("onclick"), std::string::npos) << html;
}

TEST(RenderMarkdown, HostileAttributesInImagesAreEscaped) {
  std::string html = RenderMarkdown("![\"><script>](/a.jpg \"\\\"><b>\")\n");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos) << html;
}

TEST(FaqEntries, EachSecondLevelHeadingIsAQuestionAndWhatFollowsItsAnswer) {
  auto faq = FaqEntries(
      "Read this first.\n\n"
      "## Do you review *every* film?\n\nNo. We choose.\n\nTwo paragraphs, [a link](/about/).\n\n"
      "### A detail\n\nStill the answer.\n\n"
      "Can I send you my film?\n-----------------------\n\n- Yes\n- Gladly\n\n"
      "## A question without an answer\n\n"
      "# The end\n\nNot an answer.\n");
  ASSERT_EQ(faq.size(), 2u);
  EXPECT_EQ(faq[0].question, "Do you review every film?");
  EXPECT_EQ(faq[0].answer_html,
            "<p>No. We choose.</p>\n<p>Two paragraphs, <a href=\"/about/\">a link</a>.</p>\n"
            "<h3>A detail</h3>\n<p>Still the answer.</p>");
  EXPECT_EQ(faq[1].question, "Can I send you my film?");
  EXPECT_EQ(faq[1].answer_html, "<ul>\n<li>Yes</li>\n<li>Gladly</li>\n</ul>");
  EXPECT_TRUE(FaqEntries("No questions here.\n\n# Only a title\n").empty());
}

}  // namespace cinepress
