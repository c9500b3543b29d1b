// jobtrail: one binary, subcommands. This is the only translation unit that sees CLI11; it
// turns argv into the option structs of tools/commands.h and calls one command. Logs and
// progress go to stderr, so stdout holds only what the command prints (only JSON with --json).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <climits>
#include <filesystem>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "events/limits.h"
#include "ingest/pbs/pbs_tailer.h"
#include "tools/bench/arrays_bench.h"
#include "tools/bench/poll_bench.h"
#include "tools/bench/records_bench.h"
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

// serve's repeatable source flags. A modifier (--slurm-ssh, --poll-interval-ms; --pbs-cluster,
// --pbs-tz) belongs to the --slurm-cluster (--pbs-dir) before it, so each source is written
// as a group: --slurm-cluster a --slurm-ssh h1 --pbs-dir /x --pbs-cluster p.
struct ServeSourceFlags {
  std::vector<std::string> slurm_cluster, slurm_ssh, slurm_tz, poll_interval_ms;
  std::vector<std::string> pbs_dir, pbs_cluster, pbs_tz;
  std::vector<CLI::Option*> options;  // in the order above

  bool collect(const std::vector<CLI::Option*>& order, SourceSpecs* specs) const {
    std::vector<size_t> taken(options.size(), 0);
    for (CLI::Option* option : order) {
      const size_t which = std::find(options.begin(), options.end(), option) - options.begin();
      if (which == options.size()) continue;
      const std::vector<std::string>* values[] = {
          &slurm_cluster, &slurm_ssh,   &slurm_tz, &poll_interval_ms,
          &pbs_dir,       &pbs_cluster, &pbs_tz};
      const std::string& value = (*values[which])[taken[which]++];
      if (!apply(which, value, specs)) {
        spdlog::error("serve: {} {} must follow the {} it belongs to", option->get_name(), value,
                      which < 4 ? "--slurm-cluster" : "--pbs-dir");
        return false;
      }
    }
    return true;
  }

  static bool apply(size_t which, const std::string& value, SourceSpecs* s) {
    if (which == 0) s->slurm.emplace_back().cluster = value;
    if (which == 4) s->pbs.emplace_back().dir = value;
    if (which == 0 || which == 4) return true;
    if (which < 4 && s->slurm.empty()) return false;
    if (which > 4 && s->pbs.empty()) return false;
    if (which == 1) s->slurm.back().ssh_host = value;
    if (which == 2) s->slurm.back().time_zone = value;
    if (which == 3) s->slurm.back().poll_interval_ms = static_cast<uint32_t>(std::stoul(value));
    if (which == 5) s->pbs.back().cluster = value;
    if (which == 6) s->pbs.back().time_zone = value;
    return true;
  }
};

void add_serve_source_options(CLI::App* cmd, ServeSourceFlags& f) {
  auto add = [&](const char* name, std::vector<std::string>* into, const char* help) {
    CLI::Option* o = cmd->add_option(name, *into, help)->allow_extra_args(false);
    f.options.push_back(o);
    return o;
  };
  add("--slurm-cluster", &f.slurm_cluster, "run a SLURM poller for this cluster (repeatable)");
  add("--slurm-ssh", &f.slurm_ssh, "the poller before it runs squeue/sacct through ssh HOST");
  add("--slurm-tz", &f.slurm_tz, "the zone the poller before it reads SLURM times in");
  add("--poll-interval-ms", &f.poll_interval_ms, "the poller before it polls this often")
      ->check(CLI::Range(1000u, 86'400'000u));
  add("--pbs-dir", &f.pbs_dir, "follow this PBS accounting directory (repeatable)");
  add("--pbs-cluster", &f.pbs_cluster, "the cluster name of the --pbs-dir before it");
  add("--pbs-tz", &f.pbs_tz, "the zone of the --pbs-dir before it (default UTC)");
}

// Every option struct and, for each leaf subcommand, the call it makes once parsed.
struct CommandLine {
  CLI::App app{"jobtrail: an event-sourced ledger of HPC batch jobs"};
  GlobalOptions global;
  bool verbose = false;
  std::string self;
  IngestSwfOptions swf;
  IngestSacctOptions sacct;
  IngestSqueueOptions squeue;
  IngestJobcompOptions jobcomp;
  IngestPbsOptions pbs;
  TailPbsOptions tail_pbs;
  PollOptions poll;
  LogOptions log;
  StatsOptions stats;
  QuarantineOptions quarantine;
  VerifyLogOptions verify;
  JobsOptions jobs;
  ArrayOptions array;
  HistoryOptions history;
  DepsOptions deps;
  RecordOptions record;
  UsageOptions usage;
  RebuildOptions rebuild;
  VerifyOptions verify_projections;
  AsOfOptions as_of;
  AuditOptions audit;
  BenchAppendOptions bench_append;
  BenchReplayOptions bench_rebuild, bench_history;
  BenchArraysOptions bench_arrays;
  BenchRecordsOptions bench_records;
  ServeOptions serve;
  BenchHttpOptions bench_http;
  TailOptions tail;
  BenchPollOptions bench_poll;
  std::vector<std::pair<CLI::App*, std::function<int()>>> routes;

  void route(CLI::App* cmd, std::function<int()> call) {
    routes.emplace_back(cmd, std::move(call));
  }
};

// ingest, log, stats, quarantine, verify-log: the log itself.
void add_log_commands(CommandLine& c) {
  CLI::App& app = c.app;
  auto& swf = c.swf;
  auto& log = c.log;
  auto& stats = c.stats;
  auto& quarantine = c.quarantine;
  auto& verify = c.verify;
  auto* ingest = app.add_subcommand("ingest", "import scheduler output into the log");
  ingest->require_subcommand(1);
  auto* ingest_swf = ingest->add_subcommand("swf", "a Standard Workload Format trace (.swf[.gz])");
  ingest_swf->add_option("FILE", swf.file, "trace file")->required();
  ingest_swf->add_option("--cluster", swf.cluster, "cluster name")->capture_default_str();
  ingest_swf->add_flag("--json", swf.json, "print the import summary as JSON");
  add_durability_options(ingest_swf, &swf);

  auto* log_cmd = app.add_subcommand("log", "print events from the log");
  log_cmd->add_option("--job", log.job, "only this job's events, e.g. 4, 5_3, 942337.server");
  log_cmd->add_option("--cluster", log.cluster, "the job's cluster, when --job is ambiguous");
  log_cmd->add_option("--from", log.from_seq, "first seq")->capture_default_str();
  log_cmd->add_option("--limit", log.limit, "most events to print")->capture_default_str();
  log_cmd->add_flag("--json", log.json, "a JSON array of decoded events");

  auto* stats_cmd = app.add_subcommand("stats", "head seq, events by type, bytes per event");
  stats_cmd->add_flag("--json", stats.json, "one JSON object");

  auto* quarantine_cmd = app.add_subcommand("quarantine", "lines that did not parse, and why");
  quarantine_cmd->add_option("--limit", quarantine.limit, "most records")->capture_default_str();
  quarantine_cmd->add_flag("--json", quarantine.json, "a JSON array");

  auto* verify_cmd = app.add_subcommand("verify-log", "check the log and its indexes agree");
  verify_cmd->add_flag("--json", verify.json, "one JSON object");

  auto* ingest_sacct = ingest->add_subcommand(
      "sacct", "sacct --parsable2 or -p output (a file, or - for standard input)");
  ingest_sacct->add_option("FILE", c.sacct.common.file, "sacct output, or -")->required();
  ingest_sacct->add_option("--format", c.sacct.format,
                           "the --format field list given to sacct (default: its header line)");
  ingest_sacct->add_option("--tz", c.sacct.time_zone,
                           "IANA zone sacct printed its times in (default: this machine's)");
  ingest_sacct->add_option("--cluster", c.sacct.common.cluster, "cluster name")
      ->capture_default_str();
  ingest_sacct->add_flag("--json", c.sacct.common.json,
                         "without --format: FILE is a `sacct --json` document (times are epoch "
                         "seconds, --tz does not apply to them); always: print the import "
                         "summary as JSON");
  add_durability_options(ingest_sacct, &c.sacct.common);
  auto* ingest_squeue = ingest->add_subcommand(
      "squeue", "a squeue snapshot, diffed against the ledger: only changes become events");
  ingest_squeue->add_option("FILE", c.squeue.common.file, "squeue output, or -")->required();
  ingest_squeue->add_option(
      "--format", c.squeue.format,
      "the -o/--format string (or -O list) given to squeue; ood: Open OnDemand's "
      "(required unless --json)");
  ingest_squeue->add_option("--tz", c.squeue.time_zone,
                            "IANA zone squeue printed its times in (default: this machine's)");
  ingest_squeue->add_option(
      "--observed-at", c.squeue.observed_at,
      "when the snapshot was taken: ISO 8601 or epoch seconds (default: now)");
  ingest_squeue->add_option("--cluster", c.squeue.common.cluster, "cluster name")
      ->capture_default_str();
  ingest_squeue->add_flag("--json", c.squeue.common.json,
                          "without --format: FILE is a `squeue --json` document (default "
                          "--observed-at: its last_update); always: print the summary as JSON");
  add_durability_options(ingest_squeue, &c.squeue.common);
  c.route(ingest_squeue, [&c] { return run_ingest_squeue(c.global, c.squeue); });
  auto* ingest_jobcomp = ingest->add_subcommand(
      "jobcomp", "SLURM jobcomp/filetxt completion records (a file, or - for standard input)");
  ingest_jobcomp->add_option("FILE", c.jobcomp.common.file, "jobcomp log, or -")->required();
  ingest_jobcomp->add_option("--tz", c.jobcomp.time_zone,
                             "IANA zone the records' times are in (default: this machine's)");
  ingest_jobcomp->add_option("--cluster", c.jobcomp.common.cluster, "cluster name")
      ->capture_default_str();
  ingest_jobcomp->add_flag("--json", c.jobcomp.common.json, "print the import summary as JSON");
  add_durability_options(ingest_jobcomp, &c.jobcomp.common);
  c.route(ingest_jobcomp, [&c] { return run_ingest_jobcomp(c.global, c.jobcomp); });
  auto* ingest_pbs = ingest->add_subcommand(
      "pbs", "PBS Pro / OpenPBS / Torque accounting logs: a file, or a directory of daily files");
  ingest_pbs->add_option("FILE", c.pbs.common.file, "accounting file or directory")->required();
  ingest_pbs->add_option("--tz", c.pbs.time_zone,
                         "IANA zone of the PBS server's local times (default: UTC)");
  ingest_pbs->add_option("--cluster", c.pbs.common.cluster, "cluster name")->capture_default_str();
  ingest_pbs->add_flag("--json", c.pbs.common.json, "print the import summary as JSON");
  add_durability_options(ingest_pbs, &c.pbs.common);
  c.route(ingest_pbs, [&c] { return run_ingest_pbs(c.global, c.pbs); });
  auto* tail_pbs = app.add_subcommand(
      "tail-pbs", "follow a PBS accounting directory of daily files (YYYYMMDD) as it grows");
  tail_pbs->add_option("DIR", c.tail_pbs.dir, "the accounting directory")->required();
  tail_pbs->add_option("--tz", c.tail_pbs.time_zone,
                       "IANA zone of the PBS server's local times (default: UTC)");
  tail_pbs->add_option("--cluster", c.tail_pbs.cluster, "cluster name")->capture_default_str();
  tail_pbs->add_flag("--follow", c.tail_pbs.follow, "keep polling until SIGINT or SIGTERM");
  tail_pbs->add_option("--poll-ms", c.tail_pbs.poll_interval_ms, "poll interval")
      ->check(CLI::Range(jobtrail::ingest::pbs::tail_poll_interval_ms_min,
                         jobtrail::ingest::pbs::tail_poll_interval_ms_max))
      ->capture_default_str();
  tail_pbs->add_flag("--json", c.tail_pbs.json, "print the summary as JSON when it stops");
  c.route(tail_pbs, [&c] { return run_tail_pbs(c.global, c.tail_pbs); });
  c.route(ingest_swf, [&c] { return run_ingest_swf(c.global, c.swf); });
  c.route(ingest_sacct, [&c] { return run_ingest_sacct(c.global, c.sacct); });
  c.route(log_cmd, [&c] { return run_log(c.global, c.log); });
  c.route(stats_cmd, [&c] { return run_stats(c.global, c.stats); });
  c.route(quarantine_cmd, [&c] { return run_quarantine(c.global, c.quarantine); });
  c.route(verify_cmd, [&c] { return run_verify_log(c.global, c.verify); });
}

// jobs, array, history: answers from the projections; record: from the job's stream.
void add_query_commands(CommandLine& c) {
  CLI::App& app = c.app;
  auto& jobs = c.jobs;
  auto& array = c.array;
  auto& history = c.history;
  auto* jobs_cmd = app.add_subcommand("jobs", "the current view of every job");
  jobs_cmd->add_option("--state", jobs.state, "only jobs in this state (PENDING, RUNNING, ...)");
  jobs_cmd->add_option("--user", jobs.user, "only this user's jobs");
  jobs_cmd->add_option("--array", jobs.array, "only the tasks of this array");
  jobs_cmd->add_option("--cluster", jobs.cluster, "only this cluster");
  jobs_cmd->add_option("--since", jobs.since,
                       "only jobs whose state changed at or after TIME (ISO 8601, epoch s)");
  jobs_cmd->add_option("--limit", jobs.limit, "at most N jobs (0: all)");
  jobs_cmd->add_flag("--json", jobs.json, "a JSON array");

  auto* array_cmd = app.add_subcommand("array", "an array's per-state task counts");
  array_cmd->add_option("ID", array.array, "the array id as the scheduler writes it")->required();
  array_cmd->add_option("--cluster", array.cluster, "the array's cluster, when ambiguous");
  array_cmd->add_flag("--tasks", array.tasks, "list the tasks seen on their own");
  array_cmd->add_flag("--json", array.json, "one JSON object");

  auto* history_cmd = app.add_subcommand("history", "every state fact of one job, by time");
  history_cmd->add_option("JOB", history.job, "the job as the scheduler writes it")->required();
  history_cmd->add_option("--cluster", history.cluster, "the job's cluster, when ambiguous");
  history_cmd->add_flag("--json", history.json, "a JSON array of transitions");

  auto& deps = c.deps;
  auto* deps_cmd =
      app.add_subcommand("deps", "what a job waits on, who waits on it, and can it run now");
  deps_cmd->add_option("JOB", deps.job, "the job as the scheduler writes it")->required();
  deps_cmd->add_option("--cluster", deps.cluster, "the job's cluster, when ambiguous or unknown");
  deps_cmd->add_flag("--json", deps.json, "one JSON object");
  c.route(deps_cmd, [&c] { return run_deps(c.global, c.deps); });

  auto& record = c.record;
  auto* record_cmd =
      app.add_subcommand("record", "a job's original accounting records, byte for byte");
  record_cmd->add_option("JOB", record.job, "the job as the scheduler writes it")->required();
  record_cmd->add_option("--cluster", record.cluster, "the job's cluster, when ambiguous");
  record_cmd->add_flag("--raw", record.raw, "only the records, each followed by a newline");
  record_cmd->add_flag("--json", record.json, "a JSON array (bytes that are not UTF-8 replaced)");

  c.route(jobs_cmd, [&c] { return run_jobs(c.global, c.jobs); });
  c.route(record_cmd, [&c] { return run_record(c.global, c.record); });

  auto& usage = c.usage;
  auto* usage_cmd = app.add_subcommand("usage", "core-hours and GPU-hours from accounting records");
  usage_cmd->add_option("--by", usage.by, "user, account, partition or day")
      ->check(CLI::IsMember({"user", "account", "partition", "queue", "day"}))
      ->capture_default_str();
  usage_cmd->add_option("--from", usage.from, "from this time (days overlapping it count)");
  usage_cmd->add_option("--to", usage.to, "until this time (exclusive)");
  usage_cmd->add_option("--cluster", usage.cluster, "only this cluster");
  usage_cmd->add_flag("--json", usage.json, "a JSON array of objects");
  c.route(usage_cmd, [&c] { return run_usage(c.global, c.usage); });
  c.route(array_cmd, [&c] { return run_array(c.global, c.array); });
  c.route(history_cmd, [&c] { return run_history(c.global, c.history); });
}

// poll: a live SLURM cluster.
void add_poll_command(CommandLine& c) {
  PollOptions& o = c.poll;
  auto* cmd = c.app.add_subcommand(
      "poll", "follow a live SLURM cluster: squeue diffs, sacct for how jobs ended");
  cmd->add_option("--cluster", o.cluster, "the cluster's name in the ledger")->required();
  cmd->add_option("--ssh", o.ssh_host, "run squeue and sacct through `ssh HOST` ([user@]host)");
  cmd->add_option("--interval-ms", o.interval_ms, "time between polls")
      ->check(CLI::Range(1000u, 24u * 3600u * 1000u))
      ->capture_default_str();
  cmd->add_option("--backfill-since", o.backfill_since,
                  "on first connection, sacct history since T (ISO 8601 or epoch seconds)");
  cmd->add_flag("--once", o.once, "one poll (and the backfill), then exit");
  cmd->add_option("--polls", o.polls, "stop after N polls (default: until SIGINT/SIGTERM)");
  cmd->add_option("--tz", o.time_zone,
                  "IANA zone SLURM prints its times in (default: this machine's)");
  cmd->add_option("--squeue", o.squeue, "the squeue program")->capture_default_str();
  cmd->add_option("--sacct", o.sacct, "the sacct program")->capture_default_str();
  cmd->add_option("--command-timeout-ms", o.command_timeout_ms, "kill a command running longer")
      ->check(CLI::Range(100u, 3600u * 1000u))
      ->capture_default_str();
  cmd->add_option("--backoff-max-ms", o.backoff_max_ms, "longest wait after failures")
      ->capture_default_str();
  cmd->add_flag("--json", o.json, "one JSON line per poll");
  c.route(cmd, [&c] { return run_poll(c.global, c.poll); });
}

// rebuild, verify, as-of, audit: the replay side.
void add_replay_commands(CommandLine& c) {
  CLI::App& app = c.app;
  auto& rebuild = c.rebuild;
  auto& verify_projections = c.verify_projections;
  auto& as_of = c.as_of;
  auto& audit = c.audit;
  auto* rebuild_cmd = app.add_subcommand("rebuild", "rebuild projections from the log");
  rebuild_cmd->add_option("NAME", rebuild.names, "jobs, arrays, usage, deps (default: all)");
  rebuild_cmd->add_option("--batch-events", rebuild.batch_events, "events per commit")
      ->check(CLI::Range(1u, 16384u));
  rebuild_cmd->add_option("--lanes-events-min", rebuild.lanes_events_min,
                          "fold jobs and the other projections on two threads when at least "
                          "this many events are to be folded");
  rebuild_cmd->add_flag("--json", rebuild.json, "one JSON object");

  auto* verify_projections_cmd = app.add_subcommand(
      "verify", "rebuild every projection in memory and compare with the stored state");
  verify_projections_cmd->add_flag("--json", verify_projections.json, "one JSON object");

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
  as_of_cmd->add_option("--since", as_of.jobs.since, "jobs: only states changed at or after");
  as_of_cmd->add_flag("--json", as_of.json, "JSON, shaped as the plain command's");

  auto* audit_cmd = app.add_subcommand(
      "audit", "every transition of a job with its source, impossible ones flagged");
  audit_cmd->add_option("JOB", audit.job, "the job as the scheduler writes it");
  audit_cmd->add_option("--cluster", audit.cluster, "the job's cluster, when ambiguous");
  audit_cmd->add_flag("--rules", audit.rules, "print the state machine's rules");
  audit_cmd->add_flag("--json", audit.json, "a JSON array");

  c.route(rebuild_cmd, [&c] { return run_rebuild(c.global, c.rebuild); });
  c.route(verify_projections_cmd, [&c] { return run_verify(c.global, c.verify_projections); });
  c.route(as_of_cmd, [&c] { return run_as_of(c.global, c.as_of); });
  c.route(audit_cmd, [&c] { return run_audit(c.global, c.audit); });
}

// serve, tail: the HTTP API and the live stream.
void add_serve_commands(CommandLine& c) {
  auto& serve = c.serve;
  auto& tail = c.tail;
  auto* serve_cmd = c.app.add_subcommand("serve", "the HTTP API and live event stream");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  serve_cmd->add_option("--token-file", serve.token_file,
                        "file holding the bearer token writes (and TCP reads) need");
  serve_cmd->add_flag("--public-read", serve.public_read, "TCP reads need no token");
  serve_cmd->add_option("--socket", serve.socket_path,
                        "also listen on this unix socket: callers see their own jobs");
  serve_cmd->add_option("--admin-uid", serve.admin_uids,
                        "unix-socket callers who see every job (root and serve's uid always do)");
  serve_cmd->add_option("--connections-max", serve.connections_max, "open connections at most")
      ->check(CLI::Range(1u, 65536u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--stream-keep-alive-ms", serve.stream_keep_alive_ms,
                   "a `: keep-alive` comment on a stream idle this long (0: never)")
      ->check(CLI::Range(0u, 3'600'000u))
      ->capture_default_str();
  serve_cmd->add_option("--config", serve.config_file,
                        "a JSON file of sources to run (tools/serve/source_config.h)");
  serve_cmd
      ->add_option("--stream-queue-events", serve.stream_queue_events_max,
                   "live events queued per stream client before it is dropped as too slow")
      ->check(CLI::Range(1u, 1u << 20))
      ->capture_default_str();

  auto* tail_cmd = c.app.add_subcommand(
      "tail", "events from a seq, a caught-up marker, then (-f) events as they are appended");
  tail_cmd->add_option("--from", tail.from_seq, "first seq (default: the last 10 events)")
      ->check(CLI::Range(int64_t{1}, INT64_MAX));
  tail_cmd->add_flag("-f,--follow", tail.follow, "go on printing events as they are appended");
  tail_cmd->add_option("--poll-ms", tail.poll_interval_ms, "how often -f looks for new events")
      ->check(CLI::Range(10u, 60000u))
      ->capture_default_str();
  tail_cmd->add_flag("--json", tail.json, "one JSON object per line (the stream's data)");
  auto sources = std::make_shared<ServeSourceFlags>();
  add_serve_source_options(serve_cmd, *sources);
  c.route(serve_cmd, [&c, serve_cmd, sources] {
    if (!sources->collect(serve_cmd->parse_order(), &c.serve.sources)) return 2;
    return run_serve(c.global, c.serve);
  });
  c.route(tail_cmd, [&c] { return run_tail(c.global, c.tail); });
}

void add_bench_commands(CommandLine& c) {
  CLI::App& app = c.app;
  auto& bench_append = c.bench_append;
  auto& bench_arrays = c.bench_arrays;
  auto* bench = app.add_subcommand("bench", "benchmarks that print numbers");
  bench->require_subcommand(1);
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

  auto add_replay_bench = [bench](const char* name, const char* about, BenchReplayOptions* o) {
    auto* cmd = bench->add_subcommand(name, about);
    cmd->add_option("--events", o->events, "log size (events)")->capture_default_str();
    cmd->add_option("--queries", o->queries, "queries measured")->capture_default_str();
    cmd->add_option("--array-tasks", o->array_tasks,
                    "tasks per array in the generated log (a kept --scratch log keeps its own)")
        ->check(CLI::Range(2u, 1'000'000u))
        ->capture_default_str();
    cmd->add_option("--data", o->data_dir, "folder with swf/ traces (default: bundled)");
    cmd->add_option("--scratch", o->scratch_dir, "keep the generated log here (reused)");
    cmd->add_option("--child-mode", o->child_mode)->group("");
    cmd->add_flag("--json", o->json, "one JSON object");
    return cmd;
  };

  auto* bench_arrays_cmd = bench->add_subcommand(
      "arrays", "array counts by deltas against ssync's SQLite recount (one change, one read)");
  bench_arrays_cmd->add_option("--sizes", bench_arrays.sizes, "tasks per array")->delimiter(',');
  bench_arrays_cmd->add_option("--changes", bench_arrays.changes, "changes measured per size");
  bench_arrays_cmd->add_option("--reads", bench_arrays.reads, "reads measured per size");
  bench_arrays_cmd->add_option("--scratch", bench_arrays.scratch_dir, "scratch folder");
  bench_arrays_cmd->add_flag("--json", bench_arrays.json, "one JSON object");

  auto& bench_records = c.bench_records;
  auto* bench_records_cmd = bench->add_subcommand(
      "records", "bytes per raw accounting record: zstd with a dictionary against gzip per record");
  bench_records_cmd->add_option("--data", bench_records.data_dir,
                                "folder with pbs/ and slurm/ captures (default: bundled)");
  bench_records_cmd->add_option("--gzip-level", bench_records.gzip_level, "the baseline's level")
      ->capture_default_str();
  bench_records_cmd->add_flag("--json", bench_records.json, "one JSON object");
  c.route(bench_records_cmd, [&c] { return run_bench_records(c.bench_records); });

  auto* bench_poll_cmd = bench->add_subcommand(
      "poll", "a squeue poll diffed against the ledger vs rewriting every row");
  bench_poll_cmd->add_option("--jobs", c.bench_poll.jobs, "rows per snapshot")
      ->capture_default_str();
  bench_poll_cmd
      ->add_option("--changed-percent", c.bench_poll.changed_percent, "rows changed per poll")
      ->capture_default_str();
  bench_poll_cmd->add_option("--polls", c.bench_poll.polls, "polls measured per side")
      ->capture_default_str();
  bench_poll_cmd->add_option("--scratch", c.bench_poll.scratch_dir, "scratch folder");
  bench_poll_cmd->add_flag("--json", c.bench_poll.json, "one JSON object");
  c.route(bench_poll_cmd, [&c] { return run_bench_poll(c.bench_poll); });

  auto* bench_rebuild_cmd =
      add_replay_bench("rebuild", "rebuild of the default projections against a raw scan + verify",
                       &c.bench_rebuild);
  auto* bench_history_cmd = add_replay_bench(
      "history", "one job's history and as-of queries in a large log", &c.bench_history);
  c.route(bench_append_cmd, [&c] { return run_bench_append(c.bench_append, c.self); });
  c.route(bench_rebuild_cmd, [&c] { return run_bench_rebuild(c.bench_rebuild, c.self); });
  c.route(bench_history_cmd, [&c] { return run_bench_history(c.bench_history, c.self); });
  c.route(bench_arrays_cmd, [&c] { return run_bench_arrays(c.bench_arrays); });

  auto& bench_http = c.bench_http;
  auto* bench_http_cmd = bench->add_subcommand(
      "http", "GET of one job and one array through serve: req/s, p50/p99, 200 and 304");
  bench_http_cmd->add_option("--connections", bench_http.connections, "requests in flight")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  bench_http_cmd->add_option("--requests", bench_http.requests, "answers timed per scenario")
      ->check(CLI::Range(uint64_t{1}, uint64_t{10'000'000}))
      ->capture_default_str();
  bench_http_cmd->add_option("--jobs", bench_http.jobs, "jobs in the database")
      ->check(CLI::Range(2u, 10'000'000u))
      ->capture_default_str();
  bench_http_cmd->add_option("--array-tasks", bench_http.array_tasks, "tasks of the array")
      ->check(CLI::Range(1u, 1'000'000u))
      ->capture_default_str();
  bench_http_cmd->add_option("--scratch", bench_http.scratch_dir, "database folder (kept)");
  bench_http_cmd->add_flag("--json", bench_http.json, "one JSON object");
  c.route(bench_http_cmd, [&c] { return run_bench_http(c.bench_http); });
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("jobtrail");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);

  CommandLine c;
  c.self = self_executable(argv[0]);
  c.app.require_subcommand(1);
  c.app.add_option("--db", c.global.db_dir, "database folder")->capture_default_str();
  c.app.add_flag("-v,--verbose", c.verbose, "debug logging");
  add_log_commands(c);
  add_query_commands(c);
  add_replay_commands(c);
  add_poll_command(c);
  add_bench_commands(c);
  add_serve_commands(c);
  CLI11_PARSE(c.app, argc, argv);
  if (c.verbose) spdlog::set_level(spdlog::level::debug);
  try {
    for (auto& [cmd, call] : c.routes) {
      if (cmd->parsed()) return call();
    }
  } catch (const std::exception& e) {
    // Nothing below main throws by design; a library that does (bad_alloc, a format error)
    // is caught here, at the edge.
    spdlog::critical("unexpected error: {}", e.what());
    return 1;
  }
  return 2;
}
