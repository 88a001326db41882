// WebDatasetWriter: pax-restricted tar (plain ustar headers, a pax header only for names ustar
// cannot hold) with fixed metadata, so the same samples always give the same bytes.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <locale.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "vlforge/error.hpp"
#include "vlforge/utf8.hpp"
#include "vlforge/webdataset.hpp"
#include "webdataset_entry_name.hpp"

namespace vlforge {
namespace {

// Every entry gets the same owner, mode and time: output depends on the samples alone.
constexpr mode_t kEntryPermissions = 0644;
constexpr time_t kEntryMtime = 0;

std::string errno_text() { return std::strerror(errno); }

// libarchive converts entry names through the thread's locale: under the "C" locale a process
// starts in it cannot store a non-ASCII name (libarchive 3.6 even crashes trying). Headers are
// written under a thread-local UTF-8 locale instead, which gives standard pax "path" records
// and leaves the process locale alone.
class Utf8LocaleScope {
 public:
  Utf8LocaleScope() : previous_(utf8() ? uselocale(utf8()) : locale_t{}) {}
  ~Utf8LocaleScope() {
    if (utf8()) uselocale(previous_);
  }
  Utf8LocaleScope(const Utf8LocaleScope&) = delete;
  Utf8LocaleScope& operator=(const Utf8LocaleScope&) = delete;

  static locale_t utf8() {
    static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
    return locale;
  }

 private:
  locale_t previous_;
};

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

struct WebDatasetWriter::Impl {
  std::filesystem::path target;
  std::filesystem::path temp;
  int fd = -1;
  archive* a = nullptr;
  int64_t records = 0;
  std::string last_key;
  bool closed = false;

  ~Impl() {
    if (closed) return;
    // Never closed: the shard is incomplete, so nothing of it may stay on disk.
    if (a) archive_write_free(a);
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
  }

  [[noreturn]] void fail(const std::string& what) const { throw Error(temp.string(), what); }

  std::string message() const {
    const char* m = archive_error_string(a);
    return m ? m : "unknown libarchive error";
  }

  void check_key(const std::string& key) const {
    if (const std::string why = detail::unsafe_entry_name_reason(key); !why.empty())
      throw Error(target.string(), "key " + detail::quoted_entry_name(key) + " is not a safe entry name (" + why + ")");
    const size_t slash = key.rfind('/');
    const std::string_view base = std::string_view(key).substr(slash == std::string::npos ? 0 : slash + 1);
    // A dot would move the key/extension split when the shard is read back.
    if (base.empty() || base.find('.') != std::string_view::npos)
      throw Error(target.string(),
                  "key " + detail::quoted_entry_name(key) +
                      " must end in a non-empty name without '.' (readers split KEY.EXTENSION at the first dot)");
    if (!is_valid_utf8(key))
      throw Error(target.string(), "key " + detail::quoted_entry_name(key) + " is not valid UTF-8");
    if (!is_ascii(key) && !Utf8LocaleScope::utf8())
      throw Error(target.string(), "key " + detail::quoted_entry_name(key) +
                                       " is not ASCII, and this system has no C.UTF-8 locale to write it with");
    if (key == last_key)
      throw Error(target.string(), "key " + detail::quoted_entry_name(key) +
                                       " written twice in a row (readers would merge the two into one record)");
  }

  void write_entry(const std::string& name, const uint8_t* data, size_t size) {
    const Utf8LocaleScope utf8_names;
    archive_entry* e = archive_entry_new();
    if (!e) fail("out of memory");
    archive_entry_set_pathname_utf8(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, kEntryPermissions);
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
    archive_entry_set_mtime(e, kEntryMtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    const int r = archive_write_header(a, e);
    archive_entry_free(e);
    if (r != ARCHIVE_OK) fail("cannot write the header of " + detail::quoted_entry_name(name) + ": " + message());
    size_t done = 0;
    while (done < size) {
      const la_ssize_t n = archive_write_data(a, data + done, size - done);
      if (n <= 0) fail("cannot write " + detail::quoted_entry_name(name) + ": " + message());
      done += static_cast<size_t>(n);
    }
    if (archive_write_finish_entry(a) != ARCHIVE_OK)
      fail("cannot finish " + detail::quoted_entry_name(name) + ": " + message());
  }

  // One record's files as views, so samples are written without copying their bytes.
  using FileView = std::pair<std::string_view, std::span<const uint8_t>>;

  void write_files(const std::string& key, const std::vector<FileView>& files) {
    if (closed) throw Error(target.string(), "write after close()");
    check_key(key);
    std::vector<std::string> seen;
    for (const auto& [ext, bytes] : files) {
      std::string lower(ext);
      for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (ext.empty() || ext.find('/') != std::string_view::npos || !is_ascii(ext) ||
          !detail::unsafe_entry_name_reason(key + "." + std::string(ext)).empty())
        throw Error(target.string(), "record " + detail::quoted_entry_name(key) + ": invalid extension " +
                                         detail::quoted_entry_name(ext));
      if (std::find(seen.begin(), seen.end(), lower) != seen.end())
        throw Error(target.string(), "record " + detail::quoted_entry_name(key) + " has two ." + lower + " files");
      seen.push_back(lower);
    }
    for (const auto& [ext, bytes] : files) write_entry(key + "." + std::string(ext), bytes.data(), bytes.size());
    last_key = key;
    ++records;
  }
};

WebDatasetWriter::WebDatasetWriter(const std::filesystem::path& tar) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.target = tar;
  s.temp = tar;
  s.temp += ".tmp";
  s.fd = ::open(s.temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (s.fd < 0) throw Error(s.temp.string(), "cannot create shard: " + errno_text());
  const Utf8LocaleScope utf8_names;  // libarchive may settle its name charset here already
  s.a = archive_write_new();
  if (!s.a) s.fail("cannot create a libarchive writer");
  if (archive_write_set_format_pax_restricted(s.a) != ARCHIVE_OK || archive_write_add_filter_none(s.a) != ARCHIVE_OK)
    s.fail("libarchive cannot write tar: " + s.message());
  if (archive_write_open_fd(s.a, s.fd) != ARCHIVE_OK) s.fail("cannot open for writing: " + s.message());
}

WebDatasetWriter::~WebDatasetWriter() = default;

void WebDatasetWriter::write(const Sample& sample) {
  Impl& s = *impl_;
  if (sample.uid.empty())
    throw Error(s.target.string(),
                "sample " + detail::quoted_entry_name(sample.key) + " has no uid (readers skip records without one)");
  nlohmann::ordered_json meta = nlohmann::ordered_json::object();
  if (!sample.json.empty()) {
    try {
      meta = nlohmann::ordered_json::parse(sample.json);
    } catch (const nlohmann::json::parse_error& e) {
      throw Error(s.target.string(),
                  "sample " + detail::quoted_entry_name(sample.key) + ": json is not valid JSON (" + e.what() + ")");
    }
    if (!meta.is_object())
      throw Error(s.target.string(), "sample " + detail::quoted_entry_name(sample.key) + ": json is not a JSON object");
  }
  meta["uid"] = sample.uid;

  std::string json;
  try {
    json = meta.dump();
  } catch (const nlohmann::json::type_error& e) {
    throw Error(s.target.string(), "sample " + detail::quoted_entry_name(sample.key) + ": " + e.what());
  }
  std::vector<Impl::FileView> files;
  if (!sample.image.empty()) {
    if (sample.image_format.empty())
      throw Error(s.target.string(),
                  "sample " + detail::quoted_entry_name(sample.key) + " has image bytes but no image_format");
    files.emplace_back(sample.image_format, sample.image);
  }
  auto bytes_of = [](const std::string& text) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  };
  files.emplace_back("txt", bytes_of(sample.text));
  files.emplace_back("json", bytes_of(json));
  s.write_files(sample.key, files);
}

void WebDatasetWriter::write(const WebDatasetRecord& record) {
  std::vector<Impl::FileView> files;
  for (const auto& [ext, bytes] : record.files) files.emplace_back(ext, bytes);
  impl_->write_files(record.key, files);
}

int64_t WebDatasetWriter::records() const { return impl_->records; }

void WebDatasetWriter::close() {
  Impl& s = *impl_;
  if (s.closed) return;
  if (archive_write_close(s.a) != ARCHIVE_OK) s.fail("cannot finish the tar: " + s.message());
  archive_write_free(s.a);
  s.a = nullptr;
  // Durable before it becomes visible: a crash never leaves a shard with missing bytes in place.
  if (::fsync(s.fd) != 0) s.fail("cannot flush to disk: " + errno_text());
  const int fd = s.fd;
  s.fd = -1;
  if (::close(fd) != 0) s.fail("cannot close: " + errno_text());
  std::error_code ec;
  std::filesystem::rename(s.temp, s.target, ec);
  if (ec) s.fail("cannot rename to " + s.target.string() + ": " + ec.message());
  s.closed = true;
}

}  // namespace vlforge
