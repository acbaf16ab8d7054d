// Markdown to HTML for article bodies: CommonMark with GitHub's tables, strikethrough,
// autolinks and footnotes (cmark-gfm), smart punctuation, and figures for lone images.
// Contract: thread-safe; raw HTML inside Markdown is left out (content is escaped by default).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "content/still.h"

namespace cinepress {

// An image alone in its paragraph, ![alt](src "Caption"), becomes
// <figure><img src alt loading=lazy><figcaption>Caption</figcaption></figure>; when `stills`
// has the image (by its path, "/images/x.jpg"), the <img> is a <picture> of its AVIF and WebP
// widths with `sizes` for the text column (kFigureSizes), its width, height and tint class.
// Footnotes get a (visually hidden) "Notes" heading so that their section is labelled.
// With `figures`, the src of every figure is appended to it: the images whose stills the HTML
// depends on (an incremental build makes the page again when one of them changes).
std::string RenderMarkdown(std::string_view markdown, const StillBook* stills = nullptr,
                           std::vector<std::string>* figures = nullptr);

// Where a figure of a body stands: the text column (the default theme's --measure, 40rem, less
// its gutters on a phone).
inline constexpr std::string_view kFigureSizes = "(max-width: 44rem) 92vw, 40rem";

// One line of Markdown (a dek, a caption) as inline HTML, without the paragraph around it:
// "*After the Evening* returns" -> "<em>After the Evening</em> returns".
std::string RenderInlineMarkdown(std::string_view markdown);

// One line of Markdown as plain text, for meta descriptions and feeds.
std::string MarkdownToText(std::string_view markdown);

// A FAQ page's questions and answers (its FAQPage JSON-LD): each second-level heading
// ("## Can I send you my film?") is a question, as plain text, and the Markdown after it, up to
// the next heading of level 1 or 2, its answer, rendered as RenderMarkdown renders a body.
// Text before the first question, and a question without an answer, are left out.
struct FaqEntry {
  std::string question;
  std::string answer_html;
  bool operator==(const FaqEntry&) const = default;
};
std::vector<FaqEntry> FaqEntries(std::string_view markdown);

}  // namespace cinepress
