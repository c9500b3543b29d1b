// `jobtrail ingest swf|sacct|jobcomp|squeue|pbs FILE`: import captured scheduler output (sacct and
// squeue also as JSON documents: --json without --format). Exit 0
// when the import ran to the end, even if lines were quarantined (their count goes to stderr); 1
// when it could not run (unreadable file, database error).
#include <spdlog/spdlog.h>

#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "events/time_format.h"
#include "ingest/pbs/pbs_importer.h"
#include "ingest/slurm/jobcomp_importer.h"
#include "ingest/slurm/sacct_importer.h"
#include "ingest/slurm/slurm_json_importer.h"
#include "ingest/slurm/squeue_importer.h"
#include "ingest/swf/swf_importer.h"
#include "tools/commands.h"
#include "tools/commands/known_jobs.h"
#include "tools/commands/open_log.h"
#include "tools/progress.h"

namespace jobtrail::tools {

namespace {

using Importer = std::function<Result<ingest::LineImportStats>(
    EventLog& log, const ingest::LineImportOptions& options)>;

void report(const char* kind, const IngestSwfOptions& o, const ingest::LineImportStats& stats,
            uint64_t head) {
  spdlog::info(
      "ingest {} {} (cluster {}): {} records, {} events appended, {} already in the log, "
      "{} records skipped by checkpoint; head seq {}",
      kind, o.file, o.cluster, stats.records, stats.events_appended, stats.events_duplicate,
      stats.records_skipped_by_checkpoint, head);
  if (stats.quarantined > 0) {
    spdlog::warn("{} lines quarantined (see `jobtrail quarantine`)", stats.quarantined);
  }
  if (!o.json) return;
  nlohmann::json j{{"file", o.file},
                   {"cluster", o.cluster},
                   {"lines", stats.lines},
                   {"records", stats.records},
                   {"events_appended", stats.events_appended},
                   {"events_duplicate", stats.events_duplicate},
                   {"records_skipped_by_checkpoint", stats.records_skipped_by_checkpoint},
                   {"quarantined", stats.quarantined},
                   {"head_seq", head}};
  std::cout << j.dump(2) << "\n";
}

// Opens the writer, imports with a progress bar, folds the new events into the projections.
int run_import(const GlobalOptions& global, const char* kind, const IngestSwfOptions& o,
               const Importer& importer) {
  EventLogOptions log_options;
  log_options.durability =
      o.durability == "group" ? Durability::kGroupCommit : Durability::kSyncPerBatch;
  log_options.group_commit_window_ms = o.group_commit_window_ms;
  auto log = open_writer_with_projections(global, log_options);
  if (log == nullptr) return 1;
  ProgressReporter progress(std::string("ingest ") + kind);
  ingest::LineImportOptions import_options;
  import_options.cluster = o.cluster;
  import_options.batch_events = o.batch_events;
  import_options.progress = [&](uint64_t position, uint64_t total, uint64_t records) {
    progress.update(position, total, records);
  };
  auto stats = importer(*log, import_options);
  progress.finish();
  if (!stats.ok()) {
    spdlog::error("ingest {} {}: {}", kind, o.file, stats.status().to_string());
    return 1;
  }
  if (Status s = catch_up_projections(*log, nullptr); !s.ok()) {
    spdlog::error("projections: {}", s.to_string());
    return 1;
  }
  report(kind, o, *stats, log->head());
  return 0;
}

// The declaration the deps projection holds for a job, as the squeue importer compares it.

}  // namespace

int run_ingest_swf(const GlobalOptions& global, const IngestSwfOptions& options) {
  return run_import(global, "swf", options, [&](EventLog& log, const auto& line) {
    ingest::swf::SwfImportOptions swf;
    swf.cluster = line.cluster;
    swf.batch_events = line.batch_events;
    swf.progress = line.progress;
    return ingest::swf::import_swf(log, options.file, swf);
  });
}

int run_ingest_sacct(const GlobalOptions& global, const IngestSacctOptions& options) {
  return run_import(global, "sacct", options.common, [&](EventLog& log, const auto& line) {
    ingest::slurm::SacctImportOptions sacct;
    sacct.format = options.format;
    sacct.time_zone = options.time_zone;
    sacct.line = line;
    // --json without --format: the input is a JSON document (--json alone cannot also mean a
    // text capture with a header: give --format for text with a JSON summary).
    if (options.common.json && options.format.empty()) {
      return ingest::slurm::import_sacct_json(log, options.common.file, sacct);
    }
    return ingest::slurm::import_sacct(log, options.common.file, sacct);
  });
}

int run_ingest_jobcomp(const GlobalOptions& global, const IngestJobcompOptions& options) {
  return run_import(global, "jobcomp", options.common, [&](EventLog& log, const auto& line) {
    ingest::slurm::JobcompImportOptions jobcomp;
    jobcomp.time_zone = options.time_zone;
    jobcomp.line = line;
    return ingest::slurm::import_jobcomp(log, options.common.file, jobcomp);
  });
}

int run_ingest_pbs(const GlobalOptions& global, const IngestPbsOptions& options) {
  return run_import(global, "pbs", options.common, [&](EventLog& log, const auto& line) {
    ingest::pbs::PbsImportOptions pbs;
    pbs.time_zone = options.time_zone;
    pbs.line = line;
    return ingest::pbs::import_pbs(log, options.common.file, pbs);
  });
}

int run_ingest_squeue(const GlobalOptions& global, const IngestSqueueOptions& options) {
  const bool json_input = options.common.json && options.format.empty();
  if (options.format.empty() && !json_input) {
    spdlog::error("ingest squeue: --format is required (or --json for a squeue --json document)");
    return 2;
  }
  int64_t observed_at_us = 0;
  if (!options.observed_at.empty()) {
    auto parsed = parse_time_us(options.observed_at);
    if (!parsed.ok()) {
      spdlog::error("--observed-at: {}", parsed.status().message());
      return 2;
    }
    observed_at_us = *parsed;
  }
  return run_import(global, "squeue", options.common, [&](EventLog& log, const auto& line) {
    ingest::slurm::SqueueImportOptions squeue;
    squeue.format = options.format;
    squeue.time_zone = options.time_zone;
    squeue.line = line;
    squeue.line.observed_at_us = observed_at_us;
    // The snapshot is diffed against the jobs projection (caught up before the import).
    squeue.known = known_jobs_lookup(log);
    if (json_input) return ingest::slurm::import_squeue_json(log, options.common.file, squeue);
    return ingest::slurm::import_squeue(log, options.common.file, squeue);
  });
}

}  // namespace jobtrail::tools
