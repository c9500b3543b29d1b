// Fold of array-member events into per-array counters. Every count change goes through
// move_task() or add_to_remainder(), which keep total == sum(counts) and assert it.
#include "projections/arrays_projection.h"

#include <numeric>

#include "events/assert.h"
#include "events/keys.h"
#include "projections/job_view.h"
#include "projections/value_codec.h"

namespace jobtrail::projections {

namespace {

constexpr uint8_t kArrayLayout = 1;
constexpr char kTaskTag = '\x01';
constexpr char kEventTag = '\x02';
constexpr char kRangesTag = '\x03';

std::string ranges_key(std::string_view summary_key) {
  std::string key(summary_key);
  key.push_back(kRangesTag);
  return key;
}

std::string task_key(const std::string& summary_key, uint32_t task) {
  std::string key = summary_key;
  key.push_back(kTaskTag);
  keys::put_be32(&key, task);
  return key;
}

void write_runs(ValueWriter& w, const RangeSet& set) {
  w.u64(set.runs().size());
  for (const RangeSet::Run& r : set.runs()) {
    w.u64(r.first);
    w.u64(r.last);
  }
}

RangeSet read_runs(ValueReader& r) {
  std::vector<RangeSet::Run> runs(std::min<uint64_t>(r.u64(), 1u << 24));
  for (RangeSet::Run& run : runs) {
    run.first = static_cast<uint32_t>(r.u64());
    run.last = static_cast<uint32_t>(r.u64());
  }
  RangeSet set;
  set.assign(std::move(runs));
  return set;
}

std::string encode_task(fb::JobState state, int64_t effective_at_us, uint64_t seq) {
  ValueWriter w;
  w.byte(static_cast<uint8_t>(state));
  w.i64(effective_at_us);
  w.u64(seq);
  return w.take();
}

void check_invariants(const ArrayCounts& a) {
  const uint64_t sum = std::accumulate(a.counts.begin(), a.counts.end(), uint64_t{0});
  JT_ASSERT(sum == a.total);
  JT_ASSERT(a.counts[static_cast<size_t>(fb::JobState::PENDING)] >= a.remainder.size());
}

// Moves one task from state `from` (or from nowhere, when it is new) to `to`.
void move_task(ArrayCounts& a, std::optional<fb::JobState> from, fb::JobState to) {
  if (from) {
    JT_ASSERT(a.counts[static_cast<size_t>(*from)] > 0);
    --a.counts[static_cast<size_t>(*from)];
  } else {
    ++a.total;
  }
  ++a.counts[static_cast<size_t>(to)];
}

// Folds one event into the decoded arrays and tasks of the current batch; they are written
// back by ArraysProjection::flush. Only the event-index entry is written per event.
class ArrayFold {
 public:
  ArrayFold(const EventView& event, ProjectionWriter& writer, ArraysProjection::Dirty& dirty)
      : event_(event), writer_(writer), dirty_(dirty) {}

  Status run() {
    const JobKey key = job_key_from(*event_.header().job());
    const JobKey parent = key.array_parent();
    summary_key_ = job_state_key(event_.cluster(), parent.format());
    auto loaded = load(parent.format());
    if (!loaded.ok()) return loaded.status();
    array_ = *loaded;
    fold_metadata();
    if (key.kind == JobKey::Kind::kArrayRemainder) JT_RETURN_IF_ERROR(fold_remainder(key));
    if (key.kind == JobKey::Kind::kArrayTask) JT_RETURN_IF_ERROR(fold_task(key.index));
    check_invariants(*array_);
    array_->last_seq = event_.seq();
    dirty_.event_seqs[summary_key_].push_back(event_.seq());
    return Status();
  }

 private:
  // The array's decoded counts: this batch's copy, or the stored one, or a new one.
  Result<ArrayCounts*> load(const std::string& parent_text) {
    if (auto it = dirty_.arrays.find(summary_key_); it != dirty_.arrays.end()) return &it->second;
    ArrayCounts array;
    auto stored = writer_.get(summary_key_);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) {
      array.cluster = std::string(event_.cluster());
      array.array = parent_text;
    } else {
      auto decoded = decode_array_counts(**stored);
      auto ranges = writer_.get(ranges_key(summary_key_));
      if (!ranges.ok()) return ranges.status();
      if (!decoded || !ranges->has_value() || !decode_array_ranges(**ranges, &*decoded)) {
        return Status::corruption("arrays: stored counts of " + parent_text + " do not decode");
      }
      array = std::move(*decoded);
    }
    return &dirty_.arrays.emplace(summary_key_, std::move(array)).first->second;
  }

  void fold_metadata() {
    ArrayCounts& a = *array_;
    if (const auto* b = event_.as<fb::JobSubmitted>()) {
      if (a.name.empty()) a.name = std::string(sv(b->name()));
      if (a.user.empty()) a.user = std::string(sv(b->user()));
      if (b->submit_at_us() != 0 && (a.submit_at_us == 0 || b->submit_at_us() < a.submit_at_us)) {
        a.submit_at_us = b->submit_at_us();
      }
    }
    if (const auto* b = event_.as<fb::ArrayDeclared>()) {
      if (b->name() != nullptr) a.name = std::string(sv(b->name()));
      if (b->user() != nullptr) a.user = std::string(sv(b->user()));
      if (b->script() != nullptr) a.script = std::string(sv(b->script()));
      if (b->submit_at_us() != 0) a.submit_at_us = b->submit_at_us();
      if (b->max_running() != 0) a.max_running = b->max_running();
      if (b->tasks() != nullptr) {
        std::vector<TaskRange> ranges;
        for (const fb::TaskRange* r : *b->tasks()) {
          ranges.push_back({r->first(), r->last(), r->step()});
        }
        add_to_remainder(ranges);
      }
    }
  }

  // The state this event gives a task or remainder, if it gives one.
  std::optional<fb::JobState> new_state() const {
    if (const auto* b = event_.as<fb::JobSubmitted>()) return b->state();
    if (const auto* b = event_.as<fb::JobStateChanged>()) return b->to();
    return std::nullopt;
  }

  void add_to_remainder(const std::vector<TaskRange>& ranges) {
    const uint64_t added = array_->remainder.add_missing(ranges, array_->seen);
    array_->counts[static_cast<size_t>(fb::JobState::PENDING)] += added;
    array_->total += added;
  }

  Status fold_remainder(const JobKey& key) {
    if (key.max_running != 0) array_->max_running = key.max_running;
    add_to_remainder(key.ranges);
    const auto state = new_state();
    if (!state || *state == fb::JobState::PENDING) return Status();
    // The row stands for all its tasks (cancelled while pending, say; or sacct reporting the
    // whole group's run): each task still in the remainder, or still in the state the row
    // leaves, takes the new state. Bounded by the row's ranges.
    const auto* change = event_.as<fb::JobStateChanged>();
    for (const TaskRange& r : key.ranges) {
      for (uint64_t id = r.first; id <= r.last; id += r.step) {
        const auto task = static_cast<uint32_t>(id);
        bool follows = array_->remainder.contains(task);
        if (!follows && change != nullptr) {
          auto current = load_task(task_key(summary_key_, task), task);
          if (!current.ok()) return current.status();
          follows = (*current)->has_value() && (**current)->state == change->from();
        }
        if (follows) JT_RETURN_IF_ERROR(set_task_state(task, *state));
      }
    }
    return Status();
  }

  Status fold_task(uint32_t task) {
    const auto state = new_state();
    if (!state) return Status();
    return set_task_state(task, *state);
  }

  // The task's entry: this batch's copy or the stored one; nullopt for a task never seen.
  Result<std::optional<ArrayTask>*> load_task(const std::string& key, uint32_t task) {
    if (auto it = dirty_.tasks.find(key); it != dirty_.tasks.end()) {
      found_task_ = it->second;
      return &found_task_;
    }
    auto stored = writer_.get(key);
    if (!stored.ok()) return stored.status();
    found_task_.reset();
    if (stored->has_value()) {
      ValueReader r(**stored);
      ArrayTask t;
      t.task = task;
      t.state = static_cast<fb::JobState>(r.byte());
      t.effective_at_us = r.i64();
      t.seq = r.u64();
      if (!r.ok()) return Status::corruption("arrays: task entry does not decode");
      found_task_ = t;
    }
    return &found_task_;
  }

  Status set_task_state(uint32_t task, fb::JobState state) {
    const std::string key = task_key(summary_key_, task);
    auto previous = load_task(key, task);
    if (!previous.ok()) return previous.status();
    std::optional<fb::JobState> from;
    if (const std::optional<ArrayTask>& p = **previous; p.has_value()) {
      if (event_.effective_at_us() < p->effective_at_us) return Status();  // late: history only
      from = p->state;
    } else if (array_->remainder.erase(task)) {
      from = fb::JobState::PENDING;  // it was counted in the remainder
    }
    array_->seen.insert(task);
    move_task(*array_, from, state);
    dirty_.tasks[key] = ArrayTask{task, state, event_.effective_at_us(), event_.seq()};
    return Status();
  }

  const EventView& event_;
  ProjectionWriter& writer_;
  ArraysProjection::Dirty& dirty_;
  std::string summary_key_;
  ArrayCounts* array_ = nullptr;
  std::optional<ArrayTask> found_task_;
};

}  // namespace

Status ArraysProjection::apply(const EventView& event, ProjectionWriter& writer) {
  const fb::JobKey* job = event.header().job();
  if (job == nullptr) return Status();
  if (job->kind() != fb::JobKeyKind::ARRAY_TASK && job->kind() != fb::JobKeyKind::ARRAY_REMAINDER) {
    return Status();
  }
  switch (event.type()) {
    case fb::Body::JobSubmitted:
    case fb::Body::JobStateChanged:
    case fb::Body::ArrayDeclared:
    case fb::Body::JobFieldsUpdated:
      return ArrayFold(event, writer, dirty_).run();
    case fb::Body::NONE:
    case fb::Body::ClusterRegistered:
    case fb::Body::AccountingRecorded:
    case fb::Body::DependencyDeclared:
    case fb::Body::SourceStatus:
      return Status();
  }
  return Status();
}

namespace {

// The event index is canonical, whatever the commit batches were: seq s lives in the chunk
// keyed by s rounded down to kEventChunkSeqs, whose value is the varint deltas of its seqs
// (the first from 0). Appending reads the chunk's last seq, then adds deltas after it.
constexpr uint64_t kEventChunkSeqs = uint64_t{1} << 16;

Status append_event_seqs(const std::string& summary_key, const std::vector<uint64_t>& seqs,
                         ProjectionWriter& writer) {
  for (size_t i = 0; i < seqs.size();) {
    const uint64_t base = seqs[i] - seqs[i] % kEventChunkSeqs;
    std::string chunk_key = summary_key;
    chunk_key.push_back(kEventTag);
    keys::put_be64(&chunk_key, base);
    auto stored = writer.get(chunk_key);
    if (!stored.ok()) return stored.status();
    std::string value = stored->value_or("");
    uint64_t last = 0;
    for (ValueReader r(value); !r.at_end();) {
      last += r.u64();
      if (!r.ok()) return Status::corruption("arrays: an event-index chunk does not decode");
    }
    ValueWriter w;
    for (; i < seqs.size() && seqs[i] < base + kEventChunkSeqs; ++i) {
      JT_ASSERT(seqs[i] > last);
      w.u64(seqs[i] - last);
      last = seqs[i];
    }
    writer.put(chunk_key, value + w.take());
  }
  return Status();
}

}  // namespace

Status ArraysProjection::flush(ProjectionWriter& writer) {
  for (const auto& [key, array] : dirty_.arrays) {
    writer.put(key, encode_array_counts(array));
    writer.put(ranges_key(key), encode_array_ranges(array));
  }
  for (const auto& [key, task] : dirty_.tasks) {
    writer.put(key, encode_task(task.state, task.effective_at_us, task.seq));
  }
  for (const auto& [key, seqs] : dirty_.event_seqs) {
    JT_RETURN_IF_ERROR(append_event_seqs(key, seqs, writer));
  }
  dirty_.event_seqs.clear();
  dirty_.arrays.clear();
  dirty_.tasks.clear();
  return Status();
}

std::string encode_array_counts(const ArrayCounts& a) {
  ValueWriter w;
  w.byte(kArrayLayout);
  for (const std::string* s : {&a.cluster, &a.array, &a.name, &a.user, &a.script}) w.str(*s);
  w.i64(a.submit_at_us);
  w.u64(a.max_running);
  w.u64(a.counts.size());
  for (uint64_t c : a.counts) w.u64(c);
  w.u64(a.total);
  w.u64(a.last_seq);
  return w.take();
}

std::optional<ArrayCounts> decode_array_counts(std::string_view value) {
  ValueReader r(value);
  if (r.byte() != kArrayLayout) return std::nullopt;
  ArrayCounts a;
  for (std::string* s : {&a.cluster, &a.array, &a.name, &a.user, &a.script}) *s = r.str();
  a.submit_at_us = r.i64();
  a.max_running = static_cast<uint32_t>(r.u64());
  const uint64_t states = r.u64();
  if (states != a.counts.size()) return std::nullopt;
  for (uint64_t& c : a.counts) c = r.u64();
  a.total = r.u64();
  a.last_seq = r.u64();
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return a;
}

std::string encode_array_ranges(const ArrayCounts& a) {
  ValueWriter w;
  w.byte(kArrayLayout);
  write_runs(w, a.remainder);
  write_runs(w, a.seen);
  return w.take();
}

bool decode_array_ranges(std::string_view value, ArrayCounts* a) {
  ValueReader r(value);
  if (r.byte() != kArrayLayout) return false;
  a->remainder = read_runs(r);
  a->seen = read_runs(r);
  return r.ok() && r.at_end();
}

Result<std::optional<ArrayCounts>> read_array(const StateSource& state, std::string_view cluster,
                                              std::string_view array, ArrayRead what) {
  const std::string key = job_state_key(cluster, array);
  auto stored = state.get(key);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::optional<ArrayCounts>();
  auto counts = decode_array_counts(**stored);
  if (!counts) {
    return Status::corruption("arrays: counts of " + std::string(array) + " do not decode");
  }
  if (what == ArrayRead::kCountsAndRanges) {
    auto ranges = state.get(ranges_key(key));
    if (!ranges.ok()) return ranges.status();
    if (!ranges->has_value() || !decode_array_ranges(**ranges, &*counts)) {
      return Status::corruption("arrays: task ranges of " + std::string(array) + " do not decode");
    }
  }
  return counts;
}

Status for_each_array_task(const StateSource& state, std::string_view cluster,
                           std::string_view array,
                           const std::function<bool(const ArrayTask&)>& visit) {
  std::string prefix = job_state_key(cluster, array);
  prefix.push_back(kTaskTag);
  Status error;
  JT_RETURN_IF_ERROR(state.scan(prefix, [&](std::string_view key, std::string_view value) {
    if (key.size() != prefix.size() + 4) return true;
    ValueReader r(value);
    ArrayTask task;
    task.task = keys::get_be32(key.data() + prefix.size());
    task.state = static_cast<fb::JobState>(r.byte());
    task.effective_at_us = r.i64();
    task.seq = r.u64();
    if (!r.ok()) {
      error = Status::corruption("arrays: a task entry does not decode");
      return false;
    }
    return visit(task);
  }));
  return error;
}

Result<std::vector<uint64_t>> array_event_seqs(const StateSource& state, std::string_view cluster,
                                               std::string_view array) {
  std::string prefix = job_state_key(cluster, array);
  prefix.push_back(kEventTag);
  std::vector<uint64_t> seqs;
  Status error;
  JT_RETURN_IF_ERROR(state.scan(prefix, [&](std::string_view key, std::string_view value) {
    if (key.size() != prefix.size() + 8) return true;
    ValueReader r(value);
    uint64_t seq = 0;
    while (!r.at_end() && r.ok()) {
      seq += r.u64();
      seqs.push_back(seq);
    }
    if (!r.ok()) error = Status::corruption("arrays: an event-index chunk does not decode");
    return r.ok();
  }));
  if (!error.ok()) return error;
  return seqs;
}

Status for_each_array(const StateSource& state, std::string_view cluster,
                      const std::function<bool(const ArrayCounts&)>& visit) {
  std::string prefix;
  if (!cluster.empty()) keys::put_length_prefixed(&prefix, cluster);
  Status error;
  JT_RETURN_IF_ERROR(state.scan(prefix, [&](std::string_view key, std::string_view value) {
    std::string_view rest = key, part;
    if (key.empty() || key.front() == '\0') return true;
    if (!keys::get_length_prefixed(&rest, &part) || !keys::get_length_prefixed(&rest, &part) ||
        !rest.empty()) {
      return true;  // a task or event-index entry
    }
    auto counts = decode_array_counts(value);
    if (!counts) {
      error = Status::corruption("arrays: stored counts do not decode");
      return false;
    }
    return visit(*counts);
  }));
  return error;
}

}  // namespace jobtrail::projections
