#include "tools/commands/open_log.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "projections/engine.h"
#include "projections/projection_set.h"
#include "tools/progress.h"

namespace jobtrail::tools {

std::unique_ptr<EventLog> open_log_for_reading(const GlobalOptions& global) {
  EventLogOptions options;
  options.mode = EventLogOptions::Mode::kReader;
  auto log = EventLog::open(global.db_dir, options);
  if (!log.ok()) {
    spdlog::error("{}", log.status().to_string());
    return nullptr;
  }
  return std::move(log).value();
}

Status catch_up_projections(EventLog& log, uint64_t* applied_seq) {
  ProgressReporter progress("projections");
  projections::EngineOptions options;
  options.progress = [&](uint64_t applied, uint64_t target) {
    progress.update(applied, target, applied);
  };
  auto engine =
      projections::ProjectionEngine::open(log, projections::default_projections(), options);
  if (!engine.ok()) return engine.status();
  for (const auto& state : (*engine)->states()) {
    if (state.rebuilt_on_open) {
      spdlog::info("projection {} is at a new version ({}): rebuilding from seq 1", state.name,
                   state.version);
    }
  }
  Status s = (*engine)->catch_up(log);
  progress.finish();
  if (applied_seq != nullptr) *applied_seq = (*engine)->applied_seq();
  return s;
}

std::unique_ptr<EventLog> open_writer_with_projections(const GlobalOptions& global,
                                                       const EventLogOptions& options) {
  auto log = EventLog::open(global.db_dir, options);
  if (!log.ok()) {
    spdlog::error("{}", log.status().to_string());
    return nullptr;
  }
  Status s = catch_up_projections(**log, nullptr);
  if (!s.ok()) {
    spdlog::error("projections: {}", s.to_string());
    return nullptr;
  }
  return std::move(log).value();
}

namespace {

// The lowest checkpoint of the stored projections (what a read-only answer reflects).
uint64_t stored_applied_seq(const EventLog& log) {
  uint64_t lowest = UINT64_MAX;
  for (const auto& projection : projections::default_projections()) {
    auto stored = log.read_state(projection->name(), projections::kCheckpointKey);
    uint64_t seq = 0;
    uint32_t version = 0;
    if (!stored.ok() || !stored->has_value() ||
        !projections::decode_checkpoint(**stored, &seq, &version) ||
        version != projection->version()) {
      return 0;
    }
    lowest = std::min(lowest, seq);
  }
  return lowest == UINT64_MAX ? 0 : lowest;
}

}  // namespace

QueryLog open_for_query(const GlobalOptions& global) {
  QueryLog query;
  if (!std::filesystem::exists(std::filesystem::path(global.db_dir) / "CURRENT")) {
    spdlog::error("no jobtrail database at {} (an ingest creates it)", global.db_dir);
    return query;
  }
  // Read-only first: when the projections are current (the usual case), a query never takes
  // the writer lock, so it never makes an ingest that starts meanwhile fail.
  EventLogOptions reader;
  reader.mode = EventLogOptions::Mode::kReader;
  auto read_only = EventLog::open(global.db_dir, reader);
  if (read_only.ok()) {
    query.applied_seq = stored_applied_seq(**read_only);
    if (query.applied_seq == (*read_only)->head()) {
      query.log = std::move(read_only).value();
      return query;
    }
    read_only->reset();
  }
  // Behind (a crash, a new projection version): catch up as the writer if nobody else is.
  auto writer = EventLog::open(global.db_dir, EventLogOptions{});
  if (writer.ok()) {
    Status s = catch_up_projections(**writer, &query.applied_seq);
    if (!s.ok()) {
      spdlog::error("projections: {}", s.to_string());
      return query;
    }
    query.log = std::move(writer).value();
    return query;
  }
  if (writer.status().code() != Status::Code::kUnavailable) {
    spdlog::error("{}", writer.status().to_string());
    return query;
  }
  query.log = open_log_for_reading(global);
  if (query.log == nullptr) return query;
  query.applied_seq = stored_applied_seq(*query.log);
  if (query.applied_seq < query.log->head()) {
    spdlog::warn("another process is writing: answering from projections at seq {} of {}",
                 query.applied_seq, query.log->head());
  }
  return query;
}

}  // namespace jobtrail::tools
