// The query and replay commands as users call them, on real data: jobs, array, history,
// as-of, audit, rebuild, verify — JSON shapes of the acceptance interface and exit codes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tools/cli_json.h"
#include "tools/subprocess.h"

namespace {

using namespace jobtrail::testing;
using nlohmann::json;

const std::string kData = JOBTRAIL_TEST_DATA_DIR;

// hpc2n plus an AleaNG trace under another cluster: job "12" exists in both.
void import_two_clusters(const std::string& db) {
  REQUIRE(run_jobtrail(
              db, {"ingest", "swf", kData + "/swf/alea-hpc2n-excerpt.swf", "--cluster", "hpc2n"})
              .exit_code == 0);
  REQUIRE(run_jobtrail(db, {"ingest", "swf", kData + "/swf/aleang-ngi_cz-journal-PBSeasy.swf",
                            "--cluster", "ngi"})
              .exit_code == 0);
}

}  // namespace

TEST_CASE("jobs --json lists every job with its key, cluster and canonical state",
          "[tools][cli][projections]") {
  TempDir dir;
  import_two_clusters(dir / "db");
  json jobs = json_of(run_jobtrail(dir / "db", {"jobs", "--json"}));
  REQUIRE(jobs.size() == 3170 + 201);
  CHECK(jobs[0].contains("job"));
  CHECK(jobs[0].contains("cluster"));
  CHECK(jobs[0].contains("state"));
  json running = json_of(
      run_jobtrail(dir / "db", {"jobs", "--json", "--state", "RUNNING", "--cluster", "hpc2n"}));
  for (const auto& j : running) CHECK(j["state"] == "RUNNING");
  CHECK(json_of(run_jobtrail(dir / "db", {"jobs", "--json", "--limit", "5"})).size() == 5);
  CHECK(json_of(run_jobtrail(dir / "db", {"jobs", "--json", "--user", "user_A"})).size() > 0);
  CHECK(run_jobtrail(dir / "db", {"jobs", "--state", "NOPE"}).exit_code == 2);
}

TEST_CASE(
    "history --json gives transitions with from, to and effective_at, and an ambiguous "
    "job asks for --cluster",
    "[tools][cli][projections]") {
  TempDir dir;
  import_two_clusters(dir / "db");
  ProcessResult ambiguous = run_jobtrail(dir / "db", {"history", "12"});
  CHECK(ambiguous.exit_code == 1);
  CHECK(ambiguous.err.find("hpc2n/12") != std::string::npos);
  CHECK(ambiguous.err.find("ngi/12") != std::string::npos);
  json history =
      json_of(run_jobtrail(dir / "db", {"history", "12", "--cluster", "hpc2n", "--json"}));
  REQUIRE(history.size() == 3);
  CHECK(history[0]["from"].is_null());
  CHECK(history[1]["from"] == "PENDING");
  CHECK(history[1]["to"] == "RUNNING");
  CHECK(history[2]["to"] == "COMPLETED");
  CHECK(history[1]["effective_at"] == "2002-08-01T06:09:53Z");
  CHECK(history[1]["source"]["kind"] == "SWF");
  CHECK(history[1]["source"]["line"] == 30);
}

TEST_CASE("as-of answers in the plain command's shape, and --observed sees only what was known",
          "[tools][cli][projections]") {
  TempDir dir;
  import_two_clusters(dir / "db");
  json then = json_of(run_jobtrail(dir / "db", {"as-of", "2002-08-01T06:09:50Z", "history", "12",
                                                "--cluster", "hpc2n", "--json"}));
  REQUIRE(then.size() == 1);
  CHECK(then[0]["to"] == "PENDING");
  json epoch = json_of(run_jobtrail(
      dir / "db", {"as-of", "1028182193", "history", "12", "--cluster", "hpc2n", "--json"}));
  CHECK(epoch.size() == 2);  // 2002-08-01T06:09:53Z as epoch seconds: inclusive
  json jobs = json_of(run_jobtrail(
      dir / "db", {"as-of", "2002-07-28T08:00:00Z", "jobs", "--json", "--cluster", "hpc2n"}));
  CHECK(jobs.size() > 0);
  CHECK(jobs.size() < 3170);
  for (const auto& j : jobs) CHECK(j.contains("state"));
  json known = json_of(
      run_jobtrail(dir / "db", {"as-of", "--observed", "2001-01-01T00:00:00Z", "jobs", "--json"}));
  CHECK(known.empty());
  CHECK(run_jobtrail(dir / "db", {"as-of", "yesterday", "jobs"}).exit_code == 2);
}

TEST_CASE("rebuild and verify agree, and audit prints each fact with its source",
          "[tools][cli][projections]") {
  TempDir dir;
  import_two_clusters(dir / "db");
  CHECK(run_jobtrail(dir / "db", {"verify"}).exit_code == 0);
  CHECK(run_jobtrail(dir / "db", {"rebuild", "jobs"}).exit_code == 0);
  CHECK(run_jobtrail(dir / "db", {"rebuild", "nope"}).exit_code == 2);
  json verify = json_of(run_jobtrail(dir / "db", {"verify", "--json"}));
  CHECK(verify["clean"] == true);
  json audit = json_of(run_jobtrail(dir / "db", {"audit", "12", "--cluster", "ngi", "--json"}));
  REQUIRE(audit.size() == 3);
  CHECK(audit[0]["source"]["kind"] == "SWF");
  CHECK(audit[2]["flags"].is_array());
  ProcessResult rules = run_jobtrail(dir / "db", {"audit", "--rules"});
  CHECK(rules.exit_code == 0);
  CHECK(rules.out.find("terminal-then-active") != std::string::npos);
}

TEST_CASE("array names a missing database or array with a clear error",
          "[tools][cli][projections]") {
  TempDir dir;
  ProcessResult missing_db = run_jobtrail(dir / "nothing", {"array", "1", "--json"});
  CHECK(missing_db.exit_code == 1);
  REQUIRE(run_jobtrail(dir / "db", {"ingest", "swf", kData + "/swf/alea-hpc2n-excerpt.swf"})
              .exit_code == 0);
  ProcessResult no_array = run_jobtrail(dir / "db", {"array", "4193075", "--json"});
  CHECK(no_array.exit_code == 1);
  CHECK(no_array.err.find("no array 4193075") != std::string::npos);
}

TEST_CASE(
    "ingest sacct of real array rows gives per-state counts for the array, read from "
    "a file or from standard input",
    "[tools][cli][projections][slurm]") {
  TempDir dir;
  const std::string format =
      "jobid,jobidraw,cluster,partition,qos,account,group,gid,user,uid,submit,eligible,start,"
      "end,elapsed,exitcode,state,nnodes,ncpus,reqcpus,reqmem,reqtres,alloctres,timelimit,"
      "nodelist,jobname";
  const std::string file = kData + "/slurm/xdmod-unit-accounting-logs-with-job-arrays.sacct.log";
  json summary = json_of(run_jobtrail(dir / "db", {"ingest", "sacct", "--format", format, "--tz",
                                                   "UTC", "--cluster", "ub", file, "--json"}));
  CHECK(summary["records"] == 6);
  CHECK(summary["quarantined"] == 0);
  json array = json_of(run_jobtrail(dir / "db", {"array", "4103947", "--json"}));
  CHECK(array["total"] == 17);
  CHECK(array["states"]["TIMEOUT"] == 17);
  json tasks = json_of(run_jobtrail(dir / "db", {"jobs", "--json", "--array", "4103947"}));
  CHECK(tasks.size() == 6);
  CHECK(run_jobtrail(dir / "db", {"verify"}).exit_code == 0);

  // The same rows through standard input ("-") into another cluster.
  TempDir io;
  std::vector<std::string> args = {JOBTRAIL_BINARY, "--db",      dir / "db", "ingest",
                                   "sacct",         "--format",  format,     "--tz",
                                   "UTC",           "--cluster", "ub2",      "-"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, file.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, (io / "err").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  CHECK(wait_exit_code(pid) == 0);
  json piped =
      json_of(run_jobtrail(dir / "db", {"array", "4103947", "--cluster", "ub2", "--json"}));
  CHECK(piped["total"] == 17);
}

TEST_CASE(
    "squeue snapshots are diffed against the ledger: only changes become events, an "
    "array remainder shrinks as tasks start, and A-B-A is a requeue, not a duplicate",
    "[tools][cli][projections][slurm]") {
  TempDir dir;
  const std::string format = "%i|%t|%j|%u|%V|%S|%r";
  auto write = [&](const std::string& name, const std::string& text) {
    return write_text_file(dir / name, text);
  };
  const std::string s1 = write("s1",
                               "100|PD|sim|alice|2026-01-01T10:00:00|N/A|Priority\n"
                               "101_[1-4]|PD|sweep|bob|2026-01-01T10:00:00|N/A|Resources\n");
  const std::string s2 = write("s2",
                               "100|R|sim|alice|2026-01-01T10:00:00|2026-01-01T10:05:00|None\n"
                               "101_1|R|sweep|bob|2026-01-01T10:00:00|2026-01-01T10:06:00|None\n"
                               "101_[2-4]|PD|sweep|bob|2026-01-01T10:00:00|N/A|Resources\n");
  auto poll = [&](const std::string& file, const std::string& at) {
    return json_of(
        run_jobtrail(dir / "db", {"ingest", "squeue", "--format", format, "--tz", "UTC",
                                  "--cluster", "c", "--observed-at", at, file, "--json"}));
  };
  poll(s1, "2026-01-01T10:01:00Z");
  const json second = poll(s2, "2026-01-01T10:07:00Z");
  CHECK(poll(s2, "2026-01-01T10:07:00Z")["events_appended"] == 0);  // the same poll again
  CHECK(poll(s2, "2026-01-01T10:08:00Z")["events_appended"] == 0);  // nothing changed
  json array = json_of(run_jobtrail(dir / "db", {"array", "101", "--json"}));
  CHECK(array["total"] == 4);
  CHECK(array["states"]["RUNNING"] == 1);
  CHECK(array["states"]["PENDING"] == 3);

  poll(s1, "2026-01-01T10:09:00Z");  // job 100 is pending again: requeued
  json history = json_of(run_jobtrail(dir / "db", {"history", "100", "--json"}));
  REQUIRE(history.size() == 3);
  CHECK(history[1]["to"] == "RUNNING");
  CHECK(history[1]["effective_at"] == "2026-01-01T10:05:00Z");
  CHECK(history[1]["effective_basis"] == "REPORTED");
  CHECK(history[2]["from"] == "RUNNING");
  CHECK(history[2]["to"] == "PENDING");
  CHECK(history[2]["effective_at"] == "2026-01-01T10:09:00Z");
  CHECK(history[2]["effective_basis"] == "OBSERVED");
  CHECK(run_jobtrail(dir / "db", {"verify"}).exit_code == 0);
  CHECK(second["quarantined"] == 0);
}
