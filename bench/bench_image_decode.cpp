// Decode + resize to 384x384 (stretch: the paper's SigLIP input) of photo-like 640x480 JPEGs
// (quality 90), single-threaded, with image_codec/opencv and image_codec/stb, against Debian's
// Python PIL doing the same work on the same files, Image.open(f).convert("RGB").resize((384,
// 384), BICUBIC), timed inside Python so interpreter start-up is not counted. Each side reads
// the file, runs one untimed pass (page cache, lazy initialisation), then one timed pass.
// Also prints how far each codec's pixels are from PIL's on the first images.
//
//   bench_image_decode [N]        N images, default 200
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <opencv2/core.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "plugin_host.hpp"
#include "recipe.hpp"
#include "recipe_resolver.hpp"
#include "vlforge/context.hpp"
#include "vlforge/error.hpp"
#include "vlforge/interfaces/image_codec.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int64_t kWidth = 640;
constexpr int64_t kHeight = 480;
constexpr int64_t kSide = 384;
constexpr int kCompared = 10;  // images whose pixels are compared with PIL's
const char* kPython = "/usr/bin/python3";  // Debian's, with python3-pil

const char* kPilScript = R"(import sys, time
from PIL import Image
paths = [p for p in open(sys.argv[1]).read().split("\n") if p]
compared_out, compared = sys.argv[2], int(sys.argv[3])
BICUBIC = Image.Resampling.BICUBIC if hasattr(Image, "Resampling") else Image.BICUBIC
def work(path):
    with Image.open(path) as im:
        return im.convert("RGB").resize((384, 384), BICUBIC)
for p in paths:
    work(p)
wall, cpu = time.perf_counter(), time.process_time()
for p in paths:
    work(p)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
with open(compared_out, "wb") as f:
    for p in paths[:compared]:
        f.write(work(p).tobytes())
print(wall, cpu)
)";

struct Timing {
  double wall = 0;
  double cpu = 0;
};

double now(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

std::vector<uint8_t> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

// Smooth colour regions, finer texture, sensor-like noise and a few hard-edged objects: JPEG
// sizes and decode costs near those of photographs, unlike flat synthetic images.
at::Tensor photo_like() {
  const auto upsampled = [](int64_t h, int64_t w, double scale) {
    return at::upsample_bicubic2d(at::rand({1, 3, h, w}) * scale, {kHeight, kWidth}, false);
  };
  at::Tensor img = upsampled(6, 8, 255) + upsampled(60, 80, 60) - 30 + at::randn({1, 3, kHeight, kWidth}) * 5;
  for (int i = 0; i < 6; ++i) {
    const int64_t y = at::randint(0, kHeight - 80, {1}).item<int64_t>();
    const int64_t x = at::randint(0, kWidth - 80, {1}).item<int64_t>();
    const int64_t h = at::randint(20, 80, {1}).item<int64_t>();
    const int64_t w = at::randint(20, 80, {1}).item<int64_t>();
    img.narrow(2, y, h).narrow(3, x, w).mul_(0.3).add_(at::rand({1, 3, 1, 1}) * 180);
  }
  return img.clamp(0, 255).round().to(at::kByte)[0].permute({1, 2, 0}).contiguous();
}

Timing time_codec(const vlforge::ImageCodec& codec, const std::vector<fs::path>& files) {
  const auto pass = [&] {
    for (const fs::path& f : files) {
      const at::Tensor out = codec.resize(codec.decode(read_bytes(f)), kSide, kSide, vlforge::ResizeMode::stretch);
      if (out.size(0) != kSide) throw vlforge::Error("bench", "wrong output size");
    }
  };
  pass();
  const double wall = now(CLOCK_MONOTONIC);
  const double cpu = now(CLOCK_PROCESS_CPUTIME_ID);
  pass();
  return {now(CLOCK_MONOTONIC) - wall, now(CLOCK_PROCESS_CPUTIME_ID) - cpu};
}

Timing time_pil(const fs::path& dir, const std::vector<fs::path>& files, const fs::path& compared_out) {
  std::string list;
  for (const fs::path& f : files) list += f.string() + "\n";
  write_text(dir / "files.txt", list);
  write_text(dir / "pil_decode.py", kPilScript);
  const std::string command = std::string(kPython) + " " + (dir / "pil_decode.py").string() + " " +
                              (dir / "files.txt").string() + " " + compared_out.string() + " " +
                              std::to_string(kCompared);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw vlforge::Error("bench", "cannot run " + command);
  Timing t;
  const int read = std::fscanf(pipe, "%lf %lf", &t.wall, &t.cpu);
  if (pclose(pipe) != 0 || read != 2) throw vlforge::Error("bench", "PIL baseline failed: " + command);
  return t;
}

// Mean |codec - PIL| over the first kCompared images.
double difference_from_pil(const vlforge::ImageCodec& codec, const std::vector<fs::path>& files,
                           const fs::path& pil_pixels) {
  const std::vector<uint8_t> pil = read_bytes(pil_pixels);
  double total = 0;
  for (int i = 0; i < kCompared; ++i) {
    const at::Tensor ours = codec.resize(codec.decode(read_bytes(files[static_cast<size_t>(i)])), kSide, kSide,
                                         vlforge::ResizeMode::stretch);
    const at::Tensor theirs =
        at::from_blob(const_cast<uint8_t*>(pil.data()) + static_cast<ptrdiff_t>(i * kSide * kSide * 3),
                      {kSide, kSide, 3}, at::kByte);
    total += (ours.to(at::kDouble) - theirs.to(at::kDouble)).abs().mean().item<double>();
  }
  return total / kCompared;
}

}  // namespace

int main(int argc, char** argv) try {
  const int count = argc > 1 ? std::atoi(argv[1]) : 200;
  if (count < kCompared) throw vlforge::Error("bench", "N must be at least " + std::to_string(kCompared));
  // One core each: PIL decodes and resizes on the calling thread only.
  cv::setNumThreads(1);
  at::set_num_threads(1);
  at::manual_seed(1234);

  vlforge::host::PluginHost plugins({fs::path(VLFORGE_BENCH_PLUGIN_DIR)});
  vlforge::Context context(vlforge::ContextOptions{}, &plugins.registry());
  const auto make = [&](const std::string& toml) {
    return context.create<vlforge::ImageCodec>(
        vlforge::host::resolve_component(vlforge::host::parse_toml(toml, "bench component"), plugins, "image_codec"));
  };
  const auto opencv = make("use = \"image_codec/opencv\"\nquality = 90\n");
  const auto stb = make("use = \"image_codec/stb\"\n");

  const fs::path dir = fs::temp_directory_path() / "vlforge-bench-image-decode";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<fs::path> files;
  uintmax_t bytes = 0;
  for (int i = 0; i < count; ++i) {
    const std::vector<uint8_t> jpeg = opencv->encode(photo_like(), "jpg");
    files.push_back(dir / ("image" + std::to_string(i) + ".jpg"));
    std::ofstream(files.back(), std::ios::binary).write(reinterpret_cast<const char*>(jpeg.data()),
                                                        static_cast<std::streamsize>(jpeg.size()));
    bytes += jpeg.size();
  }

  const Timing pil = time_pil(dir, files, dir / "pil_pixels.raw");
  const Timing with_opencv = time_codec(*opencv, files);
  const Timing with_stb = time_codec(*stb, files);
  const double opencv_diff = difference_from_pil(*opencv, files, dir / "pil_pixels.raw");
  const double stb_diff = difference_from_pil(*stb, files, dir / "pil_pixels.raw");
  fs::remove_all(dir);

  std::printf("image decode + resize to %ldx%ld (stretch), %d JPEGs of %ldx%ld, quality 90, %.0f KiB on average\n",
              kSide, kSide, count, kWidth, kHeight, static_cast<double>(bytes) / count / 1024);
  std::printf("one thread each; images/s per CPU second (wall-clock in brackets); |diff| = mean |pixel - PIL's|\n");
  const auto row = [&](const char* name, const Timing& t) {
    std::printf("  %-30s %7.1f img/s  (%7.1f wall)  %5.2fx PIL", name, count / t.cpu, count / t.wall, pil.cpu / t.cpu);
  };
  row("baseline  PIL (python3-pil)", pil);
  std::printf("\n");
  row("vlforge   image_codec/opencv", with_opencv);
  std::printf("  |diff| %.3f\n", opencv_diff);
  row("vlforge   image_codec/stb", with_stb);
  std::printf("  |diff| %.3f\n", stb_diff);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_image_decode: %s\n", e.what());
  return 1;
}
