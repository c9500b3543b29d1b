// RangeSet: a set of array task ids kept as sorted, disjoint, non-adjacent [first, last]
// runs. A pending remainder "123_[5-20%4]" is one run; a task starting out of it splits it.
// Task ids come in runs, so a set of 100 000 ids is usually a handful of runs.
#pragma once

#include <cstdint>
#include <vector>

#include "events/job_key.h"

namespace jobtrail::projections {

class RangeSet {
 public:
  struct Run {
    uint32_t first;
    uint32_t last;
    bool operator==(const Run&) const = default;
  };

  bool contains(uint32_t id) const;
  bool insert(uint32_t id);  // false if it was there
  bool erase(uint32_t id);   // false if it was not there
  // Adds every id of `ranges` (steps expanded) that is in neither this set nor `exclude`;
  // returns how many were added.
  uint64_t add_missing(const std::vector<TaskRange>& ranges, const RangeSet& exclude);
  uint64_t size() const;
  const std::vector<Run>& runs() const { return runs_; }
  void assign(std::vector<Run> runs) { runs_ = std::move(runs); }
  bool operator==(const RangeSet&) const = default;

 private:
  std::vector<Run> runs_;
};

}  // namespace jobtrail::projections
