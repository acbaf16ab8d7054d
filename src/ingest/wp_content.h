// WordPress post content → safe HTML: block-editor comments removed, shortcodes converted
// ([caption], [gallery], [embed], [video], [audio]), paragraphs restored by WordPress's autop
// rules, and everything passed through an allow-list sanitizer over a real HTML5 parser (gumbo).
//
//   shortcode   WordPress's bracketed macro: [gallery ids="1,2"], [caption]…[/caption]
//   autop       WordPress's rule that a blank line starts a paragraph and a newline is a <br>
//
// Contract: pure functions, thread-safe. Whatever the input, the output of SanitizeHtml and
// WordPressToHtml contains only allowed elements and attributes, and no URL with a scheme other
// than http, https, mailto and tel (no javascript:, data:, vbscript:).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cinepress {

// What the conversion did, for the import report.
struct ContentStats {
  size_t block_comments = 0;      // <!-- wp:… --> and <!-- /wp:… --> removed
  size_t shortcodes = 0;          // converted
  size_t shortcodes_empty = 0;    // known but with nothing to show (a gallery without images)
  size_t elements_removed = 0;    // disallowed elements dropped with their content
  size_t attributes_removed = 0;  // disallowed attributes (and unsafe URLs) dropped
  std::map<std::string, size_t> unknown_shortcodes;  // left visible in the text, by name
  // Block-editor blocks that WordPress draws when a page is served (search, calendar, query
  // loop…) and that have nothing to show here, by name ("core/search"): dropped, and said so.
  std::map<std::string, size_t> dropped_blocks;
  size_t blocks_rendered = 0;  // dynamic blocks drawn here (latest posts, archives, social links)
  void Add(const ContentStats& other);
};

// A file attached to a post (an attachment item), as the shortcodes need it.
struct WpAttachment {
  std::string id;
  std::string url;  // where the new site serves it (or its original URL when not imported)
  std::string alt, caption, title;
  std::string kind;  // "image", "video", "audio" or "" (from the file's extension)
};

// A post as a block lists it, and a month of the archive.
struct WpPostLink {
  std::string title, url;
};
struct WpArchiveMonth {
  std::string label, url;  // "March 2021", "/archive/2021/03/"
  size_t count = 0;
};

struct WpContentContext {
  // The site's newest published posts (at most n), newest first: for the latest-posts block.
  std::function<std::vector<WpPostLink>(size_t n)> latest_posts;
  // The months with published posts, newest first: for the archives block.
  std::function<std::vector<WpArchiveMonth>()> archive_months;
  // The post's "footnotes" meta (the block editor keeps footnotes there, as JSON).
  std::string footnotes;
  // The attachment with this WordPress id, or null.
  std::function<const WpAttachment*(const std::string& id)> attachment;
  // The post's own attachments (children), in WordPress's order (menu_order, then id).
  std::vector<const WpAttachment*> children;
  // Maps an old URL in the content to the new site's (links, images); returns it unchanged when
  // it is not the old site's.
  std::function<std::string(const std::string&)> rewrite_url;
};

// Removes <!-- wp:… --> and <!-- /wp:… --> (block-editor markers), counting them.
std::string StripBlockComments(std::string_view text, size_t& removed);

// Block-editor content: the markers removed, the dynamic blocks that can be drawn from what the
// import knows drawn (social links from their attributes, latest posts and archives as lists,
// footnotes as the site's footnotes), every other dynamic block dropped and counted by name.
std::string ConvertBlocks(std::string_view text, const WpContentContext& context,
                          ContentStats& stats);

// Whether the content was written in the block editor (WordPress's has_blocks()): such content
// is not given autop, as WordPress does not give it.
bool HasBlocks(std::string_view text);

// Replaces the shortcodes WordPress core has with HTML; unknown ones stay as written (counted).
std::string ConvertShortcodes(std::string_view text, const WpContentContext& context,
                              ContentStats& stats);

struct SanitizeOptions {
  bool autop = false;  // restore paragraphs and line breaks (WordPress's wpautop rules)
  std::function<std::string(const std::string&)> rewrite_url;  // before the URL is checked
  // Headings renumbered so that none skips a level below the page's own <h1> (h1 -> h2,
  // h2 then h4 -> h2 then h3): what the HTML checker and screen readers expect.
  bool contiguous_headings = false;
};

// Parses `html` as an HTML5 fragment and writes back only the allowed elements and attributes.
std::string SanitizeHtml(std::string_view html, const SanitizeOptions& options,
                         ContentStats* stats = nullptr);

// All of it, in WordPress's order: block comments, shortcodes, autop, sanitizer.
std::string WordPressToHtml(std::string_view content, const WpContentContext& context,
                            ContentStats& stats);

// An imported body (HTML) as an editor changed it in the newsroom, made safe by the importer's
// own rules: SanitizeHtml with the importer's options (headings contiguous; no autop — the
// stored body has its paragraphs), the first <!--more--> kept where it was.
std::string SanitizeEditedBody(std::string_view html);

// The text of an HTML fragment (for deks, titles, captions) is render/html_text.h's HtmlToText.

// A URL safe to put in href (links) or src (images: only http, https and relative).
bool IsSafeUrl(std::string_view url, bool for_media);

// The kind of file a URL names, from its extension: "image", "video", "audio" or "".
std::string MediaKindOf(std::string_view url);

}  // namespace cinepress
