#include "export_stage.hpp"

#include <ATen/ATen.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tokenizer_files.hpp"
#include "vlforge/atomic_file.hpp"
#include "vlforge/error.hpp"
#include "vlforge/safetensors.hpp"

namespace vlforge::hf_export {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

at::ScalarType export_dtype(const std::string& dtype) {
  if (dtype == "bfloat16") return at::kBFloat16;
  if (dtype == "float16") return at::kHalf;
  return at::kFloat;
}

std::vector<NamedTensor> converted(Trainable& component, at::ScalarType dtype) {
  std::vector<NamedTensor> out;
  for (auto& [name, tensor] : component.named_parameters()) out.emplace_back(name, tensor.detach().to(at::kCPU, dtype));
  return out;
}

// The folder to write: a new or empty one (the stage's own folder when `out` is not set).
fs::path output_folder(const ExportStageConfig& cfg, Context& ctx) {
  if (cfg.out.empty()) return ctx.work_dir();
  const fs::path out = cfg.out;
  if (fs::exists(out) && (!fs::is_directory(out) || !fs::is_empty(out)) && !ctx.resuming())
    throw Error("out = \"" + cfg.out + "\"", "exists and is not empty (export writes a new or empty folder)");
  return out;
}

Json component_config(Trainable& component, const std::string& what) {
  const std::string text = component.hf_config();
  if (text.empty()) throw Error(what, "has no Hugging Face config to export");
  return Json::parse(text);
}

void write_json(const fs::path& file, const Json& j) { write_file_atomically(file, j.dump(2) + "\n"); }

// config.json of the language model: its own, with the exported dtype and the class
// AutoModelForCausalLM instantiates.
Json language_model_config(LanguageModel& lm, const std::string& dtype) {
  Json config = component_config(lm, "the language model");
  config["torch_dtype"] = dtype;
  if (!config.contains("architectures")) {
    const std::string type = config.value("model_type", "");
    if (type == "qwen2") config["architectures"] = {"Qwen2ForCausalLM"};
    if (type == "llama") config["architectures"] = {"LlamaForCausalLM"};
  }
  return config;
}

Json generation_config(const Tokenizer& tokenizer) {
  Json g = {{"eos_token_id", tokenizer.eos_id()}, {"pad_token_id", tokenizer.pad_id()}, {"do_sample", false}};
  if (const auto bos = tokenizer.bos_id()) g["bos_token_id"] = *bos;
  return g;
}

constexpr std::string_view kReadme = R"(# Exported by vlforge

- `./` is the language model as a Hugging Face folder:
  `AutoModelForCausalLM.from_pretrained(".")`, `AutoTokenizer.from_pretrained(".")`.
- `vision_tower/` is the vision encoder: `SiglipVisionModel.from_pretrained("vision_tower")`
  (or `CLIPVisionModel`, as its config.json says). The features the projector takes are the
  hidden states of the layer vlforge's `select_layer` names.
- `projector/` holds the projector's weights and a config.json describing it: a Linear, GELU,
  Linear, after an adaptive average pool of the patch grid to `tokens` when `pooling` says so.
)";

}  // namespace

Schema<ExportStageConfig> export_stage_schema() {
  Schema<ExportStageConfig> s(
      "Exports a trained model as Hugging Face folders: the language model as a folder transformers loads "
      "(config.json, safetensors, generation_config.json, the tokenizer's files), the vision tower and the "
      "projector in their own subfolders with a config.json each.");
  add_assistant_fields(s);
  s.field("out", &ExportStageConfig::out, "the folder to write, new or empty; empty: the stage's folder");
  s.field("dtype", &ExportStageConfig::dtype, "dtype of the exported weights").choices({"float32", "bfloat16", "float16"});
  s.field("max_shard_bytes", &ExportStageConfig::max_shard_bytes,
          "language models larger than this are written as shards with model.safetensors.index.json")
      .min(1 << 20);
  return s;
}

void ExportStage::run(Context& ctx) {
  if (ctx.is_main_rank()) {
    const fs::path out = output_folder(cfg_, ctx);
    const std::unique_ptr<Assistant> assistant = Assistant::load(cfg_, ctx);
    MultimodalModel& model = assistant->model();
    const at::ScalarType dtype = export_dtype(cfg_.dtype);
    fs::create_directories(out / "vision_tower");
    fs::create_directories(out / "projector");

    save_checkpoint(out, converted(model.language_model(), dtype), static_cast<uint64_t>(cfg_.max_shard_bytes));
    write_json(out / "config.json", language_model_config(model.language_model(), cfg_.dtype));
    write_json(out / "generation_config.json", generation_config(assistant->tokenizer()));
    const auto tokenizer_files = copy_tokenizer_files(cfg_.tokenizer, out);

    save_checkpoint(out / "vision_tower", converted(model.vision(), dtype));
    Json vision = component_config(model.vision(), "the vision encoder");
    vision["torch_dtype"] = cfg_.dtype;
    write_json(out / "vision_tower" / "config.json", vision);

    save_checkpoint(out / "projector", converted(model.projector(), dtype));
    Json projector = component_config(model.projector(), "the projector");
    projector["image_tokens"] = model.image_tokens();
    projector["image_token_id"] = model.options().image_token_id;
    projector["torch_dtype"] = cfg_.dtype;
    write_json(out / "projector" / "config.json", projector);
    write_file_atomically(out / "README.md", std::string(kReadme));
    ctx.log().info("exported to ", out.string(), " (", cfg_.dtype, "; ", tokenizer_files.size(), " tokenizer file(s))");
  }
  ctx.sync().barrier("exported");
}

}  // namespace vlforge::hf_export
