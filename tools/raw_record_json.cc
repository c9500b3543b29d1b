#include "tools/raw_record_json.h"

#include "events/record_codec.h"

namespace jobtrail::tools {

Result<std::vector<RawRecord>> read_raw_records(const EventLog& log, std::string_view cluster,
                                                std::string_view job) {
  auto seqs = log.stream(cluster, job);
  if (!seqs.ok()) return seqs.status();
  RecordDecompressor decompressor(log);
  std::vector<RawRecord> out;
  for (uint64_t seq : *seqs) {
    auto stored = log.read(seq);
    if (!stored.ok()) return stored.status();
    auto view = stored->view();
    if (!view.ok()) return view.status();
    const auto* record = view->as<fb::AccountingRecorded>();
    if (record == nullptr) continue;
    auto bytes = decompressor.decompress(*record);
    if (!bytes.ok()) {
      return Status::corruption("seq " + std::to_string(seq) + ": " + bytes.status().message());
    }
    const fb::Provenance* p = view->header().provenance();
    RawRecord r;
    r.seq = seq;
    r.format = fb::EnumNameRecordFormat(record->format());
    r.source = p ? fb::EnumNameSourceKind(p->source_kind()) : "";
    r.origin = p && p->origin() ? p->origin()->str() : "";
    r.offset = p ? p->offset() : 0;
    r.line = p ? p->line() : 0;
    r.step = record->step() ? record->step()->str() : "";
    r.dictionary_id = record->dictionary_id();
    r.stored_bytes = record->compressed() ? record->compressed()->size() : 0;
    r.bytes = std::move(bytes).value();
    out.push_back(std::move(r));
  }
  return out;
}

nlohmann::json raw_record_json(const RawRecord& r) {
  return {{"seq", r.seq},
          {"step", r.step},
          {"format", r.format},
          {"source", r.source},
          {"origin", r.origin},
          {"offset", r.offset},
          {"line", r.line},
          {"dictionary_id", r.dictionary_id},
          {"raw_bytes", r.bytes.size()},
          {"stored_bytes", r.stored_bytes},
          {"raw", r.bytes}};
}

}  // namespace jobtrail::tools
