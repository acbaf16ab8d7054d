#include "web/access_log.h"

#include <cerrno>
#include <cstring>
#include <ctime>

#include "newsletter/links.h"

namespace cinepress {
namespace {

// Whatever a client sent goes into the log escaped: no one can forge a log line.
void AppendEscaped(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
}

}  // namespace

Result<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<AccessLog>(new AccessLog(stdout, false));
  FILE* f = std::fopen(path.c_str(), "a");
  if (!f) {
    return Error{ErrorCode::kIo, std::string("cannot open the access log: ") + std::strerror(errno),
                 path, 0, "--access-log"};
  }
  return std::unique_ptr<AccessLog>(new AccessLog(f, true));
}

AccessLog::AccessLog(FILE* f, bool owned) : file_(f), owned_(owned) {
  thread_ = std::thread([this] { Flusher(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (owned_) std::fclose(file_);
}

std::string AccessLog::Line(const HttpRequest& req, const HttpResponse& resp, size_t bytes,
                            int64_t now) {
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char when[40];
  std::strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &tm);
  std::string line;
  line.reserve(160);
  line += req.remote_address.empty() ? "-" : req.remote_address;
  line += " - - [";
  line += when;
  line += "] \"";
  AppendEscaped(line, req.method);
  line += ' ';
  // Signed links are credentials: the log keeps where they led, not the token.
  AppendEscaped(line, RedactLinkToken(req.target));
  line += req.version == 10 ? " HTTP/1.0\" " : " HTTP/1.1\" ";
  line += std::to_string(resp.status);
  line += ' ';
  // The body's size as sent ("-" for none), not counting headers.
  size_t body = req.method == "HEAD" || resp.status == 304 || bytes == 0 ? 0 : resp.BodySize();
  line += body ? std::to_string(body) : "-";
  line += " \"";
  std::string_view referer = req.Header("referer");
  if (referer.empty())
    line += '-';
  else
    AppendEscaped(line, RedactLinkToken(referer));
  line += "\" \"";
  std::string_view agent = req.Header("user-agent");
  if (agent.empty())
    line += '-';
  else
    AppendEscaped(line, agent);
  line += "\"\n";
  return line;
}

void AccessLog::Write(const HttpRequest& req, const HttpResponse& resp, size_t bytes) {
  // A load balancer asks /healthz every few seconds: a healthy answer is noise, a failing one
  // is news.
  if (std::string_view(resp.label) == "health" && resp.status == 200) return;
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::string line = Line(req, resp, bytes, now);
  std::lock_guard lock(mu_);
  buffer_ += line;
}

void AccessLog::Flusher() {
  std::string out;
  for (;;) {
    bool stop;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; });
      out.swap(buffer_);
      stop = stop_;
    }
    if (!out.empty()) {
      std::fwrite(out.data(), 1, out.size(), file_);
      std::fflush(file_);
      out.clear();
    }
    if (stop) return;
  }
}

}  // namespace cinepress
