// Entities: a representation of a resource with what HTTP needs to serve it well — its type,
// validators (ETag, Last-Modified), caching policy and compressed variants.
// ServeEntity answers one request for an entity: conditional requests (304), content
// negotiation of gzip and Brotli (with Vary), Range requests (206, 416), HEAD.
// Contract: an Entity is immutable once made and shared between threads; compressed variants
// are made when the entity is made (it is cached, so this happens once).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "http/message.h"

namespace cinepress {

struct Entity {
  std::shared_ptr<const std::string> identity;
  std::shared_ptr<const std::string> gzip;    // null when not worth it
  std::shared_ptr<const std::string> brotli;  // null when not worth it
  std::string content_type;
  std::string etag;           // with its quotes: "\"3f2a…\""
  int64_t last_modified = 0;  // Unix seconds; 0: none
  std::string cache_control;
  int status = 200;  // 404 for the not-found page
  // The full response's headers for each variant (identity, gzip, Brotli), made once.
  std::string headers[3];
};

// Makes an entity, compressing `data` when its type is text-like and it is big enough.
std::shared_ptr<const Entity> MakeEntity(std::string data, std::string content_type,
                                         std::string cache_control, int64_t last_modified,
                                         int status = 200);

// An entity made for one request and not kept (a page of search results): compressed only in
// the encoding this request accepts, since no other request will be served from it.
std::shared_ptr<const Entity> MakeEntityFor(const HttpRequest& request, std::string data,
                                            std::string content_type, std::string cache_control,
                                            int64_t last_modified);

HttpResponse ServeEntity(const HttpRequest& request, const std::shared_ptr<const Entity>& entity);

// A representation too large to hold in memory (a podcast episode's audio): its bytes are read
// from `reader` as they are sent. Never compressed (media are compressed already).
struct StreamedEntity {
  std::shared_ptr<BodyReader> reader;
  int64_t size = 0;
  std::string content_type;
  std::string etag;  // strong, with its quotes
  int64_t last_modified = 0;
  std::string cache_control;
};

// Answers a request for a streamed entity as ServeEntity does: 304 for If-None-Match (or
// If-Modified-Since), one byte range as 206 (If-Range: the ETag, strongly, or the exact
// Last-Modified date), 416 for a range past the end, HEAD with the length and no body. Several
// ranges in one request are answered with the whole file (200), as RFC 9110 allows.
HttpResponse ServeStreamedEntity(const HttpRequest& request, const StreamedEntity& entity);

// One "bytes=first-last" range of a body of `size` bytes (RFC 9110 §14.1.2): "a-b", "a-" and the
// suffix "-n". False for a header it does not understand or several ranges (then the whole body
// is sent); `unsatisfiable` when the range starts at or past the end (416).
bool ParseByteRange(std::string_view header, size_t size, size_t& first, size_t& last,
                    bool& unsatisfiable);

// The media type of a file name by its extension ("x.css" -> "text/css; charset=utf-8").
std::string ContentTypeFor(std::string_view path);

// "Wed, 21 Oct 2015 07:28:00 GMT"
std::string HttpDate(int64_t t);
// Parses an HTTP date; returns -1 when it is not one.
int64_t ParseHttpDate(std::string_view text);

}  // namespace cinepress
