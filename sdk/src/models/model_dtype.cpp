#include "vlforge/models/model_dtype.hpp"

#include "vlforge/error.hpp"

namespace vlforge::models {

at::ScalarType model_dtype(std::string_view name, const std::string& where) {
  if (name == "float32") return at::kFloat;
  if (name == "bfloat16") return at::kBFloat16;
  if (name == "float16") return at::kHalf;
  throw Error(where, "dtype '" + std::string(name) + "' is not one of float32, bfloat16, float16");
}

}  // namespace vlforge::models
