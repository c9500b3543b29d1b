// Tests for JobKey: every scheduler form parses into the right fields and formats back to the
// same text, every malformed form is a Status (never a crash), and random input cannot break
// the parse/format round trip.
#include "events/job_key.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "events/limits.h"
#include "events/status.h"

namespace Catch {
template <>
struct StringMaker<jobtrail::JobKey> {
  static std::string convert(const jobtrail::JobKey& key) {
    return "JobKey{" + key.format() + ", kind=" + std::to_string(static_cast<int>(key.kind)) +
           ", pbs_style=" + (key.pbs_style ? "true" : "false") + "}";
  }
};
}  // namespace Catch

namespace jobtrail {
namespace {

using Kind = JobKey::Kind;

JobKey must_parse(std::string_view text) {
  Result<JobKey> key = JobKey::parse(text);
  INFO("text: " << text);
  INFO("status: " << key.status().to_string());
  REQUIRE(key.ok());
  return *key;
}

// Every canonical form: format(parse(s)) == s.
const std::vector<std::string> kCanonical = {
    "0",
    "6",
    "123",
    "18446744073709551615",
    "123_0",
    "123_4",
    "123_4294967295",
    "123_[7]",
    "123_[5-20]",
    "123_[5-20%4]",
    "123_[1,5,9-11]",
    "123_[1-10:2]",
    "123_[1-10:2,12,20-30%5]",
    "123_[0-4294967295]",
    "123+0",
    "123+1",
    "123456.server",
    "942337.tango-m.vpac.org",
    "2994.pbs",
    "3073070.[hostname_1]",
    "123456[7].server",
    "123456[].server",
    "123456[]",
    "123456[7]",
    "5[0].[host.example_2]",
};

TEST_CASE("every canonical job key formats back to the text it was parsed from",
          "[events][job_key]") {
  for (const std::string& text : kCanonical) {
    INFO("text: " << text);
    const JobKey key = must_parse(text);
    CHECK(key.format() == text);
    CHECK(must_parse(key.format()) == key);
  }
}

TEST_CASE("a bare number is a plain SLURM job with no server", "[events][job_key]") {
  const JobKey key = must_parse("123");
  CHECK(key.kind == Kind::kPlain);
  CHECK(key.id == 123);
  CHECK(key.index == 0);
  CHECK(key.ranges.empty());
  CHECK(key.max_running == 0);
  CHECK(key.server.empty());
  CHECK_FALSE(key.pbs_style);
  CHECK_FALSE(key.is_array_member());
  JobKey six;
  six.id = 6;
  CHECK(must_parse("6") == six);
}

TEST_CASE("the largest 64-bit job id parses", "[events][job_key]") {
  CHECK(must_parse("18446744073709551615").id == UINT64_MAX);
}

TEST_CASE("a SLURM array task knows its array id and task id", "[events][job_key]") {
  const JobKey key = must_parse("123_4");
  CHECK(key.kind == Kind::kArrayTask);
  CHECK(key.id == 123);
  CHECK(key.index == 4);
  CHECK(key.ranges.empty());
  CHECK(key.server.empty());
  CHECK_FALSE(key.pbs_style);
  CHECK(key.is_array_member());
  CHECK(must_parse("123_0").index == 0);
  CHECK(must_parse("123_4294967295").index == UINT32_MAX);
}

TEST_CASE("a SLURM remainder with a throttle keeps its range and limit", "[events][job_key]") {
  const JobKey key = must_parse("123_[5-20%4]");
  CHECK(key.kind == Kind::kArrayRemainder);
  CHECK(key.id == 123);
  CHECK(key.ranges == std::vector<TaskRange>{{5, 20, 1}});
  CHECK(key.max_running == 4);
  CHECK_FALSE(key.pbs_style);
  CHECK(key.is_array_member());
  CHECK(key.task_count() == 16);
}

TEST_CASE("a SLURM remainder may list several ranges and single ids", "[events][job_key]") {
  const JobKey key = must_parse("123_[1,5,9-11]");
  CHECK(key.kind == Kind::kArrayRemainder);
  CHECK(key.ranges == std::vector<TaskRange>{{1, 1, 1}, {5, 5, 1}, {9, 11, 1}});
  CHECK(key.max_running == 0);
  CHECK(key.task_count() == 5);
}

TEST_CASE("a SLURM remainder range may have a step", "[events][job_key]") {
  const JobKey key = must_parse("123_[1-10:2]");
  CHECK(key.ranges == std::vector<TaskRange>{{1, 10, 2}});
  CHECK(key.task_count() == 5);                          // 1 3 5 7 9
  CHECK(must_parse("123_[0-9:3]").task_count() == 4);    // 0 3 6 9
  CHECK(must_parse("123_[1-3:100]").task_count() == 1);  // 1
  CHECK(must_parse("123_[0-4294967295]").task_count() == 4294967296ULL);
}

TEST_CASE("a single task in brackets is a one-task remainder", "[events][job_key]") {
  const JobKey key = must_parse("123_[7]");
  CHECK(key.kind == Kind::kArrayRemainder);
  CHECK(key.ranges == std::vector<TaskRange>{{7, 7, 1}});
  CHECK(key.task_count() == 1);
  CHECK(key.format() == "123_[7]");
}

TEST_CASE("non-canonical remainder ranges are accepted and format canonically",
          "[events][job_key]") {
  CHECK(must_parse("123_[7-7]").format() == "123_[7]");
  CHECK(must_parse("123_[7-7]") == must_parse("123_[7]"));
  CHECK(must_parse("123_[1-10:1]").format() == "123_[1-10]");
  CHECK(must_parse("123_[7-7:3]") == must_parse("123_[7]"));
}

TEST_CASE("a het job component knows its leader and offset", "[events][job_key]") {
  const JobKey key = must_parse("123+1");
  CHECK(key.kind == Kind::kHetComponent);
  CHECK(key.id == 123);
  CHECK(key.index == 1);
  CHECK_FALSE(key.is_array_member());
  CHECK(must_parse("123+0").index == 0);
}

TEST_CASE("a PBS plain job keeps its server name, dots included", "[events][job_key]") {
  JobKey key = must_parse("123456.server");
  CHECK(key.kind == Kind::kPlain);
  CHECK(key.id == 123456);
  CHECK(key.server == "server");
  CHECK(key.pbs_style);

  key = must_parse("942337.tango-m.vpac.org");
  CHECK(key.kind == Kind::kPlain);
  CHECK(key.id == 942337);
  CHECK(key.server == "tango-m.vpac.org");

  key = must_parse("2994.pbs");
  CHECK(key.id == 2994);
  CHECK(key.server == "pbs");
}

TEST_CASE("a PBS bracketed anonymised server keeps its brackets", "[events][job_key]") {
  const JobKey key = must_parse("3073070.[hostname_1]");
  CHECK(key.kind == Kind::kPlain);
  CHECK(key.id == 3073070);
  CHECK(key.server == "[hostname_1]");
  CHECK(key.format() == "3073070.[hostname_1]");
}

TEST_CASE("a PBS subjob knows its array and index", "[events][job_key]") {
  JobKey key = must_parse("123456[7].server");
  CHECK(key.kind == Kind::kArrayTask);
  CHECK(key.id == 123456);
  CHECK(key.index == 7);
  CHECK(key.server == "server");
  CHECK(key.pbs_style);

  key = must_parse("123456[7]");
  CHECK(key.kind == Kind::kArrayTask);
  CHECK(key.index == 7);
  CHECK(key.server.empty());
  CHECK(key.pbs_style);
}

TEST_CASE("a PBS array parent is a remainder with no ranges listed", "[events][job_key]") {
  JobKey key = must_parse("123456[].server");
  CHECK(key.kind == Kind::kArrayRemainder);
  CHECK(key.id == 123456);
  CHECK(key.ranges.empty());
  CHECK(key.max_running == 0);
  CHECK(key.server == "server");
  CHECK(key.pbs_style);
  CHECK(key.task_count() == 0);

  key = must_parse("123456[]");
  CHECK(key.kind == Kind::kArrayRemainder);
  CHECK(key.server.empty());
  CHECK(key.pbs_style);
  CHECK(key.format() == "123456[]");
}

TEST_CASE("job 4 is not job 40, and similar-looking keys differ", "[events][job_key]") {
  CHECK(must_parse("4") != must_parse("40"));
  CHECK(must_parse("40") != must_parse("4"));
  CHECK(must_parse("123_4") != must_parse("123_40"));
  CHECK(must_parse("123_4") != must_parse("1234"));
  CHECK(must_parse("123_4") != must_parse("123+4"));
  CHECK(must_parse("123_4") != must_parse("123[4]"));
  CHECK(must_parse("123_[4]") != must_parse("123_4"));
  CHECK(must_parse("123.a") != must_parse("123.b"));
  CHECK(must_parse("123") != must_parse("123.pbs"));
  CHECK(must_parse("123[]") != must_parse("123[].pbs"));
  CHECK(must_parse("123_[5-20%4]") != must_parse("123_[5-20]"));
  CHECK(must_parse("4") == must_parse("4"));
}

TEST_CASE("a SLURM array member's parent is the plain array job", "[events][job_key]") {
  const JobKey plain = must_parse("123");
  CHECK(must_parse("123_4").array_parent() == plain);
  CHECK(must_parse("123_[5-20%4]").array_parent() == plain);
  CHECK(must_parse("123_[7]").array_parent() == plain);
  CHECK(must_parse("123_4").array_parent().format() == "123");
}

TEST_CASE("a PBS array member's parent is the bracketed array on the same server",
          "[events][job_key]") {
  JobKey parent = must_parse("123[4].srv").array_parent();
  CHECK(parent == must_parse("123[].srv"));
  CHECK(parent.kind == Kind::kArrayRemainder);
  CHECK(parent.pbs_style);
  CHECK(parent.ranges.empty());
  CHECK(parent.format() == "123[].srv");

  CHECK(must_parse("123[].srv").array_parent() == must_parse("123[].srv"));
  CHECK(must_parse("123[4]").array_parent().format() == "123[]");
  CHECK(must_parse("7[1].[hostname_1]").array_parent().format() == "7[].[hostname_1]");
}

TEST_CASE("a key outside any array is its own parent and counts as one task", "[events][job_key]") {
  for (const char* text : {"123", "123+1", "123.srv", "942337.tango-m.vpac.org"}) {
    INFO("text: " << text);
    const JobKey key = must_parse(text);
    CHECK(key.array_parent() == key);
    CHECK(key.task_count() == 1);
  }
  CHECK(must_parse("123_4").task_count() == 1);
  CHECK(must_parse("123[4].srv").task_count() == 1);
}

TEST_CASE("a remainder's task count sums its ranges", "[events][job_key]") {
  CHECK(must_parse("123_[1-10:2,12,20-30%5]").task_count() == 5 + 1 + 11);
  CHECK(must_parse("123_[0]").task_count() == 1);
}

// Inputs that must be refused as invalid arguments, with a message quoting them.
const std::vector<std::string> kInvalid = {
    "",
    "_4",
    "abc",
    "123_",
    "123_[",
    "123_[]",
    "123_[5",
    "123_[5-",
    "123_[5-3]",
    "123_[1-10:0]",
    "123_[1-10:]",
    "123_[1-10:2",
    "123_[5:2]",
    "123_[1,]",
    "123_[,1]",
    "123_[1,,2]",
    "123_[5,3]",
    "123_[1-5,5]",
    "123_[1-5,3-9]",
    "123_[1-5%]",
    "123_[1-5%0]",
    "123_[1-5%2%3]",
    "123_[1-5]%2",
    "123_[1-5]x",
    "123_4x",
    "123_4.srv",
    "123_-4",
    "123_+4",
    "123__4",
    "123_a",
    "123+",
    "123+a",
    "123+1+2",
    "123+-1",
    "123[4",
    "123[4]x",
    "123[4]5",
    "123[4][5]",
    "123[a]",
    "123[-4]",
    "123[1-5].srv",
    "123[",
    "123]",
    "123.",
    "123..srv",
    "123.srv.",
    "123.a..b",
    "123.[",
    "123.[]",
    "123.[host",
    "123.host]",
    "123.[a]b",
    "123.ho st",
    "123.host/1",
    "123[].",
    "123[]x",
    "123[4].",
    "-123",
    "+123",
    "0123",
    "00",
    "123_04",
    "123_[01-5]",
    "123_[1-05]",
    "123_[1-10:02]",
    "123+01",
    "123[04]",
    " 123",
    "123 ",
    "123\n",
    "\t123",
    "123\r",
    "12 3",
    "123:4",
    "123-4",
    "123,4",
    "123%4",
    "1e3",
    "0x1f",
    // Overflow of the 64-bit job id and of every 32-bit field.
    "18446744073709551616",
    "99999999999999999999999999999",
    "123_4294967296",
    "123_[4294967296]",
    "123_[1-4294967296]",
    "123_[1-10:4294967296]",
    "123_[1-10%4294967296]",
    "123+4294967296",
    "123[4294967296].srv",
    "18446744073709551616_1",
    "18446744073709551616.srv",
    // Unicode garbage.
    "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93",  // fullwidth digits 123
    "123_\xd9\xa4",                          // Arabic-indic digit four
    "123.s\xc3\xa9rver",                     // server with an accented letter
    "\xff\xfe\xfd",
    "123\xe2\x80\x8b",  // zero-width space
    "\xe2\x80\x8b"
    "123",
};

TEST_CASE("malformed job keys are refused with a message quoting them", "[events][job_key]") {
  for (const std::string& text : kInvalid) {
    INFO("text: " << text);
    const Result<JobKey> key = JobKey::parse(text);
    REQUIRE_FALSE(key.ok());
    CHECK(key.status().is_invalid_argument());
    CHECK_FALSE(key.status().message().empty());
    const bool printable = std::all_of(text.begin(), text.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
    });
    if (printable) CHECK_THAT(key.status().message(), Catch::Contains("\"" + text + "\""));
  }
}

TEST_CASE("error messages say what was expected", "[events][job_key]") {
  using Catch::Contains;
  CHECK_THAT(JobKey::parse("123_[5-3]").status().message(), Contains("first <= last"));
  CHECK_THAT(JobKey::parse("123_[1-10:0]").status().message(), Contains("step"));
  CHECK_THAT(JobKey::parse("18446744073709551616").status().message(), Contains("too large"));
  CHECK_THAT(JobKey::parse("123_4294967296").status().message(), Contains("4294967295"));
  CHECK_THAT(JobKey::parse("0123").status().message(), Contains("leading zero"));
  CHECK_THAT(JobKey::parse("123[4").status().message(), Contains("']'"));
  CHECK_THAT(JobKey::parse("123.").status().message(), Contains("server"));
  CHECK_THAT(JobKey::parse("abc").status().message(), Contains("job id"));
  CHECK_THAT(JobKey::parse("123[4]x").status().message(), Contains("or the end"));
  CHECK_THAT(JobKey::parse("123_[1-5]x").status().message(), Contains("expected the end"));
  CHECK(JobKey::parse("123_[5-3]").status().to_string().rfind("Invalid argument: ", 0) == 0);
}

TEST_CASE("embedded NUL bytes are refused and shown escaped", "[events][job_key]") {
  for (const std::string& text :
       {std::string("123\0", 4),
        std::string("12\0"
                    "3",
                    4),
        std::string("\0"
                    "123",
                    4),
        std::string("\0", 1), std::string("123_[1\0]", 8), std::string("123.srv\0", 8)}) {
    const Result<JobKey> key = JobKey::parse(text);
    REQUIRE_FALSE(key.ok());
    CHECK(key.status().is_invalid_argument());
    CHECK_THAT(key.status().message(), Catch::Contains("\\x00"));
    CHECK(key.status().message().find('\0') == std::string::npos);
  }
}

TEST_CASE("a key of exactly the byte limit parses and one byte more is refused",
          "[events][job_key]") {
  const std::string at_limit = "1." + std::string(limits::job_key_bytes_max - 2, 'a');
  REQUIRE(at_limit.size() == limits::job_key_bytes_max);
  CHECK(must_parse(at_limit).format() == at_limit);

  const Result<JobKey> over = JobKey::parse(at_limit + "a");
  REQUIRE_FALSE(over.ok());
  CHECK(over.status().code() == Status::Code::kLimitExceeded);
  CHECK_THAT(over.status().message(), Catch::Contains("1.aaaa"));
  CHECK_THAT(over.status().message(), Catch::Contains("256"));
}

TEST_CASE("a huge key is refused without echoing all of it", "[events][job_key]") {
  const std::string huge(1 << 20, '7');
  const Result<JobKey> key = JobKey::parse(huge);
  REQUIRE_FALSE(key.ok());
  CHECK(key.status().code() == Status::Code::kLimitExceeded);
  CHECK(key.status().message().size() < 256);
  CHECK_THAT(key.status().message(), Catch::Contains("777"));
}

TEST_CASE("a remainder with more ranges than the limit is refused", "[events][job_key]") {
  std::string text = "1_[";
  for (std::size_t i = 0; i <= limits::job_key_ranges_max; ++i) {
    text += (i == 0 ? "" : ",") + std::to_string(2 * i);
  }
  text += "]";
  const Result<JobKey> key = JobKey::parse(text);
  REQUIRE_FALSE(key.ok());
  CHECK(key.status().code() == Status::Code::kLimitExceeded);
  CHECK_FALSE(key.status().message().empty());
}

TEST_CASE("as many ranges as fit in the byte limit parse", "[events][job_key]") {
  std::string text = "1_[0";
  std::size_t ranges = 1;
  for (std::size_t i = 2;
       text.size() + 1 + std::to_string(i).size() + 1 <= limits::job_key_bytes_max;
       i += 2, ++ranges) {
    text += "," + std::to_string(i);
  }
  text += "]";
  const JobKey key = must_parse(text);
  CHECK(key.ranges.size() == ranges);
  CHECK(key.task_count() == ranges);
  CHECK(key.format() == text);
}

// Random text from the characters keys are made of: no crash, and whatever is accepted
// survives format and parse unchanged.
TEST_CASE("random short strings never crash and accepted ones round-trip",
          "[events][job_key][random]") {
  constexpr std::string_view kAlphabet = "0123456789_[]-,%:+.ab";
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<std::size_t> length(0, 14);
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const std::size_t n = length(rng);
    for (std::size_t j = 0; j < n; ++j) text += kAlphabet[pick(rng)];
    const Result<JobKey> key = JobKey::parse(text);
    if (!key.ok()) {
      if (key.status().message().empty()) FAIL("empty error message for " << text);
      continue;
    }
    ++accepted;
    const std::string formatted = key->format();
    const Result<JobKey> again = JobKey::parse(formatted);
    if (!again.ok() || !(*again == *key) || again->format() != formatted) {
      FAIL("round trip broke for " << text << " -> " << formatted);
    }
  }
  CHECK(accepted > 100);
}

// Mutating valid keys explores the interesting neighbourhood random text rarely reaches.
TEST_CASE("mutated valid keys never crash and accepted ones round-trip",
          "[events][job_key][random]") {
  constexpr std::string_view kAlphabet = "0123456789_[]-,%:+.ab";
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> pick_char(0, kAlphabet.size() - 1);
  std::uniform_int_distribution<int> pick_op(0, 2);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = kCanonical[rng() % kCanonical.size()];
    for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
      const std::size_t at = text.empty() ? 0 : rng() % (text.size() + 1);
      const int op = pick_op(rng);
      if (op == 0) {
        text.insert(at, 1, kAlphabet[pick_char(rng)]);
      } else if (at < text.size()) {
        if (op == 1) text.erase(at, 1);
        if (op == 2) text[at] = kAlphabet[pick_char(rng)];
      }
    }
    const Result<JobKey> key = JobKey::parse(text);
    if (!key.ok()) continue;
    ++accepted;
    const Result<JobKey> again = JobKey::parse(key->format());
    if (!again.ok() || !(*again == *key)) {
      FAIL("round trip broke for " << text << " -> " << key->format());
    }
  }
  CHECK(accepted > 1000);
}

}  // namespace
}  // namespace jobtrail
