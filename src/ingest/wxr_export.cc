#include "ingest/wxr_export.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "core/slug.h"
#include "core/text.h"
#include "render/markdown.h"
#include "render/xml_writer.h"

namespace cinepress {
namespace {

// The namespaces WordPress's exporter declares; its importer looks its elements up in them.
constexpr const char* kWpNamespace = "http://wordpress.org/export/1.2/";

// Categories and tags as WordPress keeps them: by slug, each with its name, parent and
// description (the store's terms, then the names articles use that it lacks).
struct Terms {
  std::map<std::string, Term> categories, tags;                // by slug
  std::map<std::string, std::string> category_slug, tag_slug;  // name -> slug
};

Terms CollectTerms(const std::vector<Term>& stored, const std::vector<Article>& articles) {
  Terms t;
  for (const Term& term : stored) {
    if (term.taxonomy == "category") {
      t.categories[term.slug] = term;
      t.category_slug.emplace(term.name, term.slug);
    } else if (term.taxonomy == "post_tag") {
      t.tags[term.slug] = term;
      t.tag_slug.emplace(term.name, term.slug);
    }
  }
  auto add = [](std::map<std::string, Term>& by_slug, std::map<std::string, std::string>& slug_of,
                const char* taxonomy, const std::string& name) {
    if (slug_of.contains(name)) return;
    std::string slug = Slugify(name);
    if (slug.empty()) slug = "term";
    for (int n = 2; by_slug.contains(slug) && by_slug[slug].name != name; ++n) {
      slug = Slugify(name) + "-" + std::to_string(n);
    }
    by_slug[slug] = Term{taxonomy, slug, name, "", ""};
    slug_of[name] = slug;
  };
  for (const Article& a : articles) {
    for (const std::string& c : a.categories) add(t.categories, t.category_slug, "category", c);
    for (const std::string& g : a.tags) add(t.tags, t.tag_slug, "post_tag", g);
  }
  return t;
}

// Categories with their parents before them: WordPress's importer files a category under a
// parent it has already made, and under none otherwise.
std::vector<const Term*> ParentsFirst(const std::map<std::string, Term>& by_slug) {
  auto depth = [&](const Term& term) {
    int d = 0;
    for (const Term* at = &term; !at->parent.empty() && d < 32; ++d) {
      auto it = by_slug.find(at->parent);
      if (it == by_slug.end()) break;
      at = &it->second;
    }
    return d;
  };
  std::vector<std::pair<int, const Term*>> order;
  for (const auto& [slug, term] : by_slug) order.emplace_back(depth(term), &term);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<const Term*> out;
  for (const auto& [d, term] : order) out.push_back(term);
  return out;
}

void WriteChannelHead(XmlWriter& w, const WxrExportOptions& options) {
  w.Start("rss");
  w.Attr("version", "2.0");
  w.Attr("xmlns:excerpt", std::string(kWpNamespace) + "excerpt/");
  w.Attr("xmlns:content", "http://purl.org/rss/1.0/modules/content/");
  w.Attr("xmlns:wfw", "http://wellformedweb.org/CommentAPI/");
  w.Attr("xmlns:dc", "http://purl.org/dc/elements/1.1/");
  w.Attr("xmlns:wp", kWpNamespace);
  w.Start("channel");
  w.Element("title", options.title);
  w.Element("link", options.base_url);
  w.Element("description", options.description);
  w.Element("language", options.language);
  w.Element("wp:wxr_version", "1.2");
  w.Element("wp:base_site_url", options.base_url);
  w.Element("wp:base_blog_url", options.base_url);
  w.Element("generator", "cinepress");
}

void WriteAuthors(XmlWriter& w, const std::vector<Author>& authors) {
  int id = 0;
  for (const Author& a : authors) {
    w.Start("wp:author");
    w.Element("wp:author_id", std::to_string(++id));
    w.Element("wp:author_login", a.id);
    w.Element("wp:author_email", "");
    w.Element("wp:author_display_name", a.name);
    w.Element("wp:author_first_name", "");
    w.Element("wp:author_last_name", "");
    w.End();
  }
}

void WriteTerms(XmlWriter& w, const Terms& terms) {
  int id = 0;
  for (const Term* c : ParentsFirst(terms.categories)) {
    w.Start("wp:category");
    w.Element("wp:term_id", std::to_string(++id));
    w.Element("wp:category_nicename", c->slug);
    w.Element("wp:category_parent", c->parent);
    w.Element("wp:cat_name", c->name);
    w.Element("wp:category_description", c->description);
    w.End();
  }
  for (const auto& [slug, tag] : terms.tags) {
    w.Start("wp:tag");
    w.Element("wp:term_id", std::to_string(++id));
    w.Element("wp:tag_slug", slug);
    w.Element("wp:tag_name", tag.name);
    w.Element("wp:tag_description", tag.description);
    w.End();
  }
}

std::string Absolute(const std::string& base_url, const std::string& src) {
  if (src.rfind("http://", 0) == 0 || src.rfind("https://", 0) == 0) return src;
  return base_url + (src.empty() || src[0] != '/' ? "/" : "") + src;
}

// What every item has: its title, addresses, dates, type and place.
struct ItemHead {
  int64_t id = 0, parent = 0, date = 0;
  std::string title, slug, status, type, creator;
  int menu_order = 0;
};

void WriteItemHead(XmlWriter& w, const ItemHead& h, const TimeZone& tz,
                   const WxrExportOptions& options) {
  const std::string address = options.base_url + "/?p=" + std::to_string(h.id);
  w.Element("title", h.title);
  w.Element("link", address);
  w.Element("pubDate", tz.Rfc822(h.date));
  w.Element("dc:creator", h.creator);
  w.Start("guid");
  w.Attr("isPermaLink", "false");
  w.Text(address);
  w.End();
  w.Element("description", "");
}

void WriteItemPlace(XmlWriter& w, const ItemHead& h, const TimeZone& tz) {
  w.Element("wp:post_id", std::to_string(h.id));
  w.Element("wp:post_date", WxrDate(h.date, &tz));
  w.Element("wp:post_date_gmt", WxrDate(h.date, nullptr));
  w.Element("wp:comment_status", h.type == "attachment" ? "closed" : "open");
  w.Element("wp:ping_status", "closed");
  w.Element("wp:post_name", h.slug);
  w.Element("wp:status", h.status);
  w.Element("wp:post_parent", std::to_string(h.parent));
  w.Element("wp:menu_order", std::to_string(h.menu_order));
  w.Element("wp:post_type", h.type);
  w.Element("wp:post_password", "");
}

void WriteMeta(XmlWriter& w, const std::string& key, const std::string& value) {
  w.Start("wp:postmeta");
  w.Element("wp:meta_key", key);
  w.Element("wp:meta_value", value);
  w.End();
}

// An article's lead image as the attachment its post points to (_thumbnail_id).
void WriteAttachment(XmlWriter& w, const ItemHead& head, const Image& image, const TimeZone& tz,
                     const WxrExportOptions& options) {
  w.Start("item");
  WriteItemHead(w, head, tz, options);
  w.Element("content:encoded", "");
  w.Element("excerpt:encoded", image.caption);  // WordPress keeps a caption as the excerpt
  WriteItemPlace(w, head, tz);
  w.Element("wp:is_sticky", "0");
  w.Element("wp:attachment_url", Absolute(options.base_url, image.src));
  WriteMeta(w, "_wp_attachment_image_alt", image.alt);
  w.End();
}

// WordPress's approval states: 1, 0 (pending), spam, trash.
std::string Approved(const std::string& status) {
  if (status == "approved") return "1";
  if (status == "spam" || status == "trash") return status;
  return "0";
}

// A comment's number: WordPress's own for comments imported from it ("wp:926"), else one of
// ours, numbered after every number WordPress could have used in this export.
std::string CommentId(const std::string& source_id, int64_t& next_id) {
  if (source_id.rfind("wp:", 0) == 0 && source_id.size() > 3 &&
      source_id.find_first_not_of("0123456789", 3) == std::string::npos) {
    return source_id.substr(3);
  }
  return std::to_string(++next_id);
}

void WriteComments(XmlWriter& w, const std::vector<Comment>& comments, const TimeZone& tz,
                   int64_t& next_id) {
  std::unordered_map<std::string, std::string> id_of;
  for (const Comment& c : comments) id_of[c.source_id] = CommentId(c.source_id, next_id);
  for (const Comment& c : comments) {
    w.Start("wp:comment");
    w.Element("wp:comment_id", id_of[c.source_id]);
    w.Element("wp:comment_author", c.author);
    w.Element("wp:comment_author_email", c.author_email);
    w.Element("wp:comment_author_url", c.author_url);
    w.Element("wp:comment_author_IP", "");
    w.Element("wp:comment_date", WxrDate(c.date, &tz));
    w.Element("wp:comment_date_gmt", WxrDate(c.date, nullptr));
    w.Element("wp:comment_content", c.body);
    w.Element("wp:comment_approved", Approved(c.status));
    w.Element("wp:comment_type", c.type == "comment" ? "" : c.type);
    auto parent = id_of.find(c.parent_source_id);
    w.Element("wp:comment_parent", parent == id_of.end() ? "0" : parent->second);
    w.Element("wp:comment_user_id", "0");
    w.End();
  }
}

// WordPress's status of an article: the one it came with, else what the site does with it.
std::string StatusOf(const Article& a, int64_t now) {
  if (!a.status.empty()) return a.status;
  if (a.draft) return "draft";
  if (a.password_protected) return "private";  // the password itself is not kept
  return a.date > now ? "future" : "publish";
}

// The dek as WordPress's excerpt (HTML). A WordPress import keeps an excerpt as its text with
// Markdown's characters escaped (render's deks are inline Markdown): that text, as it was. A
// dek written in Markdown is rendered as the site shows it.
std::string ExcerptOf(const Article& a) {
  if (a.body_format != BodyFormat::kHtml) return a.dek.empty() ? "" : RenderInlineMarkdown(a.dek);
  std::string text;
  for (size_t i = 0; i < a.dek.size(); ++i) {
    if (a.dek[i] == '\\' && i + 1 < a.dek.size()) ++i;
    text += a.dek[i];
  }
  return HtmlEscape(text);
}

struct PostContext {
  const Terms& terms;
  const std::unordered_map<std::string, int64_t>& id_of_source;  // pages' parents
  int64_t thumbnail_id = 0;                                      // 0: none
};

void WritePost(XmlWriter& w, const Article& a, const PostContext& ctx, const TimeZone& tz,
               const WxrExportOptions& options, std::vector<Comment> comments,
               int64_t& next_comment_id) {
  ItemHead head;
  head.id = a.id;
  head.title = a.title;
  const size_t last_slash = a.slug.rfind('/');  // a page under others: "parent/child"
  head.slug = last_slash == std::string::npos ? a.slug : a.slug.substr(last_slash + 1);
  head.date = a.date;
  head.status = StatusOf(a, options.now);
  head.type = a.kind == ArticleKind::kPage ? "page" : "post";
  head.creator = a.author_ids.empty() ? "" : a.author_ids.front();
  head.menu_order = a.menu_order;
  if (auto it = ctx.id_of_source.find(a.parent_source);
      !a.parent_source.empty() && it != ctx.id_of_source.end()) {
    head.parent = it->second;
  }
  w.Start("item");
  WriteItemHead(w, head, tz, options);
  w.Element("content:encoded",
            a.body_format == BodyFormat::kHtml ? a.body_markdown : RenderMarkdown(a.body_markdown));
  w.Element("excerpt:encoded", ExcerptOf(a));
  WriteItemPlace(w, head, tz);
  w.Element("wp:is_sticky", a.featured ? "1" : "0");
  auto category = [&w](const char* domain, const std::string& slug, const std::string& name) {
    w.Start("category");
    w.Attr("domain", domain);
    w.Attr("nicename", slug);
    w.Text(name);
    w.End();
  };
  for (const std::string& c : a.categories) category("category", ctx.terms.category_slug.at(c), c);
  for (const std::string& t : a.tags) category("post_tag", ctx.terms.tag_slug.at(t), t);
  if (!a.format.empty()) {
    std::string name = a.format;
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    category("post_format", "post-format-" + a.format, name);
  }
  if (ctx.thumbnail_id != 0) WriteMeta(w, "_thumbnail_id", std::to_string(ctx.thumbnail_id));
  WriteComments(w, comments, tz, next_comment_id);
  w.End();
}

Status Flush(XmlWriter& w, std::ostream& out) {
  out << w.TakeOutput();
  if (!out) return Error{ErrorCode::kIo, "cannot write the export"};
  return {};
}

}  // namespace

std::string WxrDate(int64_t t, const TimeZone* tz) {
  std::string iso = tz ? tz->Iso(t) : TimeZone::IsoUtc(t);  // 2021-10-06T05:00:34…
  iso.resize(std::min<size_t>(iso.size(), 19));
  if (iso.size() > 10) iso[10] = ' ';
  return iso;
}

Result<WxrExportReport> ExportWxr(ContentStore& store, std::ostream& out, const TimeZone& tz,
                                  const WxrExportOptions& options) {
  auto articles = store.LoadArticles(false);
  if (!articles) return articles.error();
  auto authors = store.LoadAuthors();
  if (!authors) return authors.error();
  auto stored_terms = store.LoadTerms();
  if (!stored_terms) return stored_terms.error();
  const Terms terms = CollectTerms(*stored_terms, *articles);

  WxrExportReport report;
  report.authors = authors->size();
  report.categories = terms.categories.size();
  report.tags = terms.tags.size();
  XmlWriter w;
  WriteChannelHead(w, options);
  WriteAuthors(w, *authors);
  WriteTerms(w, terms);

  // Attachments and comments are numbered after the articles' own ids.
  std::unordered_map<std::string, int64_t> id_of_source;
  int64_t next_id = 0;
  for (const Article& a : *articles) {
    id_of_source[a.source_path] = a.id;
    next_id = std::max(next_id, a.id);
  }
  int64_t next_comment_id = 1000000000;
  for (Article& a : *articles) {
    PostContext ctx{terms, id_of_source};
    if (a.image) {
      ctx.thumbnail_id = ++next_id;
      ItemHead head{ctx.thumbnail_id, a.id, a.date, a.image->alt, "", "inherit",
                    "attachment",     "",   0};
      head.creator = a.author_ids.empty() ? "" : a.author_ids.front();
      head.slug = Slugify(a.slug + "-image");
      WriteAttachment(w, head, *a.image, tz, options);
      ++report.attachments;
    }
    auto body = store.LoadBody(a.id);
    if (!body) return body.error();
    a.body_markdown = std::move(*body);
    auto comments = store.LoadCommentsOf(a.id);
    if (!comments) return comments.error();
    report.comments += comments->size();
    WritePost(w, a, ctx, tz, options, std::move(*comments), next_comment_id);
    a.body_markdown = std::string();  // one body at a time
    ++(a.kind == ArticleKind::kPage ? report.pages : report.posts);
    if (auto st = Flush(w, out); !st) return st.error();
  }
  w.End();  // channel
  w.End();  // rss
  out << w.Finish();
  if (!out) return Error{ErrorCode::kIo, "cannot write the export"};
  return report;
}

}  // namespace cinepress
