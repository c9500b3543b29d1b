// JSON renderings of projection values, shared by the plain and as-of forms of each command
// (their output has the same shape).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "events/event_log.h"
#include "projections/arrays_projection.h"
#include "projections/deps_evaluation.h"
#include "projections/job_history.h"
#include "projections/job_view.h"
#include "projections/usage_projection.h"
#include "replay/audit.h"

namespace jobtrail::tools {

nlohmann::json job_view_json(const projections::JobView& view);
// With `tasks`, the tasks seen on their own and the pending remainder's runs.
nlohmann::json array_counts_json(const projections::ArrayCounts& counts,
                                 const std::vector<projections::ArrayTask>* tasks);
// One history entry; its provenance is read from the log by seq.
nlohmann::json history_entry_json(const projections::HistoryEntry& entry, const EventLog& log);

// One audited fact (`audit --json`, GET .../audit): the entry, its source, its flags.
nlohmann::json audited_fact_json(const replay::AuditedFact& fact);

// Usage rows (`usage --json`, GET /api/usage): each keyed by `key_name` ("user", "day", ...),
// with core_hours, gpu_hours, jobs_ended, and the cluster when one was asked for.
nlohmann::json usage_rows_json(const std::vector<projections::UsageRow>& rows,
                               const std::string& key_name, bool with_cluster);

// A job's dependency graph and whether it can run (`deps --json`, /api/jobs/{c}/{j}/deps):
// {"job","cluster","can_run","never","any_of","why_not":[edge],"depends_on":[edge],
//  "dependents":[{"job","cluster","kind","state"}],"seq"}
// edge := {"kind","raw","target","cluster","target_state","status","reason"}
nlohmann::json deps_report_json(const projections::DepsReport& report);

// "5-20,30" for a set of task runs.
std::string runs_text(const projections::RangeSet& set);

}  // namespace jobtrail::tools
