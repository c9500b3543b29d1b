// `jobtrail bench append`: what EventLog::append costs against raw RocksDB appends of the
// same bytes.
//
// Method. The parent runs each mode in its own child process (this binary again, with
// --child-mode), so each mode's peak RSS (ru_maxrss, which only rises) is its own. A child
// loads the trace, builds every event in memory first (not timed), then appends them in
// batches of --batch-events into a fresh database and times each batch:
//   baseline  raw RocksDB: one key per event (be64 seq -> event bytes), same CF options,
//             same batch size, WriteBatch + fsync per batch (EventLog's default policy)
//   sync      EventLog::append, fsync per batch (the default durability)
//   group     EventLog::append with group commit (one fsync per --group-commit-ms window)
// then flushes and compacts, and reports on-disk bytes per event. ratio = group events/s
// divided by baseline events/s.
#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "events/keys.h"
#include "events/time_format.h"
#include "ingest/swf/swf_importer.h"
#include "ingest/text_source.h"
#include "tools/bench/bench_child.h"
#include "tools/commands.h"

namespace jobtrail::tools {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kModes[] = {"baseline", "sync", "group"};

Result<std::vector<BuiltEvent>> load_events(const std::string& path, uint64_t events_max) {
  auto reader = ingest::LineReader::open(path);
  if (!reader.ok()) return reader.status();
  ingest::swf::SwfParser parser;
  EventBuilder builder;
  std::vector<BuiltEvent> events;
  ingest::swf::SwfRecordContext context{"bench", "", path, 0, 0, now_us()};
  for (;;) {
    auto line = (*reader)->next();
    if (!line.ok()) return line.status();
    if (!line->has_value() || (events_max != 0 && events.size() >= events_max)) break;
    auto parsed = parser.parse_line((*line)->text);
    if (!parsed.ok()) continue;
    const auto* record = std::get_if<ingest::swf::SwfRecord>(&*parsed);
    if (record == nullptr) continue;
    context.offset = static_cast<int64_t>((*line)->offset);
    context.line = static_cast<int64_t>((*line)->number);
    context.identity =
        "swf/bench/" + (*reader)->content_identity() + "/" + std::to_string((*line)->offset);
    (void)ingest::swf::swf_record_events(*record, parser.header(), context, builder, &events);
  }
  if (events_max != 0 && events.size() > events_max) events.resize(events_max);
  return events;
}

struct Timing {
  double seconds = 0;
  std::vector<double> batch_us;
};

// Times `append_batch(first, last)` over every batch of the events.
template <typename AppendFn>
Status time_batches(const std::vector<BuiltEvent>& events, uint32_t batch_events, Timing* timing,
                    AppendFn append_batch) {
  const auto start = Clock::now();
  for (size_t first = 0; first < events.size(); first += batch_events) {
    const size_t last = std::min(events.size(), first + batch_events);
    const auto t0 = Clock::now();
    JT_RETURN_IF_ERROR(append_batch(first, last));
    timing->batch_us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  timing->seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return Status();
}

Result<uint64_t> run_baseline(const std::vector<BuiltEvent>& events, const std::string& dir,
                              uint32_t batch_events, Timing* timing) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kZSTD;
  options.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;  // as EventLog's log CF: 16 KiB blocks
  table.block_size = 16 * 1024;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return Status::io_error(s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  JT_RETURN_IF_ERROR(time_batches(events, batch_events, timing, [&](size_t first, size_t last) {
    rocksdb::WriteBatch wb;
    for (size_t i = first; i < last; ++i) wb.Put(keys::log_key(i + 1), events[i].bytes);
    rocksdb::Status w = db->Write(write_options, &wb);
    return w.ok() ? Status() : Status::io_error(w.ToString());
  }));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  (void)db->Flush(rocksdb::FlushOptions());
  (void)db->CompactRange(compact, nullptr, nullptr);
  uint64_t sst = 0;
  db->GetIntProperty("rocksdb.live-sst-files-size", &sst);
  return sst;
}

Result<uint64_t> run_event_log(std::vector<BuiltEvent>& events, const std::string& dir,
                               const BenchAppendOptions& options, Durability durability,
                               Timing* timing) {
  EventLogOptions log_options;
  log_options.durability = durability;
  log_options.group_commit_window_ms = options.group_commit_window_ms;
  auto log = EventLog::open(dir, log_options);
  if (!log.ok()) return log.status();
  // Batches are cut before the clock starts (moving, not copying, the events), so the timed
  // loop is EventLog::append alone, as the baseline's is WriteBatch + Write alone.
  std::vector<AppendBatch> batches((events.size() + options.batch_events - 1) /
                                   options.batch_events);
  for (size_t i = 0; i < events.size(); ++i) {
    batches[i / options.batch_events].events.push_back(std::move(events[i]));
  }
  JT_RETURN_IF_ERROR(time_batches(events, options.batch_events, timing, [&](size_t f, size_t) {
    return (*log)->append(batches[f / options.batch_events]).status();
  }));
  // Group commit: the run ends when everything is durable, so the rate is honest.
  const auto t0 = Clock::now();
  JT_RETURN_IF_ERROR((*log)->wait_durable((*log)->head()));
  timing->seconds += std::chrono::duration<double>(Clock::now() - t0).count();
  JT_RETURN_IF_ERROR((*log)->compact());
  auto stats = (*log)->storage_stats();
  if (!stats.ok()) return stats.status();
  return stats->sst_bytes;
}

int run_child(const BenchAppendOptions& options) {
  auto events = load_events(options.data, options.events);
  if (!events.ok()) {
    spdlog::error("bench: {}", events.status().to_string());
    return 1;
  }
  uint64_t event_bytes = 0;
  for (const BuiltEvent& e : *events) event_bytes += e.bytes.size();
  Timing timing;
  Result<uint64_t> sst = uint64_t{0};
  if (options.child_mode == "baseline") {
    sst = run_baseline(*events, options.scratch_dir, options.batch_events, &timing);
  } else {
    const Durability d =
        options.child_mode == "group" ? Durability::kGroupCommit : Durability::kSyncPerBatch;
    sst = run_event_log(*events, options.scratch_dir, options, d, &timing);
  }
  if (!sst.ok()) {
    spdlog::error("bench {}: {}", options.child_mode, sst.status().to_string());
    return 1;
  }
  const double n = static_cast<double>(events->size());
  json j{{"mode", options.child_mode},
         {"events", events->size()},
         {"event_bytes_avg", n > 0 ? static_cast<double>(event_bytes) / n : 0},
         {"seconds", timing.seconds},
         {"events_per_s", timing.seconds > 0 ? n / timing.seconds : 0},
         {"batch_commit_us_p50", percentile(timing.batch_us, 0.50)},
         {"batch_commit_us_p99", percentile(timing.batch_us, 0.99)},
         {"disk_bytes", *sst},
         {"bytes_per_event", n > 0 ? static_cast<double>(*sst) / n : 0}};
  std::cout << j.dump() << std::endl;
  return 0;
}

// Runs one mode in a child process; returns its JSON with peak_rss_kb added.
Result<json> run_mode(const BenchAppendOptions& options, const std::string& self,
                      const std::string& mode) {
  return run_bench_child({self, "bench", "append", "--child-mode", mode, "--data", options.data,
                          "--scratch", options.scratch_dir + "/" + mode, "--events",
                          std::to_string(options.events), "--batch-events",
                          std::to_string(options.batch_events), "--group-commit-ms",
                          std::to_string(options.group_commit_window_ms)});
}

}  // namespace

int run_bench_append(const BenchAppendOptions& given, const std::string& self) {
  BenchAppendOptions options = given;
  if (options.data.empty())
    options.data = std::string(JOBTRAIL_DATA_DIR) + "/swf/LCG-2005-1.swf.gz";
  if (!options.child_mode.empty()) return run_child(options);

  bool own_scratch = false;
  if (options.scratch_dir.empty()) {
    char tmpl[] = "/tmp/jobtrail-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      spdlog::error("bench: cannot create a scratch folder");
      return 1;
    }
    options.scratch_dir = tmpl;
    own_scratch = true;
  }
  json modes = json::object();
  for (const char* mode : kModes) {
    spdlog::info("bench append: running {} ...", mode);
    auto result = run_mode(options, self, mode);
    if (!result.ok()) {
      spdlog::error("bench: {}", result.status().to_string());
      return 1;
    }
    modes[mode] = *result;
  }
  if (own_scratch) std::filesystem::remove_all(options.scratch_dir);
  const double baseline = modes["baseline"]["events_per_s"].get<double>();
  const double group = modes["group"]["events_per_s"].get<double>();
  json out{
      {"data", options.data},
      {"batch_events", options.batch_events},
      {"group_commit_ms", options.group_commit_window_ms},
      {"modes", modes},
      {"ratio", baseline > 0 ? group / baseline : 0},
      {"ratio_sync", baseline > 0 ? modes["sync"]["events_per_s"].get<double>() / baseline : 0}};
  if (options.json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%-9s %12s %14s %14s %12s %12s\n", "mode", "events/s", "p50 batch us", "p99 batch us",
              "bytes/event", "peak RSS MB");
  for (const char* mode : kModes) {
    const json& m = modes[mode];
    std::printf("%-9s %12.0f %14.0f %14.0f %12.1f %12.1f\n", mode, m["events_per_s"].get<double>(),
                m["batch_commit_us_p50"].get<double>(), m["batch_commit_us_p99"].get<double>(),
                m["bytes_per_event"].get<double>(), m["peak_rss_kb"].get<double>() / 1024);
  }
  std::printf("ratio (group / baseline events/s) = %.2f\n", out["ratio"].get<double>());
  return 0;
}

}  // namespace jobtrail::tools
