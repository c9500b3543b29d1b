// verify_projections catches every way the stored state can disagree with the log.
#include "replay/verify.h"

#include "projections/fold_fixture.h"
#include "projections/job_view.h"
#include "projections/jobs_projection.h"

namespace jobtrail::replay {

using S = fb::JobState;

namespace {
void fill(testing::FoldFixture& f) {
  f.submit("1", 10);
  f.change("1", S::PENDING, S::RUNNING, 20);
  f.submit("2_[1-4]", 10);
  f.change("2_3", S::PENDING, S::RUNNING, 30);
  f.fold();
}
}  // namespace

TEST_CASE("verify passes on projections folded by the engine", "[replay][verify]") {
  testing::FoldFixture f;
  fill(f);
  auto report = verify_projections(f.log());
  REQUIRE(report.ok());
  CHECK(report->clean());
  CHECK(report->seq == 4);
  CHECK(report->entries_compared > 5);
}

TEST_CASE("verify catches a tampered, a missing and an extra projection entry",
          "[replay][verify]") {
  testing::FoldFixture f;
  fill(f);
  const std::string key = projections::job_state_key("c", "1");
  auto stored = f.log().read_state("jobs", key);
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  auto view = projections::decode_job_view(**stored);
  REQUIRE(view);
  view->state = S::COMPLETED;  // tamper: a state the log never said

  auto batch = f.log().new_state_batch();
  batch->put("jobs", key, projections::encode_job_view(*view));
  batch->put("arrays", "\x01x\x01y", "junk");
  REQUIRE(f.log().write_state(*batch, true).ok());
  auto tampered = verify_projections(f.log());
  REQUIRE(tampered.ok());
  CHECK_FALSE(tampered->clean());
  REQUIRE(tampered->differences.size() >= 2);
  bool saw_jobs = false, saw_extra = false;
  for (const auto& d : tampered->differences) {
    saw_jobs = saw_jobs || (d.projection == "jobs" && d.problem == "stored value differs");
    saw_extra = saw_extra || (d.projection == "arrays" &&
                              d.problem.find("not in the rebuilt") != std::string::npos);
  }
  CHECK(saw_jobs);
  CHECK(saw_extra);

  // Deleting a real entry (an array task's) is a missing entry.
  std::string task_key;
  REQUIRE(f.log()
              .scan_state("arrays", projections::job_state_key("c", "2") + "\x01",
                          [&](std::string_view k, std::string_view) {
                            task_key = std::string(k);
                            return false;
                          })
              .ok());
  auto erase = f.log().new_state_batch();
  REQUIRE_FALSE(task_key.empty());
  erase->erase("arrays", task_key);
  REQUIRE(f.log().write_state(*erase, true).ok());
  auto missing = verify_projections(f.log());
  REQUIRE(missing.ok());
  bool saw_missing = false;
  for (const auto& d : missing->differences) {
    saw_missing =
        saw_missing || (d.projection == "arrays" && d.problem.find("missing") != std::string::npos);
  }
  CHECK(saw_missing);
}

}  // namespace jobtrail::replay
