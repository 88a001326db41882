// Two ranks of one run on this machine (`vlforge launch`, c10d TCPStore rendezvous): they split
// the shards, produce exactly what one process produces, and a rank that dies makes the other
// fail within the run's timeout instead of hanging.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "process.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace vlforge::test;

namespace {

// A port nobody listens on now, so parallel runs of this test never share a rendezvous.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::vector<double> losses(const fs::path& metrics) {
  std::vector<double> out;
  std::ifstream in(metrics);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line).at("loss").get<double>());
  return out;
}

}  // namespace

TEST(TwoRanks, SplitTheShardsAndMatchOneProcess) {
  const fs::path dir = fresh_dir("two-ranks-quickstart");
  const std::string recipe = (kSourceDir / "recipes" / "quickstart.toml").string();
  const auto two = run_command({kVlforge, "launch", "--nproc", "2", "--", "run", recipe},
                               {"VLFORGE_RUN_DIR=" + (dir / "two").string()}, kSourceDir);
  ASSERT_EQ(two.exit_code, 0) << two.output;
  // Four shards, two each.
  EXPECT_NE(two.output.find("[rank 1] score: scored 1000 samples of 2 shard(s)"), std::string::npos) << two.output;
  EXPECT_NE(two.output.find("] score: scored 1000 samples of 2 shard(s)"), std::string::npos) << two.output;

  const auto one = run_command({kVlforge, "run", recipe}, {"VLFORGE_RUN_DIR=" + (dir / "one").string()}, kSourceDir);
  ASSERT_EQ(one.exit_code, 0) << one.output;
  for (const std::string file : {"score/score_summary.json", "filter/kept.tsv", "filter/report.json",
                                 "score/scores/synthetic-00001.caption_quality.tsv",
                                 "score/scores/synthetic-00002.caption_quality.tsv"}) {
    const std::string a = read_text(dir / "one" / file);
    EXPECT_FALSE(a.empty()) << file;
    EXPECT_EQ(a, read_text(dir / "two" / file)) << file;
  }
  // Training on two ranks takes the same global batches as on one: the same losses.
  for (const std::string stage : {"pretrain", "sft"}) {
    const auto a = losses(dir / "one" / stage / "metrics.jsonl");
    const auto b = losses(dir / "two" / stage / "metrics.jsonl");
    ASSERT_FALSE(a.empty()) << stage;
    ASSERT_EQ(a.size(), b.size()) << stage;
    for (size_t i = 0; i < a.size(); ++i)
      EXPECT_NEAR(a[i], b[i], 1e-4 * std::abs(a[i])) << stage << " step " << i + 1;
  }
}

TEST(TwoRanks, ADeadRankMakesTheOtherFailWithinTheTimeout) {
  const fs::path dir = fresh_dir("two-ranks-dead");
  const fs::path recipe = dir / "recipe.toml";
  write_text(recipe, "[run]\ndir = \"" + (dir / "run").string() + "\"\nsync_timeout_s = 3\n[plugins]\npaths = [\"" +
                         kGoodPluginDir.string() + "\"]\n[[stage]]\nname = \"slow\"\nuse = \"stage/probe\"\n"
                         "units = 20\ndelay_ms = 100\n");
  const std::string port = std::to_string(free_port());
  const std::vector<std::string> common = {"WORLD_SIZE=2", "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + port};
  auto env_of = [&](int rank) {
    auto env = common;
    env.push_back("RANK=" + std::to_string(rank));
    return env;
  };
  const auto start = std::chrono::steady_clock::now();
  BackgroundProcess rank0({kVlforge, "run", recipe.string()}, dir / "rank0.out", env_of(0));
  BackgroundProcess rank1({kVlforge, "run", recipe.string()}, dir / "rank1.out", env_of(1));
  // Let both join and start the stage, then kill rank 1.
  const auto deadline = start + std::chrono::seconds(30);
  while (read_text(dir / "rank1.out").find("stage 1/1 'slow'") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << read_text(dir / "rank1.out");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  rank1.kill_hard();
  const int code = rank0.wait();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string out = read_text(dir / "rank0.out");
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("error: rank 0: waited over 3 s for the other ranks at 'end of stage 'slow'': a "
                     "rank failed or is stuck (see its log)"),
            std::string::npos)
      << out;
  EXPECT_LT(seconds, 20.0);
  // The stage is not marked done.
  EXPECT_EQ(read_text(dir / "run" / "slow" / ".vlforge-stage.json").find("\"done\""), std::string::npos);
}
