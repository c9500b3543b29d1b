// jobtrail: one binary, subcommands. This is the only translation unit that sees CLI11; it
// turns argv into the option structs of tools/commands.h and calls one command. Logs and
// progress go to stderr, so stdout holds only what the command prints (only JSON with --json).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <filesystem>

#include "events/limits.h"
#include "tools/bench/arrays_bench.h"
#include "tools/commands.h"

namespace {

using namespace jobtrail::tools;

std::string self_executable(const char* argv0) {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(argv0) : path.string();
}

void add_durability_options(CLI::App* cmd, IngestSwfOptions* o) {
  cmd->add_option("--durability", o->durability,
                  "sync: fsync every batch (default); group: fsync at most every "
                  "--group-commit-ms, shared by every batch in the window")
      ->check(CLI::IsMember({"sync", "group"}))
      ->capture_default_str();
  cmd->add_option("--group-commit-ms", o->group_commit_window_ms, "group commit window")
      ->check(CLI::Range(1u, jobtrail::limits::group_commit_window_ms_max));
  cmd->add_option("--batch-events", o->batch_events, "events per append (WriteBatch)")
      ->check(CLI::Range(1ul, jobtrail::limits::batch_events_max - 3));
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("jobtrail");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);

  CLI::App app{"jobtrail: an event-sourced ledger of HPC batch jobs"};
  app.require_subcommand(1);
  GlobalOptions global;
  app.add_option("--db", global.db_dir, "database folder")->capture_default_str();
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "debug logging");

  auto* ingest = app.add_subcommand("ingest", "import scheduler output into the log");
  ingest->require_subcommand(1);
  IngestSwfOptions swf;
  auto* ingest_swf = ingest->add_subcommand("swf", "a Standard Workload Format trace (.swf[.gz])");
  ingest_swf->add_option("FILE", swf.file, "trace file")->required();
  ingest_swf->add_option("--cluster", swf.cluster, "cluster name")->capture_default_str();
  ingest_swf->add_flag("--json", swf.json, "print the import summary as JSON");
  add_durability_options(ingest_swf, &swf);

  LogOptions log;
  auto* log_cmd = app.add_subcommand("log", "print events from the log");
  log_cmd->add_option("--job", log.job, "only this job's events, e.g. 4, 5_3, 942337.server");
  log_cmd->add_option("--cluster", log.cluster, "the job's cluster, when --job is ambiguous");
  log_cmd->add_option("--from", log.from_seq, "first seq")->capture_default_str();
  log_cmd->add_option("--limit", log.limit, "most events to print")->capture_default_str();
  log_cmd->add_flag("--json", log.json, "a JSON array of decoded events");

  StatsOptions stats;
  auto* stats_cmd = app.add_subcommand("stats", "head seq, events by type, bytes per event");
  stats_cmd->add_flag("--json", stats.json, "one JSON object");

  QuarantineOptions quarantine;
  auto* quarantine_cmd = app.add_subcommand("quarantine", "lines that did not parse, and why");
  quarantine_cmd->add_option("--limit", quarantine.limit, "most records")->capture_default_str();
  quarantine_cmd->add_flag("--json", quarantine.json, "a JSON array");

  VerifyLogOptions verify;
  auto* verify_cmd = app.add_subcommand("verify-log", "check the log and its indexes agree");
  verify_cmd->add_flag("--json", verify.json, "one JSON object");

  JobsOptions jobs;
  auto* jobs_cmd = app.add_subcommand("jobs", "the current view of every job");
  jobs_cmd->add_option("--state", jobs.state, "only jobs in this state (PENDING, RUNNING, ...)");
  jobs_cmd->add_option("--user", jobs.user, "only this user's jobs");
  jobs_cmd->add_option("--array", jobs.array, "only the tasks of this array");
  jobs_cmd->add_option("--cluster", jobs.cluster, "only this cluster");
  jobs_cmd->add_option("--limit", jobs.limit, "at most N jobs (0: all)");
  jobs_cmd->add_flag("--json", jobs.json, "a JSON array");

  ArrayOptions array;
  auto* array_cmd = app.add_subcommand("array", "an array's per-state task counts");
  array_cmd->add_option("ID", array.array, "the array id as the scheduler writes it")->required();
  array_cmd->add_option("--cluster", array.cluster, "the array's cluster, when ambiguous");
  array_cmd->add_flag("--tasks", array.tasks, "list the tasks seen on their own");
  array_cmd->add_flag("--json", array.json, "one JSON object");

  HistoryOptions history;
  auto* history_cmd = app.add_subcommand("history", "every state fact of one job, by time");
  history_cmd->add_option("JOB", history.job, "the job as the scheduler writes it")->required();
  history_cmd->add_option("--cluster", history.cluster, "the job's cluster, when ambiguous");
  history_cmd->add_flag("--json", history.json, "a JSON array of transitions");

  RebuildOptions rebuild;
  auto* rebuild_cmd = app.add_subcommand("rebuild", "rebuild projections from the log");
  rebuild_cmd->add_option("NAME", rebuild.names, "jobs, arrays, history (default: all)");
  rebuild_cmd->add_option("--batch-events", rebuild.batch_events, "events per commit")
      ->check(CLI::Range(1u, 16384u));
  rebuild_cmd->add_flag("--json", rebuild.json, "one JSON object");

  VerifyOptions verify_projections;
  auto* verify_projections_cmd = app.add_subcommand(
      "verify", "rebuild every projection in memory and compare with the stored state");
  verify_projections_cmd->add_flag("--json", verify_projections.json, "one JSON object");

  AsOfOptions as_of;
  auto* as_of_cmd = app.add_subcommand(
      "as-of", "the state at a past moment: as-of TIME jobs | array ID | history JOB");
  as_of_cmd->add_option("ARGS", as_of.args, "TIME (ISO 8601 or epoch seconds), then what")
      ->required();
  as_of_cmd->add_flag("--observed", as_of.observed,
                      "what jobtrail knew at TIME (events observed at or before it)");
  as_of_cmd->add_option("--cluster", as_of.cluster, "the cluster, when ambiguous");
  as_of_cmd->add_option("--state", as_of.jobs.state, "jobs: only this state");
  as_of_cmd->add_option("--user", as_of.jobs.user, "jobs: only this user");
  as_of_cmd->add_option("--array", as_of.jobs.array, "jobs: only this array's tasks");
  as_of_cmd->add_flag("--json", as_of.json, "JSON, shaped as the plain command's");

  AuditOptions audit;
  auto* audit_cmd = app.add_subcommand(
      "audit", "every transition of a job with its source, impossible ones flagged");
  audit_cmd->add_option("JOB", audit.job, "the job as the scheduler writes it");
  audit_cmd->add_option("--cluster", audit.cluster, "the job's cluster, when ambiguous");
  audit_cmd->add_flag("--rules", audit.rules, "print the state machine's rules");
  audit_cmd->add_flag("--json", audit.json, "a JSON array");

  auto* bench = app.add_subcommand("bench", "benchmarks that print numbers");
  bench->require_subcommand(1);
  BenchAppendOptions bench_append;
  auto* bench_append_cmd =
      bench->add_subcommand("append", "EventLog::append against raw RocksDB appends");
  bench_append_cmd->add_option("--data", bench_append.data,
                               "SWF trace (default: the bundled LCG trace)");
  bench_append_cmd->add_option("--events", bench_append.events, "events (0: the whole trace)");
  bench_append_cmd->add_option("--batch-events", bench_append.batch_events, "events per batch")
      ->check(CLI::Range(1u, static_cast<unsigned>(jobtrail::limits::batch_events_max)));
  bench_append_cmd->add_option("--group-commit-ms", bench_append.group_commit_window_ms,
                               "group commit window");
  bench_append_cmd->add_option("--scratch", bench_append.scratch_dir, "scratch folder");
  bench_append_cmd->add_option("--child-mode", bench_append.child_mode)->group("");
  bench_append_cmd->add_flag("--json", bench_append.json, "one JSON object");

  BenchReplayOptions bench_rebuild, bench_history;
  auto add_replay_bench = [&](const char* name, const char* about, BenchReplayOptions* o) {
    auto* cmd = bench->add_subcommand(name, about);
    cmd->add_option("--events", o->events, "log size (events)")->capture_default_str();
    cmd->add_option("--queries", o->queries, "queries measured")->capture_default_str();
    cmd->add_option("--data", o->data_dir, "folder with swf/ traces (default: bundled)");
    cmd->add_option("--scratch", o->scratch_dir, "keep the generated log here (reused)");
    cmd->add_option("--child-mode", o->child_mode)->group("");
    cmd->add_flag("--json", o->json, "one JSON object");
    return cmd;
  };
  auto* bench_rebuild_cmd = add_replay_bench(
      "rebuild", "rebuild of jobs + arrays against a raw scan + verify", &bench_rebuild);
  auto* bench_history_cmd = add_replay_bench(
      "history", "one job's history and as-of queries in a large log", &bench_history);

  BenchArraysOptions bench_arrays;
  auto* bench_arrays_cmd = bench->add_subcommand(
      "arrays", "array counts by deltas against ssync's SQLite recount (one change, one read)");
  bench_arrays_cmd->add_option("--sizes", bench_arrays.sizes, "tasks per array")->delimiter(',');
  bench_arrays_cmd->add_option("--changes", bench_arrays.changes, "changes measured per size");
  bench_arrays_cmd->add_option("--reads", bench_arrays.reads, "reads measured per size");
  bench_arrays_cmd->add_option("--scratch", bench_arrays.scratch_dir, "scratch folder");
  bench_arrays_cmd->add_flag("--json", bench_arrays.json, "one JSON object");

  CLI11_PARSE(app, argc, argv);
  if (verbose) spdlog::set_level(spdlog::level::debug);

  try {
    if (ingest_swf->parsed()) return run_ingest_swf(global, swf);
    if (log_cmd->parsed()) return run_log(global, log);
    if (stats_cmd->parsed()) return run_stats(global, stats);
    if (quarantine_cmd->parsed()) return run_quarantine(global, quarantine);
    if (verify_cmd->parsed()) return run_verify_log(global, verify);
    if (jobs_cmd->parsed()) return run_jobs(global, jobs);
    if (array_cmd->parsed()) return run_array(global, array);
    if (history_cmd->parsed()) return run_history(global, history);
    if (rebuild_cmd->parsed()) return run_rebuild(global, rebuild);
    if (verify_projections_cmd->parsed()) return run_verify(global, verify_projections);
    if (as_of_cmd->parsed()) return run_as_of(global, as_of);
    if (audit_cmd->parsed()) return run_audit(global, audit);
    if (bench_rebuild_cmd->parsed())
      return run_bench_rebuild(bench_rebuild, self_executable(argv[0]));
    if (bench_history_cmd->parsed())
      return run_bench_history(bench_history, self_executable(argv[0]));
    if (bench_arrays_cmd->parsed()) return run_bench_arrays(bench_arrays);
    if (bench_append_cmd->parsed()) return run_bench_append(bench_append, self_executable(argv[0]));
  } catch (const std::exception& e) {
    // Nothing below main throws by design; a library that does (bad_alloc, a format error)
    // is caught here, at the edge.
    spdlog::critical("unexpected error: {}", e.what());
    return 1;
  }
  return 2;
}
