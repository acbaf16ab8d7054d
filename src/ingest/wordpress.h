// Importing a WordPress export (WXR) into the store: posts, pages and their tree, authors,
// categories and tags, comments, menus, attachments, and every old address as a redirect.
// What maps to what is in docs/WORDPRESS.md.
//
//   item        one <item> of the export: a post, page, attachment, menu item…
//   attachment  a file uploaded to WordPress (wp-content/uploads/…)
//
// Contract: the export is read twice with a streaming reader (memory does not grow with the
// file): first to index and check it — a malformed file stops the run before anything is
// written — then to convert and write every item in one transaction. A failed run leaves the
// store as it was; importing the same export again changes nothing.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "content/content_store.h"
#include "core/config.h"
#include "core/dates.h"
#include "ingest/wp_content.h"

namespace cinepress {

struct WordPressOptions {
  std::filesystem::path uploads;           // a copy of wp-content/uploads; empty: none
  bool fetch = true;                       // fetch attachments not in `uploads` from their URLs
  int fetch_timeout_s = 10;                // per file
  std::string section = "articles";        // the section posts go into
  std::string section_title = "Articles";  // its title when the store has none
  std::string main_menu;         // the WordPress menu (slug) that becomes the site's main menu
  Permalinks permalinks;         // the site's, to write links to the new addresses
  bool keep_permalinks = false;  // posts keep the old site's addresses (its pattern, when known)
  // The export's identity in source paths (wordpress/SOURCE/ID); empty: the site's host, from
  // the export. Needed for an export that names no address.
  std::string source;
  int64_t now = 0;  // decides whether a scheduled post is still in the future
  std::function<void(const std::string&)> progress;  // a line now and then
};

struct WordPressReport {
  // Per kind of thing: found in the export; of those added, updated, unchanged, skipped.
  struct Count {
    size_t found = 0, added = 0, updated = 0, unchanged = 0, skipped = 0;
  };
  Count posts, pages, attachments, comments, authors, categories, tags, menus, menu_items,
      redirects;
  // Posts and pages by what they are on the new site.
  size_t published = 0, drafts = 0, pending = 0, scheduled = 0, private_posts = 0,
         password_protected = 0, sticky = 0, with_featured_image = 0, nested_pages = 0;
  size_t comments_approved = 0, comments_pending = 0, comments_spam = 0, pingbacks = 0;
  size_t links_rewritten = 0, media_references_rewritten = 0;
  size_t media_from_uploads = 0, media_fetched = 0;
  ContentStats content;
  std::vector<std::string> missing_media;  // "URL: why"
  std::vector<std::string> skipped;        // "item 12 (revision): why"
  std::vector<std::string> notes;          // renamed slugs and the like
  std::string wordpress_permalinks;        // the pattern the old site used, when recognisable
  std::string wxr_version;
  bool written = false;  // whether the store changed

  std::string ToText() const;
  std::string ToJson() const;
};

// Imports `file` into `store`. Errors: no such file, a malformed or non-WXR file (with line and
// column), or a store failure; in each case nothing was written.
Result<WordPressReport> ImportWordPress(ContentStore& store, const std::filesystem::path& file,
                                        const TimeZone& tz, const WordPressOptions& options);

}  // namespace cinepress
