// Tests for time formatting and parsing (events/time_format.h): ISO 8601 UTC out, ISO 8601 or
// epoch seconds in, exact to the microsecond on both sides of 1970, and a Status (never a
// guess) for anything that is not a time.
#include "events/time_format.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace jobtrail {
namespace {

constexpr int64_t kUs = 1'000'000;
constexpr int64_t kDayUs = 86'400 * kUs;

int64_t must_parse(const std::string& text) {
  auto parsed = parse_time_us(text);
  INFO("text: '" << text << "': " << parsed.status().to_string());
  REQUIRE(parsed.ok());
  return *parsed;
}

TEST_CASE("days_from_civil counts days from 1970-01-01 in the proleptic Gregorian calendar",
          "[events][time_format]") {
  REQUIRE(days_from_civil(1970, 1, 1) == 0);
  REQUIRE(days_from_civil(1970, 1, 2) == 1);
  REQUIRE(days_from_civil(1969, 12, 31) == -1);
  REQUIRE(days_from_civil(1900, 1, 1) == -25567);
  REQUIRE(days_from_civil(1600, 3, 1) == -135080);
  REQUIRE(days_from_civil(2000, 2, 29) == 11016);
  REQUIRE(days_from_civil(2024, 2, 29) == 19782);
  REQUIRE(days_from_civil(2024, 3, 1) == 19783);
  REQUIRE(days_from_civil(0, 1, 1) == -719528);  // year 0 is a leap year
  REQUIRE(days_from_civil(9999, 12, 31) == 2932896);
}

TEST_CASE("format_iso8601_us writes UTC with a Z and a fraction only when there is one",
          "[events][time_format]") {
  REQUIRE(format_iso8601_us(0) == "1970-01-01T00:00:00Z");
  REQUIRE(format_iso8601_us(1027839845 * kUs) == "2002-07-28T07:04:05Z");
  REQUIRE(format_iso8601_us(1027839845 * kUs + 250000) == "2002-07-28T07:04:05.250000Z");
  REQUIRE(format_iso8601_us(1) == "1970-01-01T00:00:00.000001Z");
  REQUIRE(format_iso8601_us(19782 * kDayUs + 12 * 3600 * kUs) == "2024-02-29T12:00:00Z");
}

TEST_CASE("format_iso8601_us handles times before 1970", "[events][time_format]") {
  REQUIRE(format_iso8601_us(-1) == "1969-12-31T23:59:59.999999Z");
  REQUIRE(format_iso8601_us(-kUs) == "1969-12-31T23:59:59Z");
  REQUIRE(format_iso8601_us(-kUs - 500000) == "1969-12-31T23:59:58.500000Z");
  REQUIRE(format_iso8601_us(-kDayUs) == "1969-12-31T00:00:00Z");
  REQUIRE(format_iso8601_us(-25567 * kDayUs) == "1900-01-01T00:00:00Z");
  REQUIRE(format_iso8601_us(-135080 * kDayUs - 1) == "1600-02-29T23:59:59.999999Z");
}

TEST_CASE("parse_time_us reads ISO 8601 in UTC", "[events][time_format]") {
  REQUIRE(must_parse("2002-07-28T07:04:05Z") == 1027839845 * kUs);
  REQUIRE(must_parse("2002-07-28T07:04:05") == 1027839845 * kUs);  // no offset means UTC
  REQUIRE(must_parse("2002-07-28 07:04:05Z") == 1027839845 * kUs);
  REQUIRE(must_parse("2002-07-28T07:04Z") == 1027839840 * kUs);  // seconds are optional
  REQUIRE(must_parse("1970-01-01T00:00:00Z") == 0);
}

TEST_CASE("parse_time_us reads fractions of a second to the microsecond", "[events][time_format]") {
  REQUIRE(must_parse("2002-07-28T07:04:05.25Z") == 1027839845 * kUs + 250000);
  REQUIRE(must_parse("2002-07-28T07:04:05.250000Z") == 1027839845 * kUs + 250000);
  REQUIRE(must_parse("2002-07-28T07:04:05.000001Z") == 1027839845 * kUs + 1);
  REQUIRE(must_parse("2002-07-28T07:04:05,5Z") == 1027839845 * kUs + 500000);
  // Digits beyond the microsecond are dropped, not rounded.
  REQUIRE(must_parse("2002-07-28T07:04:05.1234569Z") == 1027839845 * kUs + 123456);
}

TEST_CASE("parse_time_us applies zone offsets", "[events][time_format]") {
  const int64_t utc = must_parse("2002-07-28T07:04:05Z");
  REQUIRE(must_parse("2002-07-28T09:04:05+02:00") == utc);
  REQUIRE(must_parse("2002-07-28T09:04:05+0200") == utc);
  REQUIRE(must_parse("2002-07-28T09:04:05+02") == utc);
  REQUIRE(must_parse("2002-07-28T01:34:05-05:30") == utc);
  REQUIRE(must_parse("2002-07-28T07:04:05+00:00") == utc);
  // An offset can move the date across midnight and a year boundary.
  REQUIRE(must_parse("2024-01-01T01:00:00+02:00") == must_parse("2023-12-31T23:00:00Z"));
  REQUIRE(must_parse("2002-07-28T09:04:05.5+02:00") == utc + 500000);
}

TEST_CASE("parse_time_us reads a date alone as its midnight UTC", "[events][time_format]") {
  REQUIRE(must_parse("2024-02-29") == 19782 * kDayUs);
  REQUIRE(must_parse("1970-01-01") == 0);
  REQUIRE(must_parse("2024-02-29Z") == 19782 * kDayUs);
}

TEST_CASE("parse_time_us handles leap years", "[events][time_format]") {
  REQUIRE(must_parse("2024-02-29T00:00:00Z") == 19782 * kDayUs);
  REQUIRE(must_parse("2024-03-01T00:00:00Z") - must_parse("2024-02-28T00:00:00Z") == 2 * kDayUs);
  REQUIRE(must_parse("2023-03-01T00:00:00Z") - must_parse("2023-02-28T00:00:00Z") == kDayUs);
  REQUIRE(must_parse("2000-02-29") == 11016 * kDayUs);                     // divisible by 400: leap
  REQUIRE(must_parse("1900-03-01") - must_parse("1900-02-28") == kDayUs);  // by 100: not leap
  REQUIRE(format_iso8601_us(must_parse("2024-02-29T23:59:59.999999Z")) ==
          "2024-02-29T23:59:59.999999Z");
}

TEST_CASE("parse_time_us reads dates before 1970 as negative times", "[events][time_format]") {
  REQUIRE(must_parse("1969-12-31T23:59:59Z") == -kUs);
  REQUIRE(must_parse("1969-12-31T23:59:59.75Z") == -kUs + 750000);
  REQUIRE(must_parse("1900-01-01") == -25567 * kDayUs);
  REQUIRE(must_parse("1600-02-29T23:59:59.999999Z") == -135080 * kDayUs - 1);
}

TEST_CASE("parse_time_us reads epoch seconds with an optional fraction", "[events][time_format]") {
  REQUIRE(must_parse("1027839845") == 1027839845 * kUs);
  REQUIRE(must_parse("1027839845.25") == 1027839845 * kUs + 250000);
  REQUIRE(must_parse("1027839845.000001") == 1027839845 * kUs + 1);
  REQUIRE(must_parse("0") == 0);
  REQUIRE(must_parse("0.5") == 500000);
  REQUIRE(must_parse("2024") == 2024 * kUs);  // four digits and no '-': seconds, not a year
}

TEST_CASE("parse_time_us reads negative epoch seconds", "[events][time_format]") {
  REQUIRE(must_parse("-1") == -kUs);
  REQUIRE(must_parse("-1.5") == -1'500'000);
  REQUIRE(must_parse("-0.25") == -250'000);
  REQUIRE(must_parse("-86400") == -kDayUs);
  REQUIRE(must_parse("-2208988800") == must_parse("1900-01-01T00:00:00Z"));
}

TEST_CASE("format then parse round trips every microsecond from year 0 to 9999",
          "[events][time_format]") {
  const int64_t lo = days_from_civil(0, 1, 1) * kDayUs;
  const int64_t hi = days_from_civil(10000, 1, 1) * kDayUs - 1;
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 kUs,
                                 -kUs,
                                 lo,
                                 hi,
                                 1027839845 * kUs + 250000,
                                 19782 * kDayUs,
                                 19783 * kDayUs - 1,
                                 -25567 * kDayUs};
  std::mt19937_64 rng(2024);
  std::uniform_int_distribution<int64_t> any(lo, hi);
  for (int i = 0; i < 2000; ++i) values.push_back(any(rng));
  for (int64_t us : values) {
    const std::string text = format_iso8601_us(us);
    INFO(us << " -> " << text);
    REQUIRE(must_parse(text) == us);
  }
}

TEST_CASE("parse_time_us refuses text that is not a time", "[events][time_format]") {
  const std::vector<std::string> bad = {
      "",
      "abc",
      "2024-13-01",
      "2024-00-10",
      "2024-01-00",
      "2024-01-32",
      "2023-02-29",  // not a leap year
      "2024-02-30",
      "2024-04-31",
      "2024-01-01T25:00",
      "2024-01-01T24:00",
      "2024-01-01T10:60",
      "2024-01-01T10:00:61",
      "2024-01-01T10",
      "2024-01-01T",
      "2024-01-01T10:00:",
      "2024-01-01T10:00:00.Z",
      "2024-01-01T10:00:00Zjunk",
      "2024-01-01T10:00:00+2",
      "2024-01-01T10:00:00+02:7",
      "2024-01-01T10:00:00+25:00",
      "2024-01-01T10:00:00+02:60",
      "2024-1-01",
      "2024/01/01",
      " 2024-01-01",
      "2024-01-01 ",
      "1027839845.",
      "1027839845.25.5",
      "12abc",
      "1e9",
      "-",
      "--5",
      "-.5",
      "+5",
      " 5",
      "99999999999999999999",
      "9223372036854775807",
  };
  for (const std::string& text : bad) {
    auto parsed = parse_time_us(text);
    const std::string got = parsed.ok() ? format_iso8601_us(*parsed) : std::string("-");
    INFO("text: '" << text << "' parsed as " << got);
    REQUIRE_FALSE(parsed.ok());
    REQUIRE(parsed.status().is_invalid_argument());
  }
}

TEST_CASE("now_us is a plausible current time", "[events][time_format]") {
  const int64_t now = now_us();
  REQUIRE(now > must_parse("2024-01-01"));
  REQUIRE(now < must_parse("2200-01-01"));
}

}  // namespace
}  // namespace jobtrail
