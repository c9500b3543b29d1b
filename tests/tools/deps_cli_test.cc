// `deps JOB` on squeue captures with a Dependency column (%E), written in squeue's own format.
#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "tools/cli_json.h"
#include "tools/subprocess.h"

namespace {

using namespace jobtrail::testing;
using nlohmann::json;

}  // namespace

TEST_CASE(
    "deps from squeue polls shows targets, waiters and why not, and status suffixes or "
    "dropped entries are no new declaration",
    "[tools][cli][deps]") {
  TempDir dir;
  const std::string format = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %E";
  auto write = [&](const std::string& name, const std::string& text) {
    return write_text_file(dir / name, text);
  };
  const std::string s1 =
      write("s1",
            "             JOBID PARTITION     NAME     USER ST       TIME  NODES DEPENDENCY\n"
            "               101     batch     prep    alice  R       0:05      1 (null)\n"
            "               102     batch      sim    alice PD       0:00      1 "
            "afterok:101(unfulfilled)\n"
            "               103     batch     post    alice PD       0:00      1 "
            "afterany:102(unfulfilled),afterok:101(unfulfilled)\n");
  const std::string s2 = write(
      "s2",
      "             JOBID PARTITION     NAME     USER ST       TIME  NODES DEPENDENCY\n"
      "               102     batch      sim    alice PD       0:00      1 afterok:101(failed)\n"
      "               103     batch     post    alice PD       0:00      1 "
      "afterany:102(unfulfilled)\n");
  auto poll = [&](const std::string& file, const std::string& at) {
    return json_of(
        run_jobtrail(dir / "db", {"ingest", "squeue", "--format", format, "--tz", "UTC",
                                  "--cluster", "c", "--observed-at", at, file, "--json"}));
  };
  poll(s1, "2026-01-01T10:00:00Z");
  json d103 = json_of(run_jobtrail(dir / "db", {"deps", "103", "--json"}));
  CHECK(d103["job"] == "103");
  CHECK(d103["cluster"] == "c");
  CHECK(d103["can_run"] == false);
  REQUIRE(d103["depends_on"].size() == 2);
  CHECK(d103["depends_on"][0]["kind"] == "afterany");
  CHECK(d103["depends_on"][0]["target"] == "102");
  CHECK(d103["depends_on"][0]["target_state"] == "PENDING");
  CHECK(d103["depends_on"][0]["status"] == "pending");
  CHECK(d103["depends_on"][0]["raw"] == "afterany:102(unfulfilled)");
  CHECK(d103["depends_on"][1]["target_state"] == "RUNNING");
  CHECK(d103["why_not"].size() == 2);
  CHECK(d103["seq"].get<uint64_t>() > 0);

  json d101 = json_of(run_jobtrail(dir / "db", {"deps", "101", "--json"}));
  CHECK(d101["can_run"] == true);
  CHECK(d101["depends_on"].empty());
  REQUIRE(d101["dependents"].size() == 2);
  CHECK(d101["dependents"][0]["job"] == "102");
  CHECK(d101["dependents"][1]["job"] == "103");

  // 101 failed (squeue forgot it; sacct would tell): 102's "(failed)" is SLURM's view only,
  // and 103's list lost its satisfied entry. Neither is a new declaration.
  CHECK(poll(s2, "2026-01-01T10:05:00Z")["events_appended"] == 0);
  CHECK(json_of(run_jobtrail(dir / "db", {"deps", "103", "--json"}))["depends_on"].size() == 2);

  const ProcessResult text = run_jobtrail(dir / "db", {"deps", "102"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("afterok:101(unfulfilled)") != std::string::npos);
  CHECK(run_jobtrail(dir / "db", {"deps", "999"}).exit_code == 1);
}

TEST_CASE("a malformed dependency column quarantines the row, and the import goes on",
          "[tools][cli][deps]") {
  TempDir dir;
  FILE* f = std::fopen((dir / "q").c_str(), "wb");
  REQUIRE(f != nullptr);
  std::fputs("1|R|(null)\n2|PD|afterbogus:1\n3|PD|afterok:1\n", f);
  std::fclose(f);
  json r = json_of(run_jobtrail(dir / "db", {"ingest", "squeue", "--format", "%i|%t|%E",
                                             "--cluster", "c", dir / "q", "--json"}));
  CHECK(r["quarantined"] == 1);
  CHECK(json_of(run_jobtrail(dir / "db", {"deps", "1", "--json"}))["dependents"].size() == 1);
}
