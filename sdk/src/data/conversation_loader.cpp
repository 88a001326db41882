#include <ATen/ATen.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <thread>

#include "conversation_order.hpp"
#include "vlforge/conversation_data.hpp"
#include "vlforge/error.hpp"
#include "vlforge/image_pixels.hpp"
#include "vlforge/multimodal_model.hpp"

namespace vlforge {

namespace {

const std::string kWhere = "conversation loader";

struct Slot {
  TrainBatch batch;
  std::exception_ptr error;
};

std::vector<uint8_t> file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "cannot open the image (was it moved after indexing?)");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

struct ConversationLoader::Impl {
  ConversationLoaderOptions options;
  std::shared_ptr<const ImageCodec> codec;
  std::unique_ptr<ConversationIndex> index;
  int64_t samples = 0;  // within max_length

  int64_t epoch = 0;
  std::vector<uint32_t> order;  // this rank's samples for `epoch`, batches * B of them
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

void ConversationLoader::Impl::plan(int64_t new_epoch) {
  ConversationOrderOptions o;
  o.seed = options.seed;
  o.epoch = new_epoch;
  o.rows = options.samples_per_batch;
  o.max_length = options.max_length;
  o.group_by_length = options.group_by_length;
  o.group_size = options.group_size;
  const std::vector<uint32_t> global = conversation_order(*index, o);

  // Global micro-batch g belongs to rank g % world; every rank takes the same number.
  const auto world = static_cast<int64_t>(options.world_size);
  const int64_t rows = options.samples_per_batch;
  batches = static_cast<int64_t>(global.size()) / rows / world;
  order.clear();
  order.reserve(static_cast<size_t>(batches * rows));
  for (int64_t k = 0; k < batches; ++k) {
    const int64_t g = k * world + options.rank;
    for (int64_t r = 0; r < rows; ++r) order.push_back(global[static_cast<size_t>(g * rows + r)]);
  }
  epoch = new_epoch;
}

void ConversationLoader::Impl::start(int64_t new_epoch, int64_t first_batch) {
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

void ConversationLoader::Impl::start_workers() {
  stopping = false;
  for (int w = 0; w < options.workers; ++w) workers.emplace_back([this] { work(); });
}

void ConversationLoader::Impl::stop_workers() {
  {
    std::lock_guard lock(mutex);
    stopping = true;
  }
  work_cv.notify_all();
  for (std::thread& t : workers) t.join();
  workers.clear();
  ready.clear();
}

void ConversationLoader::Impl::work() {
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

TrainBatch ConversationLoader::Impl::build(int64_t batch) const {
  const int64_t rows = options.samples_per_batch;
  const int64_t image_id = index->meta().image_token_id;
  const int64_t image_tokens = index->meta().image_tokens;
  std::vector<IndexedConversation> conversations;
  int64_t width = 1;
  for (int64_t r = 0; r < rows; ++r) {
    const uint32_t sample = order[static_cast<size_t>(batch * rows + r)];
    conversations.push_back(index->read(sample));
    width = std::max(width, index->length(sample));
  }

  const auto cells = static_cast<size_t>(rows * width);
  std::vector<int64_t> input_ids(cells, options.pad_token_id);
  std::vector<int64_t> labels(cells, kIgnoreIndex);
  std::vector<int64_t> attention_mask(cells, 0);
  std::vector<int64_t> position_ids(cells, 0);
  std::vector<at::Tensor> pixels;
  TrainBatch out;
  for (int64_t r = 0; r < rows; ++r) {
    const IndexedConversation& c = conversations[static_cast<size_t>(r)];
    const size_t row = static_cast<size_t>(r * width);
    size_t t = 0;
    for (size_t i = 0; i < c.ids.size(); ++i) {
      const bool image = c.ids[i] == image_id;
      const bool loss = !image && c.loss_mask[i] != 0;
      // ConversationIndex::read checked the file against the index, so the row fits `width`.
      for (int64_t j = 0; j < (image ? image_tokens : 1); ++j, ++t) {
        input_ids[row + t] = c.ids[i];
        labels[row + t] = loss ? c.ids[i] : kIgnoreIndex;
        attention_mask[row + t] = 1;
        position_ids[row + t] = static_cast<int64_t>(t);
      }
      out.loss_tokens += loss ? 1 : 0;
    }
    out.tokens += static_cast<int64_t>(t);
    out.image_tokens += static_cast<int64_t>(c.images.size()) * image_tokens;
    for (const auto& path : c.images) {
      const std::vector<uint8_t> bytes = file_bytes(path);
      try {
        pixels.push_back(image_pixels(*codec, bytes, options.preprocess, options.resize));
      } catch (const Error& e) {
        throw Error(path.string(), "sample '" + c.id + "': " + e.reason());
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
  if (!pixels.empty()) out.tensors["pixel_values"] = at::stack(pixels);
  return out;
}

ConversationLoader::ConversationLoader(ConversationLoaderOptions options, std::shared_ptr<const ImageCodec> codec)
    : impl_(std::make_unique<Impl>()) {
  Impl& l = *impl_;
  ConversationLoaderOptions& o = options;
  if (o.world_size < 1 || o.rank < 0 || o.rank >= o.world_size)
    throw Error(kWhere, "rank " + std::to_string(o.rank) + " of world size " + std::to_string(o.world_size) +
                            " (expected 0 <= rank < world size)");
  if (o.samples_per_batch < 1 || o.workers < 1 || o.prefetch < 1 || o.group_size < 1)
    throw Error(kWhere, "samples_per_batch " + std::to_string(o.samples_per_batch) + ", group_size " +
                            std::to_string(o.group_size) + ", workers " + std::to_string(o.workers) + ", prefetch " +
                            std::to_string(o.prefetch) + " (each must be at least 1)");
  if (!codec) throw Error(kWhere, "no image codec given");
  l.index = std::make_unique<ConversationIndex>(o.index);
  const ConversationIndexMeta& m = l.index->meta();
  const std::string meta_file = (o.index / "meta.json").string();
  if (o.image_tokens != 0 && o.image_tokens != m.image_tokens)
    throw Error(meta_file, "indexed with image_tokens " + std::to_string(m.image_tokens) +
                               ", but the loader was given " + std::to_string(o.image_tokens) +
                               " (rebuild the index, or use " + std::to_string(m.image_tokens) + ")");
  if (o.image_token_id != -1 && o.image_token_id != m.image_token_id)
    throw Error(meta_file, "indexed with image_token_id " + std::to_string(m.image_token_id) +
                               ", but the loader was given " + std::to_string(o.image_token_id) +
                               " (the model's placeholder must be the index's)");
  if (o.max_length < 0) throw Error(kWhere, "max_length " + std::to_string(o.max_length) + " (expected >= 0)");
  o.image_tokens = m.image_tokens;
  o.image_token_id = m.image_token_id;
  if (o.max_length == 0) o.max_length = m.max_length;
  l.samples = conversation_order_samples(*l.index, o.max_length);
  l.options = std::move(options);
  l.codec = std::move(codec);
  l.start(0, 0);
}

ConversationLoader::~ConversationLoader() = default;

const ConversationIndexMeta& ConversationLoader::meta() const { return impl_->index->meta(); }

int64_t ConversationLoader::samples() const { return impl_->samples; }

void ConversationLoader::set_epoch(int64_t epoch) {
  if (epoch < 0) throw Error(kWhere, "epoch " + std::to_string(epoch) + " (expected >= 0)");
  impl_->start(epoch, 0);
}

bool ConversationLoader::next(TrainBatch& out) {
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

int64_t ConversationLoader::size_hint() const { return impl_->batches; }

std::string ConversationLoader::position() const {
  std::lock_guard lock(impl_->mutex);
  return nlohmann::json{{"epoch", impl_->epoch}, {"microbatches", impl_->taken * impl_->options.world_size}}.dump();
}

void ConversationLoader::restore(std::string_view position) {
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
