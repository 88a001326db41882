#include "tokenizer_files.hpp"

#include "vlforge/error.hpp"

namespace vlforge::hf_export {

namespace fs = std::filesystem;

namespace {

fs::path config_path(const ComponentSpec& spec, std::string_view key) {
  const Value* v = spec.config.find(key);
  if (!v || !v->is_string() || v->as_string().empty())
    throw Error(spec.use(), "has no `" + std::string(key) + "` file to export");
  return v->as_string();
}

}  // namespace

std::vector<fs::path> copy_tokenizer_files(const ComponentSpec& tokenizer, const fs::path& out) {
  std::vector<std::pair<fs::path, std::string>> files;  // source, name in `out`
  if (tokenizer.use() == "tokenizer/hf-bpe") {
    const fs::path json = config_path(tokenizer, "file");
    files.emplace_back(json, "tokenizer.json");
    for (const char* beside : {"tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt"})
      if (fs::exists(json.parent_path() / beside)) files.emplace_back(json.parent_path() / beside, beside);
  } else if (tokenizer.use() == "tokenizer/sentencepiece") {
    files.emplace_back(config_path(tokenizer, "model"), "tokenizer.model");
  } else {
    throw Error(tokenizer.use(), "export knows the files of tokenizer/hf-bpe and tokenizer/sentencepiece only "
                                 "(copy this tokenizer's files into the export by hand)");
  }
  std::vector<fs::path> copied;
  for (const auto& [source, name] : files) {
    fs::copy_file(source, out / name, fs::copy_options::overwrite_existing);
    copied.push_back(out / name);
  }
  return copied;
}

}  // namespace vlforge::hf_export
