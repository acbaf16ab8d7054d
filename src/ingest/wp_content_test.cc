#include "ingest/wp_content.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

std::string Clean(std::string_view html) { return SanitizeHtml(html, SanitizeOptions{}); }

std::string Autop(std::string_view html) {
  SanitizeOptions o;
  o.autop = true;
  return SanitizeHtml(html, o);
}

TEST(Sanitizer, StripsScriptsHandlersAndJavascriptUrls) {
  ContentStats stats;
  std::string out = SanitizeHtml(
      "<p onclick=\"steal()\">Hi <script>alert(1)</script><a href=\"javascript:alert(1)\">x</a>"
      "<a href=\" JaVa\tScRiPt:alert(1)\">y</a><img src=x onerror=alert(1)>"
      "<iframe src=\"https://evil.example/\"></iframe><style>p{}</style>"
      "<svg><script>alert(1)</script></svg><a href=\"data:text/html,x\">z</a></p>",
      SanitizeOptions{}, &stats);
  EXPECT_EQ(out, "<p>Hi <a>x</a><a>y</a><img src=\"x\" alt=\"\"><a>z</a></p>");
  EXPECT_EQ(out.find("script"), std::string::npos);
  EXPECT_EQ(out.find("onerror"), std::string::npos);
  EXPECT_EQ(out.find("javascript"), std::string::npos);
  EXPECT_GE(stats.elements_removed, 4u);
  EXPECT_GE(stats.attributes_removed, 5u);
}

TEST(Sanitizer, KeepsAllowedMarkup) {
  std::string in =
      "<h2 class=\"x\">Title</h2><p>A <a href=\"https://example.com/a?b=1&amp;c=2\" "
      "title=\"t\">link</a>, <em>em</em>, <strong>strong</strong>, <code>c</code>.</p>"
      "<blockquote cite=\"https://example.com/\"><p>Quote</p></blockquote>"
      "<ul><li>One</li><li>Two</li></ul><table><tbody><tr><td colspan=\"2\">Cell</td></tr>"
      "</tbody></table><img src=\"/wp-content/uploads/a.jpg\" alt=\"A still\" width=\"300\">";
  EXPECT_EQ(Clean(in), in);
}

TEST(Sanitizer, RenamesObsoleteElementsAndUnwrapsUnknownOnes) {
  EXPECT_EQ(Clean("<strike>s</strike><tt>t</tt><acronym title=\"x\">a</acronym>"
                  "<font color=red>f</font><blink>b</blink>"),
            "<s>s</s><code>t</code><abbr title=\"x\">a</abbr>fb");
}

TEST(Sanitizer, DropsBadAttributeValuesAndEncodesUrls) {
  EXPECT_EQ(Clean("<img src=\"/a b.jpg\" width=\"100%\" alt=\"x\" id=\"i\" style=\"x\">"),
            "<img src=\"/a%20b.jpg\" alt=\"x\">");
  EXPECT_EQ(Clean("<a href=\"mailto:a@b.c\">m</a>"), "<a href=\"mailto:a@b.c\">m</a>");
  EXPECT_EQ(Clean("<img src=\"mailto:a@b.c\">"), "<img alt=\"\">");
  EXPECT_EQ(Clean("<a href=\"hhttps://x\" rel=\"nofollow\" title=\"t\">x</a>"),
            "<a title=\"t\">x</a>");
}

TEST(Sanitizer, KeepsWhatKeyboardAndScreenReaderUsersNeed) {
  // A link around an image without alt text is kept (it leads somewhere the writer meant),
  // named by its title, or else by its address, so that a screen reader has something to say.
  EXPECT_EQ(Clean("<a href=\"/big.jpg\"><img src=\"/a.jpg\" alt=\"\"></a>"),
            "<a href=\"/big.jpg\" aria-label=\"/big.jpg\"><img src=\"/a.jpg\" alt=\"\"></a>");
  EXPECT_EQ(
      Clean("<a href=\"/big.jpg\" title=\"The still, large\"><img src=\"/a.jpg\" alt=\"\"></a>"),
      "<a href=\"/big.jpg\" title=\"The still, large\"><img src=\"/a.jpg\" alt=\"\"></a>");
  EXPECT_EQ(Clean("<a href=\"/big.jpg\"><img src=\"/a.jpg\" alt=\"A still\"></a>"),
            "<a href=\"/big.jpg\"><img src=\"/a.jpg\" alt=\"A still\"></a>");
  // Code that may scroll sideways can be reached by keyboard.
  EXPECT_EQ(Clean("<pre>x</pre>"), "<pre tabindex=\"0\">x</pre>");
}

TEST(Sanitizer, AllowsOnlyKnownVideoPlayersInIframes) {
  EXPECT_EQ(Clean("<iframe src=\"https://player.vimeo.com/video/1\"></iframe>"),
            "<iframe src=\"https://player.vimeo.com/video/1\"></iframe>");
  EXPECT_EQ(Clean("<iframe src=\"https://example.com/\"></iframe>"), "");
}

TEST(Sanitizer, RewritesUrlsBeforeCheckingThem) {
  SanitizeOptions o;
  o.rewrite_url = [](const std::string& u) {
    return u == "https://old.example/2020/01/02/x/" ? std::string("/articles/x/") : u;
  };
  EXPECT_EQ(SanitizeHtml("<a href=\"https://old.example/2020/01/02/x/\">x</a>", o),
            "<a href=\"/articles/x/\">x</a>");
}

TEST(Sanitizer, HeadingsSkipNoLevelAndDefinitionListsNeedDefinitions) {
  SanitizeOptions o;
  o.contiguous_headings = true;
  EXPECT_EQ(SanitizeHtml("<h1>a</h1><h4>b</h4><h6>c</h6><h3>d</h3><h2>e</h2>", o),
            "<h2>a</h2><h3>b</h3><h4>c</h4><h3>d</h3><h2>e</h2>");
  EXPECT_EQ(Clean("<dl class=\"wp-caption\"><dt><img src=\"/a.jpg\" alt=\"a\"></dt></dl>"),
            "<div class=\"wp-caption\"><div><img src=\"/a.jpg\" alt=\"a\"></div></div>");
  EXPECT_EQ(Clean("<dl><dt>t</dt><dd>d</dd></dl>"), "<dl><dt>t</dt><dd>d</dd></dl>");
}

TEST(Autop, BlankLinesMakeParagraphsAndNewlinesBreaks) {
  EXPECT_EQ(Autop("First line\nsecond line\n\nSecond <em>para</em>.\n"),
            "<p>First line<br>\nsecond line</p>\n<p>Second <em>para</em>.</p>");
}

TEST(Autop, LeavesBlocksAndPreAlone) {
  EXPECT_EQ(Autop("Intro\n<pre>a\n\nb</pre>\nOutro"),
            "<p>Intro</p>\n<pre tabindex=\"0\">a\n\nb</pre>\n<p>Outro</p>");
  EXPECT_EQ(Autop("<ul>\n<li>One</li>\n<li>Two</li>\n</ul>"), "<ul><li>One</li><li>Two</li></ul>");
  EXPECT_EQ(Autop("<h2>Head</h2>\nText"), "<h2>Head</h2>\n<p>Text</p>");
}

TEST(Autop, ParagraphsInsideBlockquotesAndDivsWithBlankLines) {
  EXPECT_EQ(Autop("<blockquote>Quoted</blockquote>"), "<blockquote><p>Quoted</p>\n</blockquote>");
  EXPECT_EQ(Autop("<div>a\n\nb</div>"), "<div><p>a</p>\n<p>b</p>\n</div>");
  EXPECT_EQ(Autop("<div>just text</div>"), "<div>just text</div>");
}

WpAttachment Image(const std::string& id, const std::string& url, const std::string& caption) {
  return WpAttachment{id, url, "Alt " + id, caption, "Title " + id, "image"};
}

TEST(Shortcodes, CaptionBecomesFigure) {
  ContentStats stats;
  WpContentContext ctx;
  std::string out = WordPressToHtml(
      "[caption id=\"attachment_1\" align=\"alignright\" width=\"300\"]<a href=\"/x.jpg\">"
      "<img src=\"/x.jpg\" alt=\"A still\" width=\"300\" height=\"200\"></a> The <em>caption"
      "</em>.[/caption]",
      ctx, stats);
  EXPECT_EQ(out,
            "<figure class=\"wp-caption alignright\"><a href=\"/x.jpg\"><img src=\"/x.jpg\" "
            "alt=\"A still\" width=\"300\" height=\"200\"></a><figcaption>The <em>caption</em>."
            "</figcaption></figure>");
  EXPECT_EQ(stats.shortcodes, 1u);
  // The old form: the caption as an attribute.
  out =
      WordPressToHtml("[caption caption=\"Old & good\"]<img src=\"/y.jpg\">[/caption]", ctx, stats);
  EXPECT_NE(out.find("<figcaption>Old &amp; good</figcaption>"), std::string::npos);
}

TEST(Shortcodes, GalleryOfIdsOrOfThePostsAttachments) {
  WpAttachment a = Image("7", "/wp-content/uploads/a.jpg", "First");
  WpAttachment b = Image("8", "/wp-content/uploads/b.jpg", "");
  WpContentContext ctx;
  ctx.attachment = [&](const std::string& id) -> const WpAttachment* {
    return id == "7" ? &a : id == "8" ? &b : nullptr;
  };
  ContentStats stats;
  std::string out = WordPressToHtml("[gallery ids=\"8,7,99\" columns=\"2\"]", ctx, stats);
  EXPECT_EQ(out,
            "<div class=\"gallery gallery-columns-2\"><figure class=\"gallery-item\"><a "
            "href=\"/wp-content/uploads/b.jpg\"><img src=\"/wp-content/uploads/b.jpg\" alt=\"Alt "
            "8\" loading=\"lazy\"></a></figure><figure class=\"gallery-item\"><a "
            "href=\"/wp-content/uploads/a.jpg\"><img src=\"/wp-content/uploads/a.jpg\" alt=\"Alt "
            "7\" loading=\"lazy\"></a><figcaption>First</figcaption></figure></div>");
  ctx.children = {&a};
  out = WordPressToHtml("Look:\n\n[gallery]", ctx, stats);
  EXPECT_NE(out.find("<p>Look:</p>"), std::string::npos);
  EXPECT_NE(out.find("gallery-columns-3"), std::string::npos);
  EXPECT_NE(out.find("a.jpg"), std::string::npos);
  EXPECT_EQ(stats.shortcodes, 2u);
  ctx.children.clear();
  EXPECT_EQ(WordPressToHtml("[gallery]", ctx, stats), "");
  EXPECT_EQ(stats.shortcodes_empty, 1u);
}

TEST(Shortcodes, EmbedVideoAudio) {
  WpContentContext ctx;
  ContentStats stats;
  EXPECT_EQ(WordPressToHtml("[embed]https://www.youtube.com/watch?v=abc_DEF-1[/embed]", ctx, stats),
            "<figure class=\"embed embed-video\"><iframe "
            "src=\"https://www.youtube-nocookie.com/embed/abc_DEF-1\" title=\"YouTube video\" "
            "loading=\"lazy\" allowfullscreen></iframe></figure>");
  EXPECT_EQ(WordPressToHtml("[embed]https://example.com/page[/embed]", ctx, stats),
            "<p class=\"embed\"><a href=\"https://example.com/page\">https://example.com/page</a>"
            "</p>");
  EXPECT_EQ(
      WordPressToHtml("[video src=\"https://x.example/v.mp4\" poster=\"/p.jpg\"]", ctx, stats),
      "<figure class=\"wp-video\"><video controls preload=\"metadata\" "
      "src=\"https://x.example/v.mp4\" poster=\"/p.jpg\"><a "
      "href=\"https://x.example/v.mp4\">Download the video</a></video></figure>");
  EXPECT_EQ(WordPressToHtml("[audio https://x.example/a.mp3]", ctx, stats),
            "<figure class=\"wp-audio\"><audio controls preload=\"none\" "
            "src=\"https://x.example/a.mp3\"><a href=\"https://x.example/a.mp3\">Download the "
            "audio</a></audio></figure>");
  WpAttachment clip{"3", "/wp-content/uploads/c.mp4", "", "", "Clip", "video"};
  ctx.children = {&clip};
  EXPECT_NE(WordPressToHtml("[video]", ctx, stats).find("src=\"/wp-content/uploads/c.mp4\""),
            std::string::npos);
  EXPECT_EQ(stats.shortcodes, 5u);
}

TEST(Shortcodes, AUrlAloneOnItsLineIsEmbedded) {
  WpContentContext ctx;
  ContentStats stats;
  EXPECT_EQ(WordPressToHtml("Watch:\n\nhttps://youtu.be/abc123\n\nThen https://x.example/ inline.",
                            ctx, stats),
            "<p>Watch:</p>\n<figure class=\"embed embed-video\"><iframe "
            "src=\"https://www.youtube-nocookie.com/embed/abc123\" title=\"YouTube video\" "
            "loading=\"lazy\" allowfullscreen></iframe></figure>\n<p>Then https://x.example/ "
            "inline.</p>");
}

TEST(Shortcodes, UnknownOnesStayVisibleAndAreCounted) {
  WpContentContext ctx;
  ContentStats stats;
  EXPECT_EQ(WordPressToHtml("Buy [product id=\"3\"] now, [[gallery]] is escaped, [ ] is not.", ctx,
                            stats),
            "<p>Buy [product id=&quot;3&quot;] now, [gallery] is escaped, [ ] is not.</p>");
  EXPECT_EQ(stats.unknown_shortcodes["product"], 1u);
  EXPECT_EQ(stats.shortcodes, 0u);
}

TEST(BlockComments, AreRemovedAndCounted) {
  WpContentContext ctx;
  ContentStats stats;
  EXPECT_EQ(WordPressToHtml("<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n"
                            "<!-- wp:image {\"id\":5} -->\n<figure><img src=\"/a.jpg\" "
                            "alt=\"a\"></figure>\n<!-- /wp:image -->",
                            ctx, stats),
            "<p>One</p>\n<figure><img src=\"/a.jpg\" alt=\"a\"></figure>");
  EXPECT_EQ(stats.block_comments, 4u);
}

TEST(Blocks, BlockEditorContentGetsNoAutop) {
  WpContentContext ctx;
  ContentStats stats;
  std::string html = WordPressToHtml(
      "<!-- wp:html -->\n<div class=\"x\">one\ntwo</div>\n<!-- /wp:html -->\n\n"
      "<!-- wp:paragraph -->\n<p>Text</p>\n<!-- /wp:paragraph -->",
      ctx, stats);
  EXPECT_EQ(html.find("<br>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<p><div"), std::string::npos) << html;
  EXPECT_NE(html.find("<div class=\"x\">one\ntwo</div>"), std::string::npos) << html;
  // Classic content still gets it.
  EXPECT_NE(WordPressToHtml("one\ntwo", ctx, stats).find("<br>"), std::string::npos);
}

TEST(Blocks, DynamicBlocksAreDrawnOrCountedByName) {
  WpContentContext ctx;
  ctx.latest_posts = [](size_t n) {
    std::vector<WpPostLink> all = {{"Newest", "/articles/newest/"}, {"Older", "/articles/older/"}};
    all.resize(std::min(n, all.size()));
    return all;
  };
  ctx.archive_months = [] {
    return std::vector<WpArchiveMonth>{{"March 2021", "/archive/2021/03/", 4}};
  };
  ContentStats stats;
  std::string html = WordPressToHtml(
      "<!-- wp:social-links --><ul class=\"wp-block-social-links\">"
      "<!-- wp:social-link {\"url\":\"https://mastodon.example/@mag\",\"service\":\"mastodon\"} "
      "/-->"
      "</ul><!-- /wp:social-links -->\n"
      "<!-- wp:latest-posts {\"postsToShow\":1} /-->\n"
      "<!-- wp:archives {\"showPostCounts\":true} /-->\n"
      "<!-- wp:search {\"label\":\"Search\"} /-->\n<!-- wp:calendar /-->\n<!-- wp:search /-->",
      ctx, stats);
  EXPECT_NE(html.find("<a href=\"https://mastodon.example/@mag\">Mastodon</a>"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<a href=\"/articles/newest/\">Newest</a>"), std::string::npos) << html;
  EXPECT_EQ(html.find("Older"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"/archive/2021/03/\">March 2021</a> (4)"), std::string::npos)
      << html;
  EXPECT_EQ(stats.dropped_blocks["core/search"], 2u);
  EXPECT_EQ(stats.dropped_blocks["core/calendar"], 1u);
  EXPECT_EQ(stats.blocks_rendered, 3u);
}

TEST(Blocks, FootnotesBecomeTheSitesFootnotes) {
  WpContentContext ctx;
  ctx.footnotes = R"([{"content":"Seen at the <em>Lido</em>.","id":"a1b2"}])";
  ContentStats stats;
  std::string html = WordPressToHtml(
      "<!-- wp:paragraph -->\n<p>A premiere<sup data-fn=\"a1b2\" class=\"fn\">"
      "<a href=\"#a1b2\" id=\"a1b2-link\">1</a></sup>.</p>\n<!-- /wp:paragraph -->\n"
      "<!-- wp:footnotes /-->",
      ctx, stats);
  EXPECT_NE(html.find("<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<section class=\"footnotes\"><ol><li id=\"fn-1\"><p>Seen at the "
                      "<em>Lido</em>. <a href=\"#fnref-1\""),
            std::string::npos)
      << html;
  EXPECT_TRUE(stats.dropped_blocks.empty());
  // Other ids are still removed.
  EXPECT_EQ(WordPressToHtml("<p id=\"top\">x</p>", ctx, stats).find("id="), std::string::npos);
}

TEST(Blocks, TheMoreCutIsKeptAsOneMarker) {
  WpContentContext ctx;
  ContentStats stats;
  EXPECT_EQ(WordPressToHtml("Teaser.\n<!--more Read on-->\nThe rest.", ctx, stats),
            "<p>Teaser.</p>\n<!--more-->\n<p>The rest.</p>");
  std::string blocks = WordPressToHtml(
      "<!-- wp:paragraph -->\n<p>Teaser.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:more "
      "-->\n<!--more-->\n<!-- /wp:more -->\n\n<!-- wp:paragraph -->\n<p>Rest.</p>\n"
      "<!-- /wp:paragraph -->",
      ctx, stats);
  EXPECT_NE(blocks.find("<p>Teaser.</p>\n\n<!--more-->\n\n<p>Rest.</p>"), std::string::npos)
      << blocks;
  // Page breaks are not kept: the pages become one.
  EXPECT_EQ(WordPressToHtml("One\n<!--nextpage-->\nTwo", ctx, stats).find("<!--"),
            std::string::npos);
}

TEST(EditedBody, IsMadeSafeAsTheImportIsAndKeepsTheMoreCut) {
  // What the import stored comes back the same: saving an unchanged piece changes nothing.
  WpContentContext ctx;
  ContentStats stats;
  const std::string stored = WordPressToHtml(
      "<h1>Part one</h1>\nTeaser with <a href=\"https://example.com/\">a link</a>.\n"
      "<!--more-->\nThe rest, <em>with</em> <img src=\"/uploads/a.jpg\" alt=\"A still\">.",
      ctx, stats);
  EXPECT_EQ(SanitizeEditedBody(stored), stored);
  // A hostile edit loses exactly what the importer takes away.
  const std::string hostile =
      "<p onclick=\"steal()\">Hi <script>alert(1)</script><a href=\"javascript:alert(1)\">x</a>"
      "<img src=x onerror=alert(1)></p>";
  EXPECT_EQ(SanitizeEditedBody(hostile), Clean(hostile));
  EXPECT_EQ(SanitizeEditedBody(hostile), "<p>Hi <a>x</a><img src=\"x\" alt=\"\"></p>");
  // Its headings as the import numbers them; the cut where the editor put it.
  EXPECT_EQ(SanitizeEditedBody("<h1>A</h1><p>Teaser.</p><!--more--><p>Rest.</p>"),
            "<h2>A</h2><p>Teaser.</p><!--more--><p>Rest.</p>");
}

TEST(Sanitizer, KeepsTheLayoutStylesCarryAndNothingElse) {
  SanitizeOptions o;
  EXPECT_EQ(SanitizeHtml("<div class=\"wp-block-column\" style=\"flex-basis:33.33%\">x</div>", o),
            "<div class=\"wp-block-column\" style=\"flex-basis:33.33%\">x</div>");
  EXPECT_EQ(SanitizeHtml("<div style=\"min-height: 430px; "
                         "background-image: url('/wp-content/uploads/2021/03/cover.jpg'); "
                         "position: fixed; color: red\">x</div>",
                         o),
            "<div style=\"min-height:430px;background-image:url(/wp-content/uploads/2021/03/"
            "cover.jpg)\">x</div>");
  // Images from elsewhere, functions and escapes are dropped.
  for (const char* bad :
       {"background-image:url(https://tracker.example/p.gif)", "width:expression(alert(1))",
        "width:calc(1px)", "width:1px\\9", "background-image:url(/wp-content/uploads/../../x)"}) {
    EXPECT_EQ(SanitizeHtml(std::string("<div style=\"") + bad + "\">x</div>", o), "<div>x</div>")
        << bad;
  }
}

TEST(Urls, SafeAndUnsafe) {
  EXPECT_TRUE(IsSafeUrl("/a/b", true));
  EXPECT_TRUE(IsSafeUrl("https://x", true));
  EXPECT_TRUE(IsSafeUrl("#top", false));
  EXPECT_TRUE(IsSafeUrl("page?x=a:b", false));
  EXPECT_FALSE(IsSafeUrl("javascript:x", false));
  EXPECT_FALSE(IsSafeUrl("\x01java\nscript:x", false));
  EXPECT_FALSE(IsSafeUrl("data:image/png;base64,xx", true));
  EXPECT_FALSE(IsSafeUrl("mailto:x@y", true));
  EXPECT_EQ(MediaKindOf("https://x/a.MP3?x=1"), "audio");
  EXPECT_EQ(MediaKindOf("https://x/a.jpg"), "image");
  EXPECT_EQ(MediaKindOf("https://x.com/page"), "");
}

}  // namespace
}  // namespace cinepress
