// A crash while a writer first creates the database can leave only some column families.
// Found by the import crash test: readers must see an empty log, and the next writer must
// finish the creation.
#include <rocksdb/db.h>

#include <catch2/catch.hpp>

#include "test_db.h"

namespace jobtrail {

TEST_CASE(
    "a database whose creation was interrupted reads as empty and the next writer "
    "completes it",
    "[events][event_log][crash]") {
  testing::TempDir dir;
  const std::string path = dir.sub("db");
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, path, &raw).ok());
    rocksdb::ColumnFamilyHandle* log_cf = nullptr;
    REQUIRE(raw->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "log", &log_cf).ok());
    REQUIRE(raw->DestroyColumnFamilyHandle(log_cf).ok());
    delete raw;
  }
  auto reader = EventLog::open(path, testing::reader_options());
  REQUIRE_FALSE(reader.ok());
  CHECK(reader.status().is_not_found());
  CHECK(reader.status().message().find("never completely created") != std::string::npos);

  auto writer = EventLog::open(path, testing::writer_options());
  REQUIRE(writer.ok());
  CHECK((*writer)->head() == 0);
  writer->reset();
  auto reader_after = EventLog::open(path, testing::reader_options());
  CHECK(reader_after.ok());
}

}  // namespace jobtrail
