// `jobtrail ingest sacct --json` and `ingest squeue --json` on the real slurmrestd documents
// (data/slurm/slurmweb-slurmrestd/24.05/0.0.41): the same jobs give the same history as the
// text forms of the same jobs (written here field by field from the documents, as sacct
// --parsable2 and squeue -o would print them in UTC); a re-import appends nothing; a document
// that is not JSON fails whole (exit 1); a bad job entry is quarantined and the rest imported.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tools/subprocess.h"

namespace {

using namespace jobtrail::testing;
using nlohmann::json;

const std::string kRestd =
    std::string(JOBTRAIL_TEST_DATA_DIR) + "/slurm/slurmweb-slurmrestd/24.05/0.0.41/";

ProcessResult run_jobtrail(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {JOBTRAIL_BINARY, "--db", db});
  return run_process(args);
}

json run_json(const std::string& db, std::vector<std::string> args) {
  args.push_back("--json");
  ProcessResult r = run_jobtrail(db, args);
  INFO("stdout: " << r.out.substr(0, 300) << "\nstderr: " << r.err.substr(0, 600));
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out, nullptr, false);
  REQUIRE(!j.is_discarded());
  return j;
}

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir / name;
  std::ofstream(path) << text;
  return path;
}

// A job's transitions, reduced to what the two forms must agree on (not their provenance).
json comparable_history(const std::string& db, const std::string& job) {
  json out = json::array();
  for (const json& e : run_json(db, {"history", job, "--cluster", "hpc"})) {
    json kept;
    for (const char* key : {"event",
                            "effective_basis",
                            "raw_state",
                            "from",
                            "to",
                            "effective_at",
                            "exit_code",
                            "signal",
                            "state",
                            "submit_at",
                            "cpus_requested",
                            "nodes_requested",
                            "memory_requested_bytes",
                            "time_limit_s",
                            "user",
                            "account",
                            "partition",
                            "name",
                            "reason",
                            "nodes",
                            "changes"}) {
      if (e.contains(key)) kept[key] = e[key];
    }
    out.push_back(kept);
  }
  return out;
}

const char kSacctFormat[] =
    "jobid,jobidraw,cluster,partition,qos,account,group,user,submit,eligible,start,end,elapsed,"
    "exitcode,state,nnodes,ncpus,reqcpus,reqmem,alloctres,timelimit,nodelist,jobname";

TEST_CASE("ingest sacct --json gives the same history as the sacct text rows of the same jobs",
          "[tools][slurm]") {
  TempDir dir;
  const std::string text = write(
      dir, "sacct.txt",
      "649718|649718|hpc|batch|normal|acoustic|scientists|tpearson|2025-05-20T15:21:08|"
      "2025-05-20T15:21:08|2025-05-20T15:21:09|2025-05-20T15:21:10|00:00:01|0:0|COMPLETED|1|1|1|"
      "512Mc|cpu=1,mem=512M,node=1,billing=1|00:01:00|cn001|wrap\n"
      "649717|649717|hpc|batch|normal|optic|scientists|ksoto|2025-05-20T15:21:05|"
      "2025-05-20T15:21:05|2025-05-20T15:21:06|2025-05-20T15:22:29|00:01:23|0:0|TIMEOUT|1|1|1|"
      "512Mc|cpu=1,mem=512M,node=1,billing=1|00:01:00|cn001|wrap\n");
  json from_text = run_json(dir / "text", {"ingest", "sacct", text, "--format", kSacctFormat,
                                           "--tz", "UTC", "--cluster", "hpc"});
  CHECK(from_text["records"] == 2);
  for (const char* file : {"slurmdb-job-completed.json", "slurmdb-job-timeout.json"}) {
    json summary = run_json(dir / "json", {"ingest", "sacct", kRestd + file, "--cluster", "hpc",
                                           "--tz", "Europe/Paris"});
    CHECK(summary["records"] == 1);
    CHECK(summary["quarantined"] == 0);
    CHECK(summary["events_appended"].get<int>() > 0);
    json again = run_json(dir / "json", {"ingest", "sacct", kRestd + file, "--cluster", "hpc"});
    CHECK(again["events_appended"] == 0);
  }
  for (const char* job : {"649718", "649717"}) {
    INFO(job);
    const json a = comparable_history(dir / "json", job);
    CHECK(a.size() == 3);
    CHECK(a == comparable_history(dir / "text", job));
  }
  json history = run_json(dir / "json", {"history", "649718", "--cluster", "hpc"});
  CHECK(history[0]["source"]["offset"] == 0);  // the job's index in the document
  // The raw record is the job entry (steps included) as compact JSON.
  ProcessResult record = run_jobtrail(dir / "json", {"record", "649718", "--cluster", "hpc"});
  CHECK(record.exit_code == 0);
  CHECK(record.out.find("SACCT_JSON") != std::string::npos);
  CHECK(record.out.find("\"id\":\"649718.batch\"") != std::string::npos);
  CHECK(run_json(dir / "json", {"verify"})["clean"] == true);
}

TEST_CASE("ingest squeue --json gives the same jobs as the squeue text rows of the same jobs",
          "[tools][slurm]") {
  TempDir dir;
  const std::string text =
      write(dir, "squeue.txt",
            "649717|TIMEOUT|wrap|ksoto|scientists|optic|batch|normal|2025-05-20T15:21:05|"
            "2025-05-20T15:21:06|2025-05-20T15:22:29|TimeLimit|cn001|1|1|1:00|454\n"
            "649722|RUNNING|wrap|ksoto|scientists|optic|batch|normal|2025-05-20T15:21:17|"
            "2025-05-20T15:21:18|2025-05-20T15:23:18|None|cn001|1|1|2:00|454\n"
            "649730|PENDING|wrap|tmcgrath|scientists|admin|batch|normal|2025-05-20T15:21:34|"
            "2025-05-20T16:21:34|2025-05-20T16:22:34|BeginTime||1|64|1:00|909\n");
  // The document's last_update, the default observation time of a JSON snapshot.
  const std::string observed = "1747754565";
  json from_text =
      run_json(dir / "text", {"ingest", "squeue", text, "--format",
                              "%i|%T|%j|%u|%g|%a|%P|%q|%V|%S|%e|%r|%N|%D|%C|%l|%Q", "--tz", "UTC",
                              "--cluster", "hpc", "--observed-at", observed});
  CHECK(from_text["records"] == 3);
  json summary =
      run_json(dir / "json", {"ingest", "squeue", kRestd + "slurm-jobs.json", "--cluster", "hpc"});
  CHECK(summary["records"] == 14);
  CHECK(summary["quarantined"] == 0);
  json again =
      run_json(dir / "json", {"ingest", "squeue", kRestd + "slurm-jobs.json", "--cluster", "hpc"});
  CHECK(again["events_appended"] == 0);
  // slurmrestd's later one-job answers (last_update one second on) are new polls of
  // unchanged jobs: the differ finds nothing to write.
  for (const char* file : {"slurm-job-running.json", "slurm-job-pending.json"}) {
    json later = run_json(dir / "json", {"ingest", "squeue", kRestd + file, "--cluster", "hpc"});
    CHECK(later["records"] == 1);
    CHECK(later["events_appended"] == 0);
  }
  for (const char* job : {"649717", "649722", "649730"}) {
    INFO(job);
    const json a = comparable_history(dir / "json", job);
    CHECK(!a.empty());
    CHECK(a == comparable_history(dir / "text", job));
  }
  json jobs = run_json(dir / "json", {"jobs", "--cluster", "hpc"});
  CHECK(jobs.size() == 14);
  CHECK(run_json(dir / "json", {"verify"})["clean"] == true);
}

TEST_CASE("a JSON document that does not parse fails whole with exit 1 and appends nothing",
          "[tools][slurm]") {
  TempDir dir;
  const std::string bad = write(dir, "bad.json", "{\"jobs\": [{\"job_id\": 1,");
  for (const char* kind : {"sacct", "squeue"}) {
    ProcessResult r = run_jobtrail(dir / "db", {"ingest", kind, bad, "--json"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("not a JSON document") != std::string::npos);
  }
  ProcessResult no_format = run_jobtrail(dir / "db", {"ingest", "squeue", bad});
  CHECK(no_format.exit_code == 2);
}

TEST_CASE("a bad job entry in a JSON document is quarantined and the others are imported",
          "[tools][slurm]") {
  TempDir dir;
  const std::string doc = write(dir, "jobs.json",
                                R"({"jobs": [
        {"job_id": 10, "state": {"current": "COMPLETED"}, "user": "ana", "nodes": "n1",
         "time": {"submission": 1672574000, "start": 1672574060, "end": 1672574130,
                  "elapsed": 70}},
        {"job_id": 11, "state": {"current": "COMPLETED"}, "time": {"start": "soon"}},
        {"job_id": 12, "state": {"current": "FAILED"}, "user": "ana", "nodes": "n2",
         "exit_code": {"status": "FAILED", "return_code": 3},
         "time": {"submission": 1672574000, "start": 1672574060, "end": 1672574130,
                  "elapsed": 70}}]})");
  json summary = run_json(dir / "db", {"ingest", "sacct", doc, "--cluster", "hpc"});
  CHECK(summary["records"] == 2);
  CHECK(summary["quarantined"] == 1);
  json quarantined = run_json(dir / "db", {"quarantine"});
  REQUIRE(quarantined.size() == 1);
  const std::string dump = quarantined[0].dump();
  CHECK(dump.find("time.start") != std::string::npos);
  CHECK(dump.find("job entry 1") != std::string::npos);
  json failed = run_json(dir / "db", {"history", "12", "--cluster", "hpc"});
  REQUIRE(failed.size() >= 3);
  CHECK(failed[2]["to"] == "FAILED");
  CHECK(failed[2]["exit_code"] == 3);
  CHECK(run_jobtrail(dir / "db", {"history", "11", "--cluster", "hpc"}).exit_code != 0);
}

}  // namespace
