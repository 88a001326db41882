#include "webdataset_entry_name.hpp"

#include <algorithm>
#include <cstdio>

namespace vlforge::detail {

std::string unsafe_entry_name_reason(std::string_view name) {
  if (name.empty()) return "empty name";
  if (name.find('\0') != std::string_view::npos) return "NUL byte";
  if (name.find('\\') != std::string_view::npos) return "backslash";
  if (name.front() == '/') return "absolute path";
  size_t begin = 0;
  while (begin <= name.size()) {
    const size_t end = std::min(name.find('/', begin), name.size());
    if (name.substr(begin, end - begin) == "..") return "'..' component";
    begin = end + 1;
  }
  return {};
}

std::optional<EntryName> split_entry_name(std::string_view name) {
  const size_t slash = name.rfind('/');
  const size_t base = slash == std::string_view::npos ? 0 : slash + 1;
  const size_t dot = name.find('.', base);
  if (dot == std::string_view::npos || dot == base || dot + 1 == name.size()) return std::nullopt;
  EntryName out{std::string(name.substr(0, dot)), std::string(name.substr(dot + 1))};
  for (char& c : out.extension)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string quoted_entry_name(std::string_view name) {
  std::string out = "'";
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\'' && c != '\\') {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out + "'";
}

}  // namespace vlforge::detail
