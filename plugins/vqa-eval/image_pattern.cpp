#include "image_pattern.hpp"

#include <cctype>

#include "vlforge/error.hpp"

namespace vlforge::vqa_eval {

ImagePattern::ImagePattern(std::string pattern, const std::string& where) : pattern_(std::move(pattern)) {
  auto bad = [&](const std::string& what) {
    return Error(where, "image_pattern \"" + pattern_ + "\" " + what +
                            " (expected one %s or %d, e.g. \"COCO_val2014_%012d.jpg\" or \"%s.jpg\")");
  };
  bool found = false;
  std::string* out = &prefix_;
  for (size_t i = 0; i < pattern_.size(); ++i) {
    if (pattern_[i] != '%') {
      out->push_back(pattern_[i]);
      continue;
    }
    if (i + 1 < pattern_.size() && pattern_[i + 1] == '%') {
      out->push_back('%');
      ++i;
      continue;
    }
    if (found) throw bad("has more than one conversion");
    size_t j = i + 1;
    if (j < pattern_.size() && pattern_[j] == '0') {
      zero_pad_ = true;
      ++j;
    }
    while (j < pattern_.size() && std::isdigit(static_cast<unsigned char>(pattern_[j])))
      width_ = width_ * 10 + static_cast<size_t>(pattern_[j++] - '0');
    if (j >= pattern_.size() || (pattern_[j] != 'd' && pattern_[j] != 's')) throw bad("has an unsupported conversion");
    integer_ = pattern_[j] == 'd';
    if (!integer_ && zero_pad_) throw bad("pads a %s with zeros");
    found = true;
    out = &suffix_;
    i = j;
  }
  if (!found) throw bad("has no conversion");
}

std::string ImagePattern::file_name(std::string_view image_id, const std::string& where) const {
  std::string field(image_id);
  if (integer_) {
    const size_t digits_from = (!field.empty() && field[0] == '-') ? 1 : 0;
    bool digits = field.size() > digits_from;
    for (size_t i = digits_from; i < field.size(); ++i) digits = digits && std::isdigit(static_cast<unsigned char>(field[i]));
    if (!digits)
      throw Error(where, "image id \"" + field + "\" is not an integer, which image_pattern \"" + pattern_ +
                             "\" formats with %d");
    if (field.size() < width_) {
      const size_t pad = width_ - field.size();
      field = zero_pad_ ? field.substr(0, digits_from) + std::string(pad, '0') + field.substr(digits_from)
                        : std::string(pad, ' ') + field;
    }
  } else if (field.size() < width_) {
    field = std::string(width_ - field.size(), ' ') + field;
  }
  return prefix_ + field + suffix_;
}

}  // namespace vlforge::vqa_eval
