// JobKey: a job's identity as its scheduler writes it, parsed.
//
// Job keys are parsed, not compared as strings, so that "4" never matches "40", an array task
// knows its parent, and a pending array remainder knows how many tasks it stands for.
//
//   SLURM  123              plain job
//          123_4            array task 4 of array 123
//          123_[5-20%4]     pending remainder of array 123: tasks 5..20, at most 4 running
//          123_[1,5,9-11]   remainder as a list of ranges; "1-10:2" steps are accepted too
//          123+1            heterogeneous job 123, component 1
//   PBS    123456.server    plain job on server "server" (the server part may contain dots,
//                           or be bracketed as anonymised logs write it: "3073070.[hostname_1]")
//          123456[7].server array subjob 7
//          123456[].server  array parent (stands for its pending subjobs)
//
// format(parse(s)) == s for every accepted canonical form. Parsing never crashes and never
// throws: anything else is Status::invalid_argument naming the offending text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.h"

namespace jobtrail {

// One run of array task ids: first..last inclusive, every `step`-th id.
struct TaskRange {
  uint32_t first = 0;
  uint32_t last = 0;
  uint32_t step = 1;

  uint64_t count() const { return (static_cast<uint64_t>(last) - first) / step + 1; }
  bool operator==(const TaskRange&) const = default;
};

struct JobKey {
  enum class Kind : uint8_t {
    kPlain = 0,           // 123, or PBS 123.server
    kArrayTask = 1,       // 123_4, or PBS 123[4].server
    kArrayRemainder = 2,  // 123_[5-20%4], or PBS 123[].server (no ranges known)
    kHetComponent = 3,    // 123+1
  };

  Kind kind = Kind::kPlain;
  uint64_t id = 0;                // the job (or array, or het leader) number
  uint32_t index = 0;             // array task id (kArrayTask) or het offset (kHetComponent)
  std::vector<TaskRange> ranges;  // kArrayRemainder only; empty for PBS "123[]"
  uint32_t max_running = 0;       // the "%4" throttle of a remainder; 0 = none given
  std::string server;             // PBS server suffix without the dot; empty for SLURM
  bool pbs_style = false;         // PBS bracket syntax ("123[4]"), even when server is empty

  // Parses any form above. Surrounding whitespace is an error (callers trim).
  static Result<JobKey> parse(std::string_view text);

  // The key as the scheduler writes it.
  std::string format() const;

  // The array this key belongs to, as a plain key ("123" for 123_4, "123[].srv" for PBS
  // 123[4].srv); the key itself when it is not part of an array.
  JobKey array_parent() const;
  bool is_array_member() const { return kind == Kind::kArrayTask || kind == Kind::kArrayRemainder; }

  // Number of tasks a remainder stands for (sum of range counts); 1 for other kinds,
  // 0 for a PBS "123[]" whose subjobs are not listed.
  uint64_t task_count() const;

  bool operator==(const JobKey&) const = default;
};

}  // namespace jobtrail
