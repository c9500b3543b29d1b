#include "events/record_codec.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_c_format / ZSTD_d_format: the magicless frame
#include <zdict.h>
#include <zstd.h>

#include <algorithm>

#include "events/assert.h"
#include "events/event_log.h"
#include "events/limits.h"

namespace jobtrail {

namespace {

Status zstd_error(std::string_view what, size_t code) {
  return Status::internal(std::string(what) + ": " + ZSTD_getErrorName(code));
}

// Parameters every stored frame shares (see the header): no magic, no size, no checksum, no
// dictionary id.
Status set_frame_parameters(ZSTD_CCtx* cctx) {
  for (auto [param, value] : {std::pair{ZSTD_c_format, static_cast<int>(ZSTD_f_zstd1_magicless)},
                              std::pair{ZSTD_c_contentSizeFlag, 0},
                              std::pair{ZSTD_c_checksumFlag, 0}, std::pair{ZSTD_c_dictIDFlag, 0}}) {
    const size_t rc = ZSTD_CCtx_setParameter(cctx, param, value);
    if (ZSTD_isError(rc)) return zstd_error("zstd parameter", rc);
  }
  return Status();
}

}  // namespace

Result<std::string> train_record_dictionary(const std::vector<std::string_view>& samples,
                                            size_t capacity) {
  std::string joined;
  std::vector<size_t> sizes;
  sizes.reserve(samples.size());
  for (std::string_view s : samples) {
    joined.append(s);
    sizes.push_back(s.size());
  }
  std::string dict(capacity, '\0');
  const size_t n = ZDICT_trainFromBuffer(dict.data(), dict.size(), joined.data(), sizes.data(),
                                         static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(n)) {
    return Status::invalid_argument(std::string("no dictionary trained: ") + ZDICT_getErrorName(n));
  }
  dict.resize(n);
  return dict;
}

// ---- RecordCompressor ----------------------------------------------------------------------

struct RecordCompressor::Contexts {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  std::map<uint32_t, ZSTD_CDict*> cdicts;  // digested once per dictionary (STACK.md)
  ~Contexts() {
    for (auto& [id, cdict] : cdicts) ZSTD_freeCDict(cdict);
    ZSTD_freeCCtx(cctx);
  }
};

struct RecordCompressor::FormatState {
  uint32_t dictionary_id = 0;  // newest dictionary of the format; 0: none yet
  bool training_done = false;  // trained (or given up) in this process
  std::vector<std::string> samples;
  size_t samples_bytes = 0;
};

RecordCompressor::RecordCompressor(const std::vector<RecordDictionary>& stored, IdSource next_id,
                                   RecordCodecOptions options)
    : options_(options), next_id_(std::move(next_id)), zstd_(std::make_unique<Contexts>()) {
  JT_ASSERT(zstd_->cctx != nullptr);
  for (const RecordDictionary& dict : stored) {
    // A stored dictionary that zstd cannot digest leaves its format on plain zstd.
    (void)add_dictionary(dict);
  }
}

RecordCompressor::~RecordCompressor() = default;

Result<std::unique_ptr<RecordCompressor>> RecordCompressor::for_log(EventLog& log,
                                                                    RecordCodecOptions options) {
  auto stored = log.dictionaries();
  if (!stored.ok()) return stored.status();
  return std::make_unique<RecordCompressor>(
      *stored, [&log] { return log.reserve_dictionary_id(); }, options);
}

Status RecordCompressor::add_dictionary(RecordDictionary dict) {
  ZSTD_CDict* cdict =
      ZSTD_createCDict(dict.bytes.data(), dict.bytes.size(), options_.dictionary_level);
  if (cdict == nullptr) {
    return Status::invalid_argument("zstd cannot load dictionary " + std::to_string(dict.id));
  }
  auto [it, inserted] = zstd_->cdicts.emplace(dict.id, cdict);
  if (!inserted) {
    ZSTD_freeCDict(cdict);
    return Status();
  }
  FormatState& state = formats_[dict.format];
  state.dictionary_id = std::max(state.dictionary_id, dict.id);
  return Status();
}

void RecordCompressor::maybe_train(fb::RecordFormat format, FormatState& state,
                                   std::string_view raw) {
  if (state.dictionary_id != 0 || state.training_done || options_.train_records == 0) return;
  if (state.samples_bytes + raw.size() <= limits::record_samples_bytes_max) {
    state.samples.emplace_back(raw);
    state.samples_bytes += raw.size();
  }
  if (state.samples.size() < options_.train_records) return;
  state.training_done = true;  // one attempt per process: a failure is not retried per record
  std::vector<std::string_view> views(state.samples.begin(), state.samples.end());
  auto trained = train_record_dictionary(views, options_.dictionary_bytes);
  state.samples = {};
  state.samples_bytes = 0;
  if (!trained.ok()) return;  // too uniform or too few: the format stays on plain zstd
  RecordDictionary dict{next_id_(), format, std::move(trained).value()};
  if (add_dictionary(dict).ok()) trained_.push_back(std::move(dict));
}

Result<RecordCompressor::Compressed> RecordCompressor::compress(fb::RecordFormat format,
                                                                std::string_view raw) {
  if (raw.size() > limits::line_bytes_max) {
    return Status::limit_exceeded("record of " + std::to_string(raw.size()) + " bytes");
  }
  FormatState& state = formats_[format];
  maybe_train(format, state, raw);
  ZSTD_CCtx* cctx = zstd_->cctx;
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
  JT_RETURN_IF_ERROR(set_frame_parameters(cctx));
  Compressed out;
  out.dictionary_id = state.dictionary_id;
  size_t rc = 0;
  if (out.dictionary_id != 0) {
    rc = ZSTD_CCtx_refCDict(cctx, zstd_->cdicts.at(out.dictionary_id));
  } else {
    rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, options_.plain_level);
  }
  if (ZSTD_isError(rc)) return zstd_error("zstd setup", rc);
  out.bytes.resize(ZSTD_compressBound(raw.size()));
  const size_t n = ZSTD_compress2(cctx, out.bytes.data(), out.bytes.size(), raw.data(), raw.size());
  if (ZSTD_isError(n)) return zstd_error("zstd compress", n);
  out.bytes.resize(n);
  return out;
}

std::vector<RecordDictionary> RecordCompressor::take_trained() {
  return std::exchange(trained_, {});
}

// ---- RecordDecompressor --------------------------------------------------------------------

struct RecordDecompressor::Contexts {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::map<uint32_t, ZSTD_DDict*> ddicts;
  ~Contexts() {
    for (auto& [id, ddict] : ddicts) ZSTD_freeDDict(ddict);
    ZSTD_freeDCtx(dctx);
  }
};

RecordDecompressor::RecordDecompressor(DictionaryLoader load)
    : load_(std::move(load)), zstd_(std::make_unique<Contexts>()) {
  JT_ASSERT(zstd_->dctx != nullptr);
}

RecordDecompressor::RecordDecompressor(const EventLog& log)
    : RecordDecompressor([&log](uint32_t id) { return log.dictionary(id); }) {}

RecordDecompressor::~RecordDecompressor() = default;

Result<std::string> RecordDecompressor::decompress(uint32_t dictionary_id, uint32_t raw_bytes,
                                                   std::string_view compressed) {
  if (raw_bytes > limits::line_bytes_max) {
    return Status::corruption("raw record claims " + std::to_string(raw_bytes) + " bytes");
  }
  ZSTD_DCtx* dctx = zstd_->dctx;
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters);
  size_t rc = ZSTD_DCtx_setParameter(dctx, ZSTD_d_format, ZSTD_f_zstd1_magicless);
  if (ZSTD_isError(rc)) return zstd_error("zstd parameter", rc);
  if (dictionary_id != 0) {
    auto it = zstd_->ddicts.find(dictionary_id);
    if (it == zstd_->ddicts.end()) {
      auto dict = load_(dictionary_id);
      if (!dict.ok()) return dict.status();
      ZSTD_DDict* ddict = ZSTD_createDDict(dict->bytes.data(), dict->bytes.size());
      if (ddict == nullptr) {
        return Status::corruption("record dictionary " + std::to_string(dictionary_id) +
                                  " does not load");
      }
      it = zstd_->ddicts.emplace(dictionary_id, ddict).first;
    }
    rc = ZSTD_DCtx_refDDict(dctx, it->second);
    if (ZSTD_isError(rc)) return zstd_error("zstd dictionary", rc);
  }
  std::string raw(raw_bytes, '\0');
  const size_t n =
      ZSTD_decompressDCtx(dctx, raw.data(), raw.size(), compressed.data(), compressed.size());
  if (ZSTD_isError(n) || n != raw_bytes) {
    return Status::corruption("raw record does not decompress to its " + std::to_string(raw_bytes) +
                              " bytes" +
                              (ZSTD_isError(n) ? std::string(": ") + ZSTD_getErrorName(n) : ""));
  }
  return raw;
}

Result<std::string> RecordDecompressor::decompress(const fb::AccountingRecorded& record) {
  const auto* bytes = record.compressed();
  if (bytes == nullptr) return Status::corruption("AccountingRecorded without its bytes");
  return decompress(record.dictionary_id(), record.raw_bytes(),
                    std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
}

}  // namespace jobtrail
