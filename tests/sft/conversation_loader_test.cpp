// The SFT loader on indexes built with Qwen's tokenizer and real images: labels on the assistant
// turns only, placeholders expanded where the images were, pixels in reading order; an order
// independent of the number of ranks, resumed on another number of ranks; length grouping.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "file_bytes.hpp"
#include "sft_test_data.hpp"
#include "test_paths.hpp"
#include "vlforge/conversation_data.hpp"
#include "vlforge/error.hpp"
#include "vlforge/image_pixels.hpp"
#include "vlforge/multimodal_model.hpp"

namespace vlforge {
namespace {

namespace fs = std::filesystem;
using test::llava_sample;
using test::qwen_tokenizer;
using test::stb_codec;
using test::Turns;

constexpr int64_t kImageTokens = 4;
constexpr int64_t kPad = 151643;
constexpr int64_t I = kIgnoreIndex;

int64_t image_id() { return qwen_tokenizer()->vocab_size(); }

ImagePreprocess preprocess() {
  ImagePreprocess p;
  p.image_size = 16;
  p.mean = {0.48, 0.45, 0.40};
  p.std = {0.26, 0.26, 0.27};
  return p;
}

fs::path build_index(const fs::path& dir, const std::vector<std::string>& samples) {
  fs::create_directories(dir / "images");
  for (const char* name : {"rgb.jpg", "rgb.png", "grey.jpg", "grey.png", "rgb.ppm"})
    fs::copy_file(test::test_image_path(name), dir / "images" / name);
  test::write_lines(dir / "train.jsonl", samples);
  ConversationIndexOptions o;
  o.conversations = dir / "train.jsonl";
  o.image_folder = dir / "images";
  o.out_dir = dir / "index";
  o.tokenizer = "tokenizer/hf-bpe";
  o.image_tokens = kImageTokens;
  o.image_token_id = image_id();
  o.max_length = 4096;
  const auto counts = build_conversation_index(o, *qwen_tokenizer(), *stb_codec());
  EXPECT_EQ(counts.kept, static_cast<int64_t>(samples.size())) << "a test sample was skipped";
  return dir / "index";
}

ConversationLoaderOptions options(const fs::path& index, int64_t rows) {
  ConversationLoaderOptions o;
  o.index = index;
  o.seed = 77;
  o.samples_per_batch = rows;
  o.pad_token_id = kPad;
  o.preprocess = preprocess();
  o.group_by_length = false;
  o.workers = 3;
  o.prefetch = 2;
  return o;
}

std::vector<TrainBatch> drain(ConversationLoader& loader) {
  std::vector<TrainBatch> out;
  for (TrainBatch b; loader.next(b); b = TrainBatch{}) out.push_back(std::move(b));
  return out;
}

std::vector<int64_t> row(const TrainBatch& b, const char* name, int64_t r) {
  const at::Tensor t = b.tensors.at(name)[r].contiguous();
  return {t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel()};
}

// The row's tokens, padding cut off.
std::vector<int64_t> tokens(const TrainBatch& b, int64_t r) {
  std::vector<int64_t> ids = row(b, "input_ids", r);
  ids.resize(static_cast<size_t>(b.tensors.at("attention_mask")[r].sum().item<int64_t>()));
  return ids;
}

void expect_same_batch(const TrainBatch& a, const TrainBatch& b, const std::string& what) {
  EXPECT_EQ(a.tokens, b.tokens) << what;
  EXPECT_EQ(a.loss_tokens, b.loss_tokens) << what;
  ASSERT_EQ(a.tensors.size(), b.tensors.size()) << what;
  for (const auto& [name, t] : a.tensors) {
    ASSERT_EQ(b.tensors.count(name), 1U) << what << ": " << name;
    EXPECT_TRUE(at::equal(t, b.tensors.at(name))) << what << ": " << name;
  }
}

// ---- one micro-batch, checked token by token ----

struct Case {
  std::string question;  // unique per sample, to find its row
  std::vector<std::string> images;
  Turns turns;
  std::vector<std::string> answers;
};

std::vector<Case> cases() {
  return {
      {"Question zero", {}, {{"human", "Question zero: 2+2?"}, {"gpt", "Four."}}, {"Four."}},
      {"Question one", {"rgb.jpg"}, {{"human", "<image>\nQuestion one: what is shown?"}, {"gpt", "Colour bars."}},
       {"Colour bars."}},
      {"Question two",
       {"grey.png", "rgb.png"},
       {{"system", "Answer shortly."}, {"human", "<image> vs <image>: Question two"}, {"gpt", "The second has colour."}},
       {"The second has colour."}},
      {"Question three",
       {"grey.jpg"},
       {{"human", "Question three, first part."},
        {"gpt", "Go on."},
        {"human", "<image>\nAnd this one?"},
        {"gpt", "A grey gradient, quite dark."}},
       {"Go on.", "A grey gradient, quite dark."}},
      {"Question four", {"rgb.ppm"}, {{"human", "Question four <image>"}, {"gpt", "Small."}}, {"Small."}},
  };
}

TEST(ConversationLoader, LabelsHoldTheAssistantTurnsAndPlaceholdersExpandWhereTheImagesWere) {
  const fs::path dir = test::fresh_dir("sft_loader_tokens");
  std::vector<std::string> lines;
  const std::vector<Case> all = cases();
  for (size_t i = 0; i < all.size(); ++i) lines.push_back(llava_sample(std::to_string(i), all[i].images, all[i].turns));
  const fs::path index = build_index(dir, lines);
  const auto& tok = *qwen_tokenizer();

  ConversationLoader loader(options(index, 5), stb_codec());
  EXPECT_EQ(loader.size_hint(), 1);
  TrainBatch b;
  ASSERT_TRUE(loader.next(b));
  const at::Tensor ids = b.tensors.at("input_ids");
  ASSERT_EQ(ids.dim(), 2);
  ASSERT_EQ(ids.size(0), 5);
  const int64_t width = ids.size(1);
  for (const char* name : {"input_ids", "labels", "attention_mask", "position_ids"}) {
    EXPECT_EQ(b.tensors.at(name).sizes(), ids.sizes()) << name;
    EXPECT_EQ(b.tensors.at(name).scalar_type(), at::kLong) << name;
  }

  int64_t longest = 0, loss_tokens = 0, all_tokens = 0;
  std::vector<fs::path> reading_order;
  std::set<size_t> found;
  for (int64_t r = 0; r < 5; ++r) {
    const std::vector<int64_t> row_ids = tokens(b, r);
    std::string text;
    for (int64_t id : row_ids)
      if (id != image_id()) text += tok.decode(std::vector<int64_t>{id});
    size_t which = all.size();
    for (size_t i = 0; i < all.size(); ++i)
      if (text.find(all[i].question) != std::string::npos) which = i;
    ASSERT_LT(which, all.size()) << text;
    found.insert(which);
    const Case& c = all[which];

    // input_ids: the conversation as tokenised, each placeholder now kImageTokens ids in place.
    Conversation conversation;
    ASSERT_FALSE(parse_conversation(lines[which], conversation));
    const ConversationTokens t = tokenize_conversation(tok, conversation, image_id(), kImageTokens);
    EXPECT_EQ(row_ids, expand_image_placeholders(t.ids, image_id(), kImageTokens)) << c.question;

    // labels: exactly the answers with their <|im_end|>, in order, nothing else.
    const std::vector<int64_t> labels = row(b, "labels", r);
    std::vector<int64_t> with_loss, expected;
    for (int64_t t2 = 0; t2 < width; ++t2) {
      const auto at = static_cast<size_t>(t2);
      if (labels[at] == I) continue;
      with_loss.push_back(labels[at]);
      EXPECT_EQ(labels[at], row_ids.at(at)) << c.question << " position " << t2;
    }
    for (const std::string& answer : c.answers)
      for (int64_t id : tok.encode(answer + "<|im_end|>")) expected.push_back(id);
    EXPECT_EQ(with_loss, expected) << c.question;
    loss_tokens += static_cast<int64_t>(expected.size());

    // Image tokens: whole runs of kImageTokens, never with loss.
    int64_t image_tokens = 0;
    for (size_t t2 = 0; t2 < row_ids.size(); ++t2)
      if (row_ids[t2] == image_id()) {
        ++image_tokens;
        EXPECT_EQ(labels[t2], I);
      }
    EXPECT_EQ(image_tokens, kImageTokens * static_cast<int64_t>(c.images.size())) << c.question;

    // Right padding, no loss on it; positions count from 0 per row.
    const std::vector<int64_t> mask = row(b, "attention_mask", r), pos = row(b, "position_ids", r);
    const std::vector<int64_t> full = row(b, "input_ids", r);
    for (int64_t t2 = 0; t2 < width; ++t2) {
      const auto at = static_cast<size_t>(t2);
      const bool real = at < row_ids.size();
      EXPECT_EQ(mask[at], real ? 1 : 0);
      EXPECT_EQ(pos[at], real ? t2 : 0);
      if (!real) {
        EXPECT_EQ(full[at], kPad);
        EXPECT_EQ(labels[at], I);
      }
    }
    longest = std::max<int64_t>(longest, static_cast<int64_t>(row_ids.size()));
    all_tokens += static_cast<int64_t>(row_ids.size());
    for (const std::string& image : c.images) reading_order.push_back(dir / "images" / image);
  }
  EXPECT_EQ(found.size(), all.size());
  EXPECT_EQ(width, longest);  // padded to the longest row, not to max_length
  EXPECT_EQ(b.loss_tokens, loss_tokens);
  EXPECT_EQ(b.tokens, all_tokens);
  EXPECT_EQ(b.image_tokens, 5 * kImageTokens);

  // pixel_values: row by row, each row's images left to right.
  const at::Tensor px = b.tensors.at("pixel_values");
  ASSERT_EQ(px.sizes(), (at::IntArrayRef{5, 3, 16, 16}));
  EXPECT_EQ(px.scalar_type(), at::kFloat);
  for (size_t k = 0; k < reading_order.size(); ++k)
    EXPECT_TRUE(at::equal(px[static_cast<int64_t>(k)], image_pixels(*stb_codec(), test::read_bytes(reading_order[k]),
                                                                     preprocess(), ResizeMode::stretch)))
        << "image " << k << " should be " << reading_order[k];
  EXPECT_FALSE(loader.next(b));
  EXPECT_EQ(loader.position(), R"({"epoch":0,"microbatches":1})");
}

TEST(ConversationLoader, ATextOnlyBatchHasNoPixelValues) {
  const fs::path dir = test::fresh_dir("sft_loader_text_only");
  const fs::path index = build_index(dir, {llava_sample("a", {}, {{"human", "hi"}, {"gpt", "hello"}})});
  ConversationLoader loader(options(index, 1), stb_codec());
  TrainBatch b;
  ASSERT_TRUE(loader.next(b));
  EXPECT_EQ(b.tensors.count("pixel_values"), 0U);
  EXPECT_EQ(b.image_tokens, 0);
}

// ---- many samples of spread-out lengths ----

std::vector<std::string> many_samples(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string question = "Sample " + std::to_string(i) + ":";
    for (int w = 0; w < (i * 37) % 90; ++w) question += " word";
    std::string answer = "Answer " + std::to_string(i);
    for (int w = 0; w < (i * 11) % 7; ++w) answer += " ok";
    std::vector<std::string> images;
    if (i % 5 == 0) {
      images.push_back(i % 10 == 0 ? "rgb.jpg" : "rgb.png");
      question = "<image>\n" + question;
    }
    out.push_back(llava_sample("s" + std::to_string(i), images, {{"human", question}, {"gpt", answer}}));
  }
  return out;
}

class ConversationLoaderOrder : public ::testing::TestWithParam<bool> {};

TEST_P(ConversationLoaderOrder, TwoRanksTakeTheMicroBatchesOfOneRankInTurn) {
  const fs::path index = build_index(test::fresh_dir(std::string("sft_loader_ranks_") + (GetParam() ? "grouped" : "plain")),
                                     many_samples(60));
  for (int64_t epoch : {0, 1}) {
    ConversationLoaderOptions o = options(index, 3);
    o.group_by_length = GetParam();
    o.group_size = 12;
    ConversationLoader one(o, stb_codec());
    one.set_epoch(epoch);
    EXPECT_EQ(one.size_hint(), 20);
    const auto single = drain(one);
    ASSERT_EQ(single.size(), 20U);

    std::vector<std::vector<TrainBatch>> ranks;
    for (int rank : {0, 1}) {
      ConversationLoaderOptions r = o;
      r.rank = rank;
      r.world_size = 2;
      ConversationLoader loader(r, stb_codec());
      loader.set_epoch(epoch);
      EXPECT_EQ(loader.size_hint(), 10);
      ranks.push_back(drain(loader));
      ASSERT_EQ(ranks.back().size(), 10U);
    }
    for (size_t k = 0; k < 10; ++k)
      for (size_t rank = 0; rank < 2; ++rank)
        expect_same_batch(ranks[rank][k], single[2 * k + rank],
                          "epoch " + std::to_string(epoch) + ", rank " + std::to_string(rank) + " micro-batch " +
                              std::to_string(k));

    // Each sample once per epoch.
    std::set<std::vector<int64_t>> rows;
    for (const TrainBatch& b : single)
      for (int64_t r = 0; r < 3; ++r) rows.insert(tokens(b, r));
    EXPECT_EQ(rows.size(), 60U);
  }
}

INSTANTIATE_TEST_SUITE_P(GroupByLength, ConversationLoaderOrder, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "grouped" : "plain"; });

TEST(ConversationLoader, ATwoRankPositionResumesOnOneRankAtTheNextMicroBatch) {
  const fs::path index = build_index(test::fresh_dir("sft_loader_resume"), many_samples(40));
  ConversationLoaderOptions o = options(index, 2);
  o.group_by_length = true;
  o.group_size = 8;
  ConversationLoader one(o, stb_codec());
  one.set_epoch(1);
  const auto single = drain(one);
  ASSERT_EQ(single.size(), 20U);

  std::string position;
  for (int rank : {0, 1}) {
    ConversationLoaderOptions r = o;
    r.rank = rank;
    r.world_size = 2;
    ConversationLoader loader(r, stb_codec());
    loader.set_epoch(1);
    TrainBatch b;
    for (int k = 0; k < 3; ++k) ASSERT_TRUE(loader.next(b));
    position = loader.position();
  }
  EXPECT_EQ(position, R"({"epoch":1,"microbatches":6})");

  ConversationLoader resumed(o, stb_codec());
  resumed.restore(position);
  const auto rest = drain(resumed);
  ASSERT_EQ(rest.size(), 14U);
  for (size_t k = 0; k < rest.size(); ++k) expect_same_batch(rest[k], single[6 + k], "resumed micro-batch " + std::to_string(k));

  // Back onto two ranks from a one-rank position: rank 1 continues with global micro-batch 9.
  ConversationLoaderOptions r1 = o;
  r1.rank = 1;
  r1.world_size = 2;
  ConversationLoader two(r1, stb_codec());
  two.restore(R"({"epoch":1,"microbatches":8})");
  TrainBatch b;
  ASSERT_TRUE(two.next(b));
  expect_same_batch(b, single[9], "rank 1 after 8");
  EXPECT_THROW(two.restore(R"({"epoch":1,"microbatches":7})"), Error);
}

TEST(ConversationLoader, GroupingByLengthMakesRowsOfSimilarLengths) {
  const fs::path index = build_index(test::fresh_dir("sft_loader_grouping"), many_samples(60));
  const auto spread = [&](bool grouped) {
    ConversationLoaderOptions o = options(index, 4);
    o.group_by_length = grouped;
    o.group_size = 60;
    ConversationLoader loader(o, stb_codec());
    const auto batches = drain(loader);
    EXPECT_EQ(batches.size(), 15U);
    double total = 0;
    std::vector<int64_t> longest;
    for (const TrainBatch& b : batches) {
      const at::Tensor lengths = b.tensors.at("attention_mask").sum(1);
      total += static_cast<double>((lengths.max() - lengths.min()).item<int64_t>());
      longest.push_back(lengths.max().item<int64_t>());
    }
    // The micro-batches themselves come in shuffled order, not longest first.
    if (grouped) {
      EXPECT_FALSE(std::is_sorted(longest.rbegin(), longest.rend()));
    }
    return total / static_cast<double>(batches.size());
  };
  const double plain = spread(false), grouped = spread(true);
  EXPECT_GT(plain, 20.0);
  EXPECT_LT(grouped, 0.25 * plain) << "grouped " << grouped << ", plain " << plain;
}

TEST(ConversationLoader, MaxLengthLeavesLongerSamplesOut) {
  const fs::path index = build_index(test::fresh_dir("sft_loader_max_length"), many_samples(30));
  const ConversationIndex opened(index);
  std::vector<int64_t> lengths;
  for (int64_t i = 0; i < opened.size(); ++i) lengths.push_back(opened.length(i));
  std::sort(lengths.begin(), lengths.end());
  ConversationLoaderOptions o = options(index, 1);
  o.max_length = lengths[14];
  ConversationLoader loader(o, stb_codec());
  EXPECT_EQ(loader.samples(), 15);
  const auto batches = drain(loader);
  EXPECT_EQ(batches.size(), 15U);
  for (const TrainBatch& b : batches) EXPECT_LE(b.tensors.at("input_ids").size(1), lengths[14]);
}

TEST(ConversationLoader, OptionsContradictingTheIndexAreErrors) {
  const fs::path index = build_index(test::fresh_dir("sft_loader_meta"), many_samples(4));
  ConversationLoaderOptions o = options(index, 1);
  o.image_token_id = image_id() + 1;
  EXPECT_THROW(ConversationLoader(o, stb_codec()), Error);
  o = options(index, 1);
  o.image_tokens = kImageTokens + 1;
  EXPECT_THROW(ConversationLoader(o, stb_codec()), Error);
  o = options(index, 1);
  o.image_tokens = kImageTokens;
  o.image_token_id = image_id();
  ConversationLoader matching(o, stb_codec());
  EXPECT_EQ(matching.meta().image_token_id, image_id());
  o.index = index.parent_path() / "absent";
  EXPECT_THROW(ConversationLoader(o, stb_codec()), Error);
}

}  // namespace
}  // namespace vlforge
