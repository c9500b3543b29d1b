// PBS tailer (see pbs_tailer.h). One Tailer per run; poll() brings the log up to the end of
// the directory's complete lines. A file is read with pread in chunks from the checkpoint's
// offset; every batch_events events are committed with the checkpoint of the line they end at.
#include "ingest/pbs/pbs_tailer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>
#include <vector>

#include "events/limits.h"
#include "events/time_format.h"
#include "ingest/line_import.h"
#include "ingest/pbs/pbs_importer.h"
#include "ingest/quarantine.h"
#include "ingest/raw_records.h"

namespace jobtrail::ingest::pbs {

namespace {

constexpr size_t kReadChunkBytes = 1 << 20;
constexpr size_t kDirectoryFilesMax = 1 << 16;
constexpr uint32_t kStopCheckMs = 20;  // how often a waiting tailer looks at should_stop

std::string hex64(uint64_t value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<size_t>(i)] = kHex[value & 0xf];
  return out;
}

// An open file, closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Result<size_t> read_at(int fd, uint64_t offset, char* buffer, size_t bytes) {
  for (;;) {
    const ssize_t n = ::pread(fd, buffer, bytes, static_cast<off_t>(offset));
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return Status::io_error(std::string("read: ") + std::strerror(errno));
  }
}

// XXH3 of the file's first line, or "" while it has no complete first line.
Result<std::string> first_line_hash(int fd) {
  std::string head(limits::line_bytes_max + 1, '\0');
  auto n = read_at(fd, 0, head.data(), head.size());
  if (!n.ok()) return n.status();
  const size_t newline = std::string_view(head.data(), *n).find('\n');
  if (newline == std::string_view::npos) {
    // No '\n' in the first line_bytes_max bytes: a too-long first line is its own identity.
    return *n > limits::line_bytes_max ? hex64(XXH3_64bits(head.data(), *n)) : std::string();
  }
  return hex64(XXH3_64bits(head.data(), newline));
}

Result<std::vector<std::string>> daily_files(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!is_daily_file_name(name)) continue;
    if (names.size() == kDirectoryFilesMax) {
      return Status::limit_exceeded(dir + " holds more than " + std::to_string(kDirectoryFilesMax) +
                                    " daily files");
    }
    names.push_back(name);
  }
  if (ec) return Status::io_error(dir + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

class Tailer {
 public:
  Tailer(EventLog& log, const PbsTailOptions& options, TimeZone zone, std::string dir)
      : log_(log),
        options_(options),
        format_(std::move(zone)),
        dir_(std::move(dir)),
        source_(tail_source(options.cluster, dir_)),
        quarantine_(source_, &batch_, 0) {}

  Status load() {
    auto stored = log_.checkpoint(source_);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return Status();
    auto decoded = TailCheckpoint::decode(**stored);
    if (!decoded) return Status::corruption("tail checkpoint of " + source_ + " does not decode");
    cp_ = committed_ = *decoded;
    return Status();
  }

  Status open_raw_records() {
    auto keeper = RawRecordKeeper::for_log(log_);
    if (!keeper.ok()) return keeper.status();
    raw_records_ = std::move(keeper).value();
    return Status();
  }

  // Reads every complete line there is now; moves through finished files.
  Status poll() {
    ++stats_.polls;
    observed_at_us_ = now_us();
    for (size_t files = 0; files <= kDirectoryFilesMax; ++files) {
      auto names = daily_files(dir_);
      if (!names.ok()) return names.status();
      if (cp_.file.empty()) {
        if (names->empty()) break;
        cp_ = TailCheckpoint{names->front(), 0, 0, "", 0, 0};
      }
      auto later = std::upper_bound(names->begin(), names->end(), cp_.file);
      const bool has_later = later != names->end();
      auto partial = read_current_file();
      if (!partial.ok()) return partial.status();
      if (!has_later) break;
      if (partial->has_value()) {
        quarantine_.report(cp_.offset, static_cast<int64_t>(cp_.line + 1), **partial,
                           (*partial)->size(),
                           Status::invalid_argument("no newline at the end of a finished file"));
      }
      ++stats_.files_finished;
      cp_ = TailCheckpoint{*later, 0, 0, "", 0, 0};
    }
    JT_RETURN_IF_ERROR(commit());
    restart_quarantine("");
    return Status();
  }

  const PbsTailStats& stats() const { return stats_; }

 private:
  // Reads the checkpoint's file on from its offset. Returns the partial last line (bytes after
  // the last '\n', at most quarantine_raw_bytes_max of them), if any. A missing file: none.
  Result<std::optional<std::string>> read_current_file() {
    const std::string path = dir_ + "/" + cp_.file;
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
      if (errno == ENOENT) return std::optional<std::string>();
      return Status::io_error(path + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return Status::io_error(path + ": fstat failed");
    auto hash = first_line_hash(fd.get());
    if (!hash.ok()) return hash.status();
    const bool same_inode = cp_.device == st.st_dev && cp_.inode == st.st_ino;
    const bool replaced =
        cp_.offset > 0 &&
        (!same_inode || (!cp_.first_line_hash.empty() && cp_.first_line_hash != *hash));
    const bool truncated = static_cast<uint64_t>(st.st_size) < cp_.offset;
    if (replaced || truncated) {
      ++stats_.restarts;
      cp_.offset = cp_.line = 0;
    }
    cp_.device = st.st_dev;
    cp_.inode = st.st_ino;
    cp_.first_line_hash = *hash;
    restart_quarantine(file_identity());
    return read_lines(fd.get(), path);
  }

  Result<std::optional<std::string>> read_lines(int fd, const std::string& path) {
    std::string buffer;
    uint64_t buffer_offset = cp_.offset;  // file offset of buffer[0]
    for (;;) {
      const size_t old_size = buffer.size();
      buffer.resize(old_size + kReadChunkBytes);
      auto n = read_at(fd, buffer_offset + old_size, buffer.data() + old_size, kReadChunkBytes);
      if (!n.ok()) return n.status();
      buffer.resize(old_size + *n);
      size_t start = 0;
      for (size_t newline; (newline = buffer.find('\n', start)) != std::string::npos;) {
        JT_RETURN_IF_ERROR(handle_line(std::string_view(buffer).substr(start, newline - start),
                                       buffer_offset + start, path));
        start = newline + 1;
      }
      buffer.erase(0, start);
      buffer_offset += start;
      if (buffer.size() > limits::line_bytes_max) {  // a line too long to keep: skip it
        auto skipped = skip_long_line(fd, buffer, buffer_offset);
        if (!skipped.ok()) return skipped.status();
        if (!*skipped) break;  // its end is not written yet: it waits, like any partial line
        buffer.clear();
        buffer_offset = cp_.offset;
        continue;
      }
      if (*n == 0) break;
    }
    if (buffer.empty()) return std::optional<std::string>();
    buffer.resize(std::min(buffer.size(), limits::quarantine_raw_bytes_max));
    return std::optional<std::string>(std::move(buffer));
  }

  // `head` is the start (at `offset`) of a line longer than line_bytes_max: finds its end,
  // quarantines it and moves the checkpoint after it. False while the line has no end yet.
  Result<bool> skip_long_line(int fd, std::string_view head, uint64_t offset) {
    uint64_t scan = offset + head.size();
    std::string chunk(kReadChunkBytes, '\0');
    for (;;) {  // bounded by the file's size
      auto n = read_at(fd, scan, chunk.data(), chunk.size());
      if (!n.ok()) return n.status();
      if (*n == 0) return false;
      const size_t newline = std::string_view(chunk.data(), *n).find('\n');
      if (newline == std::string_view::npos) {
        scan += *n;
        continue;
      }
      const uint64_t end = scan + newline;
      quarantine_.report(offset, static_cast<int64_t>(cp_.line + 1), head, end - offset,
                         Status::limit_exceeded("line of " + std::to_string(end - offset) +
                                                " bytes is longer than " +
                                                std::to_string(limits::line_bytes_max)));
      advance(end + 1);
      return true;
    }
  }

  // "<file>:<device>:<inode>:<first line hash>": names the file's bytes in record identities
  // and quarantine keys (offsets of two files must not meet).
  std::string file_identity() const {
    return cp_.file + ":" + std::to_string(cp_.device) + ":" + std::to_string(cp_.inode) + ":" +
           cp_.first_line_hash;
  }

  void restart_quarantine(const std::string& file) {
    stats_.quarantined += quarantine_.count();
    quarantine_ = QuarantineReporter(source_ + "/" + file, &batch_, observed_at_us_);
  }

  void advance(uint64_t next_offset) {
    cp_.offset = next_offset;
    ++cp_.line;
  }

  Status handle_line(std::string_view line, uint64_t offset, const std::string& path) {
    const int64_t number = static_cast<int64_t>(cp_.line + 1);
    auto is_record = format_.parse(line);
    advance(offset + line.size() + 1);
    if (!is_record.ok()) {
      quarantine_.report(offset, number, line, line.size(), is_record.status());
      return Status();
    }
    if (!*is_record) return Status();
    ++stats_.records;
    if (!cluster_registered_) {
      cluster_registered_ = true;
      auto built =
          cluster_registration_event(format_, options_.cluster, path, observed_at_us_, builder_);
      if (!built.ok()) return built.status();
      batch_.events.push_back(std::move(built).value());
    }
    const RecordContext context{
        options_.cluster,
        "pbs-tail/" + options_.cluster + "/" + file_identity() + "/" + std::to_string(offset),
        path,
        static_cast<int64_t>(offset),
        number,
        observed_at_us_};
    const size_t events_before = batch_.events.size();
    Status s = format_.record_events(context, builder_, &batch_.events);
    if (s.ok()) s = raw_records_->add(format_, context, line, builder_, &batch_);
    if (!s.ok()) {
      batch_.events.resize(events_before);  // a record is kept whole or quarantined whole
      quarantine_.report(offset, number, line, line.size(), s);
    }
    if (batch_.events.size() >= batch_events_max()) return commit();
    return Status();
  }

  size_t batch_events_max() const {
    // Room for one more record's events and its raw record.
    return std::clamp<size_t>(options_.batch_events, 1,
                              limits::batch_events_max - format_.events_per_record_max() - 1);
  }

  Status commit() {
    if (committed_ == cp_ && batch_.empty()) return Status();
    batch_.checkpoints.push_back(SourceCheckpoint{source_, cp_.encode()});
    auto appended = append_through(log_, options_.sink, batch_);
    if (!appended.ok()) return appended.status();
    stats_.events_appended += appended->appended;
    stats_.events_duplicate += appended->duplicates;
    batch_.clear();
    committed_ = cp_;
    return Status();
  }

  EventLog& log_;
  const PbsTailOptions& options_;
  PbsLineFormat format_;
  std::string dir_;
  std::string source_;
  AppendBatch batch_;
  QuarantineReporter quarantine_;
  EventBuilder builder_;
  std::unique_ptr<RawRecordKeeper> raw_records_;
  TailCheckpoint cp_, committed_;
  PbsTailStats stats_;
  int64_t observed_at_us_ = 0;
  bool cluster_registered_ = false;
};

bool stop_requested(const PbsTailOptions& o) {
  return o.should_stop && o.should_stop();
}

void wait_for_next_poll(const PbsTailOptions& o) {
  const uint32_t interval =
      std::clamp(o.poll_interval_ms, tail_poll_interval_ms_min, tail_poll_interval_ms_max);
  for (uint32_t waited = 0; waited < interval && !stop_requested(o); waited += kStopCheckMs) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(kStopCheckMs, interval)));
  }
}

}  // namespace

std::string TailCheckpoint::encode() const {
  return "v1 " + file + " " + std::to_string(device) + " " + std::to_string(inode) + " " +
         (first_line_hash.empty() ? "-" : first_line_hash) + " " + std::to_string(offset) + " " +
         std::to_string(line);
}

std::optional<TailCheckpoint> TailCheckpoint::decode(std::string_view value) {
  std::istringstream in{std::string(value)};
  std::string version, hash;
  TailCheckpoint cp;
  if (!(in >> version >> cp.file >> cp.device >> cp.inode >> hash >> cp.offset >> cp.line) ||
      version != "v1" || !is_daily_file_name(cp.file) || !in.eof()) {
    return std::nullopt;
  }
  if (hash != "-") cp.first_line_hash = hash;
  return cp;
}

std::string tail_source(std::string_view cluster, std::string_view absolute_dir) {
  return "pbs-tail/" + std::string(cluster) + "/" + std::string(absolute_dir);
}

bool is_daily_file_name(std::string_view name) {
  return name.size() == 8 &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<PbsTailStats> tail_pbs(EventLog& log, const PbsTailOptions& options) {
  if (options.cluster.empty()) return Status::invalid_argument("--cluster must not be empty");
  auto zone = options.time_zone.empty() ? Result<TimeZone>(TimeZone::utc())
                                        : TimeZone::locate(options.time_zone);
  if (!zone.ok()) return zone.status();
  std::error_code ec;
  if (!std::filesystem::is_directory(options.dir, ec)) {
    return Status::invalid_argument(options.dir + " is not a directory");
  }
  const std::string dir = std::filesystem::canonical(options.dir, ec).string();
  if (ec) return Status::io_error(options.dir + ": " + ec.message());
  Tailer tailer(log, options, std::move(zone).value(), dir);
  JT_RETURN_IF_ERROR(tailer.load());
  JT_RETURN_IF_ERROR(tailer.open_raw_records());
  for (;;) {
    const uint64_t appended_before = tailer.stats().events_appended;
    JT_RETURN_IF_ERROR(tailer.poll());
    if (options.on_poll) options.on_poll(tailer.stats());
    if (options.after_poll && tailer.stats().events_appended != appended_before) {
      JT_RETURN_IF_ERROR(options.after_poll());
    }
    if (!options.follow || stop_requested(options)) break;
    if (options.polls_max != 0 && tailer.stats().polls >= options.polls_max) break;
    wait_for_next_poll(options);
    if (stop_requested(options)) break;
  }
  return tailer.stats();
}

}  // namespace jobtrail::ingest::pbs
