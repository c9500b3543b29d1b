// As-of reconstruction at several instants, by effective time and by observation time.
#include "replay/as_of.h"

#include "projections/fold_fixture.h"
#include "projections/jobs_projection.h"

namespace jobtrail::replay {

using S = fb::JobState;

namespace {
// Job 9: submitted t=100, running t=200, completed t=900; sacct reports at t=1000 that it
// had been requeued at t=500.
void fill(testing::FoldFixture& f) {
  f.submit("9", 100);
  f.change("9", S::PENDING, S::RUNNING, 200);
  f.change("9", S::RUNNING, S::COMPLETED, 900);
  f.change("9", S::RUNNING, S::REQUEUED, 500, "c", 1000);
  f.submit("4_[1-3]", 100);
  f.change("4_1", S::PENDING, S::RUNNING, 300);
  f.change("4_1", S::RUNNING, S::COMPLETED, 600);
  f.fold();
}

AsOf at(int64_t seconds, bool observed = false) {
  return AsOf{seconds * 1'000'000, observed};
}

std::vector<S> states_to(const std::vector<projections::HistoryEntry>& entries) {
  std::vector<S> out;
  for (const auto& e : entries) out.push_back(e.to);
  return out;
}

S job_state_as_of(const EventLog& log, const AsOf& as_of) {
  auto state = jobs_as_of(log, as_of, nullptr);
  REQUIRE(state.ok());
  auto view = projections::read_job(*state, "c", "9");
  REQUIRE(view.ok());
  return view->has_value() ? (*view)->state : S::UNKNOWN;
}
}  // namespace

TEST_CASE("a job's history as of an instant holds the facts effective by then", "[replay][as_of]") {
  testing::FoldFixture f;
  fill(f);
  auto history = [&](const AsOf& as_of) {
    auto entries = history_as_of(f.log(), "c", "9", as_of);
    REQUIRE(entries.ok());
    return states_to(*entries);
  };
  CHECK(history(at(50)).empty());
  CHECK(history(at(100)) == std::vector<S>{S::PENDING});  // inclusive
  CHECK(history(at(600)) == std::vector<S>{S::PENDING, S::RUNNING, S::REQUEUED});
  CHECK(history(at(2000)) == std::vector<S>{S::PENDING, S::RUNNING, S::REQUEUED, S::COMPLETED});
  // What jobtrail knew at t=950: the requeue had not been reported yet.
  CHECK(history(at(950, true)) == std::vector<S>{S::PENDING, S::RUNNING, S::COMPLETED});
}

TEST_CASE("the jobs view as of an instant is the latest fact effective by then",
          "[replay][as_of]") {
  testing::FoldFixture f;
  fill(f);
  CHECK(job_state_as_of(f.log(), at(50)) == S::UNKNOWN);
  CHECK(job_state_as_of(f.log(), at(150)) == S::PENDING);
  CHECK(job_state_as_of(f.log(), at(250)) == S::RUNNING);
  CHECK(job_state_as_of(f.log(), at(700)) == S::REQUEUED);
  CHECK(job_state_as_of(f.log(), at(901)) == S::COMPLETED);
  CHECK(job_state_as_of(f.log(), at(950, true)) == S::COMPLETED);
}

TEST_CASE("an array as of an instant is folded from the array's own events", "[replay][as_of]") {
  testing::FoldFixture f;
  fill(f);
  projections::StoredState arrays(f.log(), "arrays");
  auto counts_at = [&](int64_t seconds) {
    auto counts = array_as_of(f.log(), arrays, "c", "4", at(seconds));
    REQUIRE(counts.ok());
    return *counts;
  };
  CHECK_FALSE(counts_at(50).has_value());
  auto early = counts_at(100);
  REQUIRE(early);
  CHECK(early->total == 3);
  CHECK(early->counts[static_cast<size_t>(S::PENDING)] == 3);
  auto middle = counts_at(400);
  REQUIRE(middle);
  CHECK(middle->counts[static_cast<size_t>(S::RUNNING)] == 1);
  CHECK(middle->counts[static_cast<size_t>(S::PENDING)] == 2);
  auto late = counts_at(700);
  REQUIRE(late);
  CHECK(late->counts[static_cast<size_t>(S::COMPLETED)] == 1);
  CHECK(late->total == 3);
}

}  // namespace jobtrail::replay
