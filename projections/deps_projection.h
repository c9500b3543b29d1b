// The `deps` projection: per job the dependencies it declared, and per target the jobs that
// wait on it (reverse edges). It folds DependencyDeclared events only; whether a dependency
// holds is decided at query time against the jobs and arrays states (projections/
// deps_evaluation.h), so no projection reads another while folding.
//
// A declaration may take several events: part 0 replaces the job's previous declaration
// (latest by seq: a declaration is an instruction, not a fact about the scheduler's past),
// parts 1.. add to it.
//
// Keys:
//   'd' lp(cluster) lp(job)                                        -> DepsDeclaration
//   'r' lp(target cluster) lp(target) lp(cluster) lp(job) kind     -> ""  (a reverse edge)
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "projections/projection.h"
#include "projections/state_source.h"

namespace jobtrail::projections {

struct DepsPart {
  fb::DependencyKind kind = fb::DependencyKind::AFTER_OK;
  std::string raw;                   // as the source wrote it: "afterok:1(unfulfilled)"
  std::string target_cluster;        // resolved: the job's own cluster when none was given
  std::vector<std::string> targets;  // job keys as the scheduler writes them
  bool operator==(const DepsPart&) const = default;
};

struct DepsDeclaration {
  std::string cluster, job;
  bool any_of = false;  // the parts are alternatives
  std::vector<DepsPart> parts;
  uint64_t seq = 0;  // the last event that set or extended it
  bool operator==(const DepsDeclaration&) const = default;
};

struct Dependent {
  std::string cluster, job;  // the job that waits
  fb::DependencyKind kind = fb::DependencyKind::AFTER_OK;
};

// Reverse edges one query returns at most (a fan-out of a whole array onto one job fits).
inline constexpr size_t deps_dependents_max = 100'000;

class DepsProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "deps";
  std::string_view name() const override { return kName; }
  uint32_t version() const override { return 1; }
  Status apply(const EventView& event, ProjectionWriter& writer) override;
};

std::string encode_deps_declaration(const DepsDeclaration& declaration);
std::optional<DepsDeclaration> decode_deps_declaration(std::string_view value);

Result<std::optional<DepsDeclaration>> read_dependencies(const StateSource& state,
                                                         std::string_view cluster,
                                                         std::string_view job);
// The jobs that declared a dependency on `job`, in key order, at most deps_dependents_max.
Status for_each_dependent(const StateSource& state, std::string_view cluster, std::string_view job,
                          const std::function<bool(const Dependent&)>& visit);

}  // namespace jobtrail::projections
