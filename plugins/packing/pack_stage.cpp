#include "pack_stage.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "caption_document.hpp"
#include "pack_report.hpp"
#include "vlforge/atomic_file.hpp"
#include "vlforge/context.hpp"
#include "vlforge/error.hpp"
#include "vlforge/interfaces/dataset.hpp"
#include "vlforge/interfaces/packer.hpp"
#include "vlforge/interfaces/tokenizer.hpp"
#include "vlforge/packed_shard.hpp"

namespace vlforge::packing {

namespace fs = std::filesystem;

namespace {

std::string window_name(size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%08zu.vlpack", index);
  return name;
}

fs::path counts_path(const fs::path& packed) { return fs::path(packed).concat(".counts.json"); }

struct Document {
  CaptionDocument doc;
  std::string uid;
  PackedImage image;
};

class WindowPacker {
 public:
  WindowPacker(Dataset& data, const Packer& packer, const CaptionDocumentBuilder& builder, PackedShardMeta meta)
      : data_(data), packer_(packer), builder_(builder), meta_(std::move(meta)) {}

  PackCounts pack(const std::vector<std::string>& shards, const fs::path& out, Progress& bar) {
    PackCounts counts;
    std::vector<Document> docs;
    for (const auto& shard : shards) {
      std::unique_ptr<SampleReader> reader = data_.open(shard);
      for (Sample s; reader->next(s); s = Sample{}) {
        ++counts.samples;
        bar.advance(1);
        Document d;
        std::string why;
        if (!builder_.build(s, d.doc, why)) {
          ++counts.dropped;
          continue;
        }
        counts.truncated += d.doc.truncated;
        d.uid = s.uid;
        d.image = PackedImage{s.image_format, std::move(s.image)};
        docs.push_back(std::move(d));
      }
      for (const auto& [reason, n] : count_by_reason(reader->skipped())) counts.skipped[reason] += n;
    }

    std::vector<int64_t> lengths;
    lengths.reserve(docs.size());
    for (const auto& d : docs) lengths.push_back(d.doc.length);
    const PackPlan plan = packer_.pack(lengths);

    meta_.source = shards.front();
    PackedShardWriter writer(out, meta_);
    for (const auto& bin : plan.bins) {
      PackedSequence seq;
      for (int64_t i : bin) {
        const Document& d = docs.at(static_cast<size_t>(i));
        seq.input_ids.insert(seq.input_ids.end(), d.doc.ids.begin(), d.doc.ids.end());
        seq.documents.push_back({d.uid, d.doc.length, d.doc.images, d.doc.loss_from});
        if (d.doc.images > 0) seq.images.push_back(d.image);
        counts.tokens += d.doc.length;
        counts.images += d.doc.images;
      }
      counts.documents += static_cast<int64_t>(bin.size());
      ++counts.documents_per_sequence[static_cast<int64_t>(bin.size())];
      writer.add(seq);
    }
    writer.close();
    counts.sequences = static_cast<int64_t>(plan.bins.size());
    counts.lower_bound = (counts.tokens + meta_.context - 1) / meta_.context;
    return counts;
  }

 private:
  Dataset& data_;
  const Packer& packer_;
  const CaptionDocumentBuilder& builder_;
  PackedShardMeta meta_;
};

}  // namespace

Schema<PackStageConfig> pack_stage_schema() {
  Schema<PackStageConfig> s(
      "Packs caption samples into sequences of the packer's context (4096) for pre-training: each sample is "
      "tokenized as image, newline, caption, end_text (the image counting the packer's image_tokens), and each "
      "window of `window` input shards is packed on its own into packed/NNNNNNNN.vlpack, with the image bytes "
      "as they were, token ids, per-document lengths and uids. Over-length samples are truncated (the caption "
      "cut, end_text kept) or dropped, and counted. Writes pack_report.json and pack_report.txt. Window i is "
      "packed by rank i % world_size; finished windows are kept on a rerun.");
  s.field("data", &PackStageConfig::data, "the caption samples to pack").kind("dataset").required();
  s.field("tokenizer", &PackStageConfig::tokenizer, "the language model's tokenizer").kind("tokenizer").required();
  s.field("packer", &PackStageConfig::packer, "groups documents into sequences").kind("packer");
  s.field("window", &PackStageConfig::window, "input shards packed together (1: per shard, as the paper)").min(1);
  s.field("image_token_id", &PackStageConfig::image_token_id,
          "the image placeholder id; -1: the tokenizer's vocabulary size (an id no text token has)")
      .min(-1);
  s.field("end_text", &PackStageConfig::end_text, "text ending every document");
  s.field("over_length", &PackStageConfig::over_length, "what happens to a sample longer than the context")
      .choices({"truncate", "drop"});
  return s;
}

void PackStage::run(Context& ctx) {
  const std::shared_ptr<Dataset> data = ctx.create<Dataset>(cfg_.data);
  const std::shared_ptr<Tokenizer> tokenizer = ctx.create<Tokenizer>(cfg_.tokenizer);
  const std::shared_ptr<Packer> packer = ctx.create<Packer>(cfg_.packer);

  DocumentLayout layout;
  layout.image_token_id = cfg_.image_token_id >= 0 ? cfg_.image_token_id : tokenizer->vocab_size();
  layout.image_tokens = packer->image_tokens();
  layout.context = packer->context();
  layout.end_text = cfg_.end_text;
  layout.truncate = cfg_.over_length == "truncate";
  const CaptionDocumentBuilder builder(*tokenizer, layout);

  PackedShardMeta meta;
  meta.context = layout.context;
  meta.image_tokens = layout.image_tokens;
  meta.image_token_id = layout.image_token_id;
  meta.tokenizer = cfg_.tokenizer.use();

  const std::vector<std::string> shards = data->shards();
  if (shards.empty()) throw Error(cfg_.data.where.str(), "dataset '" + cfg_.data.use() + "' has no shards");
  const auto window = static_cast<size_t>(cfg_.window);
  const size_t windows = (shards.size() + window - 1) / window;
  const fs::path out_dir = ctx.work_dir() / "packed";
  fs::create_directories(out_dir);

  std::vector<size_t> todo;
  size_t mine = 0;
  for (size_t w = 0; w < windows; ++w) {
    if (static_cast<int>(w % static_cast<size_t>(ctx.world_size())) != ctx.rank()) continue;
    ++mine;
    if (!fs::exists(counts_path(out_dir / window_name(w)))) todo.push_back(w);
  }
  if (todo.size() < mine) ctx.log().info("resuming: ", mine - todo.size(), " of ", mine, " window(s) already packed");

  // Unknown shard sizes leave the bar with a count and a rate only.
  int64_t total = 0;
  bool sized = true;
  for (size_t w : todo)
    for (size_t s = w * window; sized && s < std::min(shards.size(), (w + 1) * window); ++s) {
      const int64_t hint = data->shard_size_hint(shards[s]);
      sized = hint >= 0;
      total += hint;
    }
  Progress bar = ctx.progress("pack", sized ? total : 0, "samples");
  WindowPacker packing(*data, *packer, builder, meta);
  for (size_t w : todo) {
    const std::vector<std::string> group(shards.begin() + static_cast<std::ptrdiff_t>(w * window),
                                         shards.begin() + static_cast<std::ptrdiff_t>(std::min(shards.size(), (w + 1) * window)));
    const fs::path out = out_dir / window_name(w);
    const PackCounts counts = packing.pack(group, out, bar);
    // The counts mark the window done, so they are written after its packed shard is in place.
    write_file_atomically(counts_path(out), counts.json().dump());
    ctx.log().info("packed ", group.front(), group.size() > 1 ? " and the next " + std::to_string(group.size() - 1) : "",
                   ": ", counts.documents, " documents into ", counts.sequences, " sequences");
  }
  bar.finish();
  ctx.sync().barrier("every window packed");
  if (!ctx.is_main_rank()) return;

  PackCounts all;
  std::string list;
  for (size_t w = 0; w < windows; ++w) {
    const fs::path out = out_dir / window_name(w);
    std::ifstream in(counts_path(out));
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded())
      throw Error(counts_path(out).string(), "missing or unreadable after every rank finished (delete it and its .vlpack to redo the window)");
    all.merge(PackCounts::from_json(j));
    list += out.string() + "\n";
  }
  write_file_atomically(ctx.work_dir() / "packed.txt", list);
  write_file_atomically(ctx.work_dir() / "pack_report.json",
                   pack_report_json(all, layout.context, cfg_.packer.use(), static_cast<int64_t>(windows)));
  write_file_atomically(ctx.work_dir() / "pack_report.txt",
                   pack_report_text(all, layout.context, cfg_.packer.use(), static_cast<int64_t>(windows)));
  ctx.log().info("packed ", all.documents, " documents into ", all.sequences, " sequences (lower bound ",
                 all.lower_bound, "), fill ", 100.0 * static_cast<double>(all.tokens) /
                                                    static_cast<double>(std::max<int64_t>(1, all.sequences * layout.context)),
                 "%");
}

}  // namespace vlforge::packing
