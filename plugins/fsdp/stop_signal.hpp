// StopSignal: while alive, SIGTERM and SIGINT only raise a flag that the training loop polls at
// each step, so the run can write a checkpoint before it exits.
#pragma once

namespace vlforge::fsdp {

class StopSignal {
 public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  // The signal received, or 0.
  int received() const;
};

}  // namespace vlforge::fsdp
