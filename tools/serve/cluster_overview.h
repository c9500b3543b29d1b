// ClusterOverview: GET /api/clusters — per cluster, what an admin looks at first: jobs by
// state, how many run and wait, the arrays, the latest failures, and the health of the SLURM
// poller that feeds it (from its checkpoint, when `poll` feeds that cluster).
//
//   {"clusters": [{"cluster", "jobs", "states": {STATE: n}, "running", "pending", "arrays",
//                  "last_seq", "recent_failures": [{"job", "state", "user", "name", "end_at",
//                  "exit_code", "reason"}],
//                  "source": null | {"kind": "slurm-poll", "polls", "last_success_at",
//                                    "health": [{"source", "up", "error"}]}}],
//    "seq"}
// recent_failures: the failures_max jobs that ended last in a failed state (FAILED, TIMEOUT,
// NODE_FAIL, OUT_OF_MEMORY, BOOT_FAIL, DEADLINE), newest first. A caller who sees only their
// own jobs gets counts of their own jobs and no source health.
//
// Cost: one pass over the jobs projection (and the arrays' summaries) per new applied seq; the
// router's cache answers repeats at the same seq.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "events/event_log.h"
#include "tools/serve/access.h"
#include "tools/serve/request_target.h"

namespace jobtrail::tools {

inline constexpr size_t overview_failures_max = 10;

// Parameters: cluster (optional: one cluster only).
Result<nlohmann::json> cluster_overview(const EventLog& log, const Caller& caller,
                                        const RequestTarget& target);

}  // namespace jobtrail::tools
