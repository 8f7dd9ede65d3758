// OpenAI chat format <-> Google Gemini's native generateContent format.
// Pure data translation (no I/O), so every rule is unit-tested on JSON alone.
//
// References (field names checked against them):
//   Gemini request:  https://ai.google.dev/api/generate-content#request-body
//                    https://ai.google.dev/api/generate-content#generationconfig
//   Gemini response: https://ai.google.dev/api/generate-content#generatecontentresponse
//                    https://ai.google.dev/api/generate-content#FinishReason
//                    https://ai.google.dev/api/generate-content#UsageMetadata
//   OpenAI:          https://platform.openai.com/docs/api-reference/chat/create
//                    https://platform.openai.com/docs/api-reference/chat/object
//                    https://platform.openai.com/docs/api-reference/chat/streaming
#pragma once
#include <string>
#include <vector>

#include "common/json.h"
#include "providers/gemini_media.h"

namespace llmapi::providers::gemini {

// A request the gateway can't express for Gemini: 400 invalid_request_error naming `param`.
struct TranslateError {
    std::string message;
    std::string param;
};

struct RequestOptions {
    // Schemas (tool parameters, json_schema) in Gemini's OpenAPI subset
    // (parameters, responseSchema) instead of JSON Schema
    // (parametersJsonSchema, responseJsonSchema): [provider.X] tool_schema = openapi.
    bool openapi_schemas = false;
    // Remote images the provider fetched, by URL; null: remote images are refused.
    const FetchedMedia* fetched = nullptr;
};

// OpenAI chat request body (already checked: "model" string, "messages" a
// non-empty array) -> generateContent body. nullptr with `err` set on failure.
JsonPtr to_gemini_request(const json_t* openai_body, TranslateError& err, const RequestOptions& options = {});

// "models/gemini-2.0-flash" -> "gemini-2.0-flash"; other ids unchanged.
std::string strip_models_prefix(const std::string& name);

// Gemini finishReason -> OpenAI finish_reason; nullptr (JSON null) when absent.
const char* finish_reason(const char* gemini_reason);

// usageMetadata (may be null) -> OpenAI usage with completion_tokens_details.
JsonPtr to_openai_usage(const json_t* usage_metadata);

// A whole GenerateContentResponse -> chat.completion.
JsonPtr to_openai_completion(const json_t* gemini_response, const std::string& model, const std::string& id,
                             long created);

// What a stream needs to remember between frames.
struct StreamState {
    std::string id;
    std::string model;
    long created = 0;
    std::vector<bool> role_sent;    // per candidate index: first delta carries "role"
    std::vector<bool> finish_sent;  // per candidate index: finish_reason already emitted
    std::vector<size_t> tool_calls_sent;  // per candidate index: tool calls emitted so far (the next one's index)
    JsonPtr usage;                  // last frame's usageMetadata, translated (running totals)
    bool finished = false;          // every candidate seen has emitted its finish_reason
};

// One parsed SSE frame (a GenerateContentResponse) -> the chunks to send, in order.
std::vector<JsonPtr> to_openai_chunks(const json_t* gemini_frame, StreamState& st);

// The final {"choices":[],"usage":{...}} chunk (zeros when no usage was seen).
JsonPtr usage_chunk(const StreamState& st);

}  // namespace llmapi::providers::gemini
