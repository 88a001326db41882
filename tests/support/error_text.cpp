#include "error_text.hpp"

#include "vlforge/error.hpp"

namespace vlforge::test {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace vlforge::test
