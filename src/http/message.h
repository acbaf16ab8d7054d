// HTTP messages as the server hands them to a handler and takes them back.
// The http module knows nothing of content: the web module turns requests into responses.
// Contract: plain values; a Response's body is shared and immutable, so that one cached page can
// be sent to many clients at once without copying.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cinepress {

struct HttpRequest {
  std::string method;                                        // "GET"
  std::string target;                                        // as sent: "/reviews/x/?page=2"
  int version = 11;                                          // 10 or 11
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::string remote_address;

  // The value of a header ("" when absent); `name` must be lowercase.
  std::string_view Header(std::string_view name) const;
  std::string_view Path() const;   // target without the query
  std::string_view Query() const;  // after '?', without it
  // The value of cookie `name` (RFC 6265's "name=value; name2=value2" in every Cookie header;
  // the first one wins), or "" when the request has none.
  std::string_view Cookie(std::string_view name) const;
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
  bool close = false;                       // close the connection after this response
  const char* label = "other";              // what kind of thing was asked for, for metrics

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
