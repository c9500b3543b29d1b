// JobFilter: which jobs a listing shows — the filters `jobs`, `as-of T jobs` and GET /api/jobs
// share, so the CLI and the API select the same jobs for the same words.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "events/job_state.h"
#include "events/status.h"
#include "projections/job_view.h"

namespace jobtrail::tools {

struct JobFilterText {
  std::string state;  // a state name (PENDING, RUNNING, ...)
  std::string user;
  std::string array;  // the array's parent key: its tasks
  std::string since;  // ISO 8601 or epoch seconds: the state changed at or after it
};

struct JobFilter {
  std::optional<fb::JobState> state;
  std::string user;
  std::string array;
  int64_t since_us = INT64_MIN;

  bool matches(const projections::JobView& view) const;
};

// Invalid argument naming the filter when a state or a time does not parse.
Result<JobFilter> parse_job_filter(const JobFilterText& text);

}  // namespace jobtrail::tools
