#include "conversation_sample_file.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include "../crc32.hpp"
#include "vlforge/error.hpp"

namespace vlforge {

namespace {

constexpr char kMagic[4] = {'V', 'L', 'C', 'S'};
constexpr uint32_t kVersion = 1;

void put_u32(std::string& out, uint32_t v) {
  for (int b = 0; b < 4; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
}

uint32_t checked_u32(size_t n, const std::filesystem::path& file, const char* what) {
  if (n > std::numeric_limits<uint32_t>::max())
    throw Error(file.string(), std::string(what) + " too large for a sample file (" + std::to_string(n) + ")");
  return static_cast<uint32_t>(n);
}

// Reads forward through a sample file's bytes; any read past the end is damage.
class Cursor {
 public:
  Cursor(const std::string& bytes, const std::filesystem::path& file) : bytes_(bytes), file_(file) {}
  const unsigned char* take(size_t n) {
    if (n > bytes_.size() - at_)
      throw Error(file_.string(), "offset " + std::to_string(at_) + ": cut off (needs " + std::to_string(n) +
                                      " more bytes, has " + std::to_string(bytes_.size() - at_) + ")");
    const auto* p = reinterpret_cast<const unsigned char*>(bytes_.data()) + at_;
    at_ += n;
    return p;
  }
  uint32_t u32() {
    const unsigned char* p = take(4);
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
           static_cast<uint32_t>(p[3]) << 24;
  }
  std::string text(size_t n) {
    const unsigned char* p = take(n);
    return std::string(reinterpret_cast<const char*>(p), n);
  }
  size_t at() const { return at_; }

 private:
  const std::string& bytes_;
  const std::filesystem::path& file_;
  size_t at_ = 0;
};

}  // namespace

void write_conversation_sample(const std::filesystem::path& file, const IndexedConversation& s) {
  std::string out(kMagic, sizeof kMagic);
  put_u32(out, kVersion);
  put_u32(out, checked_u32(s.id.size(), file, "id"));
  put_u32(out, checked_u32(s.ids.size(), file, "token count"));
  put_u32(out, checked_u32(s.images.size(), file, "image count"));
  out += s.id;
  for (int64_t id : s.ids) {
    if (id < std::numeric_limits<int32_t>::min() || id > std::numeric_limits<int32_t>::max())
      throw Error(file.string(), "token id " + std::to_string(id) + " does not fit 32 bits");
    put_u32(out, static_cast<uint32_t>(static_cast<int32_t>(id)));
  }
  out.append(reinterpret_cast<const char*>(s.loss_mask.data()), s.loss_mask.size());
  for (const auto& image : s.images) {
    const std::string path = image.string();
    put_u32(out, checked_u32(path.size(), file, "image path"));
    out += path;
  }
  put_u32(out, crc32(reinterpret_cast<const unsigned char*>(out.data()), out.size()));

  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  f.write(out.data(), static_cast<std::streamsize>(out.size()));
  if (!f.flush()) throw Error(file.string(), "cannot write the sample file");
}

IndexedConversation read_conversation_sample(const std::filesystem::path& file) {
  std::ifstream f(file, std::ios::binary);
  if (!f) throw Error(file.string(), "cannot open the sample file (is the index complete?)");
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.size() < sizeof kMagic + 20 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw Error(file.string(), "not a conversation sample file (no VLCS header)");
  const std::string body = bytes.substr(0, bytes.size() - 4);
  Cursor tail(bytes, file);
  tail.take(body.size());
  if (tail.u32() != crc32(reinterpret_cast<const unsigned char*>(body.data()), body.size()))
    throw Error(file.string(), "checksum mismatch (the file is damaged; rebuild the index)");

  Cursor in(body, file);
  in.take(sizeof kMagic);
  if (const uint32_t version = in.u32(); version != kVersion)
    throw Error(file.string(), "version " + std::to_string(version) + " (this vlforge reads version " +
                                   std::to_string(kVersion) + ")");
  IndexedConversation s;
  const uint32_t id_bytes = in.u32(), ids = in.u32(), images = in.u32();
  s.id = in.text(id_bytes);
  s.ids.resize(ids);
  for (auto& id : s.ids) id = static_cast<int32_t>(in.u32());
  const unsigned char* mask = in.take(ids);
  s.loss_mask.assign(mask, mask + ids);
  for (uint32_t k = 0; k < images; ++k) s.images.emplace_back(in.text(in.u32()));
  if (in.at() != body.size())
    throw Error(file.string(), std::to_string(body.size() - in.at()) + " unexpected bytes after the last image path");
  return s;
}

}  // namespace vlforge
