// `vlforge chat` on a model folder: one streamed answer, the same as the model's greedy answer
// in this process; an interactive session on stdin; clear errors for a folder without model.toml.
#include <gtest/gtest.h>

#include <fstream>

#include "process.hpp"
#include "test_paths.hpp"
#include "tiny_model.hpp"

namespace fs = std::filesystem;
using namespace vlforge::test;

namespace {

bool contains(const std::string& text, const std::string& piece) { return text.find(piece) != std::string::npos; }

}  // namespace

TEST(ChatCommand, AnswersOnePromptAsTheModelDoesInProcessFromAnyWorkingDirectory) {
  const fs::path dir = fresh_dir("chat-one");
  const TinyModel tiny = write_tiny_model(dir / "model");
  std::ofstream(dir / "red.ppm", std::ios::binary) << "P6\n4 4\n255\n" << std::string(48, '\x7f');
  // stdout only: the answer (the log goes to stderr).
  auto chat = [&](const std::string& cwd) {
    const std::string command = "cd '" + cwd + "' && '" + kVlforge + "' chat --checkpoint '" + (dir / "model").string() +
                                "' --image '" + (dir / "red.ppm").string() + "' --max-tokens 6 'What is this?' 2>/dev/null";
    return run_command({"/bin/sh", "-c", command});
  };
  const CommandResult here = chat(dir.string()), elsewhere = chat("/");
  ASSERT_EQ(here.exit_code, 0) << here.output;
  ASSERT_EQ(elsewhere.exit_code, 0) << elsewhere.output;
  EXPECT_EQ(here.output, elsewhere.output);

  ComponentMaker maker;
  auto assistant = vlforge::Assistant::load(tiny_assistant_config(tiny, maker), maker.context());
  vlforge::ChatPrompt prompt;
  prompt.messages = {{"user", "<image>\nWhat is this?"}};
  prompt.images = {vlforge::ImageInput::from_file(dir / "red.ppm")};
  vlforge::GenerationConfig greedy;
  greedy.max_new_tokens = 6;
  const auto replies = assistant->generate(std::span<const vlforge::ChatPrompt>(&prompt, 1), greedy);
  EXPECT_EQ(here.output, replies.front().text + "\n");
}

TEST(ChatCommand, InteractiveSessionReadsStdinUntilExit) {
  const fs::path dir = fresh_dir("chat-interactive");
  write_tiny_model(dir / "model");
  const std::string command = "printf 'Hello there\\n/image /no/such.png\\nAgain\\n/exit\\n' | '" + kVlforge +
                              "' chat --checkpoint '" + (dir / "model").string() + "' --max-tokens 4";
  const CommandResult r = run_command({"/bin/sh", "-c", command});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "/image FILE attaches an image")) << r.output;
  EXPECT_TRUE(contains(r.output, "error: /no/such.png: no such image file")) << r.output;
  // Two answers, each after a prompt marker.
  size_t prompts = 0;
  for (size_t at = 0; (at = r.output.find("> ", at)) != std::string::npos; ++at) ++prompts;
  EXPECT_GE(prompts, 3u) << r.output;
}

TEST(ChatCommand, AFolderWithoutModelTomlIsAClearError) {
  const fs::path dir = fresh_dir("chat-no-manifest");
  const CommandResult r = run_command({kVlforge, "chat", "--checkpoint", dir.string(), "hi"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "error: " + dir.string() + ": no model.toml here")) << r.output;
}
