#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "conversation_index_layout.hpp"
#include "conversation_sample_file.hpp"
#include "conversation_source.hpp"
#include "vlforge/conversation_data.hpp"
#include "vlforge/error.hpp"

namespace vlforge {

namespace fs = std::filesystem;
namespace layout = conversation_index;

namespace {

std::string tsv_field(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return out;
}

void put_u32(std::ostream& out, uint64_t v) {
  for (int b = 0; b < 4; ++b) out.put(static_cast<char>((v >> (8 * b)) & 0xff));
}

void put_u64(std::ostream& out, uint64_t v) {
  put_u32(out, v & 0xffffffffULL);
  put_u32(out, v >> 32);
}

void write_header(std::ostream& out, uint64_t count) {
  out.write(layout::kMagic.data(), static_cast<std::streamsize>(layout::kMagic.size()));
  put_u32(out, layout::kVersion);
  put_u32(out, layout::kRecordBytes);
  put_u64(out, count);
}

void finish_file(std::ofstream& out, const fs::path& temp, const fs::path& path) {
  out.close();
  if (!out) throw Error(temp.string(), "cannot write");
  fs::rename(temp, path);
}

// Whether the sample's images are there and readable, header only; their resolved paths in `out`.
std::optional<ConversationProblem> check_images(const Conversation& c, const ConversationIndexOptions& o,
                                                const ImageCodec& codec, std::vector<fs::path>& out) {
  for (const std::string& name : c.images) {
    const fs::path path = fs::absolute(o.image_folder / name).lexically_normal();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return ConversationProblem{"missing image", path.string()};
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad() || !in.is_open()) return ConversationProblem{"unreadable image", path.string()};
    if (auto problem = check_image(codec, bytes, o.image_limits))
      return ConversationProblem{problem->reason, path.string() + ": " + problem->detail};
    out.push_back(path);
  }
  return std::nullopt;
}

}  // namespace

ConversationIndexCounts build_conversation_index(const ConversationIndexOptions& o, const Tokenizer& tokenizer,
                                                 const ImageCodec& codec,
                                                 const std::function<void(int64_t bytes)>& progress) {
  if (o.image_token_id < 0)
    throw Error("conversation index", "image_token_id " + std::to_string(o.image_token_id) +
                                          " (expected an id >= 0 that no text token has)");
  if (o.image_tokens < 1 || o.max_length < 1)
    throw Error("conversation index", "image_tokens " + std::to_string(o.image_tokens) + ", max_length " +
                                          std::to_string(o.max_length) + " (each must be at least 1)");
  ConversationSource source(o.conversations);

  fs::create_directories(o.out_dir);
  // A rebuild must not leave an earlier index's meta or stray samples looking valid.
  fs::remove(o.out_dir / layout::kMetaFile);
  fs::remove(o.out_dir / layout::kIndexFile);
  fs::remove_all(o.out_dir / layout::kSamplesFolder);

  const fs::path index_temp = o.out_dir / (std::string(layout::kIndexFile) + ".tmp");
  const fs::path skipped_temp = o.out_dir / (std::string(layout::kSkippedFile) + ".tmp");
  std::ofstream index(index_temp, std::ios::binary | std::ios::trunc);
  std::ofstream skipped(skipped_temp, std::ios::binary | std::ios::trunc);
  if (!index || !skipped) throw Error(o.out_dir.string(), "cannot write the index there");
  write_header(index, 0);  // the count is filled in at the end
  skipped << "sample\tid\treason\tdetail\n";

  ConversationIndexCounts counts;
  int64_t folder = -1;
  const auto skip = [&](int64_t sample, const std::string& id, const ConversationProblem& p) {
    ++counts.skipped[p.reason];
    skipped << sample << '\t' << tsv_field(id) << '\t' << p.reason << '\t' << tsv_field(p.detail) << '\n';
  };

  std::string text;
  Conversation conversation;
  for (int64_t sample = 0; source.next(text); ++sample) {
    ++counts.samples;
    if (progress && sample % 256 == 0) progress(source.bytes_read());
    if (auto problem = parse_conversation(text, conversation)) {
      if (problem->reason == "invalid json")
        problem->detail = "line " + std::to_string(source.line()) + ": " + problem->detail;
      skip(sample, conversation.id, *problem);
      continue;
    }
    const ConversationTokens tokens = tokenize_conversation(tokenizer, conversation, o.image_token_id, o.image_tokens);
    // Text such as "<|image_pad|>" can encode to the placeholder id itself, which would then
    // stand for an image that is not there.
    if (const auto placeholders = std::count(tokens.ids.begin(), tokens.ids.end(), o.image_token_id);
        placeholders != tokens.images) {
      skip(sample, conversation.id,
           {"image count mismatch", "the text encodes to the image placeholder id " + std::to_string(o.image_token_id) +
                                        " " + std::to_string(placeholders - tokens.images) + " time(s) itself"});
      continue;
    }
    if (tokens.length > o.max_length) {
      skip(sample, conversation.id,
           {"over length",
            std::to_string(tokens.length) + " tokens (max_length " + std::to_string(o.max_length) + ")"});
      continue;
    }
    IndexedConversation out;
    if (auto problem = check_images(conversation, o, codec, out.images)) {
      skip(sample, conversation.id, *problem);
      continue;
    }
    out.id = conversation.id;
    out.ids = tokens.ids;
    out.loss_mask = tokens.loss_mask;

    const int64_t number = counts.kept;
    const fs::path file = o.out_dir / layout::sample_file(number);
    if (number / layout::kSamplesPerFolder != folder) {
      folder = number / layout::kSamplesPerFolder;
      fs::create_directories(file.parent_path());
    }
    write_conversation_sample(file, out);
    put_u32(index, static_cast<uint64_t>(tokens.length));
    put_u32(index, static_cast<uint64_t>(tokens.images));

    ++counts.kept;
    counts.text_only += tokens.images == 0 ? 1 : 0;
    counts.images += tokens.images;
    counts.tokens += tokens.length;
    for (uint8_t m : tokens.loss_mask) counts.loss_tokens += m;
    counts.longest = std::max(counts.longest, tokens.length);
  }
  if (progress) progress(source.bytes_read());

  index.seekp(0);
  write_header(index, static_cast<uint64_t>(counts.kept));
  finish_file(index, index_temp, o.out_dir / layout::kIndexFile);
  finish_file(skipped, skipped_temp, o.out_dir / layout::kSkippedFile);

  nlohmann::ordered_json meta{{"format", layout::kFormat},
                              {"version", layout::kVersion},
                              {"count", counts.kept},
                              {"image_tokens", o.image_tokens},
                              {"image_token_id", o.image_token_id},
                              {"tokenizer", o.tokenizer},
                              {"max_length", o.max_length},
                              {"source", fs::absolute(o.conversations).string()},
                              {"image_folder", fs::absolute(o.image_folder).string()},
                              {"samples", counts.samples},
                              {"text_only", counts.text_only},
                              {"images", counts.images},
                              {"tokens", counts.tokens},
                              {"loss_tokens", counts.loss_tokens},
                              {"longest", counts.longest},
                              {"skipped", counts.skipped}};
  const fs::path meta_temp = o.out_dir / (std::string(layout::kMetaFile) + ".tmp");
  std::ofstream meta_out(meta_temp, std::ios::binary | std::ios::trunc);
  meta_out << meta.dump(2) << "\n";
  finish_file(meta_out, meta_temp, o.out_dir / layout::kMetaFile);
  return counts;
}

}  // namespace vlforge
