// `jobtrail tail-pbs DIR [--follow]`: follows a PBS accounting directory (ingest/pbs/
// pbs_tailer.h). Without --follow it reads what is there and exits; with it, it polls until
// SIGINT or SIGTERM, folding new events into the projections after each poll that added some.
// Exit 0 on a clean stop, 1 when it could not run.
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ingest/pbs/pbs_tailer.h"
#include "tools/commands.h"
#include "tools/commands/open_log.h"

namespace jobtrail::tools {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void request_stop(int) {
  g_stop.store(true);
}

void print_summary(const TailPbsOptions& o, const ingest::pbs::PbsTailStats& s, uint64_t head) {
  spdlog::info(
      "tail-pbs {} (cluster {}): {} polls, {} records, {} events appended, {} already in the "
      "log, {} files finished, {} files read again; head seq {}",
      o.dir, o.cluster, s.polls, s.records, s.events_appended, s.events_duplicate, s.files_finished,
      s.restarts, head);
  if (s.quarantined > 0) {
    spdlog::warn("{} lines quarantined (see `jobtrail quarantine`)", s.quarantined);
  }
  if (!o.json) return;
  nlohmann::json j{{"dir", o.dir},
                   {"cluster", o.cluster},
                   {"polls", s.polls},
                   {"records", s.records},
                   {"events_appended", s.events_appended},
                   {"events_duplicate", s.events_duplicate},
                   {"quarantined", s.quarantined},
                   {"files_finished", s.files_finished},
                   {"files_restarted", s.restarts},
                   {"head_seq", head}};
  std::cout << j.dump(2) << "\n";
}

}  // namespace

int run_tail_pbs(const GlobalOptions& global, const TailPbsOptions& o) {
  auto log = open_writer_with_projections(global, EventLogOptions{});
  if (log == nullptr) return 1;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  ingest::pbs::PbsTailOptions options;
  options.dir = o.dir;
  options.cluster = o.cluster;
  options.time_zone = o.time_zone;
  options.follow = o.follow;
  options.poll_interval_ms = o.poll_interval_ms;
  options.should_stop = [] { return g_stop.load(); };
  options.after_poll = [&log] { return catch_up_projections(*log, nullptr); };
  auto stats = ingest::pbs::tail_pbs(*log, options);
  if (!stats.ok()) {
    spdlog::error("tail-pbs {}: {}", o.dir, stats.status().to_string());
    return 1;
  }
  print_summary(o, *stats, log->head());
  return 0;
}

}  // namespace jobtrail::tools
