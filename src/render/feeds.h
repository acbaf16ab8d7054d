// Feeds and sitemaps: RSS 2.0, Atom 1.0 and sitemap.xml, written with libxml2's writer so the
// XML is always well-formed whatever the content holds.
// Contract: pure functions of their input; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dates.h"

namespace cinepress {

struct FeedEntry {
  std::string title;
  std::string url;  // absolute
  int64_t published = 0;
  int64_t updated = 0;
  std::vector<std::string> authors;
  std::vector<std::string> categories;
  std::string summary;       // plain text
  std::string content_html;  // may be empty: then only the summary is given
};

struct FeedInfo {
  std::string title;
  std::string description;
  std::string language;
  std::string site_title;  // the feed's author when entries have none
  std::string page_url;    // absolute URL of the list the feed follows
  std::string self_url;    // absolute URL of the feed itself
  int64_t updated = 0;
};

// RSS dates are given in the site's time zone.
std::string RenderRss(const FeedInfo& info, const std::vector<FeedEntry>& entries,
                      const TimeZone& zone);
std::string RenderAtom(const FeedInfo& info, const std::vector<FeedEntry>& entries);

struct SitemapUrl {
  std::string loc;  // absolute
  int64_t lastmod = 0;
};
std::string RenderSitemap(const std::vector<SitemapUrl>& urls);
// A sitemap index: `sitemaps` are the locations of sitemap files and their newest lastmod.
std::string RenderSitemapIndex(const std::vector<SitemapUrl>& sitemaps);

}  // namespace cinepress
