// `jobtrail poll --cluster C [--ssh HOST] [--interval-ms N] [--backfill-since T] [--once]`:
// follows a live SLURM cluster (ingest/slurm/poller.h), folding each poll into the projections
// so that queries (which open the database read-only) see it at once.
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "events/time_format.h"
#include "ingest/slurm/poller.h"
#include "tools/commands.h"
#include "tools/commands/known_jobs.h"
#include "tools/commands/open_log.h"

namespace jobtrail::tools {

namespace {

void print_report(const ingest::slurm::PollReport& r, const std::string& cluster, bool json) {
  if (!r.error.empty()) {
    spdlog::warn("poll {} #{}: {}; next poll in {} ms", cluster, r.poll, r.error, r.backoff_ms);
  } else {
    spdlog::info(
        "poll {} #{}: {} jobs in squeue, {} left it, {} ended per sacct, {} awaiting "
        "sacct, {} events appended",
        cluster, r.poll, r.jobs_in_squeue, r.departed, r.resolved, r.awaiting, r.events_appended);
  }
  if (!json) return;
  nlohmann::json j{{"cluster", cluster},
                   {"poll", r.poll},
                   {"squeue_ok", r.squeue_ok},
                   {"sacct_ok", r.sacct_ok},
                   {"error", r.error},
                   {"jobs_in_squeue", r.jobs_in_squeue},
                   {"departed", r.departed},
                   {"resolved", r.resolved},
                   {"awaiting", r.awaiting},
                   {"events_appended", r.events_appended},
                   {"next_poll_ms", r.backoff_ms}};
  std::cout << j.dump() << std::endl;  // one line per poll, flushed: a reader follows it
}

}  // namespace

int run_poll(const GlobalOptions& global, const PollOptions& o) {
  ingest::slurm::PollerOptions p;
  p.cluster = o.cluster;
  p.time_zone = o.time_zone;
  p.site.ssh_host = o.ssh_host;
  p.site.squeue = o.squeue;
  p.site.sacct = o.sacct;
  p.interval_ms = o.interval_ms;
  p.backoff_max_ms = o.backoff_max_ms;
  p.limits.time_limit_ms = o.command_timeout_ms;
  p.polls_max = o.once ? 1 : o.polls;
  if (!o.backfill_since.empty()) {
    auto since = parse_time_us(o.backfill_since);
    if (!since.ok()) {
      spdlog::error("--backfill-since: {}", since.status().message());
      return 2;
    }
    p.backfill_since_us = *since;
  }
  if (Status s = ingest::slurm::validate_site(p.site); !s.ok()) {
    spdlog::error("poll: {}", s.message());
    return 2;
  }
  auto log = open_writer_with_projections(global, EventLogOptions{});
  if (log == nullptr) return 1;
  p.known = known_jobs_lookup(*log);
  p.catch_up = [&log] { return catch_up_projections(*log, nullptr); };
  bool last_ok = true;
  Status s = ingest::slurm::run_poller(*log, p, [&](const ingest::slurm::PollReport& r) {
    last_ok = r.squeue_ok && r.sacct_ok;
    print_report(r, o.cluster, o.json);
  });
  if (!s.ok()) {
    spdlog::error("poll {}: {}", o.cluster, s.to_string());
    return 1;
  }
  return last_ok ? 0 : 3;
}

}  // namespace jobtrail::tools
