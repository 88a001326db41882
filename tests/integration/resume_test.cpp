// Skip and resume through the real executable: a three-stage recipe killed during its second
// stage reruns without redoing the first and resumes the second where it stopped; changing the
// first stage's config reruns it and every stage after it.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "process.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace vlforge::test;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

size_t count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
  size_t n = 0;
  for (const auto& l : lines) n += l.rfind(prefix, 0) == 0;
  return n;
}

class Resume : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    log = dir / "work.log";
    recipe = dir / "recipe.toml";
    write_text(recipe, "[run]\ndir = \"" + (dir / "run").string() + "\"\n[plugins]\npaths = [\"" +
                           kGoodPluginDir.string() + "\"]\n" +
                           "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\nunits = 2\nlog = \"" + log.string() + "\"\n" +
                           "[[stage]]\nname = \"b\"\nuse = \"stage/probe\"\nunits = 6\ndelay_ms = 150\ninput = \"a\"\nlog = \"" +
                           log.string() + "\"\n" +
                           "[[stage]]\nname = \"c\"\nuse = \"stage/probe\"\nunits = 2\ninput = \"b\"\nlog = \"" +
                           log.string() + "\"\n");
  }

  CommandResult run(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {kVlforge, "run", recipe.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_command(args);
  }

  std::vector<std::string> log_lines() const { return lines_of(read_text(log)); }

  fs::path dir, log, recipe;
};

}  // namespace

TEST_F(Resume, KilledDuringSecondStageResumesWithoutRedoingTheFirst) {
  {
    BackgroundProcess p({kVlforge, "run", recipe.string()}, dir / "first-attempt.out");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (count_prefix(log_lines(), "b ") < 2) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << read_text(dir / "first-attempt.out");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    p.kill_hard();
  }
  const size_t b_done_before_kill = count_prefix(log_lines(), "b ");
  ASSERT_LT(b_done_before_kill, 6u) << "stage b finished before it could be killed";
  EXPECT_EQ(count_prefix(log_lines(), "c "), 0u);

  const auto second = run();
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("stage 1/3 'a' is finished and unchanged: skipped"), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("stage 2/3 'b' (stage/probe): resuming"), std::string::npos) << second.output;

  const auto lines = log_lines();
  EXPECT_EQ(count_prefix(lines, "a "), 2u) << "stage a was redone";
  for (int unit = 0; unit < 6; ++unit)
    EXPECT_EQ(count_prefix(lines, "b " + std::to_string(unit)), 1u) << "unit " << unit << " of b";
  // The units done after the kill were done by the resumed attempt.
  EXPECT_EQ(count_prefix(lines, "b "), 6u);
  EXPECT_EQ(lines.at(2 + b_done_before_kill), "b " + std::to_string(b_done_before_kill) + " resumed");
  EXPECT_EQ(count_prefix(lines, "c "), 2u);

  // A third run finds everything finished.
  const auto third = run();
  ASSERT_EQ(third.exit_code, 0) << third.output;
  EXPECT_EQ(log_lines().size(), lines.size());
  EXPECT_NE(third.output.find("0 stage(s) run, 3 skipped"), std::string::npos) << third.output;
}

TEST_F(Resume, ChangingTheFirstStageRerunsItAndEveryLaterStage) {
  ASSERT_EQ(run().exit_code, 0);
  const size_t before = log_lines().size();
  EXPECT_EQ(before, 2u + 6u + 2u);

  const auto changed = run({"--set", "stage.a.units=3"});
  ASSERT_EQ(changed.exit_code, 0) << changed.output;
  const auto lines = log_lines();
  const std::vector<std::string> rerun(lines.begin() + static_cast<long>(before), lines.end());
  // Fresh (not resumed) runs of all three stages: a's folder was emptied, so all its units rerun.
  EXPECT_EQ(count_prefix(rerun, "a "), 3u);
  EXPECT_EQ(count_prefix(rerun, "b "), 6u);
  EXPECT_EQ(count_prefix(rerun, "c "), 2u);
  EXPECT_EQ(rerun.size(), 11u);
  for (const auto& l : rerun) EXPECT_EQ(l.find("resumed"), std::string::npos) << l;
}

TEST_F(Resume, ChangingALaterStageKeepsTheEarlierOnes) {
  ASSERT_EQ(run().exit_code, 0);
  const size_t before = log_lines().size();
  ASSERT_EQ(run({"--set", "stage.c.units=3"}).exit_code, 0);
  const auto lines = log_lines();
  const std::vector<std::string> rerun(lines.begin() + static_cast<long>(before), lines.end());
  EXPECT_EQ(rerun, (std::vector<std::string>{"c 0", "c 1", "c 2"}));
}

TEST_F(Resume, OnlyAndFromForceTheNamedStages) {
  ASSERT_EQ(run().exit_code, 0);
  size_t before = log_lines().size();
  ASSERT_EQ(run({"--only", "b"}).exit_code, 0);
  auto lines = log_lines();
  EXPECT_EQ(count_prefix({lines.begin() + static_cast<long>(before), lines.end()}, "b "), 6u);
  EXPECT_EQ(lines.size(), before + 6);

  // b ran again, so c's input changed: a plain run now reruns c only.
  before = lines.size();
  ASSERT_EQ(run().exit_code, 0);
  lines = log_lines();
  EXPECT_EQ(std::vector<std::string>(lines.begin() + static_cast<long>(before), lines.end()),
            (std::vector<std::string>{"c 0", "c 1"}));

  before = lines.size();
  ASSERT_EQ(run({"--from", "b"}).exit_code, 0);
  lines = log_lines();
  EXPECT_EQ(lines.size(), before + 8);
}

TEST_F(Resume, OnlyRefusesWhenAnEarlierStageIsNotFinished) {
  const auto r = run({"--only", "c"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "error: " + recipe.string() +
                          ": stage 'a' has not finished with the current config, so 'c' cannot run alone (run without "
                          "--only/--from)\n");
}
