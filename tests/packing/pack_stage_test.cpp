// stage/pack through the real executable: synthetic caption samples tokenized with Qwen's
// tokenizer in the paper's layout and packed with FFD into 4096-token sequences. Every sample
// lands in exactly one sequence, with the ids the tokenizer gives, and the report's counts add up.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "process.hpp"
#include "test_paths.hpp"
#include "vlforge/interfaces/dataset.hpp"
#include "vlforge/interfaces/tokenizer.hpp"
#include "vlforge/packed_shard.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;

// The same world as an inline table for the recipe and as a table body for the test's own reading.
constexpr const char* kWorld = "{ use = \"dataset/synthetic\", samples = 600, shards = 3, noise_fraction = 0.0, duplicate_fraction = 0.0 }";
constexpr const char* kWorldTable = "use = \"dataset/synthetic\"\nsamples = 600\nshards = 3\nnoise_fraction = 0.0\nduplicate_fraction = 0.0";

TEST(PackStage, EverySampleOnceWithTheTokenizersIdsWithinTheContext) {
  const fs::path dir = fresh_dir("pack_stage");
  const fs::path tokenizer_json = hf_fixtures_dir() / "tokenizer-qwen" / "tokenizer.json";
  const std::string tokenizer = "{ use = \"tokenizer/hf-bpe\", file = \"" + tokenizer_json.string() + "\" }";
  const fs::path recipe = dir / "pack.toml";
  write_text(recipe, "[run]\ndir = \"" + (dir / "run").string() +
                         "\"\n[[stage]]\nname = \"pack\"\nuse = \"stage/pack\"\ndata = " + kWorld +
                         "\ntokenizer = " + tokenizer + "\npacker = { use = \"packer/ffd\" }\n");
  const auto r = run_command({kVlforge, "run", recipe.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // What each sample must have become: placeholder, then "\n" + caption + "<|im_end|>" as one text.
  ComponentMaker maker;
  auto tok = maker.make<Tokenizer>("use = \"tokenizer/hf-bpe\"\nfile = \"" + tokenizer_json.string() + "\"");
  auto data = maker.make<Dataset>(kWorldTable);
  const int64_t placeholder = tok->vocab_size();
  std::map<std::string, std::vector<int32_t>> expected;
  for (const auto& shard : data->shards()) {
    auto reader = data->open(shard);
    for (Sample s; reader->next(s); s = Sample{}) {
      std::vector<int32_t> ids{static_cast<int32_t>(placeholder)};
      for (int64_t id : tok->encode("\n" + s.text + "<|im_end|>")) ids.push_back(static_cast<int32_t>(id));
      expected[s.uid] = ids;
    }
  }

  std::multiset<std::string> seen;
  int64_t sequences = 0, tokens = 0;
  for (int w = 0; w < 3; ++w) {
    PackedShardReader packed(dir / "run" / "pack" / "packed" / ("0000000" + std::to_string(w) + ".vlpack"));
    EXPECT_EQ(packed.meta().context, 4096);
    EXPECT_EQ(packed.meta().image_tokens, 144);
    EXPECT_EQ(packed.meta().image_token_id, placeholder);
    for (int64_t i = 0; i < packed.size(); ++i, ++sequences) {
      const PackedSequence seq = packed.get(i);
      int64_t length = 0;
      size_t at = 0;
      ASSERT_EQ(seq.images.size(), seq.documents.size());
      for (const PackedDocument& doc : seq.documents) {
        seen.insert(doc.uid);
        length += doc.tokens;
        const auto& want = expected.at(doc.uid);
        ASSERT_LE(at + want.size(), seq.input_ids.size());
        EXPECT_EQ(std::vector<int32_t>(seq.input_ids.begin() + static_cast<std::ptrdiff_t>(at),
                                       seq.input_ids.begin() + static_cast<std::ptrdiff_t>(at + want.size())),
                  want)
            << doc.uid;
        EXPECT_EQ(doc.tokens, static_cast<int64_t>(want.size()) - 1 + 144);
        EXPECT_EQ(doc.loss_from, 144 + 1);  // the image and the newline carry no loss
        at += want.size();
      }
      EXPECT_EQ(at, seq.input_ids.size());
      EXPECT_LE(length, 4096);
      tokens += length;
    }
  }
  EXPECT_EQ(seen.size(), expected.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), expected.size()) << "a sample packed twice";

  const auto report = nlohmann::json::parse(read_text(dir / "run" / "pack" / "pack_report.json"));
  EXPECT_EQ(report["counts"]["documents"].get<int64_t>(), 600);
  EXPECT_EQ(report["counts"]["sequences"].get<int64_t>(), sequences);
  EXPECT_EQ(report["counts"]["tokens"].get<int64_t>(), tokens);
  EXPECT_GE(sequences, report["counts"]["lower_bound"].get<int64_t>());
  EXPECT_NEAR(report["fill_ratio"].get<double>(), static_cast<double>(tokens) / (4096.0 * static_cast<double>(sequences)),
              1e-12);
}

// Samples longer than the context: cut to fit with the end text kept, or dropped, and counted.
TEST(PackStage, OverLengthSamplesAreTruncatedOrDroppedAndCounted) {
  const fs::path dir = fresh_dir("pack_stage_over_length");
  const fs::path tokenizer_json = hf_fixtures_dir() / "tokenizer-qwen" / "tokenizer.json";
  for (const std::string mode : {"truncate", "drop"}) {
    const fs::path recipe = dir / (mode + ".toml");
    write_text(recipe, "[run]\ndir = \"" + (dir / mode).string() + "\"\n[[stage]]\nname = \"pack\"\nuse = \"stage/pack\"\n" +
                           "data = " + kWorld + "\ntokenizer = { use = \"tokenizer/hf-bpe\", file = \"" +
                           tokenizer_json.string() + "\" }\npacker = { use = \"packer/ffd\", context = 150 }\n" +
                           "over_length = \"" + mode + "\"\n");
    const auto r = run_command({kVlforge, "run", recipe.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto report = nlohmann::json::parse(read_text(dir / mode / "pack" / "pack_report.json"));
    if (mode == "truncate") {
      EXPECT_EQ(report["counts"]["truncated"].get<int64_t>(), 600);
      EXPECT_EQ(report["counts"]["documents"].get<int64_t>(), 600);
      PackedShardReader packed(dir / mode / "pack" / "packed" / "00000000.vlpack");
      const PackedSequence seq = packed.get(0);
      ASSERT_EQ(seq.documents.size(), 1u);
      EXPECT_EQ(seq.documents[0].tokens, 150);
      EXPECT_EQ(seq.input_ids.back(), 151645);  // <|im_end|> survives the cut
    } else {
      EXPECT_EQ(report["counts"]["dropped"].get<int64_t>(), 600);
      EXPECT_EQ(report["counts"]["documents"].get<int64_t>(), 0);
    }
  }
}

}  // namespace
}  // namespace vlforge::test
