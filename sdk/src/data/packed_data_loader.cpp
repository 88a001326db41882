#include "vlforge/packed_loader.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <thread>

#include "order_rng.hpp"
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

struct Slot {
  TrainBatch batch;
  std::exception_ptr error;
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

  int64_t epoch = 0;
  std::vector<SequenceRef> order;  // this rank's sequences for `epoch`, batches * B of them
  int64_t batches = 0;

  mutable std::mutex mutex;
  std::condition_variable work_cv;   // workers wait for room ahead of the consumer
  std::condition_variable ready_cv;  // the consumer waits for its batch
  int64_t taken = 0;                 // micro-batches next() has returned this epoch
  int64_t claimed = 0;               // next micro-batch a worker starts on
  std::map<int64_t, Slot> ready;
  bool stopping = false;
  std::vector<std::thread> workers;
  std::exception_ptr failed;  // a worker's error, rethrown by every next() until the epoch restarts

  void plan(int64_t new_epoch);
  void start(int64_t new_epoch, int64_t first_batch);
  void start_workers();
  void stop_workers();
  void work();
  TrainBatch build(int64_t batch) const;

  ~Impl() { stop_workers(); }
};

void PackedDataLoader::Impl::plan(int64_t new_epoch) {
  const auto world = static_cast<int64_t>(options.world_size);
  const int64_t rows = options.sequences_per_batch;
  std::vector<SequenceRef> global;
  for (size_t s = 0; s < readers.size(); ++s)
    for (int64_t i = 0; i < readers[s]->size(); ++i) global.push_back({s, i});
  OrderRng(options.seed, static_cast<uint64_t>(new_epoch), kOrderStream).shuffle(global);

  // Global micro-batch g is rows [g * B, (g + 1) * B) of the order and belongs to rank g % world.
  batches = static_cast<int64_t>(global.size()) / rows / world;
  order.clear();
  order.reserve(static_cast<size_t>(batches * rows));
  for (int64_t k = 0; k < batches; ++k) {
    const int64_t g = k * world + options.rank;
    for (int64_t r = 0; r < rows; ++r) order.push_back(global[static_cast<size_t>(g * rows + r)]);
  }
  epoch = new_epoch;
}

void PackedDataLoader::Impl::start(int64_t new_epoch, int64_t first_batch) {
  stop_workers();
  plan(new_epoch);
  if (first_batch < 0 || first_batch > batches)
    throw Error(kWhere, "cannot start epoch " + std::to_string(new_epoch) + " at micro-batch " +
                            std::to_string(first_batch) + " (it has " + std::to_string(batches) + " on rank " +
                            std::to_string(options.rank) + ")");
  taken = first_batch;
  claimed = first_batch;
  failed = nullptr;
}

void PackedDataLoader::Impl::start_workers() {
  stopping = false;
  for (int w = 0; w < options.workers; ++w) workers.emplace_back([this] { work(); });
}

void PackedDataLoader::Impl::stop_workers() {
  {
    std::lock_guard lock(mutex);
    stopping = true;
  }
  work_cv.notify_all();
  for (std::thread& t : workers) t.join();
  workers.clear();
  ready.clear();
}

void PackedDataLoader::Impl::work() {
  for (;;) {
    int64_t batch = 0;
    {
      std::unique_lock lock(mutex);
      work_cv.wait(lock, [&] { return stopping || claimed >= batches || claimed < taken + options.prefetch; });
      if (stopping || claimed >= batches) return;
      batch = claimed++;
    }
    Slot slot;
    try {
      slot.batch = build(batch);
    } catch (...) {
      // Carried to the consumer: next() rethrows it when it reaches this batch.
      slot.error = std::current_exception();
    }
    {
      std::lock_guard lock(mutex);
      ready.emplace(batch, std::move(slot));
    }
    ready_cv.notify_all();
  }
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
    const SequenceRef ref = order[static_cast<size_t>(batch * rows + r)];
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
  if (o.world_size < 1 || o.rank < 0 || o.rank >= o.world_size)
    throw Error(kWhere, "rank " + std::to_string(o.rank) + " of world size " + std::to_string(o.world_size) +
                            " (expected 0 <= rank < world size)");
  if (o.sequences_per_batch < 1 || o.workers < 1 || o.prefetch < 1)
    throw Error(kWhere, "sequences_per_batch " + std::to_string(o.sequences_per_batch) + ", workers " +
                            std::to_string(o.workers) + ", prefetch " + std::to_string(o.prefetch) +
                            " (each must be at least 1)");
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
  l.start(0, 0);
}

PackedDataLoader::~PackedDataLoader() = default;

void PackedDataLoader::set_epoch(int64_t epoch) {
  if (epoch < 0) throw Error(kWhere, "epoch " + std::to_string(epoch) + " (expected >= 0)");
  impl_->start(epoch, 0);
}

bool PackedDataLoader::next(TrainBatch& out) {
  Impl& l = *impl_;
  if (l.failed) std::rethrow_exception(l.failed);
  if (l.taken >= l.batches) return false;
  if (l.workers.empty()) l.start_workers();
  Slot slot;
  {
    std::unique_lock lock(l.mutex);
    l.ready_cv.wait(lock, [&] { return l.ready.count(l.taken) != 0; });
    auto it = l.ready.find(l.taken);
    slot = std::move(it->second);
    l.ready.erase(it);
    if (!slot.error) ++l.taken;
  }
  l.work_cv.notify_all();
  if (slot.error) {
    // position() stays at the failed batch, so a run restored from it retries that batch.
    l.failed = slot.error;
    l.stop_workers();
    std::rethrow_exception(slot.error);
  }
  out = std::move(slot.batch);
  return true;
}

int64_t PackedDataLoader::size_hint() const { return impl_->batches; }

std::string PackedDataLoader::position() const {
  std::lock_guard lock(impl_->mutex);
  return nlohmann::json{{"epoch", impl_->epoch}, {"microbatches", impl_->taken * impl_->options.world_size}}.dump();
}

void PackedDataLoader::restore(std::string_view position) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(position);
  } catch (const nlohmann::json::exception& e) {
    throw Error(kWhere, "position '" + std::string(position) + "' is not JSON: " + e.what());
  }
  const auto field = [&](const char* key) {
    if (!json.is_object() || !json.contains(key) || !json[key].is_number_integer() || json[key].get<int64_t>() < 0)
      throw Error(kWhere, "position '" + std::string(position) +
                              "' (expected {\"epoch\": E, \"microbatches\": G}, both >= 0)");
    return json[key].get<int64_t>();
  };
  const int64_t epoch = field("epoch");
  const int64_t global = field("microbatches");
  const int64_t world = impl_->options.world_size;
  if (global % world != 0)
    throw Error(kWhere, "position '" + std::string(position) + "': " + std::to_string(global) +
                            " micro-batches taken cannot be split evenly over " + std::to_string(world) +
                            " ranks (resume on a number of ranks that divides it)");
  impl_->start(epoch, global / world);
}

}  // namespace vlforge
