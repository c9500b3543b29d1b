// TimeZone (see time_zone.h). The date library throws on unknown zones and on tzdb problems;
// those exceptions are caught here, at the only place that calls it, and become Status.
#ifndef USE_OS_TZDB
#define USE_OS_TZDB 1  // Debian's libdate-tz is built against the system tzdb
#endif

#include "ingest/time_zone.h"

#include <date/tz.h>

#include <chrono>
#include <exception>

#include "ingest/input_quote.h"

namespace jobtrail::ingest {

namespace {

constexpr std::size_t kZoneNameBytesMax = 128;

}  // namespace

Result<TimeZone> TimeZone::locate(std::string_view iana_name) {
  if (iana_name == "UTC" || iana_name == "Etc/UTC" || iana_name == "Z") {
    TimeZone zone;
    zone.name_ = std::string(iana_name);
    return zone;
  }
  if (iana_name.empty() || iana_name.size() > kZoneNameBytesMax) {
    return Status::invalid_argument("time zone name " + quote_input(iana_name) +
                                    " is empty or too long");
  }
  try {
    TimeZone zone;
    zone.zone_ = date::locate_zone(iana_name);
    zone.name_ = std::string(iana_name);
    return zone;
  } catch (const std::exception& e) {
    return Status::invalid_argument(
        "time zone " + quote_input(iana_name) +
        " is not in the system tzdb (/usr/share/zoneinfo): " + e.what());
  }
}

TimeZone TimeZone::local() {
  try {
    const date::time_zone* current = date::current_zone();
    TimeZone zone;
    zone.zone_ = current;
    zone.name_ = std::string(current->name());
    return zone;
  } catch (const std::exception&) {
    return TimeZone();  // no /etc/localtime: the machine's zone is UTC
  }
}

Result<int64_t> TimeZone::local_to_epoch_s(int64_t local_s) const {
  if (zone_ == nullptr) return local_s;
  date::local_info info;
  try {
    info = zone_->get_info(date::local_seconds{std::chrono::seconds{local_s}});
  } catch (const std::exception& e) {
    return Status::invalid_argument("time zone " + name_ + ": " + e.what());
  }
  if (info.result == date::local_info::nonexistent) {
    return Status::invalid_argument("does not exist in " + name_ +
                                    " (it falls in a daylight-saving gap)");
  }
  // unique, or ambiguous: `first` is the earlier of the two instants.
  return local_s - info.first.offset.count();
}

}  // namespace jobtrail::ingest
