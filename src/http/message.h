// HTTP messages as the server hands them to a handler and takes them back.
// The http module knows nothing of content: the web module turns requests into responses.
// Contract: plain values; a Response's body is shared and immutable, so that one cached page can
// be sent to many clients at once without copying. A body too large to hold (a media file) is
// read piece by piece while it is sent, from a BodyReader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace cinepress {

class BodySink;

struct HttpRequest {
  std::string method;                                        // "GET"
  std::string target;                                        // as sent: "/reviews/x/?page=2"
  int version = 11;                                          // 10 or 11
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  // Instead of `body`, for a path whose bodies are taken a piece at a time
  // (ServerOptions::body_sinks): the sink that took the whole body.
  std::shared_ptr<BodySink> body_sink;
  std::string remote_address;

  // The value of a header ("" when absent); `name` must be lowercase.
  std::string_view Header(std::string_view name) const;
  std::string_view Path() const;   // target without the query
  std::string_view Query() const;  // after '?', without it
  // The value of cookie `name` (RFC 6265's "name=value; name2=value2" in every Cookie header;
  // the first one wins), or "" when the request has none.
  std::string_view Cookie(std::string_view name) const;
};

// A body read a piece at a time as it is written (a media file streamed from the store), so that
// memory stays flat however large the file and however many clients download it. Read is called
// on the server thread that writes the response, one piece at a time, never concurrently; the
// reader lives until the response has been written.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Up to `max` bytes from `offset`, at least one while `offset` is before the end. An error ends
  // the response early (its length was promised, so the connection is closed).
  virtual Result<std::string> Read(int64_t offset, size_t max) = 0;
};

// A request body taken a piece at a time as it arrives instead of into memory (an upload of
// many megabytes; ServerOptions::body_sinks). Write is called on the server thread that reads
// the request, in order, never concurrently; once the whole body has come the handler finds the
// sink in HttpRequest::body_sink. Dropped before that (the body too large, too slow, cut short),
// it must leave nothing behind.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // The next piece of the body. An error ends the request (500, and the connection closed).
  virtual Status Write(std::string_view piece) = 0;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  // Headers made once and shared ("Name: value\r\n" lines), sent before `headers`: a cached
  // page's headers are not formatted again for every request.
  std::shared_ptr<const std::string> header_block;
  std::shared_ptr<const std::string> body;  // may be null: no body
  size_t offset = 0;                        // a slice of body (Range requests)
  size_t length = std::string::npos;        // npos: to the end
  // Instead of `body`: bytes [offset, offset + length) read from this as they are sent.
  std::shared_ptr<BodyReader> reader;
  // Set by the server before the observer is told: how many bytes of the body reached the
  // client's socket (less than BodySize() when the client left early).
  size_t body_sent = 0;
  bool close = false;           // close the connection after this response
  const char* label = "other";  // what kind of thing was asked for, for metrics

  void Set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  std::string_view Header(std::string_view name) const;  // case-insensitive
  size_t BodySize() const;
  std::string_view BodyView() const;
};

// A response with a short text body ("Not allowed\n").
HttpResponse TextResponse(int status, std::string text);

}  // namespace cinepress
