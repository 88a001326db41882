#include "mcq_test_files.hpp"

#include <gtest/gtest.h>

#include <boost/beast/core/detail/base64.hpp>
#include <fstream>
#include <limits>

namespace vlforge::mcq_eval::test {

std::string base64_of(const std::string& bytes) {
  std::string out(boost::beast::detail::base64::encoded_size(bytes.size()), '\0');
  out.resize(boost::beast::detail::base64::encode(out.data(), bytes.data(), bytes.size()));
  return out;
}

std::string image_bytes(const ImageInput& image) {
  if (!image.bytes) {
    ADD_FAILURE() << "image " << image.file << " is not in memory";
    return {};
  }
  return std::string(image.bytes->begin(), image.bytes->end());
}

}  // namespace vlforge::mcq_eval::test
