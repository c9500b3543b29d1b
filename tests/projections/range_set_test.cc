#include "projections/range_set.h"

#include <catch2/catch.hpp>
#include <random>
#include <set>

namespace jobtrail::projections {

using Runs = std::vector<RangeSet::Run>;

TEST_CASE("a task leaving the middle of a pending range splits it in two",
          "[projections][ranges]") {
  RangeSet set;
  CHECK(set.add_missing({{5, 20, 1}}, RangeSet{}) == 16);
  CHECK(set.runs() == Runs{{5, 20}});
  CHECK(set.erase(9));
  CHECK(set.runs() == Runs{{5, 8}, {10, 20}});
  CHECK(set.erase(5));
  CHECK(set.erase(20));
  CHECK(set.runs() == Runs{{6, 8}, {10, 19}});
  CHECK(set.size() == 13);
  CHECK_FALSE(set.erase(9));
  CHECK_FALSE(set.contains(9));
  CHECK(set.insert(9));
  CHECK(set.runs() == Runs{{6, 19}});
}

TEST_CASE("adding ranges skips ids already present or excluded, and honours steps",
          "[projections][ranges]") {
  RangeSet seen;
  seen.insert(3);
  RangeSet set;
  CHECK(set.add_missing({{1, 5, 1}}, seen) == 4);
  CHECK(set.runs() == Runs{{1, 2}, {4, 5}});
  CHECK(set.add_missing({{1, 7, 1}}, seen) == 2);
  CHECK(set.add_missing({{10, 16, 3}}, seen) == 3);  // 10, 13, 16
  CHECK(set.contains(13));
  CHECK_FALSE(set.contains(11));
  CHECK(set.size() == 9);
}

TEST_CASE("ids at the ends of the 32-bit range do not wrap", "[projections][ranges]") {
  RangeSet set;
  CHECK(set.insert(0));
  CHECK(set.insert(UINT32_MAX));
  CHECK(set.insert(1));
  CHECK(set.runs() == Runs{{0, 1}, {UINT32_MAX, UINT32_MAX}});
  CHECK(set.erase(0));
  CHECK(set.erase(UINT32_MAX));
  CHECK(set.runs() == Runs{{1, 1}});
}

TEST_CASE("random inserts and erases agree with a std::set", "[projections][ranges]") {
  std::mt19937 random(42);
  std::uniform_int_distribution<uint32_t> id(0, 200);
  RangeSet set;
  std::set<uint32_t> reference;
  for (int i = 0; i < 20000; ++i) {
    const uint32_t v = id(random);
    if (random() % 2) {
      CHECK(set.insert(v) == reference.insert(v).second);
    } else {
      CHECK(set.erase(v) == (reference.erase(v) == 1));
    }
  }
  CHECK(set.size() == reference.size());
  for (uint32_t v = 0; v <= 200; ++v) CHECK(set.contains(v) == (reference.count(v) == 1));
  for (size_t i = 1; i < set.runs().size(); ++i) {
    CHECK(set.runs()[i - 1].last + 1 < set.runs()[i].first);  // disjoint, not adjacent
  }
}

}  // namespace jobtrail::projections
