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
#include "ingest/wordpress_phases.h"
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

bool IsImportableStatus(const std::string& s) {
  return s == "publish" || s == "draft" || s == "pending" || s == "future" || s == "private";
}

std::string YearMonthDay(const TimeZone& tz, int64_t t, int part) {
  std::string iso = tz.Iso(t);
  return part == 0 ? iso.substr(0, 4) : part == 1 ? iso.substr(5, 2) : iso.substr(8, 2);
}

// The streaming pass's findings beside the export itself: what only the index needs.
struct ExportRead {
  WpExport wxr;
  std::set<std::string> body_files;  // addresses of files the posts use (CollectFileUrls)
  std::set<std::string> creators;
  std::map<std::string, size_t> guid_hosts;  // the site's address, when the channel lacks it
};

WpAttachmentFile AttachmentOf(const WxrItem& i) {
  WpAttachmentFile info;
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
  return info;
}

WpMenuItem MenuItemOf(const WxrItem& i) {
  WpMenuItem m;
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
  return m;
}

WpPost PostOf(const WxrItem& i, const TimeZone& tz, int64_t now) {
  WpPost p;
  p.id = i.post_id;
  p.type = i.post_type;
  p.status = i.status;
  p.title = i.title;
  p.parent = i.post_parent == "0" ? "" : i.post_parent;
  p.password = i.post_password;
  auto date = WpDate(i.post_date_gmt, i.post_date, tz);
  p.dated = date.has_value();
  p.date = date.value_or(now);
  p.link_path = Unescaped(UrlPathQuery(i.link));
  if (!i.guid.empty()) p.guid_path = Unescaped(UrlPathQuery(i.guid));
  p.importable = IsImportableStatus(i.status);
  // The slug: WordPress's own (percent-decoded), else made from the title.
  std::string slug = Unescaped(i.post_name);
  if (slug.empty()) slug = i.title.empty() ? i.post_type + "-" + i.post_id : i.title;
  if (!IsValidSlug(slug)) slug = Slugify(slug);
  p.slug = slug;
  return p;
}

// The one streaming pass: every item kept in the index, every one skipped said why.
Result<ExportRead> ReadExport(const fs::path& file, const TimeZone& tz,
                              const WordPressOptions& options, WordPressReport& report) {
  ExportRead read;
  WpExport& wxr = read.wxr;
  size_t items_seen = 0;
  WxrCallbacks index;
  index.channel = [&](const WxrChannel& c) { wxr.channel = c; };
  index.author = [&](const WxrAuthor& a) {
    if (!a.login.empty()) wxr.authors_by_login[a.login] = a;
  };
  index.term = [&](const WxrTerm& t) {
    if (!t.slug.empty()) wxr.terms[{t.taxonomy, t.slug}] = t;
  };
  index.item = [&](const WxrItem& i) -> Status {
    if (++items_seen % 5000 == 0 && options.progress) {
      options.progress("indexed " + std::to_string(items_seen) + " items");
    }
    std::string where = "item " +
                        (i.post_id.empty() ? "at line " + std::to_string(i.line) : i.post_id) +
                        " (" + (i.post_type.empty() ? "no type" : i.post_type) + ")";
    if (i.post_id.empty()) {
      report.skipped.push_back(where + ": it has no wp:post_id");
      return {};
    }
    if (std::string h = UrlHost(i.guid.empty() ? i.link : i.guid); !h.empty()) {
      ++read.guid_hosts[h];
    }
    if (i.post_type == "attachment") {
      ++report.attachments.found;
      wxr.attachments[i.post_id] = AttachmentOf(i);
      return {};
    }
    if (i.post_type == "nav_menu_item") {
      ++report.menu_items.found;
      wxr.menu_items.push_back(MenuItemOf(i));
      return {};
    }
    if (i.post_type != "post" && i.post_type != "page") {
      report.skipped.push_back(where + ": this kind of item is not imported");
      return {};
    }
    WordPressReport::Count& count = i.post_type == "post" ? report.posts : report.pages;
    count.found++;
    if (wxr.posts.count(i.post_id)) {  // the first item with an id is the one imported
      count.skipped++;
      report.skipped.push_back(where + ": another item before it has the same wp:post_id");
      return {};
    }
    report.comments.found += i.comments.size();
    WpPost p = PostOf(i, tz, options.now);
    if (!p.importable) {
      count.skipped++;
      report.comments.skipped += i.comments.size();
      report.skipped.push_back(where + ": status \"" + i.status + "\" is not imported");
    }
    if (!i.creator.empty()) read.creators.insert(i.creator);
    if (p.importable) CollectFileUrls(i.content, read.body_files);
    wxr.post_order.push_back(p.id);
    wxr.posts[p.id] = std::move(p);
    return {};
  };
  if (options.progress) options.progress("reading " + file.string());
  if (auto s = ReadWxrFile(file, index); !s) return s.error();
  return read;
}

// The export's identity: what its articles' source paths (wordpress/IDENTITY/ID) start with, so
// that a re-import finds them and another site's export never does. The site's address, or the
// host its items' GUIDs name (WordPress writes them from the site's address), or the name given
// with --source; an export with none of them is refused rather than given a shared name, which
// made two such sites overwrite each other's posts. Adds the hosts of the old site to `old_hosts`.
Result<std::string> ExportIdentity(const ExportRead& read, const fs::path& file,
                                   const WordPressOptions& options,
                                   std::set<std::string>& old_hosts) {
  const WxrChannel& channel = read.wxr.channel;
  for (const std::string& u : {channel.base_blog_url, channel.link}) {
    if (std::string h = UrlHost(u); !h.empty()) old_hosts.insert(h);
  }
  std::string source = options.source;
  if (source.find_first_of("/\\") != std::string::npos) {
    return Error{ErrorCode::kInvalidInput, "a --source name has no slashes", {}, 0, "--source"};
  }
  if (source.empty()) {
    for (const std::string& u : {channel.base_blog_url, channel.link, channel.base_site_url}) {
      if (source.empty()) source = UrlHost(u);
    }
  }
  if (source.empty()) {
    size_t best = 0;
    for (const auto& [host, n] : read.guid_hosts) {
      if (n > best) {
        best = n;
        source = host;
      }
    }
    if (!source.empty()) old_hosts.insert(source);
  }
  if (source.empty()) {
    return Error{ErrorCode::kInvalidInput,
                 "the export names no site address (no <link>, <wp:base_blog_url> or item GUIDs "
                 "with one), so its posts cannot be told from another site's: give it a name of "
                 "its own with --source NAME, the same each time this site is imported (exports "
                 "imported before this rule were named \"site\")",
                 file.string(), 0, "--source"};
  }
  return source;
}

// Writers: declared ones, and (WXR 1.0) those only named as creators — unless the name is a
// declared one's, misspelt (">themereviewteam" is in the theme test data).
std::map<std::string, Author> ResolveAuthors(std::map<std::string, WxrAuthor> by_login,
                                             const std::set<std::string>& creators) {
  std::map<std::string, Author> authors;
  std::map<std::string, std::string> declared_by_id;
  for (const auto& [login, a] : by_login) declared_by_id[Slugify(login)] = login;
  std::set<std::string> undeclared;
  for (const std::string& login : creators) {
    if (by_login.count(login)) continue;
    undeclared.insert(login);
    if (!declared_by_id.count(Slugify(login))) {
      by_login[login] = WxrAuthor{"", login, "", login, "", ""};
    }
  }
  for (const auto& [login, a] : by_login) {
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
  return authors;
}

// Pages: their place in the tree is their address (/parent/child/).
void PlacePages(WpExport& wxr, const WordPressOptions& options, WordPressReport& report) {
  static const std::set<std::string> kReserved = {
      "archive",   "category",    "tag",          "author",          "films",    "people",
      "festivals", "collections", "review-index", "interview-index", "assets",   "wp-content",
      "feed.xml",  "atom.xml",    "sitemap.xml",  "robots.txt",      "404.html", "page"};
  std::function<std::string(WpPost&, int)> page_path = [&](WpPost& p, int depth) {
    if (p.path_resolved || depth > 20) return p.slug;
    p.path_resolved = true;
    if (!p.parent.empty()) {
      auto it = wxr.posts.find(p.parent);
      if (it != wxr.posts.end() && it->second.type == "page" && it->second.importable) {
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
  for (const std::string& id : wxr.post_order) {
    WpPost& p = wxr.posts[id];
    if (p.type == "page" && p.importable) page_path(p, 0);
  }
}

// The old site's permalink structure, as most of its posts' links show it ("" when none fits).
std::string OldPermalinks(const WpExport& wxr, const TimeZone& tz) {
  std::map<std::string, size_t> votes;
  for (const std::string& id : wxr.post_order) {
    const WpPost& p = wxr.posts.at(id);
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
  std::string found;
  for (const auto& [pattern, n] : votes) {
    if (n > best) {
      best = n;
      found = pattern;
    }
  }
  return found;
}

std::string UrlKey(ArticleKind k, const std::string& section, const std::string& slug) {
  return std::string(k == ArticleKind::kPage ? "page:" : "article:") + section + "/" + slug;
}

// Slugs unique per kind, here and against what the store holds from elsewhere; each post's
// address on the new site.
void AssignAddresses(WpIndex& index, const std::vector<Article>& stored,
                     const WordPressOptions& options, WordPressReport& report) {
  std::unordered_map<std::string, const Article*> stored_by_source;
  std::unordered_map<std::string, const Article*> stored_by_url;
  for (const Article& a : stored) {
    if (!a.source_path.empty()) stored_by_source[a.source_path] = &a;
    stored_by_url[UrlKey(a.kind, a.section, a.slug)] = &a;
  }
  WpExport& wxr = index.wxr;
  // A post the export gives no date keeps the one it was first imported with: "now" again on
  // every run would make each re-import move it (and its address) and call it updated.
  for (const std::string& id : wxr.post_order) {
    WpPost& p = wxr.posts[id];
    if (p.dated) continue;
    if (auto it = stored_by_source.find(WpSourcePath(index.source, p.id));
        it != stored_by_source.end()) {
      p.date = it->second->date;
    }
  }
  std::unordered_set<std::string> taken;
  const TimeZone& tz = index.tz;
  for (const std::string& id : wxr.post_order) {
    WpPost& p = wxr.posts[id];
    if (!p.importable) continue;
    const bool page = p.type == "page";
    auto key = [&] {
      return UrlKey(page ? ArticleKind::kPage : ArticleKind::kArticle, page ? "" : options.section,
                    p.slug);
    };
    auto clash = [&] {
      if (taken.count(key())) return true;
      auto it = stored_by_url.find(key());
      return it != stored_by_url.end() &&
             it->second->source_path != WpSourcePath(index.source, p.id);
    };
    if (clash()) {
      std::string before = p.slug;
      p.slug += "-" + p.id;
      report.notes.push_back(p.type + " " + p.id + ": \"" + before +
                             "\" is taken by another article; its slug is now \"" + p.slug + "\"");
    }
    taken.insert(key());
    if (page) {
      p.new_url = ExpandPermalink(index.permalinks.page, {{"slug", p.slug}});
    } else {
      p.new_url = ExpandPermalink(index.permalinks.article, {{"section", options.section},
                                                             {"slug", p.slug},
                                                             {"year", YearMonthDay(tz, p.date, 0)},
                                                             {"month", YearMonthDay(tz, p.date, 1)},
                                                             {"day", YearMonthDay(tz, p.date, 2)}});
    }
  }
}

// A file from the uploads folder, else fetched from `url`, else none and `why`.
fs::path Obtain(WpFiles& files, const std::string& rel, const std::string& url,
                const std::string& key, const WordPressOptions& options, WordPressReport& report,
                std::string& why) {
  if (files.InUploads(rel)) {
    ++report.media_from_uploads;
    return files.uploads / rel;
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
  if (files.dead_hosts.count(host)) {
    why = "not in the uploads folder; " + host + " could not be reached";
    return {};
  }
  if (files.fetched.empty()) {
    files.fetched = fs::temp_directory_path() / ("cinepress-wp-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::create_directories(files.fetched, ec);
  }
  fs::path dest = files.fetched / key;
  bool down = false;
  if (auto s = Fetch(url, dest, options.fetch_timeout_s, down); !s) {
    if (down) files.dead_hosts.insert(host);
    why = "not in the uploads folder; fetching failed: " + s.error().message;
    return {};
  }
  ++report.media_fetched;
  return dest;
}

// The uploads path of a file's address: under wp-content/uploads, or where the attachments on
// another host keep theirs; "" when it is not the site's file.
std::string FileRel(const WpFiles& files, const std::string& url) {
  if (std::string rel = UploadsRel(url); !rel.empty()) return rel;
  std::string_view bare = StripScheme(url);
  if (bare.empty() && url.substr(0, 2) == "//") bare = std::string_view(url).substr(2);
  bare = bare.substr(0, bare.find_first_of("?#"));
  for (const std::string& prefix : files.prefixes) {
    if (bare.size() > prefix.size() && AsciiLower(bare.substr(0, prefix.size())) == prefix) {
      return SafeUploadsRel(Unescaped(bare.substr(prefix.size())));
    }
  }
  return "";
}

// Attachments: from the uploads folder, else fetched, else missing. Then every other file the
// bodies use (resized copies, images never made attachments): taken or fetched now, or listed
// as missing with its reason, so that the report never calls an import whole while pages still
// load files from the site being switched off.
void ObtainFiles(WpIndex& index, const std::set<std::string>& body_files,
                 const WordPressOptions& options, WordPressReport& report) {
  WpFiles& files = index.files;
  files.uploads = options.uploads;
  std::error_code uec;
  if (!options.uploads.empty()) files.uploads_root = fs::canonical(options.uploads, uec);
  std::vector<std::string> attachment_ids;
  for (const auto& [id, a] : index.wxr.attachments) attachment_ids.push_back(id);
  std::sort(attachment_ids.begin(), attachment_ids.end());
  for (const std::string& id : attachment_ids) {
    WpAttachmentFile& at = index.wxr.attachments[id];
    std::string why;
    if (at.rel.empty()) {
      why = "not an uploads address, and WordPress did not record its file (_wp_attached_file)";
    } else {
      at.file = Obtain(files, at.rel, at.original_url, "a" + id, options, report, why);
      // Where attachments on another host (a CDN) keep their files: "cdn.example/media/" for
      // https://cdn.example/media/2021/03/still.jpg of 2021/03/still.jpg, so that the bodies'
      // other files there (resized copies) are known as the site's too.
      std::string_view bare = StripScheme(at.original_url);
      bare = bare.substr(0, bare.find_first_of("?#"));
      if (UploadsRel(at.original_url).empty() && bare.size() > at.rel.size() &&
          bare.substr(bare.size() - at.rel.size()) == at.rel) {
        files.prefixes.insert(AsciiLower(bare.substr(0, bare.size() - at.rel.size())));
      }
    }
    if (!at.file.empty()) {
      std::string path = "wp-content/uploads/" + at.rel;
      at.a.url = "/" + path;
      files.path_by_rel[at.rel] = path;
      files.to_store.emplace_back(path, at.file);
    } else {
      ++report.attachments.skipped;
      report.missing_media.push_back(at.original_url + ": " + why);
      if (!at.rel.empty()) files.path_by_rel.emplace(at.rel, "");  // listed once
    }
  }
  size_t n = 0;
  for (const std::string& url : body_files) {
    std::string rel = FileRel(files, url);
    if (rel.empty() || files.path_by_rel.count(rel)) continue;
    std::string why;
    fs::path file = Obtain(files, rel, url, "f" + std::to_string(++n), options, report, why);
    if (file.empty()) {
      report.missing_media.push_back(url + ": used in a post's body; " + why);
      files.path_by_rel[rel] = "";  // known missing: left pointing where it was
      continue;
    }
    std::string path = "wp-content/uploads/" + rel;
    files.path_by_rel[rel] = path;
    files.to_store.emplace_back(path, file);
  }
}

// Every old address of a post or page (the index's largest part), of the lists (and their
// feeds), and attachments' own pages (to the file itself).
void IndexOldAddresses(WpIndex& index) {
  for (const std::string& id : index.wxr.post_order) {
    WpPost& p = index.wxr.posts[id];
    if (!p.importable) continue;
    for (const std::string& old :
         {p.link_path, p.guid_path, std::string(p.type == "page" ? "/?page_id=" : "/?p=") + p.id,
          std::string("/?p=") + p.id}) {
      if (!old.empty() && old != "/") index.post_by_old[old] = p.id;
    }
    std::string().swap(p.link_path);  // not needed any more
    std::string().swap(p.guid_path);
  }
  auto add_list = [&](const std::string& old, const std::string& now_at) {
    index.list_by_old[old] = now_at;
    index.list_by_old[old + "feed/"] = now_at + "feed.xml";
  };
  auto category_path = [&](const std::string& slug) {
    std::string path = slug;
    std::string cur = slug;
    for (int depth = 0; depth < 20; ++depth) {
      auto it = index.categories.find(cur);
      if (it == index.categories.end() || it->second->parent.empty()) break;
      cur = it->second->parent;
      path = cur + "/" + path;
    }
    return path;
  };
  const Permalinks& permalinks = index.permalinks;
  for (const auto& [slug, t] : index.categories) {
    add_list("/category/" + Unescaped(category_path(slug)) + "/",
             ExpandPermalink(permalinks.category, {{"slug", Slugify(t->name)}}));
  }
  for (const auto& [slug, t] : index.tags) {
    add_list("/tag/" + Unescaped(slug) + "/",
             ExpandPermalink(permalinks.tag, {{"slug", Slugify(t->name)}}));
  }
  for (const auto& [login, au] : index.authors) {
    add_list("/author/" + login + "/", ExpandPermalink(permalinks.author, {{"slug", au.id}}));
  }
  for (const auto& [id, at] : index.wxr.attachments) {
    if (!at.file.empty() && at.page_path.size() > 1 && !index.post_by_old.count(at.page_path)) {
      index.list_by_old[at.page_path] = at.a.url;
    }
  }
}

// Attachments of each post, in WordPress's order, for [gallery] and [video] without ids; their
// captions as text (galleries show them so).
void IndexChildren(WpIndex& index) {
  std::vector<const WpAttachmentFile*> all;
  for (const auto& [id, a] : index.wxr.attachments) all.push_back(&a);
  std::sort(all.begin(), all.end(), [](const WpAttachmentFile* x, const WpAttachmentFile* y) {
    if (x->menu_order != y->menu_order) return x->menu_order < y->menu_order;
    return std::atoll(x->a.id.c_str()) < std::atoll(y->a.id.c_str());
  });
  for (const WpAttachmentFile* a : all) {
    if (!a->parent.empty() && a->parent != "0") index.children[a->parent].push_back(&a->a);
  }
  for (auto& [id, a] : index.wxr.attachments) a.a.caption = HtmlToText(a.a.caption);
}

// What the block editor's latest-posts and archives blocks list: the posts the new site
// publishes, newest first, and their months (the site's month archives).
void IndexLists(WpIndex& index, int64_t now) {
  std::vector<const WpPost*> published;
  for (const std::string& id : index.wxr.post_order) {
    const WpPost& p = index.wxr.posts.at(id);
    // Published now: a list written into a body must not name a post before it appears.
    if (p.type == "post" && index.WillPublish(p, now) && p.status == "publish" && p.date <= now) {
      published.push_back(&p);
    }
  }
  std::stable_sort(published.begin(), published.end(),
                   [](const WpPost* x, const WpPost* y) { return x->date > y->date; });
  for (const WpPost* p : published) {
    if (index.latest.size() < 100) {
      index.latest.push_back({std::string(Trim(HtmlToText(p->title))), p->new_url});
    }
    std::string y = YearMonthDay(index.tz, p->date, 0), m = YearMonthDay(index.tz, p->date, 1);
    std::string url = "/archive/" + y + "/" + m + "/";
    if (index.months.empty() || index.months.back().url != url) {
      int mi = std::clamp(std::atoi(m.c_str()), 1, 12);
      index.months.push_back({std::string(MonthName(mi)) + " " + y, url, 0});
    }
    ++index.months.back().count;
  }
}

}  // namespace

std::string WpSourcePath(const std::string& source, const std::string& id) {
  return "wordpress/" + source + "/" + id;
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

WpFiles::WpFiles(WpFiles&& other) noexcept
    : uploads(std::move(other.uploads)),
      uploads_root(std::move(other.uploads_root)),
      fetched(std::move(other.fetched)),
      path_by_rel(std::move(other.path_by_rel)),
      to_store(std::move(other.to_store)),
      prefixes(std::move(other.prefixes)),
      dead_hosts(std::move(other.dead_hosts)) {
  other.fetched.clear();
}

WpFiles::~WpFiles() {
  std::error_code ec;
  if (!fetched.empty()) fs::remove_all(fetched, ec);
}

bool WpFiles::InUploads(const std::string& rel) const {
  if (uploads_root.empty() || rel.empty()) return false;
  std::error_code ec;
  fs::path p = uploads / rel;
  if (fs::is_symlink(p, ec) || !fs::is_regular_file(p, ec)) return false;
  fs::path real = fs::canonical(p, ec);
  if (ec) return false;
  auto [end, _] = std::mismatch(uploads_root.begin(), uploads_root.end(), real.begin(), real.end());
  return end == uploads_root.end();
}

bool WpIndex::WillPublish(const WpPost& p, int64_t now) const {
  return p.importable && p.password.empty() &&
         (p.status == "publish" || (p.status == "future" && p.date > now));
}

Result<WpIndex> IndexWordPress(const fs::path& file, const std::vector<Article>& stored,
                               const TimeZone& tz, const WordPressOptions& options,
                               WordPressReport& report) {
  auto read = ReadExport(file, tz, options, report);
  if (!read) return read.error();
  report.wxr_version = read->wxr.channel.wxr_version;
  WpIndex index;
  index.tz = tz;
  auto source = ExportIdentity(*read, file, options, index.old_hosts);
  if (!source) return source.error();
  index.source = *source;
  index.wxr = std::move(read->wxr);
  WpExport& wxr = index.wxr;

  index.authors = ResolveAuthors(wxr.authors_by_login, read->creators);
  {
    std::set<std::string> ids;
    for (const auto& [login, au] : index.authors) ids.insert(au.id);
    report.authors.found = ids.size();
  }
  // Terms: categories (nested by parent slug), tags, menus.
  for (const auto& [key, t] : wxr.terms) {
    if (t.taxonomy == "category") index.categories[t.slug] = &t;
    if (t.taxonomy == "post_tag") index.tags[t.slug] = &t;
    if (t.taxonomy == "nav_menu") index.menus[t.slug] = &t;
  }
  report.categories.found = index.categories.size();
  report.tags.found = index.tags.size();
  report.menus.found = index.menus.size();

  PlacePages(wxr, options, report);
  report.wordpress_permalinks = OldPermalinks(wxr, tz);
  index.permalinks = options.permalinks;
  if (options.keep_permalinks && !report.wordpress_permalinks.empty()) {
    index.permalinks.article = report.wordpress_permalinks;
  }
  AssignAddresses(index, stored, options, report);
  ObtainFiles(index, read->body_files, options, report);
  IndexOldAddresses(index);
  IndexChildren(index);
  IndexLists(index, options.now);
  return index;
}

// The uploads path of an address, when the file is the old site's (see FileRel).
std::string RewriteOldUrl(const WpIndex& index, const std::string& url, int64_t now,
                          WpRewrites& found) {
  if (url.empty() || url[0] == '#') return url;
  std::string host = UrlHost(url);
  const bool absolute = !host.empty();
  if (!absolute && url[0] != '/') return url;  // relative to the page: nothing to know
  if (std::string rel = FileRel(index.files, url); !rel.empty()) {
    if (auto it = index.files.path_by_rel.find(rel); it != index.files.path_by_rel.end()) {
      if (it->second.empty()) return url;  // missing (listed in the report)
      ++found.media;
      return "/" + it->second;
    }
    // A resized copy found in the uploads folder (stored by the write phase).
    if (index.files.InUploads(rel)) {
      found.extra_media.insert(rel);
      ++found.media;
      return "/wp-content/uploads/" + rel;
    }
    return url;
  }
  if (absolute && !index.old_hosts.count(host)) return url;
  std::string path = Unescaped(UrlPathQuery(url));
  std::string fragment;
  if (size_t h = url.find('#'); h != std::string::npos) fragment = url.substr(h);
  for (const std::string& candidate :
       {path, path.back() == '/' || path.find('?') != std::string::npos ? path : path + "/"}) {
    if (auto it = index.post_by_old.find(candidate); it != index.post_by_old.end()) {
      const WpPost& p = index.wxr.posts.at(it->second);
      if (!index.WillPublish(p, now)) return url;  // not here: the link stays on the old site
      ++found.links;
      return p.new_url + fragment;
    }
    if (auto it = index.list_by_old.find(candidate); it != index.list_by_old.end()) {
      ++found.links;
      return it->second + fragment;
    }
  }
  return url;  // an old address we do not have: left pointing at the old site
}

}  // namespace cinepress
