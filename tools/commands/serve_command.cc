// `jobtrail serve`: the HTTP API and live stream over the log (tools/serve/serve_app.h).
#include <spdlog/spdlog.h>

#include "tools/commands.h"
#include "tools/serve/serve_app.h"

namespace jobtrail::tools {

int run_serve(const GlobalOptions& global, const ServeOptions& options) {
  ServeAppOptions app_options;
  app_options.server.listen = options.listen;
  app_options.server.limits.connections_max = options.connections_max;
  app_options.server.stop_on_signals = true;
  app_options.stream.queue_events_max = options.stream_queue_events_max;
  auto app = ServeApp::open(global.db_dir, app_options);
  if (!app.ok()) {
    spdlog::error("serve: {}", app.status().to_string());
    return 1;
  }
  // The actual port on its own line (with port 0 it is the only way to learn it).
  spdlog::info("serving {} on http://{} (port {})", global.db_dir, options.listen, (*app)->port());
  (*app)->run();
  spdlog::info("serve: stopped");
  return 0;
}

}  // namespace jobtrail::tools
