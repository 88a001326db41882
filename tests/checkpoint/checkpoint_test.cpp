// Safetensors reading and writing: round trips in every dtype, sharded folders with an index,
// the reference fixtures, and a clear error for every kind of bad file.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "test_paths.hpp"
#include "vlforge/error.hpp"
#include "vlforge/safetensors.hpp"
#include "error_text.hpp"

using vlforge::test::error_of;

namespace fs = std::filesystem;
using namespace vlforge;
using vlforge::test::fresh_dir;

namespace {

// A file with the given raw header text and `data_bytes` zero bytes of data.
fs::path raw_file(const fs::path& dir, const std::string& name, const std::string& header, size_t data_bytes) {
  const fs::path p = dir / name;
  std::ofstream out(p, std::ios::binary);
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>(n >> (8 * i)));
  out << header << std::string(data_bytes, '\0');
  return p;
}

}  // namespace

TEST(Safetensors, RoundTripsEveryDtypeAndMetadata) {
  const fs::path dir = fresh_dir("safetensors-roundtrip");
  torch::manual_seed(0);
  const std::vector<NamedTensor> tensors = {
      {"a.f32", torch::randn({3, 5})},
      {"b.bf16", torch::randn({7}).to(torch::kBFloat16)},
      {"c.f16", torch::randn({2, 2, 2}).to(torch::kHalf)},
      {"d.i64", torch::arange(10)},
      {"e.u8", torch::randint(0, 255, {4}, torch::kByte)},
      {"f.scalar", torch::tensor(3.5)},
      {"g.empty", torch::zeros({0, 4})},
      {"h.strided", torch::randn({4, 6}).t()},  // non-contiguous input
  };
  save_safetensors(dir / "t.safetensors", tensors, {{"format", "pt"}});
  const auto f = SafetensorsFile::open(dir / "t.safetensors");
  EXPECT_EQ(f->metadata().at("format"), "pt");
  ASSERT_EQ(f->entries().size(), tensors.size());
  for (const auto& [name, t] : tensors) {
    const at::Tensor back = f->tensor(name);
    EXPECT_EQ(back.scalar_type(), t.scalar_type()) << name;
    EXPECT_EQ(back.sizes(), t.sizes()) << name;
    EXPECT_TRUE(torch::equal(back, t)) << name;
  }
  EXPECT_FALSE(fs::exists(dir / "t.safetensors.tmp"));
}

TEST(Safetensors, ReadsTheReferenceFixture) {
  const auto f = SafetensorsFile::open(vlforge::test::hf_fixtures_dir() / "qwen2-tiny" / "model" / "model.safetensors");
  const auto* e = f->find("model.embed_tokens.weight");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->dtype, at::kFloat);
  EXPECT_EQ(e->shape, (std::vector<int64_t>{1000, 64}));
  EXPECT_EQ(f->find("lm_head.weight"), nullptr);  // tied
  const at::Tensor w = f->tensor("model.layers.0.self_attn.q_proj.bias");
  EXPECT_EQ(w.sizes(), (at::IntArrayRef{64}));
  EXPECT_TRUE(torch::isfinite(w).all().item<bool>());
}

TEST(Checkpoint, ShardsWithAnIndexAndReadsThemBack) {
  const fs::path dir = fresh_dir("checkpoint-sharded");
  torch::manual_seed(1);
  std::vector<NamedTensor> tensors;
  for (int i = 0; i < 6; ++i) tensors.push_back({"layer." + std::to_string(i) + ".weight", torch::randn({16, 16})});
  // 1 KiB per tensor, 2.5 KiB per shard: three shards of two.
  const auto files = save_checkpoint(dir, tensors, 2560);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].filename(), "model-00001-of-00003.safetensors");
  EXPECT_EQ(files[3].filename(), "model.safetensors.index.json");
  const auto c = Checkpoint::open(dir);
  EXPECT_EQ(c.names().size(), 6u);
  for (const auto& [name, t] : tensors) EXPECT_TRUE(torch::equal(c.get(name), t)) << name;
  // Under the limit: one model.safetensors.
  const fs::path single = fresh_dir("checkpoint-single");
  EXPECT_EQ(save_checkpoint(single, tensors), std::vector<fs::path>{single / "model.safetensors"});
  EXPECT_TRUE(torch::equal(Checkpoint::open(single).get("layer.5.weight"), tensors[5].second));
}

TEST(Checkpoint, ConvertsDtypesAndChecksShapes) {
  const fs::path dir = fresh_dir("checkpoint-dtypes");
  const at::Tensor w = torch::randn({4, 3});
  save_checkpoint(dir, {{"w", w.to(torch::kBFloat16)}});
  const auto c = Checkpoint::open(dir);
  const at::Tensor back = c.get("w", at::kFloat);
  EXPECT_EQ(back.scalar_type(), at::kFloat);
  EXPECT_TRUE(torch::allclose(back, w, 1e-2, 1e-2));  // bf16 keeps ~3 significant digits
  EXPECT_EQ(error_of([&] { c.get("w", at::kFloat, std::vector<int64_t>{3, 4}); }),
            (dir / "model.safetensors").string() + ": tensor 'w' has shape [4, 3], expected [3, 4]");
  EXPECT_EQ(error_of([&] { c.get("ww"); }), (dir / "model.safetensors").string() + ": missing tensor 'ww' (did you mean 'w'?)");
}

TEST(Checkpoint, LoadIntoReportsMissingUnusedAndMisshapenTensors) {
  const fs::path dir = fresh_dir("checkpoint-load-into");
  save_checkpoint(dir, {{"a", torch::ones({2})}, {"b", torch::ones({3})}, {"extra", torch::ones({1})}});
  const auto c = Checkpoint::open(dir);
  at::Tensor a = torch::zeros({2}), b = torch::zeros({3}), tied = torch::zeros({1});
  c.load_into({{"a", a}, {"b", b}, {"lm_head.weight", tied}}, {"lm_head.weight"}, {"extra"});
  EXPECT_TRUE(torch::equal(a, torch::ones({2})));
  EXPECT_TRUE(torch::equal(b, torch::ones({3})));
  EXPECT_EQ(error_of([&] { c.load_into({{"a", a}, {"b", b}}); }),
            (dir / "model.safetensors").string() + ": 1 tensor(s) match no parameter of the model: extra (a checkpoint of another architecture or size?)");
  at::Tensor wrong = torch::zeros({5});
  EXPECT_EQ(error_of([&] { c.load_into({{"a", wrong}}); }),
            (dir / "model.safetensors").string() + ": tensor 'a' has shape [2], the model expects [5]");
  EXPECT_EQ(error_of([&] { c.load_into({{"a", a}, {"c", b}}, {}, {"b", "extra"}); }),
            (dir / "model.safetensors").string() + ": 1 tensor(s) missing: c (did you mean 'a'?)");
}

TEST(Safetensors, RejectsBadFilesWithTheirReason) {
  const fs::path dir = fresh_dir("safetensors-bad");
  const std::string f32 = R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  auto open_error = [](const fs::path& p) { return error_of([&] { SafetensorsFile::open(p); }); };

  EXPECT_EQ(open_error(dir / "absent.safetensors"),
            (dir / "absent.safetensors").string() + ": cannot open: No such file or directory");
  {
    std::ofstream(dir / "tiny.safetensors") << "abc";
    EXPECT_EQ(open_error(dir / "tiny.safetensors"),
              (dir / "tiny.safetensors").string() +
                  ": truncated: 3 bytes (a safetensors file starts with an 8-byte header length)");
  }
  // Truncated in the data section: the header promises 8 bytes, the file holds 4.
  const auto cut = raw_file(dir, "cut.safetensors", f32, 4);
  EXPECT_EQ(open_error(cut), cut.string() + ": tensor 'x': data offsets [0, 8) lie beyond the data section (4 bytes)");
  // Truncated in the header.
  const auto short_header = raw_file(dir, "short_header.safetensors", f32, 0);
  std::filesystem::resize_file(short_header, 20);
  EXPECT_NE(open_error(short_header).find("runs past the end of the file"), std::string::npos);
  const auto far = raw_file(dir, "far.safetensors", R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[1000000,1000008]}})", 8);
  EXPECT_EQ(open_error(far), far.string() + ": tensor 'x': data offsets [1000000, 1000008) lie beyond the data section (8 bytes)");
  const auto dtype = raw_file(dir, "dtype.safetensors", R"({"x":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}})", 2);
  EXPECT_EQ(open_error(dtype), dtype.string() + ": tensor 'x': unsupported dtype 'F8_E4M3' (supported: F64, F32, F16, "
                                                "BF16, I64, I32, I16, I8, U8, BOOL)");
  const auto size = raw_file(dir, "size.safetensors", R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8);
  EXPECT_EQ(open_error(size), size.string() + ": tensor 'x': holds 8 bytes, but its dtype and shape need 12");
  const auto overlap = raw_file(dir, "overlap.safetensors",
                                R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8);
  EXPECT_EQ(open_error(overlap), overlap.string() + ": tensors 'x' and 'y' overlap");
  const auto json = raw_file(dir, "json.safetensors", R"({"x": )", 0);
  EXPECT_NE(open_error(json).find(json.string() + ": malformed header: "), std::string::npos);
  const auto fields = raw_file(dir, "fields.safetensors", R"({"x":{"dtype":"F32"}})", 0);
  EXPECT_EQ(open_error(fields), fields.string() + ": tensor 'x': needs dtype, shape and data_offsets");
}

TEST(Checkpoint, FolderErrorsNameTheFolder) {
  const fs::path dir = fresh_dir("checkpoint-folder-errors");
  EXPECT_EQ(error_of([&] { Checkpoint::open(dir); }),
            dir.string() + ": holds neither model.safetensors nor model.safetensors.index.json");
  EXPECT_EQ(error_of([&] { Checkpoint::open(dir / "nope"); }), (dir / "nope").string() + ": no such checkpoint file or folder");
  std::ofstream(dir / "model.safetensors.index.json") << R"({"weight_map": {"w": "../evil.safetensors"}})";
  EXPECT_EQ(error_of([&] { Checkpoint::open(dir); }),
            (dir / "model.safetensors.index.json").string() +
                ": shard '../evil.safetensors' is not a file name in the checkpoint folder");
  save_safetensors(dir / "s1.safetensors", {{"w", torch::ones({1})}});
  std::ofstream(dir / "model.safetensors.index.json") << R"({"weight_map": {"w": "s1.safetensors", "v": "s1.safetensors"}})";
  EXPECT_EQ(error_of([&] { Checkpoint::open(dir); }),
            (dir / "model.safetensors.index.json").string() + ": lists tensor 'v' in s1.safetensors, which does not hold it");
}
