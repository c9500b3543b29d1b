// The Projection contract (DESIGN.md "Projections").
//
// A projection is a pure fold of the log: apply() sees each event once, in seq order, and
// reads and writes only its own state, through the ProjectionWriter the engine hands it. It
// does no I/O of its own. The engine commits the state changes of a bounded batch of events
// together with the projection's checkpoint {last_seq, version} in one WriteBatch, so every
// event is applied exactly once across crashes. Bumping version() makes the engine throw the
// state away and rebuild it from seq 1.
//
// Keys are the projection's own; they must not start with a 0x00 byte (the engine keeps its
// checkpoint and notes under keys that do).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/event_view.h"
#include "events/status.h"

namespace jobtrail::projections {

class ProjectionWriter {
 public:
  virtual ~ProjectionWriter() = default;
  // The current value of `key`, including writes made earlier in this batch.
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
  virtual void put(std::string_view key, std::string_view value) = 0;
  // The same, taking the strings over (a flush of values it just encoded saves two copies).
  virtual void put_owned(std::string key, std::string value) { put(key, value); }
  virtual void erase(std::string_view key) = 0;
  // Something worth knowing about an event that was applied anyway (a job first seen in a
  // state change, say). Kept with the projection, rebuilt with it.
  virtual void note(std::string_view message) = 0;
};

class Projection {
 public:
  virtual ~Projection() = default;
  virtual std::string_view name() const = 0;
  virtual uint32_t version() const = 0;
  // A non-OK status means this event could not be applied: the engine records it with its seq
  // and reason and goes on with the next event. It never aborts the fold.
  virtual Status apply(const EventView& event, ProjectionWriter& writer) = 0;

  // A projection may keep values it is working on decoded between events of one batch (so a
  // job touched three times is decoded and encoded once). The engine calls flush() before
  // every commit: write every such value through `writer` and forget them. After flush()
  // the projection holds nothing the writer does not have.
  virtual Status flush(ProjectionWriter& writer) {
    (void)writer;
    return Status();
  }
};

}  // namespace jobtrail::projections
