// Building a conversation index: every good sample lands, pre-tokenised exactly as
// tokenize_conversation says, with its images resolved; every bad one is left out with its reason
// in skipped.tsv and the counts; a .json list and .jsonl give the same index; a missing or
// malformed input file is an error naming it.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "file_bytes.hpp"
#include "sft_test_data.hpp"
#include "test_paths.hpp"
#include "tsv.hpp"
#include "vlforge/conversation_data.hpp"
#include "vlforge/error.hpp"

namespace vlforge {
namespace {

namespace fs = std::filesystem;
using test::llava_sample;
using test::qwen_tokenizer;
using test::stb_codec;

constexpr int64_t kImageTokens = 16;

// An image folder holding good images, a 1x1 one and one that is not an image.
fs::path image_folder(const fs::path& dir) {
  const fs::path images = dir / "images";
  fs::create_directories(images / "sub");
  fs::copy_file(test::test_image_path("rgb.jpg"), images / "sub" / "a.jpg");
  fs::copy_file(test::test_image_path("rgb.png"), images / "b.png");
  fs::copy_file(test::test_image_path("tiny.png"), images / "tiny.png");
  fs::copy_file(test::test_image_path("garbage.png"), images / "garbage.png");
  return images;
}

ConversationIndexOptions options(const fs::path& input, const fs::path& images, const fs::path& out) {
  ConversationIndexOptions o;
  o.conversations = input;
  o.image_folder = images;
  o.out_dir = out;
  o.tokenizer = "tokenizer/hf-bpe";
  o.image_tokens = kImageTokens;
  o.image_token_id = qwen_tokenizer()->vocab_size();
  o.max_length = 80;
  return o;
}

std::string rambling() {
  std::string text;
  for (int w = 0; w < 100; ++w) text += " word";
  return text;
}

// Good samples (ids g*) between one bad sample of each kind (ids b-REASON).
std::vector<std::string> mixed_samples() {
  return {
      llava_sample("g-image", {"sub/a.jpg"}, {{"human", "<image>\nWhat is it?"}, {"gpt", "A test card."}}),
      "{\"id\": \"b-json\", \"conversations\": [",
      llava_sample("g-text", {}, {{"system", "Be brief."}, {"human", "2+2?"}, {"gpt", "4"}}),
      llava_sample("b-missing", {"nowhere.jpg"}, {{"human", "<image>\nHm?"}, {"gpt", "No."}}),
      llava_sample("b-count", {"sub/a.jpg", "b.png"}, {{"human", "<image>\nBoth?"}, {"gpt", "One."}}),
      llava_sample("b-long", {}, {{"human", rambling()}, {"gpt", "ok"}}),
      R"({"id": "b-empty", "conversations": []})",
      llava_sample("b-noanswer", {}, {{"human", "anyone?"}}),
      llava_sample("b-role", {}, {{"robot", "beep"}, {"gpt", "boop"}}),
      llava_sample("b-small", {"tiny.png"}, {{"human", "<image>"}, {"gpt", "dot"}}),
      llava_sample("b-corrupt", {"garbage.png"}, {{"human", "<image>"}, {"gpt", "noise"}}),
      "{\"id\": \"b-utf8\", \"conversations\": [{\"from\": \"human\", \"value\": \"\xc3\x28\"}]}",
      "42",
      llava_sample("g-two", {"b.png", "sub/a.jpg"}, {{"human", "<image> or <image>?"}, {"gpt", "The first."}}),
  };
}

const std::map<std::string, std::string> kReasons = {
    {"b-json", "invalid json"},          {"b-missing", "missing image"}, {"b-count", "image count mismatch"},
    {"b-long", "over length"},           {"b-empty", "empty conversation"}, {"b-noanswer", "no assistant turn"},
    {"b-role", "unknown role"},          {"b-small", "image too small"}, {"b-corrupt", "corrupt image"},
    {"b-utf8", "invalid utf-8"},
};

TEST(ConversationIndex, KeepsGoodSamplesAsTokenizedAndListsEveryBadOneWithItsReason) {
  const fs::path dir = test::fresh_dir("sft_index_mixed");
  const fs::path images = image_folder(dir);
  test::write_lines(dir / "train.jsonl", mixed_samples());
  const ConversationIndexOptions o = options(dir / "train.jsonl", images, dir / "index");
  const ConversationIndexCounts counts = build_conversation_index(o, *qwen_tokenizer(), *stb_codec());

  EXPECT_EQ(counts.samples, 14);
  EXPECT_EQ(counts.kept, 3);
  EXPECT_EQ(counts.text_only, 1);
  EXPECT_EQ(counts.images, 3);
  std::map<std::string, int64_t> expected_counts;
  for (const auto& [id, reason] : kReasons) ++expected_counts[reason];
  ++expected_counts["not an object"];  // the bare 42
  EXPECT_EQ(counts.skipped, expected_counts);

  // skipped.tsv: sample number (its place in the input), id, reason, detail.
  const auto rows = test::read_tsv(dir / "index" / "skipped.tsv", true);
  ASSERT_EQ(rows.size(), 11U);
  const std::vector<std::string> lines = mixed_samples();
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 4U);
    const size_t number = std::stoul(row[0]);
    ASSERT_LT(number, lines.size());
    if (row[2] == "not an object") {
      EXPECT_EQ(lines[number], "42");
      continue;
    }
    if (row[2] == "invalid json") {
      EXPECT_EQ(number, 1U);  // the JSON is broken, so the id cannot be read
      EXPECT_NE(row[3].find("line 2"), std::string::npos) << row[3];
      continue;
    }
    if (row[2] == "invalid utf-8") {
      EXPECT_EQ(number, 11U);
      continue;
    }
    ASSERT_TRUE(kReasons.count(row[1])) << row[1];
    EXPECT_EQ(row[2], kReasons.at(row[1]));
    EXPECT_NE(lines[number].find("\"" + row[1] + "\""), std::string::npos) << "sample number " << number;
  }

  // The index holds the good samples in input order, as tokenize_conversation makes them.
  const ConversationIndex index(dir / "index");
  ASSERT_EQ(index.size(), 3);
  EXPECT_EQ(index.meta().image_tokens, kImageTokens);
  EXPECT_EQ(index.meta().image_token_id, o.image_token_id);
  EXPECT_EQ(index.meta().max_length, 80);
  EXPECT_EQ(index.meta().tokenizer, "tokenizer/hf-bpe");
  const std::vector<size_t> good = {0, 2, 13};
  const std::vector<std::vector<fs::path>> good_images = {
      {images / "sub" / "a.jpg"}, {}, {images / "b.png", images / "sub" / "a.jpg"}};
  for (int64_t i = 0; i < 3; ++i) {
    Conversation c;
    ASSERT_FALSE(parse_conversation(lines[good[static_cast<size_t>(i)]], c));
    const ConversationTokens t = tokenize_conversation(*qwen_tokenizer(), c, o.image_token_id, kImageTokens);
    const IndexedConversation s = index.read(i);
    EXPECT_EQ(s.id, c.id);
    EXPECT_EQ(s.ids, t.ids);
    EXPECT_EQ(s.loss_mask, t.loss_mask);
    ASSERT_EQ(s.images.size(), good_images[static_cast<size_t>(i)].size());
    for (size_t k = 0; k < s.images.size(); ++k) EXPECT_TRUE(fs::equivalent(s.images[k], good_images[static_cast<size_t>(i)][k]));
    EXPECT_TRUE(s.images.empty() || s.images[0].is_absolute());
    EXPECT_EQ(index.length(i), t.length);
    EXPECT_EQ(index.has_image(i), t.images > 0);
    EXPECT_TRUE(fs::is_regular_file(index.sample_path(i)));
  }
  EXPECT_EQ(index.sample_path(2), dir / "index" / "samples" / "000000" / "000000002.bin");

  const auto meta = nlohmann::json::parse(test::read_text(dir / "index" / "meta.json"));
  EXPECT_EQ(meta["count"].get<int64_t>(), 3);
  EXPECT_EQ(meta["skipped"]["over length"].get<int64_t>(), 1);
}

TEST(ConversationIndex, AJsonListGivesTheSameIndexAsJsonLines) {
  const fs::path dir = test::fresh_dir("sft_index_list");
  const fs::path images = image_folder(dir);
  std::vector<std::string> samples = mixed_samples();
  samples.erase(samples.begin() + 1);  // an unclosed element swallows the rest of a list
  test::write_lines(dir / "train.jsonl", samples);
  std::string list = "[\n";
  for (size_t i = 0; i < samples.size(); ++i) list += "  " + samples[i] + (i + 1 < samples.size() ? ",\n" : "\n");
  test::write_text(dir / "train.json", list + "]\n");

  const auto a = build_conversation_index(options(dir / "train.jsonl", images, dir / "a"), *qwen_tokenizer(), *stb_codec());
  const auto b = build_conversation_index(options(dir / "train.json", images, dir / "b"), *qwen_tokenizer(), *stb_codec());
  EXPECT_EQ(a.samples, 13);
  EXPECT_EQ(b.samples, 13);
  EXPECT_EQ(a.kept, 3);
  EXPECT_EQ(a.skipped, b.skipped);
  const ConversationIndex ia(dir / "a"), ib(dir / "b");
  ASSERT_EQ(ia.size(), ib.size());
  for (int64_t i = 0; i < ia.size(); ++i) {
    EXPECT_EQ(ia.read(i).ids, ib.read(i).ids);
    EXPECT_EQ(ia.read(i).images, ib.read(i).images);
  }
  EXPECT_EQ(test::read_text(dir / "a" / "skipped.tsv"), test::read_text(dir / "b" / "skipped.tsv"));
}

TEST(ConversationIndex, AMissingOrMalformedInputIsAnErrorNamingIt) {
  const fs::path dir = test::fresh_dir("sft_index_fatal");
  const auto build = [&](const fs::path& input) {
    return build_conversation_index(options(input, dir, dir / "out"), *qwen_tokenizer(), *stb_codec());
  };
  const auto expect_error = [&](const fs::path& input, const std::string& words) {
    try {
      build(input);
      ADD_FAILURE() << input << ": no error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(input.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  expect_error(dir / "absent.json", "no such file");
  test::write_text(dir / "object.json", R"({"id": "a", "conversations": []})");
  expect_error(dir / "object.json", "not a JSON list");
  test::write_text(dir / "cut.json", "[" + llava_sample("a", {}, {{"human", "q"}, {"gpt", "a"}}) + ", {\"id\": ");
  expect_error(dir / "cut.json", "cut off");
  test::write_text(dir / "trailing.json", "[] []");
  expect_error(dir / "trailing.json", "after the list");
  EXPECT_FALSE(fs::exists(dir / "out" / "meta.json"));

  test::write_text(dir / "empty.json", "[]");
  EXPECT_EQ(build(dir / "empty.json").kept, 0);
  EXPECT_EQ(ConversationIndex(dir / "out").size(), 0);
  EXPECT_THROW(ConversationIndex(dir / "nothing"), Error);
}

// Qwen-VL's own placeholder token as image_token_id: text spelling it out would pose as an image.
TEST(ConversationIndex, TextEncodingToThePlaceholderIdIsSkipped) {
  const fs::path dir = test::fresh_dir("sft_index_placeholder_text");
  const std::optional<int64_t> pad = qwen_tokenizer()->token_to_id("<|image_pad|>");
  ASSERT_TRUE(pad);
  test::write_lines(dir / "train.jsonl", {llava_sample("plain", {}, {{"human", "q"}, {"gpt", "a"}}),
                                          llava_sample("posing", {}, {{"human", "see <|image_pad|>"}, {"gpt", "a"}})});
  ConversationIndexOptions o = options(dir / "train.jsonl", dir, dir / "index");
  o.image_token_id = *pad;
  const ConversationIndexCounts counts = build_conversation_index(o, *qwen_tokenizer(), *stb_codec());
  EXPECT_EQ(counts.kept, 1);
  EXPECT_EQ(counts.skipped, (std::map<std::string, int64_t>{{"image count mismatch", 1}}));
  const auto rows = test::read_tsv(dir / "index" / "skipped.tsv", true);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0][1], "posing");
}

TEST(ConversationIndex, ADamagedSampleFileIsAnErrorNamingIt) {
  const fs::path dir = test::fresh_dir("sft_index_damaged");
  test::write_lines(dir / "train.jsonl", {llava_sample("a", {}, {{"human", "q"}, {"gpt", "an answer"}})});
  build_conversation_index(options(dir / "train.jsonl", dir, dir / "index"), *qwen_tokenizer(), *stb_codec());
  const ConversationIndex index(dir / "index");
  std::vector<uint8_t> bytes = test::read_bytes(index.sample_path(0));
  bytes[bytes.size() / 2] ^= 0x40;
  test::write_bytes(index.sample_path(0), bytes);
  try {
    index.read(0);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("000000000.bin"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vlforge
