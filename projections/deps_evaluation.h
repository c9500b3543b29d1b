// Can a job run now, as far as its dependencies go, and why not: each declared dependency
// checked against its target's current state in the jobs (or arrays) state, read at query
// time. Rules, per (kind, target):
//   after        the target started (any state but PENDING/UNKNOWN/REQUEUE_HOLD): satisfied
//   afterok      COMPLETED: satisfied; another terminal state: never
//   afterany     any terminal state: satisfied
//   afternotok   a terminal state other than COMPLETED: satisfied; COMPLETED: never
//   aftercorr    afterok on the corresponding task (target_N for task N of an array)
//   singleton    best effort: satisfied unless another job of the same user and name is
//                RUNNING, SUSPENDED or COMPLETING on the cluster (SLURM also orders pending ones)
// A target the ledger does not know is never satisfied (it may yet be ingested: the reason
// says so). An array target counts all its tasks: afterok needs every task COMPLETED.
// A declaration holds when every dependency is satisfied (with '?': when any one is).
#pragma once

#include <string>
#include <vector>

#include "projections/deps_projection.h"
#include "projections/state_source.h"

namespace jobtrail::projections {

enum class DepStatus : uint8_t { kSatisfied, kPending, kNever };
const char* dep_status_name(DepStatus status);       // "satisfied", "pending", "never"
const char* dep_kind_name(fb::DependencyKind kind);  // "afterok", ... as SLURM spells them

struct DepsSources {
  const StateSource& deps;
  const StateSource& jobs;
  const StateSource& arrays;
};

struct DepEdgeReport {
  fb::DependencyKind kind = fb::DependencyKind::AFTER_OK;
  std::string raw;
  std::string target, cluster;  // empty target for singleton
  std::string target_state;     // "RUNNING", "array: 3 COMPLETED, 1 FAILED", "unknown"
  DepStatus status = DepStatus::kPending;
  std::string reason;  // why it is pending or never; empty when satisfied
};

struct DependentReport {
  std::string cluster, job;
  fb::DependencyKind kind = fb::DependencyKind::AFTER_OK;
  std::string state;  // the waiting job's state ("unknown" when the ledger has no view)
};

struct DepsReport {
  std::string cluster, job;
  bool known = false;  // the ledger knows the job, a declaration, or a dependent
  bool any_of = false;
  bool can_run = true;
  bool never = false;  // no dependency state can make it runnable
  std::vector<DepEdgeReport> depends_on;
  std::vector<DepEdgeReport> why_not;  // the edges that hold it back
  std::vector<DependentReport> dependents;
  uint64_t seq = 0;  // the last event behind this answer (declarations and states read)
};

Result<DepsReport> evaluate_deps(const DepsSources& sources, std::string_view cluster,
                                 std::string_view job);
// The same over a database's stored states (the CLI's `deps` and the HTTP route).
Result<DepsReport> evaluate_stored_deps(const EventLog& log, std::string_view cluster,
                                        std::string_view job);

}  // namespace jobtrail::projections
