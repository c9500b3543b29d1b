// As-of reconstruction: the state of the cluster, an array or a job's history at a past
// moment.
//
// By default "as of T" means the facts that had happened by T (effective_at <= T), as known
// now. With `observed`, it is what jobtrail knew at T: only events observed at or before T.
// A job's history and an array are rebuilt from their own events only (the job's stream, the
// array's event index), never by replaying the log from seq 1; the whole-cluster `jobs` view
// replays the log.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "events/event_log.h"
#include "projections/arrays_projection.h"
#include "projections/job_history.h"
#include "projections/state_source.h"

namespace jobtrail::replay {

struct AsOf {
  int64_t time_us = 0;
  bool observed = false;
  bool includes(int64_t effective_at_us, int64_t observed_at_us) const {
    return (observed ? observed_at_us : effective_at_us) <= time_us;
  }
  bool includes(const EventView& event) const {
    return includes(event.effective_at_us(), event.observed_at_us());
  }
};

// The jobs state as of T (a MemoryState over the rebuilt `jobs` entries). Replays the log;
// `progress` is called as the replay goes.
Result<projections::MemoryState> jobs_as_of(
    const EventLog& log, const AsOf& as_of,
    const std::function<void(uint64_t applied_seq, uint64_t head)>& progress);

// The array as of T, replayed from the array's own journal in the stored arrays state (the
// fold's inputs of each of its events): no log read, no other array's events.
Result<std::optional<projections::ArrayCounts>> array_as_of(const projections::StateSource& arrays,
                                                            std::string_view cluster,
                                                            std::string_view array,
                                                            const AsOf& as_of);

// A job's history as of T, from the job's stream.
Result<std::vector<projections::HistoryEntry>> history_as_of(const EventLog& log,
                                                             std::string_view cluster,
                                                             std::string_view job,
                                                             const AsOf& as_of);

}  // namespace jobtrail::replay
