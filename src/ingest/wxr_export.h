// Exporting the store as a WordPress export (WXR 1.2, docs/WORDPRESS.md "Export"), the file
// WordPress's own importer (Tools → Import → WordPress) reads, and ours (`import-wordpress`).
// Contract: a plain function over the store it is given (one thread). The articles' fields are
// loaded once; each body and its comments are read, written and let go one article at a time,
// and the XML (libxml2's writer, render/xml_writer.h) goes to `out` an item at a time.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "content/content_store.h"
#include "core/dates.h"
#include "core/result.h"

namespace cinepress {

struct WxrExportOptions {
  std::string title, description, language = "en";
  std::string base_url;  // the site's address ("https://magazine.example"): links, attachments
  int64_t now = 0;       // an undrafted article dated after it is scheduled ("future")
};

struct WxrExportReport {
  size_t posts = 0, pages = 0, attachments = 0, authors = 0, categories = 0, tags = 0, comments = 0;
};

// WordPress's "2021-10-06 05:00:34": `t` in `tz` (wp:post_date), or in UTC (…_gmt) with null.
std::string WxrDate(int64_t t, const TimeZone* tz);

// Writes every article, page, lead image (as an attachment, the post's _thumbnail_id), writer,
// category, tag and comment of the store to `out`. Markdown bodies and deks are written as the
// HTML the site shows; HTML bodies as they are. Errors: a store failure, or `out` failing.
Result<WxrExportReport> ExportWxr(ContentStore& store, std::ostream& out, const TimeZone& tz,
                                  const WxrExportOptions& options);

}  // namespace cinepress
