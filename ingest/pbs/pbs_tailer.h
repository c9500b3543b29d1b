// PBS tailer: follows a PBS accounting directory (server_priv/accounting) of daily files named
// YYYYMMDD, reading the bytes the server appends, and turns each complete line into events
// exactly as `ingest pbs` does (pbs_importer.h). Other file names in the directory are ignored.
//
// Where it is, is one checkpoint per (cluster, directory), committed in the SAME WriteBatch as
// the events and quarantined lines it covers, so a crash at any moment neither loses nor
// repeats a record:
//
//   checkpoint := "v1" ' ' file ' ' device ' ' inode ' ' first_line_hash ' ' offset ' ' line
//     file             the daily file being read ("20240101")
//     device, inode    its identity on disk (decimal)
//     first_line_hash  XXH3-64 of its first line as 16 hex digits; "-" before that line is
//                      complete (device and inode alone can be reused by a new file)
//     offset, line     bytes and lines consumed: the end of the last complete line read
//
// Each poll: the checkpoint's file is stat'ed and its identity compared. Same file: read on
// from offset. A different file under that name (rotated, replaced: other inode or first line)
// or a file shorter than offset (truncated): read it again from 0. A partial last line (no
// '\n' yet) waits for the next poll. When a later daily file exists, the current one is
// finished: a partial last line left in it is quarantined ("no newline at the end of a
// finished file") and the tailer moves on to the next file. A file that disappeared is
// skipped for the next one.
//
// Records read by the tailer are identified "pbs-tail/<cluster>/<file>:<device>:<inode>:<hash>/
// <offset>"; their transition facts carry the importer's job/fact identities, so tailing a
// directory that was also imported adds no fact twice.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "events/event_log.h"
#include "events/status.h"
#include "ingest/append_sink.h"

namespace jobtrail::ingest::pbs {

inline constexpr uint32_t tail_poll_interval_ms_min = 10;
inline constexpr uint32_t tail_poll_interval_ms_max = 60'000;

struct TailCheckpoint {
  std::string file;  // empty: nothing read yet
  uint64_t device = 0;
  uint64_t inode = 0;
  std::string first_line_hash;  // empty until the first line is complete
  uint64_t offset = 0;
  uint64_t line = 0;

  std::string encode() const;
  static std::optional<TailCheckpoint> decode(std::string_view value);
  bool operator==(const TailCheckpoint&) const = default;
};

// The checkpoint's source name for a directory (made absolute by the caller).
std::string tail_source(std::string_view cluster, std::string_view absolute_dir);

// True for a daily file name: exactly eight digits.
bool is_daily_file_name(std::string_view name);

struct PbsTailStats;

struct PbsTailOptions {
  std::string dir;
  std::string cluster = "local";
  std::string time_zone;  // IANA zone of the server's local times; empty: UTC
  bool follow = false;    // keep polling; otherwise stop once every file is read
  uint32_t poll_interval_ms = 1000;
  size_t batch_events = 1024;
  uint64_t polls_max = 0;              // follow: stop after this many polls (0: no bound)
  std::function<bool()> should_stop;   // checked between polls and while waiting
  std::function<Status()> after_poll;  // after a poll that appended (projections catch up)
  AppendSink sink;                     // empty: the log itself (append_sink.h)
  std::function<void(const PbsTailStats&)> on_poll;  // after every poll that succeeded
};

struct PbsTailStats {
  uint64_t polls = 0;
  uint64_t records = 0;
  uint64_t events_appended = 0;
  uint64_t events_duplicate = 0;
  uint64_t quarantined = 0;
  uint64_t files_finished = 0;
  uint64_t restarts = 0;  // files read again from 0 (replaced or truncated)
};

Result<PbsTailStats> tail_pbs(EventLog& log, const PbsTailOptions& options);

}  // namespace jobtrail::ingest::pbs
