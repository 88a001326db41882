// Out-of-line destructors (the vtable and type-info anchors) and default implementations of the
// SDK's shared types, so that each has exactly one home: libvlforge_sdk.so.
#include "vlforge/component.hpp"
#include "vlforge/error.hpp"
#include "vlforge/interfaces/dataset.hpp"
#include "vlforge/interfaces/evaluator.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/language_model.hpp"
#include "vlforge/interfaces/packer.hpp"
#include "vlforge/interfaces/projector.hpp"
#include "vlforge/interfaces/scorer.hpp"
#include "vlforge/interfaces/selector.hpp"
#include "vlforge/interfaces/stage.hpp"
#include "vlforge/interfaces/tokenizer.hpp"
#include "vlforge/interfaces/trainer.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"
#include "vlforge/rank_sync.hpp"
#include "vlforge/registrar.hpp"
#include "vlforge/trainable.hpp"

namespace vlforge {

Component::~Component() = default;
Registrar::~Registrar() = default;
Trainable::~Trainable() = default;
void Trainable::to_device(const std::string& device) {
  const std::vector<NamedTensor> parameters = named_parameters();
  if (parameters.empty()) return;
  const at::Tensor& first = parameters.front().second;
  const at::Device target(device);
  if (first.device() != target) to(target, first.scalar_type());
}
RankSync::~RankSync() = default;

VisionEncoder::~VisionEncoder() = default;
at::Tensor VisionEncoder::image_embeds(const at::Tensor&) {
  throw Error("vision_encoder", "this encoder has no contrastive image head");
}
at::Tensor VisionEncoder::text_embeds(const at::Tensor&, const at::Tensor&) {
  throw Error("vision_encoder", "this encoder has no text tower");
}

Projector::~Projector() = default;
KVCache::~KVCache() = default;
LanguageModel::~LanguageModel() = default;
Tokenizer::~Tokenizer() = default;
ImageCodec::~ImageCodec() = default;
SampleReader::~SampleReader() = default;
const std::vector<SkippedRecord>& SampleReader::skipped() const {
  static const std::vector<SkippedRecord> none;
  return none;
}
std::map<std::string, int64_t> count_by_reason(const std::vector<SkippedRecord>& skipped) {
  std::map<std::string, int64_t> counts;
  for (const auto& s : skipped) ++counts[s.reason];
  return counts;
}
Dataset::~Dataset() = default;
int64_t Dataset::shard_size_hint(const std::string&) const { return -1; }
Scorer::~Scorer() = default;
Selector::~Selector() = default;
Packer::~Packer() = default;
LossModel::~LossModel() = default;
BatchStream::~BatchStream() = default;
Trainer::~Trainer() = default;
Evaluator::~Evaluator() = default;
Stage::~Stage() = default;

}  // namespace vlforge
