// This process's place in a distributed job, from the variables torchrun or Slurm set.
#pragma once

namespace vlforge::host {

struct ProcessPlace {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
};

// RANK / WORLD_SIZE / LOCAL_RANK (torchrun), else SLURM_PROCID / SLURM_NTASKS / SLURM_LOCALID,
// else a single process. Throws vlforge::Error on malformed or inconsistent values.
ProcessPlace process_place_from_env();

}  // namespace vlforge::host
