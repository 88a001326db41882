#include <ATen/ATen.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <span>

#include "conversation_order.hpp"
#include "prefetched_epochs.hpp"
#include "vlforge/conversation_data.hpp"
#include "vlforge/error.hpp"
#include "vlforge/image_pixels.hpp"
#include "vlforge/multimodal_model.hpp"

namespace vlforge {

namespace {

const std::string kWhere = "conversation loader";

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
  int64_t samples = 0;           // within max_length
  std::vector<uint32_t> global;  // the epoch's order, B samples per micro-batch
  std::unique_ptr<PrefetchedEpochs> epochs;

  int64_t plan(int64_t epoch);
  TrainBatch build(int64_t batch) const;
};

int64_t ConversationLoader::Impl::plan(int64_t epoch) {
  ConversationOrderOptions o;
  o.seed = options.seed;
  o.epoch = epoch;
  o.rows = options.samples_per_batch;
  o.max_length = options.max_length;
  o.group_by_length = options.group_by_length;
  o.group_size = options.group_size;
  global = conversation_order(*index, o);
  return static_cast<int64_t>(global.size()) / options.samples_per_batch;
}

TrainBatch ConversationLoader::Impl::build(int64_t batch) const {
  const int64_t rows = options.samples_per_batch;
  const int64_t image_id = index->meta().image_token_id;
  const int64_t image_tokens = index->meta().image_tokens;
  std::vector<IndexedConversation> conversations;
  int64_t width = 1;
  for (int64_t r = 0; r < rows; ++r) {
    const uint32_t sample = global[static_cast<size_t>(batch * rows + r)];
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
  if (o.samples_per_batch < 1 || o.group_size < 1)
    throw Error(kWhere, "samples_per_batch " + std::to_string(o.samples_per_batch) + ", group_size " +
                            std::to_string(o.group_size) + " (each must be at least 1)");
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
  l.epochs = std::make_unique<PrefetchedEpochs>(
      kWhere, l.options.rank, l.options.world_size, l.options.workers, l.options.prefetch,
      [&l](int64_t epoch) { return l.plan(epoch); }, [&l](int64_t batch) { return l.build(batch); });
  l.epochs->set_epoch(0);
}

ConversationLoader::~ConversationLoader() = default;

const ConversationIndexMeta& ConversationLoader::meta() const { return impl_->index->meta(); }
int64_t ConversationLoader::samples() const { return impl_->samples; }
void ConversationLoader::set_epoch(int64_t epoch) { impl_->epochs->set_epoch(epoch); }
bool ConversationLoader::next(TrainBatch& out) { return impl_->epochs->next(out); }
int64_t ConversationLoader::size_hint() const { return impl_->epochs->size_hint(); }
std::string ConversationLoader::position() const { return impl_->epochs->position(); }
void ConversationLoader::restore(std::string_view position) { impl_->epochs->restore(position); }

}  // namespace vlforge
