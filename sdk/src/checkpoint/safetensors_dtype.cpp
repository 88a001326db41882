#include <array>
#include <utility>

#include "vlforge/error.hpp"
#include "vlforge/safetensors.hpp"

namespace vlforge {

namespace {
constexpr std::array<std::pair<std::string_view, at::ScalarType>, 10> kDtypes = {{
    {"F64", at::kDouble},
    {"F32", at::kFloat},
    {"F16", at::kHalf},
    {"BF16", at::kBFloat16},
    {"I64", at::kLong},
    {"I32", at::kInt},
    {"I16", at::kShort},
    {"I8", at::kChar},
    {"U8", at::kByte},
    {"BOOL", at::kBool},
}};
}  // namespace

at::ScalarType safetensors_dtype(std::string_view name) {
  for (const auto& [n, t] : kDtypes)
    if (n == name) return t;
  std::string known;
  for (const auto& [n, _] : kDtypes) known += (known.empty() ? "" : ", ") + std::string(n);
  throw Error("safetensors", "unsupported dtype '" + std::string(name) + "' (supported: " + known + ")");
}

std::string safetensors_dtype_name(at::ScalarType dtype) {
  for (const auto& [n, t] : kDtypes)
    if (t == dtype) return std::string(n);
  throw Error("safetensors", std::string("cannot store dtype ") + c10::toString(dtype));
}

}  // namespace vlforge
