// Test fixture for projections: a real EventLog in a temp folder, events built tersely
// ("submit 5_3 at t=100"), and the persistent engine over the default projections.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "events/event_builder.h"
#include "events/event_log.h"
#include "projections/engine.h"
#include "projections/projection_set.h"
#include "projections/state_source.h"

namespace jobtrail::testing {

class FoldFixture {
 public:
  FoldFixture() {
    char tmpl[] = "/tmp/jobtrail-projections-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    reopen_log();
  }
  ~FoldFixture() {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  EventLog& log() { return *log_; }
  // Closes the log (so a test can change its database behind it) and opens it again.
  void close_log() { log_.reset(); }
  void reopen_log() {
    auto log = EventLog::open(dir_ + "/db", EventLogOptions{});
    REQUIRE(log.ok());
    log_ = std::move(log).value();
  }
  const std::string& dir() const { return dir_; }

  // Times are seconds from an arbitrary origin; observed_at defaults to effective_at.
  void submit(const std::string& job, int64_t at_s, const std::string& cluster = "c",
              const std::string& user = "alice") {
    JobSubmittedFields f;
    f.user = user;
    f.submit_at_us = at_s * 1'000'000;
    f.name = "job " + job;
    append(builder_.job_submitted(header(cluster, job, at_s), f));
  }

  void change(const std::string& job, fb::JobState from, fb::JobState to, int64_t at_s,
              const std::string& cluster = "c", int64_t observed_s = -1, int32_t exit_code = -1) {
    JobStateChangedFields f;
    f.from = from;
    f.to = to;
    f.exit_code = exit_code;
    f.raw_state = job_state_name(to);
    append(builder_.job_state_changed(header(cluster, job, at_s, observed_s), f));
  }

  void fields(const std::string& job, std::vector<FieldChangeFields> changes, int64_t at_s,
              const std::string& cluster = "c") {
    append(builder_.job_fields_updated(header(cluster, job, at_s), changes));
  }

  // An array declared with its task ranges (a PBS or ssync-style declaration; the job key is
  // the array's parent or remainder form).
  void declare(const std::string& job, std::vector<TaskRange> tasks, int64_t at_s,
               uint32_t max_running = 0, const std::string& cluster = "c") {
    ArrayDeclaredFields f;
    f.name = "declared " + job;
    f.user = "bob";
    f.script = "run.sh";
    f.tasks = std::move(tasks);
    f.max_running = max_running;
    f.submit_at_us = at_s * 1'000'000;
    append(builder_.array_declared(header(cluster, job, at_s), f));
  }

  // A dependency declaration part of `job` on `targets` (in `target_cluster`; empty: the same).
  void depend(const std::string& job, fb::DependencyKind kind, std::vector<std::string> targets,
              int64_t at_s, const std::string& cluster = "c", uint32_t part = 0,
              bool any_of = false, const std::string& target_cluster = "") {
    DependencyDeclaredFields f;
    f.kind = kind;
    for (const std::string& t : targets) {
      auto key = JobKey::parse(t);
      REQUIRE(key.ok());
      f.targets.push_back(*key);
      f.raw += (f.raw.empty() ? "dep:" : ":") + t;
    }
    f.part = part;
    f.any_of = any_of;
    f.target_cluster = target_cluster;
    append(builder_.dependency_declared(header(cluster, job, at_s), f));
  }

  // An accounting record of `job` (what usage folds): `cpus` from start to end.
  void record(const std::string& job, uint32_t cpus, int64_t start_s, int64_t end_s,
              const std::string& cluster = "c", const std::string& user = "alice") {
    AccountingRecordedFields f;
    f.format = fb::RecordFormat::SACCT_PARSABLE;
    f.user = user;
    f.account = "acct";
    f.partition = "batch";
    f.cpus = cpus;
    f.start_at_us = start_s * 1'000'000;
    f.end_at_us = end_s * 1'000'000;
    append(builder_.accounting_recorded(header(cluster, job, end_s), f));
  }

  // Brings the default projections up to date; returns the engine for inspection.
  std::unique_ptr<projections::ProjectionEngine> fold(size_t batch_events = 1000) {
    projections::EngineOptions options;
    options.batch_events = batch_events;
    auto engine =
        projections::ProjectionEngine::open(*log_, projections::default_projections(), options);
    REQUIRE(engine.ok());
    REQUIRE((*engine)->catch_up(*log_).ok());
    return std::move(engine).value();
  }

  projections::StoredState state(std::string_view store) const {
    return projections::StoredState(*log_, std::string(store));
  }

 private:
  EventHeaderFields header(const std::string& cluster, const std::string& job, int64_t at_s,
                           int64_t observed_s = -1) {
    EventHeaderFields h;
    h.effective_at_us = at_s * 1'000'000;
    h.observed_at_us = (observed_s >= 0 ? observed_s : at_s) * 1'000'000;
    h.cluster = cluster;
    auto key = JobKey::parse(job);
    REQUIRE(key.ok());
    h.job = *key;
    h.provenance.source_kind = fb::SourceKind::SQUEUE;
    h.provenance.identity = "test/" + std::to_string(next_identity_++);
    return h;
  }

  void append(Result<BuiltEvent> built) {
    INFO(built.status().to_string());
    REQUIRE(built.ok());
    AppendBatch batch;
    batch.events.push_back(std::move(built).value());
    REQUIRE(log_->append(batch).ok());
  }

  std::string dir_;
  std::unique_ptr<EventLog> log_;
  EventBuilder builder_;
  uint64_t next_identity_ = 0;
};

}  // namespace jobtrail::testing
