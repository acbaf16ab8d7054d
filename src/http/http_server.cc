// The one translation unit that includes Boost.Beast (heavy headers stay here).
//
// Shape: one event loop per thread. Each loop has its own listening socket on every endpoint
// (SO_REUSEPORT: the kernel spreads new connections over them), owns the connections it
// accepted, and sweeps their deadlines a few times a second — so the hot path takes no lock,
// hands nothing between threads and arms no timer per request. Requests are parsed by Beast;
// responses are written as two buffers, the header block and the (shared, cached) body — or, for
// a body from a BodyReader (a media file), the header block and then one piece at a time.
#include "http/http_server.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>

#include "http/entity.h"
#include "http/networks.h"

namespace cinepress {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using ReusePort = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

class Server;
class Session;

constexpr size_t kSinkPiece = 64 * 1024;  // a sink's body is read this much at a time
constexpr auto kLinger = std::chrono::seconds(2);

// The Date header, made once a second per thread.
const std::string& DateHeader() {
  thread_local int64_t last = 0;
  thread_local std::string value;
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  if (now != last) {
    last = now;
    value = HttpDate(now);
  }
  return value;
}

// One thread's event loop, its listeners and its connections.
// Member order matters: the loop's pending handlers hold sessions, which remove themselves from
// `sessions` when the loop is destroyed, so `sessions` is declared first (destroyed last).
struct Loop {
  // Touched only on this loop's thread. A vector with each session's slot in it (removal swaps
  // the last one in), so that the sweeper can walk it a slice at a time.
  std::vector<Session*> sessions;
  size_t sweep_next = 0;  // where the sweeper's next slice starts
  net::io_context ioc{1};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::unique_ptr<net::steady_timer> sweeper;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server& server, Loop& loop);
  ~Session();
  void Run();
  // Closes the connection if it waits for a request and nothing of one has arrived.
  void CloseIfIdle();
  // Kept alive and waiting for its next request, with nothing of it arrived: the first to go
  // when the server nears its connection cap.
  bool IdleKeepAlive();
  Clock::time_point last_active() const { return last_active_; }
  void Close();
  // False when this connection is one over its client's cap (see ServerOptions).
  bool within_address_cap() const { return within_address_cap_; }
  // Closes the connection if its deadline has passed (called by the loop's sweeper).
  void Sweep(Clock::time_point now);

 private:
  void Read();
  void OnHeader(beast::error_code ec);
  void OnRead(beast::error_code ec);
  // The request's line, headers and client address into req_ (its body apart).
  void TakeHead(const http::request_header<>& msg);
  // Calls the handler with req_ and writes its response.
  void Handle(bool head, bool keep_alive);
  // A body for a sink (ServerOptions::body_sinks): read 64 KiB at a time, each piece within
  // body_piece_timeout, and handed to sink_.
  bool StartSink();
  void ReadPiece();
  void OnPiece(beast::error_code ec);
  // After an answer that closes the connection while the client may still be sending its body
  // (413): our side shut, what still comes read and dropped for a moment, then closed — so that
  // the client reads the answer rather than a reset.
  void Linger();
  void DropMore();
  void Respond(HttpResponse response, bool head, bool keep_alive);
  // A body from a reader (HttpResponse::reader): the next piece read and written, each within
  // the write timeout, until the promised length is sent.
  void StreamNext(beast::error_code ec, size_t bytes);
  void OnWrite(beast::error_code ec, size_t bytes);
  bool Quiet();

  tcp::socket socket_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::buffer_body>> sink_parser_;
  std::shared_ptr<BodySink> sink_;
  std::unique_ptr<char[]> piece_in_;  // the piece of a sink's body being read
  bool linger_ = false;
  std::string head_;
  std::string piece_;  // the piece of a streamed body being written
  size_t stream_at_ = 0, stream_end_ = 0, written_ = 0;
  HttpRequest req_;
  HttpResponse resp_;
  Server& server_;
  Loop& loop_;
  std::string remote_;
  net::ip::address remote_ip_;
  std::string client_key_;  // what the per-address cap counts (an IPv6 client: its /64); "": none
  bool within_address_cap_ = true;
  size_t slot_ = SIZE_MAX;  // in loop_.sessions, once running
  bool first_ = true;
  bool reading_ = false;
  bool keep_alive_ = false;
  bool closed_ = false;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point started_;
  Clock::time_point last_active_ = Clock::now();  // accepted, or last response written
};

net::ip::address Plain(const net::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  }
  return a;
}

class Server final : public HttpServer {
 public:
  Server(ServerOptions options, RequestHandler handler, ResponseObserver observer)
      : options_(std::move(options)), handler_(std::move(handler)), observer_(std::move(observer)) {
    for (unsigned i = 0; i < std::max(1u, options_.threads); ++i) {
      loops_.push_back(std::make_unique<Loop>());
      work_.push_back(net::make_work_guard(loops_.back()->ioc));
    }
  }

  ~Server() override {
    Shutdown(std::chrono::milliseconds(0));
    Wait();
    // Pending handlers hold sessions, which count themselves out of this object: the loops go
    // while every other member is still whole.
    work_.clear();
    loops_.clear();
  }

  Status Listen() {
    auto trusted = NetworkList::Parse(options_.trusted_proxies, "--trusted-proxy");
    if (!trusted) return trusted.error();
    trusted_ = std::move(*trusted);
    auto uncapped = NetworkList::Parse(options_.uncapped, "--max-connections-per-ip");
    if (!uncapped) return uncapped.error();
    uncapped_ = std::move(*uncapped);
    for (const std::string& spec : options_.listen) {
      size_t colon = spec.rfind(':');
      if (colon == std::string::npos) {
        return Error{ErrorCode::kInvalidInput,
                     "expected ADDRESS:PORT, got \"" + spec + "\"",
                     {},
                     0,
                     "--listen"};
      }
      std::string host = spec.substr(0, colon);
      if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
      }
      beast::error_code ec;
      auto address = net::ip::make_address(host, ec);
      unsigned long port = 70000;
      try {
        port = std::stoul(spec.substr(colon + 1));
      } catch (...) {
      }
      if (ec || port > 65535) {
        return Error{ErrorCode::kInvalidInput,
                     "not an address and port: \"" + spec + "\"",
                     {},
                     0,
                     "--listen"};
      }
      tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
      // One listener, on the first loop, deals connections to every loop in turn: an even
      // share for each, which SO_REUSEPORT's hashing does not give with few connections.
      for (auto& loop : std::span(loops_).first(1)) {
        auto acceptor = std::make_unique<tcp::acceptor>(loop->ioc);
        acceptor->open(endpoint.protocol(), ec);
        if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
        if (!ec) acceptor->bind(endpoint, ec);
        if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
        if (ec) {
          return Error{
              ErrorCode::kIo, "cannot listen on " + spec + ": " + ec.message(), {}, 0, "--listen"};
        }
        // Port 0: the first listener picks a port, the others share it.
        endpoint = acceptor->local_endpoint();
        loop->acceptors.push_back(std::move(acceptor));
      }
      std::string shown = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]"
                                                     : endpoint.address().to_string();
      endpoints_.push_back(shown + ":" + std::to_string(endpoint.port()));
    }
    for (auto& loop : loops_) {
      for (auto& a : loop->acceptors) Accept(*loop, *a);
      loop->sweeper = std::make_unique<net::steady_timer>(loop->ioc);
      Sweep(*loop);
      threads_.emplace_back([l = loop.get()] { l->ioc.run(); });
    }
    if (options_.pin_threads) PinThreads();
    if (options_.batch_scheduling) {
      // Like pinning, an optimisation: a system that refuses it changes nothing else.
      sched_param none{};
      for (auto& t : threads_) (void)pthread_setschedparam(t.native_handle(), SCHED_BATCH, &none);
    }
    return {};
  }

  std::vector<std::string> endpoints() const override { return endpoints_; }
  int64_t open_connections() const override { return open_.load(); }
  size_t max_connections() const override { return cap_; }

  // Each connection takes a descriptor: the cap leaves room below the process's limit for what
  // else needs them — the store's connections (a database, its WAL and its index each), the
  // access log, the listeners and each loop's epoll, eventfd and timer.
  void FitCapToDescriptors() {
    cap_ = options_.max_connections;
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return;
    const rlim_t reserve = 128 + 16 * static_cast<rlim_t>(loops_.size());
    const rlim_t room = lim.rlim_cur > 2 * reserve ? lim.rlim_cur - reserve : lim.rlim_cur / 2;
    cap_ = std::min<size_t>(cap_, room);
  }

  // Counts a connection from this client; false when it is one over the per-address cap (the
  // caller closes it, which counts it out again).
  // Whether the per-address cap applies to a client at this address.
  bool Capped(const std::string& address) const {
    return options_.max_connections_per_ip > 0 && !trusted_.Contains(address) &&
           !uncapped_.Contains(address);
  }
  bool CountIn(const std::string& key) {
    std::lock_guard lock(per_ip_mu_);
    const size_t n = ++per_ip_[key];
    return options_.max_connections_per_ip == 0 || n <= options_.max_connections_per_ip;
  }
  void CountOut(const std::string& key) {
    std::lock_guard lock(per_ip_mu_);
    auto it = per_ip_.find(key);
    if (it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
  }

  void Shutdown(std::chrono::milliseconds grace) override {
    if (stopping_.exchange(true)) return;
    // Stop accepting — but first take the connections already waiting in the backlog: their
    // clients have sent a request and deserve an answer (with Connection: close).
    std::vector<std::future<void>> drained;
    for (auto& loop : loops_) {
      auto done = std::make_shared<std::promise<void>>();
      drained.push_back(done->get_future());
      net::post(loop->ioc, [this, l = loop.get(), done] {
        for (auto& a : l->acceptors) {
          beast::error_code ec;
          a->non_blocking(true, ec);
          for (int i = 0; i < 10000 && !ec; ++i) {
            tcp::socket socket(l->ioc);
            a->accept(socket, ec);
            if (!ec) std::make_shared<Session>(std::move(socket), *this, *l)->Run();
          }
          a->close(ec);
        }
        done->set_value();
      });
    }
    for (auto& f : drained) f.wait_for(std::chrono::seconds(1));
    // Close connections that wait for a request; the others finish their response first.
    CloseIdle();
    auto deadline = Clock::now() + grace;
    while (open_.load() > 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      CloseIdle();
    }
    for (auto& w : work_) w.reset();
    for (auto& loop : loops_) loop->ioc.stop();
    {
      std::lock_guard lock(done_mu_);
      done_ = true;
    }
    done_cv_.notify_all();
  }

  void Wait() override {
    {
      std::unique_lock lock(done_mu_);
      done_cv_.wait(lock, [this] { return done_; });
    }
    for (auto& t : threads_) {
      if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
    }
  }

  bool stopping() const { return stopping_.load(); }
  const ServerOptions& options() const { return options_; }
  // The body limit of a request to `target` (ServerOptions::body_limits, else body_limit).
  size_t BodyLimitFor(std::string_view target) const {
    size_t limit = options_.body_limit, matched = 0;
    for (const auto& [prefix, bytes] : options_.body_limits) {
      if (prefix.size() >= matched && target.substr(0, prefix.size()) == prefix) {
        limit = bytes;
        matched = prefix.size();
      }
    }
    return limit;
  }
  // The factory of the sink that takes the bodies of requests to `target`, or null.
  const BodySinkFactory* SinkFor(std::string_view target) const {
    const BodySinkFactory* found = nullptr;
    size_t matched = 0;
    for (const auto& entry : options_.body_sinks) {
      const std::string& prefix = entry.first;
      if (prefix.size() >= matched && target.substr(0, prefix.size()) == prefix) {
        found = &entry.second;
        matched = prefix.size();
      }
    }
    return found;
  }
  size_t largest_body_limit() const {
    size_t limit = options_.body_limit;
    for (const auto& entry : options_.body_limits) limit = std::max(limit, entry.second);
    return limit;
  }
  bool Trusted(const net::ip::address& a) const { return trusted_.Contains(a.to_string()); }
  bool TrustsSomeone() const { return !trusted_.empty(); }
  // The client's address for a request that came from `peer` with these X-Forwarded-For values
  // (in order): from the right, the first address that is not a trusted proxy.
  std::string ClientAddress(const net::ip::address& peer,
                            const std::vector<std::string_view>& forwarded) const {
    net::ip::address client = peer;
    if (!Trusted(peer)) return client.to_string();
    for (auto v = forwarded.rbegin(); v != forwarded.rend(); ++v) {
      std::string_view list = *v;
      while (!list.empty()) {
        const size_t comma = list.rfind(',');
        std::string_view item = comma == std::string_view::npos ? list : list.substr(comma + 1);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
          item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        // Some proxies add the port: "203.0.113.7:51234", "[2001:db8::5]:51234".
        if (item.size() > 2 && item.front() == '[') {
          item = item.substr(1, item.find(']') == std::string_view::npos ? 0 : item.find(']') - 1);
        } else if (std::count(item.begin(), item.end(), ':') == 1) {
          item = item.substr(0, item.find(':'));
        }
        beast::error_code ec;
        auto a = net::ip::make_address(std::string(item), ec);
        if (ec) return client.to_string();  // not an address: what came before it is kept
        client = Plain(a);
        if (!Trusted(client)) return client.to_string();
      }
    }
    return client.to_string();
  }
  const RequestHandler& handler() const { return handler_; }
  const ResponseObserver& observer() const { return observer_; }
  std::atomic<int64_t> open_{0};

 private:
  void Accept(Loop& loop, tcp::acceptor& acceptor) {
    Loop& target = *loops_[next_++ % loops_.size()];
    acceptor.async_accept(target.ioc, [this, &loop, &target, &acceptor](beast::error_code ec,
                                                                        tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        // Out of file descriptors, say: wait a little instead of spinning.
        auto timer = std::make_shared<net::steady_timer>(loop.ioc, std::chrono::milliseconds(50));
        timer->async_wait(
            [this, &loop, &acceptor, timer](beast::error_code) { Accept(loop, acceptor); });
        return;
      }
      const auto open = static_cast<size_t>(std::max<int64_t>(0, open_.load()));
      // Near the cap (7/8 of it), idle keep-alive connections make room: a client that is
      // waiting for an answer, or about to get one, matters more than one that may come back.
      if (open + std::max<size_t>(1, cap_ / 8) >= cap_) Shed(open);
      if (open >= cap_) {
        beast::error_code ignored;
        socket.close(ignored);  // over the cap: refused at once, the others go on
      } else {
        // While shutting down, a connection accepted now still gets its one answer.
        socket.set_option(tcp::no_delay(true), ec);
        auto session = std::make_shared<Session>(std::move(socket), *this, target);
        if (session->within_address_cap()) {
          net::post(target.ioc, [session] { session->Run(); });
        } else {
          session->Close();  // over its address's cap: the others from it go on
        }
      }
      Accept(loop, acceptor);
    });
  }

  // Loop i on the i-th core this process may use, when each loop can have a core of its own.
  // Pinning is an optimisation: a failure (a container that forbids it) changes nothing else.
  void PinThreads() {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return;
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
    }
    if (threads_.size() < 2 || threads_.size() > cpus.size()) return;
    for (size_t i = 0; i < threads_.size(); ++i) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpus[i], &one);
      (void)pthread_setaffinity_np(threads_[i].native_handle(), sizeof(one), &one);
    }
  }

  // Deadlines are checked by one timer per loop, not one per request.
  // A slice of the loop's sessions every 20 ms, so that every session is looked at within half a
  // second: with thousands of idle connections, walking them all at once held the loop for a
  // millisecond, which requests arriving meanwhile waited for (p99 with 10,000 idle connections
  // was twice what it is without them).
  void Sweep(Loop& loop) {
    loop.sweeper->expires_after(std::chrono::milliseconds(20));
    loop.sweeper->async_wait([this, &loop](beast::error_code ec) {
      if (ec) return;
      const auto now = Clock::now();
      const size_t n = loop.sessions.size();
      const size_t slice = std::max<size_t>(64, (n + 24) / 25);
      std::vector<std::shared_ptr<Session>> due;
      due.reserve(std::min(slice, n));
      for (size_t k = 0; k < slice && k < n; ++k) {
        if (loop.sweep_next >= loop.sessions.size()) loop.sweep_next = 0;
        if (auto p = loop.sessions[loop.sweep_next++]->weak_from_this().lock()) {
          due.push_back(std::move(p));
        }
      }
      for (auto& s : due) s->Sweep(now);  // may close them: `sessions` changes after this loop
      Sweep(loop);
    });
  }

  // Closes idle keep-alive connections, the longest idle first, until (about) a quarter of the
  // cap is free again. At most once every 50 ms: a burst of new connections asks for it once.
  void Shed(size_t open) {
    const auto now = Clock::now();
    if (now - last_shed_ < std::chrono::milliseconds(50)) return;
    last_shed_ = now;
    const size_t target = cap_ - cap_ / 4;
    const size_t per_loop = (open > target ? open - target : 0) / loops_.size() + 1;
    for (auto& loop : loops_) {
      net::post(loop->ioc, [l = loop.get(), per_loop] {
        std::vector<std::shared_ptr<Session>> idle;
        for (Session* s : l->sessions) {
          if (auto p = s->weak_from_this().lock(); p && p->IdleKeepAlive()) {
            idle.push_back(std::move(p));
          }
        }
        const size_t n = std::min(per_loop, idle.size());
        std::partial_sort(
            idle.begin(), idle.begin() + static_cast<ptrdiff_t>(n), idle.end(),
            [](const auto& a, const auto& b) { return a->last_active() < b->last_active(); });
        for (size_t i = 0; i < n; ++i) idle[i]->Close();
      });
    }
  }

  void CloseIdle() {
    for (auto& loop : loops_) {
      net::post(loop->ioc, [l = loop.get()] {
        std::vector<std::shared_ptr<Session>> live;
        for (Session* s : l->sessions) {
          if (auto p = s->weak_from_this().lock()) live.push_back(std::move(p));
        }
        for (auto& s : live) s->CloseIfIdle();
      });
    }
  }

  ServerOptions options_;
  RequestHandler handler_;
  ResponseObserver observer_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::string> endpoints_;
  std::vector<std::thread> threads_;
  NetworkList trusted_;
  NetworkList uncapped_;
  size_t cap_ = 0;  // the connection cap in force (FitCapToDescriptors)
  std::mutex per_ip_mu_;
  std::unordered_map<std::string, size_t> per_ip_;  // open connections by client_key
  Clock::time_point last_shed_;                     // used on the first loop only
  std::atomic<bool> stopping_{false};
  size_t next_ = 0;  // the loop that gets the next connection (used on the first loop only)
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
};

Session::Session(tcp::socket&& socket, Server& server, Loop& loop)
    : socket_(std::move(socket)), server_(server), loop_(loop) {
  beast::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) {
    remote_ip_ = Plain(ep.address());
    remote_ = remote_ip_.to_string();
    if (server_.Capped(remote_)) client_key_ = ClientNetwork(remote_);
  }
  within_address_cap_ = client_key_.empty() || server_.CountIn(client_key_);
  server_.open_++;
}

Session::~Session() {
  if (slot_ != SIZE_MAX) {
    auto& v = loop_.sessions;
    v[slot_] = v.back();
    v[slot_]->slot_ = slot_;
    v.pop_back();
  }
  if (!client_key_.empty()) server_.CountOut(client_key_);
  server_.open_--;
}

void Session::Run() {
  slot_ = loop_.sessions.size();
  loop_.sessions.push_back(this);
  Read();
}

bool Session::Quiet() {
  beast::error_code ec;
  return buffer_.size() == 0 && socket_.available(ec) == 0;
}

void Session::CloseIfIdle() {
  // Waiting for a request and nothing of it has arrived: nothing is lost by closing. A
  // connection active in the last half second (just accepted, or just answered) may have a
  // request on its way: it gets that half second for it to arrive.
  bool recent = Clock::now() - last_active_ < std::chrono::milliseconds(500);
  if (reading_ && Quiet() && !recent) Close();
}

bool Session::IdleKeepAlive() { return reading_ && !first_ && !closed_ && Quiet(); }

void Session::Sweep(Clock::time_point now) {
  if (now > deadline_) Close();  // the pending read or write ends with operation_aborted
}

void Session::Read() {
  // Shutting down: a request already on its way is still answered, then the connection closes.
  if (server_.stopping() && !first_ && Quiet()) return Close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(server_.options().header_limit));
  parser_->body_limit(server_.largest_body_limit());
  deadline_ =
      Clock::now() + (first_ ? server_.options().header_timeout : server_.options().idle_timeout);
  reading_ = true;
  // The header first: its framing is checked, and a client that waits for 100 Continue is
  // answered, before any of the body is read.
  http::async_read_header(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

// What is wrong with a request's framing or Host (RFC 9112 §3.2, §6.1, §6.3), or "" when
// nothing is. A request that two parsers could frame differently is refused, never guessed at:
// a proxy in front of us may frame it the other way (request smuggling).
std::string_view FramingProblem(const http::request_parser<http::string_body>& parser) {
  const auto& msg = parser.get();
  const auto te = msg.base().equal_range(http::field::transfer_encoding);
  if (te.first != te.second) {
    if (msg.base().count(http::field::content_length) > 0) {
      return "Transfer-Encoding and Content-Length together\n";
    }
    // The codings of every Transfer-Encoding line, in order: only "chunked", once and last.
    std::vector<std::string> codings;
    for (auto it = te.first; it != te.second; ++it) {
      for (auto coding : http::token_list(it->value())) {
        codings.emplace_back(coding.data(), coding.size());
      }
    }
    if (codings.size() != 1 || !beast::iequals(codings.back(), "chunked") || msg.version() < 11) {
      return "Unsupported Transfer-Encoding: only chunked\n";
    }
  }
  if (msg.version() >= 11 && msg.base().count(http::field::host) != 1) {
    return "An HTTP/1.1 request needs exactly one Host header\n";
  }
  return {};
}

void Session::OnHeader(beast::error_code ec) {
  if (ec) return OnRead(ec);
  if (std::string_view problem = FramingProblem(*parser_); !problem.empty()) {
    reading_ = false;
    deadline_ = Clock::time_point::max();
    started_ = Clock::now();
    req_ = HttpRequest{};
    req_.remote_address = remote_;
    req_.method = std::string(parser_->get().method_string());
    req_.target = std::string(parser_->get().target());
    req_.version = static_cast<int>(parser_->get().version());
    HttpResponse r = TextResponse(400, std::string(problem));
    r.close = true;  // what follows on this connection cannot be framed: never read it
    return Respond(std::move(r), false, false);
  }
  if (parser_->is_done()) return OnRead({});
  // The header was read under the largest limit of any path: the body's own path decides now,
  // before any of the body is read (a chunked body is counted against it as it comes).
  const size_t limit = server_.BodyLimitFor(parser_->get().target());
  if (const auto length = parser_->content_length(); length && *length > limit) {
    return OnRead(http::error::body_limit);
  }
  parser_->body_limit(limit);
  // A body follows. The header has come: the connection is busy, not idle, from here on.
  reading_ = false;
  if (server_.SinkFor(parser_->get().target()) && !StartSink()) return;
  auto read_body = [self = shared_from_this()] {
    self->reading_ = false;
    if (self->sink_) return self->ReadPiece();
    http::async_read(self->socket_, self->buffer_, *self->parser_,
                     [self](beast::error_code ec, size_t) { self->OnRead(ec); });
  };
  const auto& msg = sink_parser_ ? sink_parser_->get().base() : parser_->get().base();
  if (msg.version() >= 11 && beast::iequals(msg[http::field::expect], "100-continue")) {
    // The client waits for this before it sends the body (RFC 9110 §10.1.1).
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    return net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                            [self = shared_from_this(), read_body](beast::error_code ec, size_t) {
                              if (ec) return self->Close();
                              read_body();
                            });
  }
  read_body();
}

void Session::OnRead(beast::error_code ec) {
  reading_ = false;
  deadline_ = Clock::time_point::max();
  started_ = Clock::now();
  sink_.reset();  // a body cut short or refused: its sink leaves nothing behind
  sink_parser_.reset();
  piece_in_.reset();
  if (closed_ || ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset || ec == net::error::eof ||
      ec == net::error::bad_descriptor) {
    return Close();
  }
  req_ = HttpRequest{};
  req_.remote_address = remote_;
  if (ec) {
    // What arrived cannot be read as HTTP: answer once and close.
    int status = ec == http::error::header_limit ? 431 : ec == http::error::body_limit ? 413 : 400;
    linger_ = status == 413;  // the client may be sending the rest of its body
    req_.method = "-";
    req_.target = "-";
    const char* text = status == 431   ? "Request header fields too large\n"
                       : status == 413 ? "Request body too large\n"
                                       : "Bad request\n";
    HttpResponse r = TextResponse(status, text);
    r.close = true;
    return Respond(std::move(r), false, false);
  }
  auto& msg = parser_->get();
  TakeHead(msg);
  req_.body = std::move(msg.body());
  Handle(msg.method() == http::verb::head, msg.keep_alive());
}

void Session::TakeHead(const http::request_header<>& msg) {
  req_.method = std::string(msg.method_string());
  req_.target = std::string(msg.target());
  req_.version = static_cast<int>(msg.version());
  req_.headers.reserve(8);
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req_.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  if (server_.TrustsSomeone()) {
    std::vector<std::string_view> forwarded;
    for (const auto& [name, value] : req_.headers) {
      if (name == "x-forwarded-for") forwarded.push_back(value);
    }
    req_.remote_address = server_.ClientAddress(remote_ip_, forwarded);
  }
}

bool Session::StartSink() {
  req_ = HttpRequest{};
  req_.remote_address = remote_;
  TakeHead(parser_->get().base());
  const size_t limit = server_.BodyLimitFor(parser_->get().target());
  auto decided = (*server_.SinkFor(req_.target))(req_);
  std::shared_ptr<BodySink>* sink =
      decided ? std::get_if<std::shared_ptr<BodySink>>(&*decided) : nullptr;
  if (!sink || !*sink) {
    started_ = Clock::now();
    deadline_ = Clock::time_point::max();
    HttpResponse* refusal = decided ? std::get_if<HttpResponse>(&*decided) : nullptr;
    HttpResponse r =
        refusal ? std::move(*refusal)
                : TextResponse(503, "The body cannot be taken now. Try again in a moment.\n");
    r.close = true;  // its body is never read
    linger_ = true;
    Respond(std::move(r), false, false);
    return false;
  }
  sink_ = std::move(*sink);
  // The header is read; from here the body goes a piece at a time into a buffer of ours.
  sink_parser_.emplace(std::move(*parser_));
  sink_parser_->body_limit(limit);
  piece_in_ = std::make_unique<char[]>(kSinkPiece);
  return true;
}

void Session::ReadPiece() {
  auto& body = sink_parser_->get().body();
  body.data = piece_in_.get();
  body.size = kSinkPiece;
  deadline_ = Clock::now() + server_.options().body_piece_timeout;
  http::async_read(
      socket_, buffer_, *sink_parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnPiece(ec); });
}

void Session::OnPiece(beast::error_code ec) {
  if (ec == http::error::need_buffer) ec = {};  // the piece is full: hand it on, read the next
  if (!ec && !closed_) {
    const size_t n = kSinkPiece - sink_parser_->get().body().size;
    if (n > 0) {
      if (auto written = sink_->Write(std::string_view(piece_in_.get(), n)); !written) {
        sink_.reset();
        sink_parser_.reset();
        piece_in_.reset();
        started_ = Clock::now();
        deadline_ = Clock::time_point::max();
        HttpResponse r = TextResponse(500, "The body could not be kept.\n");
        r.close = true;
        linger_ = true;
        return Respond(std::move(r), false, false);
      }
    }
    if (!sink_parser_->is_done()) return ReadPiece();
  }
  if (ec || closed_) return OnRead(ec ? ec : net::error::operation_aborted);
  reading_ = false;
  deadline_ = Clock::time_point::max();
  started_ = Clock::now();
  const bool keep_alive = sink_parser_->get().keep_alive();
  req_.body_sink = std::move(sink_);
  sink_parser_.reset();
  piece_in_.reset();
  Handle(false, keep_alive);
}

void Session::Handle(bool head, bool keep_alive) {
  HttpResponse r;
  try {
    r = server_.handler()(req_);
  } catch (const std::exception&) {
    r = TextResponse(500, "Internal server error\n");
  }
  Respond(std::move(r), head, keep_alive);
}

void Session::Respond(HttpResponse response, bool head, bool keep_alive) {
  resp_ = std::move(response);
  keep_alive_ = keep_alive && !resp_.close && !server_.stopping();
  const int status = resp_.status;
  head_.clear();
  head_ += req_.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head_ += std::to_string(status);
  head_ += ' ';
  auto reason = http::obsolete_reason(static_cast<http::status>(status));
  head_.append(reason.data(), reason.size());
  head_ += "\r\nServer: cinepress\r\nDate: ";
  head_ += DateHeader();
  head_ += "\r\n";
  if (resp_.header_block) head_ += *resp_.header_block;
  for (const auto& header : server_.options().headers) {
    // The handler knows better. (Its shared header_block, made for cached pages, is not looked
    // in: it holds no header of this kind, and reading it for every response costs.) No
    // structured binding here: clang 14, the fuzz build's compiler, cannot capture one.
    const std::string& name = header.first;
    if (std::any_of(resp_.headers.begin(), resp_.headers.end(),
                    [&](const auto& h) { return beast::iequals(h.first, name); })) {
      continue;
    }
    head_ += name;
    head_ += ": ";
    head_ += header.second;
    head_ += "\r\n";
  }
  for (const auto& [name, value] : resp_.headers) {
    // A header never carries a line break, whatever a handler put in it.
    if (name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      continue;
    }
    head_ += name;
    head_ += ": ";
    head_ += value;
    head_ += "\r\n";
  }
  std::string_view body = resp_.BodyView();
  const bool no_body = status == 304 || status == 204 || status < 200;
  if (!no_body) {
    head_ += "Content-Length: ";
    head_ += std::to_string(resp_.BodySize());
    head_ += "\r\n";
  }
  if (!keep_alive_) {
    head_ += "Connection: close\r\n";
  } else if (req_.version == 10) {
    head_ += "Connection: keep-alive\r\n";
  }
  head_ += "\r\n";
  deadline_ = Clock::now() + server_.options().write_timeout;
  if (resp_.reader && !head && !no_body) {
    stream_at_ = resp_.offset;
    stream_end_ = resp_.offset + resp_.BodySize();
    written_ = 0;
    return net::async_write(socket_, net::buffer(head_),
                            [self = shared_from_this()](beast::error_code ec, size_t bytes) {
                              self->StreamNext(ec, bytes);
                            });
  }
  std::array<net::const_buffer, 2> buffers{
      net::buffer(head_),
      head || no_body ? net::const_buffer() : net::const_buffer(body.data(), body.size())};
  net::async_write(socket_, buffers,
                   [self = shared_from_this()](beast::error_code ec, size_t bytes) {
                     self->OnWrite(ec, bytes);
                   });
}

void Session::StreamNext(beast::error_code ec, size_t bytes) {
  written_ += bytes;
  if (!ec && !closed_ && stream_at_ < stream_end_) {
    // One piece in memory per connection, whatever the file's size.
    constexpr size_t kPiece = 256 * 1024;
    auto piece = resp_.reader->Read(static_cast<int64_t>(stream_at_),
                                    std::min(kPiece, stream_end_ - stream_at_));
    if (piece && !piece->empty()) {
      piece_ = std::move(*piece);
      if (piece_.size() > stream_end_ - stream_at_) piece_.resize(stream_end_ - stream_at_);
      stream_at_ += piece_.size();
      deadline_ = Clock::now() + server_.options().write_timeout;
      return net::async_write(
          socket_, net::buffer(piece_),
          [self = shared_from_this()](beast::error_code e, size_t n) { self->StreamNext(e, n); });
    }
    // The bytes cannot be read (the file was replaced, the store is gone): fewer bytes than
    // promised, so the connection must end for the client to know.
    ec = net::error::broken_pipe;
  }
  piece_ = std::string();
  OnWrite(ec, written_);
}

void Session::OnWrite(beast::error_code ec, size_t bytes) {
  deadline_ = Clock::time_point::max();
  last_active_ = Clock::now();
  resp_.body_sent = bytes > head_.size() ? bytes - head_.size() : 0;
  if (const auto& observe = server_.observer()) {
    observe(req_, resp_, Clock::now() - started_, bytes);
  }
  resp_ = HttpResponse{};
  req_.body_sink.reset();  // the body's file (say) goes now, not with the next request
  if (linger_ && !closed_) return Linger();
  if (ec || !keep_alive_ || closed_) return Close();
  first_ = false;
  Read();
}

void Session::Linger() {
  linger_ = false;
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  deadline_ = Clock::now() + kLinger;  // the sweeper closes it then, whatever still comes
  piece_in_ = std::make_unique<char[]>(kSinkPiece);
  DropMore();
}

void Session::DropMore() {
  socket_.async_read_some(net::buffer(piece_in_.get(), kSinkPiece),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec || self->closed_) return self->Close();
                            self->DropMore();
                          });
}

void Session::Close() {
  if (closed_) return;
  closed_ = true;
  deadline_ = Clock::time_point::max();
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  socket_.close(ec);
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options, RequestHandler handler,
                                                      ResponseObserver observer) {
  // Thousands of connections need thousands of descriptors: take what the system allows.
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  auto server =
      std::make_unique<Server>(std::move(options), std::move(handler), std::move(observer));
  server->FitCapToDescriptors();
  if (auto s = server->Listen(); !s) return s.error();
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace cinepress
