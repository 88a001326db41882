#include <torch/torch.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "vlforge/did_you_mean.hpp"
#include "vlforge/error.hpp"
#include "vlforge/safetensors.hpp"

namespace fs = std::filesystem;

namespace vlforge {

namespace {

std::string shape_text(at::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::map<std::string, std::string> read_index(const fs::path& index) {
  std::ifstream in(index);
  if (!in) throw Error(index.string(), "cannot open");
  try {
    const auto j = nlohmann::json::parse(in);
    return j.at("weight_map").get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(index.string(), std::string("malformed index (expected {\"weight_map\": {name: file}}): ") + e.what());
  }
}

}  // namespace

Checkpoint Checkpoint::open(const fs::path& path) {
  Checkpoint c;
  c.path_ = path;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    const auto file = SafetensorsFile::open(path);
    for (const auto& e : file->entries()) c.by_name_[e.name] = file;
    return c;
  }
  if (!fs::is_directory(path, ec)) throw Error(path.string(), "no such checkpoint file or folder");
  const fs::path index = path / "model.safetensors.index.json";
  if (fs::exists(index)) {
    std::map<std::string, std::shared_ptr<const SafetensorsFile>> shards;
    for (const auto& [name, file] : read_index(index)) {
      if (file.find('/') != std::string::npos || file == "..")
        throw Error(index.string(), "shard '" + file + "' is not a file name in the checkpoint folder");
      auto& shard = shards[file];
      if (!shard) shard = SafetensorsFile::open(path / file);
      if (!shard->find(name))
        throw Error(index.string(), "lists tensor '" + name + "' in " + file + ", which does not hold it");
      c.by_name_[name] = shard;
    }
    return c;
  }
  if (fs::exists(path / "model.safetensors")) return open(path / "model.safetensors");
  throw Error(path.string(), "holds neither model.safetensors nor model.safetensors.index.json");
}

bool Checkpoint::contains(std::string_view name) const { return by_name_.find(name) != by_name_.end(); }

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : by_name_) out.push_back(name);
  return out;
}

at::Tensor Checkpoint::get(std::string_view name, at::ScalarType dtype,
                           std::optional<std::vector<int64_t>> expected_shape) const {
  const auto it = by_name_.find(name);
  if (it == by_name_.end())
    throw Error(path_.string(), "missing tensor '" + std::string(name) + "'" + suggestion_suffix(name, names(), "present"));
  at::Tensor t = it->second->tensor(name);
  if (expected_shape && t.sizes() != at::IntArrayRef(*expected_shape))
    throw Error(path_.string(), "tensor '" + std::string(name) + "' has shape " + shape_text(t.sizes()) +
                                    ", expected " + shape_text(*expected_shape));
  return t.scalar_type() == dtype ? t : t.to(dtype);
}

void Checkpoint::load_into(const std::vector<NamedTensor>& params, const std::vector<std::string>& optional,
                           const std::vector<std::string>& ignored) const {
  torch::NoGradGuard no_grad;
  std::vector<std::string> missing;
  std::set<std::string> used;
  for (const auto& [name, param] : params) {
    const auto it = by_name_.find(name);
    if (it == by_name_.end()) {
      if (std::find(optional.begin(), optional.end(), name) == optional.end()) missing.push_back(name);
      continue;
    }
    const at::Tensor src = it->second->tensor(name);
    if (src.sizes() != param.sizes())
      throw Error(path_.string(), "tensor '" + name + "' has shape " + shape_text(src.sizes()) + ", the model expects " +
                                      shape_text(param.sizes()));
    param.copy_(src);
    it->second->release(name);
    used.insert(name);
  }
  if (!missing.empty()) {
    std::vector<std::string> shown(missing.begin(), missing.begin() + static_cast<long>(std::min<size_t>(5, missing.size())));
    throw Error(path_.string(), std::to_string(missing.size()) + " tensor(s) missing: " + join(shown) +
                                    (missing.size() > shown.size() ? ", ..." : "") +
                                    suggestion_suffix(missing.front(), names(), "present"));
  }
  std::vector<std::string> unused;
  for (const auto& [name, _] : by_name_)
    if (!used.count(name) && std::find(ignored.begin(), ignored.end(), name) == ignored.end()) unused.push_back(name);
  if (!unused.empty()) {
    std::vector<std::string> shown(unused.begin(), unused.begin() + static_cast<long>(std::min<size_t>(5, unused.size())));
    throw Error(path_.string(), std::to_string(unused.size()) + " tensor(s) match no parameter of the model: " +
                                    join(shown) + (unused.size() > shown.size() ? ", ..." : "") +
                                    " (a checkpoint of another architecture or size?)");
  }
}

}  // namespace vlforge
