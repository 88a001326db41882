#include "conversation_source.hpp"

#include "vlforge/error.hpp"

namespace vlforge {

namespace {

bool is_space(int c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

ConversationSource::ConversationSource(std::filesystem::path file) : file_(std::move(file)) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file_, ec))
    throw Error(file_.string(), "no such file (expected a .json list of conversations or a .jsonl file)");
  in_.open(file_, std::ios::binary);
  if (!in_) throw Error(file_.string(), "cannot open for reading");
  // A UTF-8 byte order mark is not part of the JSON.
  if (peek() == 0xef) {
    char bom[3] = {};
    in_.read(bom, 3);
    if (in_.gcount() == 3 && bom[1] == '\xbb' && bom[2] == '\xbf') {
      bytes_ = 3;
    } else {
      in_.clear();
      in_.seekg(0);
    }
  }
  const std::string ext = file_.extension().string();
  if (ext == ".jsonl") return;
  skip_space();
  list_ = peek() == '[';
  if (list_) {
    get();
  } else if (ext == ".json") {
    throw Error(file_.string(),
                peek() == EOF ? "empty file (expected a JSON list of conversations)"
                              : "line " + std::to_string(line_) +
                                    ": not a JSON list (expected '[' first; use .jsonl for one sample per line)");
  }
}

// Through the stream buffer: istream::get() pays for a sentry on every character.
int ConversationSource::get() {
  const int c = in_.rdbuf()->sbumpc();
  if (c == EOF) return EOF;
  ++bytes_;
  if (c == '\n') ++line_;
  return c;
}

int ConversationSource::peek() { return in_.rdbuf()->sgetc(); }

void ConversationSource::skip_space() {
  while (is_space(peek())) get();
}

bool ConversationSource::next(std::string& text) { return list_ ? next_element(text) : next_line(text); }

bool ConversationSource::next_line(std::string& text) {
  for (;;) {
    if (peek() == EOF) return false;
    sample_line_ = line_;
    text.clear();
    for (int c = get(); c != EOF && c != '\n'; c = get()) text.push_back(static_cast<char>(c));
    if (!text.empty() && text.back() == '\r') text.pop_back();
    for (char c : text)
      if (!is_space(static_cast<unsigned char>(c))) return true;
  }
}

bool ConversationSource::next_element(std::string& text) {
  const auto where = [&] { return file_.string() + ": line " + std::to_string(line_); };
  skip_space();
  if (closed_ || peek() == ']') {
    if (!closed_) get();
    closed_ = true;
    skip_space();
    if (peek() != EOF) throw Error(where(), "text after the list's closing ']' (the file must hold one JSON list)");
    return false;
  }
  sample_line_ = line_;
  text.clear();
  int depth = 0;
  bool in_string = false, escaped = false;
  for (;;) {
    const int c = get();
    if (c == EOF)
      throw Error(where(), "the list is cut off: end of file inside a sample (expected ']' to close the list)");
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    } else if (depth == 0 && (c == ',' || c == ']')) {
      closed_ = c == ']';
      break;
    }
    text.push_back(static_cast<char>(c));
  }
  while (!text.empty() && is_space(static_cast<unsigned char>(text.back()))) text.pop_back();
  return true;
}

}  // namespace vlforge
