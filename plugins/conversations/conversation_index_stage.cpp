#include "conversation_index_stage.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "vlforge/context.hpp"
#include "vlforge/conversation_data.hpp"
#include "vlforge/error.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::conversations {

namespace fs = std::filesystem;

namespace {

void write_report(const fs::path& file, const ConversationIndexOptions& o, const ConversationIndexCounts& c) {
  nlohmann::ordered_json j{
      {"conversations", fs::absolute(o.conversations).string()},
      {"image_folder", fs::absolute(o.image_folder).string()},
      {"tokenizer", o.tokenizer},
      {"image_tokens", o.image_tokens},
      {"image_token_id", o.image_token_id},
      {"max_length", o.max_length},
      {"samples", c.samples},
      {"kept", c.kept},
      {"skipped", c.skipped_total()},
      {"skipped_by_reason", c.skipped},
      {"skipped_list", "skipped.tsv"},
      {"text_only", c.text_only},
      {"images", c.images},
      {"tokens", c.tokens},
      {"loss_tokens", c.loss_tokens},
      {"longest", c.longest},
      {"mean_length", c.kept == 0 ? 0.0 : static_cast<double>(c.tokens) / static_cast<double>(c.kept)}};
  const fs::path temp = fs::path(file).concat(".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out.flush()) throw Error(temp.string(), "cannot write");
  }
  fs::rename(temp, file);
}

std::string by_reason(const ConversationIndexCounts& c) {
  std::string out;
  for (const auto& [reason, n] : c.skipped) out += (out.empty() ? "" : ", ") + reason + " " + std::to_string(n);
  return out;
}

}  // namespace

Schema<ConversationIndexStageConfig> conversation_index_stage_schema() {
  Schema<ConversationIndexStageConfig> s(
      "Indexes LLaVA-style conversations for supervised fine-tuning: each sample of a .json list or .jsonl file "
      "({\"id\", \"image\": path or list of paths, \"conversations\": [{\"from\": \"human\"|\"gpt\"|\"system\", "
      "\"value\"}]}) is rendered with the tokenizer's chat template, loss marked on the assistant turns, each "
      "<image> one placeholder, and written pre-tokenised to samples/NNNNNN/NNNNNNNNN.bin, with index.bin (length "
      "and image count per sample, memory-mapped by the loader) and meta.json. Bad samples (invalid JSON, no "
      "assistant turn, missing or corrupt image, <image> count not matching the images, over max_length, ...) "
      "are skipped, listed in skipped.tsv and counted in report.json. Runs on rank 0; the other ranks wait.");
  s.field("conversations", &ConversationIndexStageConfig::conversations,
          "the samples: a .json list or a .jsonl file (one sample per line)");
  s.field("image_folder", &ConversationIndexStageConfig::image_folder,
          "the folder the samples' image paths are relative to (empty: the conversations file's folder)");
  s.field("tokenizer", &ConversationIndexStageConfig::tokenizer,
          "the language model's tokenizer, with its chat template")
      .kind("tokenizer")
      .required();
  s.field("image_codec", &ConversationIndexStageConfig::image_codec, "reads the images' headers").kind("image_codec");
  s.field("image_tokens", &ConversationIndexStageConfig::image_tokens,
          "tokens each image takes once projected (729 for SigLIP-SO400M at 384 without pooling)")
      .min(1);
  s.field("image_token_id", &ConversationIndexStageConfig::image_token_id,
          "the image placeholder id; -1: the tokenizer's vocabulary size (an id no text token has)")
      .min(-1);
  s.field("max_length", &ConversationIndexStageConfig::max_length,
          "longest sample kept, in tokens with every image expanded")
      .min(1);
  s.field("min_image_side", &ConversationIndexStageConfig::min_image_side, "images with a smaller side are skipped")
      .min(1);
  s.field("max_image_pixels", &ConversationIndexStageConfig::max_image_pixels, "images with more pixels are skipped")
      .min(1);
  return s;
}

void ConversationIndexStage::run(Context& ctx) {
  if (ctx.is_main_rank()) {
    const std::shared_ptr<Tokenizer> tokenizer = ctx.create<Tokenizer>(cfg_.tokenizer);
    const std::shared_ptr<ImageCodec> codec = ctx.create<ImageCodec>(cfg_.image_codec);
    ConversationIndexOptions o;
    o.conversations = cfg_.conversations;
    o.image_folder = cfg_.image_folder.empty() ? cfg_.conversations.parent_path() : fs::path(cfg_.image_folder);
    o.out_dir = ctx.work_dir();
    o.tokenizer = cfg_.tokenizer.use();
    o.image_tokens = cfg_.image_tokens;
    o.image_token_id = cfg_.image_token_id >= 0 ? cfg_.image_token_id : tokenizer->vocab_size();
    o.max_length = cfg_.max_length;
    o.image_limits.min_side = cfg_.min_image_side;
    o.image_limits.max_pixels = cfg_.max_image_pixels;

    std::error_code ec;
    const auto size = fs::file_size(cfg_.conversations, ec);
    Progress bar = ctx.progress("index", ec ? 0 : static_cast<int64_t>(size), "bytes");
    const ConversationIndexCounts counts = build_conversation_index(
        o, *tokenizer, *codec, [&](int64_t bytes) { bar.advance(bytes - bar.count()); });
    bar.finish();
    write_report(ctx.work_dir() / "report.json", o, counts);
    ctx.log().info("indexed ", counts.kept, " of ", counts.samples, " conversations (", counts.text_only,
                   " text-only, ", counts.images, " images, ", counts.tokens, " tokens, longest ", counts.longest, ")");
    if (counts.skipped_total() > 0)
      ctx.log().warn("skipped ", counts.skipped_total(), " (see skipped.tsv): ", by_reason(counts));
  }
  ctx.sync().barrier("conversation index built");
}

}  // namespace vlforge::conversations
