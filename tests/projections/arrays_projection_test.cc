// The arrays projection: per-state counts by deltas, pending remainders, late facts.
#include "projections/arrays_projection.h"

#include "fold_fixture.h"

namespace jobtrail::projections {

using S = fb::JobState;
using testing::FoldFixture;

namespace {
ArrayCounts array(FoldFixture& f, const std::string& id, const std::string& cluster = "c") {
  auto state = f.state(ArraysProjection::kName);
  auto counts = read_array(state, cluster, id);
  REQUIRE(counts.ok());
  REQUIRE(counts->has_value());
  return **counts;
}
uint64_t count(const ArrayCounts& a, S state) {
  return a.counts[static_cast<size_t>(state)];
}
}  // namespace

TEST_CASE(
    "a pending remainder counts each of its tasks as pending, and a task that starts "
    "moves out of it",
    "[projections][arrays]") {
  FoldFixture f;
  f.submit("123_[1-10%2]", 100);
  f.fold();
  ArrayCounts a = array(f, "123");
  CHECK(a.total == 10);
  CHECK(count(a, S::PENDING) == 10);
  CHECK(a.max_running == 2);

  f.change("123_3", S::PENDING, S::RUNNING, 110);
  f.fold();
  a = array(f, "123");
  CHECK(a.total == 10);
  CHECK(count(a, S::PENDING) == 9);
  CHECK(count(a, S::RUNNING) == 1);
  CHECK(a.remainder.runs() == std::vector<RangeSet::Run>{{1, 2}, {4, 10}});

  f.change("123_3", S::RUNNING, S::COMPLETED, 120);
  f.submit("123_[1-2,4-10%2]", 120);  // the next poll shows the smaller remainder: no change
  f.fold();
  a = array(f, "123");
  CHECK(a.total == 10);
  CHECK(count(a, S::COMPLETED) == 1);
  CHECK(count(a, S::PENDING) == 9);
}

TEST_CASE("cancelling the pending remainder cancels each of its tasks", "[projections][arrays]") {
  FoldFixture f;
  f.submit("7_[1-5]", 0);
  f.change("7_1", S::PENDING, S::RUNNING, 1);
  f.change("7_[2-5]", S::PENDING, S::CANCELLED, 2);
  f.fold();
  ArrayCounts a = array(f, "7");
  CHECK(a.total == 5);
  CHECK(count(a, S::CANCELLED) == 4);
  CHECK(count(a, S::RUNNING) == 1);
  CHECK(a.remainder.size() == 0);
}

TEST_CASE("tasks seen only on their own are counted as they arrive", "[projections][arrays]") {
  FoldFixture f;
  f.submit("9_1", 0);
  f.submit("9_2", 0);
  f.change("9_1", S::PENDING, S::RUNNING, 5);
  f.fold();
  ArrayCounts a = array(f, "9");
  CHECK(a.total == 2);
  CHECK(count(a, S::PENDING) == 1);
  CHECK(count(a, S::RUNNING) == 1);
  CHECK(a.name == "job 9_1");
  std::vector<uint32_t> tasks;
  auto state = f.state(ArraysProjection::kName);
  REQUIRE(for_each_array_task(state, "c", "9", [&](const ArrayTask& t) {
            tasks.push_back(t.task);
            return true;
          }).ok());
  CHECK(tasks == std::vector<uint32_t>{1, 2});
  auto seqs = array_event_seqs(state, "c", "9");
  REQUIRE(seqs.ok());
  CHECK(*seqs == std::vector<uint64_t>{1, 2, 3});
}

TEST_CASE("a late fact about a task does not move its count", "[projections][arrays][late]") {
  FoldFixture f;
  f.submit("4_1", 0);
  f.change("4_1", S::PENDING, S::RUNNING, 10);
  f.change("4_1", S::RUNNING, S::COMPLETED, 50);
  f.change("4_1", S::RUNNING, S::REQUEUED, 20, "c", 60);  // arrives last, happened earlier
  f.fold();
  ArrayCounts a = array(f, "4");
  CHECK(a.total == 1);
  CHECK(count(a, S::COMPLETED) == 1);
  CHECK(count(a, S::REQUEUED) == 0);
}

TEST_CASE("PBS array subjobs count under their [] parent", "[projections][arrays]") {
  FoldFixture f;
  f.submit("123456[].srv", 0);
  f.submit("123456[7].srv", 1);
  f.change("123456[7].srv", S::PENDING, S::RUNNING, 2);
  f.submit("123456[8].srv", 1);
  f.fold();
  ArrayCounts a = array(f, "123456[].srv");
  CHECK(a.total == 2);
  CHECK(count(a, S::RUNNING) == 1);
  CHECK(count(a, S::PENDING) == 1);
}

TEST_CASE("array counts survive their encoding", "[projections][arrays]") {
  ArrayCounts a;
  a.cluster = "c";
  a.array = "1";
  a.remainder.insert(5);
  a.seen.insert(1);
  a.counts[2] = 7;
  a.total = 7;
  auto decoded = decode_array_counts(encode_array_counts(a));
  REQUIRE(decoded);
  CHECK(decoded->remainder.size() == 0);  // the run sets are stored apart
  REQUIRE(decode_array_ranges(encode_array_ranges(a), &*decoded));
  CHECK(*decoded == a);
  CHECK_FALSE(decode_array_ranges("x", &*decoded));
  CHECK_FALSE(decode_array_counts(""));
}

}  // namespace jobtrail::projections
