#include "render/html_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cstring>
#include <mutex>

#include "core/text.h"
#include "render/markdown.h"

namespace cinepress {
namespace {

bool IsHidden(const xmlNode* n) {
  const char* name = reinterpret_cast<const char*>(n->name);
  return std::strcmp(name, "script") == 0 || std::strcmp(name, "style") == 0 ||
         std::strcmp(name, "template") == 0 || std::strcmp(name, "noscript") == 0;
}

bool IsInline(const xmlNode* n) {
  static const char* const kInline[] = {"a",    "abbr", "b",     "bdi",  "bdo",    "cite", "code",
                                        "data", "dfn",  "em",    "i",    "kbd",    "mark", "q",
                                        "s",    "samp", "small", "span", "strong", "sub",  "sup",
                                        "time", "u",    "var",   "del",  "ins"};
  const char* name = reinterpret_cast<const char*>(n->name);
  for (const char* k : kInline) {
    if (std::strcmp(name, k) == 0) return true;
  }
  return false;
}

void Collect(const xmlNode* n, std::string& out) {
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) out += reinterpret_cast<const char*>(n->content);
    } else if (n->type == XML_ELEMENT_NODE && !IsHidden(n)) {
      const bool block = !IsInline(n);
      if (block) out += ' ';
      Collect(n->children, out);
      if (block) out += ' ';
    }
  }
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  if (html.empty()) return {};
  static std::once_flag once;  // libxml2's tables are made once, before threads race to it
  std::call_once(once, [] { xmlInitParser(); });
  htmlDocPtr doc = htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                      HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED);
  if (!doc) return {};
  std::string raw;
  Collect(xmlDocGetRootElement(doc) ? doc->children : nullptr, raw);
  xmlFreeDoc(doc);
  // Runs of white space (from the source's layout and the blocks above) become one space.
  std::string out;
  out.reserve(raw.size());
  bool space = false;
  for (char c : raw) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

std::string BodyToText(std::string_view body, BodyFormat format) {
  return format == BodyFormat::kHtml ? HtmlToText(body) : MarkdownToText(body);
}

}  // namespace cinepress
