#include "events/time_format.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace jobtrail {

namespace {

constexpr int64_t kUsPerSecond = 1'000'000;

struct Civil {
  int64_t year;
  unsigned month, day;
};

Civil civil_from_days(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return Civil{static_cast<int64_t>(yoe) + era * 400 + (month <= 2), month, day};
}

// Reads exactly `width` digits from the front of *text.
bool take_digits(std::string_view* text, size_t width, int64_t* out) {
  if (text->size() < width) return false;
  int64_t value = 0;
  for (size_t i = 0; i < width; ++i) {
    char c = (*text)[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  text->remove_prefix(width);
  *out = value;
  return true;
}

bool take_char(std::string_view* text, char c) {
  if (text->empty() || text->front() != c) return false;
  text->remove_prefix(1);
  return true;
}

// ".25" -> 250000 µs; digits beyond microseconds are dropped.
bool take_fraction_us(std::string_view* text, int64_t* us) {
  *us = 0;
  if (!take_char(text, '.') && !take_char(text, ',')) return true;
  int64_t scale = 100000;
  size_t digits = 0;
  while (!text->empty() && text->front() >= '0' && text->front() <= '9') {
    *us += (text->front() - '0') * scale;
    scale /= 10;
    text->remove_prefix(1);
    ++digits;
  }
  return digits > 0;
}

Result<int64_t> parse_epoch(std::string_view text) {
  std::string_view rest = text;
  bool negative = take_char(&rest, '-');
  if (negative && !rest.empty() && rest.front() == '-') {  // from_chars would take a second '-'
    return Status::invalid_argument("'" + std::string(text) + "' is not a time");
  }
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), seconds);
  if (ec != std::errc() || end == rest.data()) {
    return Status::invalid_argument("'" + std::string(text) + "' is not a time");
  }
  rest.remove_prefix(end - rest.data());
  int64_t fraction_us = 0;
  if (!take_fraction_us(&rest, &fraction_us) || !rest.empty() ||
      seconds > INT64_MAX / kUsPerSecond - 1) {
    return Status::invalid_argument("'" + std::string(text) + "' is not a time");
  }
  int64_t us = seconds * kUsPerSecond + fraction_us;
  return negative ? -us : us;
}

Result<int64_t> parse_iso8601(std::string_view text) {
  const auto bad = [&](const char* why) {
    return Status::invalid_argument("'" + std::string(text) + "' is not an ISO 8601 time (" + why +
                                    ")");
  };
  std::string_view rest = text;
  int64_t year, month, day, hour = 0, minute = 0, second = 0, fraction_us = 0;
  if (!take_digits(&rest, 4, &year) || !take_char(&rest, '-') || !take_digits(&rest, 2, &month) ||
      !take_char(&rest, '-') || !take_digits(&rest, 2, &day)) {
    return bad("expected YYYY-MM-DD");
  }
  if (take_char(&rest, 'T') || take_char(&rest, ' ')) {
    if (!take_digits(&rest, 2, &hour) || !take_char(&rest, ':') ||
        !take_digits(&rest, 2, &minute)) {
      return bad("expected HH:MM");
    }
    if (take_char(&rest, ':') && !take_digits(&rest, 2, &second)) return bad("expected SS");
    if (!take_fraction_us(&rest, &fraction_us)) return bad("bad fraction");
  }
  int64_t offset_s = 0;
  if (take_char(&rest, 'Z') || rest.empty()) {
    // UTC
  } else if (rest.front() == '+' || rest.front() == '-') {
    const int sign = rest.front() == '+' ? 1 : -1;
    rest.remove_prefix(1);
    int64_t oh = 0, om = 0;
    if (!take_digits(&rest, 2, &oh)) return bad("bad zone offset");
    take_char(&rest, ':');
    if (!rest.empty() && !take_digits(&rest, 2, &om)) return bad("bad zone offset");
    if (oh > 23 || om > 59) return bad("zone offset out of range");
    offset_s = sign * (oh * 3600 + om * 60);
  }
  if (!rest.empty()) return bad("unexpected text after the time");
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return bad("a field is out of range");
  }
  // The last day of the month is the day before the first of the next (leap years included).
  const int64_t month_days =
      days_from_civil(month == 12 ? year + 1 : year, static_cast<unsigned>(month % 12 + 1), 1) -
      days_from_civil(year, static_cast<unsigned>(month), 1);
  if (day > month_days) return bad("no such day in that month");
  const int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return seconds * kUsPerSecond + fraction_us;
}

}  // namespace

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string format_iso8601_us(int64_t epoch_us) {
  int64_t seconds = epoch_us / kUsPerSecond;
  int64_t us = epoch_us % kUsPerSecond;
  if (us < 0) {
    us += kUsPerSecond;
    --seconds;
  }
  int64_t days = seconds / 86400;
  int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  const Civil c = civil_from_days(days);
  char buf[48];
  int n = std::snprintf(
      buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(c.year),
      c.month, c.day, static_cast<long long>(second_of_day / 3600),
      static_cast<long long>(second_of_day / 60 % 60), static_cast<long long>(second_of_day % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (us != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(us));
    out += buf;
  }
  out += 'Z';
  return out;
}

Result<int64_t> parse_time_us(std::string_view text) {
  if (text.empty()) return Status::invalid_argument("empty time");
  // "2024-..." has a '-' after four digits; an epoch never does.
  if (text.size() >= 5 && text[4] == '-') return parse_iso8601(text);
  return parse_epoch(text);
}

int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace jobtrail
