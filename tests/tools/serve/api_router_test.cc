// The read API over real HTTP on 127.0.0.1: every route, its seq and ETag, 304s, pages and
// the 4xx answers to bad requests.
#include <catch2/catch.hpp>

#include "tools/serve/serve_fixture.h"

namespace {

using namespace jobtrail;
using namespace jobtrail::testing;
using fb::JobState;
using nlohmann::json;

}  // namespace

TEST_CASE("GET one job answers the job with the seq of its last event as body seq and ETag",
          "[serve][api]") {
  ServeFixture f;
  seed_jobs(f);
  auto reply = http_get(f.port(), "/api/jobs/c/1");
  json j = body_json(reply);
  CHECK(reply->status == 200);
  CHECK(j["job"] == "1");
  CHECK(j["cluster"] == "c");
  CHECK(j["state"] == "RUNNING");
  CHECK(j["seq"] == 4);  // the change to RUNNING, not the head
  CHECK(reply->headers["etag"] == "\"4\"");
  CHECK(reply->headers["content-type"] == "application/json");

  SECTION("an unknown job is 404 with a JSON message") {
    auto missing = http_get(f.port(), "/api/jobs/c/999");
    CHECK(missing->status == 404);
    CHECK(body_json(missing)["error"].get<std::string>().find("999") != std::string::npos);
  }
}

TEST_CASE("If-None-Match with the current ETag gets 304 until that job changes, not others",
          "[serve][api]") {
  ServeFixture f;
  seed_jobs(f);
  auto one = http_get(f.port(), "/api/jobs/c/1");
  auto two = http_get(f.port(), "/api/jobs/c/2");
  const std::string etag_one = one->headers["etag"], etag_two = two->headers["etag"];
  auto again = http_get(f.port(), "/api/jobs/c/1", {{"If-None-Match", etag_one}});
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  CHECK(!again->has("content-length"));
  CHECK(again->headers["etag"] == etag_one);
  CHECK(http_get(f.port(), "/api/jobs/c/1", {{"If-None-Match", "\"1\", W/" + etag_one}})->status ==
        304);

  const uint64_t changed = f.append(f.change("c", "1", JobState::RUNNING, JobState::FAILED, 700));
  auto after = http_get(f.port(), "/api/jobs/c/1", {{"If-None-Match", etag_one}});
  CHECK(after->status == 200);
  CHECK(after->headers["etag"] == "\"" + std::to_string(changed) + "\"");
  CHECK(body_json(after)["state"] == "FAILED");
  // Job 2 did not change: its answer is still not modified.
  CHECK(http_get(f.port(), "/api/jobs/c/2", {{"If-None-Match", etag_two}})->status == 304);
  // Lists carry the applied seq: the change made their ETag move.
  auto list = http_get(f.port(), "/api/jobs");
  CHECK(list->headers["etag"] == "\"" + std::to_string(changed) + "\"");
  CHECK(body_json(list)["seq"] == changed);
}

TEST_CASE("GET /api/jobs filters by state, user, cluster, array and since, in pages",
          "[serve][api]") {
  ServeFixture f;
  const uint64_t head = seed_jobs(f);
  auto jobs_of = [&](const std::string& query) {
    json j = body_json(http_get(f.port(), "/api/jobs" + query));
    CHECK(j["seq"] == head);
    std::vector<std::string> keys;
    for (const auto& job : j["jobs"]) {
      keys.push_back(job["cluster"].get<std::string>() + "/" + job["job"].get<std::string>());
    }
    return keys;
  };
  using V = std::vector<std::string>;
  CHECK(jobs_of("?state=RUNNING") == V{"c/1", "c/100_2"});
  CHECK(jobs_of("?user=alice&state=COMPLETED") == V{"c/3"});
  CHECK(jobs_of("?cluster=d") == V{"d/1"});
  CHECK(jobs_of("?array=100") == V{"c/100_1", "c/100_2", "c/100_3"});
  CHECK(jobs_of("?since=1970-01-01T00:08:00Z") == V{"c/100_2", "d/1"});

  json page = body_json(http_get(f.port(), "/api/jobs?limit=3"));
  CHECK(page["jobs"].size() == 3);
  REQUIRE(page["next"].is_string());
  V all;
  // Bounded: 7 jobs at 3 a page.
  for (int i = 0; i < 5 && page["next"].is_string(); ++i) {
    page =
        body_json(http_get(f.port(), "/api/jobs?limit=3&after=" + page["next"].get<std::string>()));
    for (const auto& job : page["jobs"]) all.push_back(job["job"].get<std::string>());
  }
  CHECK(all.size() == 4);  // the 7 jobs less the first page
  CHECK(page["next"].is_null());
}

TEST_CASE("history and audit of a job, with the job's last seq as their ETag", "[serve][api]") {
  ServeFixture f;
  seed_jobs(f);
  auto history = http_get(f.port(), "/api/jobs/c/3/history");
  json h = body_json(history);
  CHECK(history->headers["etag"] == "\"6\"");
  CHECK(h["seq"] == 6);
  REQUIRE(h["history"].size() == 3);
  CHECK(h["history"][0]["event"] == "submitted");
  CHECK(h["history"][2]["to"] == "COMPLETED");
  CHECK(h["history"][2]["source"]["kind"] == "HTTP_API");

  json a = body_json(http_get(f.port(), "/api/jobs/c/3/audit"));
  CHECK(a["seq"] == 6);
  REQUIRE(a["audit"].size() == 3);
  CHECK(a["audit"][1]["impossible"] == false);
  CHECK(http_get(f.port(), "/api/jobs/c/3/nope")->status == 404);
}

TEST_CASE("GET one array answers its per-state counts with its last event's seq", "[serve][api]") {
  ServeFixture f;
  seed_jobs(f);
  auto reply = http_get(f.port(), "/api/arrays/c/100?tasks=true");
  json j = body_json(reply);
  CHECK(j["array"] == "100");
  CHECK(j["total"] == 3);
  CHECK(j["states"]["PENDING"] == 2);
  CHECK(j["states"]["RUNNING"] == 1);
  CHECK(j["seq"] == 10);
  CHECK(reply->headers["etag"] == "\"10\"");
  CHECK(j["tasks"].size() == 3);
  CHECK(http_get(f.port(), "/api/arrays/c/100", {{"If-None-Match", "\"10\""}})->status == 304);
  CHECK(http_get(f.port(), "/api/arrays/c/555")->status == 404);
}

TEST_CASE("GET /api/events pages through the log from a seq", "[serve][api]") {
  ServeFixture f;
  const uint64_t head = seed_jobs(f);
  json j = body_json(http_get(f.port(), "/api/events?from=2&limit=3"));
  CHECK(j["seq"] == head);
  REQUIRE(j["events"].size() == 3);
  CHECK(j["events"][0]["seq"] == 2);
  CHECK(j["events"][2]["seq"] == 4);
  CHECK(j["next_from"] == 5);
  json end = body_json(http_get(f.port(), "/api/events?from=" + std::to_string(head + 1)));
  CHECK(end["events"].empty());
}

TEST_CASE("GET /api/as-of answers jobs, an array and a history at a past moment", "[serve][api]") {
  ServeFixture f;
  seed_jobs(f);
  // At t=250 s: c/1 RUNNING, c/3 RUNNING (completed at 300), c/2 PENDING; nothing else yet.
  json jobs = body_json(http_get(f.port(), "/api/as-of?t=250&what=jobs&cluster=c"));
  std::map<std::string, std::string> states;
  for (const auto& j : jobs["jobs"]) states[j["job"]] = j["state"];
  CHECK(states ==
        std::map<std::string, std::string>{{"1", "RUNNING"}, {"2", "PENDING"}, {"3", "RUNNING"}});
  json history = body_json(http_get(f.port(), "/api/as-of?t=250&what=history&job=3&cluster=c"));
  CHECK(history["history"].size() == 2);
  json array = body_json(http_get(f.port(), "/api/as-of?t=450&what=array&id=100&cluster=c"));
  CHECK(array["array"]["states"]["PENDING"] == 3);
  CHECK(http_get(f.port(), "/api/as-of?t=450&what=nothing")->status == 400);
  CHECK(http_get(f.port(), "/api/as-of?what=jobs")->status == 400);
  CHECK(http_get(f.port(), "/api/as-of?t=yesterday&what=jobs")->status == 400);
}

TEST_CASE("bad requests get a 4xx with a JSON message and the server goes on",
          "[serve][api][errors]") {
  ServeFixture f;
  seed_jobs(f);
  struct Case {
    std::string target;
    int status;
  };
  for (const Case& c : {Case{"/nothing", 404}, Case{"/api/unknown", 404},
                        Case{"/api/jobs?colour=red", 400}, Case{"/api/jobs?state=SLEEPY", 400},
                        Case{"/api/jobs?limit=0", 400}, Case{"/api/jobs?limit=abc", 400},
                        Case{"/api/jobs?limit=100000", 400}, Case{"/api/jobs?since=soon", 400},
                        Case{"/api/jobs?after=nocluster", 400}, Case{"/api/jobs/c/%G1", 400},
                        Case{"/api/events?from=-1", 400}, Case{"/api/stream?from=x", 400}}) {
    INFO(c.target);
    auto reply = http_get(f.port(), c.target);
    REQUIRE(reply.has_value());
    CHECK(reply->status == c.status);
    CHECK(body_json(reply).contains("error"));
  }
  HttpConnection post(f.port());
  REQUIRE(post.send_request("DELETE", "/api/jobs/c/1"));
  auto denied = post.read_reply();
  CHECK(denied->status == 405);
  CHECK(body_json(denied).contains("error"));
  CHECK(http_get(f.port(), "/api/jobs/c/1")->status == 200);
}

TEST_CASE("percent-encoded job keys reach their job", "[serve][api]") {
  ServeFixture f;
  f.append(f.submit("c", "7_[1-3]", "alice", 100));
  auto reply = http_get(f.port(), "/api/jobs/c/7_%5B1-3%5D");
  CHECK(reply->status == 200);
  CHECK(body_json(reply)["job"] == "7_[1-3]");
}
