#include "replay/as_of.h"

#include "projections/engine.h"
#include "projections/jobs_projection.h"

namespace jobtrail::replay {

Result<projections::MemoryState> jobs_as_of(
    const EventLog& log, const AsOf& as_of,
    const std::function<void(uint64_t, uint64_t)>& progress) {
  std::vector<std::unique_ptr<projections::Projection>> jobs;
  jobs.push_back(std::make_unique<projections::JobsProjection>());
  projections::EngineOptions options;
  options.progress = progress;
  auto engine = projections::ProjectionEngine::in_memory(std::move(jobs), options);
  JT_RETURN_IF_ERROR(engine->catch_up(
      log, UINT64_MAX, [&](const EventView& event) { return as_of.includes(event); }));
  return projections::MemoryState(engine->memory_state(projections::JobsProjection::kName));
}

Result<std::optional<projections::ArrayCounts>> array_as_of(const projections::StateSource& arrays,
                                                            std::string_view cluster,
                                                            std::string_view array,
                                                            const AsOf& as_of) {
  return projections::replay_array(arrays, cluster, array,
                                   [&](int64_t effective_at_us, int64_t observed_at_us) {
                                     return as_of.includes(effective_at_us, observed_at_us);
                                   });
}

Result<std::vector<projections::HistoryEntry>> history_as_of(const EventLog& log,
                                                             std::string_view cluster,
                                                             std::string_view job,
                                                             const AsOf& as_of) {
  return projections::read_history(log, cluster, job,
                                   [&](const EventView& event) { return as_of.includes(event); });
}

}  // namespace jobtrail::replay
