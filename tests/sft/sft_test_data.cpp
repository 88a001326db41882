#include "sft_test_data.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "component_factory.hpp"
#include "test_paths.hpp"

namespace vlforge::test {

namespace {

ComponentMaker& maker() {
  static ComponentMaker m;
  return m;
}

}  // namespace

std::string qwen_tokenizer_table() {
  return "use = \"tokenizer/hf-bpe\"\nfile = \"" + (hf_fixtures_dir() / "tokenizer-qwen" / "tokenizer.json").string() +
         "\"";
}

std::shared_ptr<const Tokenizer> qwen_tokenizer() {
  static std::shared_ptr<const Tokenizer> t = maker().make<Tokenizer>(qwen_tokenizer_table());
  return t;
}

std::shared_ptr<const ImageCodec> stb_codec() {
  static std::shared_ptr<const ImageCodec> c = maker().make<ImageCodec>("use = \"image_codec/stb\"");
  return c;
}

std::string llava_sample(const std::string& id, const std::vector<std::string>& images, const Turns& turns) {
  nlohmann::ordered_json j{{"id", id}};
  if (images.size() == 1) j["image"] = images.front();
  if (images.size() > 1) j["image"] = images;
  j["conversations"] = nlohmann::ordered_json::array();
  for (const auto& [from, value] : turns) j["conversations"].push_back({{"from", from}, {"value", value}});
  return j.dump();
}

void write_lines(const std::filesystem::path& file, const std::vector<std::string>& lines) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  for (const std::string& line : lines) out << line << "\n";
}

std::vector<int64_t> ByteTokenizer::encode(std::string_view text) const {
  std::vector<int64_t> ids;
  for (unsigned char c : text) ids.push_back(c);
  return ids;
}

std::string ByteTokenizer::decode(std::span<const int64_t> ids, bool) const {
  std::string text;
  for (int64_t id : ids) text.push_back(static_cast<char>(id));
  return text;
}

std::string ByteTokenizer::apply_chat_template(std::span<const ChatMessage> messages, bool add_generation_prompt) const {
  std::string out;
  for (const ChatMessage& m : messages) out += "[" + m.role + "] " + m.content + "</s>";
  if (add_generation_prompt) out += broken_prompt ? "[assistant]\n" : "[assistant] ";
  return out;
}

}  // namespace vlforge::test
