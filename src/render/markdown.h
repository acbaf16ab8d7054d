// Markdown to HTML for article bodies: CommonMark with GitHub's tables, strikethrough,
// autolinks and footnotes (cmark-gfm), smart punctuation, and figures for lone images.
// Contract: thread-safe; raw HTML inside Markdown is left out (content is escaped by default).
#pragma once

#include <string>
#include <string_view>

namespace cinepress {

// An image alone in its paragraph, ![alt](src "Caption"), becomes
// <figure><img src alt loading=lazy><figcaption>Caption</figcaption></figure>.
std::string RenderMarkdown(std::string_view markdown);

}  // namespace cinepress
