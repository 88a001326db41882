// vlforge::Assistant: a trained multimodal model with its tokenizer and image codec, answering
// prompts: what stage/evaluate, stage/serve, `vlforge chat` and stage/export share.
//
// A stage that uses a trained model derives its config from AssistantConfig and adds its fields
// with add_assistant_fields(), so every such stage names the model the same way in a recipe:
//
//   [[stage]]
//   name = "eval"
//   use = "stage/evaluate"
//   model = "sft"                 # a train stage of this run (its model/) or a model folder
//   vision = "vision"             # the components it was trained with
//   projector = "projector"
//   language_model = "lm"
//   tokenizer = "tokenizer"
//   image_tokens = 729
//
// Prompts are chat messages whose content marks each image with "<image>"; the assistant renders
// them with the tokenizer's chat template, expands each marker into image_tokens placeholders and
// decodes, resizes and normalises the images as the encoder expects. Generation is batched: rows
// are left-padded and run through shared decoding steps.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/context.hpp"
#include "vlforge/export.hpp"
#include "vlforge/generation.hpp"
#include "vlforge/image_input.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/tokenizer.hpp"
#include "vlforge/multimodal_model.hpp"
#include "vlforge/schema.hpp"

namespace vlforge {

// The marker of an image in a prompt's text.
inline constexpr std::string_view kImageMarker = "<image>";

struct AssistantConfig {
  std::string model;  // weights: a train stage of this run (its model/) or a model folder
  ComponentSpec vision;
  ComponentSpec projector;
  ComponentSpec language_model;
  ComponentSpec tokenizer;
  ComponentSpec image_codec{"image_codec", "stb", {}, {}};
  int64_t image_tokens = 0;     // tokens per image; 0: the projector's default
  int64_t image_token_id = -1;  // placeholder id; -1: the tokenizer's vocab_size (vlforge's data stages)
};

// Adds AssistantConfig's fields to the schema of a config derived from it.
template <class T>
void add_assistant_fields(Schema<T>& s) {
  // &T::model names a member of the base: spelled as a member of T so that field() deduces T.
  using Spec = ComponentSpec T::*;
  s.field("model", static_cast<std::string T::*>(&T::model),
          "the trained weights: the name of a stage/train stage of this run (its model/ folder) or a folder of "
          "safetensors with Hugging Face (LLaVA) names")
      .required();
  s.field("vision", static_cast<Spec>(&T::vision), "the vision encoder the model was trained with")
      .kind("vision_encoder")
      .required();
  s.field("projector", static_cast<Spec>(&T::projector), "the projector the model was trained with")
      .kind("projector")
      .required();
  s.field("language_model", static_cast<Spec>(&T::language_model), "the language model it was trained with")
      .kind("language_model")
      .required();
  s.field("tokenizer", static_cast<Spec>(&T::tokenizer), "the tokenizer of its training data").kind("tokenizer").required();
  s.field("image_codec", static_cast<Spec>(&T::image_codec), "decodes the prompts' images").kind("image_codec");
  s.field("image_tokens", static_cast<int64_t T::*>(&T::image_tokens),
          "tokens per image (729 after Open-Qwen2VL SFT); 0: the projector's default")
      .min(0);
  s.field("image_token_id", static_cast<int64_t T::*>(&T::image_token_id),
          "id of the image placeholder in input_ids; -1: the tokenizer's vocab_size, as vlforge's pack and "
          "conversation-index stages number it")
      .min(-1);
}

// A prompt: chat messages ("<image>" in a content marks an image), or raw text to continue.
struct ChatPrompt {
  std::vector<ChatMessage> messages;
  std::vector<ImageInput> images;  // one per "<image>" marker, in reading order
  // true: messages must be one message, whose content is continued as it is, without the chat
  // template (few-shot prompts for a pre-trained base model).
  bool raw = false;
};

// A prompt as the model reads it.
struct EncodedPrompt {
  std::vector<int64_t> ids;  // with image_tokens() placeholders per image
  at::Tensor pixel_values;   // [I, 3, H, W]; undefined without images
  // This row's token budget when below the batch's max_new_tokens (rows of a batch may ask for
  // different lengths); 0: the batch's. A row that reaches it ends with FinishReason::length.
  int64_t max_new_tokens = 0;
};

struct Reply {
  std::string text;             // the new text, without a final stop token or stop string
  std::vector<int64_t> tokens;  // the new ids, as generated (with the stop token)
  FinishReason finish = FinishReason::length;
  int64_t prompt_tokens = 0;
};

// Streaming: each new piece of a row's text as soon as it is complete UTF-8; returning false
// ends that row (FinishReason::cancelled).
using TextCallback = std::function<bool(size_t row, std::string_view delta)>;

class VLFORGE_API Assistant {
 public:
  // Builds the components, loads the weights, moves the model to ctx.device(), in eval mode.
  // Throws vlforge::Error naming the stage's key when the model folder or a weight is missing.
  static std::unique_ptr<Assistant> load(const AssistantConfig& config, Context& ctx);
  Assistant(std::shared_ptr<Tokenizer> tokenizer, std::shared_ptr<ImageCodec> codec,
            std::unique_ptr<MultimodalModel> model);
  ~Assistant();

  Tokenizer& tokenizer() { return *tokenizer_; }
  MultimodalModel& model() { return *model_; }
  // The longest prompt + answer the language model takes (its max_position_embeddings).
  int64_t context_length() const;

  // Throws vlforge::Error when the markers and images differ in number or an image cannot be
  // decoded (what a server reports as a bad request).
  EncodedPrompt encode(const ChatPrompt& prompt) const;

  // Answers a batch of prompts in shared decoding steps. The config's stop tokens default to the
  // tokenizer's end of turn when empty; `stream` sees the text as it comes.
  std::vector<Reply> generate(std::span<const ChatPrompt> prompts, const GenerationConfig& config,
                              const TextCallback& stream = {});
  std::vector<Reply> generate(std::span<const EncodedPrompt> prompts, const GenerationConfig& config,
                              const TextCallback& stream = {});

  // Summed log-probability of each option's tokens as the continuation of the prompt (for a chat
  // prompt: the start of the answer), one forward pass over all options.
  std::vector<double> score_options(const ChatPrompt& prompt, std::span<const std::string> options);

 private:
  std::shared_ptr<Tokenizer> tokenizer_;
  std::shared_ptr<ImageCodec> codec_;
  std::unique_ptr<MultimodalModel> model_;
};

}  // namespace vlforge
