#include "render/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <mutex>
#include <vector>

#include "core/text.h"

namespace cinepress {
namespace {

// Bodies are checked to be UTF-8 when they are imported.
constexpr int kOptions = CMARK_OPT_FOOTNOTES | CMARK_OPT_SMART;

void RegisterExtensions() {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

void AppendPlainText(cmark_node* node, std::string& out) {
  for (cmark_node* c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
    switch (cmark_node_get_type(c)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
        if (const char* lit = cmark_node_get_literal(c)) out += lit;
        break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        out += ' ';
        break;
      default:
        AppendPlainText(c, out);
    }
  }
}

// A paragraph whose only child is an image (whitespace aside).
cmark_node* LoneImage(cmark_node* para) {
  cmark_node* image = nullptr;
  for (cmark_node* c = cmark_node_first_child(para); c; c = cmark_node_next(c)) {
    cmark_node_type t = cmark_node_get_type(c);
    if (t == CMARK_NODE_IMAGE && !image) {
      image = c;
    } else if (t == CMARK_NODE_TEXT) {
      const char* lit = cmark_node_get_literal(c);
      if (lit && !Trim(lit).empty()) return nullptr;
    } else if (t != CMARK_NODE_SOFTBREAK) {
      return nullptr;
    }
  }
  return image;
}

void AppendAttribute(std::string& html, std::string_view name, std::string_view value) {
  html += ' ';
  html += name;
  html += "=\"";
  AppendHtmlEscaped(html, value);
  html += '"';
}

// <source>s of the still's AVIF and WebP widths; then the <img>'s attributes for its fallback.
void AppendStill(std::string& html, const Still& still) {
  for (std::string_view format : {"avif", "webp"}) {
    const std::string srcset = StillSrcset(still, format);
    if (srcset.empty()) continue;
    html += "<source";
    AppendAttribute(html, "type", "image/" + std::string(format));
    AppendAttribute(html, "srcset", srcset);
    AppendAttribute(html, "sizes", kFigureSizes);
    html += '>';
  }
}

const Still* StillOfUrl(const StillBook* stills, std::string_view url) {
  if (!stills || !url.starts_with("/")) return nullptr;
  auto it = stills->find(std::string(url.substr(1)));
  return it == stills->end() ? nullptr : &it->second;
}

std::string FigureHtml(cmark_node* image, const StillBook* stills) {
  std::string alt;
  AppendPlainText(image, alt);
  const char* url_text = cmark_node_get_url(image);
  const char* title = cmark_node_get_title(image);
  const std::string_view url = url_text ? url_text : "";
  const Still* still = StillOfUrl(stills, url);
  std::string html = "<figure class=\"figure\">";
  if (still && !still->variants.empty()) {
    html += "<picture>";
    AppendStill(html, *still);
  }
  html += "<img";
  const StillVariant* fallback = still ? StillFallback(*still, 1200) : nullptr;
  AppendAttribute(html, "src", fallback ? "/" + fallback->path : std::string(url));
  if (fallback) {
    AppendAttribute(html, "srcset", StillSrcset(*still, StillFallbackFormat(*still)));
    AppendAttribute(html, "sizes", kFigureSizes);
  }
  if (still) {
    AppendAttribute(html, "width", std::to_string(still->width));
    AppendAttribute(html, "height", std::to_string(still->height));
    if (const std::string tint = StillTint(still->color); !tint.empty()) {
      AppendAttribute(html, "class", tint);
    }
  }
  AppendAttribute(html, "alt", alt);
  html += " loading=\"lazy\" decoding=\"async\">";
  if (still && !still->variants.empty()) html += "</picture>";
  if (title && *title) {
    html += "<figcaption>";
    AppendHtmlEscaped(html, title);
    html += "</figcaption>";
  }
  html += "</figure>\n";
  return html;
}

}  // namespace

std::string RenderMarkdown(std::string_view markdown, const StillBook* stills,
                           std::vector<std::string>* figures) {
  RegisterExtensions();
  cmark_parser* parser = cmark_parser_new(kOptions);
  // tagfilter is not needed: raw HTML is left out altogether.
  for (const char* name : {"table", "strikethrough", "autolink"}) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser, ext);
    }
  }
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* doc = cmark_parser_finish(parser);

  // Figures are paragraphs of the document itself: only its children are looked at, not
  // every inline node of the body.
  std::vector<cmark_node*> lone;
  for (cmark_node* n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
    if (cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH && LoneImage(n)) lone.push_back(n);
  }
  for (cmark_node* para : lone) {
    // A custom block is written out as given: the figure's HTML, escaped above.
    cmark_node* figure = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
    cmark_node* image = LoneImage(para);
    if (figures) {
      const char* url = cmark_node_get_url(image);
      figures->emplace_back(url ? url : "");
    }
    std::string html = FigureHtml(image, stills);
    cmark_node_set_on_enter(figure, html.c_str());
    cmark_node_replace(para, figure);
    cmark_node_free(para);
  }

  char* html = cmark_render_html(doc, kOptions, cmark_parser_get_syntax_extensions(parser));
  std::string out(html ? html : "");
  std::free(html);
  cmark_node_free(doc);
  cmark_parser_free(parser);
  static const std::string kFootnotes = "<section class=\"footnotes\" data-footnotes>\n";
  if (size_t at = out.find(kFootnotes); at != std::string::npos) {
    out.insert(at + kFootnotes.size(), "<h2 class=\"visually-hidden\">Notes</h2>\n");
  }
  return out;
}

std::string RenderInlineMarkdown(std::string_view markdown) {
  char* html = cmark_markdown_to_html(markdown.data(), markdown.size(),
                                      CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8);
  std::string out(html ? html : "");
  std::free(html);
  // A single paragraph: keep what is inside it.
  if (out.rfind("<p>", 0) == 0 && out.size() >= 8 &&
      out.compare(out.size() - 5, 5, "</p>\n") == 0 && out.find("<p>", 3) == std::string::npos) {
    out = out.substr(3, out.size() - 8);
  }
  return out;
}

std::string MarkdownToText(std::string_view markdown) {
  cmark_node* doc = cmark_parse_document(markdown.data(), markdown.size(),
                                         CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8);
  std::string out;
  cmark_iter* it = cmark_iter_new(doc);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* n = cmark_iter_get_node(it);
    if (ev != CMARK_EVENT_ENTER) continue;
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
        if (const char* lit = cmark_node_get_literal(n)) out += lit;
        break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        out += ' ';
        break;
      case CMARK_NODE_PARAGRAPH:
      case CMARK_NODE_HEADING:
        if (!out.empty()) out += ' ';
        break;
      default:
        break;
    }
  }
  cmark_iter_free(it);
  cmark_node_free(doc);
  return std::string(Trim(out));
}

std::vector<FaqEntry> FaqEntries(std::string_view markdown) {
  // The answer is the source's lines between two headings, rendered whole: cmark-gfm's tree
  // says where each heading is (setext headings too), and nothing of the Markdown is re-parsed
  // by hand.
  std::vector<size_t> line_start = {0};
  for (size_t i = 0; i < markdown.size(); ++i) {
    if (markdown[i] == '\n') line_start.push_back(i + 1);
  }
  auto lines = [&](int first, int last) -> std::string_view {  // 1-based, inclusive
    if (first < 1 || last < first || static_cast<size_t>(first) > line_start.size()) return {};
    const size_t begin = line_start[first - 1];
    const size_t end =
        static_cast<size_t>(last) < line_start.size() ? line_start[last] : markdown.size();
    return markdown.substr(begin, end - begin);
  };
  cmark_node* doc = cmark_parse_document(markdown.data(), markdown.size(), kOptions);
  std::vector<FaqEntry> out;
  FaqEntry open;
  int answer_from = 0;  // the first line of the open question's answer; 0: none is open
  auto close = [&](int next_line) {
    if (answer_from > 0) {
      open.answer_html = std::string(Trim(RenderMarkdown(lines(answer_from, next_line - 1))));
      if (!open.question.empty() && !open.answer_html.empty()) out.push_back(std::move(open));
    }
    open = FaqEntry{};
    answer_from = 0;
  };
  for (cmark_node* n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
    if (cmark_node_get_type(n) != CMARK_NODE_HEADING || cmark_node_get_heading_level(n) > 2) {
      continue;
    }
    close(cmark_node_get_start_line(n));
    if (cmark_node_get_heading_level(n) == 2) {
      AppendPlainText(n, open.question);
      open.question = std::string(Trim(open.question));
      answer_from = cmark_node_get_end_line(n) + 1;
    }
  }
  close(static_cast<int>(line_start.size()) + 1);
  cmark_node_free(doc);
  return out;
}

}  // namespace cinepress
