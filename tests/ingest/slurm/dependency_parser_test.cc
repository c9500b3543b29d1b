// The SLURM dependency parser on the strings squeue prints (%E) and sbatch takes.
#include "ingest/slurm/dependency_parser.h"

#include <catch2/catch.hpp>

namespace {

using namespace jobtrail;
using namespace jobtrail::ingest::slurm;
using Kind = fb::DependencyKind;

DependencySpec parsed(std::string_view text) {
  auto spec = parse_slurm_dependency(text);
  INFO(text << ": " << spec.status().to_string());
  REQUIRE(spec.ok());
  return std::move(spec).value();
}

std::string target(const DependencySpec& s, size_t part, size_t i) {
  return s.parts.at(part).targets.at(i).format();
}

}  // namespace

TEST_CASE("squeue's dependency column parses with SLURM's status kept only in raw",
          "[ingest][slurm][deps]") {
  CHECK(parsed("(null)").empty());
  CHECK(parsed("").empty());
  const DependencySpec one = parsed("afterok:1(unfulfilled)");
  REQUIRE(one.parts.size() == 1);
  CHECK(one.parts[0].kind == Kind::AFTER_OK);
  CHECK(target(one, 0, 0) == "1");
  CHECK(one.parts[0].raw == "afterok:1(unfulfilled)");
  CHECK(declared_dependency_text(one) == "afterok:1");

  const DependencySpec array = parsed("afterany:12_*");
  CHECK(array.parts[0].kind == Kind::AFTER_ANY);
  CHECK(target(array, 0, 0) == "12");  // the whole array, by its parent key
  CHECK(target(parsed("afterok:12_5(unfulfilled)"), 0, 0) == "12_5");
  CHECK(parsed("afternotok:5").parts[0].kind == Kind::AFTER_NOT_OK);
  CHECK(parsed("aftercorr:7").parts[0].kind == Kind::AFTER_CORR);
  CHECK(target(parsed("after:9+30"), 0, 0) == "9");
  const DependencySpec single = parsed("singleton");
  CHECK(single.parts[0].kind == Kind::SINGLETON);
  CHECK(single.parts[0].targets.empty());
}

TEST_CASE("dependency lists: ':' adds targets, ',' needs all, '?' needs any one",
          "[ingest][slurm][deps]") {
  const DependencySpec two = parsed("afterok:1:2");
  REQUIRE(two.parts.size() == 1);
  CHECK(two.parts[0].targets.size() == 2);
  CHECK(target(two, 0, 1) == "2");
  const DependencySpec all = parsed("afterok:1(unfulfilled),afterany:2(unfulfilled)");
  CHECK_FALSE(all.any_of);
  REQUIRE(all.parts.size() == 2);
  CHECK(all.parts[1].raw == "afterany:2(unfulfilled)");
  const DependencySpec any = parsed("afternotok:5(failed)?afterok:6(unfulfilled)");
  CHECK(any.any_of);
  CHECK(declared_dependency_text(any) == "afternotok:5?afterok:6");
}

TEST_CASE("malformed dependencies are refused with the text named", "[ingest][slurm][deps]") {
  for (std::string_view bad : {"afterfoo:1", "afterok", "afterok:", "afterok:x", "afterok:1(open",
                               "afterok:1,afterok:2?afterok:3", "singleton:4", "afterok:1)x"}) {
    INFO(bad);
    auto spec = parse_slurm_dependency(bad);
    CHECK_FALSE(spec.ok());
  }
  std::string many = "afterok:1";
  for (int i = 0; i < 100; ++i) many += ",afterok:1";
  CHECK(parse_slurm_dependency(many).status().code() == Status::Code::kLimitExceeded);
}

TEST_CASE("a list that only lost satisfied entries is no new declaration",
          "[ingest][slurm][deps]") {
  const DependencySpec before = parsed("afterok:1(unfulfilled),afterany:2(unfulfilled)");
  CHECK(dependency_narrowed(before, parsed("afterany:2(unfulfilled)")));
  CHECK(dependency_narrowed(before, parsed("(null)")));
  CHECK_FALSE(dependency_narrowed(before, parsed("afterok:3")));
  CHECK_FALSE(dependency_narrowed(before, parsed("afterany:1")));  // another kind
}
