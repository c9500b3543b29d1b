// Fold: read the job's declaration, replace it (part 0) or extend it, and keep the reverse
// edges equal to the union of the declaration's (kind, target) pairs.
#include "projections/deps_projection.h"

#include "events/keys.h"
#include "projections/value_codec.h"

namespace jobtrail::projections {

namespace {

constexpr uint8_t kDepsLayout = 1;

std::string declaration_key(std::string_view cluster, std::string_view job) {
  std::string key = "d";
  keys::put_length_prefixed(&key, cluster);
  keys::put_length_prefixed(&key, job);
  return key;
}

std::string dependents_prefix(std::string_view cluster, std::string_view job) {
  std::string key = "r";
  keys::put_length_prefixed(&key, cluster);
  keys::put_length_prefixed(&key, job);
  return key;
}

std::string reverse_key(const DepsDeclaration& d, const DepsPart& part, std::string_view target) {
  std::string key = dependents_prefix(part.target_cluster, target);
  keys::put_length_prefixed(&key, d.cluster);
  keys::put_length_prefixed(&key, d.job);
  key.push_back(static_cast<char>(part.kind));
  return key;
}

DepsPart part_from(const EventView& event, const fb::DependencyDeclared& b) {
  DepsPart part;
  part.kind = b.kind();
  part.raw = std::string(sv(b.raw()));
  part.target_cluster = std::string(b.target_cluster() != nullptr && b.target_cluster()->size() > 0
                                        ? sv(b.target_cluster())
                                        : event.cluster());
  if (b.targets() != nullptr) {
    for (const fb::JobKey* k : *b.targets()) part.targets.emplace_back(sv(k->text()));
  }
  return part;
}

}  // namespace

Status DepsProjection::apply(const EventView& event, ProjectionWriter& writer) {
  const auto* b = event.as<fb::DependencyDeclared>();
  if (b == nullptr || event.header().job() == nullptr) return Status();
  const std::string key = declaration_key(event.cluster(), event.job_text());
  auto stored = writer.get(key);
  if (!stored.ok()) return stored.status();
  DepsDeclaration d;
  if (stored->has_value()) {
    auto decoded = decode_deps_declaration(**stored);
    if (!decoded)
      return Status::corruption("deps: stored declaration of " + key + " does not decode");
    d = std::move(*decoded);
  }
  if (b->part() == 0) {
    for (const DepsPart& old : d.parts) {
      for (const std::string& target : old.targets) writer.erase(reverse_key(d, old, target));
    }
    d.parts.clear();
  } else if (d.parts.empty()) {
    writer.note("deps: part " + std::to_string(b->part()) + " of " + std::string(event.job_text()) +
                " arrived without its part 0");
  }
  d.cluster = std::string(event.cluster());
  d.job = std::string(event.job_text());
  d.any_of = b->any_of();
  d.seq = event.seq();
  d.parts.push_back(part_from(event, *b));
  for (const std::string& target : d.parts.back().targets) {
    writer.put(reverse_key(d, d.parts.back(), target), "");
  }
  writer.put(key, encode_deps_declaration(d));
  return Status();
}

std::string encode_deps_declaration(const DepsDeclaration& d) {
  ValueWriter w;
  w.byte(kDepsLayout);
  w.str(d.cluster);
  w.str(d.job);
  w.byte(d.any_of ? 1 : 0);
  w.u64(d.seq);
  w.u64(d.parts.size());
  for (const DepsPart& p : d.parts) {
    w.byte(static_cast<uint8_t>(p.kind));
    w.str(p.raw);
    w.str(p.target_cluster);
    w.u64(p.targets.size());
    for (const std::string& t : p.targets) w.str(t);
  }
  return w.take();
}

std::optional<DepsDeclaration> decode_deps_declaration(std::string_view value) {
  ValueReader r(value);
  if (r.byte() != kDepsLayout) return std::nullopt;
  DepsDeclaration d;
  d.cluster = r.str();
  d.job = r.str();
  d.any_of = r.byte() != 0;
  d.seq = r.u64();
  const uint64_t parts = r.u64();
  for (uint64_t i = 0; i < parts && r.ok(); ++i) {
    DepsPart p;
    p.kind = static_cast<fb::DependencyKind>(r.byte());
    p.raw = r.str();
    p.target_cluster = r.str();
    const uint64_t targets = r.u64();
    for (uint64_t t = 0; t < targets && r.ok(); ++t) p.targets.push_back(r.str());
    d.parts.push_back(std::move(p));
  }
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return d;
}

Result<std::optional<DepsDeclaration>> read_dependencies(const StateSource& state,
                                                         std::string_view cluster,
                                                         std::string_view job) {
  auto stored = state.get(declaration_key(cluster, job));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::optional<DepsDeclaration>();
  auto d = decode_deps_declaration(**stored);
  if (!d)
    return Status::corruption("deps: the declaration of " + std::string(job) + " does not decode");
  return d;
}

Status for_each_dependent(const StateSource& state, std::string_view cluster, std::string_view job,
                          const std::function<bool(const Dependent&)>& visit) {
  const std::string prefix = dependents_prefix(cluster, job);
  size_t seen = 0;
  return state.scan(prefix, [&](std::string_view key, std::string_view) {
    std::string_view rest = key.substr(prefix.size());
    std::string_view c, j;
    if (!keys::get_length_prefixed(&rest, &c) || !keys::get_length_prefixed(&rest, &j) ||
        rest.size() != 1) {
      return true;
    }
    if (++seen > deps_dependents_max) return false;
    return visit(Dependent{std::string(c), std::string(j),
                           static_cast<fb::DependencyKind>(static_cast<uint8_t>(rest[0]))});
  });
}

}  // namespace jobtrail::projections
