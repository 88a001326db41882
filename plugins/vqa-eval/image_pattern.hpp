// The image file name of a question from a printf-style pattern and the question's image id:
// "COCO_val2014_%012d.jpg" with 42 -> "COCO_val2014_000000000042.jpg", "%s.jpg" with "n1234" ->
// "n1234.jpg". One conversion, %s or %d with an optional zero flag and width; %% is a percent.
#pragma once

#include <string>
#include <string_view>

namespace vlforge::vqa_eval {

class ImagePattern {
 public:
  // Throws vlforge::Error naming `where` when the pattern has no or several conversions.
  ImagePattern(std::string pattern, const std::string& where);

  // `image_id` is the id's text ("42" or "n1234"); %d needs it to be an integer (a
  // vlforge::Error naming `where` otherwise).
  std::string file_name(std::string_view image_id, const std::string& where) const;

 private:
  std::string prefix_, suffix_;
  bool integer_ = false;
  bool zero_pad_ = false;
  size_t width_ = 0;
  std::string pattern_;
};

}  // namespace vlforge::vqa_eval
