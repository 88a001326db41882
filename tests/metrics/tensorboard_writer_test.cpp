// TensorBoardWriter: the CRC-32C of its framing, and its event files read back by a reader
// written here from the TFRecord and protobuf specifications (and, where Debian's Python has
// TensorBoard or TensorFlow, by theirs).
#include "vlforge/tensorboard_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "crc32.hpp"
#include "error_text.hpp"
#include "file_bytes.hpp"
#include "process.hpp"
#include "test_paths.hpp"
#include "vlforge/error.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

// Bit by bit, as the CRC-32C definition reads: a check on the SDK's table-driven one.
uint32_t crc32c_bitwise(std::string_view bytes) {
  uint32_t c = 0xFFFFFFFFU;
  for (const char ch : bytes) {
    c ^= static_cast<unsigned char>(ch);
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78U & (0U - (c & 1U)));
  }
  return ~c;
}

uint32_t sdk_crc32c(std::string_view bytes, uint32_t seed = 0) {
  return crc32c(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), seed);
}

uint64_t little_endian(std::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes.size(); ++i) v |= uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
  return v;
}

// One protobuf field: a varint or fixed value in `number`, a length-delimited one in `bytes`.
struct Field {
  int tag = 0;
  int wire_type = 0;
  uint64_t number = 0;
  std::string_view bytes;
};

std::vector<Field> parse_message(std::string_view in) {
  std::vector<Field> fields;
  size_t at = 0;
  auto varint = [&] {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (at >= in.size() || shift > 63) throw std::runtime_error("truncated varint");
      const auto byte = static_cast<unsigned char>(in[at++]);
      v |= uint64_t(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return v;
    }
  };
  auto take = [&](size_t n) {
    if (at + n > in.size()) throw std::runtime_error("truncated field");
    const std::string_view s = in.substr(at, n);
    at += n;
    return s;
  };
  while (at < in.size()) {
    const uint64_t key = varint();
    Field f;
    f.tag = int(key >> 3);
    f.wire_type = int(key & 7);
    switch (f.wire_type) {
      case 0: f.number = varint(); break;
      case 1: f.number = little_endian(take(8)); break;
      case 2: f.bytes = take(varint()); break;
      case 5: f.number = little_endian(take(4)); break;
      default: throw std::runtime_error("unexpected wire type " + std::to_string(f.wire_type));
    }
    fields.push_back(f);
  }
  return fields;
}

struct Scalar {
  std::string tag;
  float value = 0;
};

// tensorflow/core/util/event.proto and framework/summary.proto, the fields the writer uses.
struct Event {
  double wall_time = 0;
  int64_t step = 0;
  std::string file_version;
  std::vector<Scalar> scalars;
};

Event parse_event(std::string_view bytes) {
  Event e;
  for (const Field& f : parse_message(bytes)) {
    if (f.tag == 1 && f.wire_type == 1) e.wall_time = std::bit_cast<double>(f.number);
    if (f.tag == 2 && f.wire_type == 0) e.step = static_cast<int64_t>(f.number);
    if (f.tag == 3 && f.wire_type == 2) e.file_version = f.bytes;
    if (f.tag != 5 || f.wire_type != 2) continue;
    for (const Field& value : parse_message(f.bytes)) {
      if (value.tag != 1 || value.wire_type != 2) continue;
      Scalar s;
      for (const Field& v : parse_message(value.bytes)) {
        if (v.tag == 1 && v.wire_type == 2) s.tag = v.bytes;
        if (v.tag == 2 && v.wire_type == 5) s.value = std::bit_cast<float>(static_cast<uint32_t>(v.number));
      }
      e.scalars.push_back(s);
    }
  }
  return e;
}

uint32_t masked(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8U; }

// Every record of a TFRecord file, both CRCs checked.
std::vector<Event> read_events(const fs::path& file) {
  const std::string content = text_of(read_bytes(file));
  const std::string_view all = content;
  std::vector<Event> events;
  size_t at = 0;
  while (at < all.size()) {
    if (at + 12 > all.size()) throw std::runtime_error("truncated record header at byte " + std::to_string(at));
    const std::string_view length_bytes = all.substr(at, 8);
    if (little_endian(all.substr(at + 8, 4)) != masked(crc32c_bitwise(length_bytes)))
      throw std::runtime_error("length CRC mismatch at byte " + std::to_string(at));
    const uint64_t length = little_endian(length_bytes);
    if (at + 12 + length + 4 > all.size()) throw std::runtime_error("truncated record at byte " + std::to_string(at));
    const std::string_view data = all.substr(at + 12, length);
    if (little_endian(all.substr(at + 12 + length, 4)) != masked(crc32c_bitwise(data)))
      throw std::runtime_error("data CRC mismatch at byte " + std::to_string(at));
    events.push_back(parse_event(data));
    at += 12 + length + 4;
  }
  return events;
}

std::string hostname() {
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  return name;
}

struct Step {
  int64_t step;
  double wall_time;
  std::vector<std::pair<std::string, double>> values;
};

// Steps that exercise one-byte and multi-byte varints, a negative step (ten bytes), and
// float rounding of the values.
const std::vector<Step> kSteps = {
    {0, 1700000000.25, {{"loss", 2.5}, {"lr", 1e-4}}},
    {1, 1700000001.5, {{"loss", 2.25}, {"lr", 2e-4}, {"grad_norm", 0.125}}},
    {300, 1700000002.75, {{"train/loss", 1.0 / 3.0}}},
    {5'000'000'000, 1700000003.0, {{"tokens_per_second", 123456.789}}},
    {-1, 1700000004.0, {}},
};

TEST(Crc32c, MatchesThePublishedCheckValues) {
  EXPECT_EQ(sdk_crc32c("123456789"), 0xE3069283U);
  EXPECT_EQ(sdk_crc32c(std::string(32, '\0')), 0x8A9136AAU);
  EXPECT_EQ(sdk_crc32c(std::string(32, '\xFF')), 0x62A8AB43U);  // RFC 3720 B.4, 32 bytes of 0xFF
  EXPECT_EQ(sdk_crc32c(""), 0U);
  EXPECT_EQ(crc32c_bitwise("123456789"), 0xE3069283U);
}

TEST(Crc32c, TableAgreesWithTheBitwiseDefinitionAndContinues) {
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes.push_back(static_cast<char>((i * 131 + 7) & 0xFF));
  EXPECT_EQ(sdk_crc32c(bytes), crc32c_bitwise(bytes));
  const std::string_view view = bytes;
  EXPECT_EQ(sdk_crc32c(view.substr(400), sdk_crc32c(view.substr(0, 400))), crc32c_bitwise(bytes));
}

TEST(TensorBoardWriter, EventsReadBackWithStepsTagsValuesAndTimes) {
  const fs::path dir = fresh_dir("metrics/tensorboard-read-back");
  TensorBoardWriter writer(dir);
  for (const Step& s : kSteps) writer.add_scalars(s.step, s.values, s.wall_time);

  // Read while the writer is still open: every call was flushed, as a killed run would leave it.
  const std::vector<Event> events = read_events(writer.file());
  ASSERT_EQ(events.size(), kSteps.size() + 1);
  EXPECT_EQ(events[0].file_version, "brain.Event:2");
  EXPECT_NEAR(events[0].wall_time, TensorBoardWriter::now(), 60.0);
  EXPECT_TRUE(events[0].scalars.empty());
  for (size_t i = 0; i < kSteps.size(); ++i) {
    const Event& e = events[i + 1];
    const Step& s = kSteps[i];
    EXPECT_EQ(e.step, s.step) << "event " << i + 1;
    EXPECT_EQ(e.wall_time, s.wall_time) << "event " << i + 1;
    EXPECT_TRUE(e.file_version.empty());
    ASSERT_EQ(e.scalars.size(), s.values.size()) << "event " << i + 1;
    for (size_t k = 0; k < s.values.size(); ++k) {
      EXPECT_EQ(e.scalars[k].tag, s.values[k].first);
      EXPECT_EQ(e.scalars[k].value, static_cast<float>(s.values[k].second)) << s.values[k].first;
    }
  }
}

TEST(TensorBoardWriter, DefaultWallTimeIsNow) {
  const fs::path dir = fresh_dir("metrics/tensorboard-now");
  TensorBoardWriter writer(dir);
  const double before = TensorBoardWriter::now();
  writer.add_scalars(7, {{"loss", 1.0}});
  const double after = TensorBoardWriter::now();
  const std::vector<Event> events = read_events(writer.file());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_GE(events[1].wall_time, before);
  EXPECT_LE(events[1].wall_time, after);
  EXPECT_EQ(events[1].step, 7);
}

TEST(TensorBoardWriter, FileIsNamedAfterTimeHostAndSuffix) {
  const fs::path dir = fresh_dir("metrics/tensorboard-name") / "not" / "yet" / "there";
  const auto before = static_cast<int64_t>(TensorBoardWriter::now());
  TensorBoardWriter writer(dir, ".rank0");
  const auto after = static_cast<int64_t>(TensorBoardWriter::now());
  EXPECT_EQ(writer.file().parent_path(), dir);
  EXPECT_TRUE(fs::is_regular_file(writer.file()));

  const std::string name = writer.file().filename().string();
  const std::string prefix = "events.out.tfevents.";
  ASSERT_TRUE(name.starts_with(prefix)) << name;
  const std::string rest = name.substr(prefix.size());
  const size_t dot = rest.find('.');
  ASSERT_NE(dot, std::string::npos) << name;
  const int64_t seconds = std::stoll(rest.substr(0, dot));
  EXPECT_GE(seconds, before);
  EXPECT_LE(seconds, after);
  EXPECT_EQ(rest.substr(dot + 1), hostname() + ".rank0");
}

TEST(TensorBoardWriter, NeverOverwritesAnotherWritersFile) {
  const fs::path dir = fresh_dir("metrics/tensorboard-exists");
  // The names this writer could pick in the next few seconds, already taken.
  const auto now = static_cast<int64_t>(TensorBoardWriter::now());
  for (int64_t t = now; t < now + 5; ++t)
    write_text(dir / ("events.out.tfevents." + std::to_string(t) + "." + hostname()), "other writer");
  const std::string error = error_of([&] { TensorBoardWriter writer(dir); });
  EXPECT_NE(error.find((dir / "events.out.tfevents.").string()), std::string::npos) << error;
  EXPECT_NE(error.find("event file already exists (give each writer its own suffix)"), std::string::npos) << error;
  EXPECT_EQ(read_text(dir / ("events.out.tfevents." + std::to_string(now) + "." + hostname())), "other writer");
  EXPECT_EQ(error_of([&] { TensorBoardWriter writer(dir, ".second"); }), "");
}

TEST(TensorBoardWriter, UncreatableFolderIsAnErrorNamingIt) {
  const fs::path dir = fresh_dir("metrics/tensorboard-blocked");
  write_text(dir / "file", "a file, not a folder");
  const std::string error = error_of([&] { TensorBoardWriter writer(dir / "file" / "logs"); });
  EXPECT_NE(error.find((dir / "file" / "logs").string() + ": cannot create the TensorBoard log folder"),
            std::string::npos)
      << error;
}

// Debian's python3 with TensorBoard (or TensorFlow) installed reads the file as TensorBoard
// does, CRCs included; without either the check is skipped.
const char* kPythonReader = R"(import sys
path = sys.argv[1]
try:
    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
    from tensorboard.compat.proto import event_pb2
    events = [event_pb2.Event.FromString(r) for r in RawEventFileLoader(path).Load()]
except ImportError:
    import tensorflow as tf
    events = list(tf.compat.v1.train.summary_iterator(path))
for e in events:
    if e.file_version:
        print("version", e.file_version)
    for v in e.summary.value:
        print(e.step, repr(e.wall_time), v.tag, repr(v.simple_value))
)";

bool python_has(const std::string& module) {
  if (!fs::exists("/usr/bin/python3")) return false;
  return run_command({"/usr/bin/python3", "-c", "import " + module}).exit_code == 0;
}

TEST(TensorBoardPython, ReadsTheEvents) {
  if (!python_has("tensorboard") && !python_has("tensorflow"))
    GTEST_SKIP() << "/usr/bin/python3 has neither tensorboard nor tensorflow";
  const fs::path dir = fresh_dir("metrics/tensorboard-python");
  write_text(dir / "read_events.py", kPythonReader);
  TensorBoardWriter writer(dir / "logs");
  for (const Step& s : kSteps) writer.add_scalars(s.step, s.values, s.wall_time);

  const CommandResult r = run_command({"/usr/bin/python3", (dir / "read_events.py").string(), writer.file().string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::istringstream lines(r.output);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line)) << r.output;
  EXPECT_EQ(line, "version brain.Event:2");
  // Python's repr of a double reads back exactly, so times and values compare exactly.
  for (const Step& s : kSteps) {
    for (const auto& [tag, value] : s.values) {
      ASSERT_TRUE(std::getline(lines, line)) << "no line for step " << s.step << " " << tag << "\n" << r.output;
      std::istringstream fields(line);
      int64_t step = 0;
      double wall_time = 0, got = 0;
      std::string got_tag;
      fields >> step >> wall_time >> got_tag >> got;
      EXPECT_EQ(step, s.step) << line;
      EXPECT_EQ(wall_time, s.wall_time) << line;
      EXPECT_EQ(got_tag, tag) << line;
      EXPECT_EQ(static_cast<float>(got), static_cast<float>(value)) << line;
    }
  }
  EXPECT_FALSE(std::getline(lines, line)) << "unexpected: " << line;
}

}  // namespace
}  // namespace vlforge::test
