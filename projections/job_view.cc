#include "projections/job_view.h"

#include "events/keys.h"
#include "projections/value_codec.h"

namespace jobtrail::projections {

namespace {
constexpr uint8_t kJobViewLayout = 1;
}

std::string job_state_key(std::string_view cluster, std::string_view job) {
  return keys::stream_prefix(cluster, job);
}

std::string encode_job_view(const JobView& v) {
  ValueWriter w;
  w.byte(kJobViewLayout);
  for (const std::string* s :
       {&v.cluster, &v.job, &v.raw_state, &v.user, &v.group, &v.account, &v.partition, &v.qos,
        &v.name, &v.work_dir, &v.nodes, &v.reason, &v.array_parent}) {
    w.str(*s);
  }
  w.byte(static_cast<uint8_t>(v.state));
  for (int64_t t :
       {v.state_effective_at_us, v.submit_at_us, v.eligible_at_us, v.start_at_us, v.end_at_us,
        v.time_limit_s, static_cast<int64_t>(v.exit_code), static_cast<int64_t>(v.signal)}) {
    w.i64(t);
  }
  for (uint64_t n :
       {v.state_seq, static_cast<uint64_t>(v.cpus), static_cast<uint64_t>(v.nodes_requested),
        v.memory_requested_bytes, v.first_seq, v.last_seq}) {
    w.u64(n);
  }
  w.u64(v.array_task ? static_cast<uint64_t>(*v.array_task) + 1 : 0);
  w.byte(v.submitted ? 1 : 0);
  w.u64(v.fields.size());
  for (const auto& [key, value] : v.fields) {
    w.str(key);
    w.str(value);
  }
  return w.take();
}

bool decode_job_view_into(std::string_view value, JobView* out) {
  ValueReader r(value);
  if (r.byte() != kJobViewLayout) return false;
  JobView& v = *out;
  v = JobView();
  for (std::string* s :
       {&v.cluster, &v.job, &v.raw_state, &v.user, &v.group, &v.account, &v.partition, &v.qos,
        &v.name, &v.work_dir, &v.nodes, &v.reason, &v.array_parent}) {
    *s = r.str();
  }
  v.state = static_cast<fb::JobState>(r.byte());
  v.state_effective_at_us = r.i64();
  v.submit_at_us = r.i64();
  v.eligible_at_us = r.i64();
  v.start_at_us = r.i64();
  v.end_at_us = r.i64();
  v.time_limit_s = r.i64();
  v.exit_code = static_cast<int32_t>(r.i64());
  v.signal = static_cast<int32_t>(r.i64());
  v.state_seq = r.u64();
  v.cpus = static_cast<uint32_t>(r.u64());
  v.nodes_requested = static_cast<uint32_t>(r.u64());
  v.memory_requested_bytes = r.u64();
  v.first_seq = r.u64();
  v.last_seq = r.u64();
  const uint64_t task = r.u64();
  if (task != 0) v.array_task = static_cast<uint32_t>(task - 1);
  v.submitted = r.byte() != 0;
  const uint64_t field_count = r.u64();
  for (uint64_t i = 0; i < field_count && r.ok(); ++i) {
    std::string key = r.str();
    v.fields[key] = r.str();
  }
  return r.ok() && r.at_end() && v.state <= fb::JobState::MAX;
}

std::optional<JobView> decode_job_view(std::string_view value) {
  JobView v;
  if (!decode_job_view_into(value, &v)) return std::nullopt;
  return v;
}

}  // namespace jobtrail::projections
