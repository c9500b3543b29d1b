// Test helper: the bundled real captures under data/, read whole (gunzipped when gzip: zlib's
// gzread passes plain files through) and split into lines.
#pragma once

#include <zlib.h>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace jobtrail::testing {

// data/<folder>/<name>, decompressed.
inline std::string read_captured(const std::string& folder, const std::string& name) {
  const std::string path = std::string(JOBTRAIL_TEST_DATA_DIR) + "/" + folder + "/" + name;
  gzFile file = gzopen(path.c_str(), "rb");
  REQUIRE(file != nullptr);
  std::string text;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) text.append(buffer, std::size_t(n));
  REQUIRE(n == 0);
  gzclose(file);
  return text;
}

// The lines of `text` without their '\n' (no empty piece after a final '\n').
inline std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    lines.push_back(text.substr(0, newline));
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return lines;
}

}  // namespace jobtrail::testing
