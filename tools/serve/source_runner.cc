#include "tools/serve/source_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "events/time_format.h"
#include "ingest/pbs/pbs_tailer.h"
#include "ingest/slurm/poller.h"
#include "tools/commands/known_jobs.h"

namespace jobtrail::tools {

namespace {
constexpr uint32_t kStopCheckMs = 50;
}  // namespace

struct SourceRunner::Source {
  SourceHealthView health;  // guarded by SourceRunner::mutex_
  const SlurmSourceSpec* slurm = nullptr;
  const PbsSourceSpec* pbs = nullptr;
};

SourceRunner::SourceRunner(EventLog& log, ingest::AppendSink sink, SourceSpecs specs)
    : log_(log), sink_(std::move(sink)), specs_(std::move(specs)) {
  for (const SlurmSourceSpec& spec : specs_.slurm) {
    auto& s = *sources_.emplace_back(std::make_unique<Source>());
    s.slurm = &spec;
    s.health.name = source_name(spec);
    s.health.kind = "slurm";
    s.health.cluster = spec.cluster;
  }
  for (const PbsSourceSpec& spec : specs_.pbs) {
    auto& s = *sources_.emplace_back(std::make_unique<Source>());
    s.pbs = &spec;
    s.health.name = source_name(spec);
    s.health.kind = "pbs";
    s.health.cluster = spec.cluster;
  }
}

SourceRunner::~SourceRunner() {
  stop();
}

void SourceRunner::start() {
  if (!threads_.empty() || stopping()) return;
  for (auto& source : sources_) {
    threads_.emplace_back([this, s = source.get()] { run_source(*s); });
  }
}

void SourceRunner::stop() {
  stopping_.store(true);
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

std::vector<SourceHealthView> SourceRunner::health() const {
  std::lock_guard lock(mutex_);
  std::vector<SourceHealthView> out;
  for (const auto& source : sources_) out.push_back(source->health);
  return out;
}

bool SourceRunner::sleep_unless_stopping(uint64_t ms) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!stopping() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kStopCheckMs));
  }
  return !stopping();
}

void SourceRunner::run_source(Source& source) {
  uint64_t backoff_ms = source_restart_backoff_ms_min;
  for (;;) {  // until stop(): each pass runs the source until it fails
    const int64_t started_us = now_us();
    Status s =
        source.slurm != nullptr ? run_slurm(source, *source.slurm) : run_pbs(source, *source.pbs);
    if (stopping()) break;
    bool succeeded_since = false;
    {
      std::lock_guard lock(mutex_);
      SourceHealthView& h = source.health;
      succeeded_since = h.last_success_us >= started_us;
      h.up = false;
      h.error = s.ok() ? "stopped by itself" : s.to_string();
      h.last_attempt_us = now_us();
      ++h.restarts;
    }
    if (succeeded_since) backoff_ms = source_restart_backoff_ms_min;
    spdlog::warn("serve: source {} failed: {}; starting it again in {} ms", source.health.name,
                 s.ok() ? "it stopped" : s.to_string(), backoff_ms);
    if (!sleep_unless_stopping(backoff_ms)) break;
    backoff_ms = std::min<uint64_t>(backoff_ms * 2, source_restart_backoff_ms_max);
  }
}

ingest::AppendSink SourceRunner::counted_sink(Source& source) {
  return [this, &source](const AppendBatch& batch) -> Result<AppendResult> {
    auto appended = sink_(batch);
    std::lock_guard lock(mutex_);
    if (appended.ok()) {
      source.health.events_appended += appended->appended;
      source.health.quarantined += batch.quarantined.size();
    }
    return appended;
  };
}

Status SourceRunner::run_slurm(Source& source, const SlurmSourceSpec& spec) {
  ingest::slurm::PollerOptions p;
  p.cluster = spec.cluster;
  p.time_zone = spec.time_zone;
  p.site.ssh_host = spec.ssh_host;
  p.site.squeue = spec.squeue;
  p.site.sacct = spec.sacct;
  p.interval_ms = spec.poll_interval_ms;
  p.backoff_max_ms = spec.backoff_max_ms;
  p.limits.time_limit_ms = spec.command_timeout_ms;
  p.known = known_jobs_lookup(log_);
  p.catch_up = [] { return Status(); };  // the ledger folds every append before it answers
  p.handle_signals = false;              // serve owns SIGINT/SIGTERM
  p.should_stop = [this] { return stopping(); };
  p.sink = counted_sink(source);
  return ingest::slurm::run_poller(log_, p, [&](const ingest::slurm::PollReport& r) {
    std::lock_guard lock(mutex_);
    SourceHealthView& h = source.health;
    h.up = r.squeue_ok && r.sacct_ok;
    h.error = r.error;
    h.last_attempt_us = now_us();
    if (h.up) h.last_success_us = h.last_attempt_us;
  });
}

Status SourceRunner::run_pbs(Source& source, const PbsSourceSpec& spec) {
  ingest::pbs::PbsTailOptions o;
  o.dir = spec.dir;
  o.cluster = spec.cluster;
  o.time_zone = spec.time_zone;
  o.follow = true;
  o.poll_interval_ms = spec.poll_interval_ms;
  o.should_stop = [this] { return stopping(); };
  o.sink = counted_sink(source);
  o.on_poll = [&](const ingest::pbs::PbsTailStats&) {
    std::lock_guard lock(mutex_);
    SourceHealthView& h = source.health;
    h.up = true;
    h.error.clear();
    h.last_attempt_us = h.last_success_us = now_us();
  };
  auto stats = ingest::pbs::tail_pbs(log_, o);
  return stats.status();
}

}  // namespace jobtrail::tools
