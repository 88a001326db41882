// Running the vlforge executable (and other commands) from tests.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace vlforge::test {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `args` (no shell) with extra environment `env` ("K=V"), waits, returns exit code and output.
CommandResult run_command(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                          const std::filesystem::path& cwd = {});

// A child process running in the background, its output going to a file.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& args, const std::filesystem::path& output_file,
                    const std::vector<std::string>& env = {});
  ~BackgroundProcess();
  void kill_hard();  // SIGKILL, then reap
  int wait();        // exit code, or 128+signal

 private:
  pid_t pid_ = -1;
};

// Quotes an argument list for display in assertion messages.
std::string describe(const std::vector<std::string>& args);

}  // namespace vlforge::test
