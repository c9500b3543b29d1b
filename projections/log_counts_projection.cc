#include "projections/log_counts_projection.h"

#include <algorithm>

#include "projections/value_codec.h"

namespace jobtrail::projections {

namespace {

std::string status_key(std::string_view cluster, std::string_view source) {
  ValueWriter w;
  w.str(cluster);
  return "s" + w.take() + std::string(source);
}

std::string_view text_of(const flatbuffers::String* s) {
  return s == nullptr ? std::string_view() : std::string_view(s->data(), s->size());
}

}  // namespace

Status LogCountsProjection::apply(const EventView& event, ProjectionWriter& writer) {
  ++type_deltas_[std::string(event.type_name())];
  int64_t& newest = newest_observed_[std::string(event.cluster())];
  newest = std::max(newest, event.observed_at_us());
  if (event.type() != fb::Body::SourceStatus) return Status();
  const auto* body = event.as<fb::SourceStatus>();
  ValueWriter value;
  value.byte(body->reachable() ? 1 : 0);
  value.i64(event.observed_at_us());
  value.str(text_of(body->error()));
  value.str(event.cluster());
  value.str(text_of(body->source()));
  writer.put(status_key(event.cluster(), text_of(body->source())), value.take());
  return Status();
}

Status LogCountsProjection::flush(ProjectionWriter& writer) {
  for (const auto& [type, delta] : type_deltas_) {
    const std::string key = "t" + type;
    auto stored = writer.get(key);
    if (!stored.ok()) return stored.status();
    uint64_t count = 0;
    if (stored->has_value()) count = ValueReader(**stored).u64();
    ValueWriter value;
    value.u64(count + delta);
    writer.put(key, value.take());
  }
  for (const auto& [cluster, observed_us] : newest_observed_) {
    const std::string key = "o" + cluster;
    auto stored = writer.get(key);
    if (!stored.ok()) return stored.status();
    int64_t newest = observed_us;
    if (stored->has_value()) newest = std::max(newest, ValueReader(**stored).i64());
    ValueWriter value;
    value.i64(newest);
    writer.put(key, value.take());
  }
  type_deltas_.clear();
  newest_observed_.clear();
  return Status();
}

Result<LogCounts> read_log_counts(const StateSource& state) {
  LogCounts counts;
  Status bad;
  auto visit = [&](std::string_view key, std::string_view value) {
    ValueReader r(value);
    const std::string_view rest = key.substr(1);
    if (key[0] == 't') {
      counts.events_by_type[std::string(rest)] = r.u64();
    } else if (key[0] == 'o') {
      counts.newest_observed_us[std::string(rest)] = r.i64();
    } else if (key[0] == 's') {
      SourceStatusView s;
      s.reachable = r.byte() != 0;
      s.observed_at_us = r.i64();
      s.error = r.str();
      s.cluster = r.str();
      s.source = r.str();
      counts.source_status.push_back(std::move(s));
    }
    if (!r.ok()) bad = Status::corruption("log_counts value of " + std::string(key));
    return bad.ok();
  };
  for (std::string_view prefix : {"t", "o", "s"}) {
    JT_RETURN_IF_ERROR(state.scan(prefix, visit));
    JT_RETURN_IF_ERROR(bad);
  }
  return counts;
}

}  // namespace jobtrail::projections
