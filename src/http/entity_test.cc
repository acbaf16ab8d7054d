#include "http/entity.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace cinepress {
namespace {

HttpRequest Get(std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/x/";
  r.headers = std::move(headers);
  return r;
}

std::string Gunzip(std::string_view in) {
  z_stream z{};
  inflateInit2(&z, 15 + 16);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  inflate(&z, Z_FINISH);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

const std::string kPage = std::string(2000, 'x') + "<p>page</p>";

TEST(ServeEntity, ConditionalRequestsGive304) {
  auto e = MakeEntity(kPage, "text/html; charset=utf-8", "no-cache", 1633496434);
  HttpResponse full = ServeEntity(Get(), e);
  EXPECT_EQ(full.status, 200);
  std::string etag(full.Header("ETag"));
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(full.Header("Last-Modified"), "Wed, 06 Oct 2021 05:00:34 GMT");
  EXPECT_EQ(ServeEntity(Get({{"if-none-match", etag}}), e).status, 304);
  EXPECT_EQ(ServeEntity(Get({{"if-none-match", "\"other\", " + etag}}), e).status, 304);
  EXPECT_EQ(ServeEntity(Get({{"if-none-match", "\"other\""}}), e).status, 200);
  EXPECT_EQ(ServeEntity(Get({{"if-modified-since", "Wed, 06 Oct 2021 05:00:34 GMT"}}), e).status,
            304);
  EXPECT_EQ(ServeEntity(Get({{"if-modified-since", "Tue, 05 Oct 2021 05:00:34 GMT"}}), e).status,
            200);
  EXPECT_EQ(ServeEntity(Get({{"if-modified-since", "garbage"}}), e).status, 200);
  HttpResponse nm = ServeEntity(Get({{"if-none-match", etag}}), e);
  EXPECT_EQ(nm.BodySize(), 0u);
}

TEST(ServeEntity, NegotiatesGzipAndBrotliWithVary) {
  auto e = MakeEntity(kPage, "text/html; charset=utf-8", "no-cache", 0);
  HttpResponse gz = ServeEntity(Get({{"accept-encoding", "gzip, deflate"}}), e);
  EXPECT_EQ(gz.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(gz.Header("Vary"), "Accept-Encoding");
  EXPECT_EQ(Gunzip(gz.BodyView()), kPage);
  HttpResponse br = ServeEntity(Get({{"accept-encoding", "gzip, br"}}), e);
  EXPECT_EQ(br.Header("Content-Encoding"), "br");
  EXPECT_LT(br.BodySize(), kPage.size());
  HttpResponse refused = ServeEntity(Get({{"accept-encoding", "gzip;q=0, br;q=0"}}), e);
  EXPECT_EQ(refused.Header("Content-Encoding"), "");
  EXPECT_EQ(refused.BodyView(), kPage);
  EXPECT_NE(gz.Header("ETag"), refused.Header("ETag"));
  // Each variant's tag validates the resource.
  EXPECT_EQ(ServeEntity(Get({{"if-none-match", std::string(gz.Header("ETag"))}}), e).status, 304);
}

TEST(ServeEntity, ImagesAreNotCompressed) {
  auto e = MakeEntity(std::string(5000, 'j'), "image/jpeg", "", 0);
  EXPECT_EQ(ServeEntity(Get({{"accept-encoding", "gzip, br"}}), e).Header("Content-Encoding"), "");
}

TEST(ServeEntity, RangeRequests) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>('a' + i % 26);
  auto e = MakeEntity(data, "image/svg+xml", "", 0);
  HttpResponse r = ServeEntity(Get({{"range", "bytes=0-99"}}), e);
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.Header("Content-Range"), "bytes 0-99/1000");
  EXPECT_EQ(r.BodyView(), data.substr(0, 100));
  r = ServeEntity(Get({{"range", "bytes=-50"}}), e);
  EXPECT_EQ(r.BodyView(), data.substr(950));
  r = ServeEntity(Get({{"range", "bytes=990-"}}), e);
  EXPECT_EQ(r.BodyView(), data.substr(990));
  r = ServeEntity(Get({{"range", "bytes=1000-"}}), e);
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.Header("Content-Range"), "bytes */1000");
  EXPECT_EQ(ServeEntity(Get({{"range", "bytes=0-1,5-6"}}), e).status, 200);
  EXPECT_EQ(ServeEntity(Get({{"range", "lines=1-2"}}), e).status, 200);
  EXPECT_EQ(ServeEntity(Get({{"range", "bytes=99999999999999999999999-"}}), e).status, 200);
  EXPECT_EQ(ServeEntity(Get({{"range", "bytes=0-9"}, {"if-range", "\"stale\""}}), e).status, 200);
}

// The edges of one byte range of a 1000-byte body.
TEST(ParseByteRange, Edges) {
  struct Case {
    const char* header;
    bool understood, unsatisfiable;
    size_t first, last;
  };
  const Case cases[] = {
      {"bytes=0-0", true, false, 0, 0},          // the first byte
      {"bytes=999-999", true, false, 999, 999},  // the last byte
      {"bytes=999-", true, false, 999, 999},
      {"bytes=0-", true, false, 0, 999},
      {"bytes=500-5000", true, false, 500, 999},  // a last byte past the end: to the end
      {"bytes=-1", true, false, 999, 999},        // suffix: the last byte
      {"bytes=-1000", true, false, 0, 999},
      {"bytes=-5000", true, false, 0, 999},  // a suffix longer than the body: all of it
      {"bytes=1000-", true, true, 0, 0},     // starts at the end
      {"bytes=1000-1001", true, true, 0, 0},
      {"bytes=-0", true, true, 0, 0},         // an empty suffix
      {"bytes=5-2", false, false, 0, 0},      // backwards: ignored, the whole body
      {"bytes=0-1,5-6", false, false, 0, 0},  // several ranges: the whole body
      {"bytes=", false, false, 0, 0},
      {"bytes=-", false, false, 0, 0},
      {"bytes=a-b", false, false, 0, 0},
      {"bytes=+1-2", false, false, 0, 0},
      {"bytes 0-1", false, false, 0, 0},
      {"items=0-1", false, false, 0, 0},
      {"bytes=0000000000000000001-2", false, false, 0, 0},  // more digits than a size has
  };
  for (const Case& c : cases) {
    size_t first = 0, last = 0;
    bool unsatisfiable = false;
    EXPECT_EQ(ParseByteRange(c.header, 1000, first, last, unsatisfiable), c.understood) << c.header;
    if (!c.understood) continue;
    EXPECT_EQ(unsatisfiable, c.unsatisfiable) << c.header;
    if (c.unsatisfiable) continue;
    EXPECT_EQ(first, c.first) << c.header;
    EXPECT_EQ(last, c.last) << c.header;
  }
  size_t first = 0, last = 0;
  bool unsatisfiable = false;
  EXPECT_TRUE(ParseByteRange("bytes=0-", 0, first, last, unsatisfiable));
  EXPECT_TRUE(unsatisfiable);  // nothing to send of an empty body
}

class NeverRead : public BodyReader {
 public:
  Result<std::string> Read(int64_t, size_t) override {
    ADD_FAILURE() << "the entity's bytes are read by the server, not by ServeStreamedEntity";
    return std::string();
  }
};

StreamedEntity Episode() {
  StreamedEntity e;
  e.reader = std::make_shared<NeverRead>();
  e.size = 1'000'000;
  e.content_type = "audio/mpeg";
  e.etag = "\"4f2a\"";
  e.last_modified = 1'700'000'000;
  e.cache_control = "public, max-age=86400";
  return e;
}

TEST(ServeStreamedEntity, WholeRangesAndHead) {
  HttpResponse r = ServeStreamedEntity(Get(), Episode());
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.reader);
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(r.BodySize(), 1'000'000u);
  EXPECT_EQ(r.Header("Accept-Ranges"), "bytes");
  EXPECT_EQ(r.Header("ETag"), "\"4f2a\"");
  EXPECT_EQ(r.Header("Last-Modified"), HttpDate(1'700'000'000));
  EXPECT_EQ(r.Header("Content-Type"), "audio/mpeg");
  EXPECT_TRUE(r.Header("Vary").empty());  // never compressed

  r = ServeStreamedEntity(Get({{"range", "bytes=999998-"}}), Episode());
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.offset, 999'998u);
  EXPECT_EQ(r.BodySize(), 2u);
  EXPECT_EQ(r.Header("Content-Range"), "bytes 999998-999999/1000000");
  r = ServeStreamedEntity(Get({{"range", "bytes=-10"}}), Episode());
  EXPECT_EQ(r.Header("Content-Range"), "bytes 999990-999999/1000000");
  r = ServeStreamedEntity(Get({{"range", "bytes=1000000-"}}), Episode());
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.Header("Content-Range"), "bytes */1000000");
  EXPECT_FALSE(r.reader);

  HttpRequest head = Get({{"range", "bytes=0-1"}});
  head.method = "HEAD";
  r = ServeStreamedEntity(head, Episode());
  EXPECT_EQ(r.status, 200);  // a range is for GET
  EXPECT_EQ(r.BodySize(), 1'000'000u);
}

TEST(ServeStreamedEntity, ConditionalRequestsAndIfRange) {
  EXPECT_EQ(ServeStreamedEntity(Get({{"if-none-match", "\"4f2a\""}}), Episode()).status, 304);
  EXPECT_EQ(ServeStreamedEntity(Get({{"if-none-match", "\"old\""}}), Episode()).status, 200);
  EXPECT_EQ(
      ServeStreamedEntity(Get({{"if-modified-since", HttpDate(1'700'000'000)}}), Episode()).status,
      304);
  EXPECT_EQ(
      ServeStreamedEntity(Get({{"if-modified-since", HttpDate(1'699'999'999)}}), Episode()).status,
      200);
  // If-Range: the part only when the client's copy is this one; else the whole file.
  auto ranged = [](std::string if_range) {
    return ServeStreamedEntity(Get({{"range", "bytes=10-19"}, {"if-range", std::move(if_range)}}),
                               Episode())
        .status;
  };
  EXPECT_EQ(ranged("\"4f2a\""), 206);
  EXPECT_EQ(ranged("\"stale\""), 200);
  EXPECT_EQ(ranged("W/\"4f2a\""), 200);  // a weak tag never matches
  EXPECT_EQ(ranged(HttpDate(1'700'000'000)), 206);
  EXPECT_EQ(ranged(HttpDate(1'600'000'000)), 200);
  EXPECT_EQ(ranged("not a date"), 200);
}

TEST(HttpDates, RoundTrip) {
  EXPECT_EQ(HttpDate(1633496434), "Wed, 06 Oct 2021 05:00:34 GMT");
  EXPECT_EQ(ParseHttpDate("Wed, 06 Oct 2021 05:00:34 GMT"), 1633496434);
  EXPECT_EQ(ParseHttpDate("not a date"), -1);
  EXPECT_EQ(ContentTypeFor("/a/site.1234.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/images/x.SVG"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("/workshops/x.ics"), "text/calendar; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/x"), "application/octet-stream");
}

TEST(Entity, MadeForOneRequestIsCompressedOnlyAsThatRequestAccepts) {
  const std::string page(5000, 'x');
  auto br = MakeEntityFor(Get({{"accept-encoding", "gzip, br"}}), page, "text/html", "no-cache", 1);
  EXPECT_TRUE(br->brotli);
  EXPECT_FALSE(br->gzip);
  EXPECT_EQ(ServeEntity(Get({{"accept-encoding", "gzip, br"}}), br).BodyView(), *br->brotli);
  auto gz = MakeEntityFor(Get({{"accept-encoding", "gzip"}}), page, "text/html", "no-cache", 1);
  EXPECT_TRUE(gz->gzip);
  EXPECT_FALSE(gz->brotli);
  auto plain = MakeEntityFor(Get({}), page, "text/html", "no-cache", 1);
  EXPECT_FALSE(plain->gzip || plain->brotli);
  HttpResponse r = ServeEntity(Get({}), plain);
  EXPECT_EQ(r.BodyView(), page);
  EXPECT_NE(r.header_block->find("Vary: Accept-Encoding"), std::string::npos);
}

}  // namespace
}  // namespace cinepress
