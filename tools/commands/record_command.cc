// `jobtrail record JOB`: a job's original accounting records, exactly as the scheduler wrote
// them, decompressed from the job's AccountingRecorded events (its stream, in seq order, which
// is the order they were read from their sources).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/commands.h"
#include "tools/commands/open_log.h"
#include "tools/commands/query_support.h"
#include "tools/raw_record_json.h"

namespace jobtrail::tools {

namespace {

using json = nlohmann::json;

void print_raw(const std::vector<RawRecord>& records) {
  for (const RawRecord& r : records) {
    std::fwrite(r.bytes.data(), 1, r.bytes.size(), stdout);
    std::fputc('\n', stdout);
  }
  std::fflush(stdout);
}

void print_json(const EventLog::JobRef& job, const std::vector<RawRecord>& records) {
  json out = json::array();
  for (const RawRecord& r : records) {
    json one = raw_record_json(r);
    one["cluster"] = job.cluster;
    one["job"] = job.job;
    out.push_back(std::move(one));
  }
  // Records are bytes; JSON wants UTF-8. Invalid bytes become U+FFFD here: --raw is exact.
  std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

void print_text(const std::vector<RawRecord>& records) {
  for (const RawRecord& r : records) {
    std::cout << "# seq " << r.seq << "  " << r.format << (r.step.empty() ? "" : " step ") << r.step
              << "  " << r.origin << ":" << r.line << " (byte " << r.offset << ")  "
              << r.bytes.size() << " B stored in " << r.stored_bytes << " B"
              << (r.dictionary_id ? " with dictionary " + std::to_string(r.dictionary_id) : "")
              << "\n";
    std::cout.write(r.bytes.data(), static_cast<std::streamsize>(r.bytes.size()));
    std::cout << "\n";
  }
}

}  // namespace

int run_record(const GlobalOptions& global, const RecordOptions& options) {
  auto log = open_log_for_reading(global);
  if (log == nullptr) return 1;
  auto job = resolve_job(*log, options.job, options.cluster);
  if (!job.ok()) {
    spdlog::error("{}", job.status().to_string());
    return 1;
  }
  auto records = read_raw_records(*log, job->cluster, job->job);
  if (!records.ok()) {
    spdlog::error("{}", records.status().to_string());
    return 1;
  }
  if (options.raw) {
    print_raw(*records);
  } else if (options.json) {
    print_json(*job, *records);
  } else {
    print_text(*records);
  }
  if (records->empty()) spdlog::warn("job {}/{} has no raw records", job->cluster, job->job);
  return 0;
}

}  // namespace jobtrail::tools
