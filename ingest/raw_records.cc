#include "ingest/raw_records.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>

#include "events/assert.h"

namespace jobtrail::ingest {

namespace {

// A raw record is identified by its bytes, not by where it was read: the same line seen again
// through another route (a file imported and also tailed, a sacct row in two poll windows, a
// capture taken twice) is one record, stored once. 128 bits keep collisions out of reach at
// any site's scale.
std::string raw_record_identity(fb::RecordFormat format, const std::string& cluster,
                                std::string_view raw) {
  const XXH128_hash_t h = XXH3_128bits(raw.data(), raw.size());
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return "raw/" + std::string(fb::EnumNameRecordFormat(format)) + "/" + cluster + "/" + hex;
}

}  // namespace

Result<std::unique_ptr<RawRecordKeeper>> RawRecordKeeper::for_log(EventLog& log) {
  auto compressor = RecordCompressor::for_log(log);
  if (!compressor.ok()) return compressor.status();
  return std::unique_ptr<RawRecordKeeper>(new RawRecordKeeper(std::move(compressor).value()));
}

Status RawRecordKeeper::add(const LineFormat& format, const RecordContext& context,
                            std::string_view raw, EventBuilder& builder, AppendBatch* batch) {
  std::optional<RawRecordFacts> facts = format.raw_record_facts();
  if (!facts) return Status();
  JT_ASSERT(facts->format != fb::RecordFormat::UNKNOWN);
  auto compressed = compressor_->compress(facts->format, raw);
  if (!compressed.ok()) return compressed.status();
  for (RecordDictionary& dict : compressor_->take_trained()) {
    batch->dictionaries.push_back(std::move(dict));
  }
  AccountingRecordedFields f;
  f.format = facts->format;
  f.dictionary_id = compressed->dictionary_id;
  f.raw_bytes = static_cast<uint32_t>(raw.size());
  f.compressed = std::move(compressed->bytes);
  f.user = facts->user;
  f.account = facts->account;
  f.partition = facts->partition;
  f.cpus = facts->cpus;
  f.gpus = facts->gpus;
  f.start_at_us = facts->start_at_us;
  f.end_at_us = facts->end_at_us;
  f.step = facts->step;
  const int64_t at_us = std::max({facts->end_at_us, facts->start_at_us, facts->submit_at_us});
  const bool reported = at_us > 0;
  RecordContext by_content = context;
  by_content.identity = raw_record_identity(facts->format, context.cluster, raw);
  EventHeaderFields header =
      record_event_header(by_content, facts->source_kind, facts->command, facts->job,
                          kRawRecordOrdinal, reported ? at_us : context.observed_at_us,
                          reported ? fb::TimeBasis::REPORTED : fb::TimeBasis::OBSERVED);
  auto built = builder.accounting_recorded(header, f);
  if (!built.ok()) return built.status();
  batch->events.push_back(std::move(built).value());
  ++records_;
  raw_bytes_ += raw.size();
  stored_bytes_ += f.compressed.size();
  return Status();
}

}  // namespace jobtrail::ingest
