// Test helpers for the CLI tests that read JSON answers or write small captures. Header-only,
// test code only; builds on subprocess.h.
#pragma once

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "tools/subprocess.h"

namespace jobtrail::testing {

// The JSON document a successful command printed on stdout (exit 0 and parsable, or the test
// stops with what the command said).
inline nlohmann::json json_of(const ProcessResult& r) {
  INFO("exit " << r.exit_code << "\nstdout: " << r.out.substr(0, 300) << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE(!j.is_discarded());
  return j;
}

// Writes `text` to `path` byte for byte and returns the path.
inline std::string write_text_file(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(text.data(), 1, text.size(), f) == text.size());
  std::fclose(f);
  return path;
}

}  // namespace jobtrail::testing
