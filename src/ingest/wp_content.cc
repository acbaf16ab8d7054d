#include "ingest/wp_content.h"

#include <gumbo.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/text.h"

namespace cinepress {
namespace {

// ---------------------------------------------------------------------------------------------
// Shortcodes: [name attr="v" positional]content[/name], [[escaped]] (WordPress's syntax).

struct Shortcode {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<std::string> positional;
  std::string content;
  bool enclosed = false;
};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Parses the attributes between the name and ']' (WordPress's shortcode_parse_atts).
void ParseAttrs(std::string_view s, Shortcode& sc) {
  size_t i = 0;
  auto skip_space = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  auto read_value = [&]() -> std::string {
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      char q = s[i++];
      size_t end = s.find(q, i);
      if (end == std::string_view::npos) end = s.size();
      std::string v(s.substr(i, end - i));
      i = std::min(s.size(), end + 1);
      return v;
    }
    size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return std::string(s.substr(start, i - start));
  };
  while (true) {
    skip_space();
    if (i >= s.size()) break;
    if (s[i] == '/' && i + 1 == s.size()) break;
    if (s[i] == '"' || s[i] == '\'') {
      sc.positional.push_back(read_value());
      continue;
    }
    size_t start = i;
    while (i < s.size() && IsNameChar(s[i])) ++i;
    std::string key = AsciiLower(s.substr(start, i - start));
    skip_space();
    if (!key.empty() && i < s.size() && s[i] == '=') {
      ++i;
      skip_space();
      sc.attrs[key] = read_value();
    } else {
      i = start;
      std::string v = read_value();
      if (v.empty()) {
        ++i;
        continue;
      }
      sc.positional.push_back(v);
    }
  }
}

// Escapes a value for an attribute of HTML that the sanitizer reads back (entities stay).
std::string Attr(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '"') {
      out += "&quot;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Get(const Shortcode& sc, const char* key) {
  auto it = sc.attrs.find(key);
  return it == sc.attrs.end() ? "" : it->second;
}

std::string AlignClass(const std::string& align) {
  for (const char* a : {"alignleft", "alignright", "aligncenter", "alignnone"}) {
    if (align == a) return std::string(" ") + a;
  }
  return "";
}

std::string Caption(const Shortcode& sc, ContentStats& stats) {
  // The image (alone, or in a link) comes first; the rest of the content is the caption.
  std::string body(Trim(sc.content));
  std::string media = body, text = Get(sc, "caption");
  size_t end = std::string::npos;
  if (body.rfind("<a", 0) == 0) {
    size_t close = body.find("</a>");
    if (close != std::string::npos) end = close + 4;
  } else if (body.rfind("<img", 0) == 0) {
    size_t close = body.find('>');
    if (close != std::string::npos) end = close + 1;
  }
  if (end != std::string::npos) {
    media = body.substr(0, end);
    if (text.empty()) text = std::string(Trim(std::string_view(body).substr(end)));
  }
  ++stats.shortcodes;
  std::string out = "<figure class=\"wp-caption" + AlignClass(Get(sc, "align")) + "\">" + media;
  if (!text.empty()) out += "<figcaption>" + text + "</figcaption>";
  return out + "</figure>";
}

std::string Gallery(const Shortcode& sc, const WpContentContext& ctx, ContentStats& stats) {
  std::vector<const WpAttachment*> images;
  std::string ids = Get(sc, "ids");
  if (ids.empty()) ids = Get(sc, "include");
  if (!ids.empty()) {
    size_t pos = 0;
    while (pos <= ids.size()) {
      size_t comma = ids.find(',', pos);
      std::string id(Trim(std::string_view(ids).substr(
          pos, comma == std::string::npos ? std::string::npos : comma - pos)));
      if (const WpAttachment* a = ctx.attachment ? ctx.attachment(id) : nullptr;
          a && a->kind == "image") {
        images.push_back(a);
      }
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  } else {
    for (const WpAttachment* a : ctx.children) {
      if (a->kind == "image") images.push_back(a);
    }
  }
  if (images.empty()) {
    ++stats.shortcodes_empty;
    return "";
  }
  ++stats.shortcodes;
  int columns = 3;
  if (std::string c = Get(sc, "columns"); !c.empty()) {
    columns = std::clamp(std::atoi(c.c_str()), 1, 9);
  }
  std::string out = "<div class=\"gallery gallery-columns-" + std::to_string(columns) + "\">";
  for (const WpAttachment* a : images) {
    std::string alt = a->alt.empty() ? a->title : a->alt;
    out += "<figure class=\"gallery-item\"><a href=\"" + Attr(a->url) + "\"><img src=\"" +
           Attr(a->url) + "\" alt=\"" + Attr(alt) + "\" loading=\"lazy\"></a>";
    if (!a->caption.empty()) out += "<figcaption>" + a->caption + "</figcaption>";
    out += "</figure>";
  }
  return out + "</div>";
}

// The first source a [video] or [audio] names, else the post's first attachment of that kind.
std::string MediaSource(const Shortcode& sc, const WpContentContext& ctx, const std::string& kind,
                        std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (std::string v = Get(sc, k); !v.empty()) return v;
  }
  for (const std::string& p : sc.positional) {
    if (p.find("://") != std::string::npos || p.front() == '/') return p;
  }
  if (std::string c(Trim(sc.content)); !c.empty() && c.find('<') == std::string::npos) return c;
  for (const WpAttachment* a : ctx.children) {
    if (a->kind == kind) return a->url;
  }
  return "";
}

std::string Rewrite(const WpContentContext& ctx, const std::string& url) {
  return ctx.rewrite_url ? ctx.rewrite_url(url) : url;
}

std::string Video(const Shortcode& sc, const WpContentContext& ctx, ContentStats& stats) {
  std::string src = MediaSource(sc, ctx, "video", {"src", "mp4", "m4v", "webm", "ogv", "mov"});
  if (src.empty()) {
    ++stats.shortcodes_empty;
    return "";
  }
  ++stats.shortcodes;
  src = Rewrite(ctx, src);
  std::string out =
      "<figure class=\"wp-video\"><video controls preload=\"metadata\" src=\"" + Attr(src) + "\"";
  if (std::string p = Get(sc, "poster"); !p.empty()) {
    out += " poster=\"" + Attr(Rewrite(ctx, p)) + "\"";
  }
  return out + "><a href=\"" + Attr(src) + "\">Download the video</a></video></figure>";
}

std::string Audio(const Shortcode& sc, const WpContentContext& ctx, ContentStats& stats) {
  std::string src = MediaSource(sc, ctx, "audio", {"src", "mp3", "ogg", "m4a", "wav", "oga"});
  if (src.empty()) {
    ++stats.shortcodes_empty;
    return "";
  }
  ++stats.shortcodes;
  src = Rewrite(ctx, src);
  return "<figure class=\"wp-audio\"><audio controls preload=\"none\" src=\"" + Attr(src) +
         "\"><a href=\"" + Attr(src) + "\">Download the audio</a></audio></figure>";
}

// YouTube and Vimeo become their players (privacy-enhanced YouTube); media files their
// elements; anything else a link, since we do not fetch oEmbed.
std::string Embed(const Shortcode& sc, const WpContentContext& ctx, ContentStats& stats) {
  std::string url(Trim(sc.content));
  if (url.empty()) url = Get(sc, "src");
  if (url.empty() && !sc.positional.empty()) url = sc.positional.front();
  if (url.empty()) {
    ++stats.shortcodes_empty;
    return "";
  }
  std::string id;
  auto after = [&](const std::string& marker) -> std::string {
    size_t p = url.find(marker);
    if (p == std::string::npos) return "";
    size_t start = p + marker.size(), end = start;
    while (end < url.size() && (IsNameChar(url[end]))) ++end;
    return url.substr(start, end - start);
  };
  std::string kind = MediaKindOf(url);
  if (kind == "video" || kind == "audio") {
    Shortcode media;
    media.attrs["src"] = url;
    return kind == "video" ? Video(media, ctx, stats) : Audio(media, ctx, stats);
  }
  ++stats.shortcodes;
  if (url.find("youtube.com/") != std::string::npos) id = after("v=");
  if (id.empty() && url.find("youtu.be/") != std::string::npos) id = after("youtu.be/");
  if (!id.empty()) {
    return "<figure class=\"embed embed-video\"><iframe src=\"https://www.youtube-nocookie.com/"
           "embed/" +
           id + "\" title=\"YouTube video\" loading=\"lazy\" allowfullscreen></iframe></figure>";
  }
  if (url.find("vimeo.com/") != std::string::npos) {
    std::string vid = after("vimeo.com/");
    bool digits = !vid.empty() && std::all_of(vid.begin(), vid.end(), ::isdigit);
    if (digits) {
      return "<figure class=\"embed embed-video\"><iframe src=\"https://player.vimeo.com/video/" +
             vid + "\" title=\"Vimeo video\" loading=\"lazy\" allowfullscreen></iframe></figure>";
    }
  }
  std::string href = Rewrite(ctx, url);
  return "<p class=\"embed\"><a href=\"" + Attr(href) + "\">" + Attr(url) + "</a></p>";
}

// ---------------------------------------------------------------------------------------------
// The sanitizer: an allow-list over gumbo's HTML5 tree.

enum class Policy { kKeep, kUnwrap, kDrop };

struct TagRule {
  Policy policy = Policy::kUnwrap;
  std::string name;  // the element written (renames obsolete ones: strike -> s)
};

const std::set<std::string, std::less<>>& KeptTags() {
  static const std::set<std::string, std::less<>> tags = {
      "p",          "br",     "hr",     "h1",         "h2",      "h3",      "h4",      "h5",
      "h6",         "a",      "strong", "b",          "em",      "i",       "u",       "s",
      "del",        "ins",    "sub",    "sup",        "small",   "mark",    "abbr",    "cite",
      "q",          "code",   "kbd",    "samp",       "var",     "dfn",     "time",    "pre",
      "blockquote", "ul",     "ol",     "li",         "dl",      "dt",      "dd",      "table",
      "caption",    "thead",  "tbody",  "tfoot",      "tr",      "th",      "td",      "colgroup",
      "col",        "img",    "figure", "figcaption", "div",     "span",    "section", "article",
      "aside",      "header", "footer", "address",    "details", "summary", "video",   "audio",
      "source",     "track",  "wbr",    "bdi",        "bdo",     "ruby",    "rt",      "rp",
      "data",       "iframe"};
  return tags;
}

const std::set<std::string, std::less<>>& DroppedTags() {
  static const std::set<std::string, std::less<>> tags = {
      "script", "style",    "template", "noscript", "object",   "embed",  "applet", "form", "input",
      "button", "select",   "textarea", "option",   "optgroup", "svg",    "math",   "head", "title",
      "meta",   "link",     "base",     "frame",    "frameset", "canvas", "dialog", "map",  "area",
      "param",  "datalist", "output",   "progress", "meter",    "keygen", "portal", "slot"};
  return tags;
}

TagRule RuleFor(const std::string& tag) {
  static const std::map<std::string, std::string, std::less<>> renames = {
      {"strike", "s"},   {"tt", "code"},     {"acronym", "abbr"}, {"big", "strong"},
      {"center", "div"}, {"dir", "ul"},      {"listing", "pre"},  {"xmp", "pre"},
      {"nobr", "span"},  {"main", "div"},    {"nav", "div"},      {"hgroup", "div"},
      {"menu", "ul"},    {"picture", "span"}};
  if (KeptTags().count(tag)) return {Policy::kKeep, tag};
  if (auto it = renames.find(tag); it != renames.end()) return {Policy::kKeep, it->second};
  if (DroppedTags().count(tag)) return {Policy::kDrop, ""};
  return {Policy::kUnwrap, ""};
}

bool IsVoid(std::string_view tag) {
  for (const char* v : {"br", "hr", "img", "source", "track", "col", "wbr"}) {
    if (tag == v) return true;
  }
  return false;
}

// Block-level elements: the ones autop leaves outside paragraphs (WordPress's $allblocks).
bool IsBlock(std::string_view tag) {
  for (const char* b :
       {"table",  "thead",  "tfoot",      "caption", "col",     "colgroup", "tbody", "tr",
        "td",     "th",     "div",        "dl",      "dd",      "dt",       "ul",    "ol",
        "li",     "pre",    "blockquote", "address", "p",       "h1",       "h2",    "h3",
        "h4",     "h5",     "h6",         "hr",      "section", "article",  "aside", "header",
        "footer", "figure", "figcaption", "details", "summary"}) {
    if (tag == b) return true;
  }
  return false;
}

// Containers of flow content, where autop makes paragraphs: always at the top and in a
// blockquote; elsewhere only where a blank line asks for them.
bool IsFlowContainer(std::string_view tag) {
  for (const char* b : {"", "blockquote", "div", "li", "dd", "td", "th", "figure", "section",
                        "article", "aside", "header", "footer", "details", "address"}) {
    if (tag == b) return true;
  }
  return false;
}

bool AlwaysWraps(std::string_view tag) { return tag.empty() || tag == "blockquote"; }

bool IsInteger(std::string_view v) {
  return !v.empty() && v.size() < 7 && std::all_of(v.begin(), v.end(), ::isdigit);
}

bool AllowedIframe(std::string_view src) {
  for (const char* p : {"https://www.youtube-nocookie.com/embed/", "https://www.youtube.com/embed/",
                        "https://player.vimeo.com/video/"}) {
    if (src.rfind(p, 0) == 0) return true;
  }
  return false;
}

enum class AttrKind { kText, kUrl, kMediaUrl, kInt, kBool, kClass, kEnum, kFootnoteId, kStyle };

struct AttrRule {
  const char* tag;  // "*" for every element
  const char* name;
  AttrKind kind;
  const char* values = nullptr;  // for kEnum: "|a|b|c|"
};

const AttrRule kAttrs[] = {
    {"*", "class", AttrKind::kClass},
    // Only the ids that tie footnotes to their references (fn-1, fnref-1): any other id could
    // collide with the page's own.
    {"*", "id", AttrKind::kFootnoteId},
    {"a", "aria-label", AttrKind::kText},
    // Only the layout the block editor writes there (see LayoutStyle).
    {"*", "style", AttrKind::kStyle},
    {"*", "title", AttrKind::kText},
    {"*", "lang", AttrKind::kText},
    {"*", "dir", AttrKind::kEnum, "|ltr|rtl|auto|"},
    {"a", "href", AttrKind::kUrl},
    {"a", "rel", AttrKind::kText},
    {"a", "hreflang", AttrKind::kText},
    {"img", "src", AttrKind::kMediaUrl},
    {"img", "alt", AttrKind::kText},
    {"img", "width", AttrKind::kInt},
    {"img", "height", AttrKind::kInt},
    {"img", "loading", AttrKind::kEnum, "|lazy|eager|"},
    {"blockquote", "cite", AttrKind::kUrl},
    {"q", "cite", AttrKind::kUrl},
    {"del", "cite", AttrKind::kUrl},
    {"ins", "cite", AttrKind::kUrl},
    {"del", "datetime", AttrKind::kText},
    {"ins", "datetime", AttrKind::kText},
    {"time", "datetime", AttrKind::kText},
    {"data", "value", AttrKind::kText},
    {"ol", "start", AttrKind::kInt},
    {"ol", "reversed", AttrKind::kBool},
    {"ol", "type", AttrKind::kEnum, "|1|a|A|i|I|"},
    {"li", "value", AttrKind::kInt},
    {"td", "colspan", AttrKind::kInt},
    {"td", "rowspan", AttrKind::kInt},
    {"th", "colspan", AttrKind::kInt},
    {"th", "rowspan", AttrKind::kInt},
    {"th", "scope", AttrKind::kEnum, "|row|col|rowgroup|colgroup|"},
    {"th", "abbr", AttrKind::kText},
    {"col", "span", AttrKind::kInt},
    {"colgroup", "span", AttrKind::kInt},
    {"details", "open", AttrKind::kBool},
    {"video", "src", AttrKind::kMediaUrl},
    {"video", "poster", AttrKind::kMediaUrl},
    {"video", "controls", AttrKind::kBool},
    {"video", "width", AttrKind::kInt},
    {"video", "height", AttrKind::kInt},
    {"video", "preload", AttrKind::kEnum, "|none|metadata|auto|"},
    {"video", "loop", AttrKind::kBool},
    {"video", "muted", AttrKind::kBool},
    {"video", "playsinline", AttrKind::kBool},
    {"audio", "src", AttrKind::kMediaUrl},
    {"audio", "controls", AttrKind::kBool},
    {"audio", "preload", AttrKind::kEnum, "|none|metadata|auto|"},
    {"audio", "loop", AttrKind::kBool},
    {"source", "src", AttrKind::kMediaUrl},
    {"source", "type", AttrKind::kText},
    {"track", "src", AttrKind::kMediaUrl},
    {"track", "kind", AttrKind::kEnum, "|subtitles|captions|descriptions|chapters|metadata|"},
    {"track", "srclang", AttrKind::kText},
    {"track", "label", AttrKind::kText},
    {"iframe", "src", AttrKind::kMediaUrl},
    {"iframe", "title", AttrKind::kText},
    {"iframe", "width", AttrKind::kInt},
    {"iframe", "height", AttrKind::kInt},
    {"iframe", "allowfullscreen", AttrKind::kBool},
    {"iframe", "loading", AttrKind::kEnum, "|lazy|eager|"},
};

// The part of a style attribute that carries a block's layout: a column's width, a cover's
// height and background image, a media-and-text's proportions. Only these properties, with
// values of plain lengths and words (no functions, escapes or comments), and background images
// only from the site's own media (/wp-content/uploads/… once rewritten): no tracking pixel, no
// expression, nothing that can cover the page.
std::string LayoutStyle(std::string_view style,
                        const std::function<std::string(const std::string&)>& rewrite) {
  static const std::set<std::string, std::less<>> kProperties = {"flex-basis",
                                                                 "width",
                                                                 "max-width",
                                                                 "height",
                                                                 "min-height",
                                                                 "aspect-ratio",
                                                                 "background-image",
                                                                 "background-position",
                                                                 "background-size",
                                                                 "object-position",
                                                                 "grid-template-columns"};
  std::string out;
  size_t pos = 0;
  while (pos < style.size()) {
    size_t semi = style.find(';', pos);
    std::string_view decl =
        style.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos);
    pos = semi == std::string_view::npos ? style.size() : semi + 1;
    size_t colon = decl.find(':');
    if (colon == std::string_view::npos) continue;
    std::string prop = AsciiLower(Trim(decl.substr(0, colon)));
    std::string value(Trim(decl.substr(colon + 1)));
    if (!kProperties.count(prop) || value.empty()) continue;
    if (prop == "background-image") {
      if (value.rfind("url(", 0) != 0 || value.back() != ')') continue;
      std::string url(Trim(std::string_view(value).substr(4, value.size() - 5)));
      if (url.size() >= 2 && (url.front() == '"' || url.front() == '\'') &&
          url.back() == url.front()) {
        url = url.substr(1, url.size() - 2);
      }
      if (rewrite) url = rewrite(url);
      bool plain = url.rfind("/wp-content/uploads/", 0) == 0 && url.find("..") == std::string::npos;
      for (char c : url) plain = plain && (IsNameChar(c) || c == '/' || c == '.' || c == '%');
      if (!plain) continue;
      out += prop + ":url(" + url + ");";
      continue;
    }
    bool plain = true;
    for (char c : value) {
      plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '%' ||
                        c == ' ' || c == '-' || c == '/');
    }
    if (plain) out += prop + ":" + value + ";";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

const AttrRule* FindAttr(std::string_view tag, std::string_view name) {
  for (const AttrRule& r : kAttrs) {
    if ((r.tag == tag || std::strcmp(r.tag, "*") == 0) && name == r.name) return &r;
  }
  return nullptr;
}

// Spaces and other bytes a URL may not hold, percent-encoded (so that the page validates).
std::string EncodeUrl(std::string_view url) {
  std::string out;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : url) {
    if (c <= 0x20 || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
        c == '{' || c == '|' || c == '}' || c == 0x7f) {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string TagName(const GumboElement& e) {
  if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
  GumboStringPiece piece = e.original_tag;
  gumbo_tag_from_original_text(&piece);
  return AsciiLower(std::string_view(piece.data, piece.length));
}

// One item of a container's content after unwrapping: a text run or a kept element.
struct FlowItem {
  const GumboNode* node;  // a text node or a kept element
  std::string tag;        // the element written; empty for text
};

class Sanitizer {
 public:
  Sanitizer(const SanitizeOptions& options, ContentStats& stats)
      : options_(options), stats_(stats) {}

  void Container(const GumboNode* node, const std::string& tag, bool in_pre, std::string& out) {
    std::vector<FlowItem> items;
    Flatten(node, items);
    if (!options_.autop || in_pre || !IsFlowContainer(tag)) {
      for (const FlowItem& it : items) Item(it, in_pre, /*convert_newlines=*/false, out);
      return;
    }
    // Runs of inline content between blocks become paragraphs (split at blank lines).
    std::vector<std::vector<std::vector<Seg>>> runs;  // run -> paragraph -> segments
    std::vector<const FlowItem*> blocks;              // the block after each run (or null)
    std::vector<std::vector<Seg>> paragraphs(1);
    bool split = false;
    auto end_run = [&](const FlowItem* block) {
      runs.push_back(std::move(paragraphs));
      blocks.push_back(block);
      paragraphs.assign(1, {});
    };
    for (const FlowItem& it : items) {
      if (it.node->type == GUMBO_NODE_ELEMENT && IsBlock(it.tag)) {
        end_run(&it);
        continue;
      }
      if (it.node->type != GUMBO_NODE_ELEMENT) {
        std::string_view t = it.node->v.text.text;
        // Blank lines: a newline, only spaces, another newline.
        size_t pos = 0;
        while (pos < t.size()) {
          size_t nl = t.find('\n', pos), next = std::string_view::npos;
          if (nl != std::string_view::npos) {
            size_t k = nl + 1;
            while (k < t.size() && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r')) ++k;
            if (k < t.size() && t[k] == '\n') next = k;
          }
          if (nl == std::string_view::npos) {
            paragraphs.back().push_back(Seg{true, std::string(t.substr(pos))});
            break;
          }
          if (next == std::string_view::npos) {
            paragraphs.back().push_back(Seg{true, std::string(t.substr(pos, nl + 1 - pos))});
            pos = nl + 1;
            continue;
          }
          paragraphs.back().push_back(Seg{true, std::string(t.substr(pos, nl - pos))});
          while (next < t.size() && std::isspace(static_cast<unsigned char>(t[next]))) ++next;
          paragraphs.emplace_back();
          split = true;
          pos = next;
        }
        continue;
      }
      std::string html;
      Item(it, false, /*convert_newlines=*/true, html);
      paragraphs.back().push_back(Seg{false, std::move(html)});
    }
    end_run(nullptr);
    const bool wrap = AlwaysWraps(tag) || split;
    for (size_t r = 0; r < runs.size(); ++r) {
      for (auto& para : runs[r]) Paragraph(para, wrap, out);
      if (blocks[r]) {
        Item(*blocks[r], false, false, out);
        if (wrap) out += '\n';
      }
    }
  }

 private:
  struct Seg {
    bool text;
    std::string s;  // raw text, or HTML already written
  };

  void Paragraph(std::vector<Seg>& segs, bool wrap, std::string& out) {
    // Trim the whitespace at both ends of the paragraph.
    while (!segs.empty() && segs.front().text && Trim(segs.front().s).empty()) {
      segs.erase(segs.begin());
    }
    while (!segs.empty() && segs.back().text && Trim(segs.back().s).empty()) segs.pop_back();
    if (segs.empty()) return;
    auto ltrim = [](std::string& s) {
      size_t k = 0;
      while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
      s.erase(0, k);
    };
    auto rtrim = [](std::string& s) {
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    };
    if (segs.front().text) ltrim(segs.front().s);
    if (segs.back().text) rtrim(segs.back().s);
    if (wrap) out += "<p>";
    for (const Seg& s : segs) {
      if (s.text) {
        Text(s.s, true, out);
      } else {
        out += s.s;
      }
    }
    if (wrap) out += "</p>\n";
  }

  // A single newline inside text is a line break (autop), except at the ends.
  void Text(std::string_view t, bool convert_newlines, std::string& out) {
    if (!convert_newlines) {
      AppendHtmlEscaped(out, t);
      return;
    }
    size_t pos = 0;
    while (pos <= t.size()) {
      size_t nl = t.find('\n', pos);
      std::string_view part = t.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
      AppendHtmlEscaped(out, part);
      if (nl == std::string_view::npos) break;
      out += "<br>\n";
      pos = nl + 1;
      while (pos < t.size() && (t[pos] == ' ' || t[pos] == '\t')) ++pos;
    }
  }

  // The children of `node` with unwrapped elements replaced by their own children.
  void Flatten(const GumboNode* node, std::vector<FlowItem>& items) {
    const GumboVector& children =
        node->type == GUMBO_NODE_ELEMENT ? node->v.element.children : node->v.document.children;
    for (unsigned i = 0; i < children.length; ++i) {
      const auto* child = static_cast<const GumboNode*>(children.data[i]);
      switch (child->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA:
          items.push_back(FlowItem{child, ""});
          break;
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: {
          std::string name = TagName(child->v.element);
          TagRule rule = RuleFor(name);
          // A definition list without definitions (WordPress's old captions) is not a list.
          if ((name == "dl" && !HasChild(child, GUMBO_TAG_DD)) ||
              ((name == "dt" || name == "dd") && child->parent &&
               child->parent->type == GUMBO_NODE_ELEMENT &&
               child->parent->v.element.tag == GUMBO_TAG_DL &&
               !HasChild(child->parent, GUMBO_TAG_DD))) {
            rule = {Policy::kKeep, "div"};
          }
          if (child->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) rule = {Policy::kDrop, ""};
          if (rule.policy == Policy::kKeep && rule.name == "iframe") {
            const GumboAttribute* src = gumbo_get_attribute(&child->v.element.attributes, "src");
            if (!src || !AllowedIframe(src->value)) rule = {Policy::kDrop, ""};
          }
          if (rule.policy == Policy::kDrop) {
            ++stats_.elements_removed;
          } else if (rule.policy == Policy::kUnwrap) {
            Flatten(child, items);
          } else {
            items.push_back(FlowItem{child, rule.name});
          }
          break;
        }
        default:  // comments (block-editor markers among them) and the document
          break;
      }
    }
  }

  void Item(const FlowItem& it, bool in_pre, bool convert_newlines, std::string& out) {
    if (it.node->type != GUMBO_NODE_ELEMENT && it.node->type != GUMBO_NODE_TEMPLATE) {
      std::string_view t = it.node->v.text.text;
      if (!in_pre && !convert_newlines && Trim(t).empty() && t.find('\n') != std::string::npos) {
        out += '\n';  // whitespace between blocks: keep the source readable
        return;
      }
      Text(t, convert_newlines && !in_pre, out);
      return;
    }
    Element(it.node, it.tag, in_pre, convert_newlines, out);
  }

  // Whether an element has text, or an image with alt text, inside it.
  static bool HasAccessibleName(const GumboNode* node) {
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
      return !Trim(node->v.text.text).empty();
    }
    if (node->type != GUMBO_NODE_ELEMENT) return false;
    if (node->v.element.tag == GUMBO_TAG_IMG) {
      const GumboAttribute* alt = gumbo_get_attribute(&node->v.element.attributes, "alt");
      return alt && !Trim(alt->value).empty();
    }
    const GumboVector& kids = node->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) {
      if (HasAccessibleName(static_cast<const GumboNode*>(kids.data[i]))) return true;
    }
    return false;
  }

  static bool HasChild(const GumboNode* node, GumboTag tag) {
    const GumboVector& kids = node->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) {
      const auto* k = static_cast<const GumboNode*>(kids.data[i]);
      if (k->type == GUMBO_NODE_ELEMENT && k->v.element.tag == tag) return true;
    }
    return false;
  }

  void Element(const GumboNode* node, const std::string& given_tag, bool in_pre,
               bool convert_newlines, std::string& out) {
    std::string tag = given_tag;
    // A link whose only content is images without alt text names nothing for a screen reader:
    // it is kept (it leads somewhere the writer meant), named by its title or its address. A
    // link without either, or with nothing inside, is unwrapped.
    bool name_link = false;
    if (tag == "a" && !HasAccessibleName(node)) {
      const GumboVector& as = node->v.element.attributes;
      name_link = gumbo_get_attribute(&as, "href") != nullptr &&
                  node->v.element.children.length > 0 && HasChild(node, GUMBO_TAG_IMG);
      if (!name_link) {
        std::vector<FlowItem> items;
        Flatten(node, items);
        for (const FlowItem& it : items) Item(it, in_pre, convert_newlines, out);
        return;
      }
    }
    if (options_.contiguous_headings && tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' &&
        tag[1] <= '6') {
      int level = std::clamp(tag[1] - '0', 2, heading_ + 1);
      heading_ = level;
      tag[1] = static_cast<char>('0' + level);
    }
    out += '<';
    out += tag;
    const GumboVector& attrs = node->v.element.attributes;
    bool has_alt = false, has_href = false;
    struct KeptAttr {
      std::string name, value;
      bool boolean;
    };
    std::vector<KeptAttr> kept;
    for (unsigned i = 0; i < attrs.length; ++i) {
      const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
      std::string name = AsciiLower(a->name);
      const AttrRule* rule = FindAttr(tag, name);
      if (!rule) {
        ++stats_.attributes_removed;
        continue;
      }
      std::string value = a->value;
      switch (rule->kind) {
        case AttrKind::kUrl:
        case AttrKind::kMediaUrl: {
          value = std::string(Trim(value));
          if (options_.rewrite_url) value = options_.rewrite_url(value);
          if (!IsSafeUrl(value, rule->kind == AttrKind::kMediaUrl)) {
            ++stats_.attributes_removed;
            continue;
          }
          value = EncodeUrl(value);
          break;
        }
        case AttrKind::kInt:
          if (!IsInteger(value)) {
            ++stats_.attributes_removed;
            continue;
          }
          break;
        case AttrKind::kBool:
          value.clear();
          break;
        case AttrKind::kEnum:
          if (value.empty() || std::strstr(rule->values, ("|" + value + "|").c_str()) == nullptr) {
            ++stats_.attributes_removed;
            continue;
          }
          break;
        case AttrKind::kClass: {
          std::string clean;
          for (char c : value) {
            if (IsNameChar(c) || c == ' ') clean += c;
          }
          value = std::string(Trim(clean));
          if (value.empty()) continue;
          break;
        }
        case AttrKind::kStyle:
          value = LayoutStyle(value, options_.rewrite_url);
          if (value.empty()) {
            ++stats_.attributes_removed;
            continue;
          }
          break;
        case AttrKind::kFootnoteId: {
          std::string_view v = value;
          if (v.rfind("fnref-", 0) == 0) {
            v.remove_prefix(6);
          } else if (v.rfind("fn-", 0) == 0) {
            v.remove_prefix(3);
          } else {
            v = {};
          }
          if (v.empty() || !IsInteger(v)) {
            ++stats_.attributes_removed;
            continue;
          }
          break;
        }
        case AttrKind::kText:
          break;
      }
      if (name == "alt") has_alt = true;
      if (name == "href") has_href = true;
      kept.push_back({std::move(name), std::move(value), rule->kind == AttrKind::kBool});
    }
    if (name_link) {
      std::string label, href;
      for (const KeptAttr& k : kept) {
        if (k.name == "aria-label" || k.name == "title") label = k.value;
        if (k.name == "href") href = k.value;
      }
      if (label.empty() && !href.empty()) kept.push_back({"aria-label", href, false});
    }
    for (const KeptAttr& k : kept) {
      // A link's rel and hreflang mean nothing without its href (and HTML forbids them then).
      if (tag == "a" && !has_href && (k.name == "rel" || k.name == "hreflang")) continue;
      out += ' ';
      out += k.name;
      if (!k.boolean) {
        out += "=\"";
        AppendHtmlEscaped(out, k.value);
        out += '"';
      }
    }
    if (tag == "img" && !has_alt) out += " alt=\"\"";
    // A block of code may scroll sideways: keyboard users must be able to reach it.
    if (tag == "pre" && !in_pre) out += " tabindex=\"0\"";
    out += '>';
    if (IsVoid(tag)) return;
    const bool pre = in_pre || tag == "pre";
    if (IsFlowContainer(tag)) {
      Container(node, tag, pre, out);
    } else {
      std::vector<FlowItem> items;
      Flatten(node, items);
      const bool structural = tag == "table" || tag == "thead" || tag == "tbody" ||
                              tag == "tfoot" || tag == "tr" || tag == "ul" || tag == "ol" ||
                              tag == "dl" || tag == "colgroup" || tag == "video" ||
                              tag == "audio" || tag == "ruby";
      for (const FlowItem& it : items) {
        if (structural && it.node->type != GUMBO_NODE_ELEMENT &&
            Trim(it.node->v.text.text).empty()) {
          continue;
        }
        Item(it, pre, options_.autop && !pre && !structural, out);
      }
    }
    out += "</";
    out += tag;
    out += '>';
    (void)convert_newlines;
  }

  const SanitizeOptions& options_;
  ContentStats& stats_;
  int heading_ = 1;  // the level of the last heading written (the page's title is the h1)
};

}  // namespace

void ContentStats::Add(const ContentStats& o) {
  block_comments += o.block_comments;
  shortcodes += o.shortcodes;
  shortcodes_empty += o.shortcodes_empty;
  elements_removed += o.elements_removed;
  attributes_removed += o.attributes_removed;
  for (const auto& [k, v] : o.unknown_shortcodes) unknown_shortcodes[k] += v;
  for (const auto& [k, v] : o.dropped_blocks) dropped_blocks[k] += v;
  blocks_rendered += o.blocks_rendered;
}

std::string MediaKindOf(std::string_view url) {
  size_t q = url.find_first_of("?#");
  std::string_view path = url.substr(0, q);
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) return "";
  std::string ext = AsciiLower(path.substr(dot + 1));
  for (const char* e : {"jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "bmp"}) {
    if (ext == e) return "image";
  }
  for (const char* e : {"mp4", "m4v", "webm", "ogv", "mov", "wmv", "flv"}) {
    if (ext == e) return "video";
  }
  for (const char* e : {"mp3", "ogg", "oga", "m4a", "wav", "flac", "aac"}) {
    if (ext == e) return "audio";
  }
  return "";
}

bool IsSafeUrl(std::string_view url, bool for_media) {
  // Browsers ignore tabs, newlines and leading spaces or controls in a URL's scheme: so do we.
  std::string u;
  for (char c : url) {
    if (static_cast<unsigned char>(c) > 0x20) u += c;
  }
  size_t colon = u.find(':');
  size_t stop = u.find_first_of("/?#");
  if (colon == std::string::npos || (stop != std::string::npos && stop < colon)) {
    return true;  // relative
  }
  std::string scheme = AsciiLower(std::string_view(u).substr(0, colon));
  if (scheme == "http" || scheme == "https") return true;
  return !for_media && (scheme == "mailto" || scheme == "tel");
}

std::string StripBlockComments(std::string_view text, size_t& removed) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("<!--", pos);
    if (open == std::string_view::npos) break;
    size_t p = open + 4;
    while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
    bool marker = text.substr(p, 3) == "wp:" || text.substr(p, 4) == "/wp:";
    size_t close = text.find("-->", p);
    if (!marker || close == std::string_view::npos) {
      out += text.substr(pos, p - pos);
      pos = p;
      continue;
    }
    out += text.substr(pos, open - pos);
    ++removed;
    pos = close + 3;
    // The marker's own line goes with it.
    if (pos < text.size() && text[pos] == '\n') ++pos;
  }
  out += text.substr(std::min(pos, text.size()));
  return out;
}

bool HasBlocks(std::string_view text) { return text.find("<!-- wp:") != std::string_view::npos; }

namespace {

std::string Escaped(std::string_view text) {
  std::string out;
  AppendHtmlEscaped(out, text);
  return out;
}

// The footnotes of a post, as the block editor keeps them: its "footnotes" meta, a JSON list of
// {id, content} in the order of their references.
std::vector<std::pair<std::string, std::string>> ParseFootnotes(const std::string& json) {
  std::vector<std::pair<std::string, std::string>> out;
  if (json.empty()) return out;
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& f : j) {
    if (!f.is_object() || !f.contains("id") || !f["id"].is_string()) continue;
    std::string content = f.contains("content") && f["content"].is_string()
                              ? f["content"].get<std::string>()
                              : std::string();
    out.emplace_back(f["id"].get<std::string>(), std::move(content));
  }
  return out;
}

// The block editor's footnote references, <sup data-fn="ID" class="fn"><a href="#ID"
// id="ID-link">1</a></sup>, written as the site's own (cmark-gfm's) so that the theme's footnote
// styles and the links between reference and note work alike for both.
std::string FootnoteRefs(std::string_view text,
                         const std::vector<std::pair<std::string, std::string>>& notes,
                         size_t& found) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t sup = text.find("<sup", pos);
    if (sup == std::string_view::npos) break;
    size_t gt = text.find('>', sup);
    size_t end = text.find("</sup>", sup);
    size_t fn = text.find("data-fn=\"", sup);
    if (gt == std::string_view::npos || end == std::string_view::npos ||
        fn == std::string_view::npos || fn > gt) {
      out += text.substr(pos, sup + 4 - pos);
      pos = sup + 4;
      continue;
    }
    size_t id_end = text.find('"', fn + 9);
    std::string_view id = text.substr(fn + 9, id_end - fn - 9);
    size_t n = 0;
    for (size_t i = 0; i < notes.size(); ++i) {
      if (notes[i].first == id) n = i + 1;
    }
    out += text.substr(pos, sup - pos);
    if (n > 0) {
      ++found;
      std::string k = std::to_string(n);
      out += "<sup class=\"footnote-ref\"><a href=\"#fn-" + k + "\" id=\"fnref-" + k + "\">" + k +
             "</a></sup>";
    }
    pos = end + 6;
  }
  out += text.substr(pos);
  return out;
}

std::string FootnotesSection(const std::vector<std::pair<std::string, std::string>>& notes) {
  std::string out = "<section class=\"footnotes\"><ol>";
  for (size_t i = 0; i < notes.size(); ++i) {
    std::string k = std::to_string(i + 1);
    out += "<li id=\"fn-" + k + "\"><p>" + notes[i].second + " <a href=\"#fnref-" + k +
           "\" class=\"footnote-backref\" aria-label=\"Back to reference " + k +
           "\">↩</a></p></li>";
  }
  return out + "</ol></section>\n";
}

// A dynamic block (one WordPress draws when the page is served), drawn from what the import
// knows; "" and `dropped` when it cannot be.
std::string DynamicBlock(const std::string& name, const nlohmann::json& attrs,
                         const WpContentContext& ctx,
                         const std::vector<std::pair<std::string, std::string>>& notes,
                         bool& footnotes_done, bool& dropped) {
  auto attr = [&](const char* key, const std::string& fallback) {
    return attrs.is_object() && attrs.contains(key) && attrs[key].is_string()
               ? attrs[key].get<std::string>()
               : fallback;
  };
  auto number = [&](const char* key, size_t fallback) {
    return attrs.is_object() && attrs.contains(key) && attrs[key].is_number_unsigned()
               ? attrs[key].get<size_t>()
               : fallback;
  };
  auto flag = [&](const char* key) {
    return attrs.is_object() && attrs.contains(key) && attrs[key].is_boolean() &&
           attrs[key].get<bool>();
  };
  dropped = false;
  if (name == "social-link") {
    std::string url = attr("url", "");
    std::string service = attr("service", "");
    std::string label = attr("label", "");
    if (label.empty() && !service.empty()) {
      label = service;
      label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    }
    if (url.empty() || label.empty()) {
      dropped = true;
      return "";
    }
    return "<li class=\"wp-social-link wp-social-link-" + Escaped(service) + "\"><a href=\"" +
           Escaped(url) + "\">" + Escaped(label) + "</a></li>";
  }
  if (name == "latest-posts" && ctx.latest_posts) {
    std::string out = "<ul class=\"wp-block-latest-posts\">";
    for (const WpPostLink& p :
         ctx.latest_posts(std::clamp<size_t>(number("postsToShow", 5), 1, 100))) {
      out += "<li><a href=\"" + Escaped(p.url) + "\">" + Escaped(p.title) + "</a></li>";
    }
    return out + "</ul>\n";
  }
  if (name == "archives" && ctx.archive_months) {
    const bool counts = flag("showPostCounts");
    std::string out = "<ul class=\"wp-block-archives\">";
    for (const WpArchiveMonth& m : ctx.archive_months()) {
      out += "<li><a href=\"" + Escaped(m.url) + "\">" + Escaped(m.label) + "</a>" +
             (counts ? " (" + std::to_string(m.count) + ")" : std::string()) + "</li>";
    }
    return out + "</ul>\n";
  }
  if (name == "footnotes") {
    if (notes.empty() || footnotes_done) return "";
    footnotes_done = true;
    return FootnotesSection(notes);
  }
  dropped = true;
  return "";
}

}  // namespace

std::string ConvertBlocks(std::string_view text, const WpContentContext& ctx, ContentStats& stats) {
  const auto notes = ParseFootnotes(ctx.footnotes);
  size_t refs = 0;
  std::string with_refs;
  if (!notes.empty()) {
    with_refs = FootnoteRefs(text, notes, refs);
    text = with_refs;
  }
  bool footnotes_done = false;
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("<!--", pos);
    if (open == std::string_view::npos) break;
    size_t p = open + 4;
    while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
    const bool closing = text.substr(p, 4) == "/wp:";
    bool marker = text.substr(p, 3) == "wp:" || closing;
    size_t close = text.find("-->", p);
    if (!marker || close == std::string_view::npos) {
      out += text.substr(pos, p - pos);
      pos = p;
      continue;
    }
    out += text.substr(pos, open - pos);
    ++stats.block_comments;
    std::string_view inside = Trim(text.substr(p, close - p));
    pos = close + 3;
    if (!closing && !inside.empty() && inside.back() == '/') {
      // A block with no saved content: WordPress draws it when the page is served.
      inside = Trim(inside.substr(0, inside.size() - 1));
      inside.remove_prefix(3);
      size_t space = inside.find_first_of(" \t\n{");
      std::string name(inside.substr(0, space));
      nlohmann::json attrs;
      if (space != std::string_view::npos) {
        attrs = nlohmann::json::parse(Trim(inside.substr(space)), nullptr, false);
      }
      bool dropped = false;
      std::string html = DynamicBlock(name, attrs, ctx, notes, footnotes_done, dropped);
      if (dropped) {
        ++stats.dropped_blocks[name.find('/') == std::string::npos ? "core/" + name : name];
      } else if (!html.empty()) {
        ++stats.blocks_rendered;
      }
      out += html;
    }
    // The marker's own line goes with it.
    if (pos < text.size() && text[pos] == '\n') ++pos;
  }
  out += text.substr(std::min(pos, text.size()));
  // References without the footnotes block (it was deleted, or the post is older): the notes
  // still belong to the text.
  if (refs > 0 && !footnotes_done) out += FootnotesSection(notes);
  return out;
}

std::string ConvertShortcodes(std::string_view text, const WpContentContext& ctx,
                              ContentStats& stats) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('[', pos);
    if (open == std::string_view::npos) break;
    out += text.substr(pos, open - pos);
    // [[name]] is the escaped form: written as [name].
    if (open + 1 < text.size() && text[open + 1] == '[') {
      size_t close = text.find("]]", open);
      if (close != std::string_view::npos && close > open + 2 && IsNameChar(text[open + 2])) {
        out += text.substr(open + 1, close - open);
        pos = close + 2;
        continue;
      }
      out += '[';
      pos = open + 1;
      continue;
    }
    size_t n = open + 1;
    while (n < text.size() && IsNameChar(text[n])) ++n;
    std::string name = AsciiLower(text.substr(open + 1, n - open - 1));
    size_t close = text.find(']', n);
    if (name.empty() || n >= text.size() ||
        !(text[n] == ' ' || text[n] == ']' || text[n] == '/' || text[n] == '\t' ||
          text[n] == '\n') ||
        close == std::string_view::npos) {
      out += '[';
      pos = open + 1;
      continue;
    }
    static const std::set<std::string> known = {"caption", "wp_caption", "gallery",
                                                "embed",   "video",      "audio"};
    if (!known.count(name)) {
      ++stats.unknown_shortcodes[name];
      out += text.substr(open, close + 1 - open);
      pos = close + 1;
      continue;
    }
    Shortcode sc;
    sc.name = name;
    std::string_view attrs = text.substr(n, close - n);
    const bool self_closing = !attrs.empty() && attrs.back() == '/';
    ParseAttrs(attrs, sc);
    pos = close + 1;
    if (!self_closing && name != "gallery") {
      std::string closer = "[/" + name + "]";
      size_t end = text.find(closer, pos);
      size_t next_open = text.find("[" + name, pos);
      if (end != std::string_view::npos &&
          (next_open == std::string_view::npos || next_open > end || name == "caption" ||
           name == "wp_caption")) {
        sc.content = std::string(text.substr(pos, end - pos));
        sc.enclosed = true;
        pos = end + closer.size();
      }
    }
    if (name == "caption" || name == "wp_caption") {
      out += Caption(sc, stats);
    } else if (name == "gallery") {
      out += Gallery(sc, ctx, stats);
    } else if (name == "embed") {
      out += Embed(sc, ctx, stats);
    } else if (name == "video") {
      out += Video(sc, ctx, stats);
    } else {
      out += Audio(sc, ctx, stats);
    }
  }
  out += text.substr(std::min(pos, text.size()));
  return out;
}

std::string SanitizeHtml(std::string_view html, const SanitizeOptions& options,
                         ContentStats* stats) {
  ContentStats local;
  ContentStats& st = stats ? *stats : local;
  GumboOptions gopt = kGumboDefaultOptions;
  gopt.fragment_context = GUMBO_TAG_BODY;
  gopt.fragment_namespace = GUMBO_NAMESPACE_HTML;
  gopt.max_errors = 0;
  GumboOutput* parsed = gumbo_parse_with_options(&gopt, html.data(), html.size());
  std::string out;
  if (!parsed) return out;
  // A fragment's nodes are the children of the root element (or of its body).
  const GumboNode* root = parsed->root;
  const GumboVector& kids = root->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) {
    const auto* k = static_cast<const GumboNode*>(kids.data[i]);
    if (k->type == GUMBO_NODE_ELEMENT && k->v.element.tag == GUMBO_TAG_BODY) root = k;
  }
  Sanitizer s(options, st);
  s.Container(root, "", false, out);
  gumbo_destroy_output(&gopt, parsed);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

namespace {
// WordPress's auto-embeds: a URL alone on its line is an [embed] (a player for YouTube and
// Vimeo, a link otherwise).
std::string AutoEmbed(const std::string& text) {
  std::string out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line(text.data() + pos, (nl == std::string::npos ? text.size() : nl) - pos);
    std::string_view t = Trim(line);
    bool url = (t.rfind("http://", 0) == 0 || t.rfind("https://", 0) == 0) && t.size() > 10 &&
               t.find_first_of(" \t<>\"'[]") == std::string_view::npos;
    if (url) {
      out += "[embed]";
      out += t;
      out += "[/embed]";
    } else {
      out += line;
    }
    if (nl == std::string::npos) break;
    out += '\n';
    pos = nl + 1;
  }
  return out;
}

// SanitizeHtml, with the first <!--more--> (WordPress's "read more" cut, `<!--more Custom
// text-->` too) kept in the body as <!--more-->, where the teaser ends: the importer makes the
// excerpt of it, and a paywall can cut there. The sanitizer drops comments, so it crosses it as a
// word of its own and comes back after. <!--nextpage--> is dropped: the pages become one.
std::string SanitizeKeepingMore(std::string text, const SanitizeOptions& options,
                                ContentStats* stats) {
  constexpr std::string_view kSentinel = "cinepressmorecut7f3a9e";
  bool more = false;
  if (size_t m = text.find("<!--more"); m != std::string::npos) {
    if (size_t e = text.find("-->", m); e != std::string::npos) {
      const bool own_line = (m == 0 || text[m - 1] == '\n');
      text.replace(m, e + 3 - m,
                   own_line && options.autop ? "\n\n" + std::string(kSentinel) + "\n\n"
                                             : std::string(kSentinel));
      more = true;
    }
  }
  std::string html = SanitizeHtml(text, options, stats);
  if (more) {
    const std::string para = "<p>" + std::string(kSentinel) + "</p>";
    if (size_t p = html.find(para); p != std::string::npos) {
      html.replace(p, para.size(), "<!--more-->");
    } else if (size_t q = html.find(kSentinel); q != std::string::npos) {
      html.replace(q, kSentinel.size(), "<!--more-->");
    }
  }
  return html;
}
}  // namespace

std::string WordPressToHtml(std::string_view content, const WpContentContext& context,
                            ContentStats& stats) {
  // WordPress gives block-editor content no autop: its blocks carry their own markup, and a
  // newline in a custom HTML block is not a line break.
  const bool blocks = HasBlocks(content);
  std::string text = ConvertBlocks(content, context, stats);
  std::string unix_text;  // \r\n and \r are newlines
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      unix_text += text[i];
    } else if (i + 1 >= text.size() || text[i + 1] != '\n') {
      unix_text += '\n';
    }
  }
  text = std::move(unix_text);
  text = ConvertShortcodes(AutoEmbed(text), context, stats);
  SanitizeOptions options;
  options.autop = !blocks;
  options.rewrite_url = context.rewrite_url;
  options.contiguous_headings = true;
  return SanitizeKeepingMore(std::move(text), options, &stats);
}

std::string SanitizeEditedBody(std::string_view html) {
  SanitizeOptions options;
  options.contiguous_headings = true;  // as the import: its paragraphs are in the HTML already
  return SanitizeKeepingMore(std::string(html), options, nullptr);
}

}  // namespace cinepress
