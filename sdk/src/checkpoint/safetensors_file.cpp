#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "vlforge/error.hpp"
#include "vlforge/safetensors.hpp"

namespace vlforge {

// A private, copy-on-write mapping of the whole file: tensors view it directly, and writes to
// them (training updates in place) never reach the file.
struct SafetensorsFile::Mapping {
  void* base = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (base != nullptr) munmap(base, size);
  }
};

namespace {

constexpr uint64_t kMaxHeader = 100ULL << 20;  // 100 MB: far above any real header

uint64_t read_le64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

std::shared_ptr<const SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& file) {
  const std::string where = file.string();
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(where, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    throw Error(where, std::string("cannot stat: ") + std::strerror(errno));
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size < 8) {
    ::close(fd);
    throw Error(where, "truncated: " + std::to_string(size) + " bytes (a safetensors file starts with an 8-byte header length)");
  }
  auto mapping = std::make_shared<Mapping>();
  mapping->size = size;
  mapping->base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapping->base == MAP_FAILED) {
    mapping->base = nullptr;
    throw Error(where, std::string("cannot map: ") + std::strerror(errno));
  }
  const auto* bytes = static_cast<const unsigned char*>(mapping->base);
  const uint64_t header_len = read_le64(bytes);
  if (header_len > kMaxHeader || header_len > size - 8)
    throw Error(where, "header length " + std::to_string(header_len) + " runs past the end of the file (" +
                           std::to_string(size) + " bytes): truncated or not a safetensors file");

  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes + 8, bytes + 8 + header_len);
  } catch (const nlohmann::json::exception& e) {
    throw Error(where, std::string("malformed header: ") + e.what());
  }
  if (!header.is_object()) throw Error(where, "malformed header: not a JSON object");

  std::shared_ptr<SafetensorsFile> f(new SafetensorsFile());
  f->path_ = file;
  f->data_offset_ = 8 + header_len;
  const uint64_t data_size = size - f->data_offset_;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") {
      if (!info.is_object()) throw Error(where, "__metadata__ is not an object");
      for (const auto& [k, v] : info.items())
        if (v.is_string()) f->metadata_[k] = v.get<std::string>();
      continue;
    }
    const std::string tensor = where + ": tensor '" + name + "'";
    if (!info.is_object() || !info.contains("dtype") || !info.contains("shape") || !info.contains("data_offsets"))
      throw Error(tensor, "needs dtype, shape and data_offsets");
    SafetensorsEntry e;
    e.name = name;
    try {
      e.dtype = safetensors_dtype(info["dtype"].get<std::string>());
      e.shape = info["shape"].get<std::vector<int64_t>>();
      const auto offsets = info["data_offsets"].get<std::vector<uint64_t>>();
      if (offsets.size() != 2) throw Error(tensor, "data_offsets must be [begin, end]");
      e.begin = offsets[0];
      e.end = offsets[1];
    } catch (const nlohmann::json::exception& ex) {
      throw Error(tensor, std::string("malformed entry: ") + ex.what());
    } catch (const Error& ex) {
      throw Error(tensor, ex.reason());
    }
    uint64_t numel = 1;
    for (int64_t d : e.shape) {
      if (d < 0) throw Error(tensor, "negative dimension in its shape");
      numel *= static_cast<uint64_t>(d);
    }
    if (e.begin > e.end || e.end > data_size)
      throw Error(tensor, "data offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                              ") lie beyond the data section (" + std::to_string(data_size) + " bytes)");
    const uint64_t expected = numel * c10::elementSize(e.dtype);
    if (e.end - e.begin != expected)
      throw Error(tensor, "holds " + std::to_string(e.end - e.begin) + " bytes, but its dtype and shape need " +
                              std::to_string(expected));
    f->entries_.push_back(std::move(e));
  }
  std::vector<const SafetensorsEntry*> by_offset;
  for (const auto& e : f->entries_) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < by_offset.size(); ++i)
    if (by_offset[i]->begin < by_offset[i - 1]->end)
      throw Error(where, "tensors '" + by_offset[i - 1]->name + "' and '" + by_offset[i]->name + "' overlap");
  std::sort(f->entries_.begin(), f->entries_.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  f->mapping_ = std::move(mapping);
  return f;
}

SafetensorsFile::~SafetensorsFile() = default;

const SafetensorsEntry* SafetensorsFile::find(std::string_view name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const SafetensorsEntry& e, std::string_view n) { return e.name < n; });
  return it != entries_.end() && it->name == name ? &*it : nullptr;
}

at::Tensor SafetensorsFile::tensor(std::string_view name) const {
  const SafetensorsEntry* e = find(name);
  if (e == nullptr) throw Error(path_.string(), "no tensor '" + std::string(name) + "'");
  auto* data = static_cast<char*>(mapping_->base) + data_offset_ + e->begin;
  const auto options = at::TensorOptions().dtype(e->dtype);
  // Offsets need not be aligned to the element size; such a tensor is copied rather than viewed.
  if (reinterpret_cast<uintptr_t>(data) % c10::elementSize(e->dtype) != 0) {
    at::Tensor out = at::empty(e->shape, options);
    std::memcpy(out.data_ptr(), data, e->end - e->begin);
    return out;
  }
  std::shared_ptr<Mapping> keep = mapping_;
  return at::from_blob(
      data, e->shape, [keep](void*) mutable { keep.reset(); }, options);
}

void SafetensorsFile::release(std::string_view name) const {
  const SafetensorsEntry* e = find(name);
  if (e == nullptr) return;
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto start = reinterpret_cast<uintptr_t>(mapping_->base) + data_offset_ + e->begin;
  const auto end = reinterpret_cast<uintptr_t>(mapping_->base) + data_offset_ + e->end;
  // Only whole pages inside the tensor: neighbours sharing a page stay mapped.
  const uintptr_t first = (start + page - 1) / page * page;
  const uintptr_t last = end / page * page;
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

}  // namespace vlforge
