#include "tar_record_count.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>
#include <string_view>

namespace vlforge::webdataset {
namespace {

// The record key of an entry as WebDatasetReader groups it; "" for entries it skips.
std::string_view record_key(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string_view::npos) return {};
  if (name == ".." || name.starts_with("../") || name.ends_with("/..") || name.find("/../") != std::string_view::npos)
    return {};
  const size_t slash = name.rfind('/');
  const size_t base = slash == std::string_view::npos ? 0 : slash + 1;
  const size_t dot = name.find('.', base);
  if (dot == std::string_view::npos || dot == base || dot + 1 == name.size()) return {};
  return name.substr(0, dot);
}

}  // namespace

int64_t count_tar_records(const std::filesystem::path& tar) {
  const std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  if (!a || archive_read_support_format_tar(a.get()) != ARCHIVE_OK ||
      archive_read_support_filter_gzip(a.get()) != ARCHIVE_OK ||
      archive_read_open_filename(a.get(), tar.c_str(), 64 * 1024) != ARCHIVE_OK)
    return -1;
  int64_t records = 0;
  std::string last_key;
  archive_entry* entry = nullptr;
  for (int r; (r = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK || r == ARCHIVE_WARN;) {
    const char* raw = archive_entry_pathname_utf8(entry);
    if (!raw) raw = archive_entry_pathname(entry);
    const bool regular = archive_entry_filetype(entry) == AE_IFREG && archive_entry_hardlink(entry) == nullptr;
    const std::string_view key = regular && raw ? record_key(raw) : std::string_view{};
    if (!key.empty() && key != last_key) {
      ++records;
      last_key = key;
    }
    if (archive_read_data_skip(a.get()) != ARCHIVE_OK) break;
  }
  return records;
}

}  // namespace vlforge::webdataset
