// Fuzzes the WordPress content converter (block comments, shortcodes, autop, the allow-list
// sanitizer on gumbo) and asserts its promise: whatever the post holds, the HTML it makes, read
// again the way a browser reads it (gumbo, HTML5's tree construction), has no script element, no
// on… event attribute and no javascript:/vbscript:/data: URL.
#include <gumbo.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "ingest/wp_content.h"

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Whether `scheme` begins a URL somewhere in `url`: at its start, or where another URL of a list
// can begin (srcset's commas, style's url( and quotes, spaces). Inside a URL — a path such as
// "/embed/x-vbscript:" — it is only text.
bool BeginsAUrl(const std::string& url, std::string_view scheme) {
  for (size_t at = url.find(scheme); at != std::string::npos; at = url.find(scheme, at + 1)) {
    if (at == 0) return true;
    const char before = url[at - 1];
    if (before == ',' || before == '(' || before == '"' || before == '\'' ||
        static_cast<unsigned char>(before) <= 0x20) {
      return true;
    }
  }
  return false;
}

// How a browser reads a URL's scheme: leading C0 controls and spaces dropped, tabs and newlines
// removed anywhere, case ignored.
bool DangerousUrl(std::string_view value) {
  std::string url;
  for (char c : value) {
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (url.empty() && static_cast<unsigned char>(c) <= 0x20) continue;
    url += c;
  }
  url = Lower(url);
  return BeginsAUrl(url, "javascript:") || BeginsAUrl(url, "vbscript:") ||
         url.rfind("data:", 0) == 0;
}

bool IsUrlAttribute(std::string_view name) {
  static const char* kNames[] = {"href",   "src",        "action", "formaction", "poster",
                                 "cite",   "background", "srcset", "data",       "ping",
                                 "lowsrc", "dynsrc",     "style",  "xlink:href", "manifest"};
  return std::any_of(std::begin(kNames), std::end(kNames),
                     [&](const char* n) { return name == n; });
}

void Fail(const char* what, std::string_view html) {
  std::fprintf(stderr, "wp_content: %s in the output:\n%.*s\n", what, static_cast<int>(html.size()),
               html.data());
  __builtin_trap();
}

void Check(const GumboNode* node, std::string_view html) {
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return;
  const GumboElement& e = node->v.element;
  if (e.tag == GUMBO_TAG_SCRIPT) Fail("a <script> element", html);
  if (e.tag == GUMBO_TAG_UNKNOWN) {
    GumboStringPiece original = e.original_tag;
    gumbo_tag_from_original_text(&original);
    if (Lower(std::string_view(original.data, original.length)) == "script") {
      Fail("a <script> element", html);
    }
  }
  for (unsigned i = 0; i < e.attributes.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
    std::string name = Lower(a->name);
    if (name.rfind("on", 0) == 0) Fail("an event attribute", html);
    if (IsUrlAttribute(name) && DangerousUrl(a->value)) Fail("a script URL", html);
  }
  for (unsigned i = 0; i < e.children.length; ++i) {
    Check(static_cast<const GumboNode*>(e.children.data[i]), html);
  }
}

void CheckHtml(const std::string& html) {
  // Text is escaped, so "<script" can only appear as markup.
  if (Lower(html).find("<script") != std::string::npos) Fail("<script", html);
  GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  Check(out->root, html);
  gumbo_destroy_output(&kGumboDefaultOptions, out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view content(reinterpret_cast<const char*>(data), size);
  // An attachment the shortcodes can name ([caption id="attachment_7"], [gallery ids="7"]),
  // with a hostile caption, and an old site whose URLs are rewritten.
  static const cinepress::WpAttachment kImage{
      "7",    "/media/still.jpg", "a \"still\" <b>", "<script>alert(1)</script>caption", "Still",
      "image"};
  static const cinepress::WpAttachment kVideo{"8",    "javascript:alert(1)//.mp4", "", "", "",
                                              "video"};
  cinepress::WpContentContext context;
  context.attachment = [](const std::string& id) -> const cinepress::WpAttachment* {
    if (id == "7") return &kImage;
    if (id == "8") return &kVideo;
    return nullptr;
  };
  context.children = {&kImage, &kVideo};
  context.rewrite_url = [](const std::string& url) {
    const std::string old = "https://old.example/";
    return url.rfind(old, 0) == 0 ? "/" + url.substr(old.size()) : url;
  };
  cinepress::ContentStats stats;
  CheckHtml(cinepress::WordPressToHtml(content, context, stats));
  cinepress::SanitizeOptions options;
  options.contiguous_headings = true;
  CheckHtml(cinepress::SanitizeHtml(content, options));
  return 0;
}
