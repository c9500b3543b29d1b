// SourceRunner: the sources `serve` runs in its own process (source_config.h), each on a
// thread of its own, appending through the server's loop.
//
// Why threads and not Asio work on the server's loop: the PBS tailer reads files with blocking
// calls, and the SLURM poller drives its commands on an Asio loop of its own; a source catching
// up on a large backlog (a month of accounting files) would hold the HTTP loop for as long.
// On its own thread a source only meets the loop when it appends: its sink posts the batch to
// the loop (the ledger is the log's only writer) and waits for the answer, so each batch is
// still one EventLog::append with its checkpoint, folded into the projections and fed to the
// live streams before the source reads the ledger again. Reads (checkpoints, dictionaries,
// known jobs) go to the EventLog directly: its readers are thread-safe beside the writer.
//
// A source that fails (its folder is missing, the log refused a batch) is marked down with
// the reason, logged, and started again after a backoff that doubles from
// source_restart_backoff_ms_min up to source_restart_backoff_ms_max; the server stays up. A
// SLURM poller's squeue/sacct failures are the poller's own health (it backs off itself, and
// records SourceStatus events); the runner reports them too.
//
// Threading: start() and stop() from the thread that owns the runner; health() from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/event_log.h"
#include "ingest/append_sink.h"
#include "tools/serve/source_config.h"

namespace jobtrail::tools {

inline constexpr uint32_t source_restart_backoff_ms_min = 500;
inline constexpr uint32_t source_restart_backoff_ms_max = 60'000;

// What the runner knows of one source now.
struct SourceHealthView {
  std::string name;     // source_name()
  std::string kind;     // "slurm", "pbs"
  std::string cluster;  // the ledger's name for its cluster
  bool up = false;      // its last attempt succeeded
  std::string error;    // why not
  int64_t last_attempt_us = 0;
  int64_t last_success_us = 0;  // 0: never
  uint64_t restarts = 0;        // times the source was started again after failing
  uint64_t events_appended = 0;
  uint64_t quarantined = 0;
};

class SourceRunner {
 public:
  // `sink` is how every source appends (ServeApp's loop); `log` is read directly.
  SourceRunner(EventLog& log, ingest::AppendSink sink, SourceSpecs specs);
  ~SourceRunner();
  SourceRunner(const SourceRunner&) = delete;
  SourceRunner& operator=(const SourceRunner&) = delete;

  void start();
  // Asks every source to stop and joins them. A source waiting on the sink gets "stopping".
  void stop();
  bool stopping() const { return stopping_.load(); }

  std::vector<SourceHealthView> health() const;

 private:
  struct Source;
  void run_source(Source& source);
  Status run_slurm(Source& source, const SlurmSourceSpec& spec);
  Status run_pbs(Source& source, const PbsSourceSpec& spec);
  // The runner's sink, counting what `source` appended into its health.
  ingest::AppendSink counted_sink(Source& source);
  // Waits up to `ms`, in slices, until stop(); false when stopping.
  bool sleep_unless_stopping(uint64_t ms) const;

  EventLog& log_;
  ingest::AppendSink sink_;
  SourceSpecs specs_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;  // guards every Source's health
};

}  // namespace jobtrail::tools
