// `jobtrail bench http`: GET of one job and of one array through the real server (ServeApp on
// its own thread, 127.0.0.1, keep-alive) at a fixed concurrency, for 200 and for 304 answers.
//
// Method: a fresh database gets `jobs` plain jobs and one array of `array_tasks` tasks (some
// running), appended through the server as a source would. The client (tools/http/
// load_client.h) runs in this process on its own thread with Asio: `connections` keep-alive
// connections, closed loop, each request timed from its write to its answer's last byte.
// Each scenario first sends a warm-up of `connections` x 50 requests (not counted). Every
// scenario is measured twice: with the server's exact answer cache (what serve does), and
// with the cache off (every answer computed from the projections), so both costs show.
// On a 2-core machine the server and the client share the two cores.
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "events/event_builder.h"
#include "tools/commands.h"
#include "tools/http/load_client.h"
#include "tools/serve/serve_app.h"

namespace jobtrail::tools {

namespace {

using nlohmann::json;

// The server on a thread of its own, stopped and joined on destruction.
class RunningServer {
 public:
  explicit RunningServer(std::unique_ptr<ServeApp> app) : app_(std::move(app)) {
    thread_ = std::thread([this] { app_->run(); });
  }
  ~RunningServer() {
    app_->stop();
    thread_.join();
  }
  ServeApp& app() { return *app_; }

 private:
  std::unique_ptr<ServeApp> app_;
  std::thread thread_;
};

Result<std::unique_ptr<ServeApp>> open_app(const std::string& db, bool cache) {
  ServeAppOptions options;
  options.server.listen = "127.0.0.1:0";
  options.log.durability = Durability::kGroupCommit;
  options.api.access.public_read = true;
  if (!cache) options.api.cache_entries_max = 0;  // every answer is computed
  return ServeApp::open(db, options);
}

// `jobs` jobs "1".."jobs", then array 900000 with `tasks` tasks, a tenth of them running.
Status fill(ServeApp& app, uint32_t jobs, uint32_t tasks) {
  EventBuilder builder;
  AppendBatch batch;
  uint64_t identity = 0;
  auto add = [&](const std::string& job, bool running) -> Status {
    EventHeaderFields h;
    h.cluster = "bench";
    h.effective_at_us = h.observed_at_us = 1'700'000'000'000'000 + identity;
    auto key = JobKey::parse(job);
    if (!key.ok()) return key.status();
    h.job = *key;
    h.provenance.source_kind = fb::SourceKind::HTTP_API;
    h.provenance.identity = "bench/" + std::to_string(identity++);
    JobSubmittedFields f;
    f.user = "u" + std::to_string(identity % 50);
    f.name = "bench job";
    auto built = builder.job_submitted(h, f);
    if (!built.ok()) return built.status();
    batch.events.push_back(std::move(built).value());
    if (running) {
      JobStateChangedFields c;
      c.from = fb::JobState::PENDING;
      c.to = fb::JobState::RUNNING;
      h.provenance.ordinal = 1;
      auto changed = builder.job_state_changed(h, c);
      if (!changed.ok()) return changed.status();
      batch.events.push_back(std::move(changed).value());
    }
    if (batch.events.size() < 1000) return Status();
    auto appended = app.append(std::move(batch)).get();
    batch.clear();
    return appended.status();
  };
  for (uint32_t i = 1; i <= jobs; ++i) JT_RETURN_IF_ERROR(add(std::to_string(i), i % 3 == 0));
  for (uint32_t t = 1; t <= tasks; ++t) {
    JT_RETURN_IF_ERROR(add("900000_" + std::to_string(t), t % 10 == 0));
  }
  if (batch.events.empty()) return Status();
  return app.append(std::move(batch)).get().status();
}

std::string request_of(const std::string& target, const std::string& etag) {
  std::string r = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!etag.empty()) r += "If-None-Match: " + etag + "\r\n";
  return r + "\r\n";
}

Result<json> scenario(uint16_t port, const std::string& name, const std::string& request,
                      const BenchHttpOptions& options, unsigned expected_status) {
  http::LoadOptions load;
  load.port = port;
  load.request = request;
  load.connections = options.connections;
  load.requests = uint64_t{options.connections} * 50;
  auto warm = http::run_load(load);
  if (!warm.ok()) return warm.status();
  load.requests = options.requests;
  auto result = http::run_load(load);
  if (!result.ok()) return result.status();
  auto& l = result->latencies_us;
  if (l.empty() || result->errors > 0 || result->statuses.size() != 1 ||
      result->statuses.begin()->first != expected_status) {
    return Status::io_error(name + ": answers were not all " + std::to_string(expected_status) +
                            " (" + std::to_string(result->errors) + " connection errors)");
  }
  std::sort(l.begin(), l.end());
  const auto at = [&](double q) { return l[std::min(l.size() - 1, size_t(q * l.size()))]; };
  json j{{"name", name},
         {"status", expected_status},
         {"requests", result->answers},
         {"seconds", result->seconds},
         {"requests_per_s", result->answers / result->seconds},
         {"p50_us", at(0.50)},
         {"p99_us", at(0.99)},
         {"max_us", l.back()}};
  spdlog::info("{:<24} {:>8.0f} req/s  p50 {:>5} us  p99 {:>5} us", name,
               j["requests_per_s"].get<double>(), at(0.50), at(0.99));
  return j;
}

// 200 and 304 of the job and the array. Without the cache a 304 still computes the answer
// to learn its ETag; it saves only the body on the wire.
Status run_scenarios(uint16_t port, const BenchHttpOptions& options, bool cache, json& out) {
  const std::string job = "/api/jobs/bench/" + std::to_string(options.jobs / 2);
  const std::string array = "/api/arrays/bench/900000";
  for (const auto& [what, target] : {std::pair{"job", job}, {"array", array}}) {
    http::LoadOptions probe{port, request_of(target, ""), 1, 1};
    auto first = http::run_load(probe);
    if (!first.ok()) return first.status();
    const std::string etag = first->last_etag;
    const std::string mode = cache ? "" : " (no cache)";
    auto ok =
        scenario(port, std::string(what) + " 200" + mode, request_of(target, ""), options, 200);
    if (!ok.ok()) return ok.status();
    out.push_back(*ok);
    auto not_modified =
        scenario(port, std::string(what) + " 304" + mode, request_of(target, etag), options, 304);
    if (!not_modified.ok()) return not_modified.status();
    out.push_back(*not_modified);
  }
  return Status();
}

}  // namespace

int run_bench_http(const BenchHttpOptions& options) {
  std::string scratch = options.scratch_dir;
  if (scratch.empty()) {
    char tmpl[] = "/tmp/jobtrail-bench-http-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return 1;
    scratch = tmpl;
  }
  const std::string db = scratch + "/db";
  json scenarios = json::array();
  Status s;
  for (bool cache : {true, false}) {
    auto app = open_app(db, cache);
    if (!app.ok()) {
      s = app.status();
      break;
    }
    RunningServer server(std::move(app).value());
    if (cache) s = fill(server.app(), options.jobs, options.array_tasks);
    if (s.ok()) s = run_scenarios(server.app().port(), options, cache, scenarios);
    if (!s.ok()) break;
  }
  if (options.scratch_dir.empty()) std::filesystem::remove_all(scratch);
  if (!s.ok()) {
    spdlog::error("bench http: {}", s.to_string());
    return 1;
  }
  json out{{"client", "in-process, Asio, one thread, keep-alive, closed loop"},
           {"server", "ServeApp on its own thread (one event loop)"},
           {"cores", std::thread::hardware_concurrency()},
           {"connections", options.connections},
           {"jobs", options.jobs},
           {"array_tasks", options.array_tasks},
           {"scenarios", scenarios}};
  if (options.json) std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace jobtrail::tools
