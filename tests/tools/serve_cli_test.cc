// `jobtrail serve` and `jobtrail tail` as users run them: the real binary on a free port of
// 127.0.0.1 (started and stopped by PID), the acceptance interface's shapes, and tail -f
// following an import that runs beside it.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tools/http_client.h"
#include "tools/serve_process.h"
#include "tools/subprocess.h"

namespace {

using namespace jobtrail::testing;
using nlohmann::json;

const std::string kData = JOBTRAIL_TEST_DATA_DIR;

}  // namespace

TEST_CASE("serve answers GET /api/jobs/{cluster}/{job} with job, state, seq and an ETag",
          "[serve][cli]") {
  TempDir dir;
  const std::string db = dir / "db";
  REQUIRE(run_jobtrail(
              db, {"ingest", "swf", kData + "/swf/alea-hpc2n-excerpt.swf", "--cluster", "hpc2n"})
              .exit_code == 0);
  ServeProcess serve(db, dir);
  auto reply = http_get(serve.port(), "/api/jobs/hpc2n/2");
  REQUIRE(reply.has_value());
  CHECK(reply->status == 200);
  json j = json::parse(reply->body);
  CHECK(j["job"] == "2");
  CHECK(j["state"] == "COMPLETED");
  CHECK(j["seq"] == 9);  // job 2: submitted, started, ended, its raw record: seqs 6-9
  CHECK(reply->headers["etag"] == "\"9\"");
  CHECK(http_get(serve.port(), "/api/jobs/hpc2n/2", {{"If-None-Match", "\"9\""}})->status == 304);
  // The API and the CLI render a job the same way.
  auto cli = run_jobtrail(db, {"jobs", "--json", "--limit", "2"});
  json from_cli = json::parse(cli.out)[1];
  j.erase("seq");
  CHECK(from_cli == j);
  // serve holds the writer lock: an import meanwhile is refused, queries still answer.
  CHECK(run_jobtrail(db,
                     {"ingest", "swf", kData + "/swf/alea-hpc2n-excerpt.swf", "--cluster", "other"})
            .exit_code != 0);
  CHECK(run_jobtrail(db, {"history", "2", "--json"}).exit_code == 0);
  CHECK(serve.stop() == 0);
}

TEST_CASE("serve creates a new database folder readable by its owner only", "[serve][cli]") {
  TempDir dir;
  const std::string db = dir / "fresh";
  ServeProcess serve(db, dir);
  struct stat st {};
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  json j = json::parse(http_get(serve.port(), "/api/jobs")->body);
  CHECK(j["jobs"].empty());
  CHECK(j["seq"] == 0);
}

TEST_CASE("tail prints events from a seq then the caught-up marker", "[tail][cli]") {
  TempDir dir;
  const std::string db = dir / "db";
  REQUIRE(run_jobtrail(
              db, {"ingest", "swf", kData + "/swf/alea-hpc2n-excerpt.swf", "--cluster", "hpc2n"})
              .exit_code == 0);
  auto tail = run_jobtrail(db, {"tail", "--from", "12650", "--json"});
  REQUIRE(tail.exit_code == 0);
  std::istringstream lines(tail.out);
  std::vector<json> got;
  for (std::string line; std::getline(lines, line);) got.push_back(json::parse(line));
  REQUIRE(got.size() == 8);  // 12650..12656 and the marker
  CHECK(got.front()["seq"] == 12650);
  CHECK(got[6]["seq"] == 12656);
  CHECK(got.back() == json{{"id", -1}, {"seq", 12656}});
  // Default: the last 10 events.
  auto plain = run_jobtrail(db, {"tail"});
  CHECK(plain.out.find("12647  ") == 0);
  CHECK(plain.out.find("-- caught up at seq 12656 --") != std::string::npos);
}

TEST_CASE("tail -f follows events another process appends", "[tail][cli]") {
  TempDir dir;
  const std::string db = dir / "db";
  REQUIRE(
      run_jobtrail(db, {"ingest", "swf", kData + "/swf/alea-hpc2n-excerpt.swf", "--cluster", "one"})
          .exit_code == 0);
  pid_t tail = spawn_process(
      {JOBTRAIL_BINARY, "--db", db, "tail", "-f", "--from", "12656", "--json", "--poll-ms", "50"},
      dir / "tail.out", dir / "tail.err");
  REQUIRE(tail > 0);
  // The other process starts appending only once tail has caught up, so the marker's seq is
  // the head before that import (bounded: 200 tries, 25 ms apart).
  bool caught_up = false;
  for (int i = 0; i < 200 && !caught_up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    caught_up = read_file(dir / "tail.out").find("{\"id\":-1,") != std::string::npos;
  }
  REQUIRE(caught_up);
  REQUIRE(
      run_jobtrail(db, {"ingest", "swf", kData + "/swf/alea-hpc2n-excerpt.swf", "--cluster", "two"})
          .exit_code == 0);
  bool seen = false;
  // Bounded: 200 tries, 50 ms apart.
  for (int i = 0; i < 200 && !seen; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    seen = read_file(dir / "tail.out").find("\"seq\":25312") != std::string::npos;
  }
  ::kill(tail, SIGTERM);
  wait_exit_code(tail);
  INFO(read_file(dir / "tail.err"));
  CHECK(seen);
  const std::string out = read_file(dir / "tail.out");
  // The marker after the backlog (event 12656), then the other process's events in order.
  CHECK(out.find("{\"id\":-1,\"seq\":12656}") != std::string::npos);
  CHECK(out.find("\"seq\":12657") > out.find("{\"id\":-1,\"seq\":12656}"));
}

TEST_CASE("serve --token-file: the token with its whitespace trimmed opens reads and writes",
          "[serve][cli]") {
  TempDir dir;
  const std::string token_file = dir / "token";
  {
    std::FILE* f = std::fopen(token_file.c_str(), "w");
    std::fputs("  tok-123\n\n", f);
    std::fclose(f);
  }
  ServeProcess serve(dir / "db", dir, {"--token-file", token_file});
  CHECK(http_get(serve.port(), "/api/jobs")->status == 401);
  CHECK(http_get(serve.port(), "/api/jobs", {{"Authorization", "Bearer tok-123"}})->status == 200);
  HttpConnection post(serve.port());
  REQUIRE(post.send_request(
      "POST", "/api/events",
      {{"Authorization", "Bearer tok-123"}, {"Content-Type", "application/json"}},
      R"({"type":"JobSubmitted","cluster":"web","job":"5","body":{"user":"ann"}})"));
  auto created = post.read_reply();
  REQUIRE(created.has_value());
  CHECK(created->status == 201);
  auto job = http_get(serve.port(), "/api/jobs/web/5", {{"Authorization", "Bearer tok-123"}});
  CHECK(json::parse(job->body)["state"] == "PENDING");
  CHECK(serve.stop() == 0);
  // The event is in the log for the CLI too, once serve has let go of it.
  CHECK(run_jobtrail(dir / "db", {"history", "5", "--json"}).exit_code == 0);
}

TEST_CASE("bench http prints req/s and p50/p99 for 200 and 304 of a job and an array",
          "[bench][cli]") {
  TempDir dir;
  auto r = run_process({JOBTRAIL_BINARY, "bench", "http", "--json", "--connections", "2",
                        "--requests", "300", "--jobs", "50", "--array-tasks", "20"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out);
  std::vector<std::string> names;
  for (const auto& s : j["scenarios"]) {
    names.push_back(s["name"]);
    CHECK(s["requests"] == 300);
    CHECK(s["requests_per_s"].get<double>() > 0);
    CHECK(s["p50_us"].get<uint32_t>() <= s["p99_us"].get<uint32_t>());
  }
  CHECK(names == std::vector<std::string>{"job 200", "job 304", "array 200", "array 304",
                                          "job 200 (no cache)", "job 304 (no cache)",
                                          "array 200 (no cache)", "array 304 (no cache)"});
}

TEST_CASE("serve answers a job's raw records, dependencies and usage as the CLI does",
          "[serve][cli][records][usage]") {
  TempDir dir;
  const std::string db = dir / "db";
  const std::string jobcomp = kData + "/slurm/alogger-vlsci-bruce-jobcomp.log";
  REQUIRE(run_jobtrail(db, {"ingest", "jobcomp", jobcomp, "--cluster", "bruce", "--tz",
                            "Australia/Melbourne"})
              .exit_code == 0);
  const json cli_records = json::parse(run_jobtrail(db, {"record", "1670440", "--json"}).out);
  const json cli_usage = json::parse(run_jobtrail(db, {"usage", "--by", "user", "--json"}).out);
  ServeProcess serve(db, dir);
  auto records = http_get(serve.port(), "/api/jobs/bruce/1670440/records");
  REQUIRE(records.has_value());
  REQUIRE(records->status == 200);
  json body = json::parse(records->body);
  REQUIRE(body["records"].size() == 1);
  CHECK(body["records"][0]["raw"] == cli_records[0]["raw"]);
  CHECK(body["records"][0]["raw"].get<std::string>().rfind("JobId=1670440.bruce-m ", 0) == 0);
  CHECK(records->headers["etag"] == "\"" + std::to_string(body["seq"].get<uint64_t>()) + "\"");
  auto usage = http_get(serve.port(), "/api/usage?by=user");
  REQUIRE(usage.has_value());
  REQUIRE(usage->status == 200);
  CHECK(json::parse(usage->body)["usage"] == cli_usage);
  auto deps = http_get(serve.port(), "/api/jobs/bruce/1670440/deps");
  REQUIRE(deps.has_value());
  REQUIRE(deps->status == 200);
  json graph = json::parse(deps->body);
  CHECK(graph["job"] == "1670440");
  CHECK(graph["can_run"] == true);  // it declared no dependency
  CHECK(graph["depends_on"].empty());
  auto bad = http_get(serve.port(), "/api/usage?by=colour");
  REQUIRE(bad.has_value());
  CHECK(bad->status == 400);
}
