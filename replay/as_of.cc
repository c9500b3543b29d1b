#include "replay/as_of.h"

#include <algorithm>

#include "events/limits.h"
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

Result<std::optional<projections::ArrayCounts>> array_as_of(const EventLog& log,
                                                            const projections::StateSource& arrays,
                                                            std::string_view cluster,
                                                            std::string_view array,
                                                            const AsOf& as_of) {
  auto seqs = projections::array_event_seqs(arrays, cluster, array);
  if (!seqs.ok()) return seqs.status();
  std::vector<std::unique_ptr<projections::Projection>> only_arrays;
  only_arrays.push_back(std::make_unique<projections::ArraysProjection>());
  auto engine = projections::ProjectionEngine::in_memory(std::move(only_arrays), {});
  for (size_t first = 0; first < seqs->size(); first += limits::batch_events_max) {
    const size_t count = std::min(limits::batch_events_max, seqs->size() - first);
    auto events = log.read_many(std::span<const uint64_t>(seqs->data() + first, count));
    if (!events.ok()) return events.status();
    for (const StoredEvent& stored : *events) {
      auto view = stored.view();
      if (!view.ok()) return view.status();
      if (as_of.includes(*view)) engine->apply(*view);
    }
  }
  projections::MemoryState state(engine->memory_state(projections::ArraysProjection::kName));
  return projections::read_array(state, cluster, array);
}

Result<std::vector<projections::HistoryEntry>> history_as_of(const EventLog& log,
                                                             std::string_view cluster,
                                                             std::string_view job,
                                                             const AsOf& as_of) {
  return projections::read_history(log, cluster, job,
                                   [&](const EventView& event) { return as_of.includes(event); });
}

}  // namespace jobtrail::replay
