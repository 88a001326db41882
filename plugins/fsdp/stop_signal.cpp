#include "stop_signal.hpp"

#include <atomic>
#include <csignal>

namespace vlforge::fsdp {

namespace {

std::atomic<int> g_received{0};
struct sigaction g_old_term, g_old_int;

extern "C" void record_signal(int signal) { g_received.store(signal); }

}  // namespace

StopSignal::StopSignal() {
  g_received.store(0);
  struct sigaction action {};
  action.sa_handler = record_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, &g_old_term);
  sigaction(SIGINT, &action, &g_old_int);
}

StopSignal::~StopSignal() {
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGINT, &g_old_int, nullptr);
}

int StopSignal::received() const { return g_received.load(); }

}  // namespace vlforge::fsdp
