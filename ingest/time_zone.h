// TimeZone: the zone a scheduler printed its zone-less local times in (SLURM's sacct/squeue
// "2016-12-22T10:32:05", PBS accounting's "04/01/2010 23:51:42"). The caller names the zone
// (IANA: "Australia/Melbourne"); the zone rules come from Howard Hinnant's date library
// (Debian libhowardhinnant-date-dev, built with USE_OS_TZDB=1; link -ldate-tz). It lists
// /usr/share/zoneinfo when the first zone is located and reads a zone's TZif file the first
// time that zone converts a time (thread-safe, once), so this is the one place in ingest that
// touches files for a time. "UTC" (and "Etc/UTC", "Z") needs no file.
//
// A local time in a DST fold (the hour that happens twice) is ambiguous in the text itself; it
// takes the earlier instant. A local time inside a DST gap cannot have been printed in that
// zone, so it is an error that names the zone (the zone given is probably wrong).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/status.h"

namespace date {
class time_zone;
}

namespace jobtrail::ingest {

class TimeZone {
 public:
  // "UTC", "Etc/UTC", "Z" need no tzdb; any other name must be in the system tzdb.
  static Result<TimeZone> locate(std::string_view iana_name);
  static TimeZone utc() { return TimeZone(); }
  // This machine's zone (the system tzdb's current zone; UTC if it cannot say).
  static TimeZone local();
  // `iana_name`, or this machine's zone when it is empty (SLURM's --tz default).
  static Result<TimeZone> named_or_local(std::string_view iana_name) {
    if (iana_name.empty()) return local();
    return locate(iana_name);
  }

  const std::string& name() const { return name_; }
  bool is_utc() const { return zone_ == nullptr; }

  // Seconds since the epoch of a local wall-clock time given as seconds since 1970-01-01T00:00
  // in that wall clock.
  Result<int64_t> local_to_epoch_s(int64_t local_s) const;

 private:
  std::string name_ = "UTC";
  const date::time_zone* zone_ = nullptr;  // owned by the date library's tzdb; null for UTC
};

}  // namespace jobtrail::ingest
