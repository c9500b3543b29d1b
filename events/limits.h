// Every bound jobtrail enforces, in one place (TigerBeetle's "put a limit on everything").
//
// Names put the unit last: `batch_events_max` is a count of events, `event_bytes_max` a size in
// bytes. Inputs beyond a bound are refused with Status::limit_exceeded (or quarantined, for a
// scheduler line), never truncated silently.
#pragma once

#include <cstddef>
#include <cstdint>

namespace jobtrail::limits {

// One EventLog::append writes at most this many events in one RocksDB WriteBatch. 4096 events
// of ~300 B keep a batch near 1-2 MiB: big enough to amortise an fsync, small enough that a
// batch never dominates the memtable (64 MiB default).
inline constexpr std::size_t batch_events_max = 4096;

// One encoded event (a size-prefixed FlatBuffer). Raw accounting records ride inside events,
// and the longest real PBS line seen is a few KiB; 256 KiB leaves room for a long script.
inline constexpr std::size_t event_bytes_max = 256 * 1024;

// A job key as the scheduler writes it ("123_[5-20%4]", "942337.tango-m.vpac.org").
inline constexpr std::size_t job_key_bytes_max = 256;

// Ranges in one pending-array remainder ("123_[1,5,9-11]" has three).
inline constexpr std::size_t job_key_ranges_max = 1024;

// A cluster name ("local", "hpc2n").
inline constexpr std::size_t cluster_name_bytes_max = 64;

// Clusters one database holds (a site's clusters, not a grid's).
inline constexpr std::size_t clusters_max = 4096;

// A source identity in a dedup key (file identity + offset, or poller + poll id + row).
inline constexpr std::size_t source_identity_bytes_max = 512;

// One scheduler text line (SWF, PBS, sacct). Longer lines are quarantined, not parsed.
inline constexpr std::size_t line_bytes_max = 64 * 1024;

// Raw bytes kept in the quarantine per rejected line (a 1 MB garbage line keeps its head).
inline constexpr std::size_t quarantine_raw_bytes_max = 16 * 1024;

// Group commit: appends are made durable together at most this long after they return.
inline constexpr uint32_t group_commit_window_ms_default = 10;  // flux's batch_timeout
inline constexpr uint32_t group_commit_window_ms_max = 1000;

// Source checkpoints added to one batch (a tailer adds one, a poller one).
inline constexpr std::size_t batch_checkpoints_max = 64;

static_assert(batch_events_max * 3 < 1'000'000, "a WriteBatch stays well under RocksDB limits");
// Raw records (AccountingRecorded): a record format's first dictionary is trained once this
// many of its records have been seen (zstd's guidance: ~100x the dictionary in samples; 1 000
// PBS lines of ~400 B give ~400 KiB). Until then records are stored with plain zstd.
inline constexpr std::size_t record_dictionary_train_records = 1000;
// The samples kept for training, per format: a few long lines must not hold megabytes.
inline constexpr std::size_t record_samples_bytes_max = 8 * 1024 * 1024;
// A trained dictionary's size. Shared by a site's millions of records, so it may be large
// next to one record; larger than ~1/10 of the samples only memorises them.
inline constexpr std::size_t record_dictionary_bytes_max = 32 * 1024;
// Dictionaries one database holds (one per format, plus retrainings).
inline constexpr std::size_t record_dictionaries_max = 1024;

static_assert(job_key_bytes_max + cluster_name_bytes_max < source_identity_bytes_max);
static_assert(quarantine_raw_bytes_max <= line_bytes_max);
static_assert(line_bytes_max < event_bytes_max, "a whole line fits inside one event");

}  // namespace jobtrail::limits
