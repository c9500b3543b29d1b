// `jobs`, `array ID`, `history JOB`: answers from the projections (tools/commands/open_log.h
// says how they are brought up to date first).
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "events/time_format.h"
#include "projections/arrays_projection.h"
#include "projections/job_history.h"
#include "projections/jobs_projection.h"
#include "tools/commands.h"
#include "tools/commands/open_log.h"
#include "tools/commands/query_support.h"
#include "tools/job_filter.h"
#include "tools/projection_json.h"

namespace jobtrail::tools {

using nlohmann::json;

int run_jobs(const GlobalOptions& global, const JobsOptions& options) {
  auto filter = parse_job_filter({options.state, options.user, options.array, options.since});
  if (!filter.ok()) {
    spdlog::error("--{}", filter.status().message());
    return 2;
  }
  QueryLog query = open_for_query(global);
  if (query.log == nullptr) return 1;
  projections::StoredState jobs(*query.log, std::string(projections::JobsProjection::kName));
  json out = json::array();
  uint64_t shown = 0;
  Status s = projections::for_each_job(jobs, options.cluster, [&](const projections::JobView& v) {
    if (!filter->matches(v)) return true;
    if (options.json) {
      out.push_back(job_view_json(v));
    } else {
      std::cout << v.cluster << "  " << v.job << "  " << job_state_name(v.state) << "  "
                << (v.user.empty() ? "-" : v.user) << "  "
                << (v.submit_at_us != 0 ? format_iso8601_us(v.submit_at_us) : "-") << "\n";
    }
    return options.limit == 0 || ++shown < options.limit;
  });
  if (!s.ok()) {
    spdlog::error("{}", s.to_string());
    return 1;
  }
  if (options.json) std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  return 0;
}

int run_array(const GlobalOptions& global, const ArrayOptions& options) {
  QueryLog query = open_for_query(global);
  if (query.log == nullptr) return 1;
  projections::StoredState arrays(*query.log, std::string(projections::ArraysProjection::kName));
  auto found = resolve_array(*query.log, arrays, options.array, options.cluster);
  if (!found.ok()) {
    spdlog::error("{}", found.status().to_string());
    return 1;
  }
  std::vector<projections::ArrayTask> tasks;
  if (options.tasks) {
    Status s = projections::for_each_array_task(arrays, found->cluster, found->array,
                                                [&](const projections::ArrayTask& t) {
                                                  tasks.push_back(t);
                                                  return true;
                                                });
    if (!s.ok()) {
      spdlog::error("{}", s.to_string());
      return 1;
    }
  }
  print_array(*found, options.tasks ? &tasks : nullptr, options.json);
  return 0;
}

int run_history(const GlobalOptions& global, const HistoryOptions& options) {
  QueryLog query = open_for_query(global);
  if (query.log == nullptr) return 1;
  auto job = resolve_job(*query.log, options.job, options.cluster);
  if (!job.ok()) {
    spdlog::error("{}", job.status().to_string());
    return 1;
  }
  auto entries = projections::read_history(*query.log, job->cluster, job->job);
  if (!entries.ok()) {
    spdlog::error("{}", entries.status().to_string());
    return 1;
  }
  print_history(*query.log, *entries, options.json);
  return 0;
}

}  // namespace jobtrail::tools
