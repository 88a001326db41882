#include "pre_tokenizer.hpp"

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <utility>

#include "vlforge/error.hpp"

namespace vlforge::hf_bpe {
namespace {

// The split that ByteLevel applies itself when use_regex is true (GPT-2's pattern, part of the
// definition of ByteLevel in Hugging Face tokenizers rather than of any tokenizer.json).
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

std::unique_ptr<icu::RegexPattern> compile(const std::string& pattern, uint32_t flags, const std::string& where) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error{};
  std::unique_ptr<icu::RegexPattern> compiled(
      icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), flags, parse_error, status));
  if (U_FAILURE(status))
    throw Error(where, "pre_tokenizer pattern '" + pattern + "' is not a regex ICU accepts (" + u_errorName(status) +
                           " at offset " + std::to_string(parse_error.offset) + ")");
  return compiled;
}

bool bool_member(const nlohmann::json& node, const char* key, bool fallback) {
  const auto it = node.find(key);
  return it != node.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

}  // namespace

PreTokenizer::PreTokenizer(const nlohmann::json& node, const std::string& where) { add(node, where); }
PreTokenizer::~PreTokenizer() = default;
PreTokenizer::PreTokenizer(PreTokenizer&&) noexcept = default;
PreTokenizer& PreTokenizer::operator=(PreTokenizer&&) noexcept = default;

void PreTokenizer::add(const nlohmann::json& node, const std::string& where) {
  if (node.is_null()) return;
  const std::string type = node.is_object() ? node.value("type", std::string()) : std::string();
  if (type == "Sequence" && node.contains("pretokenizers") && node["pretokenizers"].is_array()) {
    for (const auto& inner : node["pretokenizers"]) add(inner, where);
  } else if (type == "Split") {
    Step step;
    const auto& pattern = node.value("pattern", nlohmann::json());
    if (pattern.contains("Regex") && pattern["Regex"].is_string()) {
      step.pattern = compile(pattern["Regex"].get<std::string>(), 0, where);
    } else if (pattern.contains("String") && pattern["String"].is_string()) {
      step.pattern = compile(pattern["String"].get<std::string>(), UREGEX_LITERAL, where);
    } else {
      throw Error(where, "pre_tokenizer Split has pattern " + pattern.dump() +
                             " (must be {\"Regex\": \"...\"} or {\"String\": \"...\"})");
    }
    const std::string behavior = node.value("behavior", std::string("Isolated"));
    if (behavior == "Removed") step.behavior = Behavior::removed;
    else if (behavior == "Isolated") step.behavior = Behavior::isolated;
    else if (behavior == "MergedWithPrevious") step.behavior = Behavior::merged_with_previous;
    else if (behavior == "MergedWithNext") step.behavior = Behavior::merged_with_next;
    else if (behavior == "Contiguous") step.behavior = Behavior::contiguous;
    else
      throw Error(where, "pre_tokenizer Split behavior '" + behavior +
                             "' is unknown (must be Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)");
    step.invert = bool_member(node, "invert", false);
    steps_.push_back(std::move(step));
  } else if (type == "ByteLevel") {
    has_byte_level_ = true;
    Step step;
    step.add_prefix_space = bool_member(node, "add_prefix_space", true);
    if (bool_member(node, "use_regex", true)) step.pattern = compile(kGpt2Pattern, 0, where);
    steps_.push_back(std::move(step));
  } else {
    throw Error(where, "pre_tokenizer " + (type.empty() ? node.dump() : "type '" + type + "'") +
                           " is not supported (hf-bpe supports Split, ByteLevel and a Sequence of those)");
  }
}

void PreTokenizer::split(std::string_view text, std::vector<std::string>& words) const {
  std::vector<std::string> pieces{std::string(text)};
  std::vector<std::string> next;
  for (const Step& step : steps_) {
    next.clear();
    for (const std::string& piece : pieces) apply(step, piece, next);
    pieces.swap(next);
  }
  for (auto& piece : pieces)
    if (!piece.empty()) words.push_back(std::move(piece));
}

// Cuts `piece` at the pattern's matches as Hugging Face tokenizers' Split does: the matches and
// the text between them form a list of spans flagged "match", which the behaviour then keeps,
// drops or glues to a neighbour.
void PreTokenizer::apply(const Step& step, const std::string& piece, std::vector<std::string>& out) const {
  std::string text = piece;
  if (step.add_prefix_space && !text.empty() && text.front() != ' ') text.insert(text.begin(), ' ');
  if (!step.pattern) {
    out.push_back(std::move(text));
    return;
  }

  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> matcher(step.pattern->matcher(u, status));
  if (U_FAILURE(status)) throw Error("tokenizer/hf-bpe", std::string("ICU regex matcher failed: ") + u_errorName(status));

  struct Span {
    int32_t begin;
    int32_t end;
    bool match;
  };
  std::vector<Span> spans;
  int32_t prev = 0;
  while (matcher->find(status) && U_SUCCESS(status)) {
    const int32_t begin = matcher->start(status);
    const int32_t end = matcher->end(status);
    if (begin == end) continue;
    if (prev != begin) spans.push_back({prev, begin, false});
    spans.push_back({begin, end, true});
    prev = end;
  }
  if (U_FAILURE(status)) throw Error("tokenizer/hf-bpe", std::string("ICU regex search failed: ") + u_errorName(status));
  if (prev != u.length()) spans.push_back({prev, u.length(), false});
  if (step.invert)
    for (Span& s : spans) s.match = !s.match;

  std::vector<Span> kept;
  bool previous_match = false;
  switch (step.behavior) {
    case Behavior::isolated:
      kept = spans;
      break;
    case Behavior::removed:
      for (const Span& s : spans)
        if (!s.match) kept.push_back(s);
      break;
    case Behavior::contiguous:
      for (const Span& s : spans) {
        if (!kept.empty() && s.match == previous_match) kept.back().end = s.end;
        else kept.push_back(s);
        previous_match = s.match;
      }
      break;
    case Behavior::merged_with_previous:
      for (const Span& s : spans) {
        if (s.match && !previous_match && !kept.empty()) kept.back().end = s.end;
        else kept.push_back(s);
        previous_match = s.match;
      }
      break;
    case Behavior::merged_with_next:
      for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
        if (it->match && !previous_match && !kept.empty()) kept.back().begin = it->begin;
        else kept.push_back(*it);
        previous_match = it->match;
      }
      std::reverse(kept.begin(), kept.end());
      break;
  }

  for (const Span& s : kept) {
    std::string word;
    u.tempSubStringBetween(s.begin, s.end).toUTF8String(word);
    out.push_back(std::move(word));
  }
}

}  // namespace vlforge::hf_bpe
