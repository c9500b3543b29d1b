// HttpServer: HTTP/1.1 with keep-alive on one Asio event loop (Boost.Beast), bounded in every
// direction (http_types.h Limits): connections, header bytes, body bytes, read, idle and write
// times. A request that breaks a limit gets a 4xx JSON answer and its connection is closed;
// the server goes on.
//
// Threading: run() drives the loop on the calling thread; every handler, respond callback and
// stream call happens there. post() and stop() may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "events/status.h"
#include "tools/http/http_types.h"

namespace jobtrail::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  std::string unix_socket_path;           // empty: no unix socket
  Limits limits;
  bool stop_on_signals = false;  // SIGINT / SIGTERM end run()
};

struct ServerCounters {
  uint64_t connections_accepted = 0;
  uint64_t connections_refused = 0;  // over connections_max
  uint64_t requests = 0;
  uint64_t requests_rejected = 0;  // answered 4xx by the server itself (limits, bad syntax)
};

class HttpServer {
 public:
  // Binds and listens (nothing is served until run()).
  static Result<std::unique_ptr<HttpServer>> open(const ServerOptions& options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;  // the bound TCP port
  // Serves until stop() (or a signal, with stop_on_signals).
  void run();
  // Thread-safe: ends run() soon; open connections are dropped.
  void stop();
  // Thread-safe: runs `fn` on the loop thread.
  void post(std::function<void()> fn);
  // Before run() or on the loop thread: runs `fn` on the loop every `period_ms` while it runs.
  void every(uint32_t period_ms, std::function<void()> fn);
  // Loop thread only.
  ServerCounters counters() const;

  class Impl;  // http_server.cc (its sessions use it)

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "127.0.0.1:8080" -> host and port; false when it is not HOST:PORT.
bool split_listen_address(const std::string& listen, std::string* host, uint16_t* port);

}  // namespace jobtrail::http
