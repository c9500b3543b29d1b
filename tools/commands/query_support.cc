#include "tools/commands/query_support.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "events/time_format.h"
#include "tools/projection_json.h"

namespace jobtrail::tools {

using nlohmann::json;

Result<EventLog::JobRef> resolve_job(const EventLog& log, std::string_view job,
                                     std::string_view cluster) {
  auto found = log.find_jobs(job, cluster);
  if (!found.ok()) return found.status();
  if (found->empty()) {
    return Status::not_found("no job " + std::string(job) +
                             (cluster.empty() ? "" : " in cluster " + std::string(cluster)));
  }
  if (found->size() > 1) {
    std::string candidates;
    for (const auto& ref : *found) candidates += " " + ref.cluster + "/" + ref.job;
    return Status::invalid_argument("job " + std::string(job) + " is ambiguous; candidates:" +
                                    candidates + " (name one with --cluster and its full key)");
  }
  return found->front();
}

Result<projections::ArrayCounts> resolve_array(const EventLog& log,
                                               const projections::StateSource& arrays,
                                               std::string_view array, std::string_view cluster) {
  std::vector<std::string> clusters;
  if (!cluster.empty()) {
    clusters.emplace_back(cluster);
  } else {
    auto all = log.clusters();
    if (!all.ok()) return all.status();
    clusters = std::move(all).value();
  }
  std::vector<projections::ArrayCounts> found;
  for (const std::string& c : clusters) {
    auto counts = projections::read_array(arrays, c, array);
    if (!counts.ok()) return counts.status();
    if (counts->has_value()) found.push_back(std::move(**counts));
  }
  if (found.empty()) return Status::not_found("no array " + std::string(array));
  if (found.size() > 1) {
    std::string candidates;
    for (const auto& a : found) candidates += " " + a.cluster + "/" + a.array;
    return Status::invalid_argument("array " + std::string(array) +
                                    " is in several clusters:" + candidates + " (use --cluster)");
  }
  return found.front();
}

void print_array(const projections::ArrayCounts& counts,
                 const std::vector<projections::ArrayTask>* tasks, bool as_json) {
  if (as_json) {
    std::cout
        << array_counts_json(counts, tasks).dump(2, ' ', false, json::error_handler_t::replace)
        << "\n";
    return;
  }
  std::cout << counts.cluster << " array " << counts.array << "  total " << counts.total << "\n";
  for (size_t i = 0; i < counts.counts.size(); ++i) {
    if (counts.counts[i] == 0) continue;
    std::cout << "  " << job_state_name(static_cast<fb::JobState>(i)) << "  " << counts.counts[i]
              << "\n";
  }
  if (counts.remainder.size() > 0) {
    std::cout << "  pending remainder [" << runs_text(counts.remainder) << "]\n";
  }
  if (tasks == nullptr) return;
  for (const auto& t : *tasks) {
    std::cout << "  task " << t.task << "  " << job_state_name(t.state) << "  since "
              << format_iso8601_us(t.effective_at_us) << "\n";
  }
}

void print_history(const EventLog& log, const std::vector<projections::HistoryEntry>& entries,
                   bool as_json) {
  if (as_json) {
    json out = json::array();
    for (const auto& e : entries) out.push_back(history_entry_json(e, log));
    std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return;
  }
  for (const auto& e : entries) {
    std::cout << format_iso8601_us(e.effective_at_us) << "  "
              << (e.is_submission ? std::string("submitted") : job_state_name(e.from)) << " -> "
              << job_state_name(e.to);
    if (!e.raw_state.empty()) std::cout << "  (" << e.raw_state << ")";
    std::cout << "  seq " << e.seq << "\n";
  }
}

}  // namespace jobtrail::tools
