#include "vlforge/tensorboard_writer.hpp"

#include <unistd.h>

#include <bit>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <system_error>

#include "crc32.hpp"
#include "vlforge/error.hpp"

namespace fs = std::filesystem;

namespace vlforge {

namespace {

std::string little_endian(uint64_t v, int size) {
  std::string out;
  for (int i = 0; i < size; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}

// The few protobuf wire types an Event needs (tensorflow/core/util/event.proto, summary.proto),
// encoded by hand rather than pulling in a protobuf runtime for three messages.
class ProtoMessage {
 public:
  void add_double(int field, double v) {
    key(field, 1);
    out_ += little_endian(std::bit_cast<uint64_t>(v), 8);
  }
  void add_float(int field, float v) {
    key(field, 5);
    out_ += little_endian(std::bit_cast<uint32_t>(v), 4);
  }
  // int64 fields are plain varints: a negative value takes ten bytes (two's complement).
  void add_int64(int field, int64_t v) {
    key(field, 0);
    varint(static_cast<uint64_t>(v));
  }
  // Strings and embedded messages alike.
  void add_bytes(int field, std::string_view v) {
    key(field, 2);
    varint(v.size());
    out_.append(v);
  }
  const std::string& bytes() const noexcept { return out_; }

 private:
  void key(int field, int wire_type) { varint((static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire_type)); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }

  std::string out_;
};

// TFRecord stores CRCs masked so that a CRC computed over data holding CRCs stays well spread.
uint32_t masked_crc(const std::string_view bytes) {
  const uint32_t crc = crc32c(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8U;
}

std::string hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace

struct TensorBoardWriter::Stream {
  std::FILE* file = nullptr;
  ~Stream() {
    if (file) std::fclose(file);
  }
};

double TensorBoardWriter::now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since_epoch).count();
}

TensorBoardWriter::TensorBoardWriter(fs::path log_dir, std::string suffix) : stream_(std::make_unique<Stream>()) {
  std::error_code ec;
  fs::create_directories(log_dir, ec);
  if (ec) throw Error(log_dir.string(), "cannot create the TensorBoard log folder: " + ec.message());
  const double wall_time = now();
  file_ = log_dir / ("events.out.tfevents." + std::to_string(static_cast<int64_t>(wall_time)) + "." + hostname() +
                     suffix);
  // "x": never overwrite the events of another writer that started in the same second.
  stream_->file = std::fopen(file_.c_str(), "wbx");
  if (!stream_->file) {
    const int err = errno;
    throw Error(file_.string(), err == EEXIST
                                    ? std::string("event file already exists (give each writer its own suffix)")
                                    : "cannot create the event file: " + std::string(std::strerror(err)));
  }
  ProtoMessage version;
  version.add_double(1, wall_time);
  version.add_bytes(3, "brain.Event:2");
  write_record(version.bytes());
  flush();
}

TensorBoardWriter::~TensorBoardWriter() = default;

void TensorBoardWriter::add_scalars(int64_t step, const std::vector<std::pair<std::string, double>>& values,
                                    double wall_time) {
  ProtoMessage summary;
  for (const auto& [tag, value] : values) {
    ProtoMessage v;
    v.add_bytes(1, tag);
    v.add_float(2, static_cast<float>(value));
    summary.add_bytes(1, v.bytes());
  }
  ProtoMessage event;
  event.add_double(1, wall_time);
  event.add_int64(2, step);
  event.add_bytes(5, summary.bytes());
  write_record(event.bytes());
  flush();
}

void TensorBoardWriter::write_record(const std::string& data) {
  const std::string length = little_endian(data.size(), 8);
  const std::string record =
      length + little_endian(masked_crc(length), 4) + data + little_endian(masked_crc(data), 4);
  if (std::fwrite(record.data(), 1, record.size(), stream_->file) != record.size())
    throw Error(file_.string(), "cannot write an event: " + std::string(std::strerror(errno)));
}

void TensorBoardWriter::flush() {
  if (std::fflush(stream_->file) != 0)
    throw Error(file_.string(), "cannot write events: " + std::string(std::strerror(errno)));
}

}  // namespace vlforge
