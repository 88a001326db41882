#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "vlforge/error.hpp"
#include "vlforge/safetensors.hpp"

namespace fs = std::filesystem;

namespace vlforge {

namespace {

uint64_t byte_size(const at::Tensor& t) { return static_cast<uint64_t>(t.numel()) * t.element_size(); }

void write_file_atomically(const fs::path& file, const std::vector<NamedTensor>& tensors,
                           const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header;
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<at::Tensor> data;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (header.contains(name)) throw Error(file.string(), "tensor '" + name + "' given twice");
    at::Tensor c = t.detach().to(at::kCPU).contiguous();
    header[name] = {{"dtype", safetensors_dtype_name(c.scalar_type())},
                    {"shape", c.sizes().vec()},
                    {"data_offsets", {offset, offset + byte_size(c)}}};
    offset += byte_size(c);
    data.push_back(std::move(c));
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the data section starts 8-byte aligned
  const fs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw Error(tmp.string(), "cannot write");
    const uint64_t n = text.size();
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& t : data) out.write(static_cast<const char*>(t.data_ptr()), static_cast<std::streamsize>(byte_size(t)));
    out.flush();
    if (!out) throw Error(tmp.string(), "write failed (disk full?)");
  }
  fs::rename(tmp, file);
}

}  // namespace

void save_safetensors(const fs::path& file, const std::vector<NamedTensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  write_file_atomically(file, tensors, metadata);
}

std::vector<fs::path> save_checkpoint(const fs::path& folder, const std::vector<NamedTensor>& tensors,
                                      uint64_t max_shard_bytes) {
  fs::create_directories(folder);
  const std::map<std::string, std::string> metadata = {{"format", "pt"}};
  uint64_t total = 0;
  for (const auto& [_, t] : tensors) total += byte_size(t);
  if (total <= max_shard_bytes) {
    write_file_atomically(folder / "model.safetensors", tensors, metadata);
    return {folder / "model.safetensors"};
  }
  // Greedy in the given order; a tensor larger than the limit gets a shard of its own.
  std::vector<std::vector<NamedTensor>> shards(1);
  uint64_t current = 0;
  for (const auto& nt : tensors) {
    const uint64_t n = byte_size(nt.second);
    if (!shards.back().empty() && current + n > max_shard_bytes) {
      shards.emplace_back();
      current = 0;
    }
    shards.back().push_back(nt);
    current += n;
  }
  std::vector<fs::path> written;
  nlohmann::ordered_json index;
  index["metadata"] = {{"total_size", total}};
  index["weight_map"] = nlohmann::ordered_json::object();
  for (size_t i = 0; i < shards.size(); ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
    write_file_atomically(folder / name, shards[i], metadata);
    for (const auto& [tensor, _] : shards[i]) index["weight_map"][tensor] = name;
    written.push_back(folder / name);
  }
  const fs::path index_file = folder / "model.safetensors.index.json";
  const fs::path tmp = index_file.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << index.dump(2) << '\n';
    if (!out) throw Error(tmp.string(), "write failed");
  }
  fs::rename(tmp, index_file);
  written.push_back(index_file);
  return written;
}

}  // namespace vlforge
