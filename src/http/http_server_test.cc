#include "http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "http/body_file.h"

namespace cinepress {
namespace {

// A raw client: tests send exactly the bytes they mean.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Send(const std::string& s) {
    ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), (ssize_t)s.size());
  }
  // Reads until the peer closes, or `until` appears `times` times, or the timeout.
  std::string Read(const std::string& until = "", int times = 1) {
    std::string out;
    char buf[65536];
    for (;;) {
      if (!until.empty()) {
        int n = 0;
        for (size_t p = out.find(until); p != std::string::npos; p = out.find(until, p + 1)) ++n;
        if (n >= times) break;
      }
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = n == 0;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  bool closed() const { return closed_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.listen = {"127.0.0.1:0"};
    o.threads = 2;
    o.header_limit = 1024;
    o.body_limit = 4096;
    o.body_limits = {{"/upload/", 8192}};
    o.header_timeout = std::chrono::milliseconds(500);
    o.idle_timeout = std::chrono::milliseconds(500);
    auto s = HttpServer::Start(
        o,
        [](const HttpRequest& r) {
          if (r.Path() == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(300));
          HttpResponse resp = TextResponse(200, "path=" + std::string(r.Path()) + "\n");
          return resp;
        },
        nullptr);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    server_ = std::move(*s);
    std::string ep = server_->endpoints().at(0);
    port_ = std::stoi(ep.substr(ep.rfind(':') + 1));
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::milliseconds(1000));
    server_->Wait();
  }
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(HttpServerTest, KeepAliveAndPipelining) {
  Client c(port_);
  ASSERT_TRUE(c.connected());
  c.Send(
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /c HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string out = c.Read("HTTP/1.1 200", 3);
  size_t a = out.find("path=/a"), b = out.find("path=/b");
  ASSERT_NE(a, std::string::npos) << out;
  ASSERT_NE(b, std::string::npos) << out;
  EXPECT_LT(a, b);
  EXPECT_EQ(out.find("path=/c"), std::string::npos) << "HEAD has no body";
  c.Send("GET /d HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(c.Read("path=/d").find("path=/d"), std::string::npos);
}

TEST_F(HttpServerTest, MalformedRequestGets400AndClose) {
  Client c(port_);
  c.Send("GARBAGE\r\n\r\n");
  std::string out = c.Read();
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  EXPECT_TRUE(c.closed());
}

TEST_F(HttpServerTest, LimitsGive431And413) {
  Client big(port_);
  big.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  EXPECT_EQ(big.Read().rfind("HTTP/1.1 431", 0), 0u);
  Client body(port_);
  body.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
  EXPECT_EQ(body.Read().rfind("HTTP/1.1 413", 0), 0u);
  Client fine(port_);
  fine.Send("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(fine.Read().find("path=/ok"), std::string::npos);
}

TEST_F(HttpServerTest, APathMayHaveABodyLimitOfItsOwn) {
  const std::string six_k(6000, 'x');
  Client upload(port_);
  upload.Send(
      "POST /upload/pitch HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Content-Length: 6000\r\n\r\n" +
      six_k);
  EXPECT_NE(upload.Read("path=/upload/pitch").find("HTTP/1.1 200"), std::string::npos);
  Client elsewhere(port_);  // the same body anywhere else is over body_limit
  elsewhere.Send("POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: 6000\r\n\r\n" + six_k);
  EXPECT_EQ(elsewhere.Read().rfind("HTTP/1.1 413", 0), 0u);
  Client too_big(port_);
  too_big.Send("POST /upload/pitch HTTP/1.1\r\nHost: x\r\nContent-Length: 9000\r\n\r\n");
  EXPECT_EQ(too_big.Read().rfind("HTTP/1.1 413", 0), 0u);
  Client chunked(port_);  // a chunked body is counted against its own path's limit as it comes
  chunked.Send(
      "POST /other HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1770\r\n" +
      six_k + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.Read().rfind("HTTP/1.1 413", 0), 0u);
}

TEST_F(HttpServerTest, SilentAndSlowClientsAreTimedOutWithoutBlockingOthers) {
  std::vector<std::unique_ptr<Client>> silent;
  for (int i = 0; i < 50; ++i) silent.push_back(std::make_unique<Client>(port_));
  Client slow(port_);
  slow.Send("GET /");  // and then nothing more
  Client c(port_);
  c.Send("GET /fine HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(c.Read().find("path=/fine"), std::string::npos);
  // After the header timeout (500 ms) the server has closed them.
  std::string rest = slow.Read();
  EXPECT_TRUE(slow.closed());
  EXPECT_EQ(silent[0]->Read(), "");
  EXPECT_TRUE(silent[0]->closed());
}

TEST_F(HttpServerTest, ShutdownFinishesRequestsInFlight) {
  Client c(port_);
  c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::thread stopper([&] { server_->Shutdown(std::chrono::milliseconds(2000)); });
  std::string out = c.Read("path=/slow");
  stopper.join();
  EXPECT_NE(out.find("path=/slow"), std::string::npos) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  Client after(port_);
  EXPECT_FALSE(after.connected() && after.Read().find("HTTP/1.1") != std::string::npos);
}

// RFC 9112 §6.3: a body that a proxy could frame one way and we another is refused, and the
// connection closed, so that nothing after it is read as a request of its own.
TEST_F(HttpServerTest, AmbiguousFramingGets400AndClose) {
  for (const std::string te : {"identity", "gzip", "chunked, identity", "xchunked", "gzip, chunked",
                               "chunked\r\nTransfer-Encoding: chunked"}) {
    Client c(port_);
    c.Send("POST /te HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te +
           "\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string out = c.Read();
    EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << te << ": " << out;
    EXPECT_EQ(out.find("path=/smuggled"), std::string::npos) << te;
    EXPECT_TRUE(c.closed()) << te;
  }
  for (const std::string headers : {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
                                    "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                                    "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n"}) {
    Client c(port_);
    c.Send("POST /te HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n0\r\n\r\n");
    std::string out = c.Read();
    EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << headers << ": " << out;
    EXPECT_TRUE(c.closed()) << headers;
  }
  Client chunked(port_);  // and the one right way still works
  chunked.Send(
      "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"
      "\r\n");
  EXPECT_NE(chunked.Read("path=/chunked").find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, HttpOneOneNeedsExactlyOneHost) {
  for (const std::string headers : {"", "Host: x\r\nHost: y\r\n"}) {
    Client c(port_);
    c.Send("GET /h HTTP/1.1\r\n" + headers + "\r\n");
    std::string out = c.Read();
    EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << headers << ": " << out;
  }
  Client old(port_);  // HTTP/1.0 had no Host
  old.Send("GET /h HTTP/1.0\r\n\r\n");
  EXPECT_NE(old.Read().find("path=/h"), std::string::npos);
}

TEST_F(HttpServerTest, ExpectContinueIsAnswered) {
  Client c(port_);
  c.Send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  // The client sends nothing more until it hears from the server.
  EXPECT_EQ(c.Read("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
  c.Send("hello");
  EXPECT_NE(c.Read("path=/up").find("HTTP/1.1 200 OK"), std::string::npos);
  // Too big: the final answer at once, not 100.
  Client big(port_);
  big.Send(
      "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(big.Read().rfind("HTTP/1.1 413", 0), 0u);
}

int PortOf(const HttpServer& s) {
  std::string ep = s.endpoints().at(0);
  return std::stoi(ep.substr(ep.rfind(':') + 1));
}

TEST(HttpServerHeaders, EveryResponseCarriesTheServersHeadersUnlessItSetsItsOwn) {
  ServerOptions options{{"127.0.0.1:0"}};
  options.headers = {{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "same-origin"}};
  auto s = HttpServer::Start(
      options,
      [](const HttpRequest& r) {
        HttpResponse resp = TextResponse(200, "ok\n");
        if (r.Path() == "/own") resp.Set("referrer-policy", "no-referrer");
        return resp;
      },
      nullptr);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  Client c(PortOf(**s));
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string page = c.Read("ok\n");
  EXPECT_NE(page.find("\r\nX-Content-Type-Options: nosniff\r\n"), std::string::npos) << page;
  EXPECT_NE(page.find("\r\nReferrer-Policy: same-origin\r\n"), std::string::npos) << page;
  c.Send("GET /own HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string own = c.Read("ok\n");
  EXPECT_NE(own.find("referrer-policy: no-referrer"), std::string::npos) << own;
  EXPECT_EQ(own.find("same-origin"), std::string::npos) << own;
  Client bad(PortOf(**s));  // the server's own answers too
  bad.Send("GARBAGE\r\n\r\n");
  EXPECT_NE(bad.Read().find("X-Content-Type-Options: nosniff"), std::string::npos);
  (*s)->Shutdown(std::chrono::milliseconds(100));
  (*s)->Wait();
}

TEST(HttpServerConnections, OneAddressCannotTakeEveryConnection) {
  ServerOptions options{{"127.0.0.1:0"}};
  options.max_connections_per_ip = 2;
  options.uncapped = {};  // loopback is not exempt here: the test's client is loopback
  auto s = HttpServer::Start(
      options, [](const HttpRequest&) { return TextResponse(200, "ok\n"); }, nullptr);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  Client a(PortOf(**s)), b(PortOf(**s)), c(PortOf(**s));
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.Read(), "");
  EXPECT_TRUE(c.closed());
  a.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(a.Read("ok\n").find("200 OK"), std::string::npos);
  (*s)->Shutdown(std::chrono::milliseconds(100));
  (*s)->Wait();
}

TEST(HttpServerConnections, NearTheCapIdleKeepAliveConnectionsMakeRoom) {
  ServerOptions options{{"127.0.0.1:0"}};
  options.threads = 2;
  options.max_connections = 4;
  options.pin_threads = false;
  auto s = HttpServer::Start(
      options, [](const HttpRequest&) { return TextResponse(200, "ok\n"); }, nullptr);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<Client>(PortOf(**s)));
    idle.back()->Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_NE(idle.back()->Read("ok\n").find("200 OK"), std::string::npos) << i;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Client fresh(PortOf(**s));
  fresh.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(fresh.Read("ok\n").find("200 OK"), std::string::npos);
  EXPECT_EQ(idle[0]->Read(), "");  // the longest idle went first
  EXPECT_TRUE(idle[0]->closed());
  (*s)->Shutdown(std::chrono::milliseconds(100));
  (*s)->Wait();
}

TEST(HttpServerConnections, TheCapFitsTheDescriptorsTheProcessMayOpen) {
  ServerOptions options{{"127.0.0.1:0"}};
  options.max_connections = size_t{1} << 40;
  auto s = HttpServer::Start(
      options, [](const HttpRequest&) { return TextResponse(200, "ok\n"); }, nullptr);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  rlimit lim{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
  EXPECT_EQ(lim.rlim_cur, lim.rlim_max);  // raised to what the system allows
  if (lim.rlim_cur != RLIM_INFINITY) {
    EXPECT_LT((*s)->max_connections(), lim.rlim_cur - 100);
  }
  (*s)->Shutdown(std::chrono::milliseconds(100));
  (*s)->Wait();
}

TEST(HttpServerStart, BadListenAddressIsAClearError) {
  auto s = HttpServer::Start(ServerOptions{{"nonsense"}}, nullptr, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "--listen");
}

// The CPUs each thread of this process may run on, one entry per thread that is allowed exactly
// one CPU: that CPU.
std::vector<int> ThreadsOnOneCpu() {
  std::vector<int> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    pid_t tid = static_cast<pid_t>(std::stoi(task.path().filename().string()));
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(tid, sizeof(set), &set) != 0 || CPU_COUNT(&set) != 1) continue;
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &set)) out.push_back(c);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(HttpServerStart, EachLoopGetsACoreOfItsOwnUnlessToldNot) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
  if (CPU_COUNT(&allowed) < 2) GTEST_SKIP() << "one core: nothing to pin";
  auto handler = [](const HttpRequest&) { return TextResponse(200, "ok\n"); };
  ServerOptions options{{"127.0.0.1:0"}};
  options.threads = 2;
  {
    options.pin_threads = false;
    auto s = HttpServer::Start(options, handler, nullptr);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    EXPECT_TRUE(ThreadsOnOneCpu().empty());
    (*s)->Shutdown(std::chrono::milliseconds(100));
    (*s)->Wait();
  }
  options.pin_threads = true;
  auto s = HttpServer::Start(options, handler, nullptr);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  std::vector<int> pinned = ThreadsOnOneCpu();
  ASSERT_EQ(pinned.size(), 2u);
  EXPECT_NE(pinned[0], pinned[1]);
  (*s)->Shutdown(std::chrono::milliseconds(100));
  (*s)->Wait();
}

// The scheduling policy of each thread of this process.
std::vector<int> Policies() {
  std::vector<int> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    pid_t tid = static_cast<pid_t>(std::stoi(task.path().filename().string()));
    out.push_back(sched_getscheduler(tid));
  }
  return out;
}

TEST(HttpServerStart, LoopsAreBatchWorkUnlessToldNot) {
  auto handler = [](const HttpRequest&) { return TextResponse(200, "ok\n"); };
  ServerOptions options{{"127.0.0.1:0"}};
  options.threads = 2;
  auto batch = [] {
    auto p = Policies();
    return std::count(p.begin(), p.end(), SCHED_BATCH);
  };
  {
    options.batch_scheduling = false;
    auto s = HttpServer::Start(options, handler, nullptr);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    EXPECT_EQ(batch(), 0);
    (*s)->Shutdown(std::chrono::milliseconds(100));
    (*s)->Wait();
  }
  options.batch_scheduling = true;
  auto s = HttpServer::Start(options, handler, nullptr);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(batch(), 2);  // the two loops; the test's own thread is untouched
  Client c(std::stoi((*s)->endpoints()[0].substr((*s)->endpoints()[0].rfind(':') + 1)));
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(c.Read("ok\n").find("200 OK"), std::string::npos);  // and they serve as before
  (*s)->Shutdown(std::chrono::milliseconds(100));
  (*s)->Wait();
}

// The client address each request is seen from, with these proxies trusted.
std::vector<std::string> SeenFrom(const std::vector<std::string>& trusted,
                                  const std::vector<std::string>& forwarded_headers) {
  ServerOptions options{{"127.0.0.1:0"}};
  options.trusted_proxies = trusted;
  auto s = HttpServer::Start(
      options,
      [](const HttpRequest& r) { return TextResponse(200, "from=" + r.remote_address + ";\n"); },
      nullptr);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  if (!s.ok()) return {};
  std::string ep = (*s)->endpoints().at(0);
  Client c(std::stoi(ep.substr(ep.rfind(':') + 1)));
  std::vector<std::string> out;
  for (const std::string& headers : forwarded_headers) {
    c.Send("GET / HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
    std::string got = c.Read(";\n");
    size_t at = got.find("from=");
    out.push_back(at == std::string::npos ? got : got.substr(at + 5, got.find(';', at) - at - 5));
  }
  (*s)->Shutdown(std::chrono::milliseconds(100));
  (*s)->Wait();
  return out;
}

TEST(HttpServerProxies, ATrustedProxyNamesTheClientAndNobodyElseCan) {
  const std::vector<std::string> requests = {
      "",
      "X-Forwarded-For: 203.0.113.7\r\n",
      // What the client wrote itself comes first; the proxy appends what it saw.
      "X-Forwarded-For: 198.51.100.1, 203.0.113.7\r\n",
      "X-Forwarded-For: 198.51.100.1\r\nX-Forwarded-For: 203.0.113.7, 127.0.0.1\r\n",
      "X-Forwarded-For: not-an-address\r\n",
      "X-Forwarded-For: 2001:db8::5\r\n",
      "X-Forwarded-For: 203.0.113.8:51234\r\n",  // with the port, as some proxies write it
      "X-Forwarded-For: [2001:db8::6]:51234\r\n",
      "X-Forwarded-For: [2001:db8::7\r\n",
  };
  // No proxy trusted: the header is a stranger's word.
  EXPECT_EQ(SeenFrom({}, requests), std::vector<std::string>(requests.size(), "127.0.0.1"));
  EXPECT_EQ(SeenFrom({"127.0.0.0/8"}, requests),
            (std::vector<std::string>{"127.0.0.1", "203.0.113.7", "203.0.113.7", "203.0.113.7",
                                      "127.0.0.1", "2001:db8::5", "203.0.113.8", "2001:db8::6",
                                      "127.0.0.1"}));
  // Another proxy trusted, not this peer: nothing changes.
  EXPECT_EQ(SeenFrom({"10.0.0.1", "fd00::/8"}, {"X-Forwarded-For: 203.0.113.7\r\n"}),
            std::vector<std::string>{"127.0.0.1"});
}

TEST(HttpServerProxies, ABadProxyIsAClearError) {
  for (const char* bad : {"nonsense", "10.0.0.0/33", "10.0.0.0/", "::1/129", "10.0.0.0/8x"}) {
    ServerOptions options{{"127.0.0.1:0"}};
    options.trusted_proxies = {bad};
    auto s = HttpServer::Start(options, nullptr, nullptr);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().field, "--trusted-proxy");
    EXPECT_NE(s.error().message.find(bad), std::string::npos) << s.error().message;
  }
}

// Bytes i % 251 of a body of `size`, read a piece at a time; fails from `broken_at` on.
class CountingReader : public BodyReader {
 public:
  explicit CountingReader(size_t broken_at = SIZE_MAX) : broken_at_(broken_at) {}
  Result<std::string> Read(int64_t offset, size_t max) override {
    const size_t at = static_cast<size_t>(offset);
    if (at >= broken_at_) return Error{ErrorCode::kStore, "gone", {}, 0, {}};
    std::string out(max, '\0');
    for (size_t i = 0; i < max; ++i) out[i] = static_cast<char>((at + i) % 251);
    largest_ = std::max(largest_.load(), max);
    reads_++;
    return out;
  }
  std::atomic<size_t> largest_{0}, reads_{0};

 private:
  size_t broken_at_;
};

std::string Expected(size_t from, size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((from + i) % 251);
  return out;
}

// Responses whose bodies come from a reader: /big (3 MB), /part (its bytes 1000-1999),
// /broken (fails at 1 MiB), /huge (256 MB, for a client that does not read).
class StreamingTest : public ::testing::Test {
 protected:
  static constexpr size_t kBig = 3'000'000;
  void SetUp() override {
    ServerOptions o{{"127.0.0.1:0"}};
    o.write_timeout = std::chrono::milliseconds(300);
    auto s = HttpServer::Start(
        o,
        [this](const HttpRequest& r) {
          HttpResponse resp;
          resp.Set("Content-Type", "audio/mpeg");
          resp.reader = r.Path() == "/broken" ? std::make_shared<CountingReader>(size_t{1} << 20)
                                              : std::shared_ptr<BodyReader>(reader_);
          resp.length = r.Path() == "/huge" ? size_t{256} << 20 : kBig;
          if (r.Path() == "/part") {
            resp.status = 206;
            resp.offset = 1000;
            resp.length = 1000;
          }
          return resp;
        },
        [this](const HttpRequest& r, const HttpResponse& resp, std::chrono::nanoseconds, size_t) {
          std::lock_guard lock(mu_);
          sent_[std::string(r.Path()) + (r.method == "HEAD" ? " HEAD" : "")] = resp.body_sent;
          cv_.notify_all();
        });
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    server_ = std::move(*s);
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::milliseconds(1000));
    server_->Wait();
  }
  // What the observer was told of `key`'s body (waits for it: the observer runs after the write).
  size_t SentOf(const std::string& key) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(30), [&] { return sent_.count(key) > 0; });
    return sent_.count(key) ? sent_[key] : SIZE_MAX;
  }
  std::shared_ptr<CountingReader> reader_ = std::make_shared<CountingReader>();
  std::unique_ptr<HttpServer> server_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, size_t> sent_;
};

TEST_F(StreamingTest, ABodyIsReadAPieceAtATimeAndSentWhole) {
  Client c(PortOf(*server_));
  c.Send(
      "GET /big HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /part HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string out = c.Read();  // to the close after the second answer
  size_t body = out.find("\r\n\r\n") + 4;
  EXPECT_NE(out.find("Content-Length: 3000000\r\n"), std::string::npos);
  EXPECT_EQ(out.substr(body, kBig), Expected(0, kBig));
  size_t second = out.find("HTTP/1.1 206", body + kBig);  // kept alive: the next answer follows
  ASSERT_NE(second, std::string::npos);
  size_t part = out.find("\r\n\r\n", second) + 4;
  EXPECT_EQ(out.substr(part), Expected(1000, 1000));
  EXPECT_LE(reader_->largest_.load(), size_t{256 * 1024});  // never the whole file at once
  EXPECT_GE(reader_->reads_.load(), kBig / (256 * 1024));
  EXPECT_EQ(SentOf("/big"), kBig);
  EXPECT_EQ(SentOf("/part"), 1000u);
}

TEST_F(StreamingTest, HeadSaysTheLengthAndReadsNothing) {
  Client c(PortOf(*server_));
  c.Send("HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string out = c.Read("\r\n\r\n");
  EXPECT_NE(out.find("Content-Length: 3000000\r\n"), std::string::npos) << out;
  EXPECT_EQ(SentOf("/big HEAD"), 0u);
  EXPECT_EQ(reader_->reads_.load(), 0u);
}

TEST_F(StreamingTest, AReaderThatFailsEndsTheConnection) {
  Client c(PortOf(*server_));
  c.Send("GET /broken HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string out;
  for (;;) {
    std::string more = c.Read();
    if (more.empty()) break;
    out += more;
  }
  EXPECT_TRUE(c.closed());  // fewer bytes than promised: the client must see the end
  size_t body = out.find("\r\n\r\n") + 4;
  EXPECT_EQ(out.size() - body, size_t{1} << 20);
  EXPECT_EQ(SentOf("/broken"), size_t{1} << 20);
}

TEST_F(StreamingTest, AClientThatStopsReadingIsDroppedAfterTheWriteTimeout) {
  Client c(PortOf(*server_));
  c.Send("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n");
  // The client reads nothing: once the socket buffers are full, a piece waits past the write
  // timeout and the server closes the connection.
  size_t sent = SentOf("/huge");
  EXPECT_LT(sent, size_t{256} << 20);
}

// The recording twin of a sink: what it was given, and whether it is still held.
struct Sinks {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> finished;  // bodies handed to the handler whole
  int made = 0, alive = 0;
  // Waits until no sink is held (a refused or abandoned body's sink is dropped).
  bool AllDropped() {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(30), [&] { return alive == 0; });
  }
};

class RecordingSink final : public BodySink {
 public:
  explicit RecordingSink(Sinks& sinks) : sinks_(sinks) {
    std::lock_guard lock(sinks_.mu);
    sinks_.made++;
    sinks_.alive++;
  }
  ~RecordingSink() override {
    std::lock_guard lock(sinks_.mu);
    sinks_.alive--;
    sinks_.cv.notify_all();
  }
  Status Write(std::string_view piece) override {
    largest = std::max(largest, piece.size());
    body.append(piece);
    return {};
  }
  std::string body;
  size_t largest = 0;

 private:
  Sinks& sinks_;
};

// /upload/ takes its body into a recording sink (at most 1 MiB); every other path into memory.
class BodySinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o{{"127.0.0.1:0"}};
    o.body_limits = {{"/upload/", size_t{1} << 20}};
    o.body_piece_timeout = std::chrono::milliseconds(300);
    o.body_sinks = {
        {"/upload/", [this](const HttpRequest& head) -> Result<SinkOrAnswer> {
           if (head.Header("x-refuse") == "1") {
             return MakeError(ErrorCode::kIo, "no room");
           }
           if (head.Header("authorization") != "" && head.Header("authorization") != "yes") {
             return SinkOrAnswer(TextResponse(401, "Who are you?\n"));
           }
           ++sinks_made_;
           return SinkOrAnswer(std::shared_ptr<BodySink>(std::make_shared<RecordingSink>(sinks_)));
         }}};
    auto s = HttpServer::Start(
        o,
        [this](const HttpRequest& r) {
          auto* sink = dynamic_cast<RecordingSink*>(r.body_sink.get());
          if (sink) {
            std::lock_guard lock(sinks_.mu);
            sinks_.finished.push_back(sink->body);
            largest_ = std::max(largest_, sink->largest);
          }
          return TextResponse(200, std::string(sink ? "sink" : "memory") + " " +
                                       std::to_string(sink ? sink->body.size() : r.body.size()) +
                                       "\n");
        },
        nullptr);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    server_ = std::move(*s);
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::milliseconds(1000));
    server_->Wait();
  }
  Sinks sinks_;
  std::atomic<int> sinks_made_{0};
  size_t largest_ = 0;
  std::unique_ptr<HttpServer> server_;
};

std::string Pattern(size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(i % 253);
  return out;
}

TEST_F(BodySinkTest, ABodyGoesToItsSinkAPieceAtATimeInOrder) {
  Client c(PortOf(*server_));
  const std::string body = Pattern(900'000);
  c.Send("POST /upload/ HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body);
  EXPECT_NE(c.Read("\n", 2).find("sink 900000"), std::string::npos);
  // Chunked, on the same connection; then a path that keeps its body in memory.
  c.Send(
      "POST /upload/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
      "POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  std::string out = c.Read("memory 3");
  EXPECT_NE(out.find("sink 11"), std::string::npos) << out;
  EXPECT_NE(out.find("memory 3"), std::string::npos) << out;
  std::lock_guard lock(sinks_.mu);
  ASSERT_EQ(sinks_.finished.size(), 2u);
  EXPECT_TRUE(sinks_.finished[0] == body) << "the bytes, in order";
  EXPECT_EQ(sinks_.finished[1], "hello world");
  EXPECT_LE(largest_, size_t{64 * 1024}) << "never more than a piece at a time";
}

TEST_F(BodySinkTest, ExpectContinueIsAnsweredBeforeTheBodyIsRead) {
  Client c(PortOf(*server_));
  c.Send("POST /upload/ HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_NE(c.Read("\r\n\r\n").find("100 Continue"), std::string::npos);
  c.Send("body");
  EXPECT_NE(c.Read("sink 4").find("sink 4"), std::string::npos);
}

TEST_F(BodySinkTest, ALengthOverTheLimitIs413BeforeAnySinkIsMade) {
  Client c(PortOf(*server_));
  c.Send("POST /upload/ HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" +
         std::string(100'000, 'x'));
  std::string out = c.Read();
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(c.closed()) << "read to the end: closed, not reset";
  std::lock_guard lock(sinks_.mu);
  EXPECT_EQ(sinks_.made, 0);
}

TEST_F(BodySinkTest, AChunkedBodyPastTheLimitIs413AndItsSinkDropped) {
  Client c(PortOf(*server_));
  c.Send("POST /upload/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'y') + "\r\n";
  // 20 chunks of 64 KiB: past the limit of 1 MiB (the server may stop reading before the last).
  for (int i = 0; i < 20; ++i) {
    if (::send(c.fd(), chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;
  }
  std::string out = c.Read();
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out;
  EXPECT_TRUE(sinks_.AllDropped());
  std::lock_guard lock(sinks_.mu);
  EXPECT_EQ(sinks_.made, 1);
  EXPECT_TRUE(sinks_.finished.empty()) << "the handler never saw it";
}

TEST_F(BodySinkTest, ABodyThatStopsComingIsDroppedWithItsSink) {
  Client c(PortOf(*server_));
  c.Send("POST /upload/ HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n" +
         std::string(1000, 'z'));
  // Nothing more comes: after the piece timeout the connection is closed, the sink dropped.
  EXPECT_EQ(c.Read(), "");
  EXPECT_TRUE(c.closed());
  EXPECT_TRUE(sinks_.AllDropped());
  std::lock_guard lock(sinks_.mu);
  EXPECT_EQ(sinks_.made, 1);
  EXPECT_TRUE(sinks_.finished.empty());
}

TEST_F(BodySinkTest, ASinkThatCannotBeMadeIs503AndTheBodyIsNotRead) {
  Client c(PortOf(*server_));
  c.Send("POST /upload/ HTTP/1.1\r\nHost: x\r\nX-Refuse: 1\r\nContent-Length: 10\r\n\r\n");
  std::string out = c.Read();
  EXPECT_EQ(out.rfind("HTTP/1.1 503", 0), 0u) << out;
}

TEST_F(BodySinkTest, ARefusedBodyIsAnsweredAtOnceAndNeverReachesASink) {
  Client c(PortOf(*server_));
  // The factory refuses from the head: its answer comes before the client has sent its body,
  // and what the client then sends is dropped, not handed to anything.
  c.Send(
      "POST /upload/ HTTP/1.1\r\nHost: x\r\nAuthorization: no\r\nContent-Length: 900000\r\n\r\n");
  std::string out = c.Read();  // the whole answer, then our side's end of the connection
  EXPECT_EQ(out.rfind("HTTP/1.1 401", 0), 0u) << out;
  EXPECT_NE(out.find("Who are you?"), std::string::npos) << out;
  EXPECT_TRUE(c.closed());
  c.Send(Pattern(900'000));  // read and dropped while the server lingers
  EXPECT_EQ(sinks_made_.load(), 0);
  std::lock_guard lock(sinks_.mu);
  EXPECT_TRUE(sinks_.finished.empty());
}

TEST(BodyFile, KeepsTheBodyInItsFolderAndRemovesItWhenDropped) {
  const auto folder = std::filesystem::path(testing::TempDir()) / "body-file-test";
  std::filesystem::path path;
  {
    auto file = BodyFile::Create(folder);
    ASSERT_TRUE(file.ok()) << file.error().message;
    path = (*file)->path();
    EXPECT_EQ(path.parent_path(), folder);
    ASSERT_TRUE((*file)->Write("one ").ok());
    ASSERT_TRUE((*file)->Write("two").ok());
    EXPECT_EQ((*file)->size(), 7);
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), "one two");
    HttpRequest req;
    EXPECT_EQ(BodyFileOf(req), nullptr);
    req.body_sink = *file;
    EXPECT_EQ(BodyFileOf(req), file->get());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace cinepress
