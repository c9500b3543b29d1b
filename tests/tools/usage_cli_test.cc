// `usage`: core-hours per user, account, partition and day, checked against an independent
// computation straight from the capture's text.
#include <time.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tools/cli_json.h"
#include "tools/subprocess.h"

namespace {

using namespace jobtrail::testing;
using nlohmann::json;

const std::string kData = JOBTRAIL_TEST_DATA_DIR;
const std::string kXdmodFormat =
    "jobid,jobidraw,cluster,partition,qos,account,group,gid,user,uid,submit,eligible,start,end,"
    "elapsed,exitcode,state,nnodes,ncpus,reqcpus,reqmem,reqtres,alloctres,timelimit,nodelist,"
    "jobname";

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, separator)) fields.push_back(field);
  return fields;
}

// "2016-12-22T07:15:13" read as UTC; -1 when it is not such a time.
int64_t utc_seconds(const std::string& text) {
  struct tm tm {};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr || *end != '\0') return -1;
  return static_cast<int64_t>(timegm(&tm));
}

// Core-hours and GPU-hours per user, from the capture's own columns: every allocation row with
// a start and a later end, ncpus x (end - start).
std::map<std::string, std::pair<double, double>> expected_by_user(const std::string& path) {
  std::map<std::string, std::pair<double, double>> hours;
  std::ifstream in(path);
  std::string line;
  for (int i = 0; i < 100'000 && std::getline(in, line); ++i) {
    const auto f = split(line, '|');
    REQUIRE(f.size() >= 23);
    if (f[0].find('.') != std::string::npos) continue;  // a step
    const int64_t start = utc_seconds(f[12]), end = utc_seconds(f[13]);
    if (start < 0 || end <= start) continue;
    const double span_h = static_cast<double>(end - start) / 3600.0;
    const double cpus = std::stod(f[18]);
    double gpus = 0;
    for (const auto& tres : split(f[22], ',')) {
      if (tres.rfind("gres/gpu=", 0) == 0) gpus = std::stod(tres.substr(9));
    }
    hours[f[8]].first += cpus * span_h;
    hours[f[8]].second += gpus * span_h;
  }
  return hours;
}

double sum_of(const json& rows, const char* field) {
  double total = 0;
  for (const auto& row : rows) total += row[field].get<double>();
  return total;
}

}  // namespace

TEST_CASE(
    "usage by user equals core-hours and GPU-hours computed independently from the real "
    "capture, and by day splits the same total across days",
    "[tools][cli][usage]") {
  TempDir dir;
  const std::string db = dir / "db";
  const std::string capture = kData + "/slurm/xdmod-phillips.sacct.log";
  REQUIRE(run_jobtrail(db, {"ingest", "sacct", capture, "--format", kXdmodFormat, "--tz", "UTC",
                            "--cluster", "phillips"})
              .exit_code == 0);
  const auto expected = expected_by_user(capture);
  json by_user = json_of(run_jobtrail(db, {"usage", "--by", "user", "--json"}));
  REQUIRE(by_user.size() == expected.size());
  double expected_total = 0;
  for (const auto& row : by_user) {
    const auto it = expected.find(row["user"].get<std::string>());
    REQUIRE(it != expected.end());
    INFO(it->first);
    CHECK(row["core_hours"].get<double>() == Approx(it->second.first).epsilon(1e-12));
    CHECK(row["gpu_hours"].get<double>() == Approx(it->second.second).epsilon(1e-12));
    expected_total += it->second.first;
  }
  json by_day = json_of(run_jobtrail(db, {"usage", "--by", "day", "--json"}));
  CHECK(sum_of(by_day, "core_hours") == Approx(expected_total).epsilon(1e-12));
  // No day holds more than 24 hours of every core: a run crossing midnight is split.
  for (const auto& day : by_day) CHECK(day.contains("day"));
  json by_partition = json_of(run_jobtrail(db, {"usage", "--by", "partition", "--json"}));
  CHECK(sum_of(by_partition, "core_hours") == Approx(expected_total).epsilon(1e-12));

  // --from/--to keep the days that overlap the window, and only those.
  json one_day = json_of(run_jobtrail(db, {"usage", "--by", "day", "--from", "2017-01-01T00:00:00Z",
                                           "--to", "2017-01-02", "--json"}));
  REQUIRE(one_day.size() == 1);
  CHECK(one_day[0]["day"] == "2017-01-01");
  json users_that_day = json_of(run_jobtrail(
      db, {"usage", "--by", "user", "--from", "2017-01-01", "--to", "2017-01-02", "--json"}));
  CHECK(sum_of(users_that_day, "core_hours") ==
        Approx(one_day[0]["core_hours"].get<double>()).epsilon(1e-12));

  CHECK(run_jobtrail(db, {"verify"}).exit_code == 0);
}

TEST_CASE("a run reported by both jobcomp and sacct counts once", "[tools][cli][usage]") {
  TempDir dir;
  const std::string jobcomp = kData + "/slurm/alogger-vlsci-bruce-jobcomp.log";
  const std::string sacct = kData + "/slurm/alogger-vlsci-bruce-sacct-p.txt";
  const std::vector<std::string> tz = {"--tz", "Australia/Melbourne", "--cluster", "bruce"};
  auto ingest = [&](const std::string& db, const std::string& kind, const std::string& file) {
    std::vector<std::string> args = {"ingest", kind, file};
    args.insert(args.end(), tz.begin(), tz.end());
    REQUIRE(run_jobtrail(db, args).exit_code == 0);
  };
  ingest(dir / "both", "jobcomp", jobcomp);
  ingest(dir / "both", "sacct", sacct);
  ingest(dir / "sacct", "sacct", sacct);
  json both = json_of(run_jobtrail(dir / "both", {"usage", "--by", "user", "--json"}));
  json alone = json_of(run_jobtrail(dir / "sacct", {"usage", "--by", "user", "--json"}));
  CHECK(both == alone);
  CHECK(sum_of(alone, "core_hours") > 0);
}

TEST_CASE("usage refuses an unknown --by and a bad time with a message", "[tools][cli][usage]") {
  TempDir dir;
  ProcessResult bad_by = run_jobtrail(dir / "db", {"usage", "--by", "colour"});
  CHECK(bad_by.exit_code != 0);
  CHECK(bad_by.err.find("colour") != std::string::npos);
  ProcessResult bad_time = run_jobtrail(dir / "db", {"usage", "--from", "yesterday-ish"});
  CHECK(bad_time.exit_code == 2);
  CHECK(bad_time.err.find("--from") != std::string::npos);
}

TEST_CASE("a run that crosses midnight is split across its days, and a step's row adds nothing",
          "[tools][cli][usage]") {
  TempDir dir;
  const std::string capture = dir / "night.txt";
  {
    std::ofstream out(capture);
    out << "7|7|night|alice|acct|4|2024-03-01T21:00:00|2024-03-01T22:00:00|2024-03-02T02:00:00|"
           "COMPLETED\n"
        << "7.batch|7.batch||alice|acct|4|2024-03-01T21:00:00|2024-03-01T22:00:00|"
           "2024-03-02T02:00:00|COMPLETED\n";
  }
  REQUIRE(run_jobtrail(dir / "db",
                       {"ingest", "sacct", capture, "--tz", "UTC", "--cluster", "c", "--format",
                        "JobID,JobIDRaw,Partition,User,Account,NCPUS,Submit,Start,End,"
                        "State"})
              .exit_code == 0);
  json days = json_of(run_jobtrail(dir / "db", {"usage", "--by", "day", "--json"}));
  REQUIRE(days.size() == 2);
  CHECK(days[0]["day"] == "2024-03-01");
  CHECK(days[0]["core_hours"].get<double>() == Approx(8.0));  // 4 CPUs x 2 h before midnight
  CHECK(days[0]["jobs_ended"] == 0);
  CHECK(days[1]["day"] == "2024-03-02");
  CHECK(days[1]["core_hours"].get<double>() == Approx(8.0));
  CHECK(days[1]["jobs_ended"] == 1);
  json accounts = json_of(run_jobtrail(dir / "db", {"usage", "--by", "account", "--json"}));
  REQUIRE(accounts.size() == 1);
  CHECK(accounts[0]["account"] == "acct");
  CHECK(accounts[0]["core_hours"].get<double>() == Approx(16.0));
}
