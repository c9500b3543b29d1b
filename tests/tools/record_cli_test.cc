// `record JOB`: a job's original records back, byte for byte, in the order they were read; and
// `bench records` reports its ratio.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tools/subprocess.h"

namespace {

using namespace jobtrail::testing;
using nlohmann::json;

const std::string kData = JOBTRAIL_TEST_DATA_DIR;

void must_run(const std::string& db, const std::vector<std::string>& args) {
  ProcessResult r = run_jobtrail(db, args);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
}

// The line of `path` that starts with `prefix` (the record as written).
std::string line_starting(const std::string& path, const std::string& prefix) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  for (int i = 0; i < 1'000'000 && std::getline(in, line); ++i) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  FAIL("no line starting with " << prefix << " in " << path);
  return {};
}

}  // namespace

TEST_CASE(
    "record --raw gives back a job's records from every source byte for byte, in the order "
    "they were read",
    "[tools][cli][records]") {
  TempDir dir;
  const std::string db = dir / "db";
  const std::string jobcomp = kData + "/slurm/alogger-vlsci-bruce-jobcomp.log";
  const std::string sacct = kData + "/slurm/alogger-vlsci-bruce-sacct-p.txt";
  must_run(db, {"ingest", "jobcomp", jobcomp, "--cluster", "bruce", "--tz", "Australia/Melbourne"});
  must_run(db, {"ingest", "sacct", sacct, "--cluster", "bruce", "--tz", "Australia/Melbourne"});
  ProcessResult raw = run_jobtrail(db, {"record", "1670440", "--raw"});
  REQUIRE(raw.exit_code == 0);
  CHECK(raw.out == line_starting(jobcomp, "JobId=1670440.bruce-m ") + "\n" +
                       line_starting(sacct, "bruce|1670440|") + "\n");

  ProcessResult listed = run_jobtrail(db, {"record", "1670440", "--json"});
  REQUIRE(listed.exit_code == 0);
  json records = json::parse(listed.out);
  REQUIRE(records.size() == 2);
  CHECK(records[0]["format"] == "JOBCOMP");
  CHECK(records[1]["format"] == "SACCT_PARSABLE");
  CHECK(records[1]["origin"] == sacct);
  CHECK(records[1]["raw"] == line_starting(sacct, "bruce|1670440|"));
}

TEST_CASE(
    "a sacct job's step rows are kept with the job, bytes that are not UTF-8 and a CR included, "
    "and an unknown job is a clear error",
    "[tools][cli][records]") {
  TempDir dir;
  const std::string db = dir / "db";
  const std::string capture = dir / "steps.txt";
  const std::string job =
      "1853|1853|normal|alice|1|2024-01-02T03:04:05|2024-01-02T03:04:06|"
      "2024-01-02T03:05:06|COMPLETED|0:0|caf\xe9";
  const std::string batch =
      "1853.batch|1853.batch||alice|1|2024-01-02T03:04:05|"
      "2024-01-02T03:04:06|2024-01-02T03:05:06|COMPLETED|0:0|batch\r";
  const std::string step0 =
      "1853.0|1853.0||alice|1|2024-01-02T03:04:05|2024-01-02T03:04:06|"
      "2024-01-02T03:05:00|COMPLETED|0:0|hostname";
  {
    std::ofstream out(capture, std::ios::binary);
    out << job << "\n" << batch << "\n" << step0 << "\n";
  }
  must_run(db, {"ingest", "sacct", capture, "--cluster", "c", "--tz", "UTC", "--format",
                "JobID,JobIDRaw,Partition,User,NCPUS,Submit,Start,End,State,ExitCode,JobName"});
  ProcessResult raw = run_jobtrail(db, {"record", "1853", "--raw"});
  REQUIRE(raw.exit_code == 0);
  CHECK(raw.out == job + "\n" + batch + "\n" + step0 + "\n");
  json records = json::parse(run_jobtrail(db, {"record", "1853", "--json"}).out);
  REQUIRE(records.size() == 3);
  CHECK(records[0]["step"] == "");
  CHECK(records[1]["step"] == "batch");
  CHECK(records[2]["step"] == "0");

  ProcessResult missing = run_jobtrail(db, {"record", "999"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("no job 999") != std::string::npos);
}

TEST_CASE("bench records --json reports the ratio against gzip per record, goals met",
          "[tools][cli][records][bench]") {
  TempDir dir;
  ProcessResult r = run_jobtrail(dir / "db", {"bench", "records", "--json"});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  json out = json::parse(r.out);
  // Sizes, not speeds: the same bytes compress to the same sizes on every machine.
  CHECK(out["ratio"].get<double>() >= 2.0);
  CHECK(out["raw_ratio"].get<double>() >= 4.0);
  CHECK(out["files"].size() >= 10);
}

TEST_CASE("record --raw of a PBS job: an exact key wins, 6 is not 6.edge.ccr.buffalo.edu",
          "[tools][cli][records]") {
  TempDir dir;
  const std::string db = dir / "db";
  const std::string log = kData + "/pbs/xdmod-unit-pbs-accounting-logs.log";
  must_run(db, {"ingest", "pbs", log, "--cluster", "ccr"});
  ProcessResult six = run_jobtrail(db, {"record", "6", "--raw"});
  REQUIRE(six.exit_code == 0);
  CHECK(six.out == line_starting(log, "12/21/2009 15:27:00;E;6;") + "\n");
  ProcessResult edge = run_jobtrail(db, {"record", "6.edge.ccr.buffalo.edu", "--raw"});
  REQUIRE(edge.exit_code == 0);
  CHECK(edge.out == line_starting(log, "12/21/2009 15:27:00;E;6.edge.ccr.buffalo.edu;") + "\n");
}
