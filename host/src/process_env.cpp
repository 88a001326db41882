#include "process_env.hpp"

#include <cstdlib>
#include <string>

#include "vlforge/error.hpp"

namespace vlforge::host {

namespace {
int read_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  try {
    size_t used = 0;
    const int i = std::stoi(v, &used);
    if (used != std::string(v).size() || i < 0) throw std::invalid_argument(v);
    return i;
  } catch (const std::exception&) {
    throw Error(std::string("environment variable ") + name, std::string("'") + v + "' is not a non-negative integer");
  }
}
}  // namespace

ProcessPlace process_place_from_env() {
  ProcessPlace p;
  if (std::getenv("RANK") || std::getenv("WORLD_SIZE")) {
    p.rank = read_int("RANK", 0);
    p.world_size = read_int("WORLD_SIZE", 1);
    p.local_rank = read_int("LOCAL_RANK", p.rank);
  } else if (std::getenv("SLURM_PROCID")) {
    p.rank = read_int("SLURM_PROCID", 0);
    p.world_size = read_int("SLURM_NTASKS", 1);
    p.local_rank = read_int("SLURM_LOCALID", 0);
  }
  if (p.world_size < 1 || p.rank >= p.world_size)
    throw Error("environment", "rank " + std::to_string(p.rank) + " is not below world size " + std::to_string(p.world_size));
  return p;
}

}  // namespace vlforge::host
