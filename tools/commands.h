// The jobtrail subcommands. jobtrail_main.cc parses argv (CLI11) into these option structs and
// calls one function; each returns the process exit code. Output contract: with --json, stdout
// holds only the JSON document; logs and progress always go to stderr.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/event_log.h"
#include "tools/serve/source_config.h"

namespace jobtrail::tools {

inline constexpr const char* kDefaultDbDir = "./jobtrail-data";

struct GlobalOptions {
  std::string db_dir = kDefaultDbDir;
};

struct IngestSwfOptions {
  std::string file;
  std::string cluster = "local";
  std::string durability = "sync";  // "sync" or "group"
  uint32_t group_commit_window_ms = 10;
  uint32_t batch_events = 1024;
  bool json = false;
};
int run_ingest_swf(const GlobalOptions& global, const IngestSwfOptions& options);

struct IngestSacctOptions {
  IngestSwfOptions common;  // file, cluster, durability, batch size, --json
  std::string format;       // the --format list given to sacct (empty: from a header line)
  std::string time_zone;    // --tz: the zone sacct printed its times in (default: this machine's)
};
int run_ingest_sacct(const GlobalOptions& global, const IngestSacctOptions& options);

struct IngestJobcompOptions {
  IngestSwfOptions common;  // file, cluster, durability, batch size, --json
  std::string time_zone;    // --tz (default: this machine's)
};
int run_ingest_jobcomp(const GlobalOptions& global, const IngestJobcompOptions& options);

struct IngestSqueueOptions {
  IngestSwfOptions common;  // file, cluster, durability, batch size, --json
  std::string format;       // the -o/--format string (or -O list) given to squeue
  std::string time_zone;    // --tz (default: this machine's)
  std::string observed_at;  // --observed-at: when the snapshot was taken (default: now)
};
int run_ingest_squeue(const GlobalOptions& global, const IngestSqueueOptions& options);

struct IngestPbsOptions {
  IngestSwfOptions common;  // FILE or DIR, cluster, durability, batch size, --json
  std::string time_zone;    // --tz: the PBS server's zone (default: UTC)
};
int run_ingest_pbs(const GlobalOptions& global, const IngestPbsOptions& options);

struct TailPbsOptions {
  std::string dir;
  std::string cluster = "local";
  std::string time_zone;  // --tz (default: UTC)
  bool follow = false;    // keep polling until SIGINT/SIGTERM
  uint32_t poll_interval_ms = 1000;
  bool json = false;
};
int run_tail_pbs(const GlobalOptions& global, const TailPbsOptions& options);

struct PollOptions {
  std::string cluster;            // required: the name the ledger gives this cluster
  std::string ssh_host;           // run squeue/sacct through `ssh HOST` (default: locally)
  uint32_t interval_ms = 30'000;  // between polls (at least 1000)
  std::string backfill_since;     // on first connection, sacct history since then
  bool once = false;              // one poll (and the backfill), then exit
  uint64_t polls = 0;             // stop after this many polls (0: until SIGINT/SIGTERM)
  std::string time_zone;          // --tz: the zone SLURM prints in (default: this machine's)
  std::string squeue = "squeue", sacct = "sacct";  // the programs (names or paths)
  uint32_t command_timeout_ms = 30'000;            // a command running longer is killed
  uint32_t backoff_max_ms = 300'000;               // the longest wait after failures
  bool json = false;                               // one JSON line per poll on stdout
};
// Exit 0 when the last poll's commands all answered, 3 when the source was down (recorded
// in the log as SourceStatus), 1 when the poller could not run, 2 on a bad option.
int run_poll(const GlobalOptions& global, const PollOptions& options);

struct LogOptions {
  std::string job;      // only this job's events (its stream), as the scheduler writes it
  std::string cluster;  // needed only when `job` is ambiguous
  uint64_t from_seq = 1;
  uint64_t limit = 100;
  bool json = false;
};
int run_log(const GlobalOptions& global, const LogOptions& options);

struct StatsOptions {
  bool json = false;
};
int run_stats(const GlobalOptions& global, const StatsOptions& options);

struct QuarantineOptions {
  uint64_t limit = 1000;
  bool json = false;
};
int run_quarantine(const GlobalOptions& global, const QuarantineOptions& options);

struct VerifyLogOptions {
  bool json = false;
};
int run_verify_log(const GlobalOptions& global, const VerifyLogOptions& options);

struct JobsOptions {
  std::string state, user, array, cluster;
  std::string since;   // only jobs whose state changed at or after this time
  uint64_t limit = 0;  // 0: every job
  bool json = false;
};
int run_jobs(const GlobalOptions& global, const JobsOptions& options);

struct ArrayOptions {
  std::string array;
  std::string cluster;
  bool tasks = false;
  bool json = false;
};
int run_array(const GlobalOptions& global, const ArrayOptions& options);

struct DepsOptions {
  std::string job;
  std::string cluster;
  bool json = false;
};
int run_deps(const GlobalOptions& global, const DepsOptions& options);

struct HistoryOptions {
  std::string job;
  std::string cluster;
  bool json = false;
};
int run_history(const GlobalOptions& global, const HistoryOptions& options);

struct RecordOptions {
  std::string job;
  std::string cluster;
  bool raw = false;  // only the records' bytes, each followed by a newline
  bool json = false;
};
int run_record(const GlobalOptions& global, const RecordOptions& options);

struct UsageOptions {
  std::string by = "user";  // user | account | partition (or queue) | day
  std::string from, to;     // ISO 8601 or epoch seconds; empty: unbounded
  std::string cluster;      // empty: every cluster, summed
  bool json = false;
};
int run_usage(const GlobalOptions& global, const UsageOptions& options);

struct RebuildOptions {
  std::vector<std::string> names;      // empty: every projection
  uint32_t batch_events = 16384;       // events per projection commit
  uint64_t lanes_events_min = 20'000;  // fold in two lanes from this many events on
  bool json = false;
};
int run_rebuild(const GlobalOptions& global, const RebuildOptions& options);

struct VerifyOptions {
  bool json = false;
};
int run_verify(const GlobalOptions& global, const VerifyOptions& options);

struct AsOfOptions {
  std::vector<std::string> args;  // TIME then jobs | array ID | history JOB
  bool observed = false;
  std::string cluster;
  JobsOptions jobs;  // the jobs filters apply to `as-of T jobs`
  bool json = false;
};
int run_as_of(const GlobalOptions& global, const AsOfOptions& options);

struct AuditOptions {
  std::string job;
  std::string cluster;
  bool rules = false;  // print the state machine's rules instead
  bool json = false;
};
int run_audit(const GlobalOptions& global, const AuditOptions& options);

struct BenchAppendOptions {
  std::string data;     // SWF trace; default: the bundled LCG trace
  uint64_t events = 0;  // 0: every event of the trace
  uint32_t batch_events = 1000;
  uint32_t group_commit_window_ms = 10;
  std::string scratch_dir;  // default: a fresh folder under /tmp
  std::string child_mode;   // internal: run one mode and print its JSON line
  bool json = false;
};
int run_bench_append(const BenchAppendOptions& options, const std::string& self_exe);

struct BenchReplayOptions {
  uint64_t events = 10'000'000;  // the log's size
  uint32_t queries = 2000;       // history / as-of queries measured
  uint32_t array_tasks = 1000;   // tasks per array in the log's odd rounds
  std::string data_dir;          // default: the source tree's bundled data/
  std::string scratch_dir;       // default: a fresh folder under /tmp, removed after
  std::string child_mode;        // internal
  bool json = false;
};
int run_bench_rebuild(const BenchReplayOptions& options, const std::string& self_exe);
int run_bench_history(const BenchReplayOptions& options, const std::string& self_exe);

struct BenchHttpOptions {
  uint32_t connections = 8;      // requests in flight at once
  uint64_t requests = 100'000;   // answers timed per scenario
  uint32_t jobs = 10'000;        // plain jobs in the database
  uint32_t array_tasks = 1'000;  // tasks of the one array
  std::string scratch_dir;       // default: a fresh folder under /tmp, removed after
  bool json = false;
};
int run_bench_http(const BenchHttpOptions& options);

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string token_file;            // the bearer token for writes (and for TCP reads)
  bool public_read = false;          // TCP reads without the token
  std::string socket_path;           // a unix socket too (callers known by uid)
  std::vector<uint32_t> admin_uids;  // unix-socket callers who see every job
  uint32_t connections_max = 512;
  uint32_t stream_queue_events_max = 4096;  // live events queued per stream client
  uint32_t stream_keep_alive_ms = 15'000;   // an idle stream gets a comment this often (0: never)
  SourceSpecs sources;                      // --slurm-cluster ..., --pbs-dir ...
  std::string config_file;                  // --config: more sources (source_config.h)
};
int run_serve(const GlobalOptions& global, const ServeOptions& options);

struct TailOptions {
  int64_t from_seq = -1;  // -1: the last 10 events
  bool follow = false;    // -f: go on printing events as they are appended
  uint32_t poll_interval_ms = 200;
  bool json = false;  // each event as the stream's data line (one JSON object per line)
};
int run_tail(const GlobalOptions& global, const TailOptions& options);

}  // namespace jobtrail::tools
