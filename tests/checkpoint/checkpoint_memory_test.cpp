// Loading a 1 GB checkpoint into a model's parameters costs about the parameters' own memory:
// the file is mapped, not read into a buffer, and each tensor's pages are dropped once copied.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "test_paths.hpp"
#include "vlforge/safetensors.hpp"

namespace fs = std::filesystem;

namespace {

// kB of the named /proc/self/status line ("VmRSS", "VmHWM").
int64_t status_kb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0) return std::stoll(line.substr(key.size() + 1));
  return -1;
}

}  // namespace

TEST(CheckpointMemory, LoadingOneGigabytePeaksBelowOnePointThreeGigabytesAboveBaseline) {
  const fs::path dir = vlforge::test::fresh_dir("checkpoint-memory");
  constexpr int kTensors = 16;
  constexpr int64_t kFloats = (1LL << 30) / 4 / kTensors;  // 16 x 64 MiB = 1 GiB
  {
    std::vector<vlforge::NamedTensor> tensors;
    for (int i = 0; i < kTensors; ++i) tensors.push_back({"w" + std::to_string(i), torch::full({kFloats}, float(i))});
    vlforge::save_checkpoint(dir, tensors);
  }
  ASSERT_EQ(fs::file_size(dir / "model.safetensors") >> 20, 1024u);

  std::ofstream("/proc/self/clear_refs") << "5";  // reset the peak (VmHWM) to the current RSS
  const int64_t baseline = status_kb("VmRSS");
  std::vector<vlforge::NamedTensor> params;
  for (int i = 0; i < kTensors; ++i) params.push_back({"w" + std::to_string(i), torch::empty({kFloats})});
  vlforge::Checkpoint::open(dir).load_into(params);
  const int64_t peak = status_kb("VmHWM");
  for (int i = 0; i < kTensors; ++i) EXPECT_EQ(params[i].second[kFloats - 1].item<float>(), float(i));

  const double above_gb = static_cast<double>(peak - baseline) / (1 << 20);
  std::printf("baseline %.3f GB, peak %.3f GB, peak above baseline %.3f GB\n", baseline / double(1 << 20),
              peak / double(1 << 20), above_gb);
  EXPECT_LE(above_gb, 1.3);
  fs::remove_all(dir);
}
