#include "ingest/slurm/slurm_commands.h"

#include <catch2/catch.hpp>

using namespace jobtrail::ingest::slurm;

TEST_CASE("host names are accepted only as [user@]label(.label)*") {
  CHECK(validate_host("login1").ok());
  CHECK(validate_host("alice@login.cluster-a.example.org").ok());
  CHECK(validate_host("node_01").ok());
  for (const char* bad : {"", "-oProxyCommand=x", "host;rm", "a b", "host..x", "@host", "h@-x",
                          "host$(id)", "ho'st", "host\n"}) {
    INFO(bad);
    CHECK_FALSE(validate_host(bad).ok());
  }
  CHECK_FALSE(validate_host(std::string(256, 'a')).ok());
}

TEST_CASE("job ids are accepted only as SLURM writes a single job") {
  for (const char* good : {"1", "123_4", "123+1", "4294967295"}) CHECK(validate_job_id(good).ok());
  for (const char* bad : {"", "1,2", "5_[1-3]", "-1", "12 3", "1;id", "_1", "1_", "1+"}) {
    INFO(bad);
    CHECK_FALSE(validate_job_id(bad).ok());
  }
}

TEST_CASE("locally the commands are plain argv, one token per argument") {
  auto argv = squeue_argv(SlurmSite{});
  REQUIRE(argv.ok());
  CHECK(argv->front() == "squeue");
  CHECK(argv->back() == "--format=" + std::string(kPollSqueueFormat));  // '|' unquoted: no shell
  auto sacct = sacct_jobs_argv(SlurmSite{}, {"7", "8_2"});
  REQUIRE(sacct.ok());
  CHECK(sacct->back() == "--jobs=7,8_2");
}

TEST_CASE("through ssh every remote token is single-quoted after validation") {
  SlurmSite site;
  site.ssh_host = "bob@login1";
  auto argv = sacct_jobs_argv(site, {"42"});
  REQUIRE(argv.ok());
  CHECK((*argv)[0] == "ssh");
  const auto host = std::find(argv->begin(), argv->end(), "bob@login1");
  REQUIRE(host != argv->end());
  CHECK(*(host - 1) == "--");
  for (auto it = host + 1; it != argv->end(); ++it) {
    CHECK(it->front() == '\'');
    CHECK(it->back() == '\'');
  }
  CHECK(argv->back() == "'--jobs=42'");
  site.ssh_host = "login1 -oProxyCommand=x";
  CHECK_FALSE(squeue_argv(site).ok());
}

TEST_CASE("a sacct lookup refuses an empty, oversized or unsafe id list") {
  CHECK_FALSE(sacct_jobs_argv(SlurmSite{}, {}).ok());
  CHECK_FALSE(sacct_jobs_argv(SlurmSite{}, {"1", "2;reboot"}).ok());
  std::vector<std::string> many(sacct_ids_per_call_max + 1, "1");
  CHECK_FALSE(sacct_jobs_argv(SlurmSite{}, many).ok());
  many.pop_back();
  CHECK(sacct_jobs_argv(SlurmSite{}, many).ok());
}

TEST_CASE("program paths must not look like options or hold shell characters") {
  SlurmSite site;
  site.squeue = "/opt/slurm/bin/squeue";
  CHECK(squeue_argv(site).ok());
  site.squeue = "-squeue";
  CHECK_FALSE(squeue_argv(site).ok());
  site.squeue = "squeue;id";
  CHECK_FALSE(squeue_argv(site).ok());
}
