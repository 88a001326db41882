#include <nlohmann/json.hpp>

#include "vlforge/conversation_data.hpp"
#include "vlforge/utf8.hpp"

namespace vlforge {

namespace {

using nlohmann::json;

std::optional<std::string> chat_role(std::string_view from) {
  if (from == "human" || from == "user") return "user";
  if (from == "gpt" || from == "assistant") return "assistant";
  if (from == "system") return "system";
  return std::nullopt;
}

// A detail fit for one column of skipped.tsv.
std::string shortened(std::string text) {
  constexpr size_t kMost = 80;
  if (text.size() > kMost) {
    text.resize(kMost);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xc0) == 0x80) text.pop_back();
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xc0) text.pop_back();
    text += "...";
  }
  return text;
}

int64_t count_markers(std::string_view text) {
  int64_t n = 0;
  for (size_t at = text.find(kImageMarker); at != std::string_view::npos; at = text.find(kImageMarker, at + 1)) ++n;
  return n;
}

ConversationProblem invalid(std::string detail) { return {"invalid sample", std::move(detail)}; }

// A message's field under LLaVA's name or the chat-API name.
const json* member(const json& message, const char* llava, const char* chat) {
  if (auto it = message.find(llava); it != message.end()) return &*it;
  if (auto it = message.find(chat); it != message.end()) return &*it;
  return nullptr;
}

}  // namespace

std::optional<ConversationProblem> parse_conversation(std::string_view text, Conversation& out) {
  out = Conversation{};
  // The JSON parser rejects such bytes too, but as a syntax error; the reason should say what it is.
  if (!is_valid_utf8(text)) return ConversationProblem{"invalid utf-8", "the sample's text is not valid UTF-8"};
  json sample;
  try {
    sample = json::parse(text);
  } catch (const json::parse_error& e) {
    return ConversationProblem{"invalid json", e.what()};
  }
  if (!sample.is_object()) return ConversationProblem{"not an object", std::string("a JSON ") + sample.type_name()};

  if (auto id = sample.find("id"); id != sample.end()) {
    if (id->is_string())
      out.id = id->get<std::string>();
    else if (id->is_number())
      out.id = id->dump();
  }

  if (auto image = sample.find("image"); image != sample.end() && !image->is_null()) {
    const auto add = [&](const json& path) {
      if (!path.is_string() || path.get<std::string>().empty()) return false;
      out.images.push_back(path.get<std::string>());
      return true;
    };
    bool good = image->is_array() ? true : add(*image);
    if (image->is_array())
      for (const json& path : *image) good = good && add(path);
    if (!good) return invalid("\"image\" must be a path or a list of paths, not " + shortened(image->dump()));
  }

  const auto turns = sample.find("conversations");
  if (turns == sample.end() || turns->is_null() || (turns->is_array() && turns->empty()))
    return ConversationProblem{"empty conversation", "no \"conversations\" or an empty list"};
  if (!turns->is_array())
    return invalid("\"conversations\" must be a list, not a JSON " + std::string(turns->type_name()));

  bool answered = false;
  int64_t markers = 0;
  for (size_t i = 0; i < turns->size(); ++i) {
    const json& turn = (*turns)[i];
    const std::string where = "turn " + std::to_string(i);
    if (!turn.is_object()) return invalid(where + " is not an object");
    const json* from = member(turn, "from", "role");
    const json* value = member(turn, "value", "content");
    if (!from || !from->is_string()) return invalid(where + " has no \"from\" role");
    if (!value || !value->is_string()) return invalid(where + " has no \"value\" text");
    const std::optional<std::string> role = chat_role(from->get<std::string>());
    if (!role)
      return ConversationProblem{"unknown role", where + ": '" + shortened(from->get<std::string>()) +
                                                     "' (expected human, gpt, system, user or assistant)"};
    answered = answered || *role == "assistant";
    markers += count_markers(value->get_ref<const std::string&>());
    out.messages.push_back({*role, value->get<std::string>()});
  }
  if (!answered)
    return ConversationProblem{"no assistant turn", std::to_string(turns->size()) + " turn(s), none from gpt"};
  if (markers != static_cast<int64_t>(out.images.size()))
    return ConversationProblem{"image count mismatch", std::to_string(markers) + " <image> in the text, " +
                                                           std::to_string(out.images.size()) + " image(s)"};
  return std::nullopt;
}

}  // namespace vlforge
