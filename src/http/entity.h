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

// The media type of a file name by its extension ("x.css" -> "text/css; charset=utf-8").
std::string ContentTypeFor(std::string_view path);

// "Wed, 21 Oct 2015 07:28:00 GMT"
std::string HttpDate(int64_t t);
// Parses an HTTP date; returns -1 when it is not one.
int64_t ParseHttpDate(std::string_view text);

}  // namespace cinepress
