// The one translation unit that includes Boost.Beast (heavy headers stay here).
#include "http/http_server.h"

#include <sys/resource.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "http/entity.h"

namespace cinepress {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

class Server;

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

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server& server);
  ~Session();
  void Run();
  // Closes the connection if it is waiting for a request (for shutdown).
  void CloseIfIdle();
  // Nothing of a next request has arrived (neither read nor waiting in the socket).
  bool Quiet();

 private:
  void Read();
  void OnRead(beast::error_code ec);
  void Respond(HttpResponse response, bool head, bool keep_alive);
  void OnWrite(beast::error_code ec, size_t bytes);
  void Close();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::span_body<const char>> res_;
  HttpRequest req_;
  HttpResponse resp_;
  Server& server_;
  std::string remote_;
  bool first_ = true;
  bool reading_ = false;
  bool keep_alive_ = false;
  Clock::time_point started_;
  Clock::time_point accepted_ = Clock::now();
};

class Server final : public HttpServer {
 public:
  Server(ServerOptions options, RequestHandler handler, ResponseObserver observer)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        observer_(std::move(observer)),
        accept_ioc_(std::make_unique<net::io_context>(1)) {
    // One event loop per thread, each with the connections it was given: no handing work
    // between threads, no locks on the hot path.
    for (unsigned i = 0; i < std::max(1u, options_.threads); ++i) {
      iocs_.push_back(std::make_unique<net::io_context>(1));
      work_.push_back(net::make_work_guard(*iocs_.back()));
    }
    work_.push_back(net::make_work_guard(*accept_ioc_));
  }

  ~Server() override {
    Shutdown(std::chrono::milliseconds(0));
    Wait();
    // Pending handlers are destroyed with their loops, and they hold sessions that unregister
    // themselves and sockets of the connection loops: the accept loop goes first, then the
    // connection loops, while every other member is still alive.
    acceptors_.clear();
    work_.clear();
    accept_ioc_.reset();
    iocs_.clear();
  }

  Status Listen() {
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
      unsigned long port = 0;
      try {
        port = std::stoul(spec.substr(colon + 1));
      } catch (...) {
        port = 70000;
      }
      if (ec || port > 65535) {
        return Error{ErrorCode::kInvalidInput,
                     "not an address and port: \"" + spec + "\"",
                     {},
                     0,
                     "--listen"};
      }
      auto acceptor = std::make_unique<tcp::acceptor>(*accept_ioc_);
      tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
      acceptor->open(endpoint.protocol(), ec);
      if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
      if (!ec) acceptor->bind(endpoint, ec);
      if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
      if (ec) {
        return Error{
            ErrorCode::kIo, "cannot listen on " + spec + ": " + ec.message(), {}, 0, "--listen"};
      }
      auto local = acceptor->local_endpoint();
      std::string shown = local.address().is_v6() ? "[" + local.address().to_string() + "]"
                                                  : local.address().to_string();
      endpoints_.push_back(shown + ":" + std::to_string(local.port()));
      acceptors_.push_back(std::move(acceptor));
    }
    for (auto& a : acceptors_) Accept(*a);
    for (auto& ioc : iocs_) threads_.emplace_back([&ioc] { ioc->run(); });
    threads_.emplace_back([this] { accept_ioc_->run(); });
    return {};
  }

  std::vector<std::string> endpoints() const override { return endpoints_; }
  int64_t open_connections() const override { return open_.load(); }

  void Shutdown(std::chrono::milliseconds grace) override {
    if (stopping_.exchange(true)) return;
    // Stop accepting — but first take the connections already waiting in the backlog: their
    // clients have sent a request and deserve an answer (with Connection: close).
    std::vector<std::future<void>> drained;
    for (auto& a : acceptors_) {
      auto done = std::make_shared<std::promise<void>>();
      drained.push_back(done->get_future());
      net::post(a->get_executor(), [this, &a, done] {
        beast::error_code ec;
        a->non_blocking(true, ec);
        for (int i = 0; i < 10000 && !ec; ++i) {
          tcp::socket socket(*iocs_[next_++ % iocs_.size()]);
          a->accept(socket, ec);
          if (!ec) std::make_shared<Session>(std::move(socket), *this)->Run();
        }
        a->close(ec);
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
    accept_ioc_->stop();
    for (auto& ioc : iocs_) ioc->stop();
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
  const RequestHandler& handler() const { return handler_; }
  const ResponseObserver& observer() const { return observer_; }

  void Register(Session* s, const std::weak_ptr<Session>& w) {
    std::lock_guard lock(sessions_mu_);
    sessions_[s] = w;
  }
  void Unregister(Session* s) {
    std::lock_guard lock(sessions_mu_);
    sessions_.erase(s);
  }
  std::atomic<int64_t> open_{0};

 private:
  void Accept(tcp::acceptor& acceptor) {
    net::io_context& target = *iocs_[next_++ % iocs_.size()];
    acceptor.async_accept(target, [this, &acceptor](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        // Out of file descriptors, say: wait a little instead of spinning.
        auto timer = std::make_shared<net::steady_timer>(acceptor.get_executor(),
                                                         std::chrono::milliseconds(50));
        timer->async_wait([this, &acceptor, timer](beast::error_code) { Accept(acceptor); });
        return;
      }
      // While shutting down, a connection accepted now still gets its one answer.
      if (open_.load() >= static_cast<int64_t>(options_.max_connections)) {
        beast::error_code ignored;
        socket.close(ignored);  // over the cap: refused at once, the others go on
      } else {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), *this)->Run();
      }
      Accept(acceptor);
    });
  }

  void CloseIdle() {
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(sessions_mu_);
      for (auto& [p, w] : sessions_) {
        if (auto s = w.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->CloseIfIdle();
  }

  ServerOptions options_;
  RequestHandler handler_;
  ResponseObserver observer_;
  std::unique_ptr<net::io_context> accept_ioc_;
  std::vector<std::unique_ptr<net::io_context>> iocs_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work_;
  size_t next_ = 0;  // the event loop that gets the next connection
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::vector<std::string> endpoints_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
};

Session::Session(tcp::socket&& socket, Server& server)
    : stream_(std::move(socket)), server_(server) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string();
  server_.open_++;
}

Session::~Session() {
  server_.Unregister(this);
  server_.open_--;
}

void Session::Run() {
  server_.Register(this, weak_from_this());
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
}

void Session::CloseIfIdle() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    // Waiting for a request and nothing of it has arrived: nothing is lost by closing. A
    // connection just accepted gets half a second for its first request to arrive.
    bool young = self->first_ && Clock::now() - self->accepted_ < std::chrono::milliseconds(500);
    if (self->reading_ && self->Quiet() && !young) self->Close();
  });
}

bool Session::Quiet() {
  beast::error_code ec;
  return buffer_.size() == 0 && stream_.socket().available(ec) == 0;
}

void Session::Read() {
  // Shutting down: a request already on its way is still answered, then the connection closes.
  if (server_.stopping() && !first_ && Quiet()) return Close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(server_.options().header_limit));
  parser_->body_limit(server_.options().body_limit);
  stream_.expires_after(first_ ? server_.options().header_timeout : server_.options().idle_timeout);
  reading_ = true;
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
}

void Session::OnRead(beast::error_code ec) {
  reading_ = false;
  started_ = Clock::now();
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset ||
      ec == net::error::eof) {
    return Close();
  }
  req_ = HttpRequest{};
  req_.remote_address = remote_;
  if (ec) {
    // What arrived cannot be read as HTTP: answer once and close.
    int status = ec == http::error::header_limit ? 431 : ec == http::error::body_limit ? 413 : 400;
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
  req_.method = std::string(msg.method_string());
  req_.target = std::string(msg.target());
  req_.version = static_cast<int>(msg.version());
  req_.headers.reserve(8);
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req_.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  req_.body = std::move(msg.body());
  const bool head = msg.method() == http::verb::head;
  const bool keep_alive = msg.keep_alive();
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
  res_ = {};
  res_.version(req_.version == 10 ? 10 : 11);
  res_.result(static_cast<unsigned>(resp_.status));
  res_.set(http::field::server, "cinepress");
  res_.set(http::field::date, DateHeader());
  for (const auto& [name, value] : resp_.headers) res_.set(name, value);
  std::string_view body = resp_.BodyView();
  const bool no_body = resp_.status == 304 || resp_.status == 204 || resp_.status < 200;
  if (!no_body) res_.content_length(body.size());
  if (!head && !no_body) res_.body() = {body.data(), body.size()};
  res_.keep_alive(keep_alive_);
  stream_.expires_after(server_.options().write_timeout);
  http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, size_t bytes) {
    self->OnWrite(ec, bytes);
  });
}

void Session::OnWrite(beast::error_code ec, size_t bytes) {
  if (const auto& observe = server_.observer()) {
    observe(req_, resp_, Clock::now() - started_, bytes);
  }
  resp_ = HttpResponse{};
  if (ec || !keep_alive_) return Close();
  first_ = false;
  Read();
}

void Session::Close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
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
  if (auto s = server->Listen(); !s) return s.error();
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace cinepress
