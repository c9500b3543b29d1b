// Fold of array-member events into per-array counters. Every count change goes through
// move_task() or add_to_remainder(), which keep total == sum(counts) and assert it.
#include "projections/arrays_projection.h"

#include <numeric>

#include "events/assert.h"
#include "events/keys.h"
#include "projections/engine.h"
#include "projections/job_view.h"
#include "projections/value_codec.h"

namespace jobtrail::projections {

namespace {

constexpr uint8_t kArrayLayout = 1;
constexpr char kTaskTag = '\x01';
constexpr char kEventTag = '\x02';
constexpr char kRangesTag = '\x03';
// The journal is canonical, whatever the commit batches were: the fact of seq s lives in the
// chunk keyed by s rounded down to kJournalChunkSeqs, facts in seq order; a batch appends
// its facts to the chunks of their seqs. A chunk is rewritten whole by each commit that adds
// to it, so it is kept small: 4096 seqs, at most ~110 KB of facts (an array whose events fill
// the span), against 65536 seqs for the seq-only index this replaced.
constexpr uint64_t kJournalChunkSeqs = uint64_t{1} << 12;

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

// One array event reduced to what the fold reads. Built from an EventView when the fold runs
// on the log, or decoded from the array's journal when an as-of replays one array alone; the
// string views point into the event or the journal value, alive while the fact is folded.
//
// Journal encoding (values under summary 0x02 be64(base), facts concatenated in seq order):
//   fact   := u64(seq) i64(effective_at_us) i64(observed_at_us) byte(type) byte(flags)
//             member [byte(state)] [byte(from)] [metadata]
//   member := u64(max_running) ranges      (flags & kRemainder: a pending remainder row)
//           | u64(task)                    (otherwise: one task)
//   state  := present when flags & kHasState (JobSubmitted's state, JobStateChanged's to)
//   from   := present for JobStateChanged
//   metadata (JobSubmitted, ArrayDeclared) :=
//             [str(name)] [str(user)] [str(script)]   (each when its flag is set)
//             i64(submit_at_us) u64(declared_max_running) [ranges]  (ranges: kHasTasks)
//   ranges := u64(n) n x (u64(first) u64(last) u64(step))
struct ArrayFact {
  uint64_t seq = 0;
  int64_t effective_at_us = 0, observed_at_us = 0;
  fb::Body type = fb::Body::NONE;
  bool remainder = false;         // a pending remainder row; else one task
  uint32_t task = 0;              // the task, when not a remainder
  uint32_t max_running = 0;       // the remainder row's throttle ("%4")
  std::vector<TaskRange> ranges;  // the remainder row's tasks
  std::optional<fb::JobState> state, from;
  std::optional<std::string_view> name, user, script;  // absent: the event did not say
  int64_t submit_at_us = 0;
  uint32_t declared_max_running = 0;
  std::optional<std::vector<TaskRange>> declared_tasks;  // ArrayDeclared's task list
};

constexpr uint8_t kRemainder = 1, kHasState = 2, kHasName = 4, kHasUser = 8, kHasScript = 16,
                  kHasTasks = 32;

std::optional<std::string_view> optional_sv(const flatbuffers::String* s) {
  if (s == nullptr) return std::nullopt;
  return sv(s);
}

void ranges_from(const flatbuffers::Vector<const fb::TaskRange*>* in, std::vector<TaskRange>* out) {
  if (in == nullptr) return;
  for (const fb::TaskRange* r : *in) out->push_back({r->first(), r->last(), r->step()});
}

ArrayFact fact_from(const EventView& event, const fb::JobKey& job) {
  ArrayFact f;
  f.seq = event.seq();
  f.effective_at_us = event.effective_at_us();
  f.observed_at_us = event.observed_at_us();
  f.type = event.type();
  f.remainder = job.kind() == fb::JobKeyKind::ARRAY_REMAINDER;
  f.task = job.index();
  f.max_running = job.max_running();
  if (f.remainder) ranges_from(job.ranges(), &f.ranges);
  if (const auto* b = event.as<fb::JobSubmitted>()) {
    f.state = b->state();
    f.name = optional_sv(b->name());
    f.user = optional_sv(b->user());
    f.submit_at_us = b->submit_at_us();
  }
  if (const auto* b = event.as<fb::JobStateChanged>()) {
    f.state = b->to();
    f.from = b->from();
  }
  if (const auto* b = event.as<fb::ArrayDeclared>()) {
    f.name = optional_sv(b->name());
    f.user = optional_sv(b->user());
    f.script = optional_sv(b->script());
    f.submit_at_us = b->submit_at_us();
    f.declared_max_running = b->max_running();
    if (b->tasks() != nullptr) ranges_from(b->tasks(), &f.declared_tasks.emplace());
  }
  return f;
}

void write_ranges(ValueWriter& w, const std::vector<TaskRange>& ranges) {
  w.u64(ranges.size());
  for (const TaskRange& r : ranges) {
    w.u64(r.first);
    w.u64(r.last);
    w.u64(r.step);
  }
}

bool read_ranges(ValueReader& r, std::vector<TaskRange>* out) {
  const uint64_t n = r.u64();
  if (n > r.remaining() / 3) return false;  // each range takes 3 bytes or more
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    TaskRange range;
    range.first = static_cast<uint32_t>(r.u64());
    range.last = static_cast<uint32_t>(r.u64());
    range.step = static_cast<uint32_t>(r.u64());
    if (range.step == 0 || range.last < range.first) return false;
    out->push_back(range);
  }
  return r.ok();
}

bool has_metadata(fb::Body type) {
  return type == fb::Body::JobSubmitted || type == fb::Body::ArrayDeclared;
}

void encode_fact(const ArrayFact& f, ValueWriter& w) {
  w.u64(f.seq);
  w.i64(f.effective_at_us);
  w.i64(f.observed_at_us);
  w.byte(static_cast<uint8_t>(f.type));
  w.byte(static_cast<uint8_t>((f.remainder ? kRemainder : 0) | (f.state ? kHasState : 0) |
                              (f.name ? kHasName : 0) | (f.user ? kHasUser : 0) |
                              (f.script ? kHasScript : 0) | (f.declared_tasks ? kHasTasks : 0)));
  if (f.remainder) {
    w.u64(f.max_running);
    write_ranges(w, f.ranges);
  } else {
    w.u64(f.task);
  }
  if (f.state) w.byte(static_cast<uint8_t>(*f.state));
  if (f.type == fb::Body::JobStateChanged)
    w.byte(static_cast<uint8_t>(f.from.value_or(fb::JobState::UNKNOWN)));
  if (!has_metadata(f.type)) return;
  for (const auto* s : {&f.name, &f.user, &f.script}) {
    if (*s) w.str(**s);
  }
  w.i64(f.submit_at_us);
  w.u64(f.declared_max_running);
  if (f.declared_tasks) write_ranges(w, *f.declared_tasks);
}

// The next fact of a journal value; false (with `r` not ok) when it does not decode.
bool decode_fact(ValueReader& r, ArrayFact* f) {
  *f = ArrayFact();
  f->seq = r.u64();
  f->effective_at_us = r.i64();
  f->observed_at_us = r.i64();
  const uint8_t type = r.byte();
  const uint8_t flags = r.byte();
  if (!r.ok() || type > static_cast<uint8_t>(fb::Body::MAX)) return false;
  f->type = static_cast<fb::Body>(type);
  f->remainder = (flags & kRemainder) != 0;
  if (f->remainder) {
    f->max_running = static_cast<uint32_t>(r.u64());
    if (!read_ranges(r, &f->ranges)) return false;
  } else {
    f->task = static_cast<uint32_t>(r.u64());
  }
  const auto read_state = [&r]() -> std::optional<fb::JobState> {
    const uint8_t state = r.byte();
    if (state > static_cast<uint8_t>(fb::JobState::MAX)) return std::nullopt;
    return static_cast<fb::JobState>(state);
  };
  if ((flags & kHasState) != 0 && !(f->state = read_state())) return false;
  if (f->type == fb::Body::JobStateChanged && !(f->from = read_state())) return false;
  if (has_metadata(f->type)) {
    for (auto [s, flag] : {std::pair{&f->name, kHasName}, std::pair{&f->user, kHasUser},
                           std::pair{&f->script, kHasScript}}) {
      if ((flags & flag) != 0) *s = r.str_view();
    }
    f->submit_at_us = r.i64();
    f->declared_max_running = static_cast<uint32_t>(r.u64());
    if ((flags & kHasTasks) != 0 && !read_ranges(r, &f->declared_tasks.emplace())) return false;
  }
  return r.ok();
}

// Folds one fact into the decoded arrays and tasks of the current batch; they are written
// back by ArraysProjection::flush, with the facts appended to the array's journal.
class ArrayFold {
 public:
  // `summary_key` must outlive the fold.
  ArrayFold(const ArrayFact& fact, std::string_view cluster, const std::string& summary_key,
            std::string_view array_text, ProjectionWriter& writer, ArraysProjection::Dirty& dirty)
      : fact_(fact),
        cluster_(cluster),
        summary_key_(summary_key),
        array_text_(array_text),
        writer_(writer),
        dirty_(dirty) {}

  Status run() {
    auto loaded = load();
    if (!loaded.ok()) return loaded.status();
    array_ = *loaded;
    fold_metadata();
    if (fact_.remainder) JT_RETURN_IF_ERROR(fold_remainder());
    if (!fact_.remainder) JT_RETURN_IF_ERROR(fold_task(fact_.task));
    check_invariants(*array_);
    array_->last_seq = fact_.seq;
    return Status();
  }

 private:
  // The array's decoded counts: this batch's copy, or the stored one, or a new one.
  Result<ArrayCounts*> load() {
    if (auto it = dirty_.arrays.find(summary_key_); it != dirty_.arrays.end()) return &it->second;
    ArrayCounts array;
    auto stored = writer_.get(summary_key_);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) {
      array.cluster = std::string(cluster_);
      array.array = std::string(array_text_);
    } else {
      auto decoded = decode_array_counts(**stored);
      auto ranges = writer_.get(ranges_key(summary_key_));
      if (!ranges.ok()) return ranges.status();
      if (!decoded || !ranges->has_value() || !decode_array_ranges(**ranges, &*decoded)) {
        return Status::corruption("arrays: stored counts of " + std::string(array_text_) +
                                  " do not decode");
      }
      array = std::move(*decoded);
    }
    return &dirty_.arrays.emplace(summary_key_, std::move(array)).first->second;
  }

  void fold_metadata() {
    ArrayCounts& a = *array_;
    if (fact_.type == fb::Body::JobSubmitted) {
      if (a.name.empty()) a.name = std::string(fact_.name.value_or(""));
      if (a.user.empty()) a.user = std::string(fact_.user.value_or(""));
      if (fact_.submit_at_us != 0 && (a.submit_at_us == 0 || fact_.submit_at_us < a.submit_at_us)) {
        a.submit_at_us = fact_.submit_at_us;
      }
    }
    if (fact_.type == fb::Body::ArrayDeclared) {
      if (fact_.name) a.name = std::string(*fact_.name);
      if (fact_.user) a.user = std::string(*fact_.user);
      if (fact_.script) a.script = std::string(*fact_.script);
      if (fact_.submit_at_us != 0) a.submit_at_us = fact_.submit_at_us;
      if (fact_.declared_max_running != 0) a.max_running = fact_.declared_max_running;
      if (fact_.declared_tasks) add_to_remainder(*fact_.declared_tasks);
    }
  }

  void add_to_remainder(const std::vector<TaskRange>& ranges) {
    const uint64_t added = array_->remainder.add_missing(ranges, array_->seen);
    array_->counts[static_cast<size_t>(fb::JobState::PENDING)] += added;
    array_->total += added;
  }

  Status fold_remainder() {
    if (fact_.max_running != 0) array_->max_running = fact_.max_running;
    add_to_remainder(fact_.ranges);
    const auto& state = fact_.state;
    if (!state || *state == fb::JobState::PENDING) return Status();
    // The row stands for all its tasks (cancelled while pending, say; or sacct reporting the
    // whole group's run): each task still in the remainder, or still in the state the row
    // leaves, takes the new state. Bounded by the row's ranges.
    for (const TaskRange& r : fact_.ranges) {
      for (uint64_t id = r.first; id <= r.last; id += r.step) {
        const auto task = static_cast<uint32_t>(id);
        bool follows = array_->remainder.contains(task);
        if (!follows && fact_.from) {
          auto current = load_task(task_key(summary_key_, task), task);
          if (!current.ok()) return current.status();
          follows = (*current)->has_value() && (**current)->state == *fact_.from;
        }
        if (follows) JT_RETURN_IF_ERROR(set_task_state(task, *state));
      }
    }
    return Status();
  }

  Status fold_task(uint32_t task) {
    if (!fact_.state) return Status();
    return set_task_state(task, *fact_.state);
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
      if (fact_.effective_at_us < p->effective_at_us) return Status();  // late: history only
      from = p->state;
    } else if (array_->remainder.erase(task)) {
      from = fb::JobState::PENDING;  // it was counted in the remainder
    }
    array_->seen.insert(task);
    move_task(*array_, from, state);
    dirty_.tasks[key] = ArrayTask{task, state, fact_.effective_at_us, fact_.seq};
    return Status();
  }

  const ArrayFact& fact_;
  std::string_view cluster_;
  const std::string& summary_key_;
  std::string_view array_text_;
  ProjectionWriter& writer_;
  ArraysProjection::Dirty& dirty_;
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
      return fold_event(event, *job, writer);
    case fb::Body::NONE:
    case fb::Body::ClusterRegistered:
    case fb::Body::AccountingRecorded:
    case fb::Body::DependencyDeclared:
    case fb::Body::SourceStatus:
      return Status();
  }
  return Status();  // a body type newer than this build: not an array fact
}

Status ArraysProjection::fold_event(const EventView& event, const fb::JobKey& job,
                                    ProjectionWriter& writer) {
  const std::string parent = job_key_from(job).array_parent().format();
  std::string summary_key = job_state_key(event.cluster(), parent);
  const ArrayFact fact = fact_from(event, job);
  JT_RETURN_IF_ERROR(ArrayFold(fact, event.cluster(), summary_key, parent, writer, dirty_).run());
  std::vector<ArraysProjection::JournalChunk>& chunks = dirty_.journal[std::move(summary_key)];
  const uint64_t base = fact.seq - fact.seq % kJournalChunkSeqs;
  if (chunks.empty() || chunks.back().base != base) chunks.push_back({base, {}});
  fact_scratch_.clear();
  encode_fact(fact, fact_scratch_);
  chunks.back().facts.append(fact_scratch_.view());
  return Status();
}

namespace {

std::string journal_key(std::string_view summary_key, uint64_t base) {
  std::string key(summary_key);
  key.push_back(kEventTag);
  keys::put_be64(&key, base);
  return key;
}

// Appends a batch's facts to the chunks they belong to.
Status append_journal(const std::string& summary_key,
                      const std::vector<ArraysProjection::JournalChunk>& chunks,
                      ProjectionWriter& writer) {
  for (const ArraysProjection::JournalChunk& chunk : chunks) {
    std::string key = journal_key(summary_key, chunk.base);
    auto stored = writer.get(key);
    if (!stored.ok()) return stored.status();
    std::string value = std::move(*stored).value_or("");
    value += chunk.facts;
    writer.put_owned(std::move(key), std::move(value));
  }
  return Status();
}

// Visits every fact of the array's journal in seq order, until visit returns false.
Status for_each_fact(const StateSource& state, std::string_view cluster, std::string_view array,
                     const std::function<bool(const ArrayFact&)>& visit) {
  std::string prefix = job_state_key(cluster, array);
  prefix.push_back(kEventTag);
  Status error;
  JT_RETURN_IF_ERROR(state.scan(prefix, [&](std::string_view key, std::string_view value) {
    if (key.size() != prefix.size() + 8) return true;
    ArrayFact fact;
    for (ValueReader r(value); !r.at_end();) {
      const uint64_t previous_seq = fact.seq;
      if (!decode_fact(r, &fact) || fact.seq <= previous_seq) {
        error = Status::corruption("arrays: a journal entry of " + std::string(array) +
                                   " does not decode");
        return false;
      }
      if (!visit(fact)) return false;
    }
    return true;
  }));
  return error;
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
  for (const auto& [key, facts] : dirty_.journal) {
    JT_RETURN_IF_ERROR(append_journal(key, facts, writer));
  }
  dirty_.journal.clear();
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
  std::vector<uint64_t> seqs;
  JT_RETURN_IF_ERROR(for_each_fact(state, cluster, array, [&](const ArrayFact& fact) {
    seqs.push_back(fact.seq);
    return true;
  }));
  return seqs;
}

// The writer a replay folds through: it starts from nothing stored, and the fold keeps all
// it changes in its Dirty maps (it writes only at flush, which a replay never calls).
class NothingStored final : public ProjectionWriter {
 public:
  Result<std::optional<std::string>> get(std::string_view) override {
    return std::optional<std::string>();
  }
  void put(std::string_view, std::string_view) override { JT_ASSERT(false); }
  void erase(std::string_view) override { JT_ASSERT(false); }
  void note(std::string_view) override {}  // an as-of answer has no use for notes
};

Result<std::optional<ArrayCounts>> replay_array(
    const StateSource& state, std::string_view cluster, std::string_view array,
    const std::function<bool(int64_t effective_at_us, int64_t observed_at_us)>& include) {
  // Journals of another version (a state an older writer still holds) are not this grammar.
  auto checkpoint = state.get(kCheckpointKey);
  if (!checkpoint.ok()) return checkpoint.status();
  uint64_t applied_seq = 0;
  uint32_t version = 0;
  const uint32_t replayed_version = ArraysProjection().version();
  if (checkpoint->has_value() && decode_checkpoint(**checkpoint, &applied_seq, &version) &&
      version != replayed_version) {
    return Status::unavailable("the stored arrays state is version " + std::to_string(version) +
                               ", this jobtrail replays version " +
                               std::to_string(replayed_version) +
                               ": let a writer catch it up (jobtrail rebuild arrays)");
  }
  const std::string summary_key = job_state_key(cluster, array);
  ArraysProjection::Dirty dirty;
  NothingStored writer;
  Status failure;
  JT_RETURN_IF_ERROR(for_each_fact(state, cluster, array, [&](const ArrayFact& fact) {
    if (!include(fact.effective_at_us, fact.observed_at_us)) return true;
    failure = ArrayFold(fact, cluster, summary_key, array, writer, dirty).run();
    return failure.ok();
  }));
  JT_RETURN_IF_ERROR(failure);
  auto folded = dirty.arrays.find(summary_key);
  if (folded == dirty.arrays.end()) return std::optional<ArrayCounts>();
  return std::optional<ArrayCounts>(std::move(folded->second));
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
