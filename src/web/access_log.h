// AccessLog: one line per response in the combined log format, written by a background thread.
// Contract: Write is thread-safe and never blocks on the disk; lines reach the file within about
// a fifth of a second; the destructor writes what is left.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "http/message.h"

namespace cinepress {

class AccessLog {
 public:
  // "-" writes to standard output.
  static Result<std::unique_ptr<AccessLog>> Open(const std::string& path);
  ~AccessLog();
  void Write(const HttpRequest& request, const HttpResponse& response, size_t bytes);

  // 127.0.0.1 - - [06/Oct/2021:05:00:34 +0000] "GET /x/ HTTP/1.1" 200 1234 "-" "curl/8"
  static std::string Line(const HttpRequest& request, const HttpResponse& response, size_t bytes,
                          int64_t now);

 private:
  explicit AccessLog(FILE* f, bool owned);
  void Flusher();
  FILE* file_;
  bool owned_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace cinepress
