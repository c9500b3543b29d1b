// `jobtrail ingest pbs` on the three real PBS logs, then the queries a user runs on them:
// verify, jobs, history (an exact key match wins: "6" is not "6.edge.ccr.buffalo.edu"), audit.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "tools/subprocess.h"

namespace {

using namespace jobtrail::testing;
using nlohmann::json;

const std::string kPbs = std::string(JOBTRAIL_TEST_DATA_DIR) + "/pbs/";

json run_json(const std::string& db, std::vector<std::string> args) {
  args.push_back("--json");
  ProcessResult r = run_jobtrail(db, args);
  INFO("stdout: " << r.out.substr(0, 300) << "\nstderr: " << r.err.substr(0, 300));
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out, nullptr, false);
  REQUIRE(!j.is_discarded());
  return j;
}

}  // namespace

TEST_CASE("ingest pbs imports the real logs; verify, jobs, history and audit agree",
          "[tools][pbs]") {
  TempDir dir;
  const std::string db = dir / "db";
  json torque = run_json(db, {"ingest", "pbs", kPbs + "alogger-vpac-tango-torque.log", "--tz",
                              "Australia/Melbourne", "--cluster", "tango"});
  CHECK(torque["records"] == 57);
  CHECK(torque["quarantined"] == 0);
  json openpbs = run_json(db, {"ingest", "pbs", kPbs + "fairsharesim-cesnet-openpbs.log", "--tz",
                               "Europe/Prague", "--cluster", "cesnet"});
  CHECK(openpbs["records"] == 654);
  json xdmod = run_json(
      db, {"ingest", "pbs", kPbs + "xdmod-unit-pbs-accounting-logs.log", "--cluster", "xdmod"});
  CHECK(xdmod["records"] == 9);
  json again = run_json(
      db, {"ingest", "pbs", kPbs + "xdmod-unit-pbs-accounting-logs.log", "--cluster", "xdmod"});
  CHECK(again["events_appended"] == 0);

  CHECK(run_json(db, {"verify"})["clean"] == true);

  json cesnet = run_json(db, {"jobs", "--cluster", "cesnet"});
  CHECK(cesnet.size() == 200);
  for (const json& job : cesnet) CHECK(job["state"] == "COMPLETED");

  json tango = run_json(db, {"jobs", "--cluster", "tango"});
  std::map<std::string, json> by_job;
  for (const json& job : tango) by_job[job["job"]] = job;
  const json& deleted = by_job.at("942363.tango-m.vpac.org");
  CHECK(deleted["state"] == "CANCELLED");
  CHECK(deleted["user"] == "philipn");
  CHECK(deleted["partition"] == "run_3_days");
  CHECK(by_job.at("942356.tango-m.vpac.org")["state"] == "PENDING");  // queued, nothing more

  json six = run_json(db, {"history", "6"});
  REQUIRE(six.size() == 3);
  CHECK(six[0]["source"]["line"] == 2);  // the bare "6", not line 1's 6.edge.ccr.buffalo.edu
  CHECK(six[2]["to"] == "COMPLETED");
  json edge = run_json(db, {"history", "6.edge.ccr.buffalo.edu"});
  REQUIRE(edge.size() == 3);
  CHECK(edge[0]["source"]["line"] == 1);

  for (const std::string job : {"942363.tango-m.vpac.org", "942260.tango-m.vpac.org",
                                "3073070.[hostname_1]", "112461.torque1.grid.cesnet.cz"}) {
    json audit = run_json(db, {"audit", job});
    for (const json& fact : audit) {
      INFO(job << ": " << fact.dump());
      CHECK(fact["impossible"] == false);
    }
  }
}

TEST_CASE("ingest pbs with an unknown zone is refused with a message", "[tools][pbs]") {
  TempDir dir;
  ProcessResult r = run_jobtrail(
      dir / "db",
      {"ingest", "pbs", kPbs + "xdmod-unit-pbs-accounting-logs.log", "--tz", "Mars/Base"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("Mars/Base") != std::string::npos);
}
