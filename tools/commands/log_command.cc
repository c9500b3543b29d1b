// `jobtrail log`: the decoded events from a seq, as lines or a JSON array.
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/commands.h"
#include "tools/commands/open_log.h"
#include "tools/commands/query_support.h"
#include "tools/event_json.h"

namespace jobtrail::tools {

namespace {

// The seqs to print: one job's stream, or the log from --from.
Result<std::vector<uint64_t>> seqs_to_print(const EventLog& log, const LogOptions& options) {
  std::vector<uint64_t> seqs;
  if (!options.job.empty()) {
    auto job = resolve_job(log, options.job, options.cluster);
    if (!job.ok()) return job.status();
    auto stream = log.stream(job->cluster, job->job);
    if (!stream.ok()) return stream.status();
    for (uint64_t seq : *stream) {
      if (seq >= options.from_seq && seqs.size() < options.limit) seqs.push_back(seq);
    }
    return seqs;
  }
  const uint64_t first = std::max<uint64_t>(options.from_seq, 1);
  for (uint64_t seq = first; seq <= log.head() && seqs.size() < options.limit; ++seq) {
    seqs.push_back(seq);
  }
  return seqs;
}

}  // namespace

int run_log(const GlobalOptions& global, const LogOptions& options) {
  auto log = open_log_for_reading(global);
  if (log == nullptr) return 1;
  auto seqs = seqs_to_print(*log, options);
  if (!seqs.ok()) {
    spdlog::error("{}", seqs.status().to_string());
    return 1;
  }
  nlohmann::json events = nlohmann::json::array();
  for (uint64_t seq : *seqs) {
    auto stored = log->read(seq);
    auto view = stored.ok() ? stored->view() : Result<EventView>(stored.status());
    if (!view.ok()) {
      spdlog::error("{}", view.status().to_string());
      return 1;
    }
    if (options.json) {
      events.push_back(event_to_json(*view));
    } else {
      std::cout << event_to_line(*view) << "\n";
    }
  }
  if (options.json) std::cout << events.dump(2) << "\n";
  return 0;
}

}  // namespace jobtrail::tools
