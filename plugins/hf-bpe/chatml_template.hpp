// ChatML, the chat format of Qwen: "<|im_start|>ROLE\nCONTENT<|im_end|>\n" per message, then
// "<|im_start|>assistant\n" when the model is to answer. Written out rather than run as the Jinja
// template of tokenizer_config.json, which only adds tool calling and Qwen3's <think> handling.
#pragma once

#include <span>
#include <string>

#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::hf_bpe {

std::string chatml(std::span<const ChatMessage> messages, bool add_generation_prompt);

}  // namespace vlforge::hf_bpe
