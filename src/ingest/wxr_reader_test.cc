#include "ingest/wxr_reader.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

std::string Export(const std::string& ns, const std::string& version, const std::string& items) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt=")" +
         ns + R"(excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp=")" +
         ns + R"(">
<channel>
<title>Reel Talk</title>
<link>https://reel.example</link>
<wp:wxr_version>)" +
         version + R"(</wp:wxr_version>
<wp:base_blog_url>https://reel.example</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[ana]]></wp:author_login>
<wp:author_display_name><![CDATA[Ana Ruiz]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>reviews</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Reviews]]></wp:cat_name></wp:category>
<wp:tag><wp:term_id>4</wp:term_id><wp:tag_slug>noir</wp:tag_slug><wp:tag_name>Noir</wp:tag_name></wp:tag>
)" + items +
         R"(
</channel>
</rss>
)";
}

const char* kItem = R"(<item>
<title>Night &amp; Fog</title>
<link>https://reel.example/2021/03/04/night-fog/</link>
<dc:creator><![CDATA[ana]]></dc:creator>
<content:encoded><![CDATA[Body <b>one</b>]]></content:encoded>
<excerpt:encoded><![CDATA[A dek]]></excerpt:encoded>
<wp:post_id>12</wp:post_id>
<wp:post_date>2021-03-04 10:00:00</wp:post_date>
<wp:post_date_gmt>2021-03-04 09:00:00</wp:post_date_gmt>
<wp:post_name>night-fog</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<wp:post_password/>
<wp:is_sticky>1</wp:is_sticky>
<category domain="category" nicename="reviews"><![CDATA[Reviews]]></category>
<category domain="post_tag" nicename="noir"><![CDATA[Noir]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>40</wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author>Bo</wp:comment_author>
<wp:comment_content>Yes.</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
<wp:comment_parent>0</wp:comment_parent></wp:comment>
</item>)";

struct Collected {
  WxrChannel channel;
  std::vector<WxrAuthor> authors;
  std::vector<WxrTerm> terms;
  std::vector<WxrItem> items;
  WxrCallbacks callbacks() {
    WxrCallbacks cb;
    cb.channel = [this](const WxrChannel& c) { channel = c; };
    cb.author = [this](const WxrAuthor& a) { authors.push_back(a); };
    cb.term = [this](const WxrTerm& t) { terms.push_back(t); };
    cb.item = [this](const WxrItem& i) -> Status {
      items.push_back(i);
      return {};
    };
    return cb;
  }
};

void ExpectRead(const std::string& ns, const std::string& version) {
  Collected c;
  auto s = ReadWxrString(Export(ns, version, kItem), "export.xml", c.callbacks());
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(c.channel.title, "Reel Talk");
  EXPECT_EQ(c.channel.wxr_version, version);
  ASSERT_EQ(c.authors.size(), 1u);
  EXPECT_EQ(c.authors[0].login, "ana");
  EXPECT_EQ(c.authors[0].display_name, "Ana Ruiz");
  ASSERT_EQ(c.terms.size(), 2u);
  EXPECT_EQ(c.terms[0].taxonomy, "category");
  EXPECT_EQ(c.terms[0].slug, "reviews");
  EXPECT_EQ(c.terms[1].taxonomy, "post_tag");
  EXPECT_EQ(c.terms[1].name, "Noir");
  ASSERT_EQ(c.items.size(), 1u);
  const WxrItem& i = c.items[0];
  EXPECT_EQ(i.title, "Night & Fog");
  EXPECT_EQ(i.content, "Body <b>one</b>");
  EXPECT_EQ(i.excerpt, "A dek");
  EXPECT_EQ(i.post_id, "12");
  EXPECT_EQ(i.post_date_gmt, "2021-03-04 09:00:00");
  EXPECT_EQ(i.is_sticky, "1");
  ASSERT_EQ(i.terms.size(), 2u);
  EXPECT_EQ(i.terms[1].domain, "post_tag");
  EXPECT_EQ(i.terms[1].nicename, "noir");
  ASSERT_NE(i.Meta("_thumbnail_id"), nullptr);
  EXPECT_EQ(*i.Meta("_thumbnail_id"), "40");
  ASSERT_EQ(i.comments.size(), 1u);
  EXPECT_EQ(i.comments[0].author, "Bo");
  EXPECT_EQ(i.comments[0].approved, "1");
  EXPECT_GT(i.line, 10);
}

TEST(WxrReader, ReadsBothNamespaceSpellingsAndEveryVersion) {
  ExpectRead("http://wordpress.org/export/1.2/", "1.2");
  ExpectRead("https://wordpress.org/export/1.2/", "1.2");
  ExpectRead("http://wordpress.org/export/1.1/", "1.1");
  ExpectRead("http://wordpress.org/export/1.0/", "1.0");
}

TEST(WxrReader, MalformedXmlNamesLineAndColumn) {
  std::string xml =
      Export("http://wordpress.org/export/1.2/", "1.2", "<item>\n<title>Broken</titel>\n</item>");
  Collected c;
  auto s = ReadWxrString(xml, "bad.xml", c.callbacks());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().file, "bad.xml");
  EXPECT_EQ(s.error().line, 15);
  EXPECT_NE(s.error().message.find("line 15, column 22"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("titel"), std::string::npos) << s.error().message;
}

TEST(WxrReader, RefusesAnRssFeedThatIsNotAnExport) {
  Collected c;
  auto s = ReadWxrString(
      "<rss><channel><title>x</title><item><title>y</title></item></channel>"
      "</rss>",
      "feed.xml", c.callbacks());
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("not a WordPress export"), std::string::npos);
}

TEST(WxrReader, ACallbackErrorStopsTheRead) {
  WxrCallbacks cb;
  int seen = 0;
  cb.item = [&](const WxrItem&) -> Status {
    ++seen;
    return Error{ErrorCode::kInvalidInput, "stop", "x", 1, {}};
  };
  std::string two = std::string(kItem) + kItem;
  auto s = ReadWxrString(Export("http://wordpress.org/export/1.2/", "1.2", two), "x", cb);
  EXPECT_FALSE(s);
  EXPECT_EQ(seen, 1);
}

TEST(WxrReader, NamespaceSpellings) {
  EXPECT_TRUE(IsWxrNamespace("http://wordpress.org/export/1.2/"));
  EXPECT_TRUE(IsWxrNamespace("https://wordpress.org/export/1.0/"));
  EXPECT_FALSE(IsWxrNamespace("https://wordpress.org/export/1.2/excerpt/"));
  EXPECT_FALSE(IsWxrNamespace("https://evil.example/export/1.2/"));
}

// Namespaces in XML lets a namespace name be any URI reference; libxml2 warns about ones it
// cannot parse as a URI (non-ASCII, spaces) and about odd prefix bindings, but the document is
// well-formed and a conforming parser reads it.
TEST(WxrReader, AcceptsUnusualButLegalNamespaces) {
  std::string xml = Export("http://wordpress.org/export/1.2/", "1.2", kItem);
  xml.replace(xml.find("<rss version=\"2.0\""), 18,
              "<rss version=\"2.0\" xmlns:geo=\"http://example.org/géo ns/\" "
              "xmlns:x=\"relative/ref\" xmlns:dc2=\"http://purl.org/dc/elements/1.1/\"");
  Collected c;
  auto s = ReadWxrString(xml, "odd.xml", c.callbacks());
  ASSERT_TRUE(s) << s.error().ToString();
  ASSERT_EQ(c.items.size(), 1u);
}

TEST(WxrReader, ATruncatedExportIsReportedAsEndingEarly) {
  std::string xml = Export("http://wordpress.org/export/1.2/", "1.2", kItem);
  xml = xml.substr(0, xml.find("<wp:post_date>"));
  Collected c;
  auto s = ReadWxrString(xml, "cut.xml", c.callbacks());
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("ends early"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("<item>"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("line 20"), std::string::npos) << s.error().message;
}

TEST(WxrReader, RefusesAMissingOrNonNumericWxrVersion) {
  for (std::string version : {"", "one point two", "1.2x"}) {
    std::string xml = Export("http://wordpress.org/export/1.2/", version, kItem);
    if (version.empty()) {
      xml.erase(xml.find("<wp:wxr_version>"),
                std::string("<wp:wxr_version></wp:wxr_version>").size());
    }
    Collected c;
    auto s = ReadWxrString(xml, "v.xml", c.callbacks());
    ASSERT_FALSE(s) << version;
    EXPECT_NE(s.error().message.find("WXR version"), std::string::npos) << s.error().message;
    EXPECT_TRUE(c.items.empty()) << version;
  }
}

}  // namespace
}  // namespace cinepress
