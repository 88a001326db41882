// vlforge::Error: the one exception type of vlforge, for plugins and host alike.
//
// A message reads `where: what is wrong (what would be right)`, e.g.
// `recipes/x.toml:12:3: unknown key 'lerning_rate' in stage 'pretrain' (did you mean
// 'learning_rate'?)`. `where` is a file position, a file, a plugin or a component; the CLI
// prints what() on one line and exits non-zero.
#pragma once

#include <stdexcept>
#include <string>

#include "vlforge/export.hpp"

namespace vlforge {

class VLFORGE_API Error : public std::runtime_error {
 public:
  Error(std::string where, std::string what);
  explicit Error(std::string what);
  ~Error() override;

  const std::string& where() const noexcept { return where_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string where_;
  std::string reason_;
};

}  // namespace vlforge
