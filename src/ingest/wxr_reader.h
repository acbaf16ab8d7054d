// WxrReader: a streaming reader of WordPress export files (WXR 1.0, 1.1 and 1.2, with the
// `http://` or `https://wordpress.org/export/1.x/` namespace), on libxml2's xmlTextReader.
// Contract: one item is held in memory at a time and handed to the callback, so memory does not
// grow with the file. A malformed file stops the read with an Error naming its line and column.
// Not thread-safe; one reader per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct WxrChannel {
  std::string title, link, description, language, wxr_version, base_site_url, base_blog_url;
};

struct WxrAuthor {
  std::string id, login, email, display_name, first_name, last_name;
};

// A category, tag or other term (nav_menu, post_format…).
struct WxrTerm {
  std::string taxonomy;  // "category", "post_tag", "nav_menu"…
  std::string id, slug, parent /* parent's slug */, name, description;
};

struct WxrComment {
  std::string id, author, author_email, author_url, author_ip, date, date_gmt, content, approved,
      type, parent, user_id;
  std::vector<std::pair<std::string, std::string>> meta;
};

// An <item> term reference: <category domain="post_tag" nicename="x">X</category>.
struct WxrItemTerm {
  std::string domain, nicename, name;
};

struct WxrItem {
  std::string title, link, pub_date, creator, guid, description, content, excerpt;
  std::string post_id, post_date, post_date_gmt, comment_status, ping_status, post_name, status,
      post_parent, menu_order, post_type, post_password, is_sticky, attachment_url;
  std::vector<WxrItemTerm> terms;
  std::vector<std::pair<std::string, std::string>> meta;  // wp:postmeta key, value
  std::vector<WxrComment> comments;
  int line = 0;  // where the item starts in the file

  const std::string* Meta(std::string_view key) const {
    for (const auto& [k, v] : meta) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

struct WxrCallbacks {
  std::function<void(const WxrChannel&)> channel;  // once, before the first item
  std::function<void(const WxrAuthor&)> author;
  std::function<void(const WxrTerm&)> term;
  // Returns false to stop reading (the read then returns an Error with the item's line).
  std::function<Status(const WxrItem&)> item;
};

// Reads `file` from start to end. Errors: no such file, not XML (with line and column), not a
// WordPress export (no WXR namespace), or an error returned by a callback.
Status ReadWxrFile(const std::filesystem::path& file, const WxrCallbacks& callbacks);
// The same over a string (for tests); `name` names it in errors.
Status ReadWxrString(std::string_view xml, const std::string& name, const WxrCallbacks& callbacks);

// True for the WordPress export namespace, either spelling: http(s)://wordpress.org/export/1.N/
bool IsWxrNamespace(std::string_view uri);

}  // namespace cinepress
