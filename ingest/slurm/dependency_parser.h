// Pure parser of a SLURM job dependency as squeue prints it (%E, -O dependency) and sbatch
// takes it (--dependency). Text in, declaration out; no I/O, never throws.
//
//   dependency := "" | "(null)" | part (sep part)*     one separator throughout:
//                                                     ',' all must hold, '?' any one is enough
//   part       := "singleton" [status]
//               | kind (':' target [status])+
//   kind       := "after" | "afterok" | "afterany" | "afternotok" | "aftercorr"
//               | "afterburstbuffer"                  (read as afterany: it waits for the end)
//   target     := digits ['_' (digits | '*')] ['+' minutes]
//                                                     "12_*" and "12" both name array 12 whole
//   status     := '(' word ')'                        SLURM's own view: "(unfulfilled)",
//                                                     "(failed)"; kept in `raw` only
// Examples: "afterok:1(unfulfilled)", "afterany:12_*", "afterok:1:2", "singleton",
// "afternotok:5(failed)?afterok:6(unfulfilled)".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "events/job_key.h"
#include "events/status.h"
#include "schemas/events_generated.h"

namespace jobtrail::ingest::slurm {

// Parts one dependency may have, and targets one part may name (SLURM itself has no small
// limit; these bound the events one squeue row can make).
inline constexpr std::size_t dependency_parts_max = 64;
inline constexpr std::size_t dependency_targets_max = 1024;

struct DependencyPart {
  fb::DependencyKind kind = fb::DependencyKind::AFTER_OK;
  std::vector<JobKey> targets;  // empty for singleton
  std::string raw;              // the part as written, status suffixes included
  bool operator==(const DependencyPart&) const = default;
};

struct DependencySpec {
  bool any_of = false;  // parts joined by '?'
  std::vector<DependencyPart> parts;
  bool empty() const { return parts.empty(); }
  bool operator==(const DependencySpec&) const = default;
};

Result<DependencySpec> parse_slurm_dependency(std::string_view text);

// The declaration without SLURM's status suffixes, parts joined by their separator: what the
// user asked for, which stays the same while SLURM's view of it changes.
std::string declared_dependency_text(const DependencySpec& spec);

// True when every (kind, target) of `now` is in `before`: SLURM drops a dependency from its
// list once it is satisfied, which is not a new declaration.
bool dependency_narrowed(const DependencySpec& before, const DependencySpec& now);

}  // namespace jobtrail::ingest::slurm
