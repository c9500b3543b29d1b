// ServeApp: `jobtrail serve` put together — the ledger (the log as writer, projections
// current), the live event stream, the API router and the HTTP server on one event loop.
// The command runs it on the main thread; tests run it on a thread of their own on port 0.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <string>

#include "events/event_log.h"
#include "tools/http/http_server.h"
#include "tools/serve/api_router.h"
#include "tools/serve/event_stream.h"
#include "tools/serve/ledger.h"

namespace jobtrail::tools {

struct ServeAppOptions {
  http::ServerOptions server;
  EventLogOptions log;
  StreamLimits stream;
  ApiOptions api;
};

class ServeApp {
 public:
  static Result<std::unique_ptr<ServeApp>> open(const std::string& db_dir,
                                                const ServeAppOptions& options);
  ~ServeApp();

  uint16_t port() const { return server_->port(); }
  // Serves on the calling thread until stop() (or SIGINT/SIGTERM with stop_on_signals).
  void run() { server_->run(); }
  // Any thread.
  void stop() { server_->stop(); }
  // Any thread: appends `batch` on the loop (projections folded, live streams fed) — how
  // sources running inside serve hand their events over.
  std::future<Result<AppendResult>> append(AppendBatch batch);

 private:
  ServeApp() = default;

  // Declared in dependency order: destroyed bottom-up, so the server and its sessions (which
  // hold stream subscribers) go before the stream and the ledger they use.
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<EventStream> stream_;
  std::unique_ptr<ApiRouter> router_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace jobtrail::tools
