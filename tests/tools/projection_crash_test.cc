// Projection commits under kill -9: a real `jobtrail rebuild` (small commit batches) is killed
// at random moments; after each kill, `jobtrail verify` — which catches the projections up
// from their checkpoints and compares them with a fresh in-memory rebuild — must pass. A crash
// may lose the batch in flight, never apply an event twice or leave half a batch.
//
// JOBTRAIL_CRASH_POINTS sets the number of kills (default 100), JOBTRAIL_CRASH_SEED the seed.
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "tools/subprocess.h"

namespace {

using namespace jobtrail::testing;

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

}  // namespace

TEST_CASE("projections killed mid-commit at random moments equal a fresh rebuild after reopen",
          "[tools][crash][projections]") {
  TempDir dir;
  const std::string db = dir / "db";
  REQUIRE(run_process({JOBTRAIL_BINARY, "--db", db, "ingest", "swf",
                       std::string(JOBTRAIL_TEST_DATA_DIR) + "/swf/alea-hpc2n-excerpt.swf",
                       "--cluster", "hpc2n"})
              .exit_code == 0);
  // Even kill points interrupt the serial fold, odd ones the fold in two lanes (jobs on one
  // thread, the other projections on another, each committing its own batches).
  const std::vector<std::string> rebuild = {JOBTRAIL_BINARY, "--db",           db,
                                            "rebuild",       "--batch-events", "128"};
  std::vector<std::string> rebuild_in_lanes = rebuild;
  rebuild_in_lanes.insert(rebuild_in_lanes.end(), {"--lanes-events-min", "1"});
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(run_process(rebuild).exit_code == 0);
  const int64_t rebuild_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();

  const uint64_t points = env_or("JOBTRAIL_CRASH_POINTS", 100);
  const uint64_t seed = env_or("JOBTRAIL_CRASH_SEED", std::random_device{}());
  WARN("projection crash test: " << points << " kill points, seed " << seed << ", rebuild "
                                 << rebuild_us / 1000 << " ms");
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int64_t> delay_us(0, rebuild_us * 11 / 10);
  uint64_t killed_running = 0;
  for (uint64_t point = 0; point < points; ++point) {
    INFO("kill point " << point << " (seed " << seed << ")");
    pid_t pid =
        spawn_process(point % 2 == 0 ? rebuild : rebuild_in_lanes, dir / "out", dir / "err");
    REQUIRE(pid > 0);
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
    kill(pid, SIGKILL);
    if (wait_exit_code(pid) != 0) ++killed_running;
    ProcessResult verify = run_process({JOBTRAIL_BINARY, "--db", db, "verify"});
    INFO(verify.out << verify.err);
    REQUIRE(verify.exit_code == 0);
  }
  WARN("projection crash test: " << killed_running << " kills landed while rebuild ran");
  CHECK(killed_running >= points / 4);
  REQUIRE(run_process({JOBTRAIL_BINARY, "--db", db, "verify-log"}).exit_code == 0);
}
