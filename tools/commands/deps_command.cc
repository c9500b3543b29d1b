// `deps JOB`: the dependency graph around one job and whether it can run now (projections/
// deps_evaluation.h has the rules). A job the log has no stream for (a target never ingested)
// is still answered when --cluster names its cluster: others may wait on it.
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "projections/deps_evaluation.h"
#include "tools/commands.h"
#include "tools/commands/open_log.h"
#include "tools/commands/query_support.h"
#include "tools/projection_json.h"

namespace jobtrail::tools {

namespace {

void print_edge(const projections::DepEdgeReport& e) {
  std::cout << "  " << e.raw << "  " << (e.target.empty() ? "-" : e.target) << "@" << e.cluster
            << "  " << e.target_state << "  " << projections::dep_status_name(e.status);
  if (!e.reason.empty()) std::cout << "  (" << e.reason << ")";
  std::cout << "\n";
}

void print_report(const projections::DepsReport& r) {
  std::cout << "job " << r.job << " on " << r.cluster << ": can run: "
            << (r.can_run ? "yes"
                : r.never ? "never"
                          : "not yet")
            << "\n";
  std::cout << "depends on" << (r.any_of ? " (any one of)" : "") << ":"
            << (r.depends_on.empty() ? " nothing" : "") << "\n";
  for (const auto& e : r.depends_on) print_edge(e);
  std::cout << "waited on by:" << (r.dependents.empty() ? " nobody" : "") << "\n";
  for (const auto& d : r.dependents) {
    std::cout << "  " << d.job << "@" << d.cluster << "  " << projections::dep_kind_name(d.kind)
              << "  " << d.state << "\n";
  }
}

}  // namespace

int run_deps(const GlobalOptions& global, const DepsOptions& options) {
  QueryLog query = open_for_query(global);
  if (query.log == nullptr) return 1;
  EventLog::JobRef ref{options.cluster, options.job};
  auto job = resolve_job(*query.log, options.job, options.cluster);
  if (job.ok()) {
    ref = *job;
  } else if (!job.status().is_not_found() || options.cluster.empty()) {
    spdlog::error("{}", job.status().to_string());
    return 1;
  }
  auto report = projections::evaluate_stored_deps(*query.log, ref.cluster, ref.job);
  if (!report.ok()) {
    spdlog::error("{}", report.status().to_string());
    return 1;
  }
  if (!report->known) {
    spdlog::error("no job {} in cluster {}, and no job waits on it", ref.job, ref.cluster);
    return 1;
  }
  if (options.json) {
    std::cout << deps_report_json(*report).dump() << "\n";
  } else {
    print_report(*report);
  }
  return 0;
}

}  // namespace jobtrail::tools
