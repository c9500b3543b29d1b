// `jobtrail ingest swf FILE`: import a trace. Exit 0 when the import ran to the end, even if
// lines were quarantined (their count goes to stderr); 1 when it could not run.
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "ingest/swf/swf_importer.h"
#include "tools/commands.h"
#include "tools/commands/open_log.h"
#include "tools/progress.h"

namespace jobtrail::tools {

int run_ingest_swf(const GlobalOptions& global, const IngestSwfOptions& options) {
  EventLogOptions log_options;
  log_options.durability =
      options.durability == "group" ? Durability::kGroupCommit : Durability::kSyncPerBatch;
  log_options.group_commit_window_ms = options.group_commit_window_ms;
  auto log = open_writer_with_projections(global, log_options);
  if (log == nullptr) return 1;
  ProgressReporter progress("ingest swf");
  ingest::swf::SwfImportOptions import_options;
  import_options.cluster = options.cluster;
  import_options.batch_events = options.batch_events;
  import_options.progress = [&](uint64_t position, uint64_t total, uint64_t records) {
    progress.update(position, total, records);
  };
  auto stats = ingest::swf::import_swf(*log, options.file, import_options);
  progress.finish();
  if (!stats.ok()) {
    spdlog::error("ingest swf {}: {}", options.file, stats.status().to_string());
    return 1;
  }
  if (Status s = catch_up_projections(*log, nullptr); !s.ok()) {
    spdlog::error("projections: {}", s.to_string());
    return 1;
  }
  spdlog::info(
      "ingest swf {} (cluster {}): {} records, {} events appended, {} already in the log, "
      "{} records skipped by checkpoint; head seq {}",
      options.file, options.cluster, stats->records, stats->events_appended,
      stats->events_duplicate, stats->records_skipped_by_checkpoint, log->head());
  if (stats->quarantined > 0) {
    spdlog::warn("{} lines quarantined (see `jobtrail quarantine`)", stats->quarantined);
  }
  if (options.json) {
    nlohmann::json j{{"file", options.file},
                     {"cluster", options.cluster},
                     {"lines", stats->lines},
                     {"records", stats->records},
                     {"events_appended", stats->events_appended},
                     {"events_duplicate", stats->events_duplicate},
                     {"records_skipped_by_checkpoint", stats->records_skipped_by_checkpoint},
                     {"quarantined", stats->quarantined},
                     {"head_seq", log->head()}};
    std::cout << j.dump(2) << "\n";
  }
  return 0;
}

}  // namespace jobtrail::tools
