// The WordPress import in its three phases, each callable and tested alone. ImportWordPress
// (wordpress.h) runs them in order:
//
//   IndexWordPress        reads the export once, checks it, and settles everything that needs the
//                         whole export: its identity, writers, slugs and new addresses, files, and
//                         every old address. Writes nothing.
//   ConvertWordPressItem  one post or page → an article and its comments, and what converting it
//                         found. A pure function of (item, index, options).
//   WriteWordPress        reads the export again and writes everything in one transaction,
//                         converting one item at a time (memory does not grow with the export).
//
// Contract: the index is read-only after IndexWordPress returns, so conversions may share it;
// it owns the files it fetched (removed when it is destroyed), and is movable, not copyable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "content/model.h"
#include "core/dates.h"
#include "core/result.h"
#include "ingest/wordpress.h"
#include "ingest/wp_content.h"
#include "ingest/wxr_reader.h"

namespace cinepress {

// A post or page of the export, as the index knows it.
struct WpPost {
  std::string id, type, status, title, slug, parent, link_path, guid_path;
  std::string password;
  int64_t date = 0;
  bool dated = false;  // false: the export has no date for it (`date` is a stand-in)
  bool importable = false;
  std::string new_url;  // the address on the new site
  bool path_resolved = false;
};

// An attachment, and the file the new site serves for it (empty: none; listed as missing).
struct WpAttachmentFile {
  WpAttachment a;
  std::string original_url, parent, rel;
  std::string page_path;  // the attachment's own page on the old site
  int menu_order = 0;
  std::filesystem::path file;
};

struct WpMenuItem {
  std::string id, menu, parent, type, object, object_id, url, title;
  int order = 0;
};

// What the export holds, as its one streaming read found it.
struct WpExport {
  WxrChannel channel;
  std::map<std::string, WxrAuthor> authors_by_login;
  std::map<std::pair<std::string, std::string>, WxrTerm> terms;   // (taxonomy, slug)
  std::unordered_map<std::string, WpPost> posts;                  // posts and pages by id
  std::vector<std::string> post_order;                            // their ids, in the file's order
  std::unordered_map<std::string, WpAttachmentFile> attachments;  // by id
  std::vector<WpMenuItem> menu_items;
};

// Where the new site's files come from. Owns the folder of fetched files.
class WpFiles {
 public:
  WpFiles() = default;
  WpFiles(WpFiles&& other) noexcept;
  WpFiles& operator=(WpFiles&&) = delete;
  ~WpFiles();

  std::filesystem::path uploads, uploads_root;  // --uploads, and its real path
  std::filesystem::path fetched;                // a temporary folder, made on the first fetch
  std::unordered_map<std::string, std::string>
      path_by_rel;  // uploads path -> store path ("": missing)
  std::vector<std::pair<std::string, std::filesystem::path>> to_store;  // store path, file
  // Where attachments on another host (a CDN) keep their files ("cdn.example/media/").
  std::set<std::string> prefixes;
  std::set<std::string> dead_hosts;

  // Whether `rel` is a file of the uploads folder, really inside it (no symbolic link leads out).
  bool InUploads(const std::string& rel) const;
};

struct WpIndex {
  WpExport wxr;
  std::string source;                     // the export's identity: wordpress/SOURCE/ID
  std::set<std::string> old_hosts;        // links to these hosts are internal links
  std::map<std::string, Author> authors;  // by login (a misspelt creator shares its author)
  std::map<std::string, const WxrTerm*> categories, tags, menus;  // by slug, into wxr.terms
  Permalinks permalinks;  // the new site's (the old site's post pattern with keep_permalinks)
  WpFiles files;
  // Old addresses (paths, "/?p=12") of posts and pages, and of lists and attachment pages.
  std::unordered_map<std::string, std::string> post_by_old;  // -> WordPress id
  std::unordered_map<std::string, std::string> list_by_old;  // -> new address
  // Each post's attachments in WordPress's order, for [gallery] and [video] without ids.
  std::unordered_map<std::string, std::vector<const WpAttachment*>> children;
  // What latest-posts and archives blocks list: published posts, newest first, and their months.
  std::vector<WpPostLink> latest;
  std::vector<WpArchiveMonth> months;
  TimeZone tz;

  // Whether the new site publishes this post when the import runs.
  bool WillPublish(const WpPost& p, int64_t now) const;
};

// Phase 1. Reads `file` and indexes it against the articles the store holds (`stored`: slugs
// taken, dates of posts the export gives none). Fills the report's "found" and "skipped" counts,
// notes, missing files and the old site's permalinks; obtains files (from --uploads, or
// fetched). Errors: a malformed or non-WXR file, an export with no identity.
Result<WpIndex> IndexWordPress(const std::filesystem::path& file,
                               const std::vector<Article>& stored, const TimeZone& tz,
                               const WordPressOptions& options, WordPressReport& report);

// What rewriting an item's links found, for the report.
struct WpRewrites {
  size_t links = 0, media = 0;
  std::set<std::string> extra_media;  // uploads-folder files the index did not know of
};

// An old address as the new site has it: the new address of a post, page or list, a stored
// file's path; unchanged when it is not the old site's or not here.
std::string RewriteOldUrl(const WpIndex& index, const std::string& url, int64_t now,
                          WpRewrites& found);

// Phase 2: one post or page, converted. Comments have no article id yet.
struct WpConverted {
  Article article;
  std::vector<Comment> comments;
  ContentStats content;
  WpRewrites rewrites;
  std::vector<std::string> notes;
};
// nullopt when the item is not a post or page the index imports.
std::optional<WpConverted> ConvertWordPressItem(const WxrItem& item, const WpIndex& index,
                                                const WordPressOptions& options);

// Phase 3. Errors: a store failure or a file that changed under the import; nothing is written.
Status WriteWordPress(ContentStore& store, const std::filesystem::path& file, const WpIndex& index,
                      const std::vector<Article>& stored, const WordPressOptions& options,
                      WordPressReport& report);

// Shared by the phases.
std::string WpSourcePath(const std::string& source, const std::string& id);
std::optional<int64_t> WpDate(const std::string& gmt, const std::string& local, const TimeZone& tz);

}  // namespace cinepress
