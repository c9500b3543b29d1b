// ServeApp: `jobtrail serve` put together — the ledger (the log as writer, projections
// current), the live event stream, the API router, /metrics and the HTTP server on one event
// loop, and the configured sources (SLURM pollers, PBS tailers) on threads of their own that
// append through the loop (source_runner.h).
// The command runs it on the main thread; tests run it on a thread of their own on port 0.
#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "events/event_log.h"
#include "tools/http/http_server.h"
#include "tools/serve/api_router.h"
#include "tools/serve/event_stream.h"
#include "tools/serve/ledger.h"
#include "tools/serve/metrics.h"
#include "tools/serve/source_config.h"
#include "tools/serve/source_runner.h"

namespace jobtrail::tools {

struct ServeAppOptions {
  http::ServerOptions server;
  EventLogOptions log;
  StreamLimits stream;
  ApiOptions api;
  SourceSpecs sources;  // run in this process while run() serves
};

class ServeApp {
 public:
  static Result<std::unique_ptr<ServeApp>> open(const std::string& db_dir,
                                                const ServeAppOptions& options);
  ~ServeApp();

  uint16_t port() const { return server_->port(); }
  // Starts the sources, serves on the calling thread until stop() (or SIGINT/SIGTERM with
  // stop_on_signals), then stops the sources.
  void run();
  // Any thread.
  void stop() { server_->stop(); }
  // Any thread: appends `batch` on the loop (projections folded, live streams fed) — how
  // sources running inside serve hand their events over.
  std::future<Result<AppendResult>> append(AppendBatch batch);
  // Any thread but the loop's: append() and wait for its answer; Unavailable once serving
  // has ended (the batch was then not appended: the loop runs nothing more).
  Result<AppendResult> append_and_wait(const AppendBatch& batch);
  // What the sources say of themselves.
  std::vector<SourceHealthView> source_health() const { return sources_->health(); }

 private:
  ServeApp() = default;
  void handle(http::Request&& request, std::function<void(http::Response&&)> respond);
  http::Response metrics_response(const http::Request& request) const;

  // Declared in dependency order: destroyed bottom-up, so the server and its sessions (which
  // hold stream subscribers) go before the stream and the ledger they use.
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<EventStream> stream_;
  std::unique_ptr<ApiRouter> router_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<http::HttpServer> server_;
  // Last: stopped and joined first, while everything they append through still exists.
  std::unique_ptr<SourceRunner> sources_;
  AccessOptions access_;
  std::atomic<bool> served_{false};  // run() has returned
};

}  // namespace jobtrail::tools
