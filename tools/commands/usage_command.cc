// `jobtrail usage --by user|account|partition|day`: core-hours and GPU-hours from the usage
// projection (projections/usage_projection.h), summed over the days that overlap [--from, --to).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "events/time_format.h"
#include "projections/usage_projection.h"
#include "tools/commands.h"
#include "tools/commands/open_log.h"
#include "tools/projection_json.h"

namespace jobtrail::tools {

namespace {

using json = nlohmann::json;

Result<int64_t> optional_time(const std::string& text) {
  if (text.empty()) return int64_t{0};
  return parse_time_us(text);
}

}  // namespace

int run_usage(const GlobalOptions& global, const UsageOptions& options) {
  const auto by = projections::usage_by_from_name(options.by);
  if (!by) {
    spdlog::error("--by {}: one of user, account, partition, day", options.by);
    return 2;
  }
  projections::UsageQuery query;
  query.by = *by;
  query.cluster = options.cluster;
  auto from = optional_time(options.from), to = optional_time(options.to);
  if (!from.ok() || !to.ok()) {
    spdlog::error("--from/--to: {}", (!from.ok() ? from : to).status().to_string());
    return 2;
  }
  query.from_us = *from;
  query.to_us = *to;
  QueryLog opened = open_for_query(global);
  if (opened.log == nullptr) return 1;
  projections::StoredState state(*opened.log, std::string(projections::UsageProjection::kName));
  auto rows = projections::read_usage(state, query);
  if (!rows.ok()) {
    spdlog::error("{}", rows.status().to_string());
    return 1;
  }
  const std::string key_name = options.by == "queue" ? "partition" : options.by;
  if (options.json) {
    json out = usage_rows_json(*rows, key_name, !options.cluster.empty());
    std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::printf("%-32s %14s %12s %10s\n", key_name.c_str(), "core_hours", "gpu_hours", "jobs_ended");
  for (const auto& r : *rows) {
    std::printf("%-32s %14.2f %12.2f %10llu\n", r.key.empty() ? "-" : r.key.c_str(), r.core_hours,
                r.gpu_hours, static_cast<unsigned long long>(r.jobs_ended));
  }
  return 0;
}

}  // namespace jobtrail::tools
