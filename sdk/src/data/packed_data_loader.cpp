#include "vlforge/packed_loader.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <span>

#include "order_rng.hpp"
#include "prefetched_epochs.hpp"
#include "vlforge/error.hpp"
#include "vlforge/image_pixels.hpp"
#include "vlforge/multimodal_model.hpp"
#include "vlforge/packed_shard.hpp"

namespace vlforge {

namespace {

const std::string kWhere = "packed data loader";

constexpr uint64_t kOrderStream = 0;  // the one global order every rank computes

struct SequenceRef {
  size_t shard = 0;
  int64_t sequence = 0;
};

bool same_meta(const PackedShardMeta& a, const PackedShardMeta& b) {
  return a.context == b.context && a.image_tokens == b.image_tokens && a.image_token_id == b.image_token_id &&
         a.tokenizer == b.tokenizer;
}

std::string describe(const PackedShardMeta& m) {
  return "context " + std::to_string(m.context) + ", image_tokens " + std::to_string(m.image_tokens) +
         ", image_token_id " + std::to_string(m.image_token_id) + ", tokenizer '" + m.tokenizer + "'";
}

}  // namespace

struct PackedDataLoader::Impl {
  PackedLoaderOptions options;
  std::shared_ptr<const ImageCodec> codec;
  std::vector<std::unique_ptr<PackedShardReader>> readers;
  PackedShardMeta meta;
  std::vector<SequenceRef> global;  // the epoch's order over every shard, B rows per micro-batch
  std::unique_ptr<PrefetchedEpochs> epochs;

  int64_t plan(int64_t epoch);
  TrainBatch build(int64_t batch) const;
};

int64_t PackedDataLoader::Impl::plan(int64_t epoch) {
  global.clear();
  for (size_t s = 0; s < readers.size(); ++s)
    for (int64_t i = 0; i < readers[s]->size(); ++i) global.push_back({s, i});
  OrderRng(options.seed, static_cast<uint64_t>(epoch), kOrderStream).shuffle(global);
  return static_cast<int64_t>(global.size()) / options.sequences_per_batch;
}

TrainBatch PackedDataLoader::Impl::build(int64_t batch) const {
  const int64_t rows = options.sequences_per_batch;
  const int64_t width = meta.context;
  const auto cells = static_cast<size_t>(rows * width);
  std::vector<int64_t> input_ids(cells, options.pad_token_id);
  std::vector<int64_t> labels(cells, kIgnoreIndex);
  std::vector<int64_t> attention_mask(cells, 0);
  std::vector<int64_t> position_ids(cells, 0);
  std::vector<int64_t> document_ids(cells, -1);
  std::vector<at::Tensor> pixels;
  TrainBatch out;

  for (int64_t r = 0; r < rows; ++r) {
    const SequenceRef ref = global[static_cast<size_t>(batch * rows + r)];
    const PackedShardReader& reader = *readers[ref.shard];
    // The reader has checked the sequence against the meta: its documents tile the expanded ids
    // and fit the context, so the walk below stays inside the row.
    const PackedSequence seq = reader.get(ref.sequence);
    const size_t row = static_cast<size_t>(r * width);
    size_t t = 0;  // expanded position in the row
    size_t next_id = 0;
    for (size_t d = 0; d < seq.documents.size(); ++d) {
      const PackedDocument& doc = seq.documents[d];
      const size_t doc_start = t;
      const size_t doc_end = t + static_cast<size_t>(doc.tokens);
      while (t < doc_end) {
        const int64_t id = seq.input_ids[next_id++];
        const bool image = id == meta.image_token_id;
        const int64_t run = image ? meta.image_tokens : 1;
        for (int64_t j = 0; j < run; ++j, ++t) {
          const size_t at = row + t;
          input_ids[at] = id;
          const bool loss = !image && static_cast<int64_t>(t - doc_start) >= doc.loss_from;
          labels[at] = loss ? id : kIgnoreIndex;
          out.loss_tokens += loss ? 1 : 0;
          attention_mask[at] = 1;
          position_ids[at] = static_cast<int64_t>(options.isolate_documents ? t - doc_start : t);
          document_ids[at] = static_cast<int64_t>(d);
        }
      }
    }
    out.tokens += static_cast<int64_t>(t);
    out.image_tokens += static_cast<int64_t>(seq.images.size()) * meta.image_tokens;
    for (size_t k = 0; k < seq.images.size(); ++k) {
      const std::vector<uint8_t>& bytes = seq.images[k].bytes;
      try {
        pixels.push_back(image_pixels(*codec, std::span<const uint8_t>(bytes.data(), bytes.size()),
                                      options.preprocess, options.resize));
      } catch (const Error& e) {
        throw Error(options.shards[ref.shard].string(),
                    "sequence " + std::to_string(ref.sequence) + ", image " + std::to_string(k) + ": " + e.what());
      }
    }
  }

  const auto as_tensor = [&](const std::vector<int64_t>& v) {
    return at::tensor(at::ArrayRef<int64_t>(v), at::kLong).view({rows, width});
  };
  out.tensors["input_ids"] = as_tensor(input_ids);
  out.tensors["labels"] = as_tensor(labels);
  out.tensors["attention_mask"] = as_tensor(attention_mask);
  out.tensors["position_ids"] = as_tensor(position_ids);
  if (options.isolate_documents) out.tensors["document_ids"] = as_tensor(document_ids);
  if (!pixels.empty()) out.tensors["pixel_values"] = at::stack(pixels);
  return out;
}

PackedDataLoader::PackedDataLoader(PackedLoaderOptions options, std::shared_ptr<const ImageCodec> codec)
    : impl_(std::make_unique<Impl>()) {
  Impl& l = *impl_;
  const PackedLoaderOptions& o = options;
  if (o.shards.empty()) throw Error(kWhere, "no shards given");
  if (o.sequences_per_batch < 1)
    throw Error(kWhere, "sequences_per_batch " + std::to_string(o.sequences_per_batch) + " (expected >= 1)");
  if (!codec) throw Error(kWhere, "no image codec given");
  for (const auto& shard : o.shards) {
    l.readers.push_back(std::make_unique<PackedShardReader>(shard));
    const PackedShardMeta& m = l.readers.back()->meta();
    if (l.readers.size() == 1)
      l.meta = m;
    else if (!same_meta(m, l.meta))
      throw Error(shard.string(), "packed with " + describe(m) + ", but " + o.shards.front().string() +
                                      " with " + describe(l.meta) + " (every shard must match)");
  }
  l.options = std::move(options);
  l.codec = std::move(codec);
  l.epochs = std::make_unique<PrefetchedEpochs>(
      kWhere, l.options.rank, l.options.world_size, l.options.workers, l.options.prefetch,
      [&l](int64_t epoch) { return l.plan(epoch); }, [&l](int64_t batch) { return l.build(batch); });
  l.epochs->set_epoch(0);
}

PackedDataLoader::~PackedDataLoader() = default;

void PackedDataLoader::set_epoch(int64_t epoch) { impl_->epochs->set_epoch(epoch); }
bool PackedDataLoader::next(TrainBatch& out) { return impl_->epochs->next(out); }
int64_t PackedDataLoader::size_hint() const { return impl_->epochs->size_hint(); }
std::string PackedDataLoader::position() const { return impl_->epochs->position(); }
void PackedDataLoader::restore(std::string_view position) { impl_->epochs->restore(position); }

}  // namespace vlforge
