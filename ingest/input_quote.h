// quote_input: how a piece of scheduler input is shown inside an error or quarantine message.
// Control and non-ASCII bytes become \xNN (so a message is always printable, one line), and a
// long text keeps its head followed by "...".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace jobtrail::ingest {

inline constexpr std::size_t quoted_input_bytes_max = 60;

// 'text' in single quotes.
std::string quote_input(std::string_view text, std::size_t bytes_max = quoted_input_bytes_max);

}  // namespace jobtrail::ingest
