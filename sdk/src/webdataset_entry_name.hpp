// How a WebDataset tar entry name splits into record key and extension, and which names are
// safe: the one rule the shard reader and writer share (private to libvlforge_sdk).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vlforge::detail {

// Why `name` is not a safe relative entry name ("absolute path", "'..' component", ...), or ""
// when it is. Names are never used as filesystem paths; this rule keeps them usable as keys that
// a careless consumer could not turn into a path outside its folder.
std::string unsafe_entry_name_reason(std::string_view name);

struct EntryName {
  std::string key;        // everything before the first dot of the last path component
  std::string extension;  // everything after it, lower-cased
};

// "a/0001.seg.png" -> {"a/0001", "seg.png"}; nullopt when the last component has no dot or
// nothing before or after its first dot (WebDataset ignores such entries).
std::optional<EntryName> split_entry_name(std::string_view name);

// The name quoted for a report, bytes outside printable ASCII written as \xNN: entry names are
// arbitrary bytes, and reports are JSON, which must be valid UTF-8.
std::string quoted_entry_name(std::string_view name);

}  // namespace vlforge::detail
