#include "ingest/wordpress.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "core/slug.h"
#include "core/text.h"
#include "core/url.h"
#include "ingest/wxr_reader.h"
#include "render/html_text.h"

namespace cinepress {
namespace fs = std::filesystem;
namespace {

// A WordPress link, slug or path as its readers see it ("%ce%b5" -> "ε"); as written when it
// holds a malformed escape or does not decode to UTF-8.
std::string Unescaped(std::string_view text) {
  auto decoded = PercentDecode(text);
  return decoded && IsValidUtf8(*decoded) ? *decoded : std::string(text);
}

// ---------------------------------------------------------------------------------------------
// URLs of the old site.

std::string_view StripScheme(std::string_view url) {
  size_t p = url.find("://");
  if (p == std::string_view::npos ||
      url.substr(0, p).find_first_of("/?#") != std::string_view::npos) {
    return {};
  }
  return url.substr(p + 3);
}

std::string UrlHost(std::string_view url) {
  std::string_view rest = StripScheme(url);
  if (rest.empty() && url.substr(0, 2) == "//") rest = url.substr(2);
  if (rest.empty()) return "";
  std::string host = AsciiLower(rest.substr(0, rest.find_first_of("/?#")));
  if (size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  return host;
}

// "/2013/01/10/x/?a=b" (path and query, no fragment); "/" for a bare host.
std::string UrlPathQuery(std::string_view url) {
  std::string_view rest = StripScheme(url);
  if (!rest.empty() || url.substr(0, 2) == "//") {
    if (rest.empty()) rest = url.substr(2);
    size_t slash = rest.find_first_of("/?#");
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  } else {
    rest = url;
  }
  rest = rest.substr(0, rest.find('#'));
  std::string out(rest);
  if (out.empty() || out[0] != '/') out = "/" + out;
  // WordPress.com exports sometimes write "//greek/…".
  while (out.size() > 1 && out[1] == '/') out.erase(0, 1);
  return out;
}

// The path of a file under wp-content/uploads (or a WordPress.com files host): "2008/06/x.jpg".
std::string UploadsRel(std::string_view url) {
  std::string_view u = url.substr(0, url.find_first_of("?#"));
  size_t p = u.find("/wp-content/uploads/");
  std::string rel;
  if (p != std::string_view::npos) {
    rel = std::string(u.substr(p + 20));
  } else {
    std::string host = UrlHost(u);
    const std::string suffix = ".files.wordpress.com";
    if (host.size() > suffix.size() &&
        host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0) {
      rel = UrlPathQuery(u).substr(1);
    }
  }
  rel = Unescaped(rel);
  // Nothing that climbs out of the uploads folder, nothing hidden.
  if (rel.empty() || rel.find("..") != std::string::npos || rel.front() == '/' ||
      rel.find("/.") != std::string::npos || rel.front() == '.' || !IsValidUtf8(rel) ||
      rel.find('\\') != std::string::npos) {
    return "";
  }
  return rel;
}

// A path under the uploads folder as WordPress records it (`_wp_attached_file`), when safe.
std::string SafeUploadsRel(std::string_view rel) {
  std::string r(rel);
  if (r.empty() || r.find("..") != std::string::npos || r.front() == '/' ||
      r.find("/.") != std::string::npos || r.front() == '.' || !IsValidUtf8(r) ||
      r.find('\\') != std::string::npos || r.find("://") != std::string::npos) {
    return "";
  }
  return r;
}

// The addresses of files a body uses that may be the old site's: under wp-content/uploads (on
// any host: the site's, a CDN's, Photon's), on a WordPress.com files host, or any absolute
// address of a media file (an attachment served from a CDN). Which of them are the site's own is
// decided once the attachments are known.
void CollectFileUrls(std::string_view html, std::set<std::string>& out) {
  auto is_end = [](char c) {
    return c == '"' || c == '\'' || c == '<' || c == '>' || c == ' ' || c == '\n' || c == '\t' ||
           c == '\r' || c == '(' || c == ')' || c == ']' || c == '[';
  };
  size_t from = 0;
  while (true) {
    size_t scheme = html.find("://", from);
    size_t rooted = html.find("/wp-content/uploads/", from);
    if (scheme == std::string_view::npos && rooted == std::string_view::npos) break;
    size_t start;
    if (scheme != std::string_view::npos && (rooted == std::string_view::npos || scheme < rooted)) {
      start = scheme;
      while (start > 0 && std::isalpha(static_cast<unsigned char>(html[start - 1]))) --start;
    } else {
      start = rooted;
      // Only a root-relative address ("/wp-content/…" right after a quote or an =).
      if (start == 0 || std::strchr("\"'=", html[start - 1]) == nullptr) {
        from = rooted + 1;
        continue;
      }
    }
    size_t end = (scheme != std::string_view::npos && start <= scheme ? scheme + 3 : start + 1);
    while (end < html.size() && !is_end(html[end])) ++end;
    std::string url(html.substr(start, end - start));
    while (!url.empty() && (url.back() == ',' || url.back() == '.')) url.pop_back();
    if (url.find("/wp-content/uploads/") != std::string::npos ||
        url.find(".files.wordpress.com/") != std::string::npos ||
        (url.rfind("http", 0) == 0 && !MediaKindOf(url).empty())) {
      out.insert(std::move(url));
    }
    from = end;
  }
}

// Backslash-escapes what Markdown would read as markup (deks are rendered as inline Markdown).
std::string MarkdownEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::strchr("\\`*_[]<>&!~|", c) != nullptr && c != '\0') out += '\\';
    out += c;
  }
  return out;
}

std::optional<int64_t> WpDate(const std::string& gmt, const std::string& local,
                              const TimeZone& tz) {
  static const TimeZone utc = *TimeZone::Named("UTC");
  if (!gmt.empty() && gmt.rfind("0000", 0) != 0) {
    std::string t = gmt;
    if (t.size() > 10 && t[10] == ' ') t[10] = 'T';
    if (auto v = utc.Parse(t)) return v;
  }
  if (!local.empty() && local.rfind("0000", 0) != 0) {
    std::string t = local;
    if (t.size() > 10 && t[10] == ' ') t[10] = 'T';
    return tz.Parse(t);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Fetching attachments (libcurl): http and https only, short timeouts, a size limit.

size_t WriteToFile(char* data, size_t size, size_t n, void* file) {
  return std::fwrite(data, size, n, static_cast<FILE*>(file)) * size;
}

Status Fetch(const std::string& url, const fs::path& dest, int timeout_s, bool& host_down) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  FILE* f = std::fopen(dest.c_str(), "wb");
  if (!f) return Error{ErrorCode::kIo, "cannot write a temporary file", dest.string(), 0, {}};
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min(timeout_s, 5)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_s));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(512) << 20);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "cinepress-wordpress-import");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteToFile);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  std::fclose(f);
  if (rc != CURLE_OK) {
    host_down = rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT ||
                rc == CURLE_OPERATION_TIMEDOUT;
    return Error{ErrorCode::kIo, curl_easy_strerror(rc), url, 0, {}};
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// The index made by the first pass.

struct PostInfo {
  std::string id, type, status, title, slug, parent, link_path, guid_path;
  std::string password;
  int64_t date = 0;
  bool dated = false;  // false: the export has no date for it (`date` is a stand-in)
  bool importable = false;
  std::string new_url;  // the address on the new site
  bool path_resolved = false;
};

struct AttachmentInfo {
  WpAttachment a;
  std::string original_url, parent, rel;
  std::string page_path;  // the attachment's own page on the old site
  int menu_order = 0;
  fs::path file;  // the file to store, when available
};

struct MenuItemInfo {
  std::string id, menu, parent, type, object, object_id, url, title;
  int order = 0;
};

bool IsImportableStatus(const std::string& s) {
  return s == "publish" || s == "draft" || s == "pending" || s == "future" || s == "private";
}

std::string SourcePath(const std::string& host, const std::string& id) {
  return "wordpress/" + host + "/" + id;
}

std::string YearMonthDay(const TimeZone& tz, int64_t t, int part) {
  std::string iso = tz.Iso(t);
  return part == 0 ? iso.substr(0, 4) : part == 1 ? iso.substr(5, 2) : iso.substr(8, 2);
}

bool SameMenus(const std::vector<MenuItem>& a, const std::vector<MenuItem>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].url != b[i].url ||
        !SameMenus(a[i].children, b[i].children)) {
      return false;
    }
  }
  return true;
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

}  // namespace

Result<WordPressReport> ImportWordPress(ContentStore& store, const fs::path& file,
                                        const TimeZone& tz, const WordPressOptions& options) {
  WordPressReport report;
  auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };

  // ---- 1. Index and check the whole export (nothing is written yet).
  WxrChannel channel;
  std::map<std::string, WxrAuthor> authors_by_login;
  std::map<std::pair<std::string, std::string>, WxrTerm> terms;  // (taxonomy, slug)
  std::unordered_map<std::string, PostInfo> posts;               // posts and pages by id
  std::vector<std::string> post_order;
  std::unordered_map<std::string, AttachmentInfo> attachments;
  std::vector<MenuItemInfo> menu_items;
  std::set<std::string> body_files;  // addresses of files the posts use (CollectFileUrls)
  std::set<std::string> creators;
  std::map<std::string, size_t> guid_hosts;  // the site's address, when the channel lacks it
  size_t items_seen = 0;
  WxrCallbacks index;
  index.channel = [&](const WxrChannel& c) { channel = c; };
  index.author = [&](const WxrAuthor& a) {
    if (!a.login.empty()) authors_by_login[a.login] = a;
  };
  index.term = [&](const WxrTerm& t) {
    if (!t.slug.empty()) terms[{t.taxonomy, t.slug}] = t;
  };
  index.item = [&](const WxrItem& i) -> Status {
    if (++items_seen % 5000 == 0) say("indexed " + std::to_string(items_seen) + " items");
    std::string where = "item " +
                        (i.post_id.empty() ? "at line " + std::to_string(i.line) : i.post_id) +
                        " (" + (i.post_type.empty() ? "no type" : i.post_type) + ")";
    if (i.post_id.empty()) {
      report.skipped.push_back(where + ": it has no wp:post_id");
      return {};
    }
    if (std::string h = UrlHost(i.guid.empty() ? i.link : i.guid); !h.empty()) ++guid_hosts[h];
    if (i.post_type == "attachment") {
      ++report.attachments.found;
      AttachmentInfo info;
      info.original_url = i.attachment_url.empty() ? i.guid : i.attachment_url;
      info.a.id = i.post_id;
      info.a.url = info.original_url;
      info.a.title = i.title;
      info.a.caption = i.excerpt;
      if (const std::string* alt = i.Meta("_wp_attachment_image_alt")) info.a.alt = *alt;
      info.a.kind = MediaKindOf(info.original_url);
      info.parent = i.post_parent;
      info.menu_order = std::atoi(i.menu_order.c_str());
      info.rel = UploadsRel(info.original_url);
      // Files served from another host (a CDN, another domain) have no uploads path in their
      // address; WordPress records where the file lies in the uploads folder.
      if (const std::string* attached = i.Meta("_wp_attached_file"); attached && info.rel.empty()) {
        info.rel = SafeUploadsRel(*attached);
      }
      info.page_path = Unescaped(UrlPathQuery(i.link));
      attachments[i.post_id] = std::move(info);
      return {};
    }
    if (i.post_type == "nav_menu_item") {
      ++report.menu_items.found;
      MenuItemInfo m;
      m.id = i.post_id;
      for (const WxrItemTerm& t : i.terms) {
        if (t.domain == "nav_menu") m.menu = t.nicename;
      }
      auto meta = [&](const char* k) {
        const std::string* v = i.Meta(k);
        return v ? *v : std::string();
      };
      m.parent = meta("_menu_item_menu_item_parent");
      m.type = meta("_menu_item_type");
      m.object = meta("_menu_item_object");
      m.object_id = meta("_menu_item_object_id");
      m.url = meta("_menu_item_url");
      m.title = i.title;
      m.order = std::atoi(i.menu_order.c_str());
      menu_items.push_back(std::move(m));
      return {};
    }
    if (i.post_type != "post" && i.post_type != "page") {
      report.skipped.push_back(where + ": this kind of item is not imported");
      return {};
    }
    (i.post_type == "post" ? report.posts : report.pages).found++;
    if (posts.count(i.post_id)) {  // the first item with an id is the one imported
      (i.post_type == "post" ? report.posts : report.pages).skipped++;
      report.skipped.push_back(where + ": another item before it has the same wp:post_id");
      return {};
    }
    report.comments.found += i.comments.size();
    PostInfo p;
    p.id = i.post_id;
    p.type = i.post_type;
    p.status = i.status;
    p.title = i.title;
    p.parent = i.post_parent == "0" ? "" : i.post_parent;
    p.password = i.post_password;
    auto date = WpDate(i.post_date_gmt, i.post_date, tz);
    p.dated = date.has_value();
    p.date = date.value_or(options.now);
    p.link_path = Unescaped(UrlPathQuery(i.link));
    if (!i.guid.empty()) p.guid_path = Unescaped(UrlPathQuery(i.guid));
    p.importable = IsImportableStatus(i.status);
    if (!p.importable) {
      (i.post_type == "post" ? report.posts : report.pages).skipped++;
      report.comments.skipped += i.comments.size();
      report.skipped.push_back(where + ": status \"" + i.status + "\" is not imported");
    }
    // The slug: WordPress's own (percent-decoded), else made from the title.
    std::string slug = Unescaped(i.post_name);
    if (slug.empty()) slug = i.title.empty() ? i.post_type + "-" + i.post_id : i.title;
    if (!IsValidSlug(slug)) slug = Slugify(slug);
    p.slug = slug;
    if (!i.creator.empty()) creators.insert(i.creator);
    if (p.importable) CollectFileUrls(i.content, body_files);
    post_order.push_back(p.id);
    posts[p.id] = std::move(p);
    return {};
  };
  say("reading " + file.string());
  if (auto s = ReadWxrFile(file, index); !s) return s.error();
  report.wxr_version = channel.wxr_version;

  // Hosts of the old site: links to them are internal links.
  std::set<std::string> old_hosts;
  for (const std::string& u : {channel.base_blog_url, channel.link}) {
    if (std::string h = UrlHost(u); !h.empty()) old_hosts.insert(h);
  }
  // The export's identity: what its articles' source paths (wordpress/IDENTITY/ID) start with,
  // so that a re-import finds them and another site's export never does. The site's address, or
  // the host its items' GUIDs name (WordPress writes them from the site's address), or the
  // name given with --source; an export with none of them is refused rather than given a shared
  // name, which made two such sites overwrite each other's posts.
  std::string source_host = options.source;
  if (source_host.find_first_of("/\\") != std::string::npos) {
    return Error{ErrorCode::kInvalidInput, "a --source name has no slashes", {}, 0, "--source"};
  }
  if (source_host.empty()) {
    for (const std::string& u : {channel.base_blog_url, channel.link, channel.base_site_url}) {
      if (source_host.empty()) source_host = UrlHost(u);
    }
  }
  if (source_host.empty()) {
    size_t best = 0;
    for (const auto& [host, n] : guid_hosts) {
      if (n > best) {
        best = n;
        source_host = host;
      }
    }
    if (!source_host.empty()) old_hosts.insert(source_host);
  }
  if (source_host.empty()) {
    return Error{ErrorCode::kInvalidInput,
                 "the export names no site address (no <link>, <wp:base_blog_url> or item GUIDs "
                 "with one), so its posts cannot be told from another site's: give it a name of "
                 "its own with --source NAME, the same each time this site is imported (exports "
                 "imported before this rule were named \"site\")",
                 file.string(), 0, "--source"};
  }

  // Authors: declared ones, and (WXR 1.0) those only named as creators — unless the name is a
  // declared one's, misspelt (">themereviewteam" is in the theme test data).
  std::map<std::string, Author> authors;
  std::map<std::string, std::string> declared_by_id;
  for (const auto& [login, a] : authors_by_login) declared_by_id[Slugify(login)] = login;
  std::set<std::string> undeclared;
  for (const std::string& login : creators) {
    if (authors_by_login.count(login)) continue;
    undeclared.insert(login);
    if (!declared_by_id.count(Slugify(login))) {
      authors_by_login[login] = WxrAuthor{"", login, "", login, "", ""};
    }
  }
  for (const auto& [login, a] : authors_by_login) {
    Author au;
    au.id = Slugify(login);
    // Trimmed: exports written from multi-line fields end names with a newline.
    const std::string display(Trim(a.display_name));
    au.name = !display.empty() ? display
              : !Trim(a.first_name + a.last_name).empty()
                  ? std::string(Trim(std::string(Trim(a.first_name)) + " " +
                                     std::string(Trim(a.last_name))))
                  : login;
    authors[login] = au;
  }
  for (const std::string& login : undeclared) {
    if (auto it = declared_by_id.find(Slugify(login)); it != declared_by_id.end()) {
      authors[login] = authors[it->second];
    }
  }
  {
    std::set<std::string> ids;
    for (const auto& [login, au] : authors) ids.insert(au.id);
    report.authors.found = ids.size();
  }

  // Terms: categories (nested by parent slug), tags, formats; menus apart.
  std::map<std::string, const WxrTerm*> category_by_slug, tag_by_slug, menu_by_slug;
  for (const auto& [key, t] : terms) {
    if (t.taxonomy == "category") category_by_slug[t.slug] = &t;
    if (t.taxonomy == "post_tag") tag_by_slug[t.slug] = &t;
    if (t.taxonomy == "nav_menu") menu_by_slug[t.slug] = &t;
  }
  report.categories.found = category_by_slug.size();
  report.tags.found = tag_by_slug.size();
  report.menus.found = menu_by_slug.size();
  auto category_path = [&](const std::string& slug) {
    std::string path = slug;
    std::string cur = slug;
    for (int depth = 0; depth < 20; ++depth) {
      auto it = category_by_slug.find(cur);
      if (it == category_by_slug.end() || it->second->parent.empty()) break;
      cur = it->second->parent;
      path = cur + "/" + path;
    }
    return path;
  };

  // Pages: their place in the tree is their address (/parent/child/).
  static const std::set<std::string> kReserved = {
      "archive",   "category",    "tag",          "author",          "films",    "people",
      "festivals", "collections", "review-index", "interview-index", "assets",   "wp-content",
      "feed.xml",  "atom.xml",    "sitemap.xml",  "robots.txt",      "404.html", "page"};
  std::function<std::string(PostInfo&, int)> page_path = [&](PostInfo& p, int depth) {
    if (p.path_resolved || depth > 20) return p.slug;
    p.path_resolved = true;
    if (!p.parent.empty()) {
      auto it = posts.find(p.parent);
      if (it != posts.end() && it->second.type == "page" && it->second.importable) {
        p.slug = page_path(it->second, depth + 1) + "/" + p.slug;
        ++report.nested_pages;
      }
    } else if (kReserved.count(p.slug) || p.slug == options.section) {
      report.notes.push_back("page " + p.id + ": \"" + p.slug +
                             "\" is a name the site uses; "
                             "its slug is now \"" +
                             p.slug + "-page\"");
      p.slug += "-page";
    }
    return p.slug;
  };
  for (const std::string& id : post_order) {
    PostInfo& p = posts[id];
    if (p.type == "page" && p.importable) page_path(p, 0);
  }

  // The old site's permalink structure, as most of its posts' links show it.
  {
    std::map<std::string, size_t> votes;
    for (const std::string& id : post_order) {
      const PostInfo& p = posts[id];
      if (p.type != "post" || p.status != "publish") continue;
      std::string y = YearMonthDay(tz, p.date, 0), m = YearMonthDay(tz, p.date, 1),
                  d = YearMonthDay(tz, p.date, 2);
      for (const char* pattern : {"/{year}/{month}/{day}/{slug}/", "/{year}/{month}/{slug}/",
                                  "/{year}/{slug}/", "/{slug}/"}) {
        std::string want =
            ExpandPermalink(pattern, {{"year", y}, {"month", m}, {"day", d}, {"slug", p.slug}});
        if (want == p.link_path) {
          ++votes[pattern];
          break;
        }
      }
    }
    size_t best = 0;
    for (const auto& [pattern, n] : votes) {
      if (n > best) {
        best = n;
        report.wordpress_permalinks = pattern;
      }
    }
  }
  Permalinks permalinks = options.permalinks;
  if (options.keep_permalinks && !report.wordpress_permalinks.empty()) {
    permalinks.article = report.wordpress_permalinks;
  }

  // Slugs are unique per kind, here and against what the store holds from elsewhere.
  auto stored = store.LoadArticles(false);
  if (!stored) return stored.error();
  std::unordered_map<std::string, const Article*> stored_by_source;
  std::unordered_map<std::string, const Article*> stored_by_url;
  auto url_key = [](ArticleKind k, const std::string& section, const std::string& slug) {
    return std::string(k == ArticleKind::kPage ? "page:" : "article:") + section + "/" + slug;
  };
  for (const Article& a : *stored) {
    if (!a.source_path.empty()) stored_by_source[a.source_path] = &a;
    stored_by_url[url_key(a.kind, a.section, a.slug)] = &a;
  }
  // A post the export gives no date keeps the one it was first imported with: "now" again on
  // every run would make each re-import move it (and its address) and call it updated.
  for (const std::string& id : post_order) {
    PostInfo& p = posts[id];
    if (p.dated) continue;
    if (auto it = stored_by_source.find(SourcePath(source_host, p.id));
        it != stored_by_source.end()) {
      p.date = it->second->date;
    }
  }
  std::unordered_set<std::string> taken;
  for (const std::string& id : post_order) {
    PostInfo& p = posts[id];
    if (!p.importable) continue;
    const bool page = p.type == "page";
    auto key = [&] {
      return url_key(page ? ArticleKind::kPage : ArticleKind::kArticle, page ? "" : options.section,
                     p.slug);
    };
    auto clash = [&] {
      if (taken.count(key())) return true;
      auto it = stored_by_url.find(key());
      return it != stored_by_url.end() && it->second->source_path != SourcePath(source_host, p.id);
    };
    if (clash()) {
      std::string before = p.slug;
      p.slug += "-" + p.id;
      report.notes.push_back(p.type + " " + p.id + ": \"" + before +
                             "\" is taken by another article; its slug is now \"" + p.slug + "\"");
    }
    taken.insert(key());
    // Where it will be on the new site.
    if (page) {
      p.new_url = ExpandPermalink(permalinks.page, {{"slug", p.slug}});
    } else {
      p.new_url = ExpandPermalink(permalinks.article, {{"section", options.section},
                                                       {"slug", p.slug},
                                                       {"year", YearMonthDay(tz, p.date, 0)},
                                                       {"month", YearMonthDay(tz, p.date, 1)},
                                                       {"day", YearMonthDay(tz, p.date, 2)}});
    }
  }
  std::unordered_set<std::string>().swap(taken);

  // Attachments: from the uploads folder, else fetched, else missing.
  fs::path temp_dir;
  struct TempCleanup {
    fs::path* dir;
    ~TempCleanup() {
      std::error_code ec;
      if (!dir->empty()) fs::remove_all(*dir, ec);
    }
  } cleanup{&temp_dir};
  // A file of the uploads folder, really inside it: no symbolic link (of a file or a folder)
  // leads a name from the export out of it.
  std::error_code uec;
  const fs::path uploads_root =
      options.uploads.empty() ? fs::path() : fs::canonical(options.uploads, uec);
  auto in_uploads = [&](const std::string& rel) {
    if (uploads_root.empty() || rel.empty()) return false;
    std::error_code ec;
    fs::path p = options.uploads / rel;
    if (fs::is_symlink(p, ec) || !fs::is_regular_file(p, ec)) return false;
    fs::path real = fs::canonical(p, ec);
    if (ec) return false;
    auto [end, _] =
        std::mismatch(uploads_root.begin(), uploads_root.end(), real.begin(), real.end());
    return end == uploads_root.end();
  };
  std::set<std::string> dead_hosts;
  std::unordered_map<std::string, std::string> media_path_by_rel;  // rel -> store path
  std::vector<std::pair<std::string, fs::path>> media_to_store;    // store path, file
  // A file from the uploads folder, else fetched from `url`, else none and `why`.
  auto obtain = [&](const std::string& rel, const std::string& url, const std::string& key,
                    std::string& why) -> fs::path {
    if (in_uploads(rel)) {
      ++report.media_from_uploads;
      return options.uploads / rel;
    }
    if (!options.fetch) {
      why = options.uploads.empty() ? "no --uploads folder, and fetching is off"
                                    : "not in the uploads folder, and fetching is off";
      return {};
    }
    std::string host = UrlHost(url);
    if (host.empty()) {
      why = "not in the uploads folder, and its address names no host to fetch it from";
      return {};
    }
    if (dead_hosts.count(host)) {
      why = "not in the uploads folder; " + host + " could not be reached";
      return {};
    }
    if (temp_dir.empty()) {
      temp_dir = fs::temp_directory_path() / ("cinepress-wp-" + std::to_string(::getpid()));
      std::error_code ec;
      fs::create_directories(temp_dir, ec);
    }
    fs::path dest = temp_dir / key;
    bool down = false;
    if (auto s = Fetch(url, dest, options.fetch_timeout_s, down); !s) {
      if (down) dead_hosts.insert(host);
      why = "not in the uploads folder; fetching failed: " + s.error().message;
      return {};
    }
    ++report.media_fetched;
    return dest;
  };
  // Where attachments on another host (a CDN) keep their files: "cdn.example/media/" for
  // https://cdn.example/media/2021/03/still.jpg of 2021/03/still.jpg, so that the bodies' other
  // files there (resized copies) are known as the site's too.
  std::set<std::string> file_prefixes;
  std::vector<std::string> attachment_ids;
  for (const auto& [id, a] : attachments) attachment_ids.push_back(id);
  std::sort(attachment_ids.begin(), attachment_ids.end());
  for (const std::string& id : attachment_ids) {
    AttachmentInfo& at = attachments[id];
    std::string why;
    if (at.rel.empty()) {
      why = "not an uploads address, and WordPress did not record its file (_wp_attached_file)";
    } else {
      at.file = obtain(at.rel, at.original_url, "a" + id, why);
      std::string_view bare = StripScheme(at.original_url);
      bare = bare.substr(0, bare.find_first_of("?#"));
      if (UploadsRel(at.original_url).empty() && bare.size() > at.rel.size() &&
          bare.substr(bare.size() - at.rel.size()) == at.rel) {
        file_prefixes.insert(AsciiLower(bare.substr(0, bare.size() - at.rel.size())));
      }
    }
    if (!at.file.empty()) {
      std::string path = "wp-content/uploads/" + at.rel;
      at.a.url = "/" + path;
      media_path_by_rel[at.rel] = path;
      media_to_store.emplace_back(path, at.file);
    } else {
      ++report.attachments.skipped;
      report.missing_media.push_back(at.original_url + ": " + why);
      if (!at.rel.empty()) media_path_by_rel.emplace(at.rel, "");  // listed once
    }
  }
  // The uploads path of a file's address: under wp-content/uploads, or where the attachments on
  // another host keep theirs; "" when it is not the site's file.
  auto file_rel = [&](const std::string& url) -> std::string {
    if (std::string rel = UploadsRel(url); !rel.empty()) return rel;
    std::string_view bare = StripScheme(url);
    if (bare.empty() && url.substr(0, 2) == "//") bare = std::string_view(url).substr(2);
    bare = bare.substr(0, bare.find_first_of("?#"));
    for (const std::string& prefix : file_prefixes) {
      if (bare.size() > prefix.size() && AsciiLower(bare.substr(0, prefix.size())) == prefix) {
        return SafeUploadsRel(Unescaped(bare.substr(prefix.size())));
      }
    }
    return "";
  };
  // Every other file the bodies use (resized copies, images never made attachments): taken or
  // fetched now, or listed as missing with its reason, so that the report never calls an import
  // whole while pages still load files from the site being switched off.
  {
    size_t n = 0;
    for (const std::string& url : body_files) {
      std::string rel = file_rel(url);
      if (rel.empty() || media_path_by_rel.count(rel)) continue;
      std::string why;
      fs::path file = obtain(rel, url, "f" + std::to_string(++n), why);
      if (file.empty()) {
        report.missing_media.push_back(url + ": used in a post's body; " + why);
        media_path_by_rel[rel] = "";  // known missing: left pointing where it was
        continue;
      }
      std::string path = "wp-content/uploads/" + rel;
      media_path_by_rel[rel] = path;
      media_to_store.emplace_back(path, file);
    }
    std::set<std::string>().swap(body_files);
  }

  // Internal links: the old addresses of posts and pages, categories, tags and writers.
  // One map from every old address of a post or page to its id (the index's largest part).
  std::unordered_map<std::string, std::string> post_by_old;
  const int64_t now = options.now;
  auto will_publish = [&](const PostInfo& p) {
    return p.importable && p.password.empty() &&
           (p.status == "publish" || (p.status == "future" && p.date > now));
  };
  for (const std::string& id : post_order) {
    PostInfo& p = posts[id];
    if (!p.importable) continue;
    for (const std::string& old :
         {p.link_path, p.guid_path, std::string(p.type == "page" ? "/?page_id=" : "/?p=") + p.id,
          std::string("/?p=") + p.id}) {
      if (!old.empty() && old != "/") post_by_old[old] = p.id;
    }
    std::string().swap(p.link_path);  // not needed any more
    std::string().swap(p.guid_path);
  }
  // Lists (and their feeds), and attachments' own pages: to the file itself.
  std::unordered_map<std::string, std::string> list_url_by_old;
  auto add_list = [&](const std::string& old, const std::string& now_at) {
    list_url_by_old[old] = now_at;
    list_url_by_old[old + "feed/"] = now_at + "feed.xml";
  };
  for (const auto& [slug, t] : category_by_slug) {
    add_list("/category/" + Unescaped(category_path(slug)) + "/",
             ExpandPermalink(permalinks.category, {{"slug", Slugify(t->name)}}));
  }
  for (const auto& [slug, t] : tag_by_slug) {
    add_list("/tag/" + Unescaped(slug) + "/",
             ExpandPermalink(permalinks.tag, {{"slug", Slugify(t->name)}}));
  }
  for (const auto& [login, au] : authors) {
    add_list("/author/" + login + "/", ExpandPermalink(permalinks.author, {{"slug", au.id}}));
  }
  for (const auto& [id, at] : attachments) {
    if (!at.file.empty() && at.page_path.size() > 1 && !post_by_old.count(at.page_path)) {
      list_url_by_old[at.page_path] = at.a.url;
    }
  }
  std::set<std::string> extra_media;  // resized copies found in the uploads folder
  auto rewrite = [&](const std::string& url) -> std::string {
    if (url.empty() || url[0] == '#') return url;
    std::string host = UrlHost(url);
    const bool absolute = !host.empty();
    if (!absolute && url[0] != '/') return url;  // relative to the page: nothing to know
    if (std::string rel = file_rel(url); !rel.empty()) {
      if (auto it = media_path_by_rel.find(rel); it != media_path_by_rel.end()) {
        if (it->second.empty()) return url;  // missing (listed in the report)
        ++report.media_references_rewritten;
        return "/" + it->second;
      }
      if (in_uploads(rel)) {
        std::string path = "wp-content/uploads/" + rel;
        media_path_by_rel[rel] = path;
        extra_media.insert(rel);
        ++report.media_references_rewritten;
        return "/" + path;
      }
      return url;
    }
    if (absolute && !old_hosts.count(host)) return url;
    std::string path = Unescaped(UrlPathQuery(url));
    std::string fragment;
    if (size_t h = url.find('#'); h != std::string::npos) fragment = url.substr(h);
    for (const std::string& candidate :
         {path, path.back() == '/' || path.find('?') != std::string::npos ? path : path + "/"}) {
      if (auto it = post_by_old.find(candidate); it != post_by_old.end()) {
        const PostInfo& p = posts[it->second];
        if (!will_publish(p)) return url;  // not here: the link stays on the old site
        ++report.links_rewritten;
        return p.new_url + fragment;
      }
      if (auto it = list_url_by_old.find(candidate); it != list_url_by_old.end()) {
        ++report.links_rewritten;
        return it->second + fragment;
      }
    }
    return url;  // an old address we do not have: left pointing at the old site
  };

  // Attachments of each post, in WordPress's order, for [gallery] and [video] without ids.
  std::unordered_map<std::string, std::vector<const WpAttachment*>> children;
  {
    std::vector<const AttachmentInfo*> all;
    for (const auto& [id, a] : attachments) all.push_back(&a);
    std::sort(all.begin(), all.end(), [](const AttachmentInfo* x, const AttachmentInfo* y) {
      if (x->menu_order != y->menu_order) return x->menu_order < y->menu_order;
      return std::atoll(x->a.id.c_str()) < std::atoll(y->a.id.c_str());
    });
    for (const AttachmentInfo* a : all) {
      if (!a->parent.empty() && a->parent != "0") children[a->parent].push_back(&a->a);
    }
  }
  for (auto& [id, a] : attachments) {
    // Captions of attachments are shown as text in galleries.
    a.a.caption = HtmlToText(a.a.caption);
  }

  // What the block editor's latest-posts and archives blocks list: the posts the new site
  // publishes, newest first, and their months (the site's month archives).
  std::vector<WpPostLink> latest;
  std::vector<WpArchiveMonth> months;
  {
    std::vector<const PostInfo*> published;
    for (const std::string& id : post_order) {
      const PostInfo& p = posts[id];
      // Published now: a list written into a body must not name a post before it appears.
      if (p.type == "post" && will_publish(p) && p.status == "publish" && p.date <= now) {
        published.push_back(&p);
      }
    }
    std::stable_sort(published.begin(), published.end(),
                     [](const PostInfo* x, const PostInfo* y) { return x->date > y->date; });
    static const char* kMonths[] = {"January",   "February", "March",    "April",
                                    "May",       "June",     "July",     "August",
                                    "September", "October",  "November", "December"};
    for (const PostInfo* p : published) {
      if (latest.size() < 100)
        latest.push_back({std::string(Trim(HtmlToText(p->title))), p->new_url});
      std::string y = YearMonthDay(tz, p->date, 0), m = YearMonthDay(tz, p->date, 1);
      std::string url = "/archive/" + y + "/" + m + "/";
      if (months.empty() || months.back().url != url) {
        int mi = std::clamp(std::atoi(m.c_str()), 1, 12);
        months.push_back({std::string(kMonths[mi - 1]) + " " + y, url, 0});
      }
      ++months.back().count;
    }
  }

  // ---- 2. Convert and write everything, in one transaction.
  auto stored_authors = store.LoadAuthors();
  if (!stored_authors) return stored_authors.error();
  auto stored_sections = store.LoadSections();
  if (!stored_sections) return stored_sections.error();
  auto stored_terms = store.LoadTerms();
  if (!stored_terms) return stored_terms.error();
  auto stored_comments = store.LoadComments();
  if (!stored_comments) return stored_comments.error();
  auto stored_redirects = store.LoadRedirects();
  if (!stored_redirects) return stored_redirects.error();
  auto stored_menus = store.LoadMenus();
  if (!stored_menus) return stored_menus.error();
  auto stored_media = store.LoadMediaList();
  if (!stored_media) return stored_media.error();
  std::unordered_map<std::string, std::string> media_hash;
  for (const MediaFile& m : *stored_media) media_hash[m.path] = m.hash;

  if (auto s = store.BeginTransaction(); !s) return s.error();
  auto fail = [&](const Error& e) -> Result<WordPressReport> {
    (void)store.Rollback();
    return e;
  };
  // Writers.
  std::set<std::string> authors_done;
  for (const auto& [login, au] : authors) {
    if (!authors_done.insert(au.id).second) continue;
    bool same = false, exists = false;
    for (const Author& old : *stored_authors) {
      if (old.id == au.id) {
        exists = true;
        same = old == au || !old.bio.empty() || !old.role.empty();  // edited here: kept
      }
    }
    if (same) {
      ++report.authors.unchanged;
      continue;
    }
    if (auto s = store.SaveAuthor(au); !s) return fail(s.error());
    (exists ? report.authors.updated : report.authors.added)++;
  }
  bool section_written = false;
  {
    bool have = false;
    for (const Section& sec : *stored_sections) have = have || sec.key == options.section;
    if (!have) {
      if (auto s = store.SaveSection(Section{options.section, options.section_title, ""}); !s) {
        return fail(s.error());
      }
      section_written = true;
    }
  }
  // Categories and tags, with their hierarchy.
  {
    std::map<std::pair<std::string, std::string>, Term> have;
    for (const Term& t : *stored_terms) have[{t.taxonomy, t.slug}] = t;
    for (const auto& [key, t] : terms) {
      if (t.taxonomy == "nav_menu") continue;
      Term term{t.taxonomy, t.slug, t.name, t.parent, t.description};
      WordPressReport::Count* count = t.taxonomy == "category"   ? &report.categories
                                      : t.taxonomy == "post_tag" ? &report.tags
                                                                 : nullptr;
      auto it = have.find(key);
      if (it != have.end() && it->second == term) {
        if (count) ++count->unchanged;
        continue;
      }
      if (auto s = store.SaveTerm(term); !s) return fail(s.error());
      if (count) (it == have.end() ? count->added : count->updated)++;
    }
  }
  // Files.
  auto save_media = [&](const std::string& path, const fs::path& from) -> Status {
    auto data = ReadFile(from);
    if (!data) return data.error();
    auto it = media_hash.find(path);
    if (it != media_hash.end() && it->second == ContentHash(*data)) {
      ++report.attachments.unchanged;
      return {};
    }
    (it == media_hash.end() ? report.attachments.added : report.attachments.updated)++;
    media_hash[path] = ContentHash(*data);
    return store.SaveMedia(path, *data);
  };
  for (const auto& [path, from] : media_to_store) {
    if (auto s = save_media(path, from); !s) return fail(s.error());
  }

  // Posts and pages, streamed again: one item converted and written at a time.
  std::map<std::pair<int64_t, std::string>, const Comment*> comment_have;
  for (const Comment& c : *stored_comments) comment_have[{c.article_id, c.source_id}] = &c;
  std::unordered_map<std::string, int64_t> store_id;  // WordPress id -> article id
  size_t written_items = 0;
  std::unordered_set<std::string> written_ids;
  WxrCallbacks write;
  write.item = [&](const WxrItem& i) -> Status {
    auto pit = posts.find(i.post_id);
    if (pit == posts.end() || !pit->second.importable ||
        (i.post_type != "post" && i.post_type != "page")) {
      return {};
    }
    const PostInfo& p = pit->second;
    if (!written_ids.insert(p.id).second) return {};  // a duplicate id (reported above)
    if (++written_items % 5000 == 0) say("wrote " + std::to_string(written_items) + " items");
    Article a;
    a.kind = p.type == "page" ? ArticleKind::kPage : ArticleKind::kArticle;
    a.section = a.kind == ArticleKind::kPage ? "" : options.section;
    a.slug = p.slug;
    a.title = std::string(Trim(HtmlToText(i.title)));
    if (a.title.empty()) {
      a.title = "Untitled";
      report.notes.push_back(p.type + " " + p.id + ": no title; called \"Untitled\"");
    }
    a.date = p.date;
    a.source_path = SourcePath(source_host, p.id);
    a.body_format = BodyFormat::kHtml;
    a.menu_order = std::atoi(i.menu_order.c_str());
    if (!p.parent.empty() && a.kind == ArticleKind::kPage) {
      a.parent_source = SourcePath(source_host, p.parent);
    }
    // Status: only what WordPress showed everyone is published here.
    if (p.status != "publish") a.status = p.status;
    a.draft = !(p.status == "publish" || (p.status == "future" && p.date > now));
    if (!p.password.empty()) {
      a.password_protected = true;
      ++report.password_protected;
    }
    if (p.status == "draft") ++report.drafts;
    if (p.status == "pending") ++report.pending;
    if (p.status == "future") ++report.scheduled;
    if (p.status == "private") ++report.private_posts;
    if (a.IsPublishedAt(now)) ++report.published;
    a.featured = i.is_sticky == "1";
    if (a.featured) ++report.sticky;
    if (auto it = authors.find(i.creator); it != authors.end())
      a.author_ids.push_back(it->second.id);
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
      if (auto at = attachments.find(*thumb); at != attachments.end()) {
        const WpAttachment& w = at->second.a;
        a.image = Image{w.url, w.alt.empty() ? w.title : w.alt, w.caption};
        ++report.with_featured_image;
      }
    }
    WpContentContext ctx;
    ctx.attachment = [&](const std::string& id) -> const WpAttachment* {
      auto it = attachments.find(id);
      return it == attachments.end() ? nullptr : &it->second.a;
    };
    if (auto it = children.find(p.id); it != children.end()) ctx.children = it->second;
    ctx.rewrite_url = rewrite;
    ctx.latest_posts = [&](size_t n) {
      return std::vector<WpPostLink>(
          latest.begin(), latest.begin() + static_cast<std::ptrdiff_t>(std::min(n, latest.size())));
    };
    ctx.archive_months = [&] { return months; };
    if (const std::string* notes = i.Meta("footnotes")) ctx.footnotes = *notes;
    a.body_markdown = WordPressToHtml(i.content, ctx, report.content);
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
    // Comments, threaded by their parents' ids; only approved ones may ever be shown. They are
    // part of what the article's page shows, so of its hash (a new comment renews the page).
    std::vector<Comment> comments;
    std::string comments_digest;
    for (const WxrComment& wc : i.comments) {
      Comment c;
      c.source_id = "wp:" + wc.id;
      c.parent_source_id = wc.parent.empty() || wc.parent == "0" ? "" : "wp:" + wc.parent;
      c.author = wc.author;
      c.author_email = wc.author_email;
      c.author_url = IsSafeUrl(wc.author_url, false) ? wc.author_url : "";
      c.date = WpDate(wc.date_gmt, wc.date, tz).value_or(a.date);
      SanitizeOptions so;
      so.autop = true;
      so.rewrite_url = rewrite;
      c.body = SanitizeHtml(wc.content, so);
      c.status = wc.approved == "1"       ? "approved"
                 : wc.approved == "spam"  ? "spam"
                 : wc.approved == "trash" ? "trash"
                                          : "pending";
      c.type = wc.type.empty() ? "comment" : wc.type;
      if (c.status == "approved") ++report.comments_approved;
      if (c.status == "pending") ++report.comments_pending;
      if (c.status == "spam") ++report.comments_spam;
      if (c.type == "pingback" || c.type == "trackback") ++report.pingbacks;
      comments_digest += ContentHash({c.source_id, "\x1f", c.parent_source_id, "\x1f", c.author,
                                      "\x1f", c.author_url, "\x1f", std::to_string(c.date), "\x1f",
                                      c.body, "\x1f", c.status, "\x1f", c.type});
      comments.push_back(std::move(c));
    }
    a.source_hash =
        comments.empty() ? ArticleHash(a) : ContentHash({ArticleHash(a), comments_digest});

    WordPressReport::Count& count = a.kind == ArticleKind::kPage ? report.pages : report.posts;
    int64_t id = 0;
    if (auto it = stored_by_source.find(a.source_path); it != stored_by_source.end()) {
      id = it->second->id;
      if (it->second->source_hash == a.source_hash) {
        ++count.unchanged;
      } else {
        a.id = id;
        if (auto s = store.SaveArticle(a); !s) return s.error();
        ++count.updated;
      }
    } else {
      auto saved = store.SaveArticle(a);
      if (!saved) return saved.error();
      id = *saved;
      ++count.added;
    }
    store_id[p.id] = id;
    for (Comment& c : comments) {
      c.article_id = id;
      auto have = comment_have.find({c.article_id, c.source_id});
      if (have != comment_have.end() && *have->second == c) {
        ++report.comments.unchanged;
        continue;
      }
      if (auto s = store.SaveComment(c); !s) return s.error();
      (have == comment_have.end() ? report.comments.added : report.comments.updated)++;
    }
    return {};
  };
  say("converting and writing");
  if (auto s = ReadWxrFile(file, write); !s) return fail(s.error());
  for (const std::string& rel : extra_media) {
    if (auto s = save_media("wp-content/uploads/" + rel, options.uploads / rel); !s) {
      return fail(s.error());
    }
  }

  // Old addresses: every post's and page's, and the lists'.
  {
    std::unordered_map<std::string, UrlRedirect> have;
    for (const UrlRedirect& r : *stored_redirects) have[r.from] = r;
    auto save = [&](const UrlRedirect& r) -> Status {
      ++report.redirects.found;
      auto it = have.find(r.from);
      if (it != have.end() && it->second == r) {
        ++report.redirects.unchanged;
        return {};
      }
      (it == have.end() ? report.redirects.added : report.redirects.updated)++;
      return store.SaveRedirect(r);
    };
    for (const auto& [old, id] : post_by_old) {
      auto it = store_id.find(id);
      if (it == store_id.end() || old == posts[id].new_url) continue;  // not moved: no redirect
      if (auto s = save(UrlRedirect{old, it->second, ""}); !s) return fail(s.error());
    }
    for (const auto& [old, to] : list_url_by_old) {
      if (old == to) continue;
      if (auto s = save(UrlRedirect{old, 0, to}); !s) return fail(s.error());
    }
  }

  // Menus: each WordPress menu kept; one becomes the main menu, one the footer's.
  {
    std::map<std::string, std::vector<const MenuItemInfo*>> by_menu;
    for (const MenuItemInfo& m : menu_items) by_menu[m.menu].push_back(&m);
    std::string main = options.main_menu;
    if (main.empty()) {
      for (const auto& [slug, t] : menu_by_slug) {
        std::string n = AsciiLower(t->name + " " + slug);
        for (const char* word : {"main", "primary", "header", "top"}) {
          if (main.empty() && n.find(word) != std::string::npos && by_menu.count(slug)) main = slug;
        }
      }
    }
    if (main.empty()) {
      size_t best = 0;
      for (const auto& [slug, items] : by_menu) {
        size_t top = 0;
        for (const MenuItemInfo* m : items) top += m->parent.empty() || m->parent == "0";
        // The fullest menu that still fits a header.
        if (top <= 8 && items.size() > best) {
          best = items.size();
          main = slug;
        }
      }
    }
    std::string footer;
    for (const auto& [slug, t] : menu_by_slug) {
      std::string n = AsciiLower(t->name + " " + slug);
      if (footer.empty() && slug != main && by_menu.count(slug) &&
          (n.find("footer") != std::string::npos || n.find("social") != std::string::npos)) {
        footer = slug;
      }
    }
    std::map<std::string, StoredMenu> have;
    for (const StoredMenu& m : *stored_menus) have[m.slug] = m;
    for (const auto& [slug, t] : menu_by_slug) {
      StoredMenu menu{slug, t->name, slug == main ? "main" : slug == footer ? "footer" : "", {}};
      std::vector<const MenuItemInfo*> items = by_menu[slug];
      std::stable_sort(
          items.begin(), items.end(),
          [](const MenuItemInfo* x, const MenuItemInfo* y) { return x->order < y->order; });
      // A tree by parent ids; each item with the new address of what it points at.
      std::function<std::vector<MenuItem>(const std::string&, int)> build =
          [&](const std::string& parent, int depth) {
            std::vector<MenuItem> out;
            if (depth > 10) return out;
            for (const MenuItemInfo* m : items) {
              std::string mp = m->parent == "0" ? "" : m->parent;
              if (mp != parent) continue;
              MenuItem item;
              item.name = m->title;
              if (m->type == "post_type") {
                auto it = posts.find(m->object_id);
                if (it == posts.end() || !will_publish(it->second)) {
                  ++report.menu_items.skipped;
                  // menu.name, not the binding t: clang 14 (the fuzz build) cannot capture one.
                  report.skipped.push_back("menu item " + m->id + " in \"" + menu.name +
                                           "\": it points at a post or page that is not published");
                  continue;
                }
                item.url = it->second.new_url;
                if (item.name.empty()) item.name = HtmlToText(it->second.title);
              } else if (m->type == "taxonomy") {
                const WxrTerm* term = nullptr;
                for (const auto& [k, tt] : terms) {
                  if (tt.id == m->object_id && tt.taxonomy == m->object) term = &tt;
                }
                if (!term) {
                  ++report.menu_items.skipped;
                  report.skipped.push_back("menu item " + m->id + ": its " + m->object +
                                           " is not in the export");
                  continue;
                }
                item.url =
                    ExpandPermalink(m->object == "post_tag" ? permalinks.tag : permalinks.category,
                                    {{"slug", Slugify(term->name)}});
                if (item.name.empty()) item.name = term->name;
              } else {
                item.url = rewrite(m->url);
                if (!IsSafeUrl(item.url, false)) item.url = "#";
              }
              if (item.name.empty()) item.name = item.url;
              item.children = build(m->id, depth + 1);
              out.push_back(std::move(item));
            }
            return out;
          };
      menu.items = build("", 0);
      // Its items count as the menu does: added, updated or unchanged with it.
      std::function<size_t(const std::vector<MenuItem>&)> count_items =
          [&](const std::vector<MenuItem>& items) {
            size_t n = items.size();
            for (const MenuItem& i : items) n += count_items(i.children);
            return n;
          };
      const size_t item_count = count_items(menu.items);
      auto it = have.find(slug);
      if (it != have.end() && it->second.name == menu.name && it->second.role == menu.role &&
          SameMenus(it->second.items, menu.items)) {
        ++report.menus.unchanged;
        report.menu_items.unchanged += item_count;
        continue;
      }
      if (auto s = store.SaveMenu(menu); !s) return fail(s.error());
      (it == have.end() ? report.menus.added : report.menus.updated)++;
      (it == have.end() ? report.menu_items.added : report.menu_items.updated) += item_count;
    }
  }
  if (auto s = store.Commit(); !s) return fail(s.error());
  // "written" says whether the store changed, not that the run got this far.
  report.written = section_written;
  for (const WordPressReport::Count* c :
       {&report.posts, &report.pages, &report.attachments, &report.comments, &report.authors,
        &report.categories, &report.tags, &report.menus, &report.menu_items, &report.redirects}) {
    report.written = report.written || c->added + c->updated > 0;
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// The report.

std::string WordPressReport::ToText() const {
  std::ostringstream o;
  auto line = [&](const char* what, const Count& c) {
    o << "  " << what << ": " << c.found << " found, " << c.added << " added, " << c.updated
      << " updated, " << c.unchanged << " unchanged, " << c.skipped << " skipped\n";
  };
  o << "import-wordpress: WXR " << (wxr_version.empty() ? "?" : wxr_version) << "\n";
  line("posts", posts);
  line("pages", pages);
  line("attachments", attachments);
  line("comments", comments);
  line("authors", authors);
  line("categories", categories);
  line("tags", tags);
  line("menus", menus);
  line("menu items", menu_items);
  line("redirects", redirects);
  o << "  on the new site: " << published << " published, " << drafts << " drafts, " << pending
    << " pending, " << scheduled << " scheduled, " << private_posts << " private, "
    << password_protected << " password-protected (kept unpublished), " << sticky
    << " sticky (featured), " << nested_pages << " nested pages, " << with_featured_image
    << " with a featured image\n";
  o << "  comments: " << comments_approved << " approved, " << comments_pending << " pending, "
    << comments_spam << " spam, " << pingbacks << " pingbacks and trackbacks\n";
  o << "  content: " << content.shortcodes << " shortcodes converted, " << content.shortcodes_empty
    << " with nothing to show, " << content.block_comments << " block-editor comments removed, "
    << content.elements_removed << " unsafe or foreign elements and " << content.attributes_removed
    << " attributes removed, " << links_rewritten << " internal links and "
    << media_references_rewritten << " file references rewritten\n";
  if (content.blocks_rendered > 0) {
    o << "  block-editor blocks drawn from the export: " << content.blocks_rendered
      << " (latest posts, archives, social links)\n";
  }
  if (!content.dropped_blocks.empty()) {
    o << "  dynamic blocks dropped (WordPress drew them when serving; nothing to show here):";
    for (const auto& [name, n] : content.dropped_blocks) o << " " << name << " ×" << n;
    o << "\n";
  }
  if (!content.unknown_shortcodes.empty()) {
    o << "  unknown shortcodes (left as written):";
    for (const auto& [name, n] : content.unknown_shortcodes) o << " [" << name << "] ×" << n;
    o << "\n";
  }
  o << "  files: " << media_from_uploads << " from the uploads folder, " << media_fetched
    << " fetched, " << missing_media.size() << " missing\n";
  for (const std::string& m : missing_media) o << "    missing: " << m << "\n";
  for (const std::string& s : skipped) o << "    skipped: " << s << "\n";
  for (const std::string& n : notes) o << "    note: " << n << "\n";
  if (!wordpress_permalinks.empty()) {
    o << "  the old site's post addresses were " << wordpress_permalinks
      << " (every old address redirects; to keep them as they are, import with "
         "--keep-permalinks)\n";
  }
  return o.str();
}

std::string WordPressReport::ToJson() const {
  using nlohmann::json;
  auto count = [](const Count& c) {
    return json{{"found", c.found},
                {"added", c.added},
                {"updated", c.updated},
                {"unchanged", c.unchanged},
                {"skipped", c.skipped}};
  };
  json j = {{"wxr_version", wxr_version},
            {"posts", count(posts)},
            {"pages", count(pages)},
            {"attachments", count(attachments)},
            {"comments", count(comments)},
            {"authors", count(authors)},
            {"categories", count(categories)},
            {"tags", count(tags)},
            {"menus", count(menus)},
            {"menu_items", count(menu_items)},
            {"redirects", count(redirects)},
            {"published", published},
            {"drafts", drafts},
            {"pending", pending},
            {"scheduled", scheduled},
            {"private", private_posts},
            {"password_protected", password_protected},
            {"sticky", sticky},
            {"nested_pages", nested_pages},
            {"with_featured_image", with_featured_image},
            {"comments_approved", comments_approved},
            {"comments_pending", comments_pending},
            {"comments_spam", comments_spam},
            {"pingbacks", pingbacks},
            {"links_rewritten", links_rewritten},
            {"media_references_rewritten", media_references_rewritten},
            {"media_from_uploads", media_from_uploads},
            {"media_fetched", media_fetched},
            {"shortcodes_converted", content.shortcodes},
            {"shortcodes_empty", content.shortcodes_empty},
            {"unknown_shortcodes", content.unknown_shortcodes},
            {"blocks_rendered", content.blocks_rendered},
            {"dropped_blocks", content.dropped_blocks},
            {"block_comments_removed", content.block_comments},
            {"elements_removed", content.elements_removed},
            {"attributes_removed", content.attributes_removed},
            {"missing_media", missing_media},
            {"skipped", skipped},
            {"notes", notes},
            {"wordpress_permalinks", wordpress_permalinks},
            {"written", written}};
  return j.dump(2);
}

}  // namespace cinepress
