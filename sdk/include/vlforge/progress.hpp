// vlforge::Progress: a progress bar with rate and ETA for long work, printed on rank 0.
//
//   auto bar = ctx.progress("score", total_samples, "samples");
//   for (...) { ...; bar.advance(batch.size()); }
//
// On a terminal the bar redraws in place a few times a second; otherwise (logs, CI) it prints a
// line at most every 10 seconds. A total of 0 means unknown: only the count and rate are shown.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "vlforge/export.hpp"

namespace vlforge {

class VLFORGE_API Progress {
 public:
  Progress(std::string label, int64_t total, std::string unit, bool enabled);
  Progress(Progress&&) noexcept;
  Progress& operator=(Progress&&) = delete;
  Progress(const Progress&) = delete;
  ~Progress();

  void advance(int64_t n = 1);
  void set_total(int64_t total);
  // Prints the final line (count, rate, elapsed). Called by the destructor if not called before.
  void finish();

  int64_t count() const noexcept { return count_; }
  double elapsed_seconds() const;

  // "1.5k", "2.3M": for rates and counts.
  static std::string human(double v);
  // "1:02:03", "04:05".
  static std::string clock(double seconds);

 private:
  void draw(bool final_line);

  std::string label_;
  int64_t total_;
  std::string unit_;
  bool enabled_;
  bool tty_;
  bool finished_ = false;
  int64_t count_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace vlforge
