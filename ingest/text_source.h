// LineReader: reads a text file line by line with each line's byte offset, whether the file is
// plain or gzip-compressed (trace archives ship as .swf.gz). Offsets count bytes of the
// decompressed text, so a record's provenance is the same whichever way the file is stored.
//
// Every line is bounded: one longer than limits::line_bytes_max comes back cut, flagged
// `truncated`, with its full length, so the caller can quarantine it and go on.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "events/status.h"

namespace jobtrail::ingest {

struct TextLine {
  std::string_view text;     // without the '\n'; valid until the next call to next()
  uint64_t offset = 0;       // of the line's first byte
  uint64_t number = 0;       // 1-based
  uint64_t bytes_total = 0;  // the full line length, '\n' excluded
  bool truncated = false;
  bool newline_terminated = true;  // false for a last line without '\n'
  uint64_t next_offset = 0;        // where the next line begins: the checkpoint after this one
};

// Where the import loop (line_import.h) reads its records: a text file line by line
// (LineReader), or the job entries of a JSON document, one "line" each (slurm_json_importer.h).
class LineSource {
 public:
  virtual ~LineSource() = default;
  virtual Result<std::optional<TextLine>> next() = 0;
  // A stable identity of the content, independent of the path it is read from.
  virtual const std::string& content_identity() const = 0;
  virtual uint64_t file_bytes() const = 0;     // on disk, for progress
  virtual uint64_t file_position() const = 0;  // on disk, for progress
};

class LineReader final : public LineSource {
 public:
  static Result<std::unique_ptr<LineReader>> open(const std::string& path);
  // Reads `content` (a command's captured output) as if it were a file named `name`; its
  // content identity is a hash of all of it.
  static std::unique_ptr<LineReader> from_memory(std::string name, std::string content);
  ~LineReader() override;
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  Result<std::optional<TextLine>> next() override;

  // A stable identity of the file's content: a hash of its first identity_prefix_bytes
  // bytes (decompressed), as 16 hex digits. Independent of the path it is read from.
  const std::string& content_identity() const override { return identity_; }
  uint64_t file_bytes() const override { return file_bytes_; }  // compressed if gzip
  uint64_t file_position() const override;

  static constexpr size_t identity_prefix_bytes = 4096;

 private:
  LineReader() = default;
  Status fill();
  TextLine take_line(std::string_view text, uint64_t bytes_total, bool newline);
  Result<std::optional<TextLine>> skip_long_line();

  void* gz_ = nullptr;  // gzFile; null when reading from memory (the buffer holds it all)
  std::string path_;
  std::string identity_;
  uint64_t file_bytes_ = 0;
  std::string buffer_;
  size_t buffer_pos_ = 0;
  bool eof_ = false;
  uint64_t offset_ = 0;
  uint64_t line_number_ = 0;
  std::string long_line_;  // holds a cut line's head while the rest is skipped
};

}  // namespace jobtrail::ingest
