// `jobtrail record JOB`: a job's original accounting records, exactly as the scheduler wrote
// them, decompressed from the job's AccountingRecorded events (its stream, in seq order, which
// is the order they were read from their sources).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "events/record_codec.h"
#include "tools/commands.h"
#include "tools/commands/open_log.h"
#include "tools/commands/query_support.h"

namespace jobtrail::tools {

namespace {

using json = nlohmann::json;

struct RawRecord {
  uint64_t seq = 0;
  std::string format, source, origin, step;
  int64_t offset = 0, line = 0;
  uint32_t dictionary_id = 0;
  size_t stored_bytes = 0;
  std::string bytes;
};

Result<std::vector<RawRecord>> read_records(const EventLog& log, const EventLog::JobRef& job) {
  auto seqs = log.stream(job.cluster, job.job);
  if (!seqs.ok()) return seqs.status();
  RecordDecompressor decompressor(log);
  std::vector<RawRecord> out;
  for (uint64_t seq : *seqs) {
    auto stored = log.read(seq);
    if (!stored.ok()) return stored.status();
    auto view = stored->view();
    if (!view.ok()) return view.status();
    const auto* record = view->as<fb::AccountingRecorded>();
    if (record == nullptr) continue;
    auto bytes = decompressor.decompress(*record);
    if (!bytes.ok()) {
      return Status::corruption("seq " + std::to_string(seq) + ": " + bytes.status().message());
    }
    const fb::Provenance* p = view->header().provenance();
    RawRecord r;
    r.seq = seq;
    r.format = fb::EnumNameRecordFormat(record->format());
    r.source = p ? fb::EnumNameSourceKind(p->source_kind()) : "";
    r.origin = p && p->origin() ? p->origin()->str() : "";
    r.offset = p ? p->offset() : 0;
    r.line = p ? p->line() : 0;
    r.step = record->step() ? record->step()->str() : "";
    r.dictionary_id = record->dictionary_id();
    r.stored_bytes = record->compressed() ? record->compressed()->size() : 0;
    r.bytes = std::move(bytes).value();
    out.push_back(std::move(r));
  }
  return out;
}

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
    out.push_back({{"seq", r.seq},
                   {"cluster", job.cluster},
                   {"job", job.job},
                   {"step", r.step},
                   {"format", r.format},
                   {"source", r.source},
                   {"origin", r.origin},
                   {"offset", r.offset},
                   {"line", r.line},
                   {"dictionary_id", r.dictionary_id},
                   {"raw_bytes", r.bytes.size()},
                   {"stored_bytes", r.stored_bytes},
                   {"raw", r.bytes}});
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
  auto records = read_records(*log, *job);
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
