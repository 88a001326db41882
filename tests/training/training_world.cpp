#include "training_world.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_paths.hpp"
#include "vlforge/packed_shard.hpp"

namespace vlforge::test {

namespace fs = std::filesystem;

namespace {

constexpr int32_t kImage = 1000;  // the tiny Qwen2's vocabulary size
constexpr int64_t kImageTokens = 4;
constexpr int64_t kContext = 48;
constexpr int kColours = 6;

std::vector<uint8_t> solid_ppm(int colour) {
  const uint8_t r = static_cast<uint8_t>((colour & 1) * 200 + 20);
  const uint8_t g = static_cast<uint8_t>(((colour >> 1) & 1) * 200 + 20);
  const uint8_t b = static_cast<uint8_t>((colour >> 2) * 100 + 30);
  const std::string header = "P6\n16 16\n255\n";
  std::vector<uint8_t> out(header.begin(), header.end());
  for (int i = 0; i < 16 * 16; ++i) out.insert(out.end(), {r, g, b});
  return out;
}

// Placeholder, then a caption whose first word names the colour and whose rest follows from it.
void add_document(PackedSequence& seq, int colour, int variant, const std::string& uid) {
  const std::vector<int32_t> caption = {static_cast<int32_t>(100 + colour), static_cast<int32_t>(200 + variant),
                                        static_cast<int32_t>(300 + colour * 7 % 11), static_cast<int32_t>(400 + variant),
                                        7};
  seq.input_ids.push_back(kImage);
  seq.input_ids.insert(seq.input_ids.end(), caption.begin(), caption.end());
  seq.documents.push_back({uid, kImageTokens + static_cast<int64_t>(caption.size()), 1, kImageTokens});
  seq.images.push_back({"ppm", solid_ppm(colour)});
}

void write_shard(const fs::path& file, int first, int sequences) {
  PackedShardMeta meta;
  meta.context = kContext;
  meta.image_tokens = kImageTokens;
  meta.image_token_id = kImage;
  meta.tokenizer = "test-ids";
  PackedShardWriter writer(file, meta);
  for (int i = first; i < first + sequences; ++i) {
    PackedSequence seq;
    add_document(seq, i % kColours, i % 3, "a" + std::to_string(i));
    add_document(seq, (i * 5 + 2) % kColours, (i + 1) % 3, "b" + std::to_string(i));
    writer.add(seq);
  }
  writer.close();
}

}  // namespace

TrainingWorld write_training_world(const fs::path& dir, int shards, int sequences) {
  TrainingWorld w{dir / "packed", dir / "heldout"};
  fs::create_directories(w.packed);
  fs::create_directories(w.heldout);
  for (int s = 0; s < shards; ++s)
    write_shard(w.packed / ("0000000" + std::to_string(s) + ".vlpack"), s * sequences, sequences);
  write_shard(w.heldout / "00000000.vlpack", 7919, 8);
  return w;
}

std::string training_recipe(const fs::path& run_dir, const TrainingWorld& world, const std::string& trainer,
                            const std::string& stage) {
  const fs::path fixtures = hf_fixtures_dir();
  return "[run]\ndir = \"" + run_dir.string() + "\"\nseed = 7\n\n[[stage]]\nname = \"pretrain\"\nuse = \"stage/train\"\n" +
         "packed = \"" + world.packed.string() + "\"\nheldout = \"" + world.heldout.string() + "\"\n" +
         "heldout_batches = 8\nglobal_batch = 4\nmicro_batch = 1\nworkers = 1\n" +
         "vision = { use = \"vision_encoder/siglip\", checkpoint = \"" + (fixtures / "siglip-tiny" / "vision").string() +
         "\" }\n" +
         "projector = { use = \"projector/avgpool-mlp\", input_dim = 64, output_dim = 64, tokens = 4 }\n" +
         "language_model = { use = \"language_model/qwen2\", checkpoint = \"" +
         (fixtures / "qwen2-tiny" / "model").string() + "\" }\n" + stage + "\n" +
         "trainer = { use = \"trainer/fsdp\", " + trainer + " }\n";
}

std::map<int64_t, double> step_metric(const fs::path& metrics, const std::string& key) {
  std::map<int64_t, double> out;
  std::ifstream in(metrics);
  for (std::string line; std::getline(in, line);) {
    const auto row = nlohmann::json::parse(line);
    if (row.contains(key)) out[row.at("step").get<int64_t>()] = row.at(key).get<double>();
  }
  return out;
}

}  // namespace vlforge::test
