#include "render/feeds.h"

#include <algorithm>

#include "render/xml_writer.h"

namespace cinepress {
namespace {

using Writer = XmlWriter;

}  // namespace

std::string RenderRss(const FeedInfo& info, const std::vector<FeedEntry>& entries,
                      const TimeZone& zone) {
  Writer w;
  w.Start("rss");
  w.Attr("version", "2.0");
  w.Attr("xmlns:atom", "http://www.w3.org/2005/Atom");
  w.Attr("xmlns:content", "http://purl.org/rss/1.0/modules/content/");
  w.Attr("xmlns:dc", "http://purl.org/dc/elements/1.1/");
  w.Start("channel");
  w.Element("title", info.title);
  w.Element("link", info.page_url);
  w.Element("description", info.description.empty() ? info.title : info.description);
  if (!info.language.empty()) w.Element("language", info.language);
  if (info.updated) w.Element("lastBuildDate", zone.Rfc822(info.updated));
  w.Start("atom:link");
  w.Attr("href", info.self_url);
  w.Attr("rel", "self");
  w.Attr("type", "application/rss+xml");
  w.End();
  for (const FeedEntry& e : entries) {
    w.Start("item");
    w.Element("title", e.title);
    w.Element("link", e.url);
    w.Start("guid");
    w.Attr("isPermaLink", "true");
    w.Text(e.url);
    w.End();
    w.Element("pubDate", zone.Rfc822(e.published));
    for (const std::string& a : e.authors) w.Element("dc:creator", a);
    for (const std::string& c : e.categories) w.Element("category", c);
    if (!e.summary.empty()) w.Element("description", e.summary);
    if (!e.content_html.empty()) w.Element("content:encoded", e.content_html);
    w.End();
  }
  w.End();
  w.End();
  return w.Finish();
}

std::string RenderAtom(const FeedInfo& info, const std::vector<FeedEntry>& entries) {
  Writer w;
  w.Start("feed");
  w.Attr("xmlns", "http://www.w3.org/2005/Atom");
  if (!info.language.empty()) w.Attr("xml:lang", info.language);
  w.Element("title", info.title);
  if (!info.description.empty()) w.Element("subtitle", info.description);
  w.Start("link");
  w.Attr("rel", "alternate");
  w.Attr("type", "text/html");
  w.Attr("href", info.page_url);
  w.End();
  w.Start("link");
  w.Attr("rel", "self");
  w.Attr("type", "application/atom+xml");
  w.Attr("href", info.self_url);
  w.End();
  w.Element("id", info.self_url);
  w.Element("updated", TimeZone::IsoUtc(info.updated));
  w.Start("author");
  w.Element("name", info.site_title);
  w.End();
  for (const FeedEntry& e : entries) {
    w.Start("entry");
    w.Element("title", e.title);
    w.Start("link");
    w.Attr("rel", "alternate");
    w.Attr("type", "text/html");
    w.Attr("href", e.url);
    w.End();
    w.Element("id", e.url);
    w.Element("published", TimeZone::IsoUtc(e.published));
    w.Element("updated", TimeZone::IsoUtc(std::max(e.updated, e.published)));
    for (const std::string& a : e.authors) {
      w.Start("author");
      w.Element("name", a);
      w.End();
    }
    for (const std::string& c : e.categories) {
      w.Start("category");
      w.Attr("term", c);
      w.End();
    }
    if (!e.summary.empty()) w.Element("summary", e.summary);
    if (!e.content_html.empty()) {
      w.Start("content");
      w.Attr("type", "html");
      w.Text(e.content_html);
      w.End();
    }
    w.End();
  }
  w.End();
  return w.Finish();
}

namespace {

std::string SitemapList(const char* root, const char* item, const std::vector<SitemapUrl>& urls) {
  Writer w;
  w.Start(root);
  w.Attr("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9");
  for (const SitemapUrl& u : urls) {
    w.Start(item);
    w.Element("loc", u.loc);
    if (u.lastmod) w.Element("lastmod", TimeZone::IsoUtc(u.lastmod));
    w.End();
  }
  w.End();
  return w.Finish();
}

}  // namespace

std::string RenderSitemap(const std::vector<SitemapUrl>& urls) {
  return SitemapList("urlset", "url", urls);
}

std::string RenderSitemapIndex(const std::vector<SitemapUrl>& sitemaps) {
  return SitemapList("sitemapindex", "sitemap", sitemaps);
}

}  // namespace cinepress
