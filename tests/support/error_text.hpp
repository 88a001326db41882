// The message of the vlforge::Error that `f` throws, or "" when it throws none: for asserting
// the exact text users see.
#pragma once

#include <functional>
#include <string>

namespace vlforge::test {

std::string error_of(const std::function<void()>& f);

}  // namespace vlforge::test
