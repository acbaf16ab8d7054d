// Fuzzes Markdown rendering (cmark-gfm with our figures, footnotes and smart punctuation).
// Raw HTML is left out of bodies, so no input may produce a <script element.
#include <cstdint>
#include <string>
#include <string_view>

#include "render/markdown.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string html = cinepress::RenderMarkdown(text);
  if (html.find("<script") != std::string::npos) __builtin_trap();
  std::string inline_html = cinepress::RenderInlineMarkdown(text);
  if (inline_html.find("<script") != std::string::npos) __builtin_trap();
  (void)cinepress::MarkdownToText(text);
  return 0;
}
