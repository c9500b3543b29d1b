// EventLog on RocksDB. Column families and key grammar: keys.cc. Contract: event_log.h.
//
// Appends are serialised by append_mutex_: seq assignment, the dedup lookups and the write of
// one WriteBatch happen under it, so seqs are contiguous and a dedup key can never be written
// twice. RocksDB makes the WriteBatch atomic across column families (one WAL record), which is
// what turns "log + streams + dedup + checkpoint" into all-or-nothing.
#include "events/event_log.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/options_util.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "events/assert.h"
#include "events/keys.h"
#include "events/limits.h"
#include "events/rocksdb_status.h"

namespace jobtrail {

namespace {

constexpr const char* kLogCf = "log";
constexpr const char* kStreamsCf = "streams";
constexpr const char* kDedupCf = "dedup";
constexpr const char* kSourcesCf = "sources";
constexpr const char* kQuarantineCf = "quarantine";
constexpr const char* kMetaCf = "meta";
constexpr const char* kFormatVersionKey = "format_version";

// Index of each CF in handles_ (the default CF is RocksDB's and stays empty).
enum CfIndex : size_t { kDefault = 0, kLog, kStreams, kDedup, kSources, kQuarantine, kMeta };
const std::vector<std::string>& own_cf_names() {
  static const std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                                 kLogCf,
                                                 kStreamsCf,
                                                 kDedupCf,
                                                 kSourcesCf,
                                                 kQuarantineCf,
                                                 kMetaCf};
  return names;
}

// Memtable insert hints: keys that share everything but their last `suffix_bytes` bytes
// arrive in ascending order (a job's stream entries, the ordinals of one record's events,
// the low bits of consecutive seqs), so RocksDB can insert each next to the previous one
// instead of searching the skiplist from the top. This is most of what an append costs.
class DropSuffixTransform final : public rocksdb::SliceTransform {
 public:
  explicit DropSuffixTransform(size_t suffix_bytes)
      : suffix_bytes_(suffix_bytes), name_("jobtrail.DropSuffix" + std::to_string(suffix_bytes)) {}
  const char* Name() const override { return name_.c_str(); }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - suffix_bytes_);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() >= suffix_bytes_; }

 private:
  size_t suffix_bytes_;
  std::string name_;
};

rocksdb::ColumnFamilyOptions cf_options(const std::string& name,
                                        const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options;
  options.compression = rocksdb::kZSTD;
  options.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  if (name.rfind("p.", 0) == 0) {
    // Projection state is rewritten as jobs change and flushed often during a catch-up: LZ4
    // costs a fifth of zstd's CPU at flush (which shares two cores with the fold), and the
    // bottommost level, where state settles, is still zstd.
    options.compression = rocksdb::kLZ4Compression;
    // Level 0 holds memtable flushes that the next compaction rewrites anyway: compressing
    // them was a twentieth of a rebuild's instructions, for files that live seconds (RocksDB's
    // tuning guide gives the same advice). Levels 1 and up stay LZ4; the bottommost, zstd.
    options.compression_per_level = {rocksdb::kNoCompression, rocksdb::kLZ4Compression};
    // The bottommost level at zstd's level 1, not its default 3: during a rebuild from empty
    // every L0 -> L1 compaction is bottommost, and its zstd was 6% of a rebuild's CPU samples.
    // Level 1 cut a rebuild's CPU by 4% for 0.6% more projection bytes (10 M-event log).
    options.bottommost_compression_opts = options.compression_opts;
    options.bottommost_compression_opts.level = 1;
    options.bottommost_compression_opts.enabled = true;
    // A commit inserts its keys in sorted order; with a hint per key family (the first byte),
    // the skiplist moves its last insert position forward instead of searching from the top
    // when a key lands past it (callgrind, 1.24 M-event rebuild: -0.8% instructions). Most of
    // an insert's comparisons are Debian's assertion build re-checking the whole splice.
    options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));
  }
  if (name == kDedupCf || name.rfind("p.", 0) == 0) {
    // Most dedup lookups miss (new events), and so do a projection's first reads of a new
    // job: a bloom filter answers them without a block read.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  if (name == kDedupCf) {
    // The memtable bloom likewise, for the dedup lookups of a large import. Not for projection
    // stores: a rebuild from empty already skips reads of keys it never wrote (the engine's
    // own filter), and setting a random bit of a 3 MB bloom on every insert cost a rebuild
    // more than it saved.
    options.memtable_prefix_bloom_size_ratio = 0.05;
    options.memtable_whole_key_filtering = true;
  }
  if (name == kLogCf) {
    table.block_size = 16 * 1024;  // sequential scans: fewer, larger blocks
    options.memtable_insert_with_hint_prefix_extractor =
        std::make_shared<DropSuffixTransform>(4);  // be64 seq: its high half is shared
  }

  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

std::string as_slice_string(const rocksdb::Slice& s) {
  return std::string(s.data(), s.size());
}

Result<RecordDictionary> decode_dictionary(uint32_t id, std::string_view value) {
  if (value.size() < 2) {
    return Status::corruption("record dictionary " + std::to_string(id) + " is empty");
  }
  RecordDictionary dict;
  dict.id = id;
  dict.format = static_cast<fb::RecordFormat>(static_cast<uint8_t>(value[0]));
  dict.bytes.assign(value.substr(1));
  return dict;
}

}  // namespace

class EventLog::Impl {
 public:
  std::string dir_;
  EventLogOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::string secondary_dir_;  // removed on close
  std::atomic<uint64_t> head_{0};
  std::atomic<uint32_t> next_dictionary_id_{1};  // above every stored dictionary

  std::mutex append_mutex_;

  // Projection stores ("p.<store>" CFs) by store name, guarded by state_mutex_.
  mutable std::mutex state_mutex_;
  std::unordered_map<std::string, rocksdb::ColumnFamilyHandle*> state_cfs_;
  Result<rocksdb::ColumnFamilyHandle*> state_cf(std::string_view store, bool create);
  void index_state_cfs();

  // Group commit: the syncer thread fsyncs the WAL when there is something to sync.
  std::mutex sync_mutex_;
  std::condition_variable sync_cv_;
  uint64_t written_seq_ = 0;  // guarded by sync_mutex_
  uint64_t durable_seq_ = 0;  // guarded by sync_mutex_
  Status sync_error_;         // guarded by sync_mutex_
  bool stopping_ = false;     // guarded by sync_mutex_
  std::thread syncer_;

  ~Impl();
  Status open_writer();
  Status open_reader();
  Status check_format_version(bool writer);
  Status load_head();
  Status load_next_dictionary_id();
  // A dictionary may be stored once; storing the same id again must carry the same bytes.
  Status check_new_dictionary(const RecordDictionary& dict);
  void run_syncer();
  rocksdb::ColumnFamilyHandle* cf(CfIndex index) const { return handles_[index]; }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors(
      const std::vector<std::string>& existing) const;
};

EventLog::Impl::~Impl() {
  if (syncer_.joinable()) {
    {
      std::lock_guard lock(sync_mutex_);
      stopping_ = true;
    }
    sync_cv_.notify_all();
    syncer_.join();
  }
  if (db_ && options_.mode == EventLogOptions::Mode::kWriter) {
    (void)db_->SyncWAL();  // close is a durability point in every mode
    // Flush the memtables so the next open (every query opens the database) does not replay
    // a large WAL. Best effort: the WAL is synced, so nothing is lost if this fails.
    rocksdb::FlushOptions flush;
    flush.wait = true;
    (void)db_->Flush(flush, handles_);
  }
  for (auto* handle : handles_) (void)db_->DestroyColumnFamilyHandle(handle);
  if (db_) (void)db_->Close();
  db_.reset();
  if (!secondary_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(secondary_dir_, ignored);
  }
}

// Our CFs first, in CfIndex order, then any other CF the database has (projections add
// theirs): RocksDB refuses an open that does not list every existing CF.
std::vector<rocksdb::ColumnFamilyDescriptor> EventLog::Impl::descriptors(
    const std::vector<std::string>& existing) const {
  auto cache = rocksdb::NewLRUCache(64 << 20);
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  for (const std::string& name : own_cf_names()) out.emplace_back(name, cf_options(name, cache));
  for (const std::string& name : existing) {
    bool ours = false;
    for (const std::string& own : own_cf_names()) ours = ours || own == name;
    if (!ours) out.emplace_back(name, cf_options(name, cache));
  }
  return out;
}

Status EventLog::Impl::open_writer() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::io_error("cannot create " + dir_ + ": " + ec.message());
  std::filesystem::permissions(dir_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  std::vector<std::string> existing;
  (void)rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_, &existing);
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.keep_log_file_num = 4;
  db_options.max_background_jobs = 2;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir_, descriptors(existing), &handles_, &raw);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Status::unavailable("the database " + dir_ +
                                 " is open for writing by another process (it holds the lock " +
                                 dir_ + "/LOCK); stop that process or use a read-only command");
    }
    return from_rocksdb(s, "open " + dir_);
  }
  db_.reset(raw);
  return Status();
}

Status EventLog::Impl::open_reader() {
  if (!std::filesystem::exists(std::filesystem::path(dir_) / "CURRENT")) {
    return Status::not_found("no jobtrail database at " + dir_ + " (an ingest creates it)");
  }
  std::vector<std::string> existing;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_, &existing);
  if (!s.ok()) return from_rocksdb(s, "list column families of " + dir_);
  // A writer creates the column families one by one when it first creates the database; a
  // crash in between leaves some missing. No event can have been appended then (appends start
  // after open completes), and the next writer creates the rest: to a reader it is empty.
  for (const std::string& name : own_cf_names()) {
    if (std::find(existing.begin(), existing.end(), name) == existing.end()) {
      return Status::not_found("the jobtrail database at " + dir_ +
                               " was never completely created (no events yet)");
    }
  }
  rocksdb::DBOptions db_options;
  db_options.max_open_files = -1;  // required for secondaries, harmless for read-only
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::OpenForReadOnly(db_options, dir_, descriptors(existing), &handles_, &raw);
  if (!s.ok()) {
    // A busy writer can rotate WAL files under a read-only open; a secondary instance is
    // RocksDB's supported way to follow a live primary.
    handles_.clear();
    char tmpl[] = "/tmp/jobtrail-secondary-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return Status::io_error("cannot create a secondary folder");
    secondary_dir_ = tmpl;
    s = rocksdb::DB::OpenAsSecondary(db_options, dir_, secondary_dir_, descriptors(existing),
                                     &handles_, &raw);
    if (!s.ok()) return from_rocksdb(s, "open " + dir_ + " read-only");
  }
  db_.reset(raw);
  return Status();
}

constexpr const char* kStatePrefix = "p.";

void EventLog::Impl::index_state_cfs() {
  std::lock_guard lock(state_mutex_);
  state_cfs_.clear();
  for (auto* handle : handles_) {
    const std::string& name = handle->GetName();
    if (name.rfind(kStatePrefix, 0) == 0) state_cfs_[name.substr(2)] = handle;
  }
}

// The CF of a store; null (not an error) when it does not exist and `create` is false.
Result<rocksdb::ColumnFamilyHandle*> EventLog::Impl::state_cf(std::string_view store, bool create) {
  std::lock_guard lock(state_mutex_);
  if (auto it = state_cfs_.find(std::string(store)); it != state_cfs_.end()) return it->second;
  if (!create) return static_cast<rocksdb::ColumnFamilyHandle*>(nullptr);
  if (store.empty() || store.size() > 64) return Status::invalid_argument("bad store name");
  auto cache = rocksdb::NewLRUCache(8 << 20);
  const std::string name = kStatePrefix + std::string(store);
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  JT_RETURN_IF_ERROR(from_rocksdb(db_->CreateColumnFamily(cf_options(name, cache), name, &handle),
                                  "create store " + name));
  handles_.push_back(handle);
  state_cfs_[std::string(store)] = handle;
  return handle;
}

Status EventLog::Impl::check_format_version(bool writer) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kMeta), kFormatVersionKey, &value);
  if (s.IsNotFound()) {
    if (!writer) return Status();  // an empty database being created right now
    std::string encoded;
    keys::put_be32(&encoded, kLogFormatVersion);
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    return from_rocksdb(db_->Put(write_options, cf(kMeta), kFormatVersionKey, encoded),
                        "write format version");
  }
  if (!s.ok()) return from_rocksdb(s, "read format version");
  if (value.size() != 4) return Status::corruption("meta format_version is not 4 bytes");
  uint32_t version = keys::get_be32(value.data());
  if (version > kLogFormatVersion) {
    return Status::conflict("the database " + dir_ + " has format version " +
                            std::to_string(version) + ", newer than the " +
                            std::to_string(kLogFormatVersion) +
                            " this jobtrail understands; use a newer jobtrail");
  }
  return Status();
}

Status EventLog::Impl::load_next_dictionary_id() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf(kMeta)));
  for (it->Seek(
           rocksdb::Slice(keys::kDictionaryKeyPrefix.data(), keys::kDictionaryKeyPrefix.size()));
       it->Valid() && it->key().starts_with(rocksdb::Slice(keys::kDictionaryKeyPrefix.data(),
                                                           keys::kDictionaryKeyPrefix.size()));
       it->Next()) {
    auto id = keys::decode_dictionary_key(as_slice_string(it->key()));
    if (!id) return Status::corruption("a meta dictionary key is not dict/<be32>");
    next_dictionary_id_ = std::max(next_dictionary_id_.load(), *id + 1);
  }
  return from_rocksdb(it->status(), "scan dictionaries");
}

Status EventLog::Impl::check_new_dictionary(const RecordDictionary& dict) {
  if (dict.id == 0 || dict.bytes.empty() ||
      dict.bytes.size() > limits::record_dictionary_bytes_max) {
    return Status::invalid_argument("record dictionary " + std::to_string(dict.id) +
                                    " has no id or a size of " + std::to_string(dict.bytes.size()));
  }
  std::string stored;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf(kMeta), keys::dictionary_key(dict.id), &stored);
  if (s.IsNotFound()) return Status();
  JT_RETURN_IF_ERROR(from_rocksdb(s, "read record dictionary"));
  if (stored.size() == dict.bytes.size() + 1 && std::string_view(stored).substr(1) == dict.bytes &&
      static_cast<uint8_t>(stored[0]) == static_cast<uint8_t>(dict.format)) {
    return Status();
  }
  return Status::conflict("record dictionary " + std::to_string(dict.id) +
                          " is already stored with other bytes; dictionaries are never rewritten");
}

Status EventLog::Impl::load_head() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf(kLog)));
  it->SeekToLast();
  if (!it->Valid()) {
    JT_RETURN_IF_ERROR(from_rocksdb(it->status(), "find the log head"));
    head_ = 0;
    return Status();
  }
  auto seq = keys::decode_log_key(as_slice_string(it->key()));
  if (!seq) return Status::corruption("the last log key is not 8 bytes");
  head_ = *seq;
  return Status();
}

void EventLog::Impl::run_syncer() {
  const auto window = std::chrono::milliseconds(options_.group_commit_window_ms);
  std::unique_lock lock(sync_mutex_);
  for (;;) {  // runs until stopping_: the loop's bound is the log's lifetime
    sync_cv_.wait(lock, [&] { return stopping_ || written_seq_ > durable_seq_; });
    if (stopping_) return;
    // Let the window fill: every batch written meanwhile shares the one fsync below.
    lock.unlock();
    std::this_thread::sleep_for(window);
    lock.lock();
    uint64_t target = written_seq_;
    lock.unlock();
    rocksdb::Status s = db_->SyncWAL();
    lock.lock();
    if (!s.ok()) sync_error_ = from_rocksdb(s, "group commit fsync");
    durable_seq_ = std::max(durable_seq_, target);
    sync_cv_.notify_all();
  }
}

EventLog::EventLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventLog::~EventLog() = default;

Result<std::unique_ptr<EventLog>> EventLog::open(const std::string& dir,
                                                 const EventLogOptions& options) {
  if (options.group_commit_window_ms == 0 ||
      options.group_commit_window_ms > limits::group_commit_window_ms_max) {
    return Status::invalid_argument("group commit window must be 1.." +
                                    std::to_string(limits::group_commit_window_ms_max) + " ms");
  }
  auto impl = std::make_unique<Impl>();
  impl->dir_ = dir;
  impl->options_ = options;
  const bool writer = options.mode == EventLogOptions::Mode::kWriter;
  JT_RETURN_IF_ERROR(writer ? impl->open_writer() : impl->open_reader());
  JT_RETURN_IF_ERROR(impl->check_format_version(writer));
  JT_RETURN_IF_ERROR(impl->load_head());
  JT_RETURN_IF_ERROR(impl->load_next_dictionary_id());
  impl->index_state_cfs();
  impl->written_seq_ = impl->durable_seq_ = impl->head_;
  if (writer && options.durability == Durability::kGroupCommit) {
    impl->syncer_ = std::thread([raw = impl.get()] { raw->run_syncer(); });
  }
  return std::unique_ptr<EventLog>(new EventLog(std::move(impl)));
}

Result<AppendResult> EventLog::append(const AppendBatch& batch) {
  Impl& d = *impl_;
  if (d.options_.mode != EventLogOptions::Mode::kWriter) {
    return Status::invalid_argument("append on a log opened read-only");
  }
  if (batch.events.size() > limits::batch_events_max) {
    return Status::limit_exceeded("batch of " + std::to_string(batch.events.size()) +
                                  " events; at most " + std::to_string(limits::batch_events_max));
  }
  if (batch.checkpoints.size() > limits::batch_checkpoints_max) {
    return Status::limit_exceeded("too many checkpoints in one batch");
  }
  std::lock_guard lock(d.append_mutex_);

  // Look every dedup key up at once; MultiGet shares the memtable and bloom probes.
  const size_t n = batch.events.size();
  std::vector<rocksdb::Slice> dedup_slices;
  dedup_slices.reserve(n);
  for (const BuiltEvent& e : batch.events) dedup_slices.emplace_back(e.dedup_key);
  std::vector<rocksdb::PinnableSlice> found(n);
  std::vector<rocksdb::Status> found_status(n);
  if (n > 0) {
    d.db_->MultiGet(rocksdb::ReadOptions(), d.cf(kDedup), n, dedup_slices.data(), found.data(),
                    found_status.data());
  }

  AppendResult result;
  result.seqs.resize(n);
  rocksdb::WriteBatch wb;
  std::unordered_map<std::string_view, uint64_t> in_batch;
  in_batch.reserve(n);
  uint64_t next_seq = d.head_.load() + 1;
  for (size_t i = 0; i < n; ++i) {
    const BuiltEvent& e = batch.events[i];
    JT_ASSERT(!e.dedup_key.empty());
    JT_ASSERT(!e.bytes.empty() && e.bytes.size() <= limits::event_bytes_max);
    if (found_status[i].ok()) {
      if (found[i].size() != 8) return Status::corruption("dedup value is not a seq");
      result.seqs[i] = keys::get_be64(found[i].data());
      ++result.duplicates;
      continue;
    }
    if (!found_status[i].IsNotFound()) return from_rocksdb(found_status[i], "dedup lookup");
    if (auto it = in_batch.find(e.dedup_key); it != in_batch.end()) {
      result.seqs[i] = it->second;
      ++result.duplicates;
      continue;
    }
    const uint64_t seq = next_seq++;
    const std::string seq_key = keys::log_key(seq);
    std::string seq_value = seq_key;  // the dedup value is the seq, encoded like the log key
    wb.Put(d.cf(kLog), seq_key, e.bytes);
    if (!e.stream_prefix.empty())
      wb.Put(d.cf(kStreams), keys::stream_key(e.stream_prefix, seq), "");
    wb.Put(d.cf(kDedup), e.dedup_key, seq_value);
    in_batch.emplace(e.dedup_key, seq);
    result.seqs[i] = seq;
    if (result.first_new_seq == 0) result.first_new_seq = seq;
    result.last_new_seq = seq;
    ++result.appended;
  }
  for (const SourceCheckpoint& c : batch.checkpoints) {
    wb.Put(d.cf(kSources), c.source, c.value);
  }
  for (const RecordDictionary& dict : batch.dictionaries) {
    JT_RETURN_IF_ERROR(d.check_new_dictionary(dict));
    std::string value(1, static_cast<char>(dict.format));
    value += dict.bytes;
    wb.Put(d.cf(kMeta), keys::dictionary_key(dict.id), value);
  }
  for (const QuarantineRecord& q : batch.quarantined) {
    JT_ASSERT(q.raw.size() <= limits::quarantine_raw_bytes_max);
    wb.Put(d.cf(kQuarantine), keys::quarantine_key(q.source, q.offset), encode_quarantine_value(q));
  }
  if (wb.Count() == 0) return result;

  rocksdb::WriteOptions write_options;
  write_options.sync = d.options_.durability == Durability::kSyncPerBatch;
  JT_RETURN_IF_ERROR(from_rocksdb(d.db_->Write(write_options, &wb), "append"));
  JT_ASSERT(next_seq - 1 == d.head_.load() + result.appended);
  d.head_.store(next_seq - 1);
  if (d.options_.durability == Durability::kGroupCommit) {
    std::lock_guard sync_lock(d.sync_mutex_);
    d.written_seq_ = next_seq - 1;
    d.sync_cv_.notify_all();
  }
  return result;
}

Status EventLog::wait_durable(uint64_t seq) {
  Impl& d = *impl_;
  if (d.options_.durability != Durability::kGroupCommit) return Status();
  std::unique_lock lock(d.sync_mutex_);
  d.sync_cv_.wait(lock, [&] { return d.durable_seq_ >= seq || !d.sync_error_.ok(); });
  return d.sync_error_;
}

uint64_t EventLog::head() const {
  return impl_->head_.load();
}

const std::string& EventLog::dir() const {
  return impl_->dir_;
}

Result<StoredEvent> EventLog::read(uint64_t seq) const {
  StoredEvent event;
  event.seq = seq;
  rocksdb::Status s =
      impl_->db_->Get(rocksdb::ReadOptions(), impl_->cf(kLog), keys::log_key(seq), &event.bytes);
  if (s.IsNotFound()) return Status::not_found("no event at seq " + std::to_string(seq));
  JT_RETURN_IF_ERROR(from_rocksdb(s, "read seq " + std::to_string(seq)));
  JT_RETURN_IF_ERROR(event.view().status());
  event.verified = true;
  return event;
}

namespace {

// True when `seqs` ascend and their span is at most twice their count: an array's or a job's
// events that came together. One iterator pass over the span then costs a fraction of a
// MultiGet, which seeks every key on its own (1.5 us per event for an array's 3000).
bool dense_ascending(std::span<const uint64_t> seqs) {
  // UINT64_MAX has no key after it to bound the pass.
  if (seqs.size() < 2 || seqs.back() == UINT64_MAX) return false;
  for (size_t i = 1; i < seqs.size(); ++i) {
    if (seqs[i] <= seqs[i - 1]) return false;
  }
  return seqs.back() - seqs.front() < 2 * seqs.size();
}

}  // namespace

Result<std::vector<StoredEvent>> EventLog::read_many(std::span<const uint64_t> seqs) const {
  if (seqs.size() > limits::batch_events_max) {
    return Status::limit_exceeded("read_many of " + std::to_string(seqs.size()) + " events");
  }
  std::vector<StoredEvent> events(seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i) events[i].seq = seqs[i];
  if (dense_ascending(seqs)) {
    JT_RETURN_IF_ERROR(read_span(events));
  } else {
    JT_RETURN_IF_ERROR(read_scattered(events));
  }
  for (StoredEvent& event : events) {
    JT_RETURN_IF_ERROR(event.view().status());
    event.verified = true;
  }
  return events;
}

// Fills `events` (ascending seqs, each set) in one iterator pass from the first to the last.
Status EventLog::read_span(std::vector<StoredEvent>& events) const {
  const std::string upper = keys::log_key(events.back().seq + 1);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db_->NewIterator(options, impl_->cf(kLog)));
  size_t next = 0;
  // Bounded by the span, at most 2 * events.size() keys (dense_ascending).
  for (it->Seek(keys::log_key(events.front().seq)); it->Valid() && next < events.size();
       it->Next()) {
    auto seq = keys::decode_log_key(as_slice_string(it->key()));
    if (!seq) return Status::corruption("a log key is not 8 bytes");
    if (*seq > events[next].seq) break;  // the wanted seq is missing
    if (*seq < events[next].seq) continue;
    events[next].bytes.assign(it->value().data(), it->value().size());
    ++next;
  }
  JT_RETURN_IF_ERROR(
      from_rocksdb(it->status(), "read seqs from " + std::to_string(events.front().seq)));
  if (next < events.size()) {
    return Status::not_found("no event at seq " + std::to_string(events[next].seq));
  }
  return Status();
}

// Fills `events` (each seq set, any order) with one batched MultiGet.
Status EventLog::read_scattered(std::vector<StoredEvent>& events) const {
  if (events.empty()) return Status();
  std::vector<std::string> key_bytes;
  key_bytes.reserve(events.size());
  for (const StoredEvent& event : events) key_bytes.push_back(keys::log_key(event.seq));
  std::vector<rocksdb::Slice> slices(key_bytes.begin(), key_bytes.end());
  std::vector<rocksdb::PinnableSlice> values(events.size());
  std::vector<rocksdb::Status> statuses(events.size());
  impl_->db_->MultiGet(rocksdb::ReadOptions(), impl_->cf(kLog), events.size(), slices.data(),
                       values.data(), statuses.data());
  for (size_t i = 0; i < events.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      return Status::not_found("no event at seq " + std::to_string(events[i].seq));
    }
    JT_RETURN_IF_ERROR(from_rocksdb(statuses[i], "read seq " + std::to_string(events[i].seq)));
    events[i].bytes.assign(values[i].data(), values[i].size());
  }
  return Status();
}

namespace {

class RocksLogCursor final : public LogCursor {
 public:
  RocksLogCursor(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, uint64_t from) {
    rocksdb::ReadOptions options;
    options.readahead_size = 2 << 20;
    options.fill_cache = false;  // a scan would evict the hot blocks of point reads
    it_.reset(db->NewIterator(options, cf));
    it_->Seek(keys::log_key(from));
  }

  Result<std::optional<EventView>> next() override {
    // Once at the end, stay there: Next() on an invalid RocksDB iterator is undefined.
    if (started_ && it_->Valid()) it_->Next();
    started_ = true;
    if (!it_->Valid()) {
      JT_RETURN_IF_ERROR(from_rocksdb(it_->status(), "scan the log"));
      return std::optional<EventView>();
    }
    auto seq = keys::decode_log_key(as_slice_string(it_->key()));
    if (!seq) return Status::corruption("a log key is not 8 bytes");
    rocksdb::Slice value = it_->value();
    auto view = EventView::from_bytes(std::string_view(value.data(), value.size()), *seq);
    if (!view.ok()) return view.status();
    return std::optional<EventView>(std::move(view).value());
  }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  bool started_ = false;
};

}  // namespace

std::unique_ptr<LogCursor> EventLog::scan(uint64_t from) const {
  return std::make_unique<RocksLogCursor>(impl_->db_.get(), impl_->cf(kLog), from);
}

Result<std::vector<uint64_t>> EventLog::stream(std::string_view cluster,
                                               std::string_view job) const {
  const std::string prefix = keys::stream_prefix(cluster, job);
  std::vector<uint64_t> seqs;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db_->NewIterator(rocksdb::ReadOptions(), impl_->cf(kStreams)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() != prefix.size() + 8) return Status::corruption("malformed stream key");
    seqs.push_back(keys::get_be64(it->key().data() + prefix.size()));
  }
  JT_RETURN_IF_ERROR(from_rocksdb(it->status(), "read a job stream"));
  return seqs;
}

Status EventLog::for_each_stream(
    const std::function<bool(std::string_view, std::string_view, const std::vector<uint64_t>&)>&
        visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db_->NewIterator(rocksdb::ReadOptions(), impl_->cf(kStreams)));
  std::string cluster, job;
  std::vector<uint64_t> seqs;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto entry = keys::decode_stream_key(as_slice_string(it->key()));
    if (!entry) return Status::corruption("malformed stream key");
    if (!seqs.empty() && (entry->cluster != cluster || entry->job != job)) {
      if (!visit(cluster, job, seqs)) return Status();
      seqs.clear();
    }
    cluster = std::move(entry->cluster);
    job = std::move(entry->job);
    seqs.push_back(entry->seq);
  }
  JT_RETURN_IF_ERROR(from_rocksdb(it->status(), "scan streams"));
  if (!seqs.empty()) visit(cluster, job, seqs);
  return Status();
}

namespace {

// The smallest string greater than every string that starts with `prefix` ("" if none).
std::string prefix_successor(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

// A short form matching more jobs than this is reported as ambiguous with these candidates.
constexpr size_t kShortFormMatchesMax = 16;

}  // namespace

Result<std::vector<std::string>> EventLog::clusters() const {
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db_->NewIterator(rocksdb::ReadOptions(), impl_->cf(kStreams)));
  // Skip-scan: one seek per cluster, jumping past all of its keys.
  it->SeekToFirst();
  for (size_t n = 0; it->Valid() && n < limits::clusters_max; ++n) {
    std::string_view key(it->key().data(), it->key().size());
    std::string_view cluster;
    if (!keys::get_length_prefixed(&key, &cluster)) return Status::corruption("bad stream key");
    out.emplace_back(cluster);
    std::string cluster_prefix;
    keys::put_length_prefixed(&cluster_prefix, cluster);
    const std::string next = prefix_successor(cluster_prefix);
    if (next.empty()) break;
    it->Seek(next);
  }
  JT_RETURN_IF_ERROR(from_rocksdb(it->status(), "list clusters"));
  return out;
}

Result<std::vector<EventLog::JobRef>> EventLog::find_jobs(std::string_view text,
                                                          std::string_view cluster) const {
  if (text.empty() || text.size() > limits::job_key_bytes_max) {
    return Status::invalid_argument("a job key is 1 to " +
                                    std::to_string(limits::job_key_bytes_max) + " bytes");
  }
  std::vector<std::string> candidates_clusters;
  if (!cluster.empty()) {
    candidates_clusters.emplace_back(cluster);
  } else {
    auto all = clusters();
    if (!all.ok()) return all.status();
    candidates_clusters = std::move(all).value();
  }
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db_->NewIterator(rocksdb::ReadOptions(), impl_->cf(kStreams)));
  std::vector<JobRef> exact, short_form;
  for (const std::string& c : candidates_clusters) {
    const std::string exact_prefix = keys::stream_prefix(c, text);
    it->Seek(exact_prefix);
    if (it->Valid() && it->key().starts_with(exact_prefix)) exact.push_back({c, std::string(text)});
    // "6" -> "6.<server>": keys are lp(cluster) lp(job), so seek each longer job length.
    const std::string dotted = std::string(text) + ".";
    for (size_t length = dotted.size() + 1; length <= limits::job_key_bytes_max; ++length) {
      std::string prefix;
      keys::put_length_prefixed(&prefix, c);
      std::string encoded_length;  // varint(length): lp() of `length` spaces, minus the spaces
      keys::put_length_prefixed(&encoded_length, std::string(length, ' '));
      prefix += encoded_length.substr(0, encoded_length.size() - length) + dotted;
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) &&
                             short_form.size() < kShortFormMatchesMax;) {
        auto entry = keys::decode_stream_key(as_slice_string(it->key()));
        if (!entry) return Status::corruption("bad stream key");
        short_form.push_back({c, entry->job});
        it->Seek(prefix_successor(keys::stream_prefix(c, entry->job)));  // next job
      }
    }
  }
  JT_RETURN_IF_ERROR(from_rocksdb(it->status(), "find a job"));
  return exact.empty() ? short_form : exact;
}

Status EventLog::for_each_dedup(
    const std::function<bool(std::string_view, uint32_t, uint64_t)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db_->NewIterator(rocksdb::ReadOptions(), impl_->cf(kDedup)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    std::string_view identity;
    if (!keys::get_length_prefixed(&key, &identity) || key.size() != 4 || it->value().size() != 8) {
      return Status::corruption("malformed dedup entry");
    }
    if (!visit(identity, keys::get_be32(key.data()), keys::get_be64(it->value().data()))) {
      return Status();
    }
  }
  return from_rocksdb(it->status(), "scan dedup");
}

Result<std::optional<std::string>> EventLog::checkpoint(std::string_view source) const {
  std::string value;
  rocksdb::Status s = impl_->db_->Get(rocksdb::ReadOptions(), impl_->cf(kSources),
                                      rocksdb::Slice(source.data(), source.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  JT_RETURN_IF_ERROR(from_rocksdb(s, "read a source checkpoint"));
  return std::optional<std::string>(std::move(value));
}

uint32_t EventLog::reserve_dictionary_id() {
  JT_ASSERT(impl_->options_.mode == EventLogOptions::Mode::kWriter);
  return impl_->next_dictionary_id_.fetch_add(1);
}

Result<RecordDictionary> EventLog::dictionary(uint32_t id) const {
  std::string value;
  rocksdb::Status s =
      impl_->db_->Get(rocksdb::ReadOptions(), impl_->cf(kMeta), keys::dictionary_key(id), &value);
  if (s.IsNotFound()) return Status::not_found("no record dictionary " + std::to_string(id));
  JT_RETURN_IF_ERROR(from_rocksdb(s, "read record dictionary " + std::to_string(id)));
  return decode_dictionary(id, value);
}

Result<std::vector<RecordDictionary>> EventLog::dictionaries() const {
  std::vector<RecordDictionary> out;
  const rocksdb::Slice prefix(keys::kDictionaryKeyPrefix.data(), keys::kDictionaryKeyPrefix.size());
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db_->NewIterator(rocksdb::ReadOptions(), impl_->cf(kMeta)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (out.size() >= limits::record_dictionaries_max) {
      return Status::limit_exceeded("more than " + std::to_string(limits::record_dictionaries_max) +
                                    " record dictionaries");
    }
    auto id = keys::decode_dictionary_key(as_slice_string(it->key()));
    if (!id) return Status::corruption("a meta dictionary key is not dict/<be32>");
    auto dict = decode_dictionary(*id, as_slice_string(it->value()));
    if (!dict.ok()) return dict.status();
    out.push_back(std::move(dict).value());
  }
  JT_RETURN_IF_ERROR(from_rocksdb(it->status(), "scan dictionaries"));
  return out;
}

Status EventLog::for_each_quarantined(
    const std::function<bool(const QuarantineRecord&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db_->NewIterator(rocksdb::ReadOptions(), impl_->cf(kQuarantine)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto record = decode_quarantine(std::string_view(it->key().data(), it->key().size()),
                                    std::string_view(it->value().data(), it->value().size()));
    if (!record.ok()) return record.status();
    if (!visit(*record)) return Status();
  }
  return from_rocksdb(it->status(), "scan quarantine");
}

Result<uint64_t> EventLog::quarantined_count() const {
  uint64_t count = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db_->NewIterator(rocksdb::ReadOptions(), impl_->cf(kQuarantine)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
  JT_RETURN_IF_ERROR(from_rocksdb(it->status(), "count quarantine"));
  return count;
}

Status EventLog::refresh() {
  Impl& d = *impl_;
  if (d.options_.mode == EventLogOptions::Mode::kWriter) return Status();
  if (!d.secondary_dir_.empty()) {
    JT_RETURN_IF_ERROR(from_rocksdb(d.db_->TryCatchUpWithPrimary(), "catch up with the writer"));
    return d.load_head();
  }
  // Read-only instances are a snapshot: reopen.
  auto fresh = std::make_unique<Impl>();
  fresh->dir_ = d.dir_;
  fresh->options_ = d.options_;
  JT_RETURN_IF_ERROR(fresh->open_reader());
  JT_RETURN_IF_ERROR(fresh->load_head());
  fresh->index_state_cfs();
  impl_ = std::move(fresh);
  return Status();
}

struct StateBatch::Rep {
  EventLog::Impl* log = nullptr;
  rocksdb::WriteBatch batch;
  Status status;
  // The last store used: consecutive puts into one store skip the map lookup.
  std::string last_store;
  rocksdb::ColumnFamilyHandle* last_cf = nullptr;

  rocksdb::ColumnFamilyHandle* cf_for(std::string_view store) {
    if (last_cf != nullptr && store == last_store) return last_cf;
    auto cf = log->state_cf(store, true);
    if (!cf.ok()) {
      if (status.ok()) status = cf.status();
      return nullptr;
    }
    last_store = store;
    last_cf = *cf;
    return last_cf;
  }
};

StateBatch::StateBatch(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
StateBatch::~StateBatch() = default;

void StateBatch::put(std::string_view store, std::string_view key, std::string_view value) {
  if (auto* cf = rep_->cf_for(store)) {
    rep_->batch.Put(cf, rocksdb::Slice(key.data(), key.size()),
                    rocksdb::Slice(value.data(), value.size()));
  }
}

void StateBatch::erase(std::string_view store, std::string_view key) {
  if (auto* cf = rep_->cf_for(store))
    rep_->batch.Delete(cf, rocksdb::Slice(key.data(), key.size()));
}

size_t StateBatch::count() const {
  return rep_->batch.Count();
}
const Status& StateBatch::status() const {
  return rep_->status;
}

std::unique_ptr<StateBatch> EventLog::new_state_batch() {
  auto rep = std::make_unique<StateBatch::Rep>();
  rep->log = impl_.get();
  return std::unique_ptr<StateBatch>(new StateBatch(std::move(rep)));
}

Status EventLog::write_state(const StateBatch& batch, bool sync) {
  if (impl_->options_.mode != EventLogOptions::Mode::kWriter) {
    return Status::invalid_argument("write_state on a log opened read-only");
  }
  JT_RETURN_IF_ERROR(batch.status());
  if (batch.count() == 0) return Status();
  rocksdb::WriteOptions options;
  options.sync = sync;
  // Projection state skips the WAL unless asked to sync: each store holds its own checkpoint,
  // written in the same batch as its state and so in the same memtable, and a memtable is
  // flushed whole. After a crash every store is at some batch boundary with the checkpoint
  // that says which, and the engine refolds from there. The log itself never skips the WAL.
  options.disableWAL = !sync;
  return from_rocksdb(impl_->db_->Write(options, &batch.rep_->batch), "write projection state");
}

Result<std::optional<std::string>> EventLog::read_state(std::string_view store,
                                                        std::string_view key) const {
  auto cf = impl_->state_cf(store, false);
  if (!cf.ok()) return cf.status();
  if (*cf == nullptr) return std::optional<std::string>();
  std::string value;
  rocksdb::Status s =
      impl_->db_->Get(rocksdb::ReadOptions(), *cf, rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  JT_RETURN_IF_ERROR(from_rocksdb(s, "read projection state"));
  return std::optional<std::string>(std::move(value));
}

Status EventLog::scan_state(
    std::string_view store, std::string_view prefix,
    const std::function<bool(std::string_view, std::string_view)>& visit) const {
  auto cf = impl_->state_cf(store, false);
  if (!cf.ok()) return cf.status();
  if (*cf == nullptr) return Status();
  std::unique_ptr<rocksdb::Iterator> it(impl_->db_->NewIterator(rocksdb::ReadOptions(), *cf));
  const rocksdb::Slice start(prefix.data(), prefix.size());
  for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
    if (!visit(std::string_view(it->key().data(), it->key().size()),
               std::string_view(it->value().data(), it->value().size()))) {
      return Status();
    }
  }
  return from_rocksdb(it->status(), "scan projection state");
}

Status EventLog::reset_state(std::string_view store) {
  Impl& d = *impl_;
  if (d.options_.mode != EventLogOptions::Mode::kWriter) {
    return Status::invalid_argument("reset_state on a log opened read-only");
  }
  auto cf = d.state_cf(store, false);
  if (!cf.ok()) return cf.status();
  if (*cf == nullptr) return Status();
  {
    std::lock_guard lock(d.state_mutex_);
    JT_RETURN_IF_ERROR(from_rocksdb(d.db_->DropColumnFamily(*cf), "drop store"));
    (void)d.db_->DestroyColumnFamilyHandle(*cf);
    d.handles_.erase(std::find(d.handles_.begin(), d.handles_.end(), *cf));
    d.state_cfs_.erase(std::string(store));
  }
  auto created = d.state_cf(store, true);
  return created.status();
}

Status EventLog::flush_state() {
  Impl& d = *impl_;
  if (d.options_.mode != EventLogOptions::Mode::kWriter) {
    return Status::invalid_argument("flush_state on a log opened read-only");
  }
  std::vector<rocksdb::ColumnFamilyHandle*> stores;
  {
    std::lock_guard lock(d.state_mutex_);
    for (const auto& [name, handle] : d.state_cfs_) stores.push_back(handle);
  }
  if (stores.empty()) return Status();
  rocksdb::FlushOptions flush;
  flush.wait = true;
  return from_rocksdb(d.db_->Flush(flush, stores), "flush projection state");
}

Status EventLog::compact() {
  Impl& d = *impl_;
  rocksdb::FlushOptions flush;
  flush.wait = true;
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* handle : d.handles_) {
    JT_RETURN_IF_ERROR(from_rocksdb(d.db_->Flush(flush, handle), "flush"));
    JT_RETURN_IF_ERROR(
        from_rocksdb(d.db_->CompactRange(compact, handle, nullptr, nullptr), "compact"));
  }
  return Status();
}

Result<LogStorageStats> EventLog::storage_stats() const {
  LogStorageStats stats;
  for (size_t i = 0; i < impl_->handles_.size(); ++i) {
    uint64_t sst = 0, mem = 0;
    impl_->db_->GetIntProperty(impl_->handles_[i], "rocksdb.live-sst-files-size", &sst);
    impl_->db_->GetIntProperty(impl_->handles_[i], "rocksdb.cur-size-all-mem-tables", &mem);
    // handles_ holds the log's own CFs first (CfIndex order), then projection stores.
    (i <= kMeta ? stats.sst_bytes : stats.projection_sst_bytes) += sst;
    stats.memtable_bytes += mem;
    if (i == kLog) stats.log_cf_sst_bytes = sst;
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(impl_->dir_, ec)) {
    if (entry.path().extension() == ".log") stats.wal_bytes += entry.file_size(ec);
  }
  return stats;
}

}  // namespace jobtrail
