// The dtype names recipes use for a model's `dtype` key, shared by every model plugin.
#pragma once

#include <c10/core/ScalarType.h>

#include <string>
#include <string_view>

#include "vlforge/export.hpp"

namespace vlforge::models {

// "float32", "bfloat16", "float16" -> at::ScalarType; anything else is a vlforge::Error at `where`.
VLFORGE_API at::ScalarType model_dtype(std::string_view name, const std::string& where = "dtype");

}  // namespace vlforge::models
