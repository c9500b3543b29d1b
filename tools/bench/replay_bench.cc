// `jobtrail bench rebuild` and `jobtrail bench history`: projections and reads on a large log
// made from the bundled real traces.
//
// The log. Every bundled SWF trace is imported again and again under new cluster names
// ("lcg-0", "kth-3", ...) until the log holds --events events (10 M by default); odd rounds
// group each trace's jobs into arrays of --array-tasks tasks (1000 by default), so the arrays
// projection has real work.
// It is built once per scratch folder (--scratch keeps and reuses it).
//
// rebuild: raw scan + verify of every event (the baseline: the least any rebuild must do)
//          against ProjectionEngine::rebuild of what the issue names: jobs + arrays + history
//          (history needs no fold: it is the log's stream index, written with each event);
//          ratio = rebuild events/s ÷ scan events/s. Side by side in the same run: the same
//          rebuild in one lane (both projections on one thread), and a rebuild of every default
//          projection (jobs, arrays, usage, deps; `jobtrail rebuild` with no names) in lanes,
//          with its own ratio_all. Each runs in its own child process (peak RSS is its own).
// history: p50/p99 of one job's history (stream index + point reads) at random jobs, against
//          the same answer without the per-job index (a filtered scan of the log, on a few
//          jobs); ratio = baseline p50 ÷ history p50. Also p50/p99 of `as-of T history JOB` and
//          `as-of T array ID` at random T within each job's or array's lifetime.
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>

#include "events/time_format.h"
#include "ingest/swf/swf_importer.h"
#include "projections/arrays_projection.h"
#include "projections/engine.h"
#include "projections/job_history.h"
#include "projections/jobs_projection.h"
#include "projections/projection_set.h"
#include "replay/as_of.h"
#include "tools/bench/bench_child.h"
#include "tools/commands.h"

namespace jobtrail::tools {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kRoundsMax = 200;
constexpr uint32_t kBaselineQueries = 3;  // each is a scan of the whole log

struct Trace {
  const char* file;
  const char* cluster;
};
constexpr Trace kTraces[] = {{"LCG-2005-1.swf.gz", "lcg"},
                             {"LANL-CM5-1994-4.1-cln.swf.gz", "lanl"},
                             {"KTH-SP2-1996-2.1-cln.swf.gz", "kth"},
                             {"NASA-iPSC-1993-3.1-cln.swf.gz", "nasa"},
                             {"alea-wagap-2013.ext-swf.gz", "wagap"},
                             {"alea-hpc2n-excerpt.swf", "hpc2n"}};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string log_dir(const BenchReplayOptions& o) {
  return o.scratch_dir + "/log";
}

// Builds the log unless the scratch folder already has one at least as large.
Status ensure_log(const BenchReplayOptions& o) {
  EventLogOptions log_options;
  log_options.durability = Durability::kGroupCommit;
  auto log = EventLog::open(log_dir(o), log_options);
  if (!log.ok()) return log.status();
  const auto start = Clock::now();
  for (uint32_t round = 0; round < kRoundsMax && (*log)->head() < o.events; ++round) {
    for (const Trace& trace : kTraces) {
      if ((*log)->head() >= o.events) break;
      ingest::swf::SwfImportOptions import;
      import.cluster = std::string(trace.cluster) + "-" + std::to_string(round);
      import.array_size = round % 2 == 1 ? o.array_tasks : 0;
      auto stats = ingest::swf::import_swf(**log, o.data_dir + "/swf/" + trace.file, import);
      if (!stats.ok()) return stats.status();
    }
    spdlog::info("bench: log at {} events ({:.0f} s)", (*log)->head(), seconds_since(start));
  }
  return (*log)->wait_durable((*log)->head());
}

json measure_scan(const BenchReplayOptions& o) {
  EventLogOptions reader;
  reader.mode = EventLogOptions::Mode::kReader;
  auto log = EventLog::open(log_dir(o), reader);
  if (!log.ok()) return json{{"error", log.status().to_string()}};
  const auto start = Clock::now();
  uint64_t events = 0;
  auto cursor = (*log)->scan(1);
  for (auto next = cursor->next(); next.ok() && next->has_value(); next = cursor->next()) ++events;
  const double seconds = seconds_since(start);
  return json{{"events", events}, {"seconds", seconds}, {"events_per_s", events / seconds}};
}

// The projections a rebuild measures: jobs + arrays (what the issue names), or all defaults.
enum class RebuildSet { kJobsArrays, kAll };

std::vector<std::unique_ptr<projections::Projection>> rebuild_projections(RebuildSet set) {
  if (set == RebuildSet::kAll) return projections::default_projections();
  std::vector<std::unique_ptr<projections::Projection>> out;
  out.push_back(std::make_unique<projections::JobsProjection>());
  out.push_back(std::make_unique<projections::ArraysProjection>());
  return out;
}

// An engine of just `set` resets and folds exactly those projections from seq 1, whatever
// state the others are in. lanes: false folds them all on one thread (the engine's path
// before lanes), for a side-by-side figure in the same run.
json measure_rebuild(const BenchReplayOptions& o, RebuildSet set, bool lanes) {
  auto log = EventLog::open(log_dir(o), EventLogOptions{});
  if (!log.ok()) return json{{"error", log.status().to_string()}};
  projections::EngineOptions options;
  if (!lanes) options.lanes_events_min = UINT64_MAX;
  auto engine = projections::ProjectionEngine::open(**log, rebuild_projections(set), options);
  if (!engine.ok()) return json{{"error", engine.status().to_string()}};
  const auto start = Clock::now();
  Status s = (*engine)->rebuild(**log, {});
  const double seconds = seconds_since(start);
  if (!s.ok()) return json{{"error", s.to_string()}};
  const uint64_t events = (*log)->head();
  return json{{"events", events}, {"seconds", seconds}, {"events_per_s", events / seconds}};
}

struct JobSample {
  std::string cluster, job;
  int64_t first_us = 0, last_us = 0;
};

// Random jobs: the job of the event at a random seq.
std::vector<JobSample> sample_jobs(const EventLog& log, uint32_t count, std::mt19937_64& random) {
  std::uniform_int_distribution<uint64_t> seq(1, log.head());
  std::vector<JobSample> jobs;
  for (uint32_t attempt = 0; jobs.size() < count && attempt < count * 4; ++attempt) {
    auto stored = log.read(seq(random));
    if (!stored.ok()) continue;
    auto view = stored->view();
    if (!view.ok() || view->job_text().empty()) continue;
    jobs.push_back({std::string(view->cluster()), std::string(view->job_text())});
  }
  return jobs;
}

json latency_json(const std::vector<double>& us) {
  return json{
      {"queries", us.size()}, {"us_p50", percentile(us, 0.5)}, {"us_p99", percentile(us, 0.99)}};
}

json measure_history(const BenchReplayOptions& o) {
  auto log = EventLog::open(log_dir(o), EventLogOptions{});
  if (!log.ok()) return json{{"error", log.status().to_string()}};
  auto engine = projections::ProjectionEngine::open(**log, projections::default_projections(), {});
  if (!engine.ok() || !(*engine)->catch_up(**log).ok()) return json{{"error", "catch up failed"}};
  std::mt19937_64 random(42);
  std::vector<JobSample> jobs = sample_jobs(**log, o.queries, random);
  std::vector<double> history_us, as_of_us;
  for (JobSample& job : jobs) {
    const auto t0 = Clock::now();
    auto entries = projections::read_history(**log, job.cluster, job.job);
    history_us.push_back(seconds_since(t0) * 1e6);
    if (!entries.ok() || entries->empty()) continue;
    std::uniform_int_distribution<int64_t> at(entries->front().effective_at_us,
                                              entries->back().effective_at_us);
    const auto t1 = Clock::now();
    auto then = replay::history_as_of(**log, job.cluster, job.job, replay::AsOf{at(random), false});
    as_of_us.push_back(seconds_since(t1) * 1e6);
  }
  // The baseline: the same history from a log without a per-job index (a filtered scan).
  std::vector<double> baseline_us;
  for (uint32_t i = 0; i < kBaselineQueries && i < jobs.size(); ++i) {
    const auto t0 = Clock::now();
    size_t found = 0;
    auto cursor = (*log)->scan(1);
    for (auto next = cursor->next(); next.ok() && next->has_value(); next = cursor->next()) {
      if ((*next)->job_text() == jobs[i].job && (*next)->cluster() == jobs[i].cluster) ++found;
    }
    baseline_us.push_back(seconds_since(t0) * 1e6);
  }
  // Arrays: as-of T array at random T within each array's life.
  std::vector<std::pair<std::string, std::string>> arrays;
  projections::StoredState stored(**log, "arrays");
  (void)projections::for_each_array(stored, "", [&](const projections::ArrayCounts& a) {
    arrays.emplace_back(a.cluster, a.array);
    return arrays.size() < 100'000;
  });
  std::vector<double> array_as_of_us;
  uint64_t array_events_max = 0;  // the most events one queried array has
  for (uint32_t i = 0; i < o.queries && !arrays.empty(); ++i) {
    const auto& [cluster, array] = arrays[random() % arrays.size()];
    auto seqs = projections::array_event_seqs(stored, cluster, array);
    if (!seqs.ok() || seqs->empty()) continue;
    array_events_max = std::max<uint64_t>(array_events_max, seqs->size());
    auto first = (*log)->read(seqs->front());
    auto last = (*log)->read(seqs->back());
    if (!first.ok() || !last.ok()) continue;
    int64_t a = first->view()->effective_at_us(), b = last->view()->effective_at_us();
    std::uniform_int_distribution<int64_t> at(std::min(a, b), std::max(a, b));
    const auto t0 = Clock::now();
    auto counts = replay::array_as_of(stored, cluster, array, replay::AsOf{at(random), false});
    if (!counts.ok()) return json{{"error", "as-of array: " + counts.status().to_string()}};
    array_as_of_us.push_back(seconds_since(t0) * 1e6);
  }
  const double history_p50 = percentile(history_us, 0.5);
  return json{{"events", (*log)->head()},
              {"history", latency_json(history_us)},
              {"baseline_scan", latency_json(baseline_us)},
              {"as_of_history", latency_json(as_of_us)},
              {"as_of_array", latency_json(array_as_of_us)},
              {"arrays", arrays.size()},
              {"array_tasks", o.array_tasks},
              {"array_events_max", array_events_max},
              {"ratio", history_p50 > 0 ? percentile(baseline_us, 0.5) / history_p50 : 0}};
}

int run_child_mode(const BenchReplayOptions& o) {
  json out;
  if (o.child_mode == "generate") {
    Status s = ensure_log(o);
    out = s.ok() ? json{{"ok", true}} : json{{"error", s.to_string()}};
  } else if (o.child_mode == "scan") {
    out = measure_scan(o);
  } else if (o.child_mode == "rebuild") {
    out = measure_rebuild(o, RebuildSet::kJobsArrays, true);
  } else if (o.child_mode == "rebuild_one_lane") {
    out = measure_rebuild(o, RebuildSet::kJobsArrays, false);
  } else if (o.child_mode == "rebuild_all") {
    out = measure_rebuild(o, RebuildSet::kAll, true);
  } else {
    out = measure_history(o);
  }
  std::cout << out.dump() << std::endl;
  if (out.contains("error"))
    spdlog::error("bench {}: {}", o.child_mode, out["error"].get<std::string>());
  return out.contains("error") ? 1 : 0;
}

Result<json> child(const BenchReplayOptions& o, const std::string& self, const char* bench,
                   const char* mode) {
  return run_bench_child({self, "bench", bench, "--child-mode", mode, "--events",
                          std::to_string(o.events), "--scratch", o.scratch_dir, "--data",
                          o.data_dir, "--queries", std::to_string(o.queries), "--array-tasks",
                          std::to_string(o.array_tasks)});
}

// Prepares the scratch folder and the log; returns false (logged) on failure.
bool prepare(BenchReplayOptions& o, const std::string& self, const char* bench, bool* own) {
  if (o.data_dir.empty()) o.data_dir = JOBTRAIL_DATA_DIR;
  *own = o.scratch_dir.empty();
  if (*own) {
    char tmpl[] = "/tmp/jobtrail-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return false;
    o.scratch_dir = tmpl;
  }
  spdlog::info("bench {}: preparing a log of {} events in {}", bench, o.events, o.scratch_dir);
  auto generated = child(o, self, bench, "generate");
  if (!generated.ok()) spdlog::error("bench: {}", generated.status().to_string());
  return generated.ok();
}

}  // namespace

int run_bench_rebuild(const BenchReplayOptions& given, const std::string& self) {
  if (!given.child_mode.empty()) return run_child_mode(given);
  BenchReplayOptions o = given;
  bool own = false;
  if (!prepare(o, self, "rebuild", &own)) return 1;
  auto scan = child(o, self, "rebuild", "scan");
  auto rebuild = scan.ok() ? child(o, self, "rebuild", "rebuild") : scan;
  auto one_lane = rebuild.ok() ? child(o, self, "rebuild", "rebuild_one_lane") : rebuild;
  auto all = one_lane.ok() ? child(o, self, "rebuild", "rebuild_all") : one_lane;
  if (own) std::filesystem::remove_all(o.scratch_dir);
  if (!all.ok()) {
    spdlog::error("bench rebuild: {}", all.status().to_string());
    return 1;
  }
  const double base = (*scan)["events_per_s"].get<double>();
  const double ours = (*rebuild)["events_per_s"].get<double>();
  const double serial = (*one_lane)["events_per_s"].get<double>();
  const double every = (*all)["events_per_s"].get<double>();
  json out{{"events", (*rebuild)["events"]},
           {"projections", {"jobs", "arrays"}},
           {"projections_all", {"jobs", "arrays", "usage", "deps"}},
           {"scan_verify", *scan},
           {"rebuild", *rebuild},
           {"rebuild_one_lane", *one_lane},
           {"rebuild_all", *all},
           {"lanes_speedup", serial > 0 ? ours / serial : 0},
           {"ratio", base > 0 ? ours / base : 0},
           {"ratio_all", base > 0 ? every / base : 0}};
  if (o.json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%-22s %12s %10s %12s\n", "", "events/s", "seconds", "peak RSS MB");
  for (const char* mode : {"scan_verify", "rebuild", "rebuild_one_lane", "rebuild_all"}) {
    const json& m = out[mode];
    std::printf("%-22s %12.0f %10.2f %12.1f\n", mode, m["events_per_s"].get<double>(),
                m["seconds"].get<double>(), m["peak_rss_kb"].get<double>() / 1024);
  }
  std::printf(
      "ratio (rebuild jobs + arrays / scan+verify) = %.2f over %llu events; "
      "two lanes / one = %.2f\n",
      out["ratio"].get<double>(), static_cast<unsigned long long>(out["events"].get<uint64_t>()),
      out["lanes_speedup"].get<double>());
  std::printf("ratio_all (rebuild of every default projection / scan+verify) = %.2f\n",
              out["ratio_all"].get<double>());
  return 0;
}

int run_bench_history(const BenchReplayOptions& given, const std::string& self) {
  if (!given.child_mode.empty()) return run_child_mode(given);
  BenchReplayOptions o = given;
  bool own = false;
  if (!prepare(o, self, "history", &own)) return 1;
  auto result = child(o, self, "history", "history");
  if (own) std::filesystem::remove_all(o.scratch_dir);
  if (!result.ok()) {
    spdlog::error("bench history: {}", result.status().to_string());
    return 1;
  }
  if (o.json) {
    std::cout << result->dump(2) << "\n";
    return 0;
  }
  std::printf("%-16s %8s %12s %12s\n", "", "queries", "p50 us", "p99 us");
  for (const char* part : {"history", "baseline_scan", "as_of_history", "as_of_array"}) {
    const json& m = (*result)[part];
    std::printf("%-16s %8llu %12.1f %12.1f\n", part,
                static_cast<unsigned long long>(m["queries"].get<uint64_t>()),
                m["us_p50"].get<double>(), m["us_p99"].get<double>());
  }
  std::printf("ratio (filtered scan / history p50) = %.0f over %llu events, peak RSS %.1f MB\n",
              (*result)["ratio"].get<double>(),
              static_cast<unsigned long long>((*result)["events"].get<uint64_t>()),
              (*result)["peak_rss_kb"].get<double>() / 1024);
  std::printf(
      "as_of_array: the largest queried array has %llu events (a log generated now "
      "has arrays of --array-tasks %llu tasks; a kept --scratch log, its own)\n",
      static_cast<unsigned long long>((*result)["array_events_max"].get<uint64_t>()),
      static_cast<unsigned long long>((*result)["array_tasks"].get<uint64_t>()));
  return 0;
}

}  // namespace jobtrail::tools
