// language_model/qwen2 and language_model/llama as components: building from config.json
// without weights, configuration and checkpoint errors, the Trainable view, dtypes, and the KV
// cache against a full forward.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <set>
#include <string>

#include "component_factory.hpp"
#include "test_paths.hpp"
#include "vlforge/error.hpp"
#include "vlforge/interfaces/language_model.hpp"
#include "vlforge/models/decoder_config.hpp"
#include "vlforge/models/decoder_language_model.hpp"
#include "vlforge/safetensors.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

fs::path tiny(const std::string& model) { return hf_fixtures_dir() / model / "model"; }

std::string toml_for(const std::string& name, const fs::path& checkpoint, const std::string& extra = "") {
  return "use = \"language_model/" + name + "\"\ncheckpoint = \"" + checkpoint.string() + "\"\n" + extra;
}

std::shared_ptr<LanguageModel> make(const std::string& toml) {
  static ComponentMaker maker;
  return maker.make<LanguageModel>(toml);
}

// The message of the vlforge::Error that creating `toml` throws ("" when it does not throw).
std::string creation_error(const std::string& toml) {
  try {
    make(toml);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A copy of a tiny fixture model whose config.json and tensors a test may change.
fs::path copy_of(const std::string& model, const std::string& test_name) {
  const fs::path dir = fresh_dir(test_name);
  fs::copy_file(tiny(model) / "config.json", dir / "config.json");
  fs::copy_file(tiny(model) / "model.safetensors", dir / "model.safetensors");
  return dir;
}

void replace_in_file(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = read_text(file);
  const size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from << " in " << file;
  write_text(file, text.replace(at, from.size(), to));
}

// Rewrites model.safetensors with `edit` applied to its tensor list.
template <class Edit>
void rewrite_weights(const fs::path& dir, Edit edit) {
  std::vector<NamedTensor> tensors;
  {
    const auto file = SafetensorsFile::open(dir / "model.safetensors");
    for (const auto& e : file->entries()) tensors.emplace_back(e.name, file->tensor(e.name).clone());
  }
  edit(tensors);
  save_safetensors(dir / "model.safetensors", tensors);
}

TEST(LanguageModelBuild, Qwen25_1_5B_FromPublishedConfigWithoutMemory) {
  const fs::path config = fs::path(VLFORGE_LM_TEST_DATA) / "qwen2.5-1.5b-instruct" / "config.json";
  auto lm = make("use = \"language_model/qwen2\"\nconfig = \"" + config.string() + "\"\nweights = false\n");

  const LanguageModelShape s = lm->shape();
  EXPECT_EQ(s.vocab_size, 151936);
  EXPECT_EQ(s.hidden_size, 1536);
  EXPECT_EQ(s.num_layers, 28);
  EXPECT_EQ(s.num_heads, 12);
  EXPECT_EQ(s.num_kv_heads, 2);
  EXPECT_EQ(s.head_dim, 128);
  EXPECT_EQ(s.intermediate_size, 8960);
  EXPECT_EQ(s.max_positions, 32768);

  int64_t count = 0;
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& [name, p] : lm->named_parameters()) {
    EXPECT_TRUE(p.is_meta()) << name << " holds memory";
    count += p.numel();
    shapes[name] = p.sizes().vec();
  }
  EXPECT_EQ(count, 1'543'714'304);  // the published 1.54B
  EXPECT_EQ(models::parameter_count(models::read_decoder_config(JsonConfig::load(config))) +
                28 * (1536 + 2 * 256),  // the q/k/v biases that only the qwen2 plugin adds
            count);
  EXPECT_EQ(shapes.size(), 2u + 28u * 12u);  // embeddings, final norm, 12 tensors per layer
  EXPECT_EQ(shapes.count("lm_head.weight"), 0u) << "tie_word_embeddings: lm_head is the embedding matrix";
  EXPECT_EQ(shapes["model.embed_tokens.weight"], (std::vector<int64_t>{151936, 1536}));
  EXPECT_EQ(shapes["model.layers.27.self_attn.k_proj.weight"], (std::vector<int64_t>{256, 1536}));
  EXPECT_EQ(shapes["model.layers.27.self_attn.k_proj.bias"], (std::vector<int64_t>{256}));
  EXPECT_EQ(shapes.count("model.layers.0.self_attn.o_proj.bias"), 0u);
  EXPECT_EQ(shapes["model.layers.0.mlp.down_proj.weight"], (std::vector<int64_t>{1536, 8960}));

  LanguageModelInput in;
  in.input_ids = torch::zeros({1, 2}, at::kLong);
  in.position_ids = torch::arange(2).unsqueeze(0);
  try {
    lm->forward(in);
    FAIL() << "a model without data ran";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("weights = false"), std::string::npos) << e.what();
  }
}

TEST(LanguageModelBuild, ParameterNamesAreTheCheckpointNames) {
  for (const std::string name : {"qwen2", "llama"}) {
    auto lm = make(toml_for(name, tiny(name + "-tiny")));
    std::vector<std::string> got;
    for (const auto& [n, _] : lm->named_parameters()) got.push_back(n);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, Checkpoint::open(tiny(name + "-tiny")).names()) << name;
  }
}

TEST(LanguageModelBuild, RandomInitialisationIsSeededAndFinite) {
  const std::string toml = "use = \"language_model/llama\"\nconfig = \"" + (tiny("llama-tiny") / "config.json").string() +
                           "\"\nweights = false\ninit = \"random\"\n";
  auto a = make(toml), b = make(toml);
  const auto pa = a->named_parameters(), pb = b->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(pa[i].second.equal(pb[i].second)) << pa[i].first;
  for (const auto& [name, p] : pa) {
    if (name.find("norm") != std::string::npos) {
      EXPECT_TRUE(p.eq(1).all().item<bool>()) << name;
    } else {
      EXPECT_NEAR(p.std().item<double>(), 0.2, 0.02) << name;  // initializer_range of llama-tiny
    }
  }
  LanguageModelInput in;
  in.input_ids = torch::randint(1000, {1, 6}, at::kLong);
  in.position_ids = torch::arange(6).unsqueeze(0);
  EXPECT_TRUE(a->forward(in).logits.isfinite().all().item<bool>());
}

TEST(LanguageModelBuild, AttentionPatternIsReported) {
  EXPECT_EQ(make(toml_for("qwen2", tiny("qwen2-tiny")))->packed_attention(), PackedAttention::isolated);
  EXPECT_EQ(make(toml_for("qwen2", tiny("qwen2-tiny"), "attention = \"shared\"\n"))->packed_attention(),
            PackedAttention::shared);
}

TEST(LanguageModelErrors, WrongModelTypeNamesConfigAndKey) {
  const fs::path dir = copy_of("qwen2-tiny", "lm_wrong_model_type");
  replace_in_file(dir / "config.json", "\"model_type\": \"qwen2\"", "\"model_type\": \"mistral\"");
  const std::string error = creation_error(toml_for("qwen2", dir));
  EXPECT_NE(error.find((dir / "config.json").string()), std::string::npos) << error;
  EXPECT_NE(error.find("model_type is 'mistral', expected 'qwen2'"), std::string::npos) << error;
  EXPECT_NE(error.find("language_model/qwen2"), std::string::npos) << error;

  EXPECT_NE(creation_error(toml_for("llama", tiny("qwen2-tiny"))).find("model_type is 'qwen2', expected 'llama'"),
            std::string::npos);
}

TEST(LanguageModelErrors, UnsupportedConfigValues) {
  const fs::path dir = copy_of("llama-tiny", "lm_unsupported_config");
  replace_in_file(dir / "config.json", "\"rope_type\": \"llama3\"", "\"rope_type\": \"yarn\"");
  std::string error = creation_error(toml_for("llama", dir));
  EXPECT_NE(error.find("config.json: rope_scaling type 'yarn' is not supported"), std::string::npos) << error;

  replace_in_file(dir / "config.json", "\"rope_type\": \"yarn\"", "\"rope_type\": \"llama3\"");
  replace_in_file(dir / "config.json", "\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\"");
  error = creation_error(toml_for("llama", dir));
  EXPECT_NE(error.find("hidden_act 'gelu' is not supported"), std::string::npos) << error;

  replace_in_file(dir / "config.json", "\"hidden_act\": \"gelu\"", "\"hidden_act\": \"silu\"");
  replace_in_file(dir / "config.json", "\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3");
  error = creation_error(toml_for("llama", dir));
  EXPECT_NE(error.find("must be a multiple of num_key_value_heads (3)"), std::string::npos) << error;

  replace_in_file(dir / "config.json", "\"num_key_value_heads\": 3,", "");
  replace_in_file(dir / "config.json", "\"hidden_size\": 64,", "");
  error = creation_error(toml_for("llama", dir));
  EXPECT_NE(error.find("config.json: missing key 'hidden_size'"), std::string::npos) << error;

  error = creation_error("use = \"language_model/qwen2\"\nweights = false\n");
  EXPECT_NE(error.find("set `checkpoint`"), std::string::npos) << error;
  error = creation_error("use = \"language_model/qwen2\"\nconfig = \"" + (tiny("qwen2-tiny") / "config.json").string() + "\"\n");
  EXPECT_NE(error.find("weights = true needs `checkpoint`"), std::string::npos) << error;
}

TEST(LanguageModelErrors, MissingTensorIsNamed) {
  const fs::path dir = copy_of("qwen2-tiny", "lm_missing_tensor");
  rewrite_weights(dir, [](std::vector<NamedTensor>& t) {
    std::erase_if(t, [](const NamedTensor& n) { return n.first == "model.layers.1.mlp.down_proj.weight"; });
  });
  const std::string error = creation_error(toml_for("qwen2", dir));
  EXPECT_NE(error.find("language_model/qwen2: loading weights"), std::string::npos) << error;
  EXPECT_NE(error.find("model.layers.1.mlp.down_proj.weight"), std::string::npos) << error;
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
}

TEST(LanguageModelErrors, WrongShapeIsNamedWithBothShapes) {
  const fs::path dir = copy_of("llama-tiny", "lm_wrong_shape");
  rewrite_weights(dir, [](std::vector<NamedTensor>& t) {
    for (auto& [name, tensor] : t)
      if (name == "model.layers.0.self_attn.k_proj.weight") tensor = torch::zeros({64, 64});
  });
  const std::string error = creation_error(toml_for("llama", dir));
  EXPECT_NE(error.find("'model.layers.0.self_attn.k_proj.weight' has shape [64, 64], the model expects [32, 64]"),
            std::string::npos)
      << error;
}

TEST(LanguageModelErrors, UnexpectedTensorIsAnError) {
  // A Qwen2 checkpoint read as if it had no q/k/v bias leaves tensors unused: so does any extra one.
  const fs::path dir = copy_of("llama-tiny", "lm_extra_tensor");
  rewrite_weights(dir, [](std::vector<NamedTensor>& t) { t.emplace_back("model.layers.0.self_attn.q_proj.bias", torch::zeros({64})); });
  const std::string error = creation_error(toml_for("llama", dir));
  EXPECT_NE(error.find("match no parameter of the model: model.layers.0.self_attn.q_proj.bias"), std::string::npos)
      << error;
}

TEST(LanguageModelErrors, BadForwardInputsAreNamed) {
  auto lm = make(toml_for("qwen2", tiny("qwen2-tiny")));
  LanguageModelInput in;
  in.input_ids = torch::zeros({2, 5}, at::kLong);
  auto message = [&]() -> std::string {
    try {
      lm->forward(in);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message().find("position_ids are required"), std::string::npos);
  in.position_ids = torch::arange(5).unsqueeze(0);  // [1, T] broadcasts over the batch
  in.attention_mask = torch::ones({2, 4}, at::kLong);
  EXPECT_NE(message().find("attention_mask (cached + new tokens) has shape [2, 4], expected [2, 5]"), std::string::npos)
      << message();
  in.attention_mask = at::Tensor();
  in.inputs_embeds = torch::zeros({2, 5, 64});
  EXPECT_NE(message().find("exactly one of input_ids and inputs_embeds"), std::string::npos);
  in.input_ids = at::Tensor();
  in.document_ids = torch::zeros({2, 4}, at::kLong);
  EXPECT_NE(message().find("document_ids has shape [2, 4], expected [2, 5]"), std::string::npos) << message();

  in.document_ids = at::Tensor();
  auto cache = lm->new_cache(2, 6);
  in.cache = cache.get();
  lm->forward(in);
  EXPECT_EQ(cache->length(), 5);
  EXPECT_NE(message().find("the KV cache is full: 5 cached + 5 new tokens > capacity 6"), std::string::npos) << message();
}

TEST(LanguageModelTrainable, GradientsRequiresGradAndDtype) {
  auto lm = make(toml_for("qwen2", tiny("qwen2-tiny")));
  LanguageModelInput in;
  in.input_ids = torch::randint(1000, {2, 7}, at::kLong);
  in.position_ids = torch::arange(7).unsqueeze(0);

  lm->set_training(true);
  lm->forward(in).logits.logsumexp(-1).sum().backward();
  for (const auto& [name, p] : lm->named_parameters()) {
    ASSERT_TRUE(p.grad().defined()) << name;
    EXPECT_GT(p.grad().abs().sum().item<double>(), 0.0) << name;
  }
  lm->set_requires_grad(false);
  for (const auto& [name, p] : lm->named_parameters()) EXPECT_FALSE(p.requires_grad()) << name;
  lm->set_training(false);

  // bfloat16 weights: float32 logits, close to the float32 model's.
  auto bf16 = make(toml_for("qwen2", tiny("qwen2-tiny"), "dtype = \"bfloat16\"\n"));
  for (const auto& [name, p] : bf16->named_parameters()) EXPECT_EQ(p.scalar_type(), at::kBFloat16) << name;
  torch::NoGradGuard no_grad;
  const at::Tensor reference = lm->forward(in).logits;
  const at::Tensor low = bf16->forward(in).logits;
  EXPECT_EQ(low.scalar_type(), at::kFloat);
  EXPECT_LT((low - reference).abs().max().item<double>(), 0.05 * reference.abs().max().item<double>());

  // to(): the float32 model converted in place computes what the bfloat16 checkpoint load does.
  lm->to(at::kCPU, at::kBFloat16);
  EXPECT_TRUE(lm->forward(in).logits.equal(low));
}

// Prefill + one token at a time through the cache == one forward over the whole sequence, for
// a left-padded batch and for packed documents.
TEST(LanguageModelCache, IncrementalForwardEqualsFullForward) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(0);
  for (const std::string name : {"qwen2", "llama"}) {
    auto lm = make(toml_for(name, tiny(name + "-tiny")));
    const int64_t t = 11, prefill = 6;
    const at::Tensor ids = torch::randint(1, 1000, {2, t}, at::kLong);
    at::Tensor mask = torch::ones({2, t}, at::kLong);
    mask.narrow(1, 0, 3).select(0, 1).fill_(0);  // row 1: three left pads
    const at::Tensor positions = (mask.cumsum(1) - 1).masked_fill(mask.eq(0), 1);
    const at::Tensor documents = torch::tensor({0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2}).unsqueeze(0).expand({2, t});

    for (const bool packed : {false, true}) {
      LanguageModelInput full;
      full.input_ids = ids;
      full.position_ids = positions;
      full.attention_mask = mask;
      if (packed) full.document_ids = documents;
      full.output_hidden_states = true;
      const LanguageModelOutput reference = lm->forward(full);

      auto cache = lm->new_cache(2, t);
      std::vector<at::Tensor> logits;
      for (int64_t start = 0; start < t;) {
        const int64_t n = start == 0 ? prefill : 1;
        LanguageModelInput step;
        step.input_ids = ids.narrow(1, start, n);
        step.position_ids = positions.narrow(1, start, n);
        step.attention_mask = mask.narrow(1, 0, start + n);
        if (packed) step.document_ids = documents.narrow(1, start, n);
        step.cache = cache.get();
        logits.push_back(lm->forward(step).logits);
        start += n;
      }
      EXPECT_EQ(cache->length(), t);
      const at::Tensor incremental = at::cat(logits, 1);
      const at::Tensor real = mask.eq(1).unsqueeze(-1);
      const double diff = (incremental - reference.logits).abs().masked_fill(real.logical_not(), 0).max().item<double>();
      // Relative to the logits' scale: the two paths sum in different orders in float32.
      const double scale = reference.logits.abs().max().item<double>();
      EXPECT_LT(diff, 1e-5 * scale) << name << (packed ? " packed" : " padded");
    }
  }
}

TEST(LanguageModelCache, LogitsToKeepAndNoMaskSingleSteps) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(7);
  auto lm = make(toml_for("llama", tiny("llama-tiny")));
  LanguageModelInput in;
  in.input_ids = torch::randint(1000, {1, 9}, at::kLong);
  in.position_ids = torch::arange(9).unsqueeze(0);
  const at::Tensor all = lm->forward(in).logits;
  in.logits_to_keep = 2;
  const at::Tensor last = lm->forward(in).logits;
  ASSERT_EQ(last.sizes(), (std::vector<int64_t>{1, 2, 1000}));
  // The head's matmul over 2 rows may take another BLAS kernel than over 9: close, not bitwise.
  const at::Tensor expected = all.narrow(1, 7, 2);
  const double scale = expected.abs().max().item<double>();
  EXPECT_LT((last - expected).abs().max().item<double>(), 1e-5 * scale);
}

}  // namespace
}  // namespace vlforge::test
