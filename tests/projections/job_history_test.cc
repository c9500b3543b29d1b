#include "projections/job_history.h"

#include "fold_fixture.h"

namespace jobtrail::projections {

using S = fb::JobState;

TEST_CASE("a job's history is ordered by effective time, a late fact where it happened",
          "[projections][history][late]") {
  testing::FoldFixture f;
  f.submit("9", 100);
  f.change("9", S::PENDING, S::RUNNING, 200);
  f.change("9", S::RUNNING, S::COMPLETED, 900);
  f.change("9", S::RUNNING, S::REQUEUED, 500, "c", 1000);
  f.submit("90", 100);  // another job whose key starts the same way
  f.fold();
  auto history = read_history(f.log(), "c", "9");
  REQUIRE(history.ok());
  REQUIRE(history->size() == 4);
  CHECK((*history)[0].is_submission);
  CHECK((*history)[1].to == S::RUNNING);
  CHECK((*history)[2].to == S::REQUEUED);
  CHECK((*history)[2].seq == 4);
  CHECK((*history)[2].observed_at_us == 1000'000'000);
  CHECK((*history)[3].to == S::COMPLETED);
}

TEST_CASE("a job with no facts has an empty history", "[projections][history]") {
  testing::FoldFixture f;
  f.submit("1", 1);
  f.fold();
  auto history = read_history(f.log(), "c", "2");
  REQUIRE(history.ok());
  CHECK(history->empty());
}

}  // namespace jobtrail::projections
