// Test fixture for `serve`: the real ServeApp (ledger, stream, router, Beast server) over a
// real database in a temp folder, serving 127.0.0.1 on a free port from a thread of its own,
// and terse builders for the batches a source would hand it ("submit c/4 as alice").
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "events/event_builder.h"
#include "tools/http_client.h"
#include "tools/serve/serve_app.h"
#include "tools/subprocess.h"

namespace jobtrail::testing {

class ServeFixture {
 public:
  explicit ServeFixture(tools::ServeAppOptions options = {}) {
    options.server.listen = "127.0.0.1:0";
    // Reads need no token unless a test sets one up (tests/tools/serve/access_test.cc).
    if (options.api.access.token.empty()) options.api.access.public_read = true;
    auto app = tools::ServeApp::open(dir_ / "db", options);
    INFO(app.status().to_string());
    REQUIRE(app.ok());
    app_ = std::move(app).value();
    thread_ = std::thread([this] { app_->run(); });
  }
  ~ServeFixture() {
    app_->stop();
    thread_.join();
  }

  uint16_t port() const { return app_->port(); }
  tools::ServeApp& app() { return *app_; }
  std::string db() const { return dir_ / "db"; }

  // Appends through the server's loop, as a source inside serve does; the new last seq.
  uint64_t append(AppendBatch batch) {
    auto result = app_->append(std::move(batch)).get();
    INFO(result.status().to_string());
    REQUIRE(result.ok());
    return result->last_new_seq;
  }

  AppendBatch submit(const std::string& cluster, const std::string& job, const std::string& user,
                     int64_t at_s) {
    JobSubmittedFields f;
    f.user = user;
    f.submit_at_us = at_s * 1'000'000;
    f.name = "job " + job;
    return one(builder_.job_submitted(header(cluster, job, at_s), f));
  }

  AppendBatch change(const std::string& cluster, const std::string& job, fb::JobState from,
                     fb::JobState to, int64_t at_s) {
    JobStateChangedFields f;
    f.from = from;
    f.to = to;
    f.raw_state = job_state_name(to);
    return one(builder_.job_state_changed(header(cluster, job, at_s), f));
  }

  // `count` submissions of jobs "<first>".."<first + count - 1>", each with a long name (so
  // that a stream of them fills socket buffers quickly).
  AppendBatch many(const std::string& cluster, int first, int count) {
    AppendBatch batch;
    for (int i = 0; i < count; ++i) {
      JobSubmittedFields f;
      f.user = "bulk";
      f.name = std::string(400, 'x');
      auto built = builder_.job_submitted(header(cluster, std::to_string(first + i), 1000 + i), f);
      REQUIRE(built.ok());
      batch.events.push_back(std::move(built).value());
    }
    return batch;
  }

 private:
  EventHeaderFields header(const std::string& cluster, const std::string& job, int64_t at_s) {
    EventHeaderFields h;
    h.effective_at_us = at_s * 1'000'000;
    h.observed_at_us = at_s * 1'000'000;
    h.cluster = cluster;
    auto key = JobKey::parse(job);
    REQUIRE(key.ok());
    h.job = *key;
    h.provenance.source_kind = fb::SourceKind::HTTP_API;
    h.provenance.identity = "serve-test/" + std::to_string(next_identity_++);
    return h;
  }

  static AppendBatch one(Result<BuiltEvent> built) {
    INFO(built.status().to_string());
    REQUIRE(built.ok());
    AppendBatch batch;
    batch.events.push_back(std::move(built).value());
    return batch;
  }

  TempDir dir_;
  std::unique_ptr<tools::ServeApp> app_;
  std::thread thread_;
  EventBuilder builder_;
  uint64_t next_identity_ = 0;
};

// c/1 RUNNING (alice), c/2 PENDING (bob), c/3 COMPLETED (alice), array c/100 with tasks 1-3,
// d/1 PENDING (carol). Returns the head seq.
inline uint64_t seed_jobs(ServeFixture& f) {
  f.append(f.submit("c", "1", "alice", 100));
  f.append(f.submit("c", "2", "bob", 110));
  f.append(f.submit("c", "3", "alice", 120));
  f.append(f.change("c", "1", fb::JobState::PENDING, fb::JobState::RUNNING, 200));
  f.append(f.change("c", "3", fb::JobState::PENDING, fb::JobState::RUNNING, 210));
  f.append(f.change("c", "3", fb::JobState::RUNNING, fb::JobState::COMPLETED, 300));
  for (int task = 1; task <= 3; ++task) {
    f.append(f.submit("c", "100_" + std::to_string(task), "alice", 400));
  }
  f.append(f.change("c", "100_2", fb::JobState::PENDING, fb::JobState::RUNNING, 500));
  return f.append(f.submit("d", "1", "carol", 600));
}

inline nlohmann::json body_json(const std::optional<HttpReply>& reply) {
  REQUIRE(reply.has_value());
  INFO(reply->body);
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  REQUIRE(!j.is_discarded());
  return j;
}

}  // namespace jobtrail::testing
