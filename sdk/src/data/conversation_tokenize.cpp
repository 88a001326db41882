#include <span>

#include "vlforge/conversation_data.hpp"
#include "vlforge/error.hpp"

namespace vlforge {

namespace {

struct Segment {
  std::string text;
  bool loss = false;
};

void append(std::vector<Segment>& segments, std::string_view text, bool loss) {
  if (text.empty()) return;
  // Neighbours with the same flag are encoded together, so the tokenizer sees as much of the
  // rendered text at once as it would unsplit.
  if (!segments.empty() && segments.back().loss == loss)
    segments.back().text += text;
  else
    segments.push_back({std::string(text), loss});
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

[[noreturn]] void not_a_prefix(const Conversation& c, size_t message, const std::string& what) {
  throw Error("chat template",
              "conversation '" + c.id + "', message " + std::to_string(message) + ": " + what +
                  " (the template must render each conversation as an extension of its first messages, so the "
                  "assistant turns can be cut out for the loss)");
}

}  // namespace

ConversationTokens tokenize_conversation(const Tokenizer& tokenizer, const Conversation& conversation,
                                         int64_t image_token_id, int64_t image_tokens) {
  const std::span<const ChatMessage> messages(conversation.messages);
  std::vector<Segment> segments;
  std::string rendered;  // messages [0, i) as the template renders them
  for (size_t i = 0; i < messages.size(); ++i) {
    const std::string text = tokenizer.apply_chat_template(messages.first(i + 1), false);
    if (messages[i].role != "assistant") {
      if (!text.starts_with(rendered)) not_a_prefix(conversation, i, "its rendering does not extend the one before");
      append(segments, std::string_view(text).substr(rendered.size()), false);
      rendered = text;
      continue;
    }
    const std::string header = tokenizer.apply_chat_template(messages.first(i), true);
    if (!header.starts_with(rendered))
      not_a_prefix(conversation, i, "the generation prompt does not extend the messages before it");
    if (!text.starts_with(header))
      not_a_prefix(conversation, i, "the assistant's turn does not extend its generation prompt");
    append(segments, std::string_view(header).substr(rendered.size()), false);
    // The template's separator after the end-of-turn token is never generated, so it carries no loss.
    std::string_view answer = std::string_view(text).substr(header.size());
    size_t end = answer.size();
    while (end > 0 && is_space(answer[end - 1])) --end;
    if (end == 0) end = answer.size();
    append(segments, answer.substr(0, end), true);
    append(segments, answer.substr(end), false);
    rendered = text;
  }

  ConversationTokens out;
  const auto add_text = [&](std::string_view piece, bool loss) {
    if (piece.empty()) return;
    for (int64_t id : tokenizer.encode(piece)) {
      out.ids.push_back(id);
      out.loss_mask.push_back(loss ? 1 : 0);
    }
  };
  for (const Segment& s : segments) {
    std::string_view rest = s.text;
    for (size_t at = rest.find(kImageMarker); at != std::string_view::npos; at = rest.find(kImageMarker)) {
      add_text(rest.substr(0, at), s.loss);
      out.ids.push_back(image_token_id);
      out.loss_mask.push_back(0);
      ++out.images;
      rest.remove_prefix(at + kImageMarker.size());
    }
    add_text(rest, s.loss);
  }
  out.length = static_cast<int64_t>(out.ids.size()) + out.images * (image_tokens - 1);
  return out;
}

}  // namespace vlforge
