#include "image_codecs.hpp"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <numbers>

#include "component_factory.hpp"

namespace vlforge::test {

ImageCodec& image_codec(const std::string& name) {
  static ComponentMaker maker;
  static std::map<std::string, std::shared_ptr<ImageCodec>> made;
  std::shared_ptr<ImageCodec>& codec = made[name];
  if (!codec) codec = maker.make<ImageCodec>("use = \"image_codec/" + name + "\"\n");
  return *codec;
}

std::vector<PilReading> pil_readings() {
  std::ifstream in(test_image_path("reference.json"));
  if (!in) throw std::runtime_error("cannot open " + test_image_path("reference.json").string());
  const nlohmann::json reference = nlohmann::json::parse(in);
  std::vector<PilReading> out;
  for (const auto& [file, entry] : reference.items()) {
    PilReading r;
    r.file = file;
    r.width = entry.at("width").get<int64_t>();
    r.height = entry.at("height").get<int64_t>();
    for (size_t c = 0; c < 3; ++c) r.mean_rgb[c] = entry.at("mean_rgb").at(c).get<double>();
    out.push_back(r);
  }
  return out;
}

void PrintTo(const PilReading& reading, std::ostream* out) { *out << reading.file; }

at::Tensor smooth_image(int64_t height, int64_t width, int seed) {
  const at::Tensor y = at::linspace(0, 1, height, at::kDouble).view({height, 1, 1});
  const at::Tensor x = at::linspace(0, 1, width, at::kDouble).view({1, width, 1});
  const at::Tensor phase = at::arange(3, at::kDouble).view({1, 1, 3}) * 2.1 + seed;
  const at::Tensor wave = at::sin(x * (5 + seed % 3) * std::numbers::pi + phase) * at::cos(y * 3 * std::numbers::pi);
  const at::Tensor value = 128 + 70 * wave + 40 * (x - y);
  return value.round().clamp(0, 255).to(at::kByte).contiguous();
}

double mean_abs_difference(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().mean().item<double>();
}

}  // namespace vlforge::test
