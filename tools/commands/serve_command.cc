// `jobtrail serve`: the HTTP API and live stream over the log (tools/serve/serve_app.h).
#include <spdlog/spdlog.h>

#include "tools/commands.h"
#include "tools/serve/access.h"
#include "tools/serve/serve_app.h"

namespace jobtrail::tools {

int run_serve(const GlobalOptions& global, const ServeOptions& options) {
  ServeAppOptions app_options;
  app_options.server.listen = options.listen;
  app_options.server.limits.connections_max = options.connections_max;
  app_options.server.stop_on_signals = true;
  app_options.server.unix_socket_path = options.socket_path;
  app_options.stream.queue_events_max = options.stream_queue_events_max;
  app_options.stream.keep_alive_ms = options.stream_keep_alive_ms;
  app_options.api.access.public_read = options.public_read;
  app_options.api.access.admin_uids = options.admin_uids;
  if (!options.token_file.empty()) {
    auto token = read_token_file(options.token_file);
    if (!token.ok()) {
      spdlog::error("serve: {}", token.status().message());
      return 2;
    }
    app_options.api.access.token = std::move(token).value();
  }
  if (app_options.api.access.token.empty() && !options.public_read) {
    spdlog::warn(
        "serve: no --token-file and no --public-read: TCP requests are refused; "
        "only the unix socket (--socket) answers");
  }
  app_options.sources = options.sources;
  if (!options.config_file.empty()) {
    if (Status s = read_sources_config(options.config_file, &app_options.sources); !s.ok()) {
      spdlog::error("serve: --config: {}", s.message());
      return 2;
    }
  }
  if (Status s = validate_sources(app_options.sources); !s.ok()) {
    spdlog::error("serve: {}", s.message());
    return 2;
  }
  for (const SlurmSourceSpec& s : app_options.sources.slurm) {
    spdlog::info("serve: source {} (poll every {} ms{})", source_name(s), s.poll_interval_ms,
                 s.ssh_host.empty() ? "" : ", through ssh " + s.ssh_host);
  }
  for (const PbsSourceSpec& s : app_options.sources.pbs) {
    spdlog::info("serve: source {}", source_name(s));
  }
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
