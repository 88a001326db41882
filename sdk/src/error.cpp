#include "vlforge/error.hpp"

#include <utility>

namespace vlforge {

namespace {
std::string join(const std::string& where, const std::string& what) {
  return where.empty() ? what : where + ": " + what;
}
}  // namespace

Error::Error(std::string where, std::string what)
    : std::runtime_error(join(where, what)), where_(std::move(where)), reason_(std::move(what)) {}

Error::Error(std::string what) : Error(std::string(), std::move(what)) {}

Error::~Error() = default;

}  // namespace vlforge
