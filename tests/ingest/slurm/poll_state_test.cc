#include "ingest/slurm/poll_state.h"

#include <catch2/catch.hpp>

using namespace jobtrail::ingest::slurm;

TEST_CASE("poll state survives encoding: counters, health, snapshot and awaiting jobs") {
  PollState s;
  s.polls = 42;
  s.last_success_us = 1'795'434'096'331'516;
  s.backfilled = true;
  s.health["squeue"] = SourceHealth{true, false, "exit 1: squeue: error: Unable to contact\nx"};
  s.health["sacct"] = SourceHealth{true, true, ""};
  s.seen = {"12", "7_3", "9"};
  s.awaiting = {{"5", 0}, {"7_1", 12}};
  auto back = decode_poll_state(encode_poll_state(s));
  REQUIRE(back.ok());
  CHECK(back->polls == 42);
  CHECK(back->last_success_us == s.last_success_us);
  CHECK(back->backfilled);
  CHECK_FALSE(back->health["squeue"].up);
  CHECK(back->health["squeue"].error == "exit 1: squeue: error: Unable to contact x");
  CHECK(back->health["sacct"].up);
  CHECK(back->seen == s.seen);
  CHECK(back->awaiting == s.awaiting);
}

TEST_CASE("a poll state that is not ours or is damaged is corruption") {
  CHECK_FALSE(decode_poll_state("").ok());
  CHECK_FALSE(decode_poll_state("something else\npolls 1\n").ok());
  CHECK_FALSE(decode_poll_state("jobtrail-poll 1\npolls x\n").ok());
  CHECK_FALSE(decode_poll_state("jobtrail-poll 1\nawait 5\n").ok());
  CHECK_FALSE(decode_poll_state("jobtrail-poll 1\nhealth squeue maybe\n").ok());
  CHECK(decode_poll_state("jobtrail-poll 1\nfuture_item 3\n").ok());  // a newer build's item
}
