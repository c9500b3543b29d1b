#include "projections/range_set.h"

#include <algorithm>

#include "events/assert.h"

namespace jobtrail::projections {

namespace {
// The first run whose last id is >= `id`.
std::vector<RangeSet::Run>::const_iterator find_run(const std::vector<RangeSet::Run>& runs,
                                                    uint32_t id) {
  return std::lower_bound(runs.begin(), runs.end(), id,
                          [](const RangeSet::Run& r, uint32_t v) { return r.last < v; });
}
}  // namespace

bool RangeSet::contains(uint32_t id) const {
  auto it = find_run(runs_, id);
  return it != runs_.end() && it->first <= id;
}

bool RangeSet::insert(uint32_t id) {
  if (contains(id)) return false;
  auto it = runs_.begin() + (find_run(runs_, id) - runs_.cbegin());
  const bool joins_next = it != runs_.end() && id != UINT32_MAX && it->first == id + 1;
  const bool joins_prev = it != runs_.begin() && id != 0 && std::prev(it)->last == id - 1;
  if (joins_prev && joins_next) {
    std::prev(it)->last = it->last;
    runs_.erase(it);
  } else if (joins_prev) {
    std::prev(it)->last = id;
  } else if (joins_next) {
    it->first = id;
  } else {
    runs_.insert(it, Run{id, id});
  }
  return true;
}

bool RangeSet::erase(uint32_t id) {
  if (!contains(id)) return false;
  auto it = runs_.begin() + (find_run(runs_, id) - runs_.cbegin());
  if (it->first == id && it->last == id) {
    runs_.erase(it);
  } else if (it->first == id) {
    it->first = id + 1;
  } else if (it->last == id) {
    it->last = id - 1;
  } else {
    const Run tail{id + 1, it->last};
    it->last = id - 1;
    runs_.insert(it + 1, tail);
  }
  return true;
}

uint64_t RangeSet::add_missing(const std::vector<TaskRange>& ranges, const RangeSet& exclude) {
  uint64_t added = 0;
  for (const TaskRange& range : ranges) {
    JT_ASSERT(range.step >= 1 && range.first <= range.last);
    // Bounded by the range: ids are visited one by one only where they are missing, and a
    // run already present is skipped whole.
    for (uint64_t id = range.first; id <= range.last; id += range.step) {
      const auto task = static_cast<uint32_t>(id);
      if (exclude.contains(task)) continue;
      if (range.step == 1) {
        auto it = find_run(runs_, task);
        if (it != runs_.end() && it->first <= task) {
          id = it->last;  // skip the run that is already there
          continue;
        }
      }
      if (insert(task)) ++added;
    }
  }
  return added;
}

uint64_t RangeSet::size() const {
  uint64_t n = 0;
  for (const Run& r : runs_) n += static_cast<uint64_t>(r.last) - r.first + 1;
  return n;
}

}  // namespace jobtrail::projections
