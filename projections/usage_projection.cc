#include "projections/usage_projection.h"

#include <algorithm>
#include <map>

#include "events/keys.h"
#include "events/time_format.h"
#include "projections/value_codec.h"

namespace jobtrail::projections {

// What one run adds: who, where, and its span.
struct UsageContribution {
  std::string user, account, partition;
  uint64_t cpus = 0, gpus = 0;
  int64_t start_us = 0, end_us = 0;
};

namespace {

constexpr int64_t kUsPerMs = 1000;
constexpr int64_t kUsPerDay = 86'400'000'000;
constexpr double kMsPerHour = 3'600'000.0;
// A run longer than this is not a run but a bad record (an end years after its start): it is
// refused with a note rather than spread over thousands of days.
constexpr int64_t kRunDaysMax = 3660;

using Totals = UsageProjection::Totals;
using Contribution = UsageContribution;

std::string encode(const Contribution& c) {
  ValueWriter w;
  w.byte(1);
  w.str(c.user);
  w.str(c.account);
  w.str(c.partition);
  w.u64(c.cpus);
  w.u64(c.gpus);
  w.i64(c.start_us);
  w.i64(c.end_us);
  return w.take();
}

Result<Contribution> decode_contribution(std::string_view value) {
  ValueReader r(value);
  Contribution c;
  const uint8_t layout = r.byte();
  c.user = r.str();
  c.account = r.str();
  c.partition = r.str();
  c.cpus = r.u64();
  c.gpus = r.u64();
  c.start_us = r.i64();
  c.end_us = r.i64();
  if (!r.ok() || layout != 1) return Status::corruption("usage run value does not decode");
  return c;
}

std::string encode(const Totals& t) {
  ValueWriter w;
  w.u64(t.core_ms);
  w.u64(t.gpu_ms);
  w.u64(t.jobs_ended);
  return w.take();
}

Result<Totals> decode_totals(std::string_view value) {
  ValueReader r(value);
  Totals t;
  t.core_ms = r.u64();
  t.gpu_ms = r.u64();
  t.jobs_ended = r.u64();
  if (!r.ok()) return Status::corruption("usage totals do not decode");
  return t;
}

std::string run_key(std::string_view cluster, std::string_view job, int64_t start_us) {
  std::string key = "r";
  keys::put_length_prefixed(&key, cluster);
  keys::put_length_prefixed(&key, job);
  keys::put_be64(&key, static_cast<uint64_t>(start_us) ^ (uint64_t{1} << 63));
  return key;
}

// Into `key` (cleared first): 'u' dimension lp(cluster), the start of every rollup key of
// one dimension and cluster.
void rollup_prefix_into(std::string* key, UsageBy by, std::string_view cluster) {
  key->assign(1, 'u');
  key->push_back(static_cast<char>(by));
  keys::put_length_prefixed(key, cluster);
}

std::string rollup_prefix(UsageBy by, std::string_view cluster) {
  std::string key;
  rollup_prefix_into(&key, by, cluster);
  return key;
}

// Into `key` (cleared first): a whole rollup key, built in a buffer the caller reuses.
void rollup_key_into(std::string* key, UsageBy by, std::string_view cluster, std::string_view value,
                     uint32_t day) {
  rollup_prefix_into(key, by, cluster);
  keys::put_length_prefixed(key, value);
  keys::put_be32(key, day);
}

int64_t floor_day(int64_t us) {
  return us >= 0 ? us / kUsPerDay : -((-us + kUsPerDay - 1) / kUsPerDay);
}

std::string day_text(uint32_t day) {
  return format_iso8601_us(static_cast<int64_t>(day) * kUsPerDay).substr(0, 10);
}

}  // namespace

// The rollup under `key`, decoded once per batch.
Result<Totals*> UsageProjection::rollup(ProjectionWriter& writer, std::string_view key) {
  if (auto it = dirty_.find(key); it != dirty_.end()) return &it->second;
  auto stored = writer.get(key);
  if (!stored.ok()) return stored.status();
  Totals t;
  if (stored->has_value()) {
    auto decoded = decode_totals(**stored);
    if (!decoded.ok()) return decoded.status();
    t = *decoded;
  }
  return &dirty_.emplace(std::string(key), t).first->second;
}

// Adds (sign +1) or removes (-1) one run's contribution from every rollup it touches.
Status UsageProjection::add_contribution(ProjectionWriter& writer, std::string_view cluster,
                                         const Contribution& c, int sign) {
  const std::pair<UsageBy, std::string_view> dimensions[] = {{UsageBy::kUser, c.user},
                                                             {UsageBy::kAccount, c.account},
                                                             {UsageBy::kPartition, c.partition},
                                                             {UsageBy::kDay, ""}};
  const auto apply = [sign](uint64_t* total, uint64_t amount) {
    *total = sign > 0 ? *total + amount : *total - std::min(*total, amount);
  };
  const int64_t last_day = floor_day(c.end_us - 1);
  for (int64_t day = floor_day(c.start_us); day <= last_day; ++day) {
    const int64_t begin = std::max(c.start_us, day * kUsPerDay);
    const int64_t end = std::min(c.end_us, (day + 1) * kUsPerDay);
    const auto span_ms = static_cast<uint64_t>((end - begin) / kUsPerMs);
    for (const auto& [by, value] : dimensions) {
      rollup_key_into(&key_scratch_, by, cluster, value, static_cast<uint32_t>(day));
      auto t = rollup(writer, key_scratch_);
      if (!t.ok()) return t.status();
      apply(&(*t)->core_ms, c.cpus * span_ms);
      apply(&(*t)->gpu_ms, c.gpus * span_ms);
      if (day == last_day) apply(&(*t)->jobs_ended, 1);
    }
  }
  return Status();
}

Status UsageProjection::flush(ProjectionWriter& writer) {
  while (!dirty_.empty()) {
    auto node = dirty_.extract(dirty_.begin());
    const Totals& t = node.mapped();
    if (t.core_ms == 0 && t.gpu_ms == 0 && t.jobs_ended == 0) {
      writer.erase(node.key());
    } else {
      writer.put_owned(std::move(node.key()), encode(t));
    }
  }
  return Status();
}

Status UsageProjection::apply(const EventView& event, ProjectionWriter& writer) {
  const auto* record = event.as<fb::AccountingRecorded>();
  if (record == nullptr || event.header().job() == nullptr) return Status();
  if (record->step() != nullptr && record->step()->size() > 0) return Status();
  Contribution c;
  c.start_us = record->start_at_us();
  c.end_us = record->end_at_us();
  c.cpus = record->cpus();
  c.gpus = record->gpus();
  if (c.start_us <= 0 || c.end_us <= c.start_us || (c.cpus == 0 && c.gpus == 0)) return Status();
  if (c.end_us - c.start_us > kRunDaysMax * kUsPerDay) {
    writer.note("a run of more than " + std::to_string(kRunDaysMax) + " days is not counted");
    return Status();
  }
  if (record->user()) c.user = record->user()->str();
  if (record->account()) c.account = record->account()->str();
  if (record->partition()) c.partition = record->partition()->str();

  const std::string_view cluster = event.cluster();
  std::string key = run_key(cluster, event.job_text(), c.start_us);
  auto stored = writer.get(key);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {  // the same run again: replace what it added
    auto earlier = decode_contribution(**stored);
    if (!earlier.ok()) return earlier.status();
    JT_RETURN_IF_ERROR(add_contribution(writer, cluster, *earlier, -1));
  }
  JT_RETURN_IF_ERROR(add_contribution(writer, cluster, c, +1));
  writer.put_owned(std::move(key), encode(c));
  return Status();
}

std::optional<UsageBy> usage_by_from_name(std::string_view name) {
  if (name == "user") return UsageBy::kUser;
  if (name == "account") return UsageBy::kAccount;
  if (name == "partition" || name == "queue") return UsageBy::kPartition;
  if (name == "day") return UsageBy::kDay;
  return std::nullopt;
}

Result<std::vector<UsageRow>> read_usage(const StateSource& state, const UsageQuery& query) {
  const std::string prefix = query.cluster.empty() ? std::string("u") + static_cast<char>(query.by)
                                                   : rollup_prefix(query.by, query.cluster);
  const int64_t first_day = query.from_us != 0 ? floor_day(query.from_us) : INT64_MIN;
  const int64_t last_day = query.to_us != 0 ? floor_day(query.to_us - 1) : INT64_MAX;
  std::map<std::pair<std::string, std::string>, Totals> sums;
  Status failure;
  JT_RETURN_IF_ERROR(state.scan(prefix, [&](std::string_view key, std::string_view value) {
    std::string_view rest = key.substr(2);
    std::string_view cluster, name;
    if (!keys::get_length_prefixed(&rest, &cluster) || !keys::get_length_prefixed(&rest, &name) ||
        rest.size() != 4) {
      failure = Status::corruption("a usage key does not decode");
      return false;
    }
    const uint32_t day = keys::get_be32(rest.data());
    if (static_cast<int64_t>(day) < first_day || static_cast<int64_t>(day) > last_day) return true;
    auto totals = decode_totals(value);
    if (!totals.ok()) {
      failure = totals.status();
      return false;
    }
    const std::string row_key = query.by == UsageBy::kDay ? day_text(day) : std::string(name);
    Totals& sum = sums[{query.cluster.empty() ? "" : std::string(cluster), row_key}];
    sum.core_ms += totals->core_ms;
    sum.gpu_ms += totals->gpu_ms;
    sum.jobs_ended += totals->jobs_ended;
    return true;
  }));
  JT_RETURN_IF_ERROR(failure);
  std::vector<UsageRow> rows;
  rows.reserve(sums.size());
  for (const auto& [id, t] : sums) {
    rows.push_back(UsageRow{id.first, id.second, static_cast<double>(t.core_ms) / kMsPerHour,
                            static_cast<double>(t.gpu_ms) / kMsPerHour, t.jobs_ended});
  }
  if (query.by != UsageBy::kDay) {
    std::stable_sort(rows.begin(), rows.end(), [](const UsageRow& a, const UsageRow& b) {
      return a.core_hours > b.core_hours;
    });
  }
  return rows;
}

}  // namespace jobtrail::projections
