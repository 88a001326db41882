#include "chat_stage.hpp"

#include <cstdio>
#include <iostream>

#include "vlforge/error.hpp"

namespace vlforge::evaluation {

namespace {

constexpr std::string_view kHelp =
    "Type a message and press Enter. /image FILE attaches an image to your next message, /reset starts a new "
    "conversation, /exit (or Ctrl-D) ends.";

GenerationConfig generation_config(const ChatStageConfig& cfg) {
  GenerationConfig g;
  g.max_new_tokens = cfg.max_new_tokens;
  g.do_sample = cfg.temperature > 0;
  if (g.do_sample) g.temperature = cfg.temperature;
  g.top_p = cfg.top_p;
  g.seed = static_cast<uint64_t>(cfg.seed);
  return g;
}

// The conversation so far and the images its messages mark.
struct Conversation {
  ChatPrompt prompt;

  void reset(const std::string& system) {
    prompt = {};
    if (!system.empty()) prompt.messages.push_back({"system", system});
  }
  void add_user(const std::string& text, const std::filesystem::path& image) {
    if (image.empty()) {
      prompt.messages.push_back({"user", text});
      return;
    }
    prompt.messages.push_back({"user", std::string(kImageMarker) + "\n" + text});
    prompt.images.push_back(ImageInput::from_file(image));
  }
};

// Streams the answer to stdout and returns it.
std::string answer(Assistant& assistant, const ChatPrompt& prompt, const GenerationConfig& config) {
  const std::vector<Reply> replies =
      assistant.generate(std::span<const ChatPrompt>(&prompt, 1), config, [](size_t, std::string_view delta) {
        std::fwrite(delta.data(), 1, delta.size(), stdout);
        std::fflush(stdout);
        return true;
      });
  std::fputc('\n', stdout);
  std::fflush(stdout);
  return replies.front().text;
}

void check_image(const std::filesystem::path& image) {
  if (!image.empty() && !std::filesystem::is_regular_file(image))
    throw Error(image.string(), "no such image file");
}

}  // namespace

Schema<ChatStageConfig> chat_stage_schema() {
  Schema<ChatStageConfig> s(
      "Chats with a trained model, streaming the answer to stdout: one answer to `prompt`, or an interactive "
      "session on stdin when `prompt` is empty.");
  add_assistant_fields(s);
  s.field("prompt", &ChatStageConfig::prompt, "the message to answer; empty: an interactive session");
  s.field("image", &ChatStageConfig::image, "an image the (first) message is about");
  s.field("system", &ChatStageConfig::system, "a system message ahead of the conversation");
  s.field("max_new_tokens", &ChatStageConfig::max_new_tokens, "the longest answer, in tokens").min(1);
  s.field("temperature", &ChatStageConfig::temperature, "sampling temperature; 0 answers greedily").min(0);
  s.field("top_p", &ChatStageConfig::top_p, "nucleus sampling: keep the smallest set of tokens with this probability")
      .range(0, 1);
  s.field("seed", &ChatStageConfig::seed, "seed of the sampling").min(0);
  return s;
}

void ChatStage::run(Context& ctx) {
  check_image(cfg_.image);
  const std::unique_ptr<Assistant> assistant = Assistant::load(cfg_, ctx);
  const GenerationConfig config = generation_config(cfg_);
  Conversation conversation;
  conversation.reset(cfg_.system);
  if (!cfg_.prompt.empty()) {
    conversation.add_user(cfg_.prompt, cfg_.image);
    answer(*assistant, conversation.prompt, config);
    return;
  }

  std::cerr << kHelp << "\n";
  std::filesystem::path image = cfg_.image;
  for (std::string line;;) {
    std::fputs("> ", stdout);
    std::fflush(stdout);
    if (!std::getline(std::cin, line) || line == "/exit") break;
    if (line.empty()) continue;
    if (line == "/reset") {
      conversation.reset(cfg_.system);
      image.clear();
      std::cerr << "(new conversation)\n";
      continue;
    }
    if (line.starts_with("/image")) {
      const std::string file = line.size() > 7 ? line.substr(7) : "";
      try {
        check_image(file);
        image = file;
        std::cerr << "(the next message comes with " << file << ")\n";
      } catch (const Error& e) {
        std::cerr << "error: " << e.what() << "\n";
      }
      continue;
    }
    Conversation attempt = conversation;
    attempt.add_user(line, image);
    try {
      const std::string reply = answer(*assistant, attempt.prompt, config);
      attempt.prompt.messages.push_back({"assistant", reply});
      conversation = std::move(attempt);
      image.clear();
    } catch (const Error& e) {
      // A bad image or an over-long conversation ends this turn, not the session.
      std::cerr << "error: " << e.what() << "\n";
    }
  }
}

}  // namespace vlforge::evaluation
