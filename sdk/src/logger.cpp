#include "vlforge/logger.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

namespace vlforge {

namespace {

std::atomic<Logger::Level> g_threshold{Logger::Level::info};

spdlog::logger& backend() {
  // One stderr logger for the process, so plugins and host interleave cleanly.
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_color_mt("vlforge");
    l->set_pattern("%^[%H:%M:%S %L]%$ %v");
    l->set_level(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

spdlog::level::level_enum to_spdlog(Logger::Level level) {
  switch (level) {
    case Logger::Level::debug: return spdlog::level::debug;
    case Logger::Level::info: return spdlog::level::info;
    case Logger::Level::warn: return spdlog::level::warn;
    case Logger::Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

Logger::Logger(std::string tag, int rank) : tag_(std::move(tag)), rank_(rank) {}

bool Logger::enabled(Level level) const {
  return static_cast<int>(level) >= static_cast<int>(g_threshold.load());
}

void Logger::write(Level level, std::string_view message) const {
  if (!enabled(level)) return;
  std::string prefix;
  if (rank_ > 0) prefix += "[rank " + std::to_string(rank_) + "] ";
  if (!tag_.empty()) prefix += tag_ + ": ";
  backend().log(to_spdlog(level), "{}{}", prefix, message);
}

void Logger::set_threshold(Level level) { g_threshold = level; }

}  // namespace vlforge
