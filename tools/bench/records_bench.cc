// `jobtrail bench records`: bytes per raw accounting record, stored one by one.
//
// Method. For every bundled real PBS accounting file (data/pbs/*) and sacct capture
// (data/slurm/*sacct*), the records are the file's lines except blank and ';'/'#' comment
// lines. The first half of each file's records trains a zstd dictionary (capacity 16 KiB,
// smaller when the half is too small for it, none when zstd cannot train on it); the second
// half is measured, each record compressed on its own, as jobtrail stores it:
//   raw        the record's bytes
//   gzip       gzip at --gzip-level (6, gzip's default) of the record alone, header and
//              trailer included: NCAR's job history keeps each job's record this way
//   zstd       jobtrail's frame (events/record_codec.h) without a dictionary
//   zstd_dict  the same with the dictionary (when none could be trained: as zstd)
// The dictionary is shared by all of a site's records of a format, so its size is reported
// but not added per record. compress/decompress MB/s are for zstd_dict over the measured raw
// bytes, single-threaded; every record is checked to come back byte-exact (exit 1 if not).
// ratio = gzip bytes / zstd_dict bytes over all measured records (goal >= 2);
// raw_ratio = raw bytes / zstd_dict bytes (goal >= 4).
#include "tools/bench/records_bench.h"

#include <spdlog/spdlog.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "events/record_codec.h"

namespace jobtrail::tools {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr size_t kDictionaryBytesMax = 16 * 1024;
constexpr size_t kFileBytesMax = 256 * 1024 * 1024;  // a bundled capture, decompressed

struct FileResult {
  std::string name;
  fb::RecordFormat format = fb::RecordFormat::UNKNOWN;
  uint64_t records = 0, raw = 0, gzip = 0, zstd = 0, zstd_dict = 0;
  size_t dictionary_bytes = 0;
  double compress_s = 0, decompress_s = 0;
};

Result<std::string> read_file(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");  // plain files pass through
  if (file == nullptr) return Status::io_error("cannot open " + path);
  std::string text;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0 && text.size() < kFileBytesMax) {
    text.append(buffer, static_cast<size_t>(n));
  }
  gzclose(file);
  if (n < 0) return Status::io_error("cannot read " + path);
  return text;
}

std::vector<std::string_view> records_of(std::string_view text) {
  std::vector<std::string_view> records;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    if (!line.empty() && line[0] != ';' && line[0] != '#') records.push_back(line);
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return records;
}

// gzip (RFC 1952) of one record, as its size.
Result<size_t> gzip_bytes(z_stream& z, std::string_view raw, std::string& out) {
  if (deflateReset(&z) != Z_OK) return Status::internal("deflateReset");
  out.resize(deflateBound(&z, raw.size()) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) return Status::internal("deflate did not finish");
  return out.size() - z.avail_out;
}

// The largest dictionary zstd will train on `samples`, or none.
std::optional<std::string> train(const std::vector<std::string_view>& samples) {
  for (size_t capacity = kDictionaryBytesMax; capacity >= 256; capacity /= 2) {
    auto dict = train_record_dictionary(samples, capacity);
    if (dict.ok()) return std::move(dict).value();
  }
  return std::nullopt;
}

Result<FileResult> measure_file(const std::filesystem::path& path, fb::RecordFormat format,
                                int gzip_level) {
  auto text = read_file(path.string());
  if (!text.ok()) return text.status();
  const std::vector<std::string_view> records = records_of(*text);
  const size_t half = records.size() / 2;
  const std::vector<std::string_view> training(records.begin(), records.begin() + half);
  const std::vector<std::string_view> measured(records.begin() + half, records.end());

  FileResult r;
  r.name = path.filename().string();
  r.format = format;
  std::vector<RecordDictionary> dictionaries;
  if (auto dict = train(training)) {
    r.dictionary_bytes = dict->size();
    dictionaries.push_back({1, format, std::move(*dict)});
  }
  RecordCodecOptions no_training;
  no_training.train_records = 0;
  RecordCompressor plain(
      {}, [] { return 0u; }, no_training);
  RecordCompressor with_dict(
      dictionaries, [] { return 0u; }, no_training);
  RecordDecompressor decompressor([&](uint32_t) -> Result<RecordDictionary> {
    if (dictionaries.empty()) return Status::not_found("no dictionary");
    return dictionaries.front();
  });

  z_stream z{};
  if (deflateInit2(&z, gzip_level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::internal("deflateInit2");
  }
  std::string gz;
  std::vector<RecordCompressor::Compressed> stored;
  stored.reserve(measured.size());
  Status status;
  for (std::string_view raw : measured) {
    auto g = gzip_bytes(z, raw, gz);
    auto p = plain.compress(format, raw);
    if (!g.ok() || !p.ok()) {
      status = !g.ok() ? g.status() : p.status();
      break;
    }
    r.records += 1;
    r.raw += raw.size();
    r.gzip += *g;
    r.zstd += p->bytes.size();
  }
  deflateEnd(&z);
  if (!status.ok()) return status;

  const auto compress_start = Clock::now();
  for (std::string_view raw : measured) {
    auto c = with_dict.compress(format, raw);
    if (!c.ok()) return c.status();
    stored.push_back(std::move(c).value());
  }
  r.compress_s = std::chrono::duration<double>(Clock::now() - compress_start).count();
  for (const auto& c : stored) r.zstd_dict += c.bytes.size();

  std::vector<std::string> back(measured.size());
  const auto decompress_start = Clock::now();
  for (size_t i = 0; i < measured.size(); ++i) {
    auto raw = decompressor.decompress(stored[i].dictionary_id,
                                       static_cast<uint32_t>(measured[i].size()), stored[i].bytes);
    if (!raw.ok()) return raw.status();
    back[i] = std::move(raw).value();
  }
  r.decompress_s = std::chrono::duration<double>(Clock::now() - decompress_start).count();
  for (size_t i = 0; i < measured.size(); ++i) {
    if (back[i] != measured[i]) {
      return Status::corruption(r.name + ": record " + std::to_string(half + i + 1) +
                                " did not come back byte-exact");
    }
  }
  return r;
}

double per_record(uint64_t bytes, uint64_t records) {
  return records == 0 ? 0.0 : static_cast<double>(bytes) / static_cast<double>(records);
}

double mb_per_s(uint64_t bytes, double seconds) {
  return seconds <= 0 ? 0.0 : static_cast<double>(bytes) / 1e6 / seconds;
}

json file_json(const FileResult& r) {
  return {{"file", r.name},
          {"format", fb::EnumNameRecordFormat(r.format)},
          {"records_measured", r.records},
          {"raw_bytes_per_record", per_record(r.raw, r.records)},
          {"gzip_bytes_per_record", per_record(r.gzip, r.records)},
          {"zstd_bytes_per_record", per_record(r.zstd, r.records)},
          {"zstd_dict_bytes_per_record", per_record(r.zstd_dict, r.records)},
          {"dictionary_bytes", r.dictionary_bytes},
          {"compress_mb_s", mb_per_s(r.raw, r.compress_s)},
          {"decompress_mb_s", mb_per_s(r.raw, r.decompress_s)}};
}

std::vector<std::pair<std::filesystem::path, fb::RecordFormat>> bench_files(
    const std::string& data_dir) {
  std::vector<std::pair<std::filesystem::path, fb::RecordFormat>> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir + "/pbs", ec)) {
    files.emplace_back(entry.path(), fb::RecordFormat::PBS);
  }
  for (const auto& entry : std::filesystem::directory_iterator(data_dir + "/slurm", ec)) {
    if (entry.path().filename().string().find("sacct") != std::string::npos) {
      files.emplace_back(entry.path(), fb::RecordFormat::SACCT_PARSABLE);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

void print_table(const std::vector<FileResult>& results, const json& totals) {
  std::printf("%-52s %8s %7s %7s %7s %7s %7s %9s %9s\n", "bytes per record", "records", "raw",
              "gzip", "zstd", "dict", "dictB", "comp MB/s", "dec MB/s");
  for (const FileResult& r : results) {
    std::printf("%-52s %8llu %7.1f %7.1f %7.1f %7.1f %7zu %9.1f %9.1f\n", r.name.c_str(),
                static_cast<unsigned long long>(r.records), per_record(r.raw, r.records),
                per_record(r.gzip, r.records), per_record(r.zstd, r.records),
                per_record(r.zstd_dict, r.records), r.dictionary_bytes,
                mb_per_s(r.raw, r.compress_s), mb_per_s(r.raw, r.decompress_s));
  }
  std::printf("all: %s\n", totals.dump().c_str());
}

}  // namespace

int run_bench_records(const BenchRecordsOptions& options) {
  const std::string data_dir = options.data_dir.empty() ? JOBTRAIL_DATA_DIR : options.data_dir;
  if (options.gzip_level < 1 || options.gzip_level > 9) {
    spdlog::error("--gzip-level must be 1..9");
    return 1;
  }
  std::vector<FileResult> results;
  FileResult all;
  for (const auto& [path, format] : bench_files(data_dir)) {
    auto r = measure_file(path, format, options.gzip_level);
    if (!r.ok()) {
      spdlog::error("{}: {}", path.string(), r.status().to_string());
      return 1;
    }
    all.records += r->records;
    all.raw += r->raw;
    all.gzip += r->gzip;
    all.zstd += r->zstd;
    all.zstd_dict += r->zstd_dict;
    all.compress_s += r->compress_s;
    all.decompress_s += r->decompress_s;
    results.push_back(std::move(r).value());
  }
  if (all.records == 0 || all.zstd_dict == 0) {
    spdlog::error("no records found under {}/pbs and {}/slurm", data_dir, data_dir);
    return 1;
  }
  const double ratio = static_cast<double>(all.gzip) / static_cast<double>(all.zstd_dict);
  const double raw_ratio = static_cast<double>(all.raw) / static_cast<double>(all.zstd_dict);
  json totals = {{"records_measured", all.records},
                 {"raw_bytes_per_record", per_record(all.raw, all.records)},
                 {"gzip_bytes_per_record", per_record(all.gzip, all.records)},
                 {"zstd_bytes_per_record", per_record(all.zstd, all.records)},
                 {"zstd_dict_bytes_per_record", per_record(all.zstd_dict, all.records)},
                 {"compress_mb_s", mb_per_s(all.raw, all.compress_s)},
                 {"decompress_mb_s", mb_per_s(all.raw, all.decompress_s)},
                 {"gzip_level", options.gzip_level},
                 {"ratio", ratio},
                 {"raw_ratio", raw_ratio},
                 {"goal_ratio", 2.0},
                 {"goal_raw_ratio", 4.0}};
  if (options.json) {
    json out = totals;
    out["files"] = json::array();
    for (const FileResult& r : results) out["files"].push_back(file_json(r));
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    print_table(results, totals);
  }
  return 0;
}

}  // namespace jobtrail::tools
