#include "projections/history_projection.h"

#include "events/keys.h"
#include "projections/job_view.h"
#include "projections/value_codec.h"

namespace jobtrail::projections {

namespace {

constexpr uint8_t kHistoryLayout = 1;
constexpr uint64_t kTimeBias = uint64_t{1} << 63;  // signed times sort as unsigned

std::string encode_entry(const HistoryEntry& e) {
  ValueWriter w;
  w.byte(kHistoryLayout);
  w.byte(e.is_submission ? 1 : 0);
  w.byte(static_cast<uint8_t>(e.from));
  w.byte(static_cast<uint8_t>(e.to));
  w.i64(e.observed_at_us);
  w.i64(e.exit_code);
  w.i64(e.signal);
  w.str(e.raw_state);
  w.str(e.reason);
  return w.take();
}

std::optional<HistoryEntry> decode_entry(std::string_view key_suffix, std::string_view value) {
  if (key_suffix.size() != 16) return std::nullopt;
  HistoryEntry e;
  e.effective_at_us = static_cast<int64_t>(keys::get_be64(key_suffix.data()) - kTimeBias);
  e.seq = keys::get_be64(key_suffix.data() + 8);
  ValueReader r(value);
  if (r.byte() != kHistoryLayout) return std::nullopt;
  e.is_submission = r.byte() != 0;
  e.from = static_cast<fb::JobState>(r.byte());
  e.to = static_cast<fb::JobState>(r.byte());
  e.observed_at_us = r.i64();
  e.exit_code = static_cast<int32_t>(r.i64());
  e.signal = static_cast<int32_t>(r.i64());
  e.raw_state = r.str();
  e.reason = r.str();
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return e;
}

}  // namespace

std::optional<HistoryEntry> history_entry_of(const EventView& event) {
  if (event.header().job() == nullptr) return std::nullopt;
  HistoryEntry e;
  e.seq = event.seq();
  e.effective_at_us = event.effective_at_us();
  e.observed_at_us = event.observed_at_us();
  if (const auto* b = event.as<fb::JobSubmitted>()) {
    e.is_submission = true;
    e.to = b->state();
    e.raw_state = std::string(sv(b->raw_state()));
    return e;
  }
  if (const auto* b = event.as<fb::JobStateChanged>()) {
    e.from = b->from();
    e.to = b->to();
    e.exit_code = b->exit_code();
    e.signal = b->signal();
    e.raw_state = std::string(sv(b->raw_state()));
    e.reason = std::string(sv(b->reason()));
    return e;
  }
  return std::nullopt;
}

Status HistoryProjection::apply(const EventView& event, ProjectionWriter& writer) {
  auto entry = history_entry_of(event);
  if (!entry) return Status();
  std::string key = job_state_key(event.cluster(), event.job_text());
  keys::put_be64(&key, static_cast<uint64_t>(entry->effective_at_us) + kTimeBias);
  keys::put_be64(&key, entry->seq);
  writer.put(key, encode_entry(*entry));
  return Status();
}

Result<std::vector<HistoryEntry>> read_history(const StateSource& state, std::string_view cluster,
                                               std::string_view job) {
  const std::string prefix = job_state_key(cluster, job);
  std::vector<HistoryEntry> entries;
  Status error;
  JT_RETURN_IF_ERROR(state.scan(prefix, [&](std::string_view key, std::string_view value) {
    auto entry = decode_entry(key.substr(prefix.size()), value);
    if (!entry) {
      error = Status::corruption("history: an entry of " + std::string(job) + " does not decode");
      return false;
    }
    entries.push_back(std::move(*entry));
    return true;
  }));
  if (!error.ok()) return error;
  return entries;
}

}  // namespace jobtrail::projections
