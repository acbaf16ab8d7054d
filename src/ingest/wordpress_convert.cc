// Phase 2 of the WordPress import: one post or page converted (wordpress_phases.h).
#include <algorithm>
#include <cstring>

#include "core/text.h"
#include "ingest/wordpress_phases.h"
#include "render/html_text.h"

namespace cinepress {
namespace {

// Backslash-escapes what Markdown would read as markup (deks are rendered as inline Markdown).
std::string MarkdownEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::strchr("\\`*_[]<>&!~|", c) != nullptr && c != '\0') out += '\\';
    out += c;
  }
  return out;
}

std::string ArticleHash(const Article& a) {
  std::string parts;
  auto add = [&](std::string_view v) {
    parts += v;
    parts += '\x1f';
  };
  add(a.kind == ArticleKind::kPage ? "page" : "article");
  add(a.section);
  add(a.slug);
  add(a.title);
  add(a.dek);
  add(std::to_string(a.date));
  add(std::to_string(a.updated));
  add(a.draft ? "1" : "0");
  add(a.featured ? "1" : "0");
  add(a.status);
  add(a.password_protected ? "1" : "0");
  add(a.format);
  add(std::to_string(a.menu_order));
  add(a.parent_source);
  for (const auto* v : {&a.author_ids, &a.categories, &a.tags}) {
    for (const std::string& x : *v) add(x);
    add("|");
  }
  if (a.image) {
    add(a.image->src);
    add(a.image->alt);
    add(a.image->caption);
  }
  add(a.body_markdown);
  return ContentHash(parts);
}

// The article's own fields: what it is, where, by whom, filed under what.
Article ArticleOf(const WxrItem& i, const WpPost& p, const WpIndex& index,
                  const WordPressOptions& options, std::vector<std::string>& notes) {
  Article a;
  a.kind = p.type == "page" ? ArticleKind::kPage : ArticleKind::kArticle;
  a.section = a.kind == ArticleKind::kPage ? "" : options.section;
  a.slug = p.slug;
  a.title = std::string(Trim(HtmlToText(i.title)));
  if (a.title.empty()) {
    a.title = "Untitled";
    notes.push_back(p.type + " " + p.id + ": no title; called \"Untitled\"");
  }
  a.date = p.date;
  a.source_path = WpSourcePath(index.source, p.id);
  a.body_format = BodyFormat::kHtml;
  a.menu_order = std::atoi(i.menu_order.c_str());
  if (!p.parent.empty() && a.kind == ArticleKind::kPage) {
    a.parent_source = WpSourcePath(index.source, p.parent);
  }
  // Status: only what WordPress showed everyone is published here.
  if (p.status != "publish") a.status = p.status;
  a.draft = !(p.status == "publish" || (p.status == "future" && p.date > options.now));
  a.password_protected = !p.password.empty();
  a.featured = i.is_sticky == "1";
  if (auto it = index.authors.find(i.creator); it != index.authors.end()) {
    a.author_ids.push_back(it->second.id);
  }
  for (const WxrItemTerm& t : i.terms) {
    std::string name = std::string(Trim(t.name));
    if (name.empty()) continue;
    if (t.domain == "category" &&
        std::find(a.categories.begin(), a.categories.end(), name) == a.categories.end()) {
      a.categories.push_back(name);
    } else if (t.domain == "post_tag" &&
               std::find(a.tags.begin(), a.tags.end(), name) == a.tags.end()) {
      a.tags.push_back(name);
    } else if (t.domain == "post_format") {
      a.format = t.nicename.rfind("post-format-", 0) == 0 ? t.nicename.substr(12) : t.nicename;
    }
  }
  std::string dek = HtmlToText(i.excerpt);
  if (!dek.empty()) a.dek = MarkdownEscape(dek);
  if (const std::string* thumb = i.Meta("_thumbnail_id")) {
    if (auto at = index.wxr.attachments.find(*thumb); at != index.wxr.attachments.end()) {
      const WpAttachment& w = at->second.a;
      a.image = Image{w.url, w.alt.empty() ? w.title : w.alt, w.caption};
    }
  }
  return a;
}

// Comments, threaded by their parents' ids; only approved ones may ever be shown.
std::vector<Comment> CommentsOf(const WxrItem& i, int64_t article_date, const WpIndex& index,
                                const std::function<std::string(const std::string&)>& rewrite) {
  std::vector<Comment> comments;
  for (const WxrComment& wc : i.comments) {
    Comment c;
    c.source_id = "wp:" + wc.id;
    c.parent_source_id = wc.parent.empty() || wc.parent == "0" ? "" : "wp:" + wc.parent;
    c.author = wc.author;
    c.author_email = wc.author_email;
    c.author_url = IsSafeUrl(wc.author_url, false) ? wc.author_url : "";
    c.date = WpDate(wc.date_gmt, wc.date, index.tz).value_or(article_date);
    SanitizeOptions so;
    so.autop = true;
    so.rewrite_url = rewrite;
    c.body = SanitizeHtml(wc.content, so);
    c.status = wc.approved == "1"       ? "approved"
               : wc.approved == "spam"  ? "spam"
               : wc.approved == "trash" ? "trash"
                                        : "pending";
    c.type = wc.type.empty() ? "comment" : wc.type;
    comments.push_back(std::move(c));
  }
  return comments;
}

}  // namespace

std::optional<WpConverted> ConvertWordPressItem(const WxrItem& i, const WpIndex& index,
                                                const WordPressOptions& options) {
  auto pit = index.wxr.posts.find(i.post_id);
  if (pit == index.wxr.posts.end() || !pit->second.importable ||
      (i.post_type != "post" && i.post_type != "page")) {
    return std::nullopt;
  }
  const WpPost& p = pit->second;
  WpConverted out;
  Article& a = out.article = ArticleOf(i, p, index, options, out.notes);
  auto rewrite = [&](const std::string& url) {
    return RewriteOldUrl(index, url, options.now, out.rewrites);
  };
  WpContentContext ctx;
  ctx.attachment = [&](const std::string& id) -> const WpAttachment* {
    auto it = index.wxr.attachments.find(id);
    return it == index.wxr.attachments.end() ? nullptr : &it->second.a;
  };
  if (auto it = index.children.find(p.id); it != index.children.end()) ctx.children = it->second;
  ctx.rewrite_url = rewrite;
  ctx.latest_posts = [&](size_t n) {
    return std::vector<WpPostLink>(
        index.latest.begin(),
        index.latest.begin() + static_cast<std::ptrdiff_t>(std::min(n, index.latest.size())));
  };
  ctx.archive_months = [&] { return index.months; };
  if (const std::string* notes = i.Meta("footnotes")) ctx.footnotes = *notes;
  a.body_markdown = WordPressToHtml(i.content, ctx, out.content);
  // Without an excerpt, the teaser before <!--more--> is the dek, as WordPress shows it in
  // lists. The marker stays in the body (where a paywall can cut).
  if (a.dek.empty()) {
    if (size_t cut = a.body_markdown.find("<!--more-->"); cut != std::string::npos) {
      std::string teaser(Trim(HtmlToText(a.body_markdown.substr(0, cut))));
      if (!teaser.empty()) a.dek = MarkdownEscape(teaser);
    }
  }
  // The body is the sanitizer's own HTML: stripping its tags is enough to count its words.
  a.word_count = CountWords(StripTags(a.body_markdown));
  out.comments = CommentsOf(i, a.date, index, rewrite);
  // Comments are part of what the article's page shows, so of its hash (a new comment renews
  // the page).
  std::string comments_digest;
  for (const Comment& c : out.comments) {
    comments_digest += ContentHash({c.source_id, "\x1f", c.parent_source_id, "\x1f", c.author,
                                    "\x1f", c.author_url, "\x1f", std::to_string(c.date), "\x1f",
                                    c.body, "\x1f", c.status, "\x1f", c.type});
  }
  a.source_hash =
      out.comments.empty() ? ArticleHash(a) : ContentHash({ArticleHash(a), comments_digest});
  return out;
}

}  // namespace cinepress
