// Crash safety of the log, tested the way it fails in life: a real `jobtrail ingest swf`
// process is killed with SIGKILL at random moments, many times. After every kill the
// database is reopened and checked (verify_log: seqs contiguous from 1 to head, every event
// verifies, every dedup key maps to exactly one seq, every stream entry points at a real event
// of its job), and the head never moves backwards. When an interrupted import has been re-run
// to its end, the log must hold exactly the events of an uninterrupted import: no loss, no
// duplicate. Then the database is wiped and the cycle starts again, so that kills keep
// landing in the middle of imports rather than on a finished one.
//
// JOBTRAIL_CRASH_POINTS sets the number of kills (default 100; 1000+ for a stress run) and
// JOBTRAIL_CRASH_SEED the random seed (printed, so a failure can be replayed).
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "events/event_log.h"
#include "events/log_verifier.h"
#include "tools/subprocess.h"

namespace {

using jobtrail::EventLog;
using jobtrail::EventLogOptions;
using namespace jobtrail::testing;

const std::string kTrace = std::string(JOBTRAIL_TEST_DATA_DIR) + "/swf/KTH-SP2-1996-2.1-cln.swf.gz";

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

std::vector<std::string> import_args(const std::string& db, bool group_commit) {
  std::vector<std::string> args = {JOBTRAIL_BINARY, "--db",      db,    "ingest",         "swf",
                                   kTrace,          "--cluster", "kth", "--batch-events", "256"};
  if (group_commit) {
    args.insert(args.end(), {"--durability", "group", "--group-commit-ms", "5"});
  }
  return args;
}

struct LogSummary {
  uint64_t head = 0;
  std::map<std::string, uint64_t> by_type;
};

// Opens the database read-only, runs the full verifier, and summarises the log.
LogSummary check_database(const std::string& db) {
  EventLogOptions options;
  options.mode = EventLogOptions::Mode::kReader;
  auto log = EventLog::open(db, options);
  if (!log.ok() && log.status().is_not_found()) return {};  // killed before creating it
  INFO(log.status().to_string());
  REQUIRE(log.ok());
  auto report = jobtrail::verify_log(**log);
  REQUIRE(report.ok());
  INFO("first fault: " << (report->faults.empty() ? "" : report->faults.front()));
  REQUIRE(report->clean());
  REQUIRE(report->events_checked == (*log)->head());
  REQUIRE(report->dedup_entries == (*log)->head());
  LogSummary summary;
  summary.head = (*log)->head();
  auto cursor = (*log)->scan(1);
  for (auto next = cursor->next(); next.ok() && next->has_value(); next = cursor->next()) {
    ++summary.by_type[std::string((*next)->type_name())];
  }
  return summary;
}

}  // namespace

TEST_CASE(
    "an import killed with SIGKILL at random moments never leaves a gap, a half event "
    "or a duplicate, and resumes to exactly the uninterrupted result",
    "[tools][crash]") {
  TempDir dir;
  // The reference: one uninterrupted import, timed to spread the kill points over it.
  const auto t0 = std::chrono::steady_clock::now();
  ProcessResult reference = run_process(import_args(dir / "reference", false));
  const auto import_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  REQUIRE(reference.exit_code == 0);
  const LogSummary expected = check_database(dir / "reference");
  REQUIRE(expected.head > 80'000);

  const uint64_t points = env_or("JOBTRAIL_CRASH_POINTS", 100);
  const uint64_t seed = env_or("JOBTRAIL_CRASH_SEED", std::random_device{}());
  WARN("crash test: " << points << " kill points, seed " << seed << ", uninterrupted import "
                      << import_us / 1000 << " ms");
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int64_t> delay_us(0, import_us * 11 / 10);

  const std::string db = dir / "crashed";
  uint64_t last_head = 0, completed_cycles = 0, kills_mid_import = 0;
  for (uint64_t point = 0; point < points; ++point) {
    const bool group_commit = point % 2 == 1;
    pid_t pid = spawn_process(import_args(db, group_commit), dir / "out", dir / "err");
    REQUIRE(pid > 0);
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
    kill(pid, SIGKILL);
    const int exit_code = wait_exit_code(pid);  // 0 if it finished before the kill

    INFO("kill point " << point << " (seed " << seed << ")");
    const LogSummary now = check_database(db);
    REQUIRE(now.head >= last_head);
    REQUIRE(now.head <= expected.head);
    if (exit_code != 0 && now.head > 0 && now.head < expected.head) ++kills_mid_import;
    last_head = now.head;

    if (now.head == expected.head) {
      // This cycle's import is complete: it must equal the uninterrupted one, type by type.
      REQUIRE(now.by_type == expected.by_type);
      ++completed_cycles;
      std::filesystem::remove_all(db);
      last_head = 0;
    }
  }
  // Finish the last interrupted import and compare it with the reference.
  ProcessResult finish = run_process(import_args(db, false));
  REQUIRE(finish.exit_code == 0);
  const LogSummary final_summary = check_database(db);
  REQUIRE(final_summary.head == expected.head);
  REQUIRE(final_summary.by_type == expected.by_type);
  WARN("crash test: " << kills_mid_import << " kills landed mid-import, " << completed_cycles
                      << " imports completed across kills");
  CHECK(kills_mid_import >= points / 4);
}
