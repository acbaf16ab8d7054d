// Fuzzes HTTP requests through the real server: the input is written, as it is, to a connection
// of the real HttpServer (Boost.Beast's parser, our limits and framing) on loopback, whose
// handler is what `cinepress serve` routes to — the newsletter pages, then LiveSite over the demo
// magazine (pages, search, feeds, media, redirects). The server, not a copy of its parsing, is
// fuzzed: the parsing lives inside the connection code (http_server.cc), and it is the whole
// path — framing, pipelining, the handler, the answer — that a stranger reaches.
//
// Asserted: the server answers or closes within the timeout, every answer starts with a status
// line, and it still answers a plain request after each input (it has not died or wedged).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "app/app.h"
#include "http/http_server.h"
#include "mail/transport.h"
#include "store/open_store.h"
#include "web/live_site.h"
#include "web/newsletter_web.h"

namespace {
namespace fs = std::filesystem;
using namespace cinepress;

struct Fixture {
  SiteFolder site;
  std::unique_ptr<ContentStore> probe;
  std::unique_ptr<LiveSite> live;
  MailRecorder mail;
  std::unique_ptr<NewsletterWeb> newsletters;
  std::unique_ptr<HttpServer> server;
  sockaddr_in address{};
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "http fuzzer: %s\n", what.c_str());
  std::abort();
}

Fixture* Start() {
  auto* f = new Fixture;
  f->site.root = fs::temp_directory_path() / ("cinepress-fuzz-http-" + std::to_string(::getpid()));
  fs::remove_all(f->site.root);
  std::ostringstream out, err;
  if (auto s = CreateDemoSite(f->site, 1, out, err); !s) Die(s.error().ToString());
  auto probe = OpenContentStore(f->site.database(), {.create = false});
  if (!probe) Die(probe.error().ToString());
  f->probe = std::move(*probe);
  LiveSiteOptions o;
  o.load = [site = f->site] { return LoadSite(site, 1900000000); };
  o.open_store = [db = f->site.database()] { return OpenContentStore(db, {.create = false}); };
  o.version = [f](std::chrono::milliseconds wait) -> Result<std::string> {
    auto changed = f->probe->WaitForChange(wait);
    if (!changed) return changed.error();
    auto v = f->probe->DataVersion();
    if (!v) return v.error();
    return std::to_string(*v);
  };
  o.now = [] { return int64_t{1900000000}; };
  f->live = std::make_unique<LiveSite>(o);
  if (auto s = f->live->Start(); !s) Die(s.error().ToString());
  NewsletterWebOptions n;
  n.site = [f] { return f->live->CurrentSite(); };
  n.open_store = [db = f->site.database()] { return OpenNewsletterStore(db, {}); };
  n.mail = f->mail.Factory();
  // Sign-ups from the fuzzer all come from 127.0.0.1: no limit, or the limit is all it reaches.
  n.signups_per_ip = 1 << 30;
  f->newsletters = std::make_unique<NewsletterWeb>(n);
  if (auto s = f->newsletters->Start(); !s) Die(s.error().ToString());
  ServerOptions so;
  so.listen = {"127.0.0.1:0"};
  so.threads = 1;
  so.pin_threads = false;
  so.batch_scheduling = false;
  so.header_timeout = std::chrono::milliseconds(2000);
  so.idle_timeout = std::chrono::milliseconds(2000);
  so.trusted_proxies = {"127.0.0.1"};  // so that X-Forwarded-For is parsed too
  auto server = HttpServer::Start(
      so,
      [f](const HttpRequest& req) {
        if (auto r = f->newsletters->Handle(req)) return std::move(*r);
        return f->live->Handle(req);
      },
      [f](const HttpRequest&, const HttpResponse& resp, std::chrono::nanoseconds elapsed, size_t) {
        f->live->Observe(resp, elapsed);
      });
  if (!server) Die(server.error().ToString());
  f->server = std::move(*server);
  std::string ep = f->server->endpoints().at(0);
  f->address.sin_family = AF_INET;
  f->address.sin_port = htons(static_cast<uint16_t>(std::stoi(ep.substr(ep.rfind(':') + 1))));
  inet_pton(AF_INET, "127.0.0.1", &f->address.sin_addr);
  // The fixture lives until the process ends; its folder goes then.
  static fs::path root = f->site.root;
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(root, ec);
  });
  return f;
}

// Writes `request`, closes our side for writing, and reads everything until the server closes.
std::string Exchange(const Fixture& f, std::string_view request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) Die("socket");
  timeval tv{10, 0};  // the server's own timeouts are 2 s; 10 s of silence is a wedged server
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  // libFuzzer's timer (SIGALRM, for -timeout) interrupts system calls now and then: a connect
  // it interrupts goes on by itself (wait for it), a send or recv is tried again.
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&f.address), sizeof f.address) != 0) {
    int error = errno;
    if (error == EINTR) {
      pollfd p{fd, POLLOUT, 0};
      while (::poll(&p, 1, 10000) < 0 && errno == EINTR) {
      }
      socklen_t len = sizeof error;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
    }
    if (error != 0) Die(std::string("cannot connect to the server: ") + std::strerror(error));
  }
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server may close early (431, 413, 400): that is an answer
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string response;
  char buf[16384];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) Die("no answer and no close within 10 s");
      break;  // reset by the server: a refusal
    }
    response.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return response;
}

}  // namespace

// The demo magazine is made and the server started here, once, and not in the first input: that
// takes seconds under the sanitizers, which libFuzzer would count against the input's timeout.
static Fixture* fixture = nullptr;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::signal(SIGPIPE, SIG_IGN);
  fixture = Start();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fixture* f = fixture;
  std::string_view request(reinterpret_cast<const char*>(data), size);
  std::string response = Exchange(*f, request);
  if (!response.empty() && response.rfind("HTTP/1.", 0) != 0) {
    Die("an answer that is not HTTP: " + response.substr(0, 200));
  }
  // Still alive and answering after whatever the input did.
  static const std::string kProbe = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string probe = Exchange(*f, kProbe);
  if (probe.rfind("HTTP/1.1 200", 0) != 0) Die("the home page no longer answers 200");
  return 0;
}
