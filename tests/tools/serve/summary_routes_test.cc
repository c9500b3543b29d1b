// The read routes the web page needs beyond the per-job ones, over real HTTP: the cluster
// overview, the array list and the wait times, each with seq + ETag, 304 and their 4xx answers
// (access_test.cc checks that a unix-socket user's overview counts their own jobs only).
#include <catch2/catch.hpp>

#include "ingest/slurm/poll_state.h"
#include "tools/serve/serve_fixture.h"

namespace {

using namespace jobtrail;
using namespace jobtrail::testing;
using fb::JobState;
using nlohmann::json;

// seed_jobs (serve_fixture.h), then c/4 (bob) waits 10 s and times out at 4000, c/5 (alice)
// waits 1000 s and fails at 5000. Cluster c: 1 and 100_2 RUNNING, 2, 100_1 and 100_3 PENDING,
// 3 COMPLETED, 4 TIMEOUT, 5 FAILED. Returns the head seq.
uint64_t seed(ServeFixture& f) {
  seed_jobs(f);
  f.append(f.submit("c", "4", "bob", 130));
  f.append(f.submit("c", "5", "alice", 150));
  f.append(f.change("c", "4", JobState::PENDING, JobState::RUNNING, 140));
  f.append(f.change("c", "4", JobState::RUNNING, JobState::TIMEOUT, 4000));
  f.append(f.change("c", "5", JobState::PENDING, JobState::RUNNING, 1150));
  return f.append(f.change("c", "5", JobState::RUNNING, JobState::FAILED, 5000));
}

json cluster_named(const json& overview, const std::string& name) {
  for (const auto& c : overview["clusters"]) {
    if (c["cluster"] == name) return c;
  }
  FAIL("no cluster " << name << " in " << overview.dump());
  return {};
}

}  // namespace

TEST_CASE("GET /api/clusters counts jobs by state per cluster and lists the newest failures",
          "[serve][api][summary]") {
  ServeFixture f;
  const uint64_t head = seed(f);
  auto reply = http_get(f.port(), "/api/clusters");
  json j = body_json(reply);
  CHECK(reply->status == 200);
  CHECK(j["seq"] == head);
  CHECK(reply->headers["etag"] == "\"" + std::to_string(head) + "\"");
  json c = cluster_named(j, "c");
  CHECK(c["jobs"] == 8);  // 5 jobs and 3 array tasks
  CHECK(c["running"] == 2);
  CHECK(c["pending"] == 3);
  CHECK(c["states"]["FAILED"] == 1);
  CHECK(c["states"]["TIMEOUT"] == 1);
  CHECK(c["arrays"] == 1);
  CHECK(c["source"].is_null());  // no SLURM poller feeds it
  REQUIRE(c["recent_failures"].size() == 2);
  CHECK(c["recent_failures"][0]["job"] == "5");  // ended at 5000: newest first
  CHECK(c["recent_failures"][0]["state"] == "FAILED");
  CHECK(c["recent_failures"][1]["job"] == "4");
  CHECK(cluster_named(j, "d")["pending"] == 1);

  CHECK(http_get(f.port(), "/api/clusters", {{"If-None-Match", reply->headers["etag"]}})->status ==
        304);
  f.append(f.change("c", "2", JobState::PENDING, JobState::RUNNING, 700));
  auto after = http_get(f.port(), "/api/clusters", {{"If-None-Match", reply->headers["etag"]}});
  CHECK(after->status == 200);
  CHECK(cluster_named(body_json(after), "c")["running"] == 3);

  json only = body_json(http_get(f.port(), "/api/clusters?cluster=d"));
  REQUIRE(only["clusters"].size() == 1);
  CHECK(only["clusters"][0]["cluster"] == "d");
  CHECK(http_get(f.port(), "/api/clusters?bogus=1")->status == 400);
}

TEST_CASE("GET /api/arrays lists every array's per-state counts, paged, by cluster",
          "[serve][api][summary]") {
  ServeFixture f;
  seed(f);
  f.append(f.submit("c", "200_1", "bob", 800));
  f.append(f.submit("d", "300_1", "carol", 900));
  json all = body_json(http_get(f.port(), "/api/arrays"));
  REQUIRE(all["arrays"].size() == 3);
  CHECK(all["next"].is_null());
  json first = all["arrays"][0];
  CHECK(first["cluster"] == "c");
  CHECK(first["array"] == "100");
  CHECK(first["total"] == 3);
  CHECK(first["states"]["PENDING"] == 2);
  CHECK(first["states"]["RUNNING"] == 1);

  json page = body_json(http_get(f.port(), "/api/arrays?limit=2"));
  REQUIRE(page["arrays"].size() == 2);
  REQUIRE(page["next"] == "c/200");
  json rest = body_json(http_get(f.port(), "/api/arrays?limit=2&after=c/200"));
  REQUIRE(rest["arrays"].size() == 1);
  CHECK(rest["arrays"][0]["array"] == "300");
  CHECK(rest["next"].is_null());

  json d = body_json(http_get(f.port(), "/api/arrays?cluster=d"));
  REQUIRE(d["arrays"].size() == 1);
  CHECK(d["arrays"][0]["cluster"] == "d");
  CHECK(http_get(f.port(), "/api/arrays?after=nocursor")->status == 400);
  CHECK(http_get(f.port(), "/api/arrays?limit=0")->status == 400);
  CHECK(http_get(f.port(), "/api/arrays?tasks=true")->status == 400);
}

TEST_CASE("GET /api/wait-times gives exact percentiles, buckets and groups of submit-to-start",
          "[serve][api][summary]") {
  ServeFixture f;
  const uint64_t head = seed(f);
  auto reply = http_get(f.port(), "/api/wait-times?cluster=c");
  json j = body_json(reply);
  CHECK(j["seq"] == head);
  // Started: 1 (100 s), 3 (90 s), 4 (10 s), 5 (1000 s), 100_2 (100 s).
  CHECK(j["count"] == 5);
  CHECK(j["pending"] == 3);
  CHECK(j["p50_s"] == 100);
  CHECK(j["p90_s"] == 1000);
  CHECK(j["max_s"] == 1000);
  CHECK(j["mean_s"].get<double>() == Approx(260.0));
  REQUIRE(j["buckets"].size() == 9);
  CHECK(j["buckets"][0]["count"] == 1);  // < 1 min: job 4
  CHECK(j["buckets"][1]["count"] == 3);  // 1-10 min: 1, 3 and 100_2
  CHECK(j["buckets"][2]["count"] == 1);  // 10-60 min: 5
  CHECK(j["buckets"][8]["lt_s"].is_null());

  json by_user = body_json(http_get(f.port(), "/api/wait-times?cluster=c&by=user"));
  REQUIRE(by_user["groups"].size() == 2);
  CHECK(by_user["groups"][0]["key"] == "alice");  // 4 waits, the larger group first
  CHECK(by_user["groups"][0]["count"] == 4);
  CHECK(by_user["groups"][1]["key"] == "bob");
  CHECK(by_user["groups"][1]["p50_s"] == 10);

  json by_day = body_json(http_get(f.port(), "/api/wait-times?by=day&limit=1"));
  REQUIRE(by_day["groups"].size() == 1);
  CHECK(by_day["groups"][0]["key"] == "1970-01-01");
  CHECK(by_day["groups_truncated"] == false);

  json since = body_json(http_get(f.port(), "/api/wait-times?cluster=c&since=125"));
  CHECK(since["count"] == 3);  // 4 (submitted at 130), 5 (150) and 100_2 (400)

  CHECK(http_get(f.port(), "/api/wait-times?by=colour")->status == 400);
  CHECK(http_get(f.port(), "/api/wait-times?since=yesterday-ish")->status == 400);
  CHECK(http_get(f.port(), "/api/wait-times?limit=5000")->status == 400);
  CHECK(
      http_get(f.port(), "/api/wait-times", {{"If-None-Match", reply->headers["etag"]}})->status ==
      304);
}

TEST_CASE("GET /api/clusters shows the SLURM poller's source health from its checkpoint",
          "[serve][api][summary]") {
  ServeFixture f;
  ingest::slurm::PollState state;
  state.polls = 12;
  state.last_success_us = 1'000'000'000'000'000;  // 1e9 s
  state.health["squeue"] = {true, false,
                            "exit 1: squeue: error: Unable to contact slurm controller"};
  state.health["sacct"] = {true, true, ""};
  AppendBatch batch = f.submit("c", "1", "alice", 100);
  batch.checkpoints.push_back(
      {ingest::slurm::checkpoint_key("c"), ingest::slurm::encode_poll_state(state)});
  f.append(std::move(batch));
  f.append(f.submit("d", "1", "bob", 100));

  json j = body_json(http_get(f.port(), "/api/clusters"));
  json source = cluster_named(j, "c")["source"];
  CHECK(source["kind"] == "slurm-poll");
  CHECK(source["polls"] == 12);
  CHECK(source["last_success_at"] == "2001-09-09T01:46:40Z");
  REQUIRE(source["health"].size() == 2);
  CHECK(source["health"][0] == json{{"source", "sacct"}, {"up", true}, {"error", ""}});
  CHECK(source["health"][1]["source"] == "squeue");
  CHECK(source["health"][1]["up"] == false);
  CHECK(source["health"][1]["error"].get<std::string>().find("Unable to contact") !=
        std::string::npos);
  CHECK(cluster_named(j, "d")["source"].is_null());  // imported, no poller
}
