#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "conversation_index_layout.hpp"
#include "conversation_sample_file.hpp"
#include "vlforge/conversation_data.hpp"
#include "vlforge/error.hpp"

namespace vlforge {

namespace fs = std::filesystem;
namespace layout = conversation_index;

namespace {

uint32_t u32_at(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

uint64_t u64_at(const unsigned char* p) { return u32_at(p) | static_cast<uint64_t>(u32_at(p + 4)) << 32; }

ConversationIndexMeta read_meta(const fs::path& file) {
  std::ifstream in(file);
  if (!in)
    throw Error(file.string(), "missing (not an index folder, or its stage/conversation-index did not finish)");
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  const auto integer = [&](const char* key) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_number_integer())
      throw Error(file.string(), std::string("no integer \"") + key + "\" (the index is damaged; rebuild it)");
    return j[key].get<int64_t>();
  };
  if (!j.is_object() || j.value("format", "") != layout::kFormat)
    throw Error(file.string(), "not the meta of a conversation index (expected \"format\": \"" +
                                   std::string(layout::kFormat) + "\")");
  if (integer("version") != layout::kVersion)
    throw Error(file.string(), "index version " + std::to_string(integer("version")) + " (this vlforge reads version " +
                                   std::to_string(layout::kVersion) + "; rebuild the index)");
  ConversationIndexMeta m;
  m.count = integer("count");
  m.image_tokens = integer("image_tokens");
  m.image_token_id = integer("image_token_id");
  m.max_length = integer("max_length");
  m.tokenizer = j.value("tokenizer", "");
  return m;
}

}  // namespace

ConversationIndex::ConversationIndex(fs::path dir) : dir_(std::move(dir)) {
  meta_ = read_meta(dir_ / layout::kMetaFile);
  const fs::path file = dir_ / layout::kIndexFile;
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(file.string(), std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw Error(file.string(), "cannot read its size");
  }
  mapped_bytes_ = static_cast<size_t>(st.st_size);
  const uint64_t expected = layout::kHeaderBytes + static_cast<uint64_t>(meta_.count) * layout::kRecordBytes;
  if (mapped_bytes_ != expected) {
    ::close(fd);
    throw Error(file.string(), std::to_string(mapped_bytes_) + " bytes, but meta.json counts " +
                                   std::to_string(meta_.count) + " samples (expected " + std::to_string(expected) +
                                   " bytes; rebuild the index)");
  }
  mapping_ = ::mmap(nullptr, mapped_bytes_, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (mapping_ == MAP_FAILED) {
    mapping_ = nullptr;
    throw Error(file.string(), std::string("cannot map: ") + std::strerror(errno));
  }
  const auto* base = static_cast<const unsigned char*>(mapping_);
  const bool good = std::memcmp(base, layout::kMagic.data(), layout::kMagic.size()) == 0 &&
                    u32_at(base + 8) == layout::kVersion && u32_at(base + 12) == layout::kRecordBytes &&
                    u64_at(base + 16) == static_cast<uint64_t>(meta_.count);
  if (!good) {
    ::munmap(mapping_, mapped_bytes_);
    mapping_ = nullptr;
    throw Error(file.string(), "header does not match meta.json (the index is damaged; rebuild it)");
  }
  records_ = base + layout::kHeaderBytes;
}

ConversationIndex::~ConversationIndex() {
  if (mapping_) ::munmap(mapping_, mapped_bytes_);
}

int64_t ConversationIndex::length(int64_t sample) const {
  return u32_at(records_ + static_cast<size_t>(sample) * layout::kRecordBytes);
}

int64_t ConversationIndex::images(int64_t sample) const {
  return u32_at(records_ + static_cast<size_t>(sample) * layout::kRecordBytes + 4);
}

fs::path ConversationIndex::sample_path(int64_t sample) const { return dir_ / layout::sample_file(sample); }

IndexedConversation ConversationIndex::read(int64_t sample) const {
  if (sample < 0 || sample >= meta_.count)
    throw Error(dir_.string(), "sample " + std::to_string(sample) + " out of range (the index holds " +
                                   std::to_string(meta_.count) + ")");
  const fs::path file = sample_path(sample);
  IndexedConversation s = read_conversation_sample(file);
  int64_t placeholders = 0;
  for (int64_t id : s.ids) placeholders += id == meta_.image_token_id ? 1 : 0;
  const int64_t length = static_cast<int64_t>(s.ids.size()) + placeholders * (meta_.image_tokens - 1);
  if (s.loss_mask.size() != s.ids.size() || placeholders != static_cast<int64_t>(s.images.size()) ||
      placeholders != images(sample) || length != this->length(sample))
    throw Error(file.string(), std::to_string(s.ids.size()) + " ids with " + std::to_string(placeholders) +
                                   " placeholder(s), " + std::to_string(s.images.size()) + " image path(s), length " +
                                   std::to_string(length) + "; index.bin says " + std::to_string(images(sample)) +
                                   " image(s), length " + std::to_string(this->length(sample)) +
                                   " (the file does not belong to this index; rebuild it)");
  return s;
}

}  // namespace vlforge
