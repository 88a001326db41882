#include "npy_uid_list.hpp"

#include <algorithm>
#include <bit>
#include <boost/interprocess/file_mapping.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <cstring>
#include <regex>
#include <string>

#include "vlforge/error.hpp"

namespace vlforge::selectors {

namespace fs = std::filesystem;
namespace bip = boost::interprocess;

static_assert(std::endian::native == std::endian::little, "uid lists are read in place as little-endian uint64");
static_assert(sizeof(Uid128) == 16);

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The header is a Python dict literal; numpy writes one of a few fixed shapes of it, so each
// key is matched with a pattern rather than a Python-literal parser.
std::string header_value(const std::string& header, const std::string& key, const std::string& pattern,
                         const fs::path& path) {
  const std::regex re("'" + key + "'\\s*:\\s*(" + pattern + ")");
  std::smatch m;
  if (!std::regex_search(header, m, re))
    throw Error(path.string(), "npy header has no readable '" + key + "' (header: " + header + ")");
  return m[1].str();
}

// Number of uids, checking dtype, order and shape.
size_t check_header(const std::string& header, const fs::path& path) {
  const std::string fortran = header_value(header, "fortran_order", "True|False", path);
  if (fortran != "False") throw Error(path.string(), "fortran_order is True (uid lists are C-ordered)");
  const std::string descr = header_value(header, "descr", "\\[[^\\]]*\\]|'[^']*'", path);
  const std::string shape = header_value(header, "shape", "\\([^)]*\\)", path);

  static const std::regex pair_dtype(R"(\[\s*\('[^']*'\s*,\s*'<u8'\s*\)\s*,\s*\('[^']*'\s*,\s*'<u8'\s*\)\s*,?\s*\])");
  static const std::regex one_dim(R"(\(\s*(\d+)\s*,\s*\))");
  static const std::regex two_dim(R"(\(\s*(\d+)\s*,\s*2\s*,?\s*\))");
  std::smatch m;
  if (std::regex_match(descr, pair_dtype)) {
    if (!std::regex_match(shape, m, one_dim))
      throw Error(path.string(), "shape " + shape + " (a uid list of dtype u8,u8 is one-dimensional: (N,))");
    return std::stoull(m[1].str());
  }
  if (descr == "'<u8'") {
    if (!std::regex_match(shape, m, two_dim))
      throw Error(path.string(), "shape " + shape + " (a uint64 uid list has shape (N, 2))");
    return std::stoull(m[1].str());
  }
  throw Error(path.string(), "dtype " + descr +
                                 " (a uid list holds pairs of little-endian uint64: np.dtype(\"u8,u8\") or '<u8' of "
                                 "shape (N, 2))");
}

}  // namespace

std::optional<Uid128> parse_uid128(std::string_view uid) {
  if (uid.size() != 32) return std::nullopt;
  uint64_t halves[2] = {0, 0};
  for (size_t i = 0; i < 32; ++i) {
    const int d = hex_digit(uid[i]);
    if (d < 0) return std::nullopt;
    halves[i / 16] = (halves[i / 16] << 4) | static_cast<uint64_t>(d);
  }
  return Uid128{halves[0], halves[1]};
}

struct NpyUidList::Mapping {
  bip::file_mapping file;
  bip::mapped_region region;
};

NpyUidList::NpyUidList(const fs::path& path) {
  std::error_code ec;
  const auto file_size = fs::file_size(path, ec);
  if (ec) throw Error(path.string(), "cannot read uid list: " + ec.message());
  if (file_size < kMagicSize + 4)
    throw Error(path.string(), "too short for a .npy file (" + std::to_string(file_size) + " bytes)");

  mapping_ = std::make_unique<Mapping>();
  try {
    mapping_->file = bip::file_mapping(path.c_str(), bip::read_only);
    mapping_->region = bip::mapped_region(mapping_->file, bip::read_only);
  } catch (const bip::interprocess_exception& e) {
    throw Error(path.string(), std::string("cannot map uid list: ") + e.what());
  }
  const auto* bytes = static_cast<const unsigned char*>(mapping_->region.get_address());
  const size_t size = mapping_->region.get_size();

  if (std::memcmp(bytes, kMagic, kMagicSize) != 0) throw Error(path.string(), "not a .npy file (no \\x93NUMPY magic)");
  const unsigned major = bytes[6];
  size_t header_len = 0, header_at = 0;
  if (major == 1) {
    header_len = bytes[8] | (static_cast<size_t>(bytes[9]) << 8);
    header_at = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) throw Error(path.string(), "truncated .npy header");
    header_len = bytes[8] | (static_cast<size_t>(bytes[9]) << 8) | (static_cast<size_t>(bytes[10]) << 16) |
                 (static_cast<size_t>(bytes[11]) << 24);
    header_at = 12;
  } else {
    throw Error(path.string(), ".npy format version " + std::to_string(major) + " (vlforge reads 1, 2 and 3)");
  }
  if (header_len > size - header_at)
    throw Error(path.string(), "npy header of " + std::to_string(header_len) + " bytes runs past the end of the file");
  const std::string header(reinterpret_cast<const char*>(bytes + header_at), header_len);
  const size_t count = check_header(header, path);
  const size_t data_at = header_at + header_len;
  if (data_at % alignof(uint64_t) != 0)
    throw Error(path.string(), "uid data starts at byte " + std::to_string(data_at) + ", not 8-byte aligned");
  if (count > (size - data_at) / sizeof(Uid128))
    throw Error(path.string(), "header says " + std::to_string(count) + " uids but the file holds " +
                                   std::to_string((size - data_at) / sizeof(Uid128)) + " (truncated?)");

  uids_ = std::span<const Uid128>(reinterpret_cast<const Uid128*>(bytes + data_at), count);
  if (!std::is_sorted(uids_.begin(), uids_.end())) {
    sorted_copy_.assign(uids_.begin(), uids_.end());
    std::sort(sorted_copy_.begin(), sorted_copy_.end());
    uids_ = sorted_copy_;
  }
}

NpyUidList::~NpyUidList() = default;

bool NpyUidList::contains(const Uid128& uid) const { return std::binary_search(uids_.begin(), uids_.end(), uid); }

}  // namespace vlforge::selectors
