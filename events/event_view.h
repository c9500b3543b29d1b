// EventView: a verified, read-only view over one stored event's bytes.
//
// from_bytes() runs the FlatBuffers Verifier (bounded depth and table count) before anything
// is read, so every accessor afterwards is safe. The view does not own the bytes: they must
// outlive it (StoredEvent bundles both).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/job_key.h"
#include "events/status.h"
#include "schemas/events_generated.h"

namespace jobtrail {

class EventView {
 public:
  // `seq` is only used to name the event in a Corruption status.
  static Result<EventView> from_bytes(std::string_view bytes, uint64_t seq);
  // For bytes this process has already verified with from_bytes (a prefetching cursor hands
  // them from one thread to another); checks only the size prefix.
  static EventView from_trusted_bytes(std::string_view bytes, uint64_t seq);

  uint64_t seq() const { return seq_; }
  const fb::Event& event() const { return *event_; }
  const fb::EventHeader& header() const { return *event_->header(); }
  fb::Body type() const { return event_->body_type(); }
  std::string_view type_name() const { return fb::EnumNameBody(type()); }

  template <typename T>
  const T* as() const {
    return event_->body_as<T>();
  }

  std::string_view cluster() const;
  std::string_view job_text() const;  // empty for cluster-wide events
  int64_t observed_at_us() const { return header().observed_at_us(); }
  int64_t effective_at_us() const { return header().effective_at_us(); }
  std::string_view bytes() const { return bytes_; }

 private:
  EventView(std::string_view bytes, const fb::Event* event, uint64_t seq)
      : bytes_(bytes), event_(event), seq_(seq) {}

  std::string_view bytes_;
  const fb::Event* event_;
  uint64_t seq_;
};

// An event read from the log with the bytes it views.
struct StoredEvent {
  uint64_t seq = 0;
  std::string bytes;
  // Set by EventLog::read and read_many, which verified `bytes`: view() then checks only the
  // size prefix (verifying again was half the time of an as-of over an array's 4000 events).
  // Whoever changes `bytes` clears it.
  bool verified = false;
  // Valid while this StoredEvent is alive and unmoved-from; verifies unless `verified` (a
  // moved-from event has no bytes, and reads as corrupt).
  Result<EventView> view() const {
    if (verified && !bytes.empty()) return EventView::from_trusted_bytes(bytes, seq);
    return EventView::from_bytes(bytes, seq);
  }
};

// The parsed key a stored event carries, back as a JobKey.
JobKey job_key_from(const fb::JobKey& key);

// Flatbuffers string to string_view; empty for an absent field.
inline std::string_view sv(const flatbuffers::String* s) {
  return s == nullptr ? std::string_view() : std::string_view(s->data(), s->size());
}

}  // namespace jobtrail
