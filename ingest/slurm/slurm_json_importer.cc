#include "ingest/slurm/slurm_json_importer.h"

#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <variant>

#include "events/time_format.h"
#include "ingest/slurm/slurm_json.h"
#include "ingest/text_source.h"

namespace jobtrail::ingest::slurm {

namespace {

// The whole document, at most slurm_json_document_bytes_max bytes ("-": standard input).
Result<std::string> read_document(const std::string& path) {
  const std::string name = path == "-" ? "/dev/stdin" : path;
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(name.c_str(), "rb"), &std::fclose);
  if (!file) return Status::io_error("open " + name + ": " + std::strerror(errno));
  std::string text;
  char buffer[1 << 16];
  for (;;) {  // bounded by the document limit
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
    text.append(buffer, got);
    if (text.size() > slurm_json_document_bytes_max) {
      return Status::limit_exceeded(name + " is larger than the JSON document limit of " +
                                    std::to_string(slurm_json_document_bytes_max) + " bytes");
    }
    if (got < sizeof buffer) break;
  }
  if (std::ferror(file.get())) return Status::io_error("read " + name);
  return text;
}

std::string origin_of(const std::string& path) {
  if (path == "-") return "/dev/stdin";
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(path, ec).string();
  return ec ? path : absolute;
}

// The job entries of a parsed document, in document order, handed to the import loop one
// "line" each: text is the entry's compact JSON, offset its index. The format reads the entry
// the loop was last given through current().
template <typename Job>
class JsonJobSource final : public LineSource {
 public:
  using Entry = std::variant<Job, SlurmJsonJobError>;

  JsonJobSource(std::vector<Job> jobs, std::vector<SlurmJsonJobError> errors,
                const std::string& document)
      : bytes_(document.size()) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(XXH3_64bits(document.data(), document.size())));
    identity_ = hex;
    // Merge the two lists (each in index order) back into document order.
    std::size_t e = 0;
    for (Job& job : jobs) {
      while (e < errors.size() && errors[e].index < job.index) entries_.emplace_back(errors[e++]);
      entries_.emplace_back(std::move(job));
    }
    while (e < errors.size()) entries_.emplace_back(errors[e++]);
  }

  Result<std::optional<TextLine>> next() override {
    if (next_ == entries_.size()) return std::optional<TextLine>();
    const Entry& entry = entries_[next_++];
    TextLine line;
    line.text = std::visit([](const auto& e) -> std::string_view { return e.text; }, entry);
    line.offset = std::visit([](const auto& e) { return uint64_t{e.index}; }, entry);
    line.number = 0;  // a document has no record lines
    line.bytes_total = line.text.size();
    line.next_offset = line.offset + 1;
    return std::optional<TextLine>(line);
  }

  const Entry& current() const { return entries_.at(next_ - 1); }
  const std::string& content_identity() const override { return identity_; }
  uint64_t file_bytes() const override { return bytes_; }
  uint64_t file_position() const override {
    return entries_.empty() ? bytes_ : bytes_ * next_ / entries_.size();
  }

 private:
  std::vector<Entry> entries_;
  std::size_t next_ = 0;
  std::string identity_;
  uint64_t bytes_ = 0;
};

// What both JSON formats share: each record is the entry the source last handed out (a
// conversion error is returned, so the loop quarantines the entry).
template <typename Job>
class JsonFormat : public LineFormat {
 public:
  JsonFormat(const JsonJobSource<Job>& source, TimeZone zone)
      : source_(source), zone_(std::move(zone)) {}

  size_t events_per_record_max() const override { return 3; }

  Result<bool> parse(std::string_view) override {
    const auto& entry = source_.current();
    if (const auto* error = std::get_if<SlurmJsonJobError>(&entry)) {
      return Status::invalid_argument(
          "job entry " + std::to_string(error->index) +
          (error->job_id.empty() ? "" : " (job " + error->job_id + ")") + ": " +
          error->status.message());
    }
    job_ = &std::get<Job>(entry);
    return true;
  }

  ClusterRegisteredFields cluster_registration(const std::string& cluster) const override {
    return ClusterRegisteredFields{cluster, "slurm", zone_.name(), ""};
  }

 protected:
  const Job* job_ = nullptr;

 private:
  const JsonJobSource<Job>& source_;
  TimeZone zone_;
};

class SacctJsonFormat final : public JsonFormat<SacctJsonJob> {
 public:
  using JsonFormat::JsonFormat;

  std::string_view name() const override { return "sacct-json"; }

  Status record_events(const RecordContext& c, EventBuilder& builder,
                       std::vector<BuiltEvent>* out) override {
    return accounting_record_events(job_->job, fb::SourceKind::SACCT, c, builder, out);
  }

  std::optional<RawRecordFacts> raw_record_facts() const override {
    return accounting_record_facts(job_->job, fb::RecordFormat::SACCT_JSON, fb::SourceKind::SACCT);
  }
};

class SqueueJsonFormat final : public JsonFormat<SqueueJsonJob> {
 public:
  SqueueJsonFormat(const JsonJobSource<SqueueJsonJob>& source, TimeZone zone, KnownJobLookup known,
                   int64_t observed_at_us)
      : JsonFormat(source, std::move(zone)),
        known_(std::move(known)),
        name_("squeue-json@" + std::to_string(observed_at_us)) {}

  // A poll is identified by when it was taken, as for the text form (squeue_importer.h).
  std::string_view name() const override { return name_; }

  Status record_events(const RecordContext& c, EventBuilder& builder,
                       std::vector<BuiltEvent>* out) override {
    return squeue_record_events(job_->record, known_, c, builder, out);
  }

 private:
  KnownJobLookup known_;
  std::string name_;
};

}  // namespace

Result<LineImportStats> import_sacct_json(EventLog& log, const std::string& path,
                                          const SacctImportOptions& options) {
  auto zone = TimeZone::named_or_local(options.time_zone);
  if (!zone.ok()) return zone.status();
  auto text = read_document(path);
  if (!text.ok()) return text.status();
  auto doc = parse_sacct_json(*text);
  if (!doc.ok()) return doc.status();
  JsonJobSource<SacctJsonJob> source(std::move(doc->jobs), std::move(doc->errors), *text);
  text->clear();
  text->shrink_to_fit();
  SacctJsonFormat format(source, std::move(zone).value());
  return import_line_source(log, origin_of(path), source, format, options.line);
}

Result<LineImportStats> import_squeue_json(EventLog& log, const std::string& path,
                                           const SqueueImportOptions& options) {
  auto zone = TimeZone::named_or_local(options.time_zone);
  if (!zone.ok()) return zone.status();
  auto text = read_document(path);
  if (!text.ok()) return text.status();
  auto doc = parse_squeue_json(*text);
  if (!doc.ok()) return doc.status();
  LineImportOptions line = options.line;
  if (line.observed_at_us == 0) line.observed_at_us = doc->last_update_us.value_or(now_us());
  JsonJobSource<SqueueJsonJob> source(std::move(doc->jobs), std::move(doc->errors), *text);
  text->clear();
  text->shrink_to_fit();
  SqueueJsonFormat format(source, std::move(zone).value(), options.known, line.observed_at_us);
  return import_line_source(log, origin_of(path), source, format, line);
}

}  // namespace jobtrail::ingest::slurm
