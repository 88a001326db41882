#include "record_validator.hpp"

#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "vlforge/error.hpp"
#include "vlforge/image_check.hpp"
#include "vlforge/utf8.hpp"

namespace vlforge::webdataset {
namespace {

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// "has .jpg, .json" for details about what a record lacks.
std::string files_of(const WebDatasetRecord& record) {
  if (record.files.empty()) return "record has no files";
  std::string out = "record has";
  for (size_t i = 0; i < record.files.size(); ++i) out += (i ? ", ." : " .") + record.files[i].first;
  return out;
}

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos; }

std::string_view as_text(const std::vector<uint8_t>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

RecordValidator::RecordValidator(const WebDatasetConfig& cfg, ImageCheck check, std::shared_ptr<const ImageCodec> codec)
    : caption_(lower(cfg.caption)),
      require_image_(cfg.require_image),
      check_(check),
      min_side_(cfg.min_image_side),
      max_pixels_(cfg.max_image_pixels),
      codec_(std::move(codec)) {
  for (const auto& ext : cfg.image_extensions) image_extensions_.push_back(lower(ext));
  if (check_ != ImageCheck::none && !codec_) throw Error("dataset/webdataset", "image checks need a codec");
}

std::optional<SkippedRecord> RecordValidator::to_sample(WebDatasetRecord& record, Sample& out) const {
  auto skip = [&](std::string reason, std::string detail) {
    return SkippedRecord{record.key, std::move(reason), std::move(detail)};
  };

  // The first configured image extension the record has.
  std::vector<uint8_t>* image = nullptr;
  std::string image_ext;
  for (const auto& wanted : image_extensions_) {
    for (auto& [ext, bytes] : record.files)
      if (ext == wanted) {
        image = &bytes;
        image_ext = ext;
        break;
      }
    if (image) break;
  }
  if (!image && require_image_) {
    std::string wanted;
    for (const auto& ext : image_extensions_) wanted += (wanted.empty() ? "." : ", .") + ext;
    return skip("missing image", "no " + wanted + " file; " + files_of(record));
  }
  if (image && image->empty()) return skip("empty image", record.key + "." + image_ext + " is 0 bytes");

  const auto* caption = record.file(caption_);
  if (!caption) return skip("missing ." + caption_, files_of(record));
  const std::string_view text = as_text(*caption);
  if (!is_valid_utf8(text))
    return skip("caption not UTF-8",
                record.key + "." + caption_ + " (" + std::to_string(text.size()) + " bytes) is not well-formed UTF-8");
  if (is_blank(text))
    return skip("empty caption", text.empty() ? record.key + "." + caption_ + " is empty"
                                              : record.key + "." + caption_ + " holds only whitespace (" +
                                                    std::to_string(text.size()) + " bytes)");

  const auto* json_file = record.file("json");
  if (!json_file) return skip("missing .json", files_of(record));
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(as_text(*json_file));
  } catch (const nlohmann::json::parse_error& e) {
    return skip("invalid .json", record.key + ".json: " + e.what());
  }
  if (!meta.is_object()) return skip("invalid .json", std::string("not a JSON object but ") + meta.type_name());
  const auto uid = meta.find("uid");
  if (uid == meta.end()) return skip("missing uid", "no \"uid\" key in " + record.key + ".json");
  if (!uid->is_string()) return skip("missing uid", std::string("\"uid\" is a ") + uid->type_name() + ", not a string");
  if (uid->get_ref<const std::string&>().empty()) return skip("missing uid", "\"uid\" is the empty string");

  if (image && check_ != ImageCheck::none)
    if (auto problem = check_image(record, image_ext, *image)) return problem;

  out = Sample{};
  out.key = record.key;
  out.uid = uid->get<std::string>();
  out.text = std::string(text);
  out.json = std::string(as_text(*json_file));
  if (image) {
    out.image = std::move(*image);
    out.image_format = image_ext == "jpeg" ? "jpg" : image_ext;
  }
  return std::nullopt;
}

std::optional<SkippedRecord> RecordValidator::check_image(const WebDatasetRecord& record, const std::string& ext,
                                                          const std::vector<uint8_t>& bytes) const {
  const ImageLimits limits{min_side_, max_pixels_, check_ == ImageCheck::decode};
  auto problem = vlforge::check_image(*codec_, bytes, limits);
  if (!problem) return std::nullopt;
  return SkippedRecord{record.key, std::move(problem->reason), record.key + "." + ext + ": " + problem->detail};
}

}  // namespace vlforge::webdataset
