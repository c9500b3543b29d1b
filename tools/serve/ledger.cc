#include "tools/serve/ledger.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include "events/assert.h"
#include "projections/log_counts_projection.h"
#include "projections/projection_set.h"
#include "tools/progress.h"

namespace jobtrail::tools {

Status create_private_directory(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return Status();
  const auto parent = std::filesystem::path(dir).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::io_error("create " + parent.string() + ": " + ec.message());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::io_error("create " + dir + ": " + std::strerror(errno));
  }
  return Status();
}

Ledger::Ledger(std::unique_ptr<EventLog> log, std::unique_ptr<projections::ProjectionEngine> engine)
    : log_(std::move(log)), engine_(std::move(engine)), applied_seq_(engine_->applied_seq()) {}

Ledger::~Ledger() = default;

Result<std::unique_ptr<Ledger>> Ledger::open(const std::string& db_dir,
                                             const EventLogOptions& options) {
  JT_ASSERT(options.mode == EventLogOptions::Mode::kWriter);
  JT_RETURN_IF_ERROR(create_private_directory(db_dir));
  auto log = EventLog::open(db_dir, options);
  if (!log.ok()) return log.status();
  // The engine keeps its options: the progress bar is shared and ends with the catch-up, so
  // later appends call a no-op.
  auto progress = std::make_shared<std::optional<ProgressReporter>>(std::in_place, "projections");
  projections::EngineOptions engine_options;
  engine_options.progress = [progress](uint64_t applied, uint64_t target) {
    if (progress->has_value()) (*progress)->update(applied, target, applied);
  };
  // serve's own projection (log_counts_projection.h) beside those every command keeps.
  auto projection_set = projections::default_projections();
  projection_set.push_back(std::make_unique<projections::LogCountsProjection>());
  auto engine =
      projections::ProjectionEngine::open(**log, std::move(projection_set), engine_options);
  if (!engine.ok()) return engine.status();
  Status caught_up = (*engine)->catch_up(**log);
  (*progress)->finish();
  progress->reset();
  JT_RETURN_IF_ERROR(caught_up);
  JT_ASSERT((*engine)->applied_seq() == (*log)->head());
  return std::unique_ptr<Ledger>(new Ledger(std::move(log).value(), std::move(engine).value()));
}

Result<AppendResult> Ledger::append(const AppendBatch& batch) {
  auto result = log_->append(batch);
  if (!result.ok()) return result;
  if (result->appended == 0) return result;
  JT_RETURN_IF_ERROR(engine_->catch_up(*log_));
  applied_seq_ = engine_->applied_seq();
  JT_ASSERT(applied_seq_ == result->last_new_seq);
  if (listener_) listener_(result->first_new_seq, result->last_new_seq);
  return result;
}

}  // namespace jobtrail::tools
