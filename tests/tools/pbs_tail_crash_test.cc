// Crash safety of `jobtrail tail-pbs --follow`: while a writer thread appends PBS records to
// a directory of daily files (one line at a time, often in two writes so the tailer sees
// partial lines, moving to a new day's file now and then), the tailer is killed with SIGKILL
// at random moments and started again, many times. After every kill the log verifies and its
// checkpoint names exactly the records in it: every job whose line ends before the checkpoint
// (in file order) is in the log, and no other. At the end, a last run reads the rest: every
// record of the directory is in the log exactly once, every bad line is quarantined once.
//
// JOBTRAIL_CRASH_POINTS sets the number of kills (default 100), JOBTRAIL_CRASH_SEED the seed.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "events/event_log.h"
#include "events/log_verifier.h"
#include "ingest/pbs/pbs_tailer.h"
#include "tools/subprocess.h"

namespace {

using namespace jobtrail;
using namespace jobtrail::testing;

constexpr int kDays = 3;
constexpr int kLinesPerDay = 240;
constexpr int kBadEvery = 37;  // every 37th line is garbage, quarantined

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

std::string day_file(int day) {
  return "2020010" + std::to_string(day + 1);
}

std::string line_for(int day, int n) {
  const int job = day * kLinesPerDay + n + 1;
  if (job % kBadEvery == 0) return "garbage line " + std::to_string(job) + "\n";
  return "01/0" + std::to_string(day + 1) + "/2020 03:00:00;Q;" + std::to_string(job) +
         ".srv;queue=q ctime=" + std::to_string(1577934000 + job) + "\n";
}

// Appends every line of every day, pacing itself to last about `total_ms`.
void write_directory(const std::string& dir, uint64_t total_ms, uint64_t seed,
                     const std::atomic<bool>* stop) {
  std::mt19937_64 random(seed);
  const auto pause = std::chrono::microseconds(total_ms * 1000 / (kDays * kLinesPerDay));
  for (int day = 0; day < kDays; ++day) {
    std::ofstream out(dir + "/" + day_file(day), std::ios::binary | std::ios::app);
    for (int n = 0; n < kLinesPerDay && !stop->load(); ++n) {
      const std::string line = line_for(day, n);
      const size_t cut = random() % line.size();  // two writes: a partial line in between
      out << line.substr(0, cut) << std::flush;
      std::this_thread::sleep_for(pause / 2);
      out << line.substr(cut) << std::flush;
      std::this_thread::sleep_for(pause / 2);
    }
  }
}

// Jobs ("<n>.srv") whose lines end at or before the checkpoint, in file order.
std::set<std::string> jobs_before(const std::string& dir, const ingest::pbs::TailCheckpoint& cp) {
  std::set<std::string> jobs;
  if (cp.file.empty()) return jobs;  // nothing committed yet
  for (int day = 0; day < kDays; ++day) {
    const std::string name = day_file(day);
    if (!cp.file.empty() && name > cp.file) break;
    const std::string text = read_file(dir + "/" + name);
    const uint64_t end = name == cp.file ? cp.offset : text.size();
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos && nl < end;
         start = nl + 1) {
      const std::string line = text.substr(start, nl - start);
      const size_t q = line.find(";Q;");
      if (q != std::string::npos) jobs.insert(line.substr(q + 3, line.find(';', q + 3) - q - 3));
    }
  }
  return jobs;
}

struct TailState {
  std::set<std::string> jobs;  // jobs with a stream
  uint64_t submitted = 0;      // JobSubmitted events
  uint64_t quarantined = 0;
  ingest::pbs::TailCheckpoint checkpoint;
};

TailState check_database(const std::string& db, const std::string& dir) {
  TailState state;
  EventLogOptions options;
  options.mode = EventLogOptions::Mode::kReader;
  auto log = EventLog::open(db, options);
  if (!log.ok() && log.status().is_not_found()) return state;
  INFO(log.status().to_string());
  REQUIRE(log.ok());
  auto report = verify_log(**log);
  REQUIRE(report.ok());
  REQUIRE(report->clean());
  REQUIRE((*log)
              ->for_each_stream(
                  [&](std::string_view, std::string_view job, const std::vector<uint64_t>& seqs) {
                    state.jobs.insert(std::string(job));
                    // One Q record: its fact and its raw record, never twice.
                    CHECK(seqs.size() == 2);
                    return true;
                  })
              .ok());
  auto cursor = (*log)->scan(1);
  uint64_t raw_records = 0;
  for (auto next = cursor->next(); next.ok() && next->has_value(); next = cursor->next()) {
    if ((*next)->type() == fb::Body::JobSubmitted) ++state.submitted;
    if ((*next)->type() == fb::Body::AccountingRecorded) ++raw_records;
  }
  CHECK(raw_records == state.submitted);  // each record kept byte-exact exactly once
  auto count = (*log)->quarantined_count();
  REQUIRE(count.ok());
  state.quarantined = *count;
  auto stored = (*log)->checkpoint(ingest::pbs::tail_source("c", dir));
  REQUIRE(stored.ok());
  if (stored->has_value()) {
    auto decoded = ingest::pbs::TailCheckpoint::decode(**stored);
    REQUIRE(decoded.has_value());
    state.checkpoint = *decoded;
  }
  return state;
}

}  // namespace

TEST_CASE(
    "tail-pbs killed with SIGKILL at random moments while the server writes keeps every "
    "record exactly once",
    "[tools][crash][pbs]") {
  TempDir tmp;
  std::filesystem::create_directories(tmp / "acct");
  const std::string dir = std::filesystem::canonical(tmp / "acct").string();
  const std::string db = tmp / "db";
  const uint64_t points = env_or("JOBTRAIL_CRASH_POINTS", 100);
  const uint64_t seed = env_or("JOBTRAIL_CRASH_SEED", std::random_device{}());
  constexpr uint64_t kMaxDelayMs = 300;  // a run takes ~50-150 ms to open the database
  WARN("tail crash test: " << points << " kill points, seed " << seed);
  std::mt19937_64 random(seed);
  std::atomic<bool> stop_writer{false};
  std::thread writer(write_directory, dir, points * kMaxDelayMs / 2, seed, &stop_writer);
  struct JoinOnExit {  // a failed REQUIRE throws: stop and join the writer first
    std::thread& thread;
    std::atomic<bool>& stop;
    ~JoinOnExit() {
      stop.store(true);
      if (thread.joinable()) thread.join();
    }
  } join_on_exit{writer, stop_writer};

  const std::vector<std::string> args = {JOBTRAIL_BINARY, "--db", db,         "tail-pbs",  dir,
                                         "--cluster",     "c",    "--follow", "--poll-ms", "10"};
  uint64_t last_jobs = 0, kills_with_progress = 0;
  for (uint64_t point = 0; point < points; ++point) {
    pid_t pid = spawn_process(args, tmp / "out", tmp / "err");
    REQUIRE(pid > 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % kMaxDelayMs));
    kill(pid, SIGKILL);
    wait_exit_code(pid);
    INFO("kill point " << point << " (seed " << seed << ")\n" << read_file(tmp / "err"));
    const TailState state = check_database(db, dir);
    REQUIRE(state.jobs == jobs_before(dir, state.checkpoint));
    REQUIRE(state.submitted == state.jobs.size());
    REQUIRE(state.jobs.size() >= last_jobs);
    if (state.jobs.size() > last_jobs) ++kills_with_progress;
    last_jobs = state.jobs.size();
  }
  writer.join();

  ProcessResult finish =
      run_process({JOBTRAIL_BINARY, "--db", db, "tail-pbs", dir, "--cluster", "c"});
  INFO(finish.err);
  REQUIRE(finish.exit_code == 0);
  const TailState final_state = check_database(db, dir);
  const int lines = kDays * kLinesPerDay;
  const int bad = lines / kBadEvery;
  CHECK(final_state.jobs.size() == static_cast<size_t>(lines - bad));
  CHECK(final_state.submitted == static_cast<uint64_t>(lines - bad));
  CHECK(final_state.quarantined == static_cast<uint64_t>(bad));
  CHECK(final_state.checkpoint.file == day_file(kDays - 1));
  WARN("tail crash test: " << kills_with_progress << " of " << points
                           << " runs made progress before their kill");
  CHECK(kills_with_progress >= points / 10);
}
