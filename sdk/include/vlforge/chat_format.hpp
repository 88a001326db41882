// Chat formats written out in code, for tokenizers whose tokenizer.json carries none that
// vlforge runs (it does not run Jinja templates).
//
// ChatML, the format of Qwen: "<|im_start|>ROLE\nCONTENT<|im_end|>\n" per message, then
// "<|im_start|>assistant\n" when the model is to answer. Qwen's Jinja template adds only tool
// calling and Qwen3's <think> handling to this.
#pragma once

#include <span>
#include <string>

#include "vlforge/export.hpp"
#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge {

VLFORGE_API std::string format_chatml(std::span<const ChatMessage> messages, bool add_generation_prompt);

}  // namespace vlforge
