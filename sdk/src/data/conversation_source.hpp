// The input of the conversation index read one sample at a time, so memory stays flat however
// many samples it holds: a JSON list (.json) is split into its elements by brackets and quotes
// alone, without parsing them, and JSON lines (.jsonl) by line. Each element is then parsed on
// its own, so one broken sample is skipped rather than failing the whole file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace vlforge {

class ConversationSource {
 public:
  // Throws vlforge::Error naming the file when it is missing or a .json file is not a list.
  // Other names than .json/.jsonl: a list if the text starts with '[', else JSON lines.
  explicit ConversationSource(std::filesystem::path file);

  // The next sample's text; false at the end. Throws vlforge::Error when the list is cut off or
  // followed by more than whitespace.
  bool next(std::string& text);

  int64_t bytes_read() const { return bytes_; }
  int64_t line() const { return sample_line_; }  // where the last sample began, from 1

 private:
  int get();
  int peek();
  void skip_space();
  bool next_element(std::string& text);
  bool next_line(std::string& text);

  std::filesystem::path file_;
  std::ifstream in_;
  bool list_ = false;
  bool closed_ = false;  // the list's ']' was read
  int64_t bytes_ = 0;
  int64_t line_ = 1;
  int64_t sample_line_ = 0;
};

}  // namespace vlforge
