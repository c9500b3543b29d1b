// `jobtrail bench arrays`: one array task's state change, and one read of the array's
// per-state counts, in jobtrail's arrays projection against ssync's scheme.
//
// Method. For each array size N (ascending), both sides run the same sequence of changes,
// drawn once from a generator seeded with N: each change either starts a random task not
// started yet (PENDING -> RUNNING) or completes a random running one (RUNNING -> COMPLETED),
// at most 2 x N changes. Each side gets its own fresh database in the scratch folder.
//   baseline  ssync's own scheme in SQLite (Debian's libsqlite3), a file database with
//             journal_mode=WAL and synchronous=OFF, so that neither side pays an fsync:
//               tasks(array_id, task_id, state TEXT /* {"state":"PENDING"} */, PK(array_id,
//               task_id)), stats(array_id, state, count), N tasks loaded PENDING (untimed).
//             One change = one transaction (BEGIN, UPDATE the task's JSON state, DELETE the
//             array's stats rows, INSERT INTO stats SELECT array_id, json_extract(state,
//             '$.state'), count(*) ... GROUP BY 2, COMMIT), timed from BEGIN to COMMIT; all
//             statements prepared once. From 100 000 tasks on it runs only the first
//             min(changes, 50) changes of the sequence: each one rescans every task.
//             One read = SELECT state, count FROM stats WHERE array_id=?, every row stepped.
//   jobtrail  a real EventLog (group commit durability) and a ProjectionEngine holding only
//             the ArraysProjection (default EngineOptions). The array is declared once as a
//             pending remainder: JobSubmitted for "900_[1-N]", then catch_up (untimed). One
//             change = append one JobStateChanged for "900_<task>" (built before the clock
//             starts, unique provenance identity) + engine catch_up, timed from before the
//             append to after catch_up returns: the counts are then current in the stored
//             state. One read = read_array(StoredState(log, "arrays"), cluster, "900"): one
//             point read and the decode.
// On both sides a read delivers the same thing, a map state name -> count, and is timed
// with that conversion; reads run after the changes. Change and read latencies are reported
// as p50/p99 in microseconds (nearest rank).
// Verification (exit 1 on any difference): the baseline's counts equal jobtrail's counts
// after the same number of changes (read untimed at that point), and each side's counts equal
// those of a plain model of the sequence.
// ratio = baseline change p50 / jobtrail change p50 at the largest size; read_ratio the same
// for reads; flatness = jobtrail change p50 at the largest size / at the smallest.
#include "tools/bench/arrays_bench.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string_view>

#include "events/event_builder.h"
#include "events/event_log.h"
#include "events/job_key.h"
#include "events/job_state.h"
#include "projections/arrays_projection.h"
#include "projections/engine.h"
#include "projections/state_source.h"

namespace jobtrail::tools {

namespace {

using json = nlohmann::ordered_json;  // keys in the documented order
using Clock = std::chrono::steady_clock;
using StateCounts = std::map<std::string, uint64_t>;  // state name -> tasks, no zero counts

constexpr int64_t kArrayId = 900;
constexpr const char* kCluster = "bench";
constexpr int64_t kEpochUs = 1'700'000'000'000'000;  // effective times: one second per change

double elapsed_us(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

double percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const size_t index = std::min(samples.size() - 1, static_cast<size_t>(p * samples.size()));
  return samples[index];
}

// ---- The sequence of changes, shared by both sides ------------------------------------------

struct TaskChange {
  uint32_t task = 0;
  fb::JobState from = fb::JobState::PENDING;
  fb::JobState to = fb::JobState::RUNNING;
};

// `changes` changes over tasks 1..tasks (changes <= 2 x tasks), seeded with the size.
std::vector<TaskChange> plan_changes(uint32_t tasks, uint32_t changes) {
  std::mt19937_64 rng(tasks);
  std::vector<uint32_t> unstarted(tasks);
  for (uint32_t i = 0; i < tasks; ++i) unstarted[i] = i + 1;
  std::vector<uint32_t> running;
  std::vector<TaskChange> plan;
  uint32_t started = 0;
  for (uint32_t c = 0; c < changes; ++c) {
    const bool can_start = started < tasks;
    if (running.empty() || (can_start && rng() % 2 == 0)) {
      // Partial Fisher-Yates: a random task among those not started yet.
      std::swap(unstarted[started], unstarted[started + rng() % (tasks - started)]);
      running.push_back(unstarted[started++]);
      plan.push_back({running.back(), fb::JobState::PENDING, fb::JobState::RUNNING});
    } else {
      std::swap(running[rng() % running.size()], running.back());
      plan.push_back({running.back(), fb::JobState::RUNNING, fb::JobState::COMPLETED});
      running.pop_back();
    }
  }
  return plan;
}

// The counts after the first `applied` changes of `plan`.
StateCounts model_counts(uint32_t tasks, const std::vector<TaskChange>& plan, size_t applied) {
  StateCounts counts{{job_state_name(fb::JobState::PENDING), tasks}};
  for (size_t i = 0; i < applied; ++i) {
    --counts[job_state_name(plan[i].from)];
    ++counts[job_state_name(plan[i].to)];
  }
  std::erase_if(counts, [](const auto& entry) { return entry.second == 0; });
  return counts;
}

std::string counts_text(const StateCounts& counts) {
  std::string text;
  for (const auto& [state, count] : counts) text += state + "=" + std::to_string(count) + " ";
  return text;
}

// ---- Baseline: ssync's scheme in SQLite -----------------------------------------------------

class SqliteArray {
 public:
  ~SqliteArray() {
    for (sqlite3_stmt* s : {begin_, commit_, insert_task_, update_, delete_, insert_, read_})
      sqlite3_finalize(s);  // a no-op on null
    if (db_ != nullptr) sqlite3_close(db_);
  }

  Status open(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) return fail("open " + path);
    JT_RETURN_IF_ERROR(exec("PRAGMA journal_mode=WAL"));
    JT_RETURN_IF_ERROR(exec("PRAGMA synchronous=OFF"));
    JT_RETURN_IF_ERROR(
        exec("CREATE TABLE tasks(array_id INTEGER, task_id INTEGER, state TEXT, "
             "PRIMARY KEY(array_id, task_id))"));
    JT_RETURN_IF_ERROR(exec("CREATE TABLE stats(array_id INTEGER, state TEXT, count INTEGER)"));
    return prepare_all();
  }

  // N tasks, all PENDING, and their stats, in one transaction.
  Status load(uint32_t tasks) {
    JT_RETURN_IF_ERROR(run(begin_));
    for (uint32_t task = 1; task <= tasks; ++task) {
      sqlite3_bind_int64(insert_task_, 1, kArrayId);
      sqlite3_bind_int64(insert_task_, 2, task);
      sqlite3_bind_text(insert_task_, 3, job_state_name(fb::JobState::PENDING), -1, SQLITE_STATIC);
      JT_RETURN_IF_ERROR(run(insert_task_));
    }
    JT_RETURN_IF_ERROR(refresh_stats());
    return run(commit_);
  }

  Status change(const TaskChange& c) {
    JT_RETURN_IF_ERROR(run(begin_));
    sqlite3_bind_text(update_, 1, job_state_name(c.to), -1, SQLITE_STATIC);
    sqlite3_bind_int64(update_, 2, kArrayId);
    sqlite3_bind_int64(update_, 3, c.task);
    JT_RETURN_IF_ERROR(run(update_));
    if (sqlite3_changes(db_) != 1) return Status::io_error("sqlite: task row not updated");
    JT_RETURN_IF_ERROR(refresh_stats());
    return run(commit_);
  }

  Status read(StateCounts* counts) {
    counts->clear();
    sqlite3_bind_int64(read_, 1, kArrayId);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(read_)) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(read_, 0));
      const int bytes = sqlite3_column_bytes(read_, 0);
      (*counts)[text ? std::string(text, bytes) : "NULL"] += sqlite3_column_int64(read_, 1);
    }
    sqlite3_reset(read_);
    return rc == SQLITE_DONE ? Status() : fail("read stats");
  }

 private:
  Status fail(const std::string& what) const {
    return Status::io_error("sqlite " + what + ": " + (db_ ? sqlite3_errmsg(db_) : "no memory"));
  }

  Status exec(const char* sql) {
    return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK ? Status() : fail(sql);
  }

  Status prepare(const char* sql, sqlite3_stmt** stmt) {
    return sqlite3_prepare_v2(db_, sql, -1, stmt, nullptr) == SQLITE_OK ? Status() : fail(sql);
  }

  Status prepare_all() {
    JT_RETURN_IF_ERROR(prepare("BEGIN", &begin_));
    JT_RETURN_IF_ERROR(prepare("COMMIT", &commit_));
    JT_RETURN_IF_ERROR(
        prepare("INSERT INTO tasks VALUES(?, ?, json_object('state', ?))", &insert_task_));
    JT_RETURN_IF_ERROR(prepare(
        "UPDATE tasks SET state=json_object('state', ?) WHERE array_id=? AND task_id=?", &update_));
    JT_RETURN_IF_ERROR(prepare("DELETE FROM stats WHERE array_id=?", &delete_));
    JT_RETURN_IF_ERROR(
        prepare("INSERT INTO stats SELECT array_id, json_extract(state,'$.state'), count(*) "
                "FROM tasks WHERE array_id=? GROUP BY 2",
                &insert_));
    return prepare("SELECT state, count FROM stats WHERE array_id=?", &read_);
  }

  // Steps a statement that returns no rows, then resets it.
  Status run(sqlite3_stmt* stmt) {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? Status() : fail(sqlite3_sql(stmt));
  }

  Status refresh_stats() {
    sqlite3_bind_int64(delete_, 1, kArrayId);
    JT_RETURN_IF_ERROR(run(delete_));
    sqlite3_bind_int64(insert_, 1, kArrayId);
    return run(insert_);
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* insert_task_ = nullptr;
  sqlite3_stmt* update_ = nullptr;
  sqlite3_stmt* delete_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* read_ = nullptr;
};

// ---- jobtrail: EventLog + ProjectionEngine with the arrays projection -----------------------

class JobtrailArray {
 public:
  Status open(const std::string& dir) {
    EventLogOptions log_options;
    log_options.durability = Durability::kGroupCommit;
    auto log = EventLog::open(dir, log_options);
    if (!log.ok()) return log.status();
    log_ = std::move(log).value();
    std::vector<std::unique_ptr<projections::Projection>> only_arrays;
    only_arrays.push_back(std::make_unique<projections::ArraysProjection>());
    auto engine = projections::ProjectionEngine::open(*log_, std::move(only_arrays),
                                                      projections::EngineOptions{});
    if (!engine.ok()) return engine.status();
    engine_ = std::move(engine).value();
    return Status();
  }

  // The whole array as one pending remainder, "900_[1-N]".
  Status declare(uint32_t tasks) {
    auto key = JobKey::parse(std::to_string(kArrayId) + "_[1-" + std::to_string(tasks) + "]");
    if (!key.ok()) return key.status();
    JobSubmittedFields fields;
    fields.user = "bench";
    fields.name = "bench array";
    fields.submit_at_us = kEpochUs;
    fields.state = fb::JobState::PENDING;
    auto built = builder_.job_submitted(header(*key, kEpochUs), fields);
    if (!built.ok()) return built.status();
    return apply(std::move(built).value());
  }

  // The event for the `index`-th change (0-based), effective one second after the previous.
  Result<BuiltEvent> build(const TaskChange& c, size_t index) {
    auto key = JobKey::parse(std::to_string(kArrayId) + "_" + std::to_string(c.task));
    if (!key.ok()) return key.status();
    JobStateChangedFields fields;
    fields.from = c.from;
    fields.to = c.to;
    fields.raw_state = job_state_name(c.to);
    const int64_t at_us = kEpochUs + static_cast<int64_t>(index + 1) * 1'000'000;
    return builder_.job_state_changed(header(*key, at_us), fields);
  }

  // Appends one event and folds it: the stored counts are current when this returns.
  Status apply(BuiltEvent event) {
    AppendBatch batch;
    batch.events.push_back(std::move(event));
    return apply(batch);
  }
  Status apply(const AppendBatch& batch) {
    auto appended = log_->append(batch);
    if (!appended.ok()) return appended.status();
    if (appended->appended != 1) return Status::conflict("the event was not appended");
    return engine_->catch_up(*log_);
  }

  Status read(StateCounts* counts) const {
    auto array = projections::read_array(projections::StoredState(*log_, "arrays"), kCluster,
                                         std::to_string(kArrayId), projections::ArrayRead::kCounts);
    if (!array.ok()) return array.status();
    if (!array->has_value()) return Status::not_found("array 900 has no counts");
    counts->clear();
    for (size_t s = 0; s < kJobStateCount; ++s) {
      const uint64_t count = (*array)->counts[s];
      if (count != 0) (*counts)[job_state_name(static_cast<fb::JobState>(s))] = count;
    }
    return Status();
  }

 private:
  EventHeaderFields header(const JobKey& key, int64_t at_us) {
    EventHeaderFields h;
    h.observed_at_us = at_us;
    h.effective_at_us = at_us;
    h.cluster = kCluster;
    h.job = key;
    h.provenance.source_kind = fb::SourceKind::SQUEUE;
    h.provenance.origin = "bench";
    h.provenance.identity = "bench/arrays/" + std::to_string(events_++);
    return h;
  }

  std::unique_ptr<EventLog> log_;  // declared first: the engine, which uses it, goes first
  std::unique_ptr<projections::ProjectionEngine> engine_;
  EventBuilder builder_;
  uint64_t events_ = 0;
};

// ---- Running one size -----------------------------------------------------------------------

struct SideRun {
  std::vector<double> change_us;
  std::vector<double> read_us;
  StateCounts counts;     // after the side's last change
  StateCounts counts_at;  // jobtrail: after as many changes as the baseline ran
};

template <typename Side>
Status time_reads(Side& side, uint32_t reads, SideRun* run) {
  StateCounts counts;
  for (uint32_t i = 0; i < reads; ++i) {
    const auto start = Clock::now();
    JT_RETURN_IF_ERROR(side.read(&counts));
    run->read_us.push_back(elapsed_us(start));
  }
  return side.read(&run->counts);
}

Result<SideRun> run_baseline(const std::string& path, uint32_t tasks,
                             const std::vector<TaskChange>& plan, size_t changes, uint32_t reads) {
  SqliteArray db;
  JT_RETURN_IF_ERROR(db.open(path));
  JT_RETURN_IF_ERROR(db.load(tasks));
  SideRun run;
  for (size_t i = 0; i < changes; ++i) {
    const auto start = Clock::now();
    JT_RETURN_IF_ERROR(db.change(plan[i]));
    run.change_us.push_back(elapsed_us(start));
  }
  JT_RETURN_IF_ERROR(time_reads(db, reads, &run));
  return run;
}

Result<SideRun> run_jobtrail(const std::string& dir, uint32_t tasks,
                             const std::vector<TaskChange>& plan, size_t baseline_changes,
                             uint32_t reads) {
  JobtrailArray array;
  JT_RETURN_IF_ERROR(array.open(dir));
  JT_RETURN_IF_ERROR(array.declare(tasks));
  SideRun run;
  for (size_t i = 0; i < plan.size(); ++i) {
    auto built = array.build(plan[i], i);
    if (!built.ok()) return built.status();
    AppendBatch batch;
    batch.events.push_back(std::move(built).value());
    const auto start = Clock::now();
    JT_RETURN_IF_ERROR(array.apply(batch));
    run.change_us.push_back(elapsed_us(start));
    if (i + 1 == baseline_changes) JT_RETURN_IF_ERROR(array.read(&run.counts_at));
  }
  JT_RETURN_IF_ERROR(time_reads(array, reads, &run));
  return run;
}

Status verify(uint32_t tasks, const std::vector<TaskChange>& plan, size_t baseline_changes,
              const SideRun& baseline, const SideRun& jobtrail) {
  const StateCounts at_baseline = model_counts(tasks, plan, baseline_changes);
  const StateCounts at_end = model_counts(tasks, plan, plan.size());
  if (baseline.counts == at_baseline && jobtrail.counts_at == baseline.counts &&
      jobtrail.counts == at_end) {
    return Status();
  }
  return Status::conflict("counts differ at " + std::to_string(tasks) + " tasks: after " +
                          std::to_string(baseline_changes) + " changes baseline " +
                          counts_text(baseline.counts) + "jobtrail " +
                          counts_text(jobtrail.counts_at) + "expected " + counts_text(at_baseline) +
                          "; after " + std::to_string(plan.size()) + " jobtrail " +
                          counts_text(jobtrail.counts) + "expected " + counts_text(at_end));
}

json side_json(const SideRun& run) {
  json out;
  out["change_us_p50"] = percentile(run.change_us, 0.50);
  out["change_us_p99"] = percentile(run.change_us, 0.99);
  out["read_us_p50"] = percentile(run.read_us, 0.50);
  out["read_us_p99"] = percentile(run.read_us, 0.99);
  out["changes"] = run.change_us.size();
  out["reads"] = run.read_us.size();
  return out;
}

size_t baseline_changes_for(uint32_t tasks, size_t changes) {
  if (tasks < bench_arrays_baseline_large_tasks) return changes;
  return std::min<size_t>(changes, bench_arrays_baseline_large_changes_max);
}

Result<json> run_size(uint32_t tasks, const BenchArraysOptions& options) {
  const std::string dir = options.scratch_dir + "/tasks-" + std::to_string(tasks);
  std::error_code ec;
  if (!std::filesystem::create_directory(dir, ec)) {
    return Status::io_error("cannot create " + dir + " (it must not exist yet)");
  }
  const auto plan = plan_changes(tasks, std::min<uint32_t>(options.changes, 2 * tasks));
  const size_t baseline_changes = baseline_changes_for(tasks, plan.size());
  spdlog::info("bench arrays: {} tasks: baseline ({} changes) ...", tasks, baseline_changes);
  auto baseline = run_baseline(dir + "/ssync.sqlite", tasks, plan, baseline_changes, options.reads);
  if (!baseline.ok()) return baseline.status();
  spdlog::info("bench arrays: {} tasks: jobtrail ({} changes) ...", tasks, plan.size());
  auto jobtrail = run_jobtrail(dir + "/jobtrail", tasks, plan, baseline_changes, options.reads);
  if (!jobtrail.ok()) return jobtrail.status();
  std::filesystem::remove_all(dir, ec);
  JT_RETURN_IF_ERROR(verify(tasks, plan, baseline_changes, *baseline, *jobtrail));
  return json{
      {"tasks", tasks}, {"baseline", side_json(*baseline)}, {"jobtrail", side_json(*jobtrail)}};
}

// ---- Options, output ------------------------------------------------------------------------

Status check_options(const BenchArraysOptions& o) {
  if (o.sizes.empty() || o.sizes.size() > bench_arrays_sizes_max) {
    return Status::limit_exceeded("bench arrays: 1 to " + std::to_string(bench_arrays_sizes_max) +
                                  " sizes");
  }
  for (uint32_t tasks : o.sizes) {
    if (tasks == 0 || tasks > bench_arrays_tasks_max) {
      return Status::limit_exceeded("bench arrays: a size is 1 to " +
                                    std::to_string(bench_arrays_tasks_max) + " tasks");
    }
  }
  if (o.changes == 0 || o.changes > bench_arrays_changes_max) {
    return Status::limit_exceeded("bench arrays: changes is 1 to " +
                                  std::to_string(bench_arrays_changes_max));
  }
  if (o.reads == 0 || o.reads > bench_arrays_reads_max) {
    return Status::limit_exceeded("bench arrays: reads is 1 to " +
                                  std::to_string(bench_arrays_reads_max));
  }
  return Status();
}

double ratio(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator : 0;
}

json summary(json sizes) {
  const json& smallest = sizes.front()["jobtrail"];
  const json& largest = sizes.back();
  const auto p50 = [](const json& side, const char* what) { return side[what].get<double>(); };
  json out{{"sizes", sizes}};
  out["ratio"] =
      ratio(p50(largest["baseline"], "change_us_p50"), p50(largest["jobtrail"], "change_us_p50"));
  out["read_ratio"] =
      ratio(p50(largest["baseline"], "read_us_p50"), p50(largest["jobtrail"], "read_us_p50"));
  out["flatness"] =
      ratio(p50(largest["jobtrail"], "change_us_p50"), p50(smallest, "change_us_p50"));
  return out;
}

void print_table(const json& out) {
  std::printf("%9s %-9s %8s %14s %14s %12s %12s\n", "tasks", "side", "changes", "change p50 us",
              "change p99 us", "read p50 us", "read p99 us");
  for (const json& size : out["sizes"]) {
    for (const char* side : {"baseline", "jobtrail"}) {
      const json& s = size[side];
      std::printf("%9u %-9s %8zu %14.1f %14.1f %12.2f %12.2f\n", size["tasks"].get<uint32_t>(),
                  side, s["changes"].get<size_t>(), s["change_us_p50"].get<double>(),
                  s["change_us_p99"].get<double>(), s["read_us_p50"].get<double>(),
                  s["read_us_p99"].get<double>());
    }
  }
  const uint32_t largest = out["sizes"].back()["tasks"].get<uint32_t>();
  std::printf("ratio (baseline / jobtrail change p50 at %u tasks) = %.1f\n", largest,
              out["ratio"].get<double>());
  std::printf("read_ratio (baseline / jobtrail read p50 at %u tasks) = %.2f\n", largest,
              out["read_ratio"].get<double>());
  std::printf("flatness (jobtrail change p50 at %u / at %u tasks) = %.2f\n", largest,
              out["sizes"].front()["tasks"].get<uint32_t>(), out["flatness"].get<double>());
}

// Every size in ascending order; the first failure stops the run.
Result<json> run_sizes(const BenchArraysOptions& options) {
  std::vector<uint32_t> sizes = options.sizes;
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  json results = json::array();
  for (uint32_t tasks : sizes) {
    auto result = run_size(tasks, options);
    if (!result.ok()) return result.status();
    results.push_back(std::move(result).value());
  }
  return summary(std::move(results));
}

}  // namespace

int run_bench_arrays(const BenchArraysOptions& given) {
  BenchArraysOptions options = given;
  if (Status s = check_options(options); !s.ok()) {
    spdlog::error("{}", s.to_string());
    return 1;
  }
  const bool own_scratch = options.scratch_dir.empty();
  if (own_scratch) {
    char tmpl[] = "/tmp/jobtrail-bench-arrays-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      spdlog::error("bench arrays: cannot create a scratch folder");
      return 1;
    }
    options.scratch_dir = tmpl;
  }
  auto out = run_sizes(options);
  if (own_scratch) std::filesystem::remove_all(options.scratch_dir);
  if (!out.ok()) {
    spdlog::error("bench arrays: {}", out.status().to_string());
    return 1;
  }
  if (options.json) {
    std::cout << out->dump(2) << "\n";
  } else {
    print_table(*out);
  }
  return 0;
}

}  // namespace jobtrail::tools
