// Times: jobtrail stores microseconds since the Unix epoch (UTC) and shows ISO 8601 UTC with
// a 'Z'. Time arguments accept ISO 8601 (with 'Z' or a +HH:MM offset; no offset means UTC) or
// epoch seconds with an optional fraction ("1027839845.25").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/status.h"

namespace jobtrail {

// "2002-07-28T07:04:05Z", or "...05.250000Z" when there is a fraction of a second.
std::string format_iso8601_us(int64_t epoch_us);

Result<int64_t> parse_time_us(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

int64_t now_us();

}  // namespace jobtrail
