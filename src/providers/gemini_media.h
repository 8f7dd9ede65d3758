// Images, audio and files in OpenAI content parts -> Gemini inlineData parts
// (API.md section 9). Pure: remote images are fetched by the provider before
// translation (upstream/media_fetch.h) and handed in by URL.
//
// References:
//   https://ai.google.dev/api/caching#Blob (inlineData: mimeType, base64 data)
//   https://ai.google.dev/gemini-api/docs/image-understanding (inline data, 20 MB request limit)
//   https://platform.openai.com/docs/api-reference/chat/create (image_url, input_audio, file parts)
#pragma once
#include <map>
#include <string>
#include <vector>

#include "common/json.h"

namespace llmapi::providers::gemini {

struct TranslateError;

// Gemini's cap on a request's inline data.
constexpr size_t kMaxInlineBytes = 20u << 20;

struct InlineData {
    std::string mime_type;
    std::string base64;
};
// Remote images the provider fetched, by URL (the part's exact url string).
using FetchedMedia = std::map<std::string, InlineData>;

// Appends the inlineData part for an image_url, input_audio or file part
// (`where` = "messages[i].content[k]"), adding its decoded size to
// `inline_bytes`. False with err (param naming the field) when it cannot.
bool append_media_part(const json_t* part, const std::string& where, const FetchedMedia* fetched,
                       size_t& inline_bytes, json_t* parts, TranslateError& err);

// "data:<mime>;base64,<data>" -> its parts; false for anything else.
bool parse_data_url(const std::string& url, std::string& mime_type, std::string& base64);
// Standard base64 (RFC 4648 section 4, padded or not) of at least one byte.
bool valid_base64(const std::string& text);
size_t base64_decoded_size(const std::string& text);

// The http(s) image URLs of a request's messages, in order, each once,
// with the param naming the first part that has it.
struct RemoteImage {
    std::string url;
    std::string param;  // "messages[i].content[k].image_url.url"
};
std::vector<RemoteImage> remote_image_urls(const json_t* body);

}  // namespace llmapi::providers::gemini
