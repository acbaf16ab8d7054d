// HttpServer: HTTP/1.1 over TCP on Boost.Beast and Asio, on every core. It knows nothing of
// content: it is handed a function from request to response, and it takes care of the
// protocol and of strangers — limits (431, 413, a connection cap overall and per client
// address; near it, idle keep-alive connections are closed first), timeouts for slow clients,
// 400 and close for what does not parse or could be framed two ways (request smuggling),
// 100 Continue, keep-alive and pipelining, HEAD, graceful shutdown; bodies too large to hold
// (uploads) handed to a BodySink a piece at a time; after a 413, what the client still sends is
// read and dropped for a moment, so that it reads the answer instead of a reset connection.
// Contract: the handler is called on the server's threads, concurrently; it must be thread-safe
// and must not block for long. Start returns once every endpoint listens.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"
#include "http/message.h"

namespace cinepress {

// What a sink factory decides from a request's head (its body not read yet): the sink that takes
// the body, or the answer given at once instead — a refusal (401, 403, a 303 to a sign-in page):
// none of the body is read or kept; what the client still sends is read and dropped for a
// moment and the connection closed, as after a 413.
using SinkOrAnswer = std::variant<std::shared_ptr<BodySink>, HttpResponse>;
// Makes the sink that takes one request's body, or refuses it; an error answers 503 without
// reading the body.
using BodySinkFactory = std::function<Result<SinkOrAnswer>(const HttpRequest& head)>;

struct ServerOptions {
  std::vector<std::string> listen = {"127.0.0.1:8080"};  // ADDR:PORT; [v6]:PORT
  unsigned threads = 1;
  // Open connections at most. Each takes a file descriptor: the server raises its soft limit of
  // descriptors to the hard one and lowers this cap to leave room for the store, logs and its
  // own loops (max_connections() says what it took).
  size_t max_connections = 50000;
  // Open connections from one client address at most (an IPv6 client: from its /64, which one
  // machine usually has whole); more are closed at once. 0: no such cap.
  size_t max_connections_per_ip = 256;
  // Clients the per-address cap does not apply to (addresses or networks), besides the trusted
  // proxies, which carry everyone's connections: by default this machine's own (a proxy in front
  // that is not declared trusted, health checks, load tests).
  std::vector<std::string> uncapped = {"127.0.0.0/8", "::1"};
  size_t header_limit = 8 * 1024;   // request line and headers; over it: 431
  size_t body_limit = 1024 * 1024;  // over it: 413
  // Paths whose bodies may be larger (or must be smaller) than body_limit: a request whose path
  // starts with one of these prefixes has that limit instead (the longest prefix wins). A form
  // that carries a file (/contribute/) is the reason; every other path keeps body_limit.
  std::vector<std::pair<std::string, size_t>> body_limits;
  // Paths whose bodies are not held in memory but handed to a sink a piece at a time as they
  // arrive (prefix -> the factory called once the header has come; the longest prefix wins): the
  // media library's uploads. Their limit is still body_limits' (413 from Content-Length before
  // any of the body is read, else as soon as the count passes it), and each piece must come
  // within body_piece_timeout.
  std::vector<std::pair<std::string, BodySinkFactory>> body_sinks;
  // A body taken by a sink comes 64 KiB at a time, each within this (by default a client slower
  // than about 1 KiB/s is dropped): a slow client cannot hold a connection for ever.
  std::chrono::milliseconds body_piece_timeout{60000};
  std::chrono::milliseconds header_timeout{10000};  // the first request must arrive in this time
  std::chrono::milliseconds idle_timeout{30000};    // the next one on a kept-alive connection
  // A response must be taken by the client within this; a body streamed from a reader, each
  // piece of it (256 KiB): a client slower than that (4 KiB/s by default) is dropped.
  std::chrono::milliseconds write_timeout{60000};
  // One event loop per core, each on a core of its own: when there are no more loops than cores
  // the process may use, loop i runs on the i-th of them. Measured with wrk on 2 cores (bench/
  // serve.sh): the loops no longer queue behind each other on one core, so p99 fell from 7.9 ms
  // to 4–5 ms and throughput rose by a tenth. Off when other work must share the cores.
  bool pin_threads = true;
  // The loops run under Linux's SCHED_BATCH policy: a loop woken by a request does not preempt
  // the process running on its core (the reverse proxy in front of it, or wrk in bench/
  // serve.sh), which answers sooner for it; the loop's own share of the CPU is unchanged. Measured
  // with wrk on 2 cores: p99 4.2–6.6 ms -> 2–4 ms, throughput +10%. Off: the normal policy.
  bool batch_scheduling = true;
  // The proxies in front of the server (addresses, or networks as "10.0.0.0/8"): a request from
  // one of them comes from the address its X-Forwarded-For header gives — the last one in it
  // that is not itself a trusted proxy. Requests from anyone else keep their peer's address, so
  // a stranger cannot choose the address rate limits and logs see. Empty: no proxy is trusted.
  std::vector<std::string> trusted_proxies;
  // Headers on every response, the server's own errors too (security headers: CSP, nosniff…),
  // unless the handler's response sets a header of the same name.
  std::vector<std::pair<std::string, std::string>> headers;
};

using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;
// Called after each response is written (or failed to be): for access logs and metrics.
using ResponseObserver = std::function<void(const HttpRequest&, const HttpResponse&,
                                            std::chrono::nanoseconds elapsed, size_t bytes)>;

class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> Start(ServerOptions options, RequestHandler handler,
                                                   ResponseObserver observer);
  virtual ~HttpServer() = default;

  // The addresses actually listened on ("127.0.0.1:8080").
  virtual std::vector<std::string> endpoints() const = 0;
  virtual int64_t open_connections() const = 0;
  // The connection cap in force: options.max_connections, or less when the process may not
  // open that many descriptors.
  virtual size_t max_connections() const = 0;
  // Stops accepting, lets requests in flight finish (up to `grace`), closes idle connections,
  // then stops every thread. Safe to call from any thread, once or more.
  virtual void Shutdown(std::chrono::milliseconds grace) = 0;
  // Blocks until the server has shut down.
  virtual void Wait() = 0;
};

}  // namespace cinepress
