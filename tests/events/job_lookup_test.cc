// EventLog::find_jobs: naming a job as its scheduler writes it, across clusters, without a
// scan. An exact key match wins over a short form; "4" never finds "40".
#include <catch2/catch.hpp>

#include "test_db.h"

namespace jobtrail {
namespace {

using testing::TempDir;

std::unique_ptr<EventLog> log_with_jobs(
    const TempDir& dir, const std::vector<std::pair<std::string, std::string>>& jobs) {
  auto log = testing::must_open(dir.sub("db"), testing::writer_options());
  AppendBatch batch;
  int n = 0;
  for (const auto& [cluster, job] : jobs) {
    batch.events.push_back(testing::state_event(cluster, job, "id/" + std::to_string(n++)));
  }
  testing::must_append(*log, batch);
  return log;
}

std::vector<std::string> found(const EventLog& log, std::string_view text,
                               std::string_view cluster = "") {
  auto refs = log.find_jobs(text, cluster);
  REQUIRE(refs.ok());
  std::vector<std::string> out;
  for (const auto& r : *refs) out.push_back(r.cluster + "/" + r.job);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("a job key names the job in every cluster that has it, and --cluster narrows it",
          "[events][job_lookup]") {
  TempDir dir;
  auto log = log_with_jobs(dir, {{"a", "4"}, {"b", "4"}, {"a", "40"}, {"a", "5_3"}});
  CHECK(found(*log, "4") == std::vector<std::string>{"a/4", "b/4"});
  CHECK(found(*log, "4", "b") == std::vector<std::string>{"b/4"});
  CHECK(found(*log, "40") == std::vector<std::string>{"a/40"});
  CHECK(found(*log, "5_3") == std::vector<std::string>{"a/5_3"});
  CHECK(found(*log, "5").empty());
  CHECK(found(*log, "4", "c").empty());
}

TEST_CASE("a short PBS id finds the job with its server suffix, and an exact key wins",
          "[events][job_lookup]") {
  TempDir dir;
  auto log = log_with_jobs(dir, {{"pbs", "6.edge.ccr.buffalo.edu"},
                                 {"pbs", "942337.tango-m.vpac.org"},
                                 {"pbs", "942337.pbs"},
                                 {"pbs", "60.pbs"},
                                 {"slurm", "6"}});
  CHECK(found(*log, "942337") ==
        std::vector<std::string>{"pbs/942337.pbs", "pbs/942337.tango-m.vpac.org"});
  CHECK(found(*log, "6") == std::vector<std::string>{"slurm/6"});  // exact wins
  CHECK(found(*log, "6", "pbs") == std::vector<std::string>{"pbs/6.edge.ccr.buffalo.edu"});
  CHECK(found(*log, "942337.pbs") == std::vector<std::string>{"pbs/942337.pbs"});
}

TEST_CASE("clusters are listed by a skip scan of the stream index", "[events][job_lookup]") {
  TempDir dir;
  auto log = log_with_jobs(dir, {{"zeta", "1"}, {"alpha", "1"}, {"alpha", "2"}, {"mid", "3"}});
  auto clusters = log->clusters();
  REQUIRE(clusters.ok());
  std::vector<std::string> sorted = *clusters;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<std::string>{"alpha", "mid", "zeta"});
}

TEST_CASE("an empty or over-long job key is refused", "[events][job_lookup]") {
  TempDir dir;
  auto log = log_with_jobs(dir, {{"a", "1"}});
  CHECK(log->find_jobs("", "").status().is_invalid_argument());
  CHECK(!log->find_jobs(std::string(1000, '1'), "").ok());
}

}  // namespace jobtrail
