#include "replay/verify.h"

#include <cstdio>
#include <map>

#include "projections/engine.h"
#include "projections/projection_set.h"

namespace jobtrail::replay {

std::string printable_key(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

namespace {

void add_difference(VerifyReport& report, std::string projection, std::string_view key,
                    std::string problem) {
  ++report.difference_count;
  if (report.differences.size() < kVerifyDifferencesKept) {
    report.differences.push_back({std::move(projection), printable_key(key), std::move(problem)});
  }
}

// The seq every stored projection has reached; an error when they disagree or are stale.
Result<uint64_t> stored_seq(const EventLog& log) {
  std::optional<uint64_t> seq;
  for (const auto& projection : projections::default_projections()) {
    auto stored = log.read_state(projection->name(), projections::kCheckpointKey);
    if (!stored.ok()) return stored.status();
    uint64_t last = 0;
    uint32_t version = 0;
    if (stored->has_value() && !projections::decode_checkpoint(**stored, &last, &version)) {
      return Status::corruption(std::string(projection->name()) + ": malformed checkpoint");
    }
    if (stored->has_value() && version != projection->version()) {
      return Status::conflict(std::string(projection->name()) + " is stored at version " +
                              std::to_string(version) + "; run `jobtrail rebuild`");
    }
    if (seq && *seq != last) {
      return Status::conflict("projections are at different seqs; catch up first");
    }
    seq = last;
  }
  return seq.value_or(0);
}

}  // namespace

Result<VerifyReport> verify_projections(const EventLog& log) {
  VerifyReport report;
  auto seq = stored_seq(log);
  if (!seq.ok()) return seq.status();
  report.seq = *seq;
  auto engine = projections::ProjectionEngine::in_memory(projections::default_projections(), {});
  JT_RETURN_IF_ERROR(engine->catch_up(log, report.seq));
  for (const auto& state : engine->states()) {
    std::map<std::string, std::string> rebuilt = engine->memory_state(state.name);
    JT_RETURN_IF_ERROR(
        log.scan_state(state.name, "", [&](std::string_view key, std::string_view value) {
          if (key == projections::kCheckpointKey) return true;
          ++report.entries_compared;
          auto it = rebuilt.find(std::string(key));
          if (it == rebuilt.end()) {
            add_difference(report, state.name, key, "stored, but not in the rebuilt state");
          } else {
            if (it->second != value)
              add_difference(report, state.name, key, "stored value differs");
            rebuilt.erase(it);
          }
          return true;
        }));
    for (const auto& [key, value] : rebuilt) {
      add_difference(report, state.name, key, "in the rebuilt state, missing from the stored");
    }
  }
  return report;
}

}  // namespace jobtrail::replay
