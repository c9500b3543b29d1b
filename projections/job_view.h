// JobView: the current view of one job, as the `jobs` projection keeps it.
//
// "Current" is the latest fact by effective_at (the scheduler's time), not the last one to
// arrive: sacct may report a requeued run after squeue saw the job complete, and such a late
// fact joins the history without moving the current state backwards.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "events/job_state.h"

namespace jobtrail::projections {

struct JobView {
  std::string cluster;
  std::string job;  // the key as the scheduler writes it
  fb::JobState state = fb::JobState::UNKNOWN;
  std::string raw_state;
  int64_t state_effective_at_us = INT64_MIN;  // when the fact that set `state` happened
  uint64_t state_seq = 0;

  int64_t submit_at_us = 0;  // 0: not known
  int64_t eligible_at_us = 0;
  int64_t start_at_us = 0;
  int64_t end_at_us = 0;
  std::string user, group, account, partition, qos, name, work_dir;
  std::string nodes;
  std::string reason;  // pending reason or the scheduler's reason for the last change
  uint32_t cpus = 0;
  uint32_t nodes_requested = 0;
  uint64_t memory_requested_bytes = 0;
  int64_t time_limit_s = -1;
  int32_t exit_code = -1;  // -1: not known
  int32_t signal = 0;
  std::string array_parent;  // "123" for 123_4; empty outside arrays
  std::optional<uint32_t> array_task;
  bool submitted = false;  // a JobSubmitted has been seen
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;                      // the last event that touched this job
  std::map<std::string, std::string> fields;  // other fields from JobFieldsUpdated
  bool operator==(const JobView&) const = default;
};

std::string encode_job_view(const JobView& view);
std::optional<JobView> decode_job_view(std::string_view value);
// The same into `out` (reset first); false when `value` does not decode.
bool decode_job_view_into(std::string_view value, JobView* out);

// The state key of a job: lp(cluster) lp(job), the same bytes as its stream prefix.
std::string job_state_key(std::string_view cluster, std::string_view job);

}  // namespace jobtrail::projections
