// Rough token counts for text a provider never counted for us (a stream the
// client abandoned): ~4 characters a token, OpenAI's rule of thumb.
#pragma once
#include <jansson.h>

#include <cstddef>

namespace llmapi::usage {

long estimate_tokens(size_t chars);

// Characters of text in a chat request's messages (string contents and text parts).
size_t prompt_chars(const json_t* chat_body);

}  // namespace llmapi::usage
