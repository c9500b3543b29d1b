// Test helpers for the events/ tests: a temporary directory that removes itself, raw RocksDB
// access to an EventLog's database (for tampering the way a disk fault or a bug would), and a
// few one-line event builders.
#pragma once

#include <rocksdb/db.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "events/event_builder.h"
#include "events/event_log.h"
#include "events/job_key.h"

namespace jobtrail::testing {

// mkdtemp under /tmp; the whole tree is removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/jobtrail-test-XXXXXX";
    const char* made = mkdtemp(tmpl);
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // A path inside the directory (not created).
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The database of a closed EventLog, opened directly with RocksDB and every column family.
class RawDb {
 public:
  explicit RawDb(const std::string& dir) {
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(), dir, descriptors, &handles_, &raw);
    INFO(s.ToString());
    REQUIRE(s.ok());
    db_.reset(raw);
    for (size_t i = 0; i < names.size(); ++i) by_name_[names[i]] = handles_[i];
  }
  ~RawDb() {
    for (auto* handle : handles_) (void)db_->DestroyColumnFamilyHandle(handle);
    (void)db_->Close();
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  rocksdb::ColumnFamilyHandle* cf(const std::string& name) {
    auto it = by_name_.find(name);
    REQUIRE(it != by_name_.end());
    return it->second;
  }
  void put(const std::string& cf_name, const std::string& key, const std::string& value) {
    REQUIRE(db_->Put(rocksdb::WriteOptions(), cf(cf_name), key, value).ok());
  }
  void del(const std::string& cf_name, const std::string& key) {
    REQUIRE(db_->Delete(rocksdb::WriteOptions(), cf(cf_name), key).ok());
  }
  std::optional<std::string> get(const std::string& cf_name, const std::string& key) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(cf_name), key, &value);
    if (s.IsNotFound()) return std::nullopt;
    REQUIRE(s.ok());
    return value;
  }
  std::vector<std::string> keys(const std::string& cf_name) {
    std::vector<std::string> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf(cf_name)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) out.push_back(it->key().ToString());
    REQUIRE(it->status().ok());
    return out;
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name_;
};

inline EventLogOptions writer_options(Durability durability = Durability::kSyncPerBatch) {
  EventLogOptions options;
  options.mode = EventLogOptions::Mode::kWriter;
  options.durability = durability;
  return options;
}

inline EventLogOptions reader_options() {
  EventLogOptions options;
  options.mode = EventLogOptions::Mode::kReader;
  return options;
}

inline std::unique_ptr<EventLog> must_open(const std::string& dir, const EventLogOptions& options) {
  auto log = EventLog::open(dir, options);
  INFO("open " << dir << ": " << log.status().to_string());
  REQUIRE(log.ok());
  return std::move(log).value();
}

inline JobKey must_parse_job(std::string_view text) {
  auto key = JobKey::parse(text);
  INFO("job key " << text << ": " << key.status().to_string());
  REQUIRE(key.ok());
  return *key;
}

// A header for a job event; `identity` + `ordinal` make the dedup key.
inline EventHeaderFields job_header(std::string cluster, std::string_view job, std::string identity,
                                    uint32_t ordinal = 0) {
  EventHeaderFields header;
  header.observed_at_us = 1'700'000'000'000'000;
  header.effective_at_us = 1'600'000'000'000'000;
  header.cluster = std::move(cluster);
  if (!job.empty()) header.job = must_parse_job(job);
  header.provenance.source_kind = fb::SourceKind::SWF;
  header.provenance.identity = std::move(identity);
  header.provenance.ordinal = ordinal;
  return header;
}

// A JobStateChanged event of `job` (any job key text) with a distinct identity.
inline BuiltEvent state_event(const std::string& cluster, std::string_view job,
                              const std::string& identity, uint32_t ordinal = 0,
                              fb::JobState to = fb::JobState::RUNNING) {
  EventBuilder builder;
  JobStateChangedFields fields;
  fields.from = fb::JobState::PENDING;
  fields.to = to;
  auto built = builder.job_state_changed(job_header(cluster, job, identity, ordinal), fields);
  INFO(built.status().to_string());
  REQUIRE(built.ok());
  return std::move(built).value();
}

// A cluster-wide event (no job, so no stream entry).
inline BuiltEvent cluster_event(const std::string& cluster, const std::string& identity) {
  EventBuilder builder;
  ClusterRegisteredFields fields;
  fields.name = cluster;
  fields.scheduler = "slurm";
  auto built = builder.cluster_registered(job_header(cluster, "", identity), fields);
  INFO(built.status().to_string());
  REQUIRE(built.ok());
  return std::move(built).value();
}

inline AppendResult must_append(EventLog& log, const AppendBatch& batch) {
  auto result = log.append(batch);
  INFO("append: " << result.status().to_string());
  REQUIRE(result.ok());
  return std::move(result).value();
}

}  // namespace jobtrail::testing
