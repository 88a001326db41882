// WebDatasetReader: one pass over a tar with libarchive, one record in memory at a time.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vlforge/error.hpp"
#include "vlforge/webdataset.hpp"
#include "webdataset_entry_name.hpp"

namespace vlforge {
namespace {

constexpr size_t kReadBlock = 64 * 1024;
constexpr std::string_view kTruncated = "truncated tar";

struct Entry {
  detail::EntryName name;
  std::vector<uint8_t> bytes;
};

std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m ? m : "unknown libarchive error";
}

// What a non-regular entry is, for the report.
std::string entry_type(archive_entry* e) {
  if (archive_entry_hardlink(e) != nullptr) return "hard link";
  switch (archive_entry_filetype(e)) {
    case AE_IFDIR: return "directory";
    case AE_IFLNK: return "symbolic link";
    case AE_IFCHR: return "character device";
    case AE_IFBLK: return "block device";
    case AE_IFIFO: return "FIFO";
    case AE_IFSOCK: return "socket";
    default: return "entry of unknown type";
  }
}

}  // namespace

struct WebDatasetReader::Impl {
  std::filesystem::path path;
  int fd = -1;
  archive* a = nullptr;
  std::vector<SkippedRecord> problems;
  bool finished = false;
  std::optional<Entry> pending;                // first entry of the next record, read ahead
  std::optional<SkippedRecord> damage_after;   // reported once the record before it is yielded

  ~Impl() {
    if (a) archive_read_free(a);
    if (fd >= 0) ::close(fd);
  }

  void skip(std::string key, std::string_view reason, std::string detail) {
    problems.push_back({std::move(key), std::string(reason), std::move(detail)});
  }

  // The entry's data, or nullopt (and the stream is over) when the archive is damaged there.
  std::optional<std::vector<uint8_t>> read_data(int64_t declared_size) {
    std::vector<uint8_t> bytes;
    // The declared size is a hint only: a damaged header must not make us allocate gigabytes.
    if (declared_size > 0) bytes.reserve(static_cast<size_t>(std::min<int64_t>(declared_size, 64 << 20)));
    for (;;) {
      const size_t filled = bytes.size();
      if (filled == bytes.capacity()) {
        // Full (at the declared size, normally): a read of 0 confirms the end, anything more grows it.
        uint8_t more[4096];
        const la_ssize_t n = archive_read_data(a, more, sizeof more);
        if (n == 0) break;
        if (n < 0) return std::nullopt;
        bytes.insert(bytes.end(), more, more + n);
        continue;
      }
      bytes.resize(bytes.capacity());
      const la_ssize_t n = archive_read_data(a, bytes.data() + filled, bytes.size() - filled);
      bytes.resize(filled + static_cast<size_t>(std::max<la_ssize_t>(n, 0)));
      if (n == 0) break;
      if (n < 0) return std::nullopt;
    }
    return bytes;
  }

  std::string damage_detail(int64_t offset, std::string_view entry) const {
    std::string d = "tar damaged at byte " + std::to_string(offset);
    if (!entry.empty()) d += " in entry " + std::string(entry);
    return d + ": " + archive_message(a);
  }
};

WebDatasetReader::WebDatasetReader(const std::filesystem::path& tar) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.path = tar;
  // A file that cannot be opened is the caller's error; one that opens but is no tar (an empty
  // or cut download) is damage like any other, reported and skipped.
  s.fd = ::open(tar.c_str(), O_RDONLY | O_CLOEXEC);
  if (s.fd < 0) throw Error(tar.string(), std::string("cannot open shard: ") + std::strerror(errno));
  struct stat st{};
  if (::fstat(s.fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw Error(tar.string(), "cannot open shard: not a regular file");
  s.a = archive_read_new();
  if (!s.a) throw Error(tar.string(), "cannot create a libarchive reader");
  // Plain and gzip-compressed tar only: no other format or external decompressor is ever run.
  if (archive_read_support_format_tar(s.a) != ARCHIVE_OK || archive_read_support_filter_gzip(s.a) != ARCHIVE_OK)
    throw Error(tar.string(), "libarchive cannot read tar: " + archive_message(s.a));
  if (archive_read_open_fd(s.a, s.fd, kReadBlock) != ARCHIVE_OK) {
    s.skip("", kTruncated, s.damage_detail(0, ""));
    s.finished = true;
  }
}

WebDatasetReader::~WebDatasetReader() = default;

bool WebDatasetReader::next(WebDatasetRecord& out) {
  Impl& s = *impl_;
  if (s.damage_after) {
    s.problems.push_back(std::move(*s.damage_after));
    s.damage_after.reset();
  }
  if (s.finished) return false;

  WebDatasetRecord record;
  bool have = s.pending.has_value();
  if (have) {
    record.key = std::move(s.pending->name.key);
    record.files.emplace_back(std::move(s.pending->name.extension), std::move(s.pending->bytes));
    s.pending.reset();
  }
  auto yield = [&] {
    out = std::move(record);
    return true;
  };

  for (;;) {
    archive_entry* entry = nullptr;
    const int64_t header_at = archive_filter_bytes(s.a, 0);
    int r = archive_read_next_header(s.a, &entry);
    if (r == ARCHIVE_EOF) {
      s.finished = true;
      return have ? yield() : false;
    }
    // RETRY is a header that fails its checksum: libarchive could scan on for the next valid
    // one, but what lies between is unknown, so damage ends the shard as it does in Python's tarfile.
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      // Where a header is unreadable the record in progress may have lost entries: drop it.
      s.skip(have ? record.key : "", kTruncated, s.damage_detail(header_at, ""));
      s.finished = true;
      return false;
    }
    const char* raw = archive_entry_pathname_utf8(entry);
    if (!raw) raw = archive_entry_pathname(entry);
    const std::string name = raw ? raw : "";
    const std::string quoted = detail::quoted_entry_name(name);

    // A hard link is typed as a regular file but carries no data of its own.
    if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) != nullptr) {
      s.skip("", "not a regular file", quoted + ": " + entry_type(entry));
      continue;
    }
    if (const std::string why = detail::unsafe_entry_name_reason(name); !why.empty()) {
      s.skip("", "unsafe entry name", quoted + ": " + why);
      continue;
    }
    auto parts = detail::split_entry_name(name);
    if (!parts) {
      s.skip("", "no extension", quoted + ": no KEY.EXTENSION form, so it belongs to no record");
      continue;
    }
    const int64_t entry_at = archive_read_header_position(s.a);
    auto bytes = s.read_data(archive_entry_size_is_set(entry) ? archive_entry_size(entry) : -1);
    if (!bytes) {
      s.finished = true;
      SkippedRecord damage{parts->key, std::string(kTruncated), s.damage_detail(entry_at, quoted)};
      if (have && parts->key != record.key) {
        // The damage is in the next record; the one in hand is complete.
        s.damage_after = std::move(damage);
        return yield();
      }
      s.problems.push_back(std::move(damage));
      return false;
    }
    if (!have) {
      record.key = std::move(parts->key);
      have = true;
    } else if (parts->key != record.key) {
      s.pending = Entry{std::move(*parts), std::move(*bytes)};
      return yield();
    }
    if (record.file(parts->extension)) {
      s.skip(record.key, "duplicate entry", quoted + ": the record already has a ." + parts->extension + " file");
      continue;
    }
    record.files.emplace_back(std::move(parts->extension), std::move(*bytes));
  }
}

const std::vector<SkippedRecord>& WebDatasetReader::problems() const { return impl_->problems; }

}  // namespace vlforge
