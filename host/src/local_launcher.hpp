// `vlforge launch`: runs N ranks of a vlforge command on this machine, as torchrun would.
#pragma once

#include <string>
#include <vector>

namespace vlforge::host {

struct LaunchOptions {
  int nproc = 1;
  int master_port = 0;  // 0: pick a free port
  std::vector<std::string> command;  // vlforge arguments, e.g. {"run", "recipe.toml"}
};

// Starts the ranks with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT set, waits for
// all of them, and stops the others as soon as one fails. Returns the first failing rank's exit
// code (128 + signal for a killed rank), or 0.
int launch_local(const LaunchOptions& options);

}  // namespace vlforge::host
