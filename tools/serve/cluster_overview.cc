#include "tools/serve/cluster_overview.h"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>

#include "events/assert.h"
#include "events/time_format.h"
#include "ingest/slurm/poll_state.h"
#include "projections/arrays_projection.h"
#include "projections/jobs_projection.h"

namespace jobtrail::tools {

namespace {

using nlohmann::json;

bool is_failure(fb::JobState s) {
  switch (s) {
    case fb::JobState::FAILED:
    case fb::JobState::TIMEOUT:
    case fb::JobState::NODE_FAIL:
    case fb::JobState::OUT_OF_MEMORY:
    case fb::JobState::BOOT_FAIL:
    case fb::JobState::DEADLINE:
      return true;
    default:
      return false;
  }
}

int64_t ended_at_us(const projections::JobView& v) {
  return v.end_at_us != 0 ? v.end_at_us : v.state_effective_at_us;
}

struct ClusterTally {
  uint64_t jobs = 0;
  std::array<uint64_t, kJobStateCount> states{};
  uint64_t arrays = 0;
  uint64_t last_seq = 0;
  std::vector<projections::JobView> failures;  // newest first, at most overview_failures_max
};

// Keeps the overview_failures_max newest failures: a bounded insertion, whatever the job count.
void note_failure(ClusterTally& tally, const projections::JobView& v) {
  auto& list = tally.failures;
  auto newer = [](const projections::JobView& a, const projections::JobView& b) {
    return ended_at_us(a) > ended_at_us(b);
  };
  if (list.size() == overview_failures_max && !newer(v, list.back())) return;
  list.insert(std::upper_bound(list.begin(), list.end(), v, newer), v);
  if (list.size() > overview_failures_max) list.pop_back();
  JT_ASSERT(list.size() <= overview_failures_max);
}

json failure_json(const projections::JobView& v) {
  const int64_t at = ended_at_us(v);
  json j{{"job", v.job},
         {"state", job_state_name(v.state)},
         {"user", v.user},
         {"name", v.name},
         {"end_at", at == 0 || at == INT64_MIN ? json(nullptr) : json(format_iso8601_us(at))},
         {"exit_code", v.exit_code >= 0 ? json(v.exit_code) : json(nullptr)}};
  if (!v.reason.empty()) j["reason"] = v.reason;
  return j;
}

// The SLURM poller's view of its sources, from its checkpoint; null when no poller feeds the
// cluster (PBS and trace imports keep no health).
Result<json> source_health(const EventLog& log, const std::string& cluster) {
  auto text = log.checkpoint(ingest::slurm::checkpoint_key(cluster));
  if (!text.ok()) return text.status();
  if (!text->has_value()) return json(nullptr);
  auto state = ingest::slurm::decode_poll_state(**text);
  if (!state.ok()) return state.status();
  json health = json::array();
  for (const auto& [source, h] : state->health) {
    if (h.known) health.push_back({{"source", source}, {"up", h.up}, {"error", h.error}});
  }
  return json{{"kind", "slurm-poll"},
              {"polls", state->polls},
              {"last_success_at", state->last_success_us == 0
                                      ? json(nullptr)
                                      : json(format_iso8601_us(state->last_success_us))},
              {"health", health}};
}

}  // namespace

Result<json> cluster_overview(const EventLog& log, const Caller& caller,
                              const RequestTarget& target) {
  JT_RETURN_IF_ERROR(check_params(target, {"cluster"}));
  const std::string only(target.param("cluster").value_or(""));
  std::map<std::string, ClusterTally> tallies;
  if (only.empty()) {
    auto clusters = log.clusters();
    if (!clusters.ok()) return clusters.status();
    for (const auto& c : *clusters) tallies[c];
  }
  projections::StoredState jobs(log, std::string(projections::JobsProjection::kName));
  JT_RETURN_IF_ERROR(projections::for_each_job(jobs, only, [&](const projections::JobView& v) {
    if (!caller.sees_user(v.user)) return true;
    ClusterTally& t = tallies[v.cluster];
    ++t.jobs;
    ++t.states[static_cast<size_t>(v.state)];
    t.last_seq = std::max(t.last_seq, v.last_seq);
    if (is_failure(v.state)) note_failure(t, v);
    return true;
  }));
  projections::StoredState arrays(log, std::string(projections::ArraysProjection::kName));
  JT_RETURN_IF_ERROR(
      projections::for_each_array(arrays, only, [&](const projections::ArrayCounts& a) {
        if (caller.sees_user(a.user)) ++tallies[a.cluster].arrays;
        return true;
      }));
  json list = json::array();
  for (const auto& [cluster, t] : tallies) {
    json states = json::object();
    for (size_t i = 0; i < t.states.size(); ++i) {
      if (t.states[i] != 0) states[job_state_name(static_cast<fb::JobState>(i))] = t.states[i];
    }
    json failures = json::array();
    for (const auto& v : t.failures) failures.push_back(failure_json(v));
    json source = nullptr;
    if (caller.sees_all) {
      auto health = source_health(log, cluster);
      if (!health.ok()) return health.status();
      source = std::move(health).value();
    }
    list.push_back({{"cluster", cluster},
                    {"jobs", t.jobs},
                    {"states", states},
                    {"running", t.states[static_cast<size_t>(fb::JobState::RUNNING)]},
                    {"pending", t.states[static_cast<size_t>(fb::JobState::PENDING)]},
                    {"arrays", t.arrays},
                    {"last_seq", t.last_seq},
                    {"recent_failures", failures},
                    {"source", source}});
  }
  return json{{"clusters", std::move(list)}};
}

}  // namespace jobtrail::tools
