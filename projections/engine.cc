// The engine's loop: scan from the lowest checkpoint, hand each event to every projection
// still behind it, and commit all buffered changes with the new checkpoints every
// batch_events events. Writes are buffered per projection in an overlay map, which also
// serves the projection's reads of keys it wrote earlier in the batch.
#include "projections/engine.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "events/assert.h"
#include "events/batch_reader.h"
#include "events/keys.h"
#include "events/prefetch_cursor.h"

namespace jobtrail::projections {

namespace {
// Below this many events a catch-up reads in the calling thread (a thread costs ~50 µs).
constexpr uint64_t kPrefetchEventsMin = 20'000;
}  // namespace

std::string encode_checkpoint(uint64_t last_seq, uint32_t version) {
  std::string value;
  keys::put_be64(&value, last_seq);
  keys::put_be32(&value, version);
  return value;
}

bool decode_checkpoint(std::string_view value, uint64_t* last_seq, uint32_t* version) {
  if (value.size() != 12) return false;
  *last_seq = keys::get_be64(value.data());
  *version = keys::get_be32(value.data() + 8);
  return true;
}

// Keys written to a store since it was empty: a Bloom filter with no false negatives, so a
// "not written" answer lets a rebuild skip the RocksDB read of a job it has not seen yet (a
// third of all events in a rebuild are first sightings, and each read would miss). Blocked:
// all probes of a key fall in one 64-byte line, so a lookup costs one cache miss at most.
class WrittenKeys {
 public:
  explicit WrittenKeys(uint64_t keys_expected)
      : blocks_(std::max<uint64_t>(keys_expected * kBitsPerKey / 512 + 1, 64)) {}
  void add(std::string_view key) {
    const uint64_t h = std::hash<std::string_view>{}(key);
    Block& block = blocks_[h % blocks_.size()];
    for (uint64_t i = 0, bits = h >> 20; i < kProbes; ++i, bits >>= 9) {
      block.words[(bits >> 6) & 7] |= uint64_t{1} << (bits & 63);
    }
  }
  bool may_contain(std::string_view key) const {
    const uint64_t h = std::hash<std::string_view>{}(key);
    const Block& block = blocks_[h % blocks_.size()];
    for (uint64_t i = 0, bits = h >> 20; i < kProbes; ++i, bits >>= 9) {
      if (((block.words[(bits >> 6) & 7] >> (bits & 63)) & 1) == 0) return false;
    }
    return true;
  }

 private:
  static constexpr uint64_t kBitsPerKey = 10;
  static constexpr uint64_t kProbes = 4;  // 4 x 9 bits of the hash above bit 20
  struct alignas(64) Block {
    uint64_t words[8] = {};
  };
  std::vector<Block> blocks_;
};

// A batch's writes by key; looked up by string_view without building a std::string.
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};
using Overlay =
    std::unordered_map<std::string, std::optional<std::string>, KeyHash, std::equal_to<>>;

using OverlayEntry = Overlay::value_type;

// One overlay entry with its first 16 key bytes as two integers (zero-padded, which keeps
// byte order), so that sorting compares whole strings only on ties.
struct SortedEntry {
  uint64_t high, low;
  const OverlayEntry* entry;
};

// The overlay's entries in key order. RocksDB inserts a sorted batch into its memtable
// skiplist next to the previous key instead of searching from the top, which is most of a
// commit's cost; the sort itself took a twentieth of a rebuild's instructions when every
// comparison was a string compare.
std::vector<SortedEntry> sorted_entries(const Overlay& overlay) {
  const auto word = [](std::string_view key, size_t at) {
    char bytes[8] = {};
    if (at < key.size()) key.copy(bytes, 8, at);
    return keys::get_be64(bytes);
  };
  std::vector<SortedEntry> sorted;
  sorted.reserve(overlay.size());
  for (const auto& entry : overlay) {
    sorted.push_back(SortedEntry{word(entry.first, 0), word(entry.first, 8), &entry});
  }
  std::sort(sorted.begin(), sorted.end(), [](const SortedEntry& a, const SortedEntry& b) {
    if (a.high != b.high) return a.high < b.high;
    if (a.low != b.low) return a.low < b.low;
    return a.entry->first < b.entry->first;
  });
  return sorted;
}

// One projection's window on its state: overlay first, then the stored state.
class ProjectionEngine::Writer final : public ProjectionWriter {
 public:
  Writer(EventLog* log, std::string store) : log_(log), store_(std::move(store)) {}

  Result<std::optional<std::string>> get(std::string_view key) override {
    // Every put goes through the filter first, so a key it has never seen is in neither the
    // overlay nor the store (an erased key reads as absent either way): a rebuild's many
    // first sightings skip the overlay lookup too.
    if (written_ && !written_->may_contain(key)) return std::optional<std::string>();
    if (auto it = overlay_.find(key); it != overlay_.end()) return it->second;
    if (log_ == nullptr) return std::optional<std::string>();
    return log_->read_state(store_, key);
  }
  void put(std::string_view key, std::string_view value) override {
    JT_ASSERT(!key.empty() && key.front() != '\0');
    if (written_) written_->add(key);
    if (auto it = overlay_.find(key); it != overlay_.end()) {
      it->second.emplace(value);
    } else {
      overlay_.emplace(std::string(key), std::string(value));
    }
  }
  void put_owned(std::string key, std::string value) override {
    JT_ASSERT(!key.empty() && key.front() != '\0');
    if (written_) written_->add(key);
    overlay_.insert_or_assign(std::move(key), std::optional<std::string>(std::move(value)));
  }
  // The store is empty now (never applied, or just reset): track what gets written.
  void track_from_empty(uint64_t keys_expected) { written_.emplace(keys_expected); }
  void erase(std::string_view key) override {
    JT_ASSERT(!key.empty() && key.front() != '\0');
    overlay_[std::string(key)] = std::nullopt;
  }
  void note(std::string_view message) override {
    std::string key(kNotePrefix);
    keys::put_be64(&key, seq_);
    keys::put_be32(&key, notes_in_event_++);
    overlay_[key] = std::string(message);
  }

  void start_event(uint64_t seq) {
    seq_ = seq;
    notes_in_event_ = 0;
  }
  const std::string& store() const { return store_; }
  Overlay& overlay() { return overlay_; }
  const Overlay& overlay() const { return overlay_; }

 private:
  EventLog* log_;
  std::string store_;
  Overlay overlay_;
  uint64_t seq_ = 0;
  uint32_t notes_in_event_ = 0;
  std::optional<WrittenKeys> written_;
};

ProjectionEngine::ProjectionEngine(EventLog* log,
                                   std::vector<std::unique_ptr<Projection>> projections,
                                   EngineOptions options)
    : log_(log), projections_(std::move(projections)), options_(std::move(options)) {
  options_.batch_events = std::clamp<size_t>(options_.batch_events, 1, projection_batch_events_max);
  for (const auto& p : projections_) {
    writers_.push_back(std::make_unique<Writer>(log_, std::string(p->name())));
    states_.push_back(ProjectionState{std::string(p->name()), p->version(), 0, false});
  }
}

ProjectionEngine::~ProjectionEngine() = default;

Result<std::unique_ptr<ProjectionEngine>> ProjectionEngine::open(
    EventLog& log, std::vector<std::unique_ptr<Projection>> projections, EngineOptions options) {
  std::unique_ptr<ProjectionEngine> engine(
      new ProjectionEngine(&log, std::move(projections), std::move(options)));
  JT_RETURN_IF_ERROR(engine->load_checkpoints());
  return engine;
}

std::unique_ptr<ProjectionEngine> ProjectionEngine::in_memory(
    std::vector<std::unique_ptr<Projection>> projections, EngineOptions options) {
  return std::unique_ptr<ProjectionEngine>(
      new ProjectionEngine(nullptr, std::move(projections), std::move(options)));
}

Status ProjectionEngine::load_checkpoints() {
  for (ProjectionState& state : states_) {
    auto stored = log_->read_state(state.name, kCheckpointKey);
    if (!stored.ok()) return stored.status();
    Writer& writer = *writers_[static_cast<size_t>(&state - states_.data())];
    if (!stored->has_value()) {  // never applied anything: start at seq 1, from empty
      JT_RETURN_IF_ERROR(log_->reset_state(state.name));
      writer.track_from_empty(log_->head());
      continue;
    }
    uint64_t last_seq = 0;
    uint32_t version = 0;
    if (!decode_checkpoint(**stored, &last_seq, &version)) {
      return Status::corruption("projection " + state.name + ": malformed checkpoint");
    }
    if (version != state.version) {
      // Another version folded this state: throw it away and rebuild from seq 1.
      JT_RETURN_IF_ERROR(log_->reset_state(state.name));
      writer.track_from_empty(log_->head());
      state.rebuilt_on_open = true;
      continue;
    }
    if (last_seq > log_->head()) {
      return Status::corruption("projection " + state.name + " checkpoint " +
                                std::to_string(last_seq) + " is beyond the log head " +
                                std::to_string(log_->head()));
    }
    state.applied_seq = last_seq;
  }
  return Status();
}

uint64_t ProjectionEngine::applied_seq() const {
  uint64_t lowest = UINT64_MAX;
  for (const ProjectionState& s : states_) lowest = std::min(lowest, s.applied_seq);
  return states_.empty() ? 0 : lowest;
}

void ProjectionEngine::apply_to(size_t index, const EventView& view) {
  if (view.seq() <= states_[index].applied_seq) return;
  Writer& writer = *writers_[index];
  writer.start_event(view.seq());
  Status s = projections_[index]->apply(view, writer);
  if (!s.ok()) writer.note("could not apply " + std::string(view.type_name()) + ": " + s.message());
  states_[index].applied_seq = view.seq();
}

// A stored event that does not verify cannot be folded: note it and go on.
void ProjectionEngine::note_unreadable(size_t index, uint64_t seq, const std::string& reason) {
  if (seq <= states_[index].applied_seq) return;
  writers_[index]->start_event(seq);
  writers_[index]->note("could not read: " + reason);
  states_[index].applied_seq = seq;
}

void ProjectionEngine::apply_event(const EventView& view) {
  for (size_t i = 0; i < projections_.size(); ++i) apply_to(i, view);
}

void ProjectionEngine::apply(const EventView& event) {
  JT_ASSERT(log_ == nullptr);
  apply_event(event);
}

Status ProjectionEngine::flush_projections() {
  for (size_t i = 0; i < projections_.size(); ++i) {
    JT_RETURN_IF_ERROR(projections_[i]->flush(*writers_[i]));
  }
  return Status();
}

Status ProjectionEngine::commit() {
  std::vector<size_t> all(projections_.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  return commit_members(all);
}

Status ProjectionEngine::commit_members(const std::vector<size_t>& members) {
  for (size_t i : members) JT_RETURN_IF_ERROR(projections_[i]->flush(*writers_[i]));
  if (log_ == nullptr) return Status();  // memory mode: the overlays are the state
  auto batch = log_->new_state_batch();
  for (size_t i : members) {
    Writer& writer = *writers_[i];
    for (const SortedEntry& sorted : sorted_entries(writer.overlay())) {
      const auto& [key, value] = *sorted.entry;
      if (value) {
        batch->put(writer.store(), key, *value);
      } else {
        batch->erase(writer.store(), key);
      }
    }
    batch->put(writer.store(), kCheckpointKey,
               encode_checkpoint(states_[i].applied_seq, states_[i].version));
  }
  JT_RETURN_IF_ERROR(log_->write_state(*batch, false));
  for (size_t i : members) writers_[i]->overlay().clear();
  return Status();
}

// Each lane folds every batch into its members and commits their state and checkpoints;
// `committed` hears the last seq of each committed batch.
Status ProjectionEngine::fold_lane(SharedBatchReader& reader, size_t lane,
                                   const std::vector<size_t>& members,
                                   const std::function<void(uint64_t)>& committed) {
  // Bounded by the reader's range: one pass per batch.
  for (auto batch = reader.next(lane); batch != nullptr; batch = reader.next(lane)) {
    for (const EventBatch::Entry& entry : batch->entries) {
      if (!entry.unreadable.ok()) {
        for (size_t i : members) note_unreadable(i, entry.seq, entry.unreadable.message());
        continue;
      }
      const EventView view = batch->view(entry);
      for (size_t i : members) apply_to(i, view);
    }
    JT_RETURN_IF_ERROR(commit_members(members));
    committed(batch->entries.back().seq);
  }
  return Status();
}

Status ProjectionEngine::catch_up_in_lanes(const EventLog& log, uint64_t from, uint64_t target) {
  JT_ASSERT(projections_.size() >= 2 && log_ != nullptr);
  const std::vector<size_t> lane0{0};
  std::vector<size_t> lane1;
  for (size_t i = 1; i < projections_.size(); ++i) lane1.push_back(i);
  SharedBatchReader reader(log, from, target, 2, options_.batch_events);
  // Lane 1 owns states_[1..] while it runs; the calling thread reads its progress from here.
  std::atomic<uint64_t> lane1_seq{from - 1};
  Status lane1_status;
  std::thread lane1_thread([&] {
    lane1_status = fold_lane(reader, 1, lane1, [&](uint64_t seq) { lane1_seq = seq; });
    if (!lane1_status.ok()) reader.stop();
  });
  Status lane0_status = fold_lane(reader, 0, lane0, [&](uint64_t seq) {
    if (options_.progress) options_.progress(std::min<uint64_t>(seq, lane1_seq), target);
  });
  if (!lane0_status.ok()) reader.stop();
  lane1_thread.join();
  JT_RETURN_IF_ERROR(lane0_status);
  JT_RETURN_IF_ERROR(lane1_status);
  JT_RETURN_IF_ERROR(reader.status());
  if (options_.progress) options_.progress(applied_seq(), target);
  return Status();
}

Status ProjectionEngine::catch_up(const EventLog& log, uint64_t until_seq,
                                  const std::function<bool(const EventView&)>& include) {
  const uint64_t target = std::min(until_seq, log.head());
  const uint64_t from = applied_seq() + 1;
  if (from > target) return Status();
  JT_RETURN_IF_ERROR(fold(log, from, target, include));
  // A long catch-up (a rebuild, mostly) ends with its state on disk: state skips the WAL, and
  // a crash right after must not cost the whole fold again.
  if (log_ != nullptr && target - from + 1 >= options_.flush_events_min) {
    JT_RETURN_IF_ERROR(log_->flush_state());
  }
  return Status();
}

Status ProjectionEngine::fold(const EventLog& log, uint64_t from, uint64_t target,
                              const std::function<bool(const EventView&)>& include) {
  if (log_ != nullptr && !include && projections_.size() >= 2 &&
      target - from + 1 >= options_.lanes_events_min) {
    return catch_up_in_lanes(log, from, target);
  }
  // A long catch-up reads and verifies on a second thread while this one applies.
  std::unique_ptr<LogCursor> cursor;
  if (target - from >= kPrefetchEventsMin) {
    cursor = std::make_unique<PrefetchCursor>(log, from, target);
  } else {
    cursor = log.scan(from);
  }
  size_t in_batch = 0;
  // Bounded by the log: one pass per event up to target.
  for (uint64_t expected = from; expected <= target; ++expected) {
    auto next = cursor->next();
    if (!next.ok()) {
      if (!next.status().is_corruption()) return next.status();
      for (size_t i = 0; i < writers_.size(); ++i) {
        note_unreadable(i, expected, next.status().message());
      }
    } else {
      if (!next->has_value() || (*next)->seq() > target) break;
      expected = (*next)->seq();
      if (!include || include(**next)) {
        apply_event(**next);
      } else {
        for (ProjectionState& s : states_) s.applied_seq = std::max(s.applied_seq, expected);
      }
    }
    if (++in_batch >= options_.batch_events) {
      JT_RETURN_IF_ERROR(commit());
      in_batch = 0;
      if (options_.progress) options_.progress(applied_seq(), target);
    }
  }
  JT_RETURN_IF_ERROR(commit());
  if (options_.progress) options_.progress(applied_seq(), target);
  return Status();
}

Status ProjectionEngine::rebuild(EventLog& log, const std::vector<std::string>& names) {
  JT_ASSERT(log_ == &log);
  for (ProjectionState& state : states_) {
    if (!names.empty() && std::find(names.begin(), names.end(), state.name) == names.end()) {
      continue;
    }
    JT_RETURN_IF_ERROR(log.reset_state(state.name));
    writers_[static_cast<size_t>(&state - states_.data())]->track_from_empty(log.head());
    state.applied_seq = 0;
  }
  for (auto& writer : writers_) writer->overlay().clear();
  return catch_up(log);
}

std::map<std::string, std::string> ProjectionEngine::memory_state(std::string_view name) {
  std::map<std::string, std::string> out;
  const Status flushed = flush_projections();
  JT_ASSERT(flushed.ok());  // memory-mode writers never fail
  for (size_t i = 0; i < writers_.size(); ++i) {
    if (writers_[i]->store() != name) continue;
    for (const auto& [key, value] : writers_[i]->overlay()) {
      if (value) out.emplace(key, *value);
    }
  }
  return out;
}

}  // namespace jobtrail::projections
