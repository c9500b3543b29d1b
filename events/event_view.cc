#include "events/event_view.h"

#include "events/assert.h"
#include "events/limits.h"

namespace jobtrail {

namespace {
// Bounds for the verifier: an event is a shallow tree (Event > header > job > ranges), and a
// DependencyDeclared has at most a few thousand target tables.
constexpr flatbuffers::uoffset_t kVerifyDepthMax = 16;
constexpr flatbuffers::uoffset_t kVerifyTablesMax = 100'000;
}  // namespace

Result<EventView> EventView::from_bytes(std::string_view bytes, uint64_t seq) {
  if (bytes.size() < sizeof(flatbuffers::uoffset_t) + 8 || bytes.size() > limits::event_bytes_max) {
    return Status::corruption("log seq " + std::to_string(seq) + ": event of " +
                              std::to_string(bytes.size()) + " bytes is out of bounds");
  }
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  flatbuffers::Verifier verifier(data, bytes.size(), kVerifyDepthMax, kVerifyTablesMax);
  if (!fb::VerifySizePrefixedEventBuffer(verifier)) {
    return Status::corruption("log seq " + std::to_string(seq) + " does not verify");
  }
  // The size prefix must cover the buffer exactly: trailing bytes mean a torn or spliced value.
  if (flatbuffers::GetPrefixedSize(data) + sizeof(flatbuffers::uoffset_t) != bytes.size()) {
    return Status::corruption("log seq " + std::to_string(seq) + ": size prefix mismatch");
  }
  return EventView(bytes, fb::GetSizePrefixedEvent(data), seq);
}

JobKey job_key_from(const fb::JobKey& key) {
  JobKey out;
  out.kind = static_cast<JobKey::Kind>(key.kind());
  out.id = key.id();
  out.index = key.index();
  if (key.ranges() != nullptr) {
    for (const fb::TaskRange* r : *key.ranges())
      out.ranges.push_back({r->first(), r->last(), r->step()});
  }
  out.max_running = key.max_running();
  out.server = std::string(sv(key.server()));
  out.pbs_style = key.pbs_style();
  return out;
}

EventView EventView::from_trusted_bytes(std::string_view bytes, uint64_t seq) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  JT_ASSERT(bytes.size() > sizeof(flatbuffers::uoffset_t));
  JT_ASSERT(flatbuffers::GetPrefixedSize(data) + sizeof(flatbuffers::uoffset_t) == bytes.size());
  return EventView(bytes, fb::GetSizePrefixedEvent(data), seq);
}

std::string_view EventView::cluster() const {
  return sv(header().cluster());
}

std::string_view EventView::job_text() const {
  const fb::JobKey* job = header().job();
  return job == nullptr ? std::string_view() : sv(job->text());
}

}  // namespace jobtrail
