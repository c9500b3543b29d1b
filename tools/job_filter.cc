#include "tools/job_filter.h"

#include "events/time_format.h"

namespace jobtrail::tools {

bool JobFilter::matches(const projections::JobView& v) const {
  if (state && v.state != *state) return false;
  if (!user.empty() && v.user != user) return false;
  if (!array.empty() && v.array_parent != array) return false;
  return v.state_effective_at_us >= since_us;
}

Result<JobFilter> parse_job_filter(const JobFilterText& text) {
  JobFilter filter;
  if (!text.state.empty()) {
    filter.state = job_state_from_name(text.state);
    if (!filter.state) {
      return Status::invalid_argument("state " + text.state +
                                      ": not a state (PENDING, RUNNING, COMPLETED, FAILED, ...)");
    }
  }
  if (!text.since.empty()) {
    auto since = parse_time_us(text.since);
    if (!since.ok()) return Status::invalid_argument("since: " + since.status().message());
    filter.since_us = *since;
  }
  filter.user = text.user;
  filter.array = text.array;
  return filter;
}

}  // namespace jobtrail::tools
