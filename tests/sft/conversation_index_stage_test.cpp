// stage/conversation-index through the real executable, on a .jsonl with one bad sample of each
// kind between good ones: the run succeeds, report.json and skipped.tsv name every bad sample's
// reason, and the loader reading the stage's folder yields every good sample as tokenised.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "file_bytes.hpp"
#include "process.hpp"
#include "sft_test_data.hpp"
#include "test_paths.hpp"
#include "tsv.hpp"
#include "vlforge/conversation_data.hpp"
#include "vlforge/multimodal_model.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;

std::string recipe(const fs::path& run, const fs::path& input, const fs::path& images) {
  return "[run]\ndir = \"" + run.string() + "\"\n[[stage]]\nname = \"sft-data\"\nuse = \"stage/conversation-index\"\n" +
         "conversations = \"" + input.string() + "\"\nimage_folder = \"" + images.string() + "\"\n" +
         "tokenizer = { use = \"tokenizer/hf-bpe\", file = \"" +
         (hf_fixtures_dir() / "tokenizer-qwen" / "tokenizer.json").string() + "\" }\n" +
         "image_tokens = 16\nmax_length = 90\n";
}

TEST(ConversationIndexStage, SkipsEachBadSampleWithItsReasonAndKeepsEveryGoodOne) {
  const fs::path dir = fresh_dir("sft_index_stage");
  fs::create_directories(dir / "images");
  fs::copy_file(test_image_path("rgb.jpg"), dir / "images" / "a.jpg");
  fs::copy_file(test_image_path("rgb.png"), dir / "images" / "b.png");

  std::vector<std::string> good;
  for (int i = 0; i < 12; ++i) {
    const std::string n = std::to_string(i);
    if (i % 3 == 0)
      good.push_back(llava_sample("good-" + n, {}, {{"human", "Text question " + n}, {"gpt", "Answer " + n}}));
    else if (i % 3 == 1)
      good.push_back(llava_sample("good-" + n, {"a.jpg"}, {{"human", "<image>\nWhat is " + n + "?"}, {"gpt", "Bars " + n}}));
    else
      good.push_back(llava_sample("good-" + n, {"b.png", "a.jpg"},
                                  {{"human", "<image><image> " + n}, {"gpt", "Two."}, {"human", "Sure?"}, {"gpt", "Yes " + n}}));
  }
  std::string rambling;
  for (int w = 0; w < 100; ++w) rambling += " word";
  const std::map<std::string, std::string> bad = {
      {"missing image", llava_sample("bad-missing", {"gone.jpg"}, {{"human", "<image>"}, {"gpt", "?"}})},
      {"image count mismatch", llava_sample("bad-count", {"a.jpg"}, {{"human", "<image><image>"}, {"gpt", "?"}})},
      {"over length", llava_sample("bad-long", {}, {{"human", rambling}, {"gpt", "ok"}})},
      {"empty conversation", R"({"id": "bad-empty", "conversations": []})"},
      {"no assistant turn", llava_sample("bad-noanswer", {}, {{"human", "hello?"}, {"system", "quiet"}})},
      {"invalid json", R"({"id": "bad-json", "conversations": [{"from": "human", "value": "cut)"},
  };
  std::vector<std::string> lines;
  auto next_bad = bad.begin();
  for (size_t i = 0; i < good.size(); ++i) {
    lines.push_back(good[i]);
    if (i % 2 == 1 && next_bad != bad.end()) lines.push_back((next_bad++)->second);
  }
  lines.push_back("");  // a blank line is no sample
  write_lines(dir / "train.jsonl", lines);

  write_text(dir / "recipe.toml", recipe(dir / "run", dir / "train.jsonl", dir / "images"));
  const auto r = run_command({kVlforge, "run", (dir / "recipe.toml").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path stage = dir / "run" / "sft-data";

  const auto report = nlohmann::json::parse(read_text(stage / "report.json"));
  EXPECT_EQ(report["samples"].get<int64_t>(), 18);
  EXPECT_EQ(report["kept"].get<int64_t>(), 12);
  EXPECT_EQ(report["skipped"].get<int64_t>(), 6);
  EXPECT_EQ(report["text_only"].get<int64_t>(), 4);
  EXPECT_EQ(report["images"].get<int64_t>(), 4 + 2 * 4);
  for (const auto& [reason, line] : bad) EXPECT_EQ(report["skipped_by_reason"].value(reason, 0), 1) << reason;

  const auto rows = read_tsv(stage / "skipped.tsv", true);
  ASSERT_EQ(rows.size(), bad.size());
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 4U);
    ASSERT_TRUE(bad.count(row[2])) << row[2];
    EXPECT_EQ(lines.at(std::stoul(row[0])), bad.at(row[2])) << "sample number of " << row[2];
    if (row[2] != "invalid json") {
      EXPECT_EQ(row[1].rfind("bad-", 0), 0U) << row[1];
    }
  }

  // Every good sample arrives through the loader, exactly as tokenised.
  const auto tok = qwen_tokenizer();
  const int64_t placeholder = tok->vocab_size();
  std::multiset<std::vector<int64_t>> expected, seen;
  for (const std::string& g : good) {
    Conversation c;
    ASSERT_FALSE(parse_conversation(g, c));
    expected.insert(expand_image_placeholders(tokenize_conversation(*tok, c, placeholder, 16).ids, placeholder, 16));
  }
  ConversationLoaderOptions o;
  o.index = stage;
  o.samples_per_batch = 1;
  o.image_token_id = placeholder;  // the stage's default: the vocabulary size
  o.preprocess.image_size = 16;
  ConversationLoader loader(o, stb_codec());
  EXPECT_EQ(loader.meta().image_tokens, 16);
  int64_t images = 0;
  for (TrainBatch b; loader.next(b); b = TrainBatch{}) {
    const at::Tensor ids = b.tensors.at("input_ids")[0].contiguous();
    seen.insert({ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + ids.numel()});
    if (b.tensors.count("pixel_values")) images += b.tensors.at("pixel_values").size(0);
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(images, 12);
}

TEST(ConversationIndexStage, AMissingInputFailsTheRunNamingIt) {
  const fs::path dir = fresh_dir("sft_index_stage_missing");
  write_text(dir / "recipe.toml", recipe(dir / "run", dir / "absent.jsonl", dir));
  const auto r = run_command({kVlforge, "run", (dir / "recipe.toml").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find((dir / "absent.jsonl").string()), std::string::npos) << r.output;
}

}  // namespace
}  // namespace vlforge::test
