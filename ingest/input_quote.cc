#include "ingest/input_quote.h"

namespace jobtrail::ingest {

std::string quote_input(std::string_view text, std::size_t bytes_max) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < bytes_max; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (text.size() > bytes_max) out += "...";
  out += '\'';
  return out;
}

}  // namespace jobtrail::ingest
