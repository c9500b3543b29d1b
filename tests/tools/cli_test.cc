// The jobtrail binary as users call it: exit codes, the --json output contract (stdout holds
// only the JSON document), and clear errors. Runs the real binary on real data.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "events/event_log.h"
#include "tools/subprocess.h"

namespace {

using namespace jobtrail::testing;
using nlohmann::json;

const std::string kData = JOBTRAIL_TEST_DATA_DIR;

json parse_stdout(const ProcessResult& r) {
  INFO("stdout: " << r.out.substr(0, 300) << "\nstderr: " << r.err.substr(0, 300));
  json j = json::parse(r.out, nullptr, false);
  REQUIRE(!j.is_discarded());
  return j;
}

}  // namespace

TEST_CASE("an import with quarantined lines exits 0 and reports the count on stderr",
          "[tools][cli]") {
  TempDir dir;
  ProcessResult r = run_jobtrail(
      dir / "db",
      {"ingest", "swf", kData + "/swf/alea-wagap-2013.ext-swf.gz", "--cluster", "wagap"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err.find("2 lines quarantined") != std::string::npos);

  json stats = parse_stdout(run_jobtrail(dir / "db", {"stats", "--json"}));
  CHECK(stats["quarantined"] == 2);
  CHECK(stats["head_seq"].get<uint64_t>() > 50'000);
  CHECK(stats["events_by_type"]["ClusterRegistered"] == 1);

  json quarantined = parse_stdout(run_jobtrail(dir / "db", {"quarantine", "--json"}));
  REQUIRE(quarantined.size() == 2);
  CHECK(quarantined[0]["line"] == 4186);
  CHECK(quarantined[0]["reason"].get<std::string>().find("run time") != std::string::npos);
}

TEST_CASE("every --json command prints exactly one JSON document on stdout", "[tools][cli]") {
  TempDir dir;
  json summary =
      parse_stdout(run_jobtrail(dir / "db", {"ingest", "swf", kData + "/swf/alea-hpc2n-excerpt.swf",
                                             "--cluster", "hpc2n", "--json"}));
  CHECK(summary["records"] == 3170);
  CHECK(summary["events_appended"] == summary["head_seq"]);

  json events =
      parse_stdout(run_jobtrail(dir / "db", {"log", "--from", "2", "--limit", "3", "--json"}));
  REQUIRE(events.size() == 3);
  CHECK(events[0]["seq"] == 2);
  CHECK(events[0]["type"] == "JobSubmitted");
  CHECK(events[0]["job"] == "1");
  CHECK(events[0]["cluster"] == "hpc2n");
  CHECK(events[0]["effective_at"] == "2002-07-28T07:04:05Z");
  CHECK(events[0]["provenance"]["line"] == 24);
  CHECK(events[1]["body"]["from"] == "PENDING");
  CHECK(events[1]["body"]["to"] == "RUNNING");

  json verify = parse_stdout(run_jobtrail(dir / "db", {"verify-log", "--json"}));
  CHECK(verify["clean"] == true);
  CHECK(verify["events_checked"] == summary["head_seq"]);
}

TEST_CASE("re-importing a trace leaves head_seq where it was", "[tools][cli]") {
  TempDir dir;
  const std::vector<std::string> import = {"ingest", "swf", kData + "/swf/alea-hpc2n-excerpt.swf"};
  REQUIRE(run_jobtrail(dir / "db", import).exit_code == 0);
  const auto head = parse_stdout(run_jobtrail(dir / "db", {"stats", "--json"}))["head_seq"];
  REQUIRE(run_jobtrail(dir / "db", import).exit_code == 0);
  CHECK(parse_stdout(run_jobtrail(dir / "db", {"stats", "--json"}))["head_seq"] == head);
  CHECK(run_jobtrail(dir / "db", {"verify-log"}).exit_code == 0);
}

TEST_CASE("an unreadable file or a missing database is a non-zero exit with a clear message",
          "[tools][cli]") {
  TempDir dir;
  ProcessResult missing_file = run_jobtrail(dir / "db", {"ingest", "swf", dir / "no-such.swf"});
  CHECK(missing_file.exit_code == 1);
  CHECK(missing_file.err.find("no-such.swf") != std::string::npos);

  ProcessResult missing_db = run_jobtrail(dir / "nothing-here", {"stats", "--json"});
  CHECK(missing_db.exit_code == 1);
  CHECK(missing_db.out.empty());
  CHECK(missing_db.err.find("no jobtrail database") != std::string::npos);

  ProcessResult usage = run_jobtrail(dir / "db", {"ingest", "swf"});
  CHECK(usage.exit_code != 0);
}

TEST_CASE("a second writer is refused naming the lock, while readers still answer",
          "[tools][cli]") {
  TempDir dir;
  REQUIRE(run_jobtrail(dir / "db", {"ingest", "swf", kData + "/swf/alea-hpc2n-excerpt.swf"})
              .exit_code == 0);
  auto writer = jobtrail::EventLog::open(dir / "db", jobtrail::EventLogOptions{});
  REQUIRE(writer.ok());

  ProcessResult second =
      run_jobtrail(dir / "db", {"ingest", "swf", kData + "/swf/aleang-ngi_cz-journal-PBSeasy.swf"});
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("LOCK") != std::string::npos);

  json stats = parse_stdout(run_jobtrail(dir / "db", {"stats", "--json"}));
  CHECK(stats["head_seq"] == (*writer)->head());
  CHECK(run_jobtrail(dir / "db", {"verify-log"}).exit_code == 0);
}
