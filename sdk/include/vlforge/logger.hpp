// vlforge::Logger: leveled logging for plugins and stages, tagged with the stage and rank.
//
//   ctx.log().info("scored ", n, " samples in ", secs, " s");
//
// Arguments are streamed with operator<<, so only std and SDK types are needed.
#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "vlforge/export.hpp"

namespace vlforge {

class VLFORGE_API Logger {
 public:
  enum class Level { debug, info, warn, error };

  explicit Logger(std::string tag = {}, int rank = 0);

  template <class... Args>
  void debug(Args&&... args) { log(Level::debug, std::forward<Args>(args)...); }
  template <class... Args>
  void info(Args&&... args) { log(Level::info, std::forward<Args>(args)...); }
  template <class... Args>
  void warn(Args&&... args) { log(Level::warn, std::forward<Args>(args)...); }
  template <class... Args>
  void error(Args&&... args) { log(Level::error, std::forward<Args>(args)...); }

  template <class... Args>
  void log(Level level, Args&&... args) {
    if (!enabled(level)) return;
    std::ostringstream out;
    (out << ... << std::forward<Args>(args));
    write(level, out.str());
  }

  bool enabled(Level level) const;
  void write(Level level, std::string_view message) const;

  // Process-wide threshold, set by the CLI (--verbose / --quiet).
  static void set_threshold(Level level);

 private:
  std::string tag_;
  int rank_;
};

}  // namespace vlforge
