// `vlforge run` of a one-stage stage/serve recipe as a child process, for the server's tests and
// its load benchmark: started on port 0, ready once server.json appears, stopped with SIGTERM.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "process.hpp"

namespace vlforge::test {

class ServeProcess {
 public:
  // Serves the model folder with its stage keys (tiny_model's stage_keys) and `extra_keys` (TOML
  // lines of the stage) from a run in `dir`. Throws std::runtime_error with the server's output
  // when server.json does not appear within two minutes.
  ServeProcess(const std::filesystem::path& dir, const std::filesystem::path& model, const std::string& stage_keys,
               const std::string& extra_keys = "");
  ~ServeProcess();

  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }
  // SIGTERM, then the exit code.
  int terminate();
  std::string output() const;

 private:
  std::filesystem::path dir_;
  std::unique_ptr<BackgroundProcess> process_;
  std::string host_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace vlforge::test
