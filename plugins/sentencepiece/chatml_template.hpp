// ChatML, Qwen's chat format: "<|im_start|>ROLE\nCONTENT<|im_end|>\n" per message, then
// "<|im_start|>assistant\n" when the model is to answer. (The same few lines as hf-bpe's: the
// two plugins share no code but the SDK.)
#pragma once

#include <span>
#include <string>

#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::spm {

std::string chatml(std::span<const ChatMessage> messages, bool add_generation_prompt);

}  // namespace vlforge::spm
