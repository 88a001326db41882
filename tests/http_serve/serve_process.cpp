#include "serve_process.hpp"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "test_paths.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {

ServeProcess::ServeProcess(const fs::path& dir, const fs::path& model, const std::string& stage_keys,
                           const std::string& extra_keys)
    : dir_(dir) {
  fs::create_directories(dir);
  const fs::path recipe = dir / "serve.toml";
  std::ofstream(recipe) << "[run]\nname = \"serve\"\ndir = \"" << (dir / "run").string()
                        << "\"\n\n[[stage]]\nname = \"serve\"\nuse = \"stage/serve\"\nmodel = \"" << model.string()
                        << "\"\n"
                        << stage_keys << "port = 0\n"
                        << extra_keys;
  process_ = std::make_unique<BackgroundProcess>(std::vector<std::string>{kVlforge, "run", recipe.string()},
                                                 dir / "server.log");
  const fs::path info = dir / "run" / "serve" / "server.json";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (!fs::exists(info)) {
    // The CLI reports a failed run on a line of its own before it exits.
    if (const std::string said = output(); said.rfind("error: ", 0) == 0 || said.find("\nerror: ") != std::string::npos)
      throw std::runtime_error("the server failed to start:\n" + said);
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("no server.json after two minutes; the server said:\n" + output());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto j = nlohmann::json::parse(read_text(info));
  host_ = j.at("host").get<std::string>();
  port_ = j.at("port").get<uint16_t>();
  pid_ = j.at("pid").get<pid_t>();
}

ServeProcess::~ServeProcess() = default;  // BackgroundProcess kills what is still running

int ServeProcess::terminate() {
  ::kill(pid_, SIGTERM);
  return process_->wait();
}

std::string ServeProcess::output() const { return read_text(dir_ / "server.log"); }

}  // namespace vlforge::test
