#include "tiny_model.hpp"

#include <ATen/ATen.h>

#include <fstream>
#include <sstream>

#include "component_factory.hpp"
#include "test_paths.hpp"
#include "vlforge/interfaces/language_model.hpp"
#include "vlforge/interfaces/projector.hpp"
#include "vlforge/interfaces/tokenizer.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"
#include "vlforge/multimodal_model.hpp"
#include "vlforge/safetensors.hpp"

namespace vlforge::test {

namespace fs = std::filesystem;

namespace {

// `{ a = 1, b = "x" }` -> "a = 1\nb = \"x\"": an inline table as the body of a component table.
std::string table_body(const std::string& inline_table) {
  std::string body;
  const std::string_view inner = std::string_view(inline_table).substr(2, inline_table.size() - 4);
  for (size_t i = 0; i < inner.size(); ++i) {
    const bool separator = inner.substr(i, 2) == ", ";
    body += separator ? '\n' : inner[i];
    i += separator ? 1 : 0;
  }
  return body;
}

}  // namespace

TinyModel write_tiny_model(const fs::path& folder, uint64_t seed) {
  const std::string assets = (kSourceDir / "recipes" / "assets").string();
  const std::string tokenizer = "{ use = \"tokenizer/hf-bpe\", file = \"" + assets + "/synthetic-bpe/tokenizer.json\" }";
  const std::string vision = "{ use = \"vision_encoder/siglip\", checkpoint = \"" + assets +
                             "/tiny-siglip\", weights = false, init = \"random\" }";
  const std::string projector = "{ use = \"projector/avgpool-mlp\", input_dim = 64, output_dim = 96, tokens = 16 }";
  const std::string lm = "{ use = \"language_model/qwen2\", checkpoint = \"" + assets +
                         "/tiny-qwen2\", weights = false, init = \"random\" }";
  const auto table = table_body;
  ComponentMaker maker;
  at::manual_seed(static_cast<uint64_t>(seed));
  auto tok = maker.make<Tokenizer>(table(tokenizer));
  MultimodalOptions options;
  options.image_token_id = tok->vocab_size();
  options.image_tokens = 16;
  MultimodalModel model(maker.make<VisionEncoder>(table(vision)), maker.make<Projector>(table(projector)),
                        maker.make<LanguageModel>(table(lm)), options);
  // Components draw from the context's seed; perturb every weight from `seed` so seeds differ.
  at::NoGradGuard no_grad;
  for (auto& [name, p] : model.all_named_parameters()) p.add_(at::randn_like(p) * 0.02);
  fs::create_directories(folder);
  save_checkpoint(folder, model.all_named_parameters());

  TinyModel out;
  out.folder = folder;
  out.stage_keys = "vision = " + vision + "\nprojector = " + projector + "\nlanguage_model = " + lm +
                   "\ntokenizer = " + tokenizer + "\nimage_tokens = 16\n";
  std::ofstream(folder / "model.toml") << "image_token_id = " << tok->vocab_size() << "\n" << out.stage_keys;
  return out;
}

AssistantConfig tiny_assistant_config(const TinyModel& model, ComponentMaker& maker) {
  AssistantConfig cfg;
  cfg.model = model.folder.string();
  std::istringstream lines(model.stage_keys);
  for (std::string line; std::getline(lines, line);) {
    const size_t eq = line.find(" = {");
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    const ComponentSpec spec = maker.spec(table_body(line.substr(eq + 3)));
    if (key == "vision") cfg.vision = spec;
    if (key == "projector") cfg.projector = spec;
    if (key == "language_model") cfg.language_model = spec;
    if (key == "tokenizer") cfg.tokenizer = spec;
  }
  cfg.image_codec = maker.spec("use = \"image_codec/stb\"");
  cfg.image_tokens = model.image_tokens;
  return cfg;
}

}  // namespace vlforge::test
