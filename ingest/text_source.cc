// The reader keeps a buffer of decompressed bytes and hands out views of whole lines in it.
// zlib's gzread reads plain files transparently, so one code path serves both.
#include "ingest/text_source.h"

#include <xxhash.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "events/limits.h"

namespace jobtrail::ingest {

namespace {
constexpr size_t kReadChunkBytes = 256 * 1024;
static_assert(kReadChunkBytes > jobtrail::limits::line_bytes_max);
}  // namespace

LineReader::~LineReader() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
}

Result<std::unique_ptr<LineReader>> LineReader::open(const std::string& path) {
  std::error_code ec;
  // Regular files, and pipes such as /dev/stdin ("-" on the command line); never a folder.
  if (!std::filesystem::exists(path, ec) || std::filesystem::is_directory(path, ec)) {
    return Status::io_error("cannot read " + path + ": no such file");
  }
  std::unique_ptr<LineReader> reader(new LineReader());
  reader->path_ = path;
  const auto size = std::filesystem::file_size(path, ec);
  reader->file_bytes_ = ec ? 0 : size;  // 0 for a pipe
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) return Status::io_error("cannot open " + path);
  reader->gz_ = gz;
  gzbuffer(gz, 128 * 1024);

  char head[identity_prefix_bytes];
  int got = gzread(gz, head, sizeof head);
  if (got < 0) return Status::io_error("cannot read " + path + " (corrupt gzip?)");
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(head, static_cast<size_t>(got))));
  reader->identity_ = hex;
  reader->buffer_.assign(head, static_cast<size_t>(got));
  reader->eof_ = got < static_cast<int>(sizeof head);
  return reader;
}

std::unique_ptr<LineReader> LineReader::from_memory(std::string name, std::string content) {
  std::unique_ptr<LineReader> reader(new LineReader());
  reader->path_ = std::move(name);
  reader->file_bytes_ = content.size();
  // The whole output, not a prefix: two polls whose outputs differ only past the first
  // identity_prefix_bytes are different sources.
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(content.data(), content.size())));
  reader->identity_ = hex;
  reader->buffer_ = std::move(content);
  reader->eof_ = true;
  return reader;
}

uint64_t LineReader::file_position() const {
  if (gz_ == nullptr) return buffer_pos_;
  z_off_t position = gzoffset(static_cast<gzFile>(gz_));
  return position < 0 ? 0 : static_cast<uint64_t>(position);
}

Status LineReader::fill() {
  if (gz_ == nullptr) {  // from memory: everything is in the buffer already
    eof_ = true;
    return Status();
  }
  buffer_.erase(0, buffer_pos_);
  buffer_pos_ = 0;
  const size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadChunkBytes);
  int got = gzread(static_cast<gzFile>(gz_), buffer_.data() + old_size, kReadChunkBytes);
  if (got < 0) {
    int errnum = 0;
    const char* message = gzerror(static_cast<gzFile>(gz_), &errnum);
    buffer_.resize(old_size);
    return Status::io_error("read " + path_ + ": " + message);
  }
  buffer_.resize(old_size + static_cast<size_t>(got));
  if (got == 0) eof_ = true;
  return Status();
}

TextLine LineReader::take_line(std::string_view text, uint64_t bytes_total, bool newline) {
  TextLine line;
  line.number = ++line_number_;
  line.offset = offset_;
  line.bytes_total = bytes_total;
  line.truncated = bytes_total > text.size();
  line.newline_terminated = newline;
  line.text = text;
  offset_ += bytes_total + (newline ? 1 : 0);
  line.next_offset = offset_;
  return line;
}

// An over-long line: keep its head in long_line_, skip the rest chunk by chunk (bounded by
// the file's size), and hand it out cut.
Result<std::optional<TextLine>> LineReader::skip_long_line() {
  std::string_view available(buffer_.data() + buffer_pos_, buffer_.size() - buffer_pos_);
  long_line_.assign(available.substr(0, limits::line_bytes_max));
  uint64_t total = available.size();
  buffer_pos_ = buffer_.size();
  for (;;) {
    JT_RETURN_IF_ERROR(fill());
    std::string_view more(buffer_.data() + buffer_pos_, buffer_.size() - buffer_pos_);
    const size_t newline = more.find('\n');
    if (newline != std::string_view::npos) {
      buffer_pos_ += newline + 1;
      return std::optional<TextLine>(take_line(long_line_, total + newline, true));
    }
    total += more.size();
    buffer_pos_ = buffer_.size();
    if (eof_) return std::optional<TextLine>(take_line(long_line_, total, false));
  }
}

Result<std::optional<TextLine>> LineReader::next() {
  // Bounded: each pass finds a line, reaches EOF, or reads one more chunk of a short line.
  for (;;) {
    std::string_view available(buffer_.data() + buffer_pos_, buffer_.size() - buffer_pos_);
    const size_t newline = available.find('\n');
    if (newline != std::string_view::npos) {
      buffer_pos_ += newline + 1;
      return std::optional<TextLine>(
          take_line(available.substr(0, std::min(newline, limits::line_bytes_max)), newline, true));
    }
    if (eof_) {
      if (available.empty()) return std::optional<TextLine>();
      buffer_pos_ = buffer_.size();
      return std::optional<TextLine>(
          take_line(available.substr(0, std::min(available.size(), limits::line_bytes_max)),
                    available.size(), false));
    }
    if (available.size() > limits::line_bytes_max) return skip_long_line();
    JT_RETURN_IF_ERROR(fill());
  }
}

}  // namespace jobtrail::ingest
