#include "vlforge/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace vlforge {

namespace {
constexpr double kTtyInterval = 0.2;   // seconds between redraws on a terminal
constexpr double kLogInterval = 10.0;  // seconds between lines in a log
constexpr int kBarWidth = 24;

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}
}  // namespace

Progress::Progress(std::string label, int64_t total, std::string unit, bool enabled)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      enabled_(enabled),
      tty_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::Progress(Progress&& o) noexcept
    : label_(std::move(o.label_)),
      total_(o.total_),
      unit_(std::move(o.unit_)),
      enabled_(o.enabled_),
      tty_(o.tty_),
      finished_(o.finished_),
      count_(o.count_),
      start_(o.start_),
      last_draw_(o.last_draw_) {
  o.finished_ = true;  // the moved-from bar prints nothing
}

Progress::~Progress() { finish(); }

double Progress::elapsed_seconds() const { return seconds_between(start_, std::chrono::steady_clock::now()); }

void Progress::advance(int64_t n) {
  count_ += n;
  if (!enabled_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (seconds_between(last_draw_, now) >= (tty_ ? kTtyInterval : kLogInterval)) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::set_total(int64_t total) { total_ = total; }

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) draw(true);
}

std::string Progress::human(double v) {
  const char* suffix[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (std::fabs(v) >= 1000.0 && i < 4) {
    v /= 1000.0;
    ++i;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, i == 0 && std::floor(v) == v ? "%.0f%s" : "%.1f%s", v, suffix[i]);
  return buf;
}

std::string Progress::clock(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

void Progress::draw(bool final_line) {
  const double elapsed = elapsed_seconds();
  const double rate = elapsed > 0 ? static_cast<double>(count_) / elapsed : 0.0;
  std::string line = label_ + " ";
  if (total_ > 0) {
    const double frac = std::min(1.0, static_cast<double>(count_) / static_cast<double>(total_));
    const int filled = static_cast<int>(frac * kBarWidth);
    line += "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '-') + "] ";
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3.0f%% ", frac * 100.0);
    line += pct;
    line += human(static_cast<double>(count_)) + "/" + human(static_cast<double>(total_)) + " " + unit_;
  } else {
    line += human(static_cast<double>(count_)) + " " + unit_;
  }
  line += "  " + human(rate) + " " + unit_ + "/s";
  if (final_line) {
    line += "  in " + clock(elapsed);
  } else if (total_ > 0 && rate > 0) {
    line += "  ETA " + clock(static_cast<double>(total_ - count_) / rate);
  }
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace vlforge
