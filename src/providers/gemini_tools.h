// Tool calling between OpenAI's chat format and Gemini's (API.md section 9):
// tools and tool_choice -> functionDeclarations and toolConfig; tool calls
// in the history -> functionCall parts; tool messages -> functionResponse
// parts; functionCall answers -> tool_calls. Pure data translation.
//
// References:
//   https://ai.google.dev/api/caching#Tool (FunctionDeclaration, parametersJsonSchema)
//   https://ai.google.dev/api/caching#ToolConfig (FunctionCallingConfig: AUTO, ANY, NONE, allowedFunctionNames)
//   https://ai.google.dev/api/caching#FunctionCall, #FunctionResponse (name, args/response, id)
//   https://ai.google.dev/gemini-api/docs/thought-signatures (thoughtSignature on the part; required back by Gemini 3)
//   https://platform.openai.com/docs/api-reference/chat/create (tools, tool_choice, tool messages)
#pragma once
#include <map>
#include <string>

#include "common/json.h"

namespace llmapi::providers::gemini {

struct TranslateError;

// ---- tool call ids ------------------------------------------------------------
//
// Gemini 2.5 and 3 put a thoughtSignature on each functionCall part and
// refuse the next turn without it; Gemini 3 also gives each call an id. Both
// travel inside the OpenAI tool call id, which every client echoes back:
// "call_" kCallIdMark base64url(JSON {"n":ordinal[,"i":gemini id][,"s":signature]}),
// so the gateway keeps no state. An id without the mark, or whose payload
// does not decode to that object, is someone else's: it carries nothing.
constexpr const char* kCallIdMark = "call_gx1";

struct CallIdExtras {
    bool ours = false;
    std::string gemini_id;  // "" when none
    std::string signature;  // "" when none
};
// `ordinal` makes ids unique within an answer.
std::string encode_call_id(size_t ordinal, const std::string& gemini_id, const std::string& signature);
CallIdExtras decode_call_id(const std::string& id);

// ---- request --------------------------------------------------------------------

// tools, tool_choice, web_search_options -> out's "tools" and "toolConfig";
// parameters as parametersJsonSchema, or as `parameters` in Gemini's
// OpenAPI subset with `openapi`.
bool translate_tools(const json_t* body, json_t* out, bool openapi, TranslateError& err);

// A function the history called: its name and Gemini's own id, by the
// OpenAI tool call id, for the tool messages that answer it.
struct CalledFunction {
    std::string name;
    std::string gemini_id;
};
using CallsById = std::map<std::string, CalledFunction>;

// Message i (an assistant one) has tool_calls: appends their functionCall
// parts (after its text) and remembers them in `calls`.
bool append_function_calls(const json_t* tool_calls, size_t i, json_t* parts, CallsById& calls,
                           TranslateError& err);
// Message i is a "tool" message: appends its functionResponse part.
bool append_function_response(const json_t* msg, size_t i, json_t* parts, const CallsById& calls,
                              TranslateError& err);

// ---- answer ---------------------------------------------------------------------

// A part with a functionCall -> an OpenAI tool call (ordinal: its number in
// the answer, for the id), or nullptr for any other part.
JsonPtr tool_call_of(const json_t* part, size_t ordinal);

}  // namespace llmapi::providers::gemini
