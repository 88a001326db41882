#include "local_launcher.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/dll/runtime_symbol_info.hpp>
#include <chrono>
#include <map>
#include <thread>

#include "vlforge/error.hpp"
#include "vlforge/logger.hpp"

namespace vlforge::host {

namespace {

// A port the kernel says is free now; the store binds it a moment later.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error("launch", "cannot open a socket to find a free port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw Error("launch", "cannot find a free port on 127.0.0.1");
  }
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int launch_local(const LaunchOptions& options) {
  if (options.nproc < 1) throw Error("launch", "--nproc must be at least 1");
  if (options.command.empty()) throw Error("launch", "no command to launch (e.g. vlforge launch --nproc 2 -- run recipe.toml)");
  const std::string self = boost::dll::program_location().string();
  const int port = options.master_port > 0 ? options.master_port : free_port();
  Logger log("launch");
  log.info("starting ", options.nproc, " rank(s), rendezvous on 127.0.0.1:", port);

  std::map<pid_t, int> ranks;  // pid -> rank
  const pid_t launcher = getpid();
  for (int rank = 0; rank < options.nproc; ++rank) {
    const pid_t pid = fork();
    if (pid < 0) throw Error("launch", "fork failed for rank " + std::to_string(rank));
    if (pid == 0) {
      // A rank does not outlive its launcher (as under torchrun): killing the launch kills the job.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != launcher) _exit(128 + SIGKILL);
      setenv("RANK", std::to_string(rank).c_str(), 1);
      setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
      setenv("WORLD_SIZE", std::to_string(options.nproc).c_str(), 1);
      setenv("LOCAL_WORLD_SIZE", std::to_string(options.nproc).c_str(), 1);
      setenv("MASTER_ADDR", "127.0.0.1", 1);
      setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(self.c_str()));
      for (const auto& a : options.command) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(self.c_str(), argv.data());
      _exit(127);
    }
    ranks[pid] = rank;
  }

  int result = 0;
  while (!ranks.empty()) {
    int status = 0;
    const pid_t pid = wait(&status);
    if (pid < 0) break;
    const auto it = ranks.find(pid);
    if (it == ranks.end()) continue;
    const int rank = it->second;
    ranks.erase(it);
    const int code = exit_code_of(status);
    if (code != 0 && result == 0) {
      result = code;
      log.error("rank ", rank, " exited with ", code, "; stopping the other ", ranks.size(), " rank(s)");
      for (const auto& [other, _] : ranks) kill(other, SIGTERM);
    }
  }
  return result;
}

}  // namespace vlforge::host
