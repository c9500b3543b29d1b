// WaitTimes: GET /api/wait-times — how long jobs waited from submission to start, from the
// jobs projection (submit_at and start_at of every job that has started).
//
//   GET /api/wait-times[?cluster=C][&since=T][&by=partition|user|account|day][&limit=N]
//   {"count", "pending", "mean_s", "p50_s", "p90_s", "p99_s", "max_s",
//    "buckets": [{"label", "lt_s" (null for the last), "count"}],
//    "by", "groups": [{"key", "count", "mean_s", "p50_s", "p90_s", "max_s"}],
//    "groups_truncated", "samples_truncated", "seq"}
// since: jobs submitted at or after T. Percentiles are exact (nearest rank) over the jobs
// counted; a job whose start precedes its submission (clock skew in a trace) is left out.
// groups: by day (the submission's UTC date) in date order, the last `limit` days; otherwise
// the `limit` largest groups by count. `pending`: jobs in PENDING now (not yet started).
// A caller who sees only their own jobs gets their own jobs' waits.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "events/event_log.h"
#include "tools/serve/access.h"
#include "tools/serve/request_target.h"

namespace jobtrail::tools {

// Waits kept for percentiles; jobs beyond it are not counted (samples_truncated: true).
inline constexpr size_t wait_samples_max = 4'000'000;
inline constexpr uint64_t wait_groups_default = 50;
inline constexpr uint64_t wait_groups_max = 1000;

Result<nlohmann::json> wait_times(const EventLog& log, const Caller& caller,
                                  const RequestTarget& target);

}  // namespace jobtrail::tools
