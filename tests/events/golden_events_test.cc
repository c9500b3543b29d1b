// Stored bytes of every event type, as schema version 1 wrote them (tests/golden/v1/*.bin).
// Events are immutable and live forever, so every later build must still read these exact
// bytes with the same meaning: a schema change that breaks them fails here, and an event
// whose meaning changes needs an upcaster in events/ that this test then exercises.
//
// The files are never regenerated silently: JOBTRAIL_WRITE_GOLDEN=<dir> writes fresh ones
// into <dir> for a person to review and commit when a new schema version is introduced.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>

#include "events/event_builder.h"
#include "events/event_view.h"

namespace jobtrail {
namespace {

const std::string kGoldenDir = std::string(JOBTRAIL_TEST_SOURCE_DIR) + "/golden/v1/";

EventHeaderFields golden_header(bool with_job) {
  EventHeaderFields h;
  h.observed_at_us = 1'700'000'000'123'456;
  h.effective_at_us = 1'699'999'999'000'000;
  h.effective_basis = fb::TimeBasis::REPORTED;
  h.cluster = "golden";
  if (with_job) h.job = JobKey::parse("123_[5-20%4]").value();
  h.provenance.source_kind = fb::SourceKind::SACCT;
  h.provenance.origin = "host1";
  h.provenance.command = "sacct -p";
  h.provenance.offset = 4096;
  h.provenance.line = 17;
  h.provenance.poll_id = 9;
  h.provenance.ordinal = 2;
  h.provenance.identity = "golden/identity";
  return h;
}

std::map<std::string, std::function<Result<BuiltEvent>(EventBuilder&)>> golden_builders() {
  return {
      {"cluster_registered",
       [](EventBuilder& b) {
         return b.cluster_registered(golden_header(false), {"golden", "slurm", "UTC", "test"});
       }},
      {"job_submitted",
       [](EventBuilder& b) {
         JobSubmittedFields f;
         f.user = "alice";
         f.account = "physics";
         f.partition = "batch";
         f.submit_at_us = 1'699'999'000'000'000;
         f.cpus_requested = 8;
         f.time_limit_s = 3600;
         return b.job_submitted(golden_header(true), f);
       }},
      {"array_declared",
       [](EventBuilder& b) {
         ArrayDeclaredFields f;
         f.name = "sweep";
         f.tasks = {{5, 20, 1}};
         f.max_running = 4;
         return b.array_declared(golden_header(true), f);
       }},
      {"job_state_changed",
       [](EventBuilder& b) {
         JobStateChangedFields f;
         f.from = fb::JobState::RUNNING;
         f.to = fb::JobState::CANCELLED;
         f.raw_state = "CANCELLED by 0";
         f.exit_code = 0;
         f.signal = 15;
         return b.job_state_changed(golden_header(true), f);
       }},
      {"job_fields_updated",
       [](EventBuilder& b) {
         return b.job_fields_updated(golden_header(true), {{"reason", "Priority"}});
       }},
      {"accounting_recorded",
       [](EventBuilder& b) {
         AccountingRecordedFields f;
         f.format = fb::RecordFormat::PBS;
         f.raw_bytes = 5;
         f.compressed = "\x28\xb5\x2f\xfd";
         f.user = "alice";
         return b.accounting_recorded(golden_header(true), f);
       }},
      {"dependency_declared",
       [](EventBuilder& b) {
         DependencyDeclaredFields f;
         f.kind = fb::DependencyKind::AFTER_OK;
         f.targets = {JobKey::parse("100").value()};
         f.raw = "afterok:100";
         return b.dependency_declared(golden_header(true), f);
       }},
      {"source_status",
       [](EventBuilder& b) {
         SourceStatusFields f;
         f.source = "squeue";
         f.reachable = false;
         f.error = "timed out";
         return b.source_status(golden_header(false), f);
       }},
  };
}

std::string read_golden(const std::string& name) {
  std::ifstream in(kGoldenDir + name + ".bin", std::ios::binary);
  REQUIRE(in.good());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("JOBTRAIL_WRITE_GOLDEN writes fresh golden events only when asked", "[events][golden]") {
  const char* out_dir = std::getenv("JOBTRAIL_WRITE_GOLDEN");
  if (out_dir == nullptr) return;
  EventBuilder builder;
  for (auto& [name, build] : golden_builders()) {
    auto built = build(builder);
    REQUIRE(built.ok());
    std::ofstream(std::string(out_dir) + "/" + name + ".bin", std::ios::binary) << built->bytes;
  }
}

TEST_CASE("version 1 stored events of every type still verify and read the same",
          "[events][golden]") {
  for (auto& [name, build] : golden_builders()) {
    INFO(name);
    const std::string bytes = read_golden(name);
    auto view = EventView::from_bytes(bytes, 1);
    REQUIRE(view.ok());
    const fb::EventHeader& h = view->header();
    CHECK(h.schema_version() == 1);
    CHECK(h.observed_at_us() == 1'700'000'000'123'456);
    CHECK(h.effective_at_us() == 1'699'999'999'000'000);
    CHECK(view->cluster() == "golden");
    CHECK(sv(h.provenance()->identity()) == "golden/identity");
    CHECK(h.provenance()->offset() == 4096);
    CHECK(h.provenance()->ordinal() == 2);
    if (h.job() != nullptr) {
      CHECK(view->job_text() == "123_[5-20%4]");
      CHECK(h.job()->max_running() == 4);
    }
  }
  auto changed_bytes = read_golden("job_state_changed");
  auto changed = EventView::from_bytes(changed_bytes, 1);
  REQUIRE(changed.ok());
  const auto* body = changed->as<fb::JobStateChanged>();
  REQUIRE(body != nullptr);
  CHECK(body->from() == fb::JobState::RUNNING);
  CHECK(body->to() == fb::JobState::CANCELLED);
  CHECK(sv(body->raw_state()) == "CANCELLED by 0");
  CHECK(body->signal() == 15);
  auto submitted_bytes = read_golden("job_submitted");
  auto submitted = EventView::from_bytes(submitted_bytes, 1);
  REQUIRE(submitted.ok());
  REQUIRE(submitted->as<fb::JobSubmitted>() != nullptr);
  CHECK(sv(submitted->as<fb::JobSubmitted>()->user()) == "alice");
  CHECK(submitted->as<fb::JobSubmitted>()->cpus_requested() == 8);
  CHECK(submitted->as<fb::JobSubmitted>()->state() == fb::JobState::PENDING);
}

TEST_CASE("every event type has a golden file", "[events][golden]") {
  // A new union member needs a builder above and a file in tests/golden/v1 (or v2).
  CHECK(golden_builders().size() == static_cast<size_t>(fb::Body::MAX));
}

}  // namespace jobtrail
