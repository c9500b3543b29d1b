// Sources inside `jobtrail serve` (--pbs-dir, --config) and GET /metrics, over real HTTP on
// 127.0.0.1 with the real binary: PBS accounting lines written into a folder while serve runs
// appear in GET /api/jobs; serve killed with SIGKILL while a writer appends and started again
// loses and repeats nothing; /metrics is valid exposition text whose counters move with
// appends and requests, and whose source health follows a folder that is missing, then there.
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <thread>

#include "tools/http_client.h"
#include "tools/serve_process.h"
#include "tools/subprocess.h"

namespace {

using namespace jobtrail::testing;
using nlohmann::json;

// One PBS Q record per job; every kBadEvery-th line is garbage (quarantined).
constexpr int kBadEvery = 29;

std::string pbs_line(int job) {
  if (job % kBadEvery == 0) return "not an accounting line " + std::to_string(job) + "\n";
  return "01/01/2020 03:00:00;Q;" + std::to_string(job) +
         ".srv;queue=q ctime=" + std::to_string(1577847600 + job) + "\n";
}

int good_lines(int jobs) {
  return jobs - jobs / kBadEvery;
}

void append_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << text << std::flush;
}

// Jobs of `cluster` serve lists (at most 1000), or -1 when it does not answer.
int jobs_listed(uint16_t port, const std::string& cluster) {
  auto reply = http_get(port, "/api/jobs?cluster=" + cluster + "&limit=1000");
  if (!reply || reply->status != 200) return -1;
  return static_cast<int>(json::parse(reply->body)["jobs"].size());
}

// Polls (bounded: 20 s) until `cluster` lists `expected` jobs; the last count seen.
int wait_for_jobs(uint16_t port, const std::string& cluster, int expected) {
  int seen = -1;
  for (int i = 0; i < 400 && seen != expected; ++i) {
    seen = jobs_listed(port, cluster);
    if (seen != expected) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return seen;
}

// The samples of an exposition, "name{labels}" -> value; FAILs on any line that is neither a
// comment nor `name{labels} value`.
std::map<std::string, double> parse_exposition(const std::string& text) {
  static const std::regex kSample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})?) (-?[0-9.e+-]+|\+Inf|NaN))");
  static const std::regex kComment(R"(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+)");
  std::map<std::string, double> samples;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    const std::string line = text.substr(start, nl - start);
    std::smatch m;
    if (std::regex_match(line, kComment)) continue;
    INFO(line);
    REQUIRE(std::regex_match(line, m, kSample));
    samples[m[1].str()] = std::stod(m[5].str());
  }
  CHECK(start == text.size());  // the text ends with a newline
  return samples;
}

std::map<std::string, double> scrape(
    uint16_t port, const std::vector<std::pair<std::string, std::string>>& headers) {
  auto reply = http_get(port, "/metrics", headers);
  REQUIRE(reply.has_value());
  REQUIRE(reply->status == 200);
  CHECK(reply->headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8");
  return parse_exposition(reply->body);
}

double sample(const std::map<std::string, double>& samples, const std::string& key) {
  auto it = samples.find(key);
  return it == samples.end() ? -1 : it->second;
}

std::string absolute(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

}  // namespace

TEST_CASE(
    "serve --pbs-dir: lines written into the folder appear in GET /api/jobs without a "
    "restart",
    "[serve][sources][pbs]") {
  TempDir dir;
  const std::string pbs = dir / "accounting";
  std::filesystem::create_directory(pbs);
  std::string first;
  for (int job = 1; job <= 30; ++job) first += pbs_line(job);  // job 29 is garbage
  append_text(pbs + "/20200101", first);
  ServeProcess serve(dir / "db", dir,
                     {"--public-read", "--pbs-dir", pbs, "--pbs-cluster", "pb", "--pbs-tz", "UTC"});
  CHECK(wait_for_jobs(serve.port(), "pb", 29) == 29);
  // A line in two writes: the first half waits for its newline; then a new day's file.
  const std::string next = pbs_line(31);
  append_text(pbs + "/20200101", next.substr(0, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(jobs_listed(serve.port(), "pb") == 29);
  append_text(pbs + "/20200101", next.substr(10));
  append_text(pbs + "/20200102", pbs_line(32) + pbs_line(33));
  CHECK(wait_for_jobs(serve.port(), "pb", 32) == 32);
  auto job = http_get(serve.port(), "/api/jobs/pb/31.srv");
  REQUIRE(job.has_value());
  CHECK(job->status == 200);
  CHECK(json::parse(job->body)["state"] == "PENDING");
  auto metrics = scrape(serve.port(), {});
  CHECK(sample(metrics, R"(jobtrail_quarantined_rows_total{format="pbs-tail"})") == 1);
  CHECK(sample(metrics, "jobtrail_source_up{source=\"pbs/pb:" + absolute(pbs) +
                            "\",cluster=\"pb\",reported_by=\"serve\"}") == 1);
  CHECK(serve.stop() == 0);
  // What serve appended is the log's, for the CLI too.
  CHECK(json::parse(
            run_jobtrail(dir / "db", {"stats", "--json"}).out)["events_by_type"]["JobSubmitted"] ==
        32);
}

TEST_CASE(
    "serve killed with SIGKILL while a PBS folder grows, started again: every record "
    "is in the log once",
    "[serve][sources][pbs][crash]") {
  TempDir dir;
  const std::string pbs = dir / "accounting";
  std::filesystem::create_directory(pbs);
  constexpr int kJobs = 600;
  std::atomic<bool> written{false};
  std::thread writer([&] {
    std::mt19937 random(7);
    for (int job = 1; job <= kJobs; ++job) {
      const std::string file = pbs + (job <= kJobs / 2 ? "/20200101" : "/20200102");
      const std::string line = pbs_line(job);
      const size_t cut = random() % line.size();
      append_text(file, line.substr(0, cut));  // a partial line now and then
      std::this_thread::sleep_for(std::chrono::microseconds(2500));
      append_text(file, line.substr(cut));
      std::this_thread::sleep_for(std::chrono::microseconds(2500));
    }
    written.store(true);
  });
  const std::vector<std::string> args = {"--public-read", "--pbs-dir", pbs, "--pbs-cluster", "pb",
                                         "--pbs-tz",      "UTC"};
  std::mt19937 random(11);
  int kills_while_writing = 0;
  for (int kill = 0; kill < 5; ++kill) {
    ServeProcess serve(dir / "db", dir, args);
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + random() % 400));
    serve.kill_hard();
    kills_while_writing += written.load() ? 0 : 1;
  }
  writer.join();
  CHECK(kills_while_writing >= 3);
  REQUIRE(written.load());
  {
    ServeProcess serve(dir / "db", dir, args);
    CHECK(wait_for_jobs(serve.port(), "pb", good_lines(kJobs)) == good_lines(kJobs));
    CHECK(serve.stop() == 0);
  }
  const json stats = json::parse(run_jobtrail(dir / "db", {"stats", "--json"}).out);
  CHECK(stats["events_by_type"]["JobSubmitted"] == good_lines(kJobs));
  CHECK(stats["events_by_type"]["AccountingRecorded"] == good_lines(kJobs));
  CHECK(stats["quarantined"] == kJobs / kBadEvery);
  CHECK(run_jobtrail(dir / "db", {"verify-log"}).exit_code == 0);
  CHECK(run_jobtrail(dir / "db", {"verify"}).exit_code == 0);
}

TEST_CASE(
    "GET /metrics: valid exposition text; counters move with appends and requests; a "
    "missing folder is a source down until it appears",
    "[serve][metrics][sources]") {
  TempDir dir;
  const std::string token_file = dir / "token";
  append_text(token_file, "s3cret\n");
  const std::vector<std::pair<std::string, std::string>> auth = {
      {"Authorization", "Bearer s3cret"}};
  const std::string missing = dir / "not-yet";
  ServeProcess serve(dir / "db", dir,
                     {"--token-file", token_file, "--pbs-dir", missing, "--pbs-cluster", "pb"});
  // Same access as other reads: a TCP caller without the token is refused.
  auto refused = http_get(serve.port(), "/metrics");
  REQUIRE(refused.has_value());
  CHECK(refused->status == 401);

  const std::string up_key = "jobtrail_source_up{source=\"pbs/pb:" + absolute(missing) +
                             "\",cluster=\"pb\",reported_by=\"serve\"}";
  const std::string restarts_key =
      "jobtrail_source_restarts_total{source=\"pbs/pb:" + absolute(missing) + "\"}";
  std::map<std::string, double> m;
  for (int i = 0; i < 100 && sample(m, restarts_key) < 1; ++i) {  // bounded: 5 s
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    m = scrape(serve.port(), auth);
  }
  CHECK(sample(m, up_key) == 0);
  CHECK(sample(m, restarts_key) >= 1);
  CHECK(sample(m, "jobtrail_log_head_seq") == 0);

  HttpConnection post(serve.port());
  REQUIRE(post.send_request(
      "POST", "/api/events",
      {{"Authorization", "Bearer s3cret"}, {"Content-Type", "application/json"}},
      R"({"type":"JobSubmitted","cluster":"c","job":"77","body":{"user":"alice"}})"));
  auto posted = post.read_reply();
  REQUIRE(posted.has_value());
  CHECK(posted->status == 201);
  for (int i = 0; i < 3; ++i) CHECK(http_get(serve.port(), "/api/jobs/c/77", auth)->status == 200);
  CHECK(http_get(serve.port(), "/api/jobs/c/78", auth)->status == 404);
  m = scrape(serve.port(), auth);
  CHECK(sample(m, R"(jobtrail_events_total{type="JobSubmitted"})") == 1);
  CHECK(sample(m, "jobtrail_log_head_seq") == 1);
  CHECK(sample(m, R"(jobtrail_http_requests_total{route="/api/events",code="201"})") == 1);
  CHECK(
      sample(m, R"(jobtrail_http_requests_total{route="/api/jobs/{cluster}/{job}",code="200"})") ==
      3);
  CHECK(
      sample(m, R"(jobtrail_http_requests_total{route="/api/jobs/{cluster}/{job}",code="404"})") ==
      1);
  CHECK(sample(
            m,
            R"(jobtrail_http_request_duration_seconds_count{route="/api/jobs/{cluster}/{job}"})") ==
        4);
  CHECK(
      sample(
          m,
          R"(jobtrail_http_request_duration_seconds_bucket{route="/api/jobs/{cluster}/{job}",le="+Inf"})") ==
      4);
  CHECK(sample(m, R"(jobtrail_projection_lag_events{projection="jobs"})") == 0);
  CHECK(sample(m, R"(jobtrail_cluster_newest_fact_age_seconds{cluster="c"})") >= 0);

  // The folder appears: the source comes up (its backoff is bounded), no restart of serve.
  std::filesystem::create_directory(missing);
  append_text(missing + "/20200101", pbs_line(1));
  for (int i = 0; i < 300 && sample(m, up_key) != 1; ++i) {  // bounded: 15 s
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    m = scrape(serve.port(), auth);
  }
  CHECK(sample(m, up_key) == 1);
  CHECK(serve.stop() == 0);

  // Counters that come from the log survive a restart.
  ServeProcess again(dir / "db", dir, {"--token-file", token_file});
  m = scrape(again.port(), auth);
  CHECK(sample(m, R"(jobtrail_events_total{type="JobSubmitted"})") == 2);
  CHECK(sample(m, R"(jobtrail_http_requests_total{route="/api/events",code="201"})") == -1);
}

TEST_CASE("serve --config runs the sources a JSON file lists; a bad file or flag is refused",
          "[serve][sources][config]") {
  TempDir dir;
  const std::string pbs = dir / "accounting";
  std::filesystem::create_directory(pbs);
  append_text(pbs + "/20200101", pbs_line(1) + pbs_line(2));
  const std::string config = dir / "sources.json";
  append_text(config, json{{"pbs", {{{"dir", pbs}, {"cluster", "cfg"}, {"tz", "UTC"}}}}}.dump());
  {
    ServeProcess serve(dir / "db", dir, {"--public-read", "--config", config});
    CHECK(wait_for_jobs(serve.port(), "cfg", 2) == 2);
    CHECK(serve.stop() == 0);
  }
  const std::string bad = dir / "bad.json";
  append_text(bad, R"({"pbs": [{"dir": "/x", "colour": "blue"}]})");
  auto refused = run_jobtrail(dir / "db", {"serve", "--listen", "127.0.0.1:0", "--config", bad});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("unknown key \"colour\"") != std::string::npos);
  auto orphan = run_jobtrail(
      dir / "db", {"serve", "--listen", "127.0.0.1:0", "--pbs-cluster", "x", "--pbs-dir", pbs});
  CHECK(orphan.exit_code == 2);
  auto twice = run_jobtrail(
      dir / "db", {"serve", "--listen", "127.0.0.1:0", "--pbs-dir", pbs, "--pbs-dir", pbs});
  CHECK(twice.exit_code == 2);
  CHECK(twice.err.find("configured twice") != std::string::npos);
}

TEST_CASE(
    "a SLURM source whose squeue cannot run is down in /metrics, as serve sees it and as "
    "its SourceStatus in the log says; serve stays up and stops cleanly",
    "[serve][metrics][sources][slurm]") {
  TempDir dir;
  const std::string config = dir / "sources.json";
  append_text(config, json{{"slurm",
                            {{{"cluster", "gone"},
                              {"squeue", dir / "no-such-squeue"},
                              {"sacct", dir / "no-such-sacct"},
                              {"poll_interval_ms", 1000}}}}}
                          .dump());
  ServeProcess serve(dir / "db", dir, {"--public-read", "--config", config});
  const std::string from_serve =
      R"(jobtrail_source_up{source="slurm/gone",cluster="gone",reported_by="serve"})";
  const std::string from_log =
      R"(jobtrail_source_up{source="squeue",cluster="gone",reported_by="log"})";
  std::map<std::string, double> m;
  for (int i = 0; i < 200 && sample(m, from_log) == -1; ++i) {  // bounded: 10 s
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    m = scrape(serve.port(), {});
  }
  CHECK(sample(m, from_serve) == 0);
  CHECK(sample(m, from_log) == 0);
  CHECK(sample(m, R"(jobtrail_events_total{type="SourceStatus"})") == 1);
  CHECK(sample(m,
               R"(jobtrail_source_last_success_age_seconds{source="slurm/gone",cluster="gone"})") ==
        -1);
  // Still answering reads.
  CHECK(http_get(serve.port(), "/api/jobs")->status == 200);
  CHECK(serve.stop() == 0);
}
