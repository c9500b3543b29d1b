// Method.
//   A synthetic cluster of `jobs` jobs in the poller's squeue format (kPollSqueueFormat): a
//   third running, the rest pending with a reason. Poll 0 is imported on each side first (not
//   measured). Then `polls` snapshots follow, each from the previous one with changed_percent
//   of the rows changed (a pending job starts, with a StartTime; or a pending job's reason
//   changes), the same sequence on both sides, each side in its own fresh database.
//   One poll's cost = the import of the captured output (parse, look up, append, fsync per
//   batch) + folding the new events into the projections (the next poll diffs against them).
//   - jobtrail: import_squeue_captured with the jobs projection as the known-job lookup.
//   - baseline: the same import with no lookup: every row is written again (a JobSubmitted,
//     its state, its fields), as a poller that keeps no diff would.
//   Reported per side: p50/p99 ms per poll and events written per poll; ratios = baseline /
//   jobtrail.
#include "tools/bench/poll_bench.h"

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ingest/slurm/slurm_commands.h"
#include "ingest/slurm/squeue_importer.h"
#include "tools/bench/bench_child.h"
#include "tools/commands/known_jobs.h"
#include "tools/commands/open_log.h"

namespace jobtrail::tools {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kBaseEpochS = 1'795'000'000;

struct Row {
  bool running = false;
  int64_t start_s = 0;
  std::string reason = "Priority";
};

// One squeue line in kPollSqueueFormat:
// %i|%A|%T|%r|%u|%g|%a|%P|%q|%D|%C|%l|%V|%S|%e|%Q|%N|%j
std::string render(const std::vector<Row>& rows) {
  std::string out;
  char line[512];
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const int64_t submit = kBaseEpochS;
    const auto iso = [](int64_t s) {
      char b[32];
      const time_t t = static_cast<time_t>(s);
      std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", gmtime(&t));
      return std::string(b);
    };
    std::snprintf(line, sizeof line,
                  "%zu|%zu|%s|%s|user%zu|grp|acct|batch|normal|1|4|1-00:00:00|%s|%s|N/A|%zu|%s|"
                  "job%zu\n",
                  i + 1, i + 1, r.running ? "RUNNING" : "PENDING",
                  r.running ? "None" : r.reason.c_str(), i % 50, iso(submit).c_str(),
                  r.running ? iso(r.start_s).c_str() : "N/A", 100000 - i,
                  r.running ? "node001" : "", i + 1);
    out += line;
  }
  return out;
}

// The next poll: `changes` rows change (the same ones on both sides).
void advance(std::vector<Row>& rows, uint32_t changes, uint32_t poll, uint64_t& cursor) {
  for (uint32_t n = 0; n < changes; ++n) {
    Row& r = rows[(cursor++ * 7919) % rows.size()];
    if (!r.running && n % 2 == 0) {
      r.running = true;
      r.start_s = kBaseEpochS + 60 + poll;
    } else if (!r.running) {
      r.reason = r.reason == "Priority" ? "Resources" : "Priority";
    }
  }
}

struct Side {
  std::vector<double> poll_ms;
  std::vector<double> events;
};

Result<Side> run_side(const std::string& dir, const BenchPollOptions& o, bool diff) {
  GlobalOptions global;
  global.db_dir = dir;
  auto log = open_writer_with_projections(global, EventLogOptions{});
  if (log == nullptr) return Status::io_error("cannot open " + dir);
  std::vector<Row> rows(o.jobs);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i % 3 == 0) {
      rows[i].running = true;
      rows[i].start_s = kBaseEpochS + 30;
    }
  }
  const uint32_t changes = static_cast<uint32_t>(o.jobs * o.changed_percent / 100.0 + 0.5);
  uint64_t cursor = 0;
  Side side;
  for (uint32_t poll = 0; poll <= o.polls; ++poll) {  // poll 0: the first sight, not measured
    if (poll > 0) advance(rows, changes, poll, cursor);
    ingest::slurm::SqueueImportOptions s;
    s.format = std::string(ingest::slurm::kPollSqueueFormat);
    s.time_zone = "UTC";
    s.line.cluster = "bench";
    s.line.observed_at_us = (kBaseEpochS + 100 + poll) * int64_t{1'000'000};
    if (diff) s.known = known_jobs_lookup(*log);
    std::string text = render(rows);
    const auto start = Clock::now();
    auto stats = ingest::slurm::import_squeue_captured(*log, "bench", std::move(text), s);
    if (!stats.ok()) return stats.status();
    JT_RETURN_IF_ERROR(catch_up_projections(*log, nullptr));
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (poll == 0) continue;
    side.poll_ms.push_back(ms);
    side.events.push_back(static_cast<double>(stats->events_appended));
  }
  return side;
}

nlohmann::json summary(const Side& s) {
  double events = 0;
  for (double e : s.events) events += e;
  return {{"poll_ms_p50", percentile(s.poll_ms, 0.50)},
          {"poll_ms_p99", percentile(s.poll_ms, 0.99)},
          {"events_per_poll", s.events.empty() ? 0 : events / s.events.size()}};
}

}  // namespace

int run_bench_poll(const BenchPollOptions& o) {
  if (o.jobs == 0 || o.jobs > bench_poll_jobs_max || o.polls == 0 ||
      o.polls > bench_poll_polls_max || o.changed_percent <= 0 || o.changed_percent > 100) {
    spdlog::error("bench poll: --jobs 1..{}, --polls 1..{}, --changed-percent (0, 100]",
                  bench_poll_jobs_max, bench_poll_polls_max);
    return 1;
  }
  std::string scratch = o.scratch_dir;
  const bool owned = scratch.empty();
  if (owned) {
    char tmpl[] = "/tmp/jobtrail-bench-poll-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return 1;
    scratch = tmpl;
  }
  auto diffed = run_side(scratch + "/diff", o, true);
  auto naive = diffed.ok() ? run_side(scratch + "/naive", o, false) : diffed;
  if (owned) std::filesystem::remove_all(scratch);
  if (!naive.ok()) {
    spdlog::error("bench poll: {}", naive.status().to_string());
    return 1;
  }
  nlohmann::json j{{"jobs", o.jobs},
                   {"changed_percent", o.changed_percent},
                   {"polls", o.polls},
                   {"jobtrail", summary(*diffed)},
                   {"baseline_rewrite_every_row", summary(*naive)}};
  const auto ratio = [&](const char* key) {
    const double ours = j["jobtrail"][key].get<double>();
    return ours > 0 ? j["baseline_rewrite_every_row"][key].get<double>() / ours : 0.0;
  };
  j["ratio_poll_ms_p50"] = ratio("poll_ms_p50");
  j["ratio_poll_ms_p99"] = ratio("poll_ms_p99");
  j["ratio_events_per_poll"] = ratio("events_per_poll");
  if (o.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("%u-job squeue snapshot, %.2f%% changed per poll, %u polls per side\n", o.jobs,
              o.changed_percent, o.polls);
  std::printf("%-28s %12s %12s %16s\n", "side", "p50 ms/poll", "p99 ms/poll", "events/poll");
  for (const char* side : {"jobtrail", "baseline_rewrite_every_row"}) {
    std::printf("%-28s %12.2f %12.2f %16.1f\n", side, j[side]["poll_ms_p50"].get<double>(),
                j[side]["poll_ms_p99"].get<double>(), j[side]["events_per_poll"].get<double>());
  }
  std::printf("ratios (baseline / jobtrail): p50 %.1fx, p99 %.1fx, events %.1fx\n",
              j["ratio_poll_ms_p50"].get<double>(), j["ratio_poll_ms_p99"].get<double>(),
              j["ratio_events_per_poll"].get<double>());
  return 0;
}

}  // namespace jobtrail::tools
