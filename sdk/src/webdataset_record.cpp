#include "vlforge/webdataset.hpp"

namespace vlforge {

const std::vector<uint8_t>* WebDatasetRecord::file(std::string_view extension) const {
  for (const auto& [ext, bytes] : files)
    if (ext == extension) return &bytes;
  return nullptr;
}

}  // namespace vlforge
