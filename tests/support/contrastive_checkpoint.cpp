#include "contrastive_checkpoint.hpp"

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "test_paths.hpp"
#include "vlforge/safetensors.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {

fs::path contrastive_checkpoint(const std::string& family, const fs::path& dir) {
  const fs::path towers = hf_fixtures_dir() / (family + "-tiny");
  fs::create_directories(dir);
  nlohmann::json config = {{"model_type", family}};
  nlohmann::json weight_map = nlohmann::json::object();
  for (const std::string tower : {"vision", "text"}) {
    config[tower + "_config"] = nlohmann::json::parse(read_text(towers / tower / "config.json"));
    const std::string shard = tower + ".safetensors";
    fs::create_symlink(towers / tower / "model.safetensors", dir / shard);
    const auto file = SafetensorsFile::open(dir / shard);
    for (const SafetensorsEntry& e : file->entries()) weight_map[e.name] = shard;
  }
  if (family == "clip") {
    const int64_t projection = 32;
    config["projection_dim"] = projection;
    torch::manual_seed(11);
    std::vector<NamedTensor> projections;
    for (const std::string tower : {"vision", "text"}) {
      const int64_t hidden = config[tower + "_config"]["hidden_size"].get<int64_t>();
      const std::string name = (tower == "vision" ? "visual" : "text") + std::string("_projection.weight");
      projections.emplace_back(name, torch::randn({projection, hidden}) * 0.1);
      weight_map[name] = "projection.safetensors";
    }
    save_safetensors(dir / "projection.safetensors", projections);
  }
  write_text(dir / "config.json", config.dump(2));
  write_text(dir / "model.safetensors.index.json", nlohmann::json{{"weight_map", weight_map}}.dump(2));
  return dir;
}

}  // namespace vlforge::test
