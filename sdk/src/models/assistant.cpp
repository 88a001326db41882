#include "vlforge/assistant.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <filesystem>

#include "vlforge/error.hpp"
#include "vlforge/image_pixels.hpp"
#include "vlforge/interfaces/language_model.hpp"
#include "vlforge/interfaces/projector.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"
#include "vlforge/safetensors.hpp"
#include "vlforge/utf8.hpp"

namespace vlforge {

namespace fs = std::filesystem;

namespace {

// A train stage of this run (its model/), or a model folder.
fs::path model_folder(const std::string& model, Context& ctx) {
  const fs::path stage = ctx.stage_dir(model) / "model";
  if (fs::is_directory(stage)) return stage;
  if (fs::is_directory(model)) return model;
  throw Error("model = \"" + model + "\"", "neither a finished stage/train stage of this run nor a model folder");
}

// The longest prefix of `text` that ends on a whole UTF-8 character.
size_t complete_utf8(std::string_view text) {
  size_t end = text.size();
  for (size_t back = 0; back < 4 && end > 0; ++back) {
    if (is_valid_utf8(text.substr(0, end))) return end;
    --end;
  }
  return is_valid_utf8(text.substr(0, end)) ? end : 0;
}

size_t longest(const std::vector<std::string>& strings) {
  size_t n = 0;
  for (const auto& s : strings) n = std::max(n, s.size());
  return n;
}

// Streams one row's text: re-decodes the row's tokens, emits what is new once it is whole UTF-8
// and cannot be the start of a stop string.
class RowStream {
 public:
  RowStream(const Tokenizer& tokenizer, const GenerationConfig& config) : tokenizer_(tokenizer), config_(config) {}

  bool add(int64_t token, size_t row, const TextCallback& emit) {
    if (std::find(config_.stop_token_ids.begin(), config_.stop_token_ids.end(), token) != config_.stop_token_ids.end())
      return true;
    tokens_.push_back(token);
    const std::string text = tokenizer_.decode(tokens_, true);
    size_t end = complete_utf8(text);
    const size_t hold = longest(config_.stop_strings);
    for (const auto& stop : config_.stop_strings) {
      const size_t at = text.find(stop);
      if (at != std::string::npos) end = std::min(end, at);
    }
    if (hold > 0) end = std::min(end, text.size() >= hold - 1 ? text.size() - (hold - 1) : size_t{0});
    if (end <= emitted_) return true;
    const bool more = emit(row, std::string_view(text).substr(emitted_, end - emitted_));
    emitted_ = end;
    return more;
  }

  // What was held back at the end (a stop string's possible start that never completed).
  void finish(std::string_view final_text, size_t row, const TextCallback& emit) {
    if (final_text.size() > emitted_) emit(row, final_text.substr(emitted_));
  }

 private:
  const Tokenizer& tokenizer_;
  const GenerationConfig& config_;
  std::vector<int64_t> tokens_;
  size_t emitted_ = 0;
};

}  // namespace

std::unique_ptr<Assistant> Assistant::load(const AssistantConfig& config, Context& ctx) {
  const fs::path folder = model_folder(config.model, ctx);
  auto tokenizer = ctx.create<Tokenizer>(config.tokenizer);
  auto codec = ctx.create<ImageCodec>(config.image_codec);
  auto vision = ctx.create<VisionEncoder>(config.vision);
  auto projector = ctx.create<Projector>(config.projector);
  auto lm = ctx.create<LanguageModel>(config.language_model);
  MultimodalOptions options;
  options.image_token_id = config.image_token_id >= 0 ? config.image_token_id : tokenizer->vocab_size();
  options.image_tokens = config.image_tokens;
  options.train_projector = options.train_language_model = false;
  auto model = std::make_unique<MultimodalModel>(vision, projector, lm, options);
  Checkpoint::open(folder).load_into(model->all_named_parameters());
  for (Trainable* part : std::initializer_list<Trainable*>{vision.get(), projector.get(), lm.get()}) {
    part->to_device(ctx.device());
    part->set_training(false);
  }
  ctx.log().info("model from ", folder.string(), ": ", model->image_tokens(), " tokens per image");
  return std::make_unique<Assistant>(std::move(tokenizer), std::move(codec), std::move(model));
}

Assistant::Assistant(std::shared_ptr<Tokenizer> tokenizer, std::shared_ptr<ImageCodec> codec,
                     std::unique_ptr<MultimodalModel> model)
    : tokenizer_(std::move(tokenizer)), codec_(std::move(codec)), model_(std::move(model)) {}

Assistant::~Assistant() = default;

int64_t Assistant::context_length() const { return model_->language_model().shape().max_positions; }

EncodedPrompt Assistant::encode(const ChatPrompt& prompt) const {
  if (prompt.raw && prompt.messages.size() != 1)
    throw Error("prompt", "a raw prompt is one message, got " + std::to_string(prompt.messages.size()));
  if (prompt.messages.empty()) throw Error("prompt", "no messages");
  const std::string text =
      prompt.raw ? prompt.messages.front().content : tokenizer_->apply_chat_template(prompt.messages, true);
  const int64_t placeholder = model_->options().image_token_id;
  std::vector<int64_t> ids;
  size_t start = 0, markers = 0;
  for (;;) {
    const size_t at = text.find(kImageMarker, start);
    const std::vector<int64_t> piece = tokenizer_->encode(std::string_view(text).substr(start, at - start));
    ids.insert(ids.end(), piece.begin(), piece.end());
    if (at == std::string::npos) break;
    ids.push_back(placeholder);
    ++markers;
    start = at + kImageMarker.size();
  }
  if (markers != prompt.images.size())
    throw Error("prompt", "the text marks " + std::to_string(markers) + " image(s) with <image> but " +
                              std::to_string(prompt.images.size()) + " image(s) were given");
  EncodedPrompt out;
  out.ids = expand_image_placeholders(ids, placeholder, model_->image_tokens());
  if (!prompt.images.empty()) {
    std::vector<at::Tensor> pixels;
    const ImagePreprocess preprocess = model_->vision().preprocess();
    for (size_t i = 0; i < prompt.images.size(); ++i) {
      const std::vector<uint8_t> bytes = image_input_bytes(prompt.images[i]);
      try {
        pixels.push_back(image_pixels(*codec_, bytes, preprocess, ResizeMode::stretch));
      } catch (const Error& e) {
        throw Error("image " + std::to_string(i + 1), e.what());
      }
    }
    out.pixel_values = at::stack(pixels);
  }
  return out;
}

std::vector<Reply> Assistant::generate(std::span<const ChatPrompt> prompts, const GenerationConfig& config,
                                       const TextCallback& stream) {
  std::vector<EncodedPrompt> encoded;
  encoded.reserve(prompts.size());
  for (const ChatPrompt& p : prompts) encoded.push_back(encode(p));
  return generate(std::span<const EncodedPrompt>(encoded), config, stream);
}

std::vector<Reply> Assistant::generate(std::span<const EncodedPrompt> prompts, const GenerationConfig& base,
                                       const TextCallback& stream) {
  if (prompts.empty()) return {};
  GenerationConfig config = base;
  if (config.stop_token_ids.empty()) config.stop_token_ids = {tokenizer_->eos_id()};
  config.pad_token_id = tokenizer_->pad_id();

  // Left-padded rows, their images in reading order.
  size_t longest_prompt = 0;
  for (const auto& p : prompts) longest_prompt = std::max(longest_prompt, p.ids.size());
  const auto batch = static_cast<int64_t>(prompts.size()), width = static_cast<int64_t>(longest_prompt);
  at::Tensor ids = at::full({batch, width}, tokenizer_->pad_id(), at::kLong);
  at::Tensor mask = at::zeros({batch, width}, at::kLong);
  std::vector<at::Tensor> pixels;
  for (int64_t b = 0; b < batch; ++b) {
    const auto& p = prompts[static_cast<size_t>(b)];
    const auto n = static_cast<int64_t>(p.ids.size());
    if (n == 0) throw Error("prompt " + std::to_string(b + 1), "is empty");
    ids[b].narrow(0, width - n, n).copy_(at::tensor(p.ids, at::kLong));
    mask[b].narrow(0, width - n, n).fill_(1);
    if (p.pixel_values.defined()) pixels.push_back(p.pixel_values);
  }
  const at::Device device = model_->language_model().named_parameters().front().second.device();
  MultimodalInput input;
  input.input_ids = ids.to(device);
  input.attention_mask = mask.to(device);
  if (!pixels.empty()) input.pixel_values = at::cat(pixels).to(device);

  std::vector<RowStream> rows(prompts.size(), RowStream(*tokenizer_, config));
  // Rows with a smaller budget than the batch's end through the token callback, at exactly it;
  // a stop token there is let through, so the model ends the row as stopped.
  std::vector<int64_t> generated(prompts.size(), 0);
  std::vector<bool> at_budget(prompts.size(), false);
  TokenCallback on_token = [&](int64_t b, int64_t token) {
    const auto row = static_cast<size_t>(b);
    if (stream && !rows[row].add(token, row, stream)) return false;
    const int64_t budget = prompts[row].max_new_tokens;
    if (budget > 0 && ++generated[row] >= budget && budget < config.max_new_tokens &&
        std::ranges::find(config.stop_token_ids, token) == config.stop_token_ids.end()) {
      at_budget[row] = true;
      return false;
    }
    return true;
  };
  const GenerationOutput out = model_->generate(input, config, detokenizer(*tokenizer_), on_token);

  std::vector<Reply> replies(prompts.size());
  for (size_t b = 0; b < prompts.size(); ++b) {
    Reply& r = replies[b];
    r.tokens = out.new_tokens[b];
    r.finish = at_budget[b] ? FinishReason::length : out.finish_reasons[b];  // the model saw a cancel
    r.prompt_tokens = static_cast<int64_t>(prompts[b].ids.size());
    std::vector<int64_t> kept = r.tokens;
    if (r.finish == FinishReason::stop_token && !kept.empty()) kept.pop_back();
    r.text = tokenizer_->decode(kept, true);
    for (const auto& stop : config.stop_strings)
      if (const size_t at = r.text.find(stop); at != std::string::npos) r.text.resize(at);
    // The text held back for a stop string that never came, unless the consumer went away.
    if (stream && r.finish != FinishReason::cancelled) rows[b].finish(r.text, b, stream);
  }
  return replies;
}

std::vector<double> Assistant::score_options(const ChatPrompt& prompt, std::span<const std::string> options) {
  if (options.empty()) return {};
  torch::NoGradGuard no_grad;
  const EncodedPrompt p = encode(prompt);
  std::vector<std::vector<int64_t>> continuations;
  size_t longest_option = 0;
  for (const auto& option : options) {
    continuations.push_back(tokenizer_->encode(option));
    if (continuations.back().empty()) throw Error("option '" + option + "'", "encodes to no tokens");
    longest_option = std::max(longest_option, continuations.back().size());
  }
  // Left-padded rows: prompt + option, so every option ends at the last column.
  const auto rows = static_cast<int64_t>(options.size());
  const auto width = static_cast<int64_t>(p.ids.size() + longest_option);
  at::Tensor ids = at::full({rows, width}, tokenizer_->pad_id(), at::kLong);
  at::Tensor mask = at::zeros({rows, width}, at::kLong);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<int64_t> row = p.ids;
    const auto& c = continuations[static_cast<size_t>(r)];
    row.insert(row.end(), c.begin(), c.end());
    const auto n = static_cast<int64_t>(row.size());
    ids[r].narrow(0, width - n, n).copy_(at::tensor(row, at::kLong));
    mask[r].narrow(0, width - n, n).fill_(1);
  }
  const at::Device device = model_->language_model().named_parameters().front().second.device();
  MultimodalInput input;
  input.input_ids = ids.to(device);
  input.attention_mask = mask.to(device);
  if (p.pixel_values.defined()) input.pixel_values = p.pixel_values.repeat({rows, 1, 1, 1}).to(device);
  const at::Tensor logprobs = model_->forward(input).lm.logits.to(at::kCPU, at::kFloat).log_softmax(-1);

  std::vector<double> out;
  for (int64_t r = 0; r < rows; ++r) {
    const auto& c = continuations[static_cast<size_t>(r)];
    double sum = 0;
    for (size_t i = 0; i < c.size(); ++i) {
      const int64_t column = width - static_cast<int64_t>(c.size()) + static_cast<int64_t>(i);
      sum += logprobs[r][column - 1][c[i]].item<double>();  // the previous position predicts it
    }
    out.push_back(sum);
  }
  return out;
}

}  // namespace vlforge
