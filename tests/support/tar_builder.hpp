// Writing tar files the WebDataset writer refuses to make (unsafe names, links, folders,
// repeated entries), with libarchive, so the reader's defences can be tested.
#pragma once

#include <archive.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vlforge::test {

class TarBuilder {
 public:
  explicit TarBuilder(const std::filesystem::path& tar);
  ~TarBuilder();
  TarBuilder(const TarBuilder&) = delete;
  TarBuilder& operator=(const TarBuilder&) = delete;

  TarBuilder& file(const std::string& name, const std::vector<uint8_t>& bytes);
  TarBuilder& file(const std::string& name, std::string_view text);
  TarBuilder& directory(const std::string& name);
  TarBuilder& symlink(const std::string& name, const std::string& target);
  TarBuilder& hardlink(const std::string& name, const std::string& target);
  void close();

 private:
  archive* a_;
  bool closed_ = false;
};

}  // namespace vlforge::test
