// The packed-data loader on small hand-built shards with real images: the documented tensors, the
// split over ranks (independent of their number), the (seed, epoch) order, and resuming from a
// saved position exactly, also on another number of ranks.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "file_bytes.hpp"
#include "test_paths.hpp"
#include "vlforge/error.hpp"
#include "vlforge/image_pixels.hpp"
#include "vlforge/multimodal_model.hpp"
#include "vlforge/packed_loader.hpp"
#include "vlforge/packed_shard.hpp"

namespace vlforge {
namespace {

namespace fs = std::filesystem;
using test::ComponentMaker;

constexpr int32_t kImage = 1000;
constexpr int64_t kImageTokens = 4;
constexpr int64_t kContext = 24;
constexpr int64_t kPad = 3;

std::shared_ptr<const ImageCodec> codec() {
  static ComponentMaker maker;
  static std::shared_ptr<const ImageCodec> c = maker.make<ImageCodec>("use = \"image_codec/opencv\"");
  return c;
}

PackedShardMeta meta() {
  PackedShardMeta m;
  m.context = kContext;
  m.image_tokens = kImageTokens;
  m.image_token_id = kImage;
  m.tokenizer = "test-bpe";
  return m;
}

ImagePreprocess preprocess() {
  ImagePreprocess p;
  p.image_size = 16;
  p.mean = {0.48, 0.45, 0.40};
  p.std = {0.26, 0.26, 0.27};
  return p;
}

// An image document (placeholder, `key`, 7: 6 expanded tokens, the first 5 without loss) and a
// text document (key + 1, 9: 2 tokens, all with loss). `key` tells the sequences apart.
PackedSequence keyed_sequence(int32_t key, const std::string& image) {
  PackedSequence s;
  s.input_ids = {kImage, key, 7, key + 1, 9};
  s.documents.push_back({"img-" + std::to_string(key), kImageTokens + 2, 1, kImageTokens + 1});
  s.documents.push_back({"txt-" + std::to_string(key), 2, 0, 0});
  s.images.push_back({"jpg", test::test_image(image)});
  return s;
}

// Shard s holds counts[s] sequences keyed s * 100 + i * 2.
std::vector<fs::path> write_shards(const fs::path& dir, const std::vector<int>& counts) {
  std::vector<fs::path> shards;
  for (size_t s = 0; s < counts.size(); ++s) {
    shards.push_back(dir / (std::to_string(s) + ".vlpack"));
    PackedShardWriter writer(shards.back(), meta());
    for (int i = 0; i < counts[s]; ++i)
      writer.add(keyed_sequence(static_cast<int32_t>(s * 100 + i * 2), i % 2 == 0 ? "rgb.jpg" : "rgb.png"));
    writer.close();
  }
  return shards;
}

PackedLoaderOptions options(std::vector<fs::path> shards, int64_t per_batch) {
  PackedLoaderOptions o;
  o.shards = std::move(shards);
  o.seed = 1234;
  o.sequences_per_batch = per_batch;
  o.pad_token_id = kPad;
  o.preprocess = preprocess();
  o.workers = 3;
  o.prefetch = 2;
  return o;
}

std::vector<TrainBatch> drain(PackedDataLoader& loader) {
  std::vector<TrainBatch> out;
  TrainBatch b;
  while (loader.next(b)) out.push_back(std::move(b));
  return out;
}

// The sequence keys of the batches' rows, in order.
std::vector<int64_t> keys(const std::vector<TrainBatch>& batches) {
  std::vector<int64_t> out;
  for (const TrainBatch& b : batches) {
    const at::Tensor ids = b.tensors.at("input_ids");
    for (int64_t r = 0; r < ids.size(0); ++r) out.push_back(ids[r][kImageTokens].item<int64_t>());
  }
  return out;
}

void expect_same_batch(const TrainBatch& a, const TrainBatch& b, const std::string& context) {
  EXPECT_EQ(a.tokens, b.tokens) << context;
  EXPECT_EQ(a.loss_tokens, b.loss_tokens) << context;
  ASSERT_EQ(a.tensors.size(), b.tensors.size()) << context;
  for (const auto& [name, t] : a.tensors) {
    ASSERT_TRUE(b.tensors.count(name) == 1) << context << ": " << name;
    EXPECT_TRUE(at::equal(t, b.tensors.at(name))) << context << ": " << name;
  }
}

std::vector<int64_t> row(const TrainBatch& b, const char* name, int64_t r = 0) {
  const at::Tensor t = b.tensors.at(name)[r].contiguous();
  return {t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel()};
}

std::vector<int64_t> padded(std::vector<int64_t> v, int64_t fill) {
  v.resize(static_cast<size_t>(kContext), fill);
  return v;
}

constexpr int64_t I = kIgnoreIndex;

TEST(PackedDataLoader, BatchHasTheDocumentedTensors) {
  const fs::path dir = test::fresh_dir("packed_loader_tensors");
  const fs::path shard = dir / "one.vlpack";
  PackedShardWriter writer(shard, meta());
  writer.add(keyed_sequence(50, "rgb.jpg"));
  writer.close();

  PackedDataLoader loader(options({shard}, 1), codec());
  EXPECT_EQ(loader.size_hint(), 1);
  TrainBatch b;
  ASSERT_TRUE(loader.next(b));
  EXPECT_EQ(b.tensors.at("input_ids").sizes(), (at::IntArrayRef{1, kContext}));
  EXPECT_EQ(b.tensors.at("input_ids").scalar_type(), at::kLong);
  EXPECT_EQ(row(b, "input_ids"), padded({kImage, kImage, kImage, kImage, 50, 7, 51, 9}, kPad));
  // The image and the newline-like `50` carry no loss; the text document carries it everywhere.
  EXPECT_EQ(row(b, "labels"), padded({I, I, I, I, I, 7, 51, 9}, I));
  EXPECT_EQ(row(b, "attention_mask"), padded({1, 1, 1, 1, 1, 1, 1, 1}, 0));
  EXPECT_EQ(row(b, "position_ids"), padded({0, 1, 2, 3, 4, 5, 0, 1}, 0));
  EXPECT_EQ(row(b, "document_ids"), padded({0, 0, 0, 0, 0, 0, 1, 1}, -1));
  EXPECT_EQ(b.tokens, 8);
  EXPECT_EQ(b.loss_tokens, 3);
  const at::Tensor px = b.tensors.at("pixel_values");
  ASSERT_EQ(px.sizes(), (at::IntArrayRef{1, 3, 16, 16}));
  EXPECT_EQ(px.scalar_type(), at::kFloat);
  const std::vector<uint8_t> jpg = test::test_image("rgb.jpg");
  EXPECT_TRUE(at::equal(px[0], image_pixels(*codec(), jpg, preprocess(), ResizeMode::stretch)));
  EXPECT_FALSE(loader.next(b));
  EXPECT_EQ(loader.position(), R"({"epoch":0,"microbatches":1})");

  PackedLoaderOptions shared = options({shard}, 1);
  shared.isolate_documents = false;
  PackedDataLoader running(shared, codec());
  ASSERT_TRUE(running.next(b));
  EXPECT_EQ(row(b, "position_ids"), padded({0, 1, 2, 3, 4, 5, 6, 7}, 0));
  EXPECT_EQ(b.tensors.count("document_ids"), 0U);
  EXPECT_EQ(row(b, "labels"), padded({I, I, I, I, I, 7, 51, 9}, I));
}

TEST(PackedDataLoader, PixelValuesHoldEveryImageOfTheBatchInRowOrder) {
  const fs::path dir = test::fresh_dir("packed_loader_pixels");
  const auto shards = write_shards(dir, {5});
  PackedDataLoader loader(options(shards, 2), codec());
  ASSERT_EQ(loader.size_hint(), 2);  // 5 sequences, 2 per batch: the fifth waits
  const auto batches = drain(loader);
  ASSERT_EQ(batches.size(), 2U);
  for (const TrainBatch& b : batches) {
    const at::Tensor px = b.tensors.at("pixel_values");
    ASSERT_EQ(px.size(0), 2);
    const at::Tensor ids = b.tensors.at("input_ids");
    for (int64_t r = 0; r < 2; ++r) {
      const int64_t i = ids[r][kImageTokens].item<int64_t>() / 2;  // sequence i of shard 0
      const std::vector<uint8_t> bytes = test::test_image(i % 2 == 0 ? "rgb.jpg" : "rgb.png");
      EXPECT_TRUE(at::equal(px[r], image_pixels(*codec(), bytes, preprocess(), ResizeMode::stretch))) << "row " << r;
    }
  }
}

TEST(PackedDataLoader, RanksSeeDisjointSequencesAndEqualBatchCounts) {
  const fs::path dir = test::fresh_dir("packed_loader_ranks");
  const auto shards = write_shards(dir, {5, 6, 7, 3});
  for (int64_t epoch : {0, 1, 2}) {
    std::vector<std::vector<int64_t>> seen;
    for (int rank : {0, 1}) {
      PackedLoaderOptions o = options(shards, 2);
      o.rank = rank;
      o.world_size = 2;
      PackedDataLoader loader(o, codec());
      loader.set_epoch(epoch);
      const auto batches = drain(loader);
      EXPECT_EQ(static_cast<int64_t>(batches.size()), loader.size_hint());
      EXPECT_GT(batches.size(), 0U);
      seen.push_back(keys(batches));
    }
    EXPECT_EQ(seen[0].size(), seen[1].size()) << "epoch " << epoch;
    std::set<int64_t> a(seen[0].begin(), seen[0].end());
    std::set<int64_t> b(seen[1].begin(), seen[1].end());
    EXPECT_EQ(a.size(), seen[0].size()) << "a rank saw a sequence twice";
    EXPECT_EQ(b.size(), seen[1].size()) << "a rank saw a sequence twice";
    for (int64_t k : a) EXPECT_EQ(b.count(k), 0U) << "epoch " << epoch << ": both ranks saw " << k;
  }
}

// The global batch is the same on any number of ranks: rank r of 2 takes global micro-batches
// r, r + 2, ... of the one-rank order, so 2 ranks together see what 1 rank sees.
TEST(PackedDataLoader, RanksSplitTheOneRankOrder) {
  const fs::path dir = test::fresh_dir("packed_loader_split");
  const auto shards = write_shards(dir, {5, 6, 7, 3});
  PackedDataLoader single(options(shards, 2), codec());
  single.set_epoch(1);
  const auto all = drain(single);
  ASSERT_EQ(all.size(), 10U);  // 21 sequences, 2 per micro-batch
  for (int rank : {0, 1}) {
    PackedLoaderOptions o = options(shards, 2);
    o.rank = rank;
    o.world_size = 2;
    PackedDataLoader loader(o, codec());
    loader.set_epoch(1);
    const auto mine = drain(loader);
    ASSERT_EQ(mine.size(), 5U);
    for (size_t k = 0; k < mine.size(); ++k)
      expect_same_batch(mine[k], all[2 * k + static_cast<size_t>(rank)], "rank " + std::to_string(rank));
  }
}

TEST(PackedDataLoader, OrderIsAFunctionOfSeedAndEpoch) {
  const fs::path dir = test::fresh_dir("packed_loader_order");
  const auto shards = write_shards(dir, {5, 6, 7, 3});
  PackedDataLoader first(options(shards, 1), codec());
  PackedDataLoader second(options(shards, 1), codec());
  const auto epoch0 = keys(drain(first));
  EXPECT_EQ(epoch0.size(), 21U);
  EXPECT_EQ(keys(drain(second)), epoch0);
  first.set_epoch(1);
  second.set_epoch(1);
  const auto epoch1 = keys(drain(first));
  EXPECT_EQ(keys(drain(second)), epoch1);
  EXPECT_NE(epoch1, epoch0);
  EXPECT_EQ(std::multiset<int64_t>(epoch1.begin(), epoch1.end()), std::multiset<int64_t>(epoch0.begin(), epoch0.end()));
  PackedLoaderOptions other = options(shards, 1);
  other.seed = 99;
  PackedDataLoader reseeded(other, codec());
  EXPECT_NE(keys(drain(reseeded)), epoch0);
}

TEST(PackedDataLoader, RestoredLoaderYieldsExactlyTheRemainingBatches) {
  const fs::path dir = test::fresh_dir("packed_loader_resume");
  const auto shards = write_shards(dir, {5, 6, 7, 3});
  for (int rank : {0, 1}) {
    PackedLoaderOptions o = options(shards, 2);
    o.rank = rank;
    o.world_size = 2;
    PackedDataLoader uninterrupted(o, codec());
    uninterrupted.set_epoch(1);
    const auto all = drain(uninterrupted);
    ASSERT_GE(all.size(), 3U);

    for (size_t cut : {size_t{0}, size_t{1}, all.size() - 1, all.size()}) {
      std::string saved;
      {
        PackedDataLoader interrupted(o, codec());
        interrupted.set_epoch(1);
        TrainBatch b;
        for (size_t k = 0; k < cut; ++k) {
          ASSERT_TRUE(interrupted.next(b));
          expect_same_batch(b, all[k], "before the cut");
        }
        saved = interrupted.position();
      }  // destroyed with batches prepared ahead still queued
      EXPECT_EQ(saved, "{\"epoch\":1,\"microbatches\":" + std::to_string(2 * cut) + "}");
      PackedDataLoader resumed(o, codec());
      resumed.restore(saved);
      const auto rest = drain(resumed);
      ASSERT_EQ(rest.size(), all.size() - cut) << "rank " << rank << ", cut " << cut;
      for (size_t k = 0; k < rest.size(); ++k)
        expect_same_batch(rest[k], all[cut + k], "rank " + std::to_string(rank) + ", batch " + std::to_string(cut + k));
    }
  }
}

TEST(PackedDataLoader, RefusesBadPositionsAndMismatchedShards) {
  const fs::path dir = test::fresh_dir("packed_loader_refuse");
  const auto shards = write_shards(dir, {3});
  PackedDataLoader loader(options(shards, 1), codec());
  EXPECT_THROW(loader.restore("not json"), Error);
  EXPECT_THROW(loader.restore(R"({"epoch": 0})"), Error);
  EXPECT_THROW(loader.restore(R"({"epoch": 0, "microbatches": 4})"), Error);
  EXPECT_THROW(loader.restore(R"({"epoch": -1, "microbatches": 0})"), Error);

  PackedShardMeta other = meta();
  other.image_tokens = 5;
  PackedShardWriter writer(dir / "other.vlpack", other);
  writer.close();
  EXPECT_THROW(PackedDataLoader(options({shards[0], dir / "other.vlpack"}, 1), codec()), Error);
  PackedLoaderOptions two = options(shards, 1);
  two.world_size = 2;
  PackedDataLoader half(two, codec());
  EXPECT_THROW(half.restore(R"({"epoch": 0, "microbatches": 1})"), Error);  // 1 cannot split over 2 ranks
}

TEST(PackedDataLoader, AWorkersErrorReachesNext) {
  const fs::path dir = test::fresh_dir("packed_loader_error");
  const fs::path shard = dir / "broken-image.vlpack";
  PackedShardWriter writer(shard, meta());
  writer.add(keyed_sequence(0, "rgb.jpg"));
  PackedSequence broken = keyed_sequence(2, "rgb.jpg");
  broken.images[0].bytes.assign(40, 0x17);  // not an image
  writer.add(broken);
  writer.close();
  PackedDataLoader loader(options({shard}, 2), codec());
  TrainBatch b;
  try {
    loader.next(b);
    ADD_FAILURE() << "a batch with an undecodable image was returned";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(shard.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(loader.next(b), Error);
  EXPECT_EQ(loader.position(), R"({"epoch":0,"microbatches":0})");
}

}  // namespace
}  // namespace vlforge
