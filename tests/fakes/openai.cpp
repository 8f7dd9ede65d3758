// The OpenAI-compatible side, under /v1:
//   - Create chat completion / chat.completion object:
//     https://platform.openai.com/docs/api-reference/chat/create
//     https://platform.openai.com/docs/api-reference/chat/object
//   - Streaming chat.completion.chunk objects, `stream_options.include_usage`
//     (extra last chunk with `"choices":[]` and `usage`; every other chunk
//     carries `"usage":null`), stream ends with `data: [DONE]`:
//     https://platform.openai.com/docs/api-reference/chat/streaming
//   - Function calling: `tools` (type "function", function {name matching
//     ^[a-zA-Z0-9_-]{1,64}$, description, parameters, strict}), `tool_choice`
//     ("none" | "auto" | "required" | {type:"function", function:{name}}),
//     assistant `tool_calls` [{id, type:"function", function:{name, arguments}}]
//     with finish_reason "tool_calls", and `tool` messages answering them by
//     `tool_call_id`; streamed calls arrive as `delta.tool_calls[]` pieces keyed
//     by `index`, the first carrying id, type and name, the rest arguments:
//     https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools
//     https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
//     https://platform.openai.com/docs/api-reference/chat/streaming#chat-streaming-choices
//     https://platform.openai.com/docs/guides/function-calling
//   - 400 bodies: {"error":{message, type:"invalid_request_error", param, code}}
//     as the real API words them ("Missing required parameter: 'x'.", "Invalid
//     type for 'x': ...", code missing_required_parameter / invalid_type /
//     invalid_value / empty_array / unknown_parameter):
//     https://platform.openai.com/docs/guides/error-codes
//   - List models (`{"object":"list","data":[{id,object,created,owned_by}]}`):
//     https://platform.openai.com/docs/api-reference/models/list
//   - Create embeddings (`input`: string | [string] | [int] | [[int]], at most
//     2048 inputs, no empty strings; `dimensions`, `encoding_format` "float" |
//     "base64", `user`) and the list of embedding objects it answers
//     ({"object":"list","data":[{object:"embedding",index,embedding}],model,
//     usage{prompt_tokens,total_tokens}}); "base64" is the float32 array's bytes:
//     https://platform.openai.com/docs/api-reference/embeddings/create
//     https://platform.openai.com/docs/api-reference/embeddings/object
#include "handlers.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <functional>

namespace fake::openai {

namespace {

const char* kModels[] = {"fake-gpt-4o", "fake-gpt-4o-mini"};

bool auth_ok(const httplib::Request& req, httplib::Response& res, const Exchange& ex) {
    std::string auth = req.get_header_value("Authorization");
    std::string key = lower(auth.substr(0, 7)) == "bearer " ? auth.substr(7) : "";
    // Keyless OpenAI-compatible servers (Ollama, llama.cpp) take no key: without
    // --openai-key, a request with no Authorization is accepted (and recorded).
    if (auth.empty() && ex.opt.openai_key.empty()) return true;
    if (auth.empty()) {
        send_json(res, ex, 401,
                  openai_error("You didn't provide an API key. You need to provide your API key "
                               "in an Authorization header using Bearer auth (i.e. "
                               "Authorization: Bearer YOUR_KEY).",
                               "invalid_request_error", nullptr, nullptr));
        return false;
    }
    if (key.empty() || (!ex.opt.openai_key.empty() && key != ex.opt.openai_key)) {
        send_json(res, ex, 401,
                  openai_error("Incorrect API key provided", "invalid_request_error", nullptr, "invalid_api_key"));
        return false;
    }
    return true;
}

// Text of a message's `content`: a string or an array of content parts. Only
// text parts count; image_url (data: or http(s) URLs, never fetched),
// input_audio and file parts are accepted and skipped.
std::string content_text(const json_t* content) {
    if (json_is_string(content)) return json_string_value(content);
    std::string out;
    size_t i;
    json_t* part;
    json_array_foreach(content, i, part) {
        std::string t = str_field(part, "text");
        if (t.empty()) continue;
        if (!out.empty()) out += " ";
        out += t;
    }
    return out;
}

std::string role_of(const json_t* message) { return str_field(message, "role"); }

const char* finish_reason_for(const std::string& model) {
    if (contains(model, "length")) return "length";
    if (contains(model, "filter")) return "content_filter";
    return "stop";
}

// ---- 400s in the real API's words ---------------------------------------------

// A refused request (https://platform.openai.com/docs/guides/error-codes);
// an empty param or code is sent as null.
struct Invalid {
    std::string message, param, code;
    bool any() const { return !message.empty(); }
};

json_t* invalid_json(const Invalid& e) {
    return openai_error(e.message, "invalid_request_error", e.param.empty() ? nullptr : e.param.c_str(),
                        e.code.empty() ? nullptr : e.code.c_str());
}

// A JSON value's kind as the real API says it: "... but got an integer instead."
std::string kind_of(const json_t* v) {
    switch (json_typeof(v)) {
        case JSON_OBJECT: return "an object";
        case JSON_ARRAY: return "an array";
        case JSON_STRING: return "a string";
        case JSON_INTEGER: return "an integer";
        case JSON_REAL: return "a decimal";
        case JSON_TRUE:
        case JSON_FALSE: return "a boolean";
        default: return "null";
    }
}

Invalid missing(const std::string& path) {
    return {"Missing required parameter: '" + path + "'.", path, "missing_required_parameter"};
}

Invalid wrong_type(const std::string& path, const char* expected, const json_t* v) {
    return {"Invalid type for '" + path + "': expected " + expected + ", but got " + kind_of(v) + " instead.", path,
            "invalid_type"};
}

Invalid bad_value(const std::string& path, const std::string& value, const char* supported) {
    return {"Invalid value: '" + value + "'. Supported values are: " + supported + ".", path, "invalid_value"};
}

Invalid empty_array(const std::string& path) {
    return {"Invalid '" + path +
                "': empty array. Expected an array with minimum length 1, but got an empty array "
                "instead.",
            path, "empty_array"};
}

Invalid unknown_parameter(const std::string& path) {
    return {"Unknown parameter: '" + path + "'.", path, "unknown_parameter"};
}

// Set to something other than null: an optional field sent as null is absent.
bool present(const json_t* v) { return v && !json_is_null(v); }

std::string field(const std::string& path, const char* name) { return path + "." + name; }
std::string item(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

template <size_t N>
bool one_of(const std::string& s, const char* const (&names)[N]) {
    return std::any_of(std::begin(names), std::end(names), [&s](const char* n) { return s == n; });
}

// A string field that must be there.
Invalid check_string(const json_t* v, const std::string& path) {
    if (!present(v)) return missing(path);
    if (!json_is_string(v)) return wrong_type(path, "a string", v);
    return {};
}

// `type`, which must be "function".
Invalid check_function_type(const json_t* type, const std::string& path) {
    Invalid e = check_string(type, path);
    if (e.any() || std::string(json_string_value(type)) == "function") return e;
    return bad_value(path, json_string_value(type), "'function'");
}

// A function's name, declared or called: ^[a-zA-Z0-9_-]{1,64}$
// (https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools).
Invalid check_function_name(const json_t* name, const std::string& path) {
    Invalid e = check_string(name, path);
    if (e.any()) return e;
    const std::string n = json_string_value(name);
    if (n.empty())
        return {"Invalid '" + path +
                    "': empty string. Expected a string with minimum length 1, but got an empty "
                    "string instead.",
                path, "empty_string"};
    if (n.size() > 64)
        return {"Invalid '" + path +
                    "': string too long. Expected a string with maximum length 64, but got a "
                    "string with length " +
                    std::to_string(n.size()) + " instead.",
                path, "string_above_max_length"};
    auto ok = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-'; };
    if (!std::all_of(n.begin(), n.end(), ok))
        return {"Invalid '" + path +
                    "': string does not match pattern. Expected a string that matches the pattern "
                    "'^[a-zA-Z0-9_-]+$'.",
                path, "invalid_value"};
    return {};
}

// ---- tools and tool_choice ------------------------------------------------------

const char* const kToolKeys[] = {"type", "function"};
const char* const kFunctionKeys[] = {"name", "description", "parameters", "strict"};

// FunctionObject {name, description?, parameters? (a JSON Schema object), strict?}.
Invalid check_function(const json_t* fn, const std::string& path) {
    if (!present(fn)) return missing(path);
    if (!json_is_object(fn)) return wrong_type(path, "an object", fn);
    const char* key;
    json_t* v;
    json_object_foreach(const_cast<json_t*>(fn), key, v) {
        if (!one_of(key, kFunctionKeys)) return unknown_parameter(field(path, key));
    }
    Invalid e = check_function_name(json_object_get(fn, "name"), field(path, "name"));
    if (e.any()) return e;
    if (present(v = json_object_get(fn, "description")) && !json_is_string(v))
        return wrong_type(field(path, "description"), "a string", v);
    if (present(v = json_object_get(fn, "parameters")) && !json_is_object(v))
        return wrong_type(field(path, "parameters"), "an object", v);
    if (present(v = json_object_get(fn, "strict")) && !json_is_boolean(v))
        return wrong_type(field(path, "strict"), "a boolean", v);
    return {};
}

Invalid check_tools(const json_t* tools) {
    if (!present(tools)) return {};
    if (!json_is_array(tools)) return wrong_type("tools", "an array of objects", tools);
    if (json_array_size(tools) == 0) return empty_array("tools");
    size_t i;
    json_t* tool;
    json_array_foreach(tools, i, tool) {
        const std::string path = item("tools", i);
        if (!json_is_object(tool)) return wrong_type(path, "an object", tool);
        Invalid e = check_function_type(json_object_get(tool, "type"), field(path, "type"));
        if (e.any()) return e;
        const char* key;
        json_t* v;
        json_object_foreach(tool, key, v) {
            if (!one_of(key, kToolKeys)) return unknown_parameter(field(path, key));
        }
        if ((e = check_function(json_object_get(tool, "function"), field(path, "function"))).any()) return e;
    }
    return {};
}

struct Function {
    std::string name;
    bool has_parameters = false;
};

// The functions declared and how they may be called; read once `tools` is valid.
struct ToolSetup {
    std::vector<Function> functions;
    // "none", "auto", "required" or "function" (tool_choice names `forced`).
    std::string choice = "none";
    std::string forced;

    const Function* find(const std::string& name) const {
        for (const auto& f : functions)
            if (f.name == name) return &f;
        return nullptr;
    }
    // Declared, and the one tool_choice names if it names one.
    bool callable(const std::string& name) const { return find(name) && (forced.empty() || name == forced); }
};

ToolSetup read_tools(const json_t* body) {
    ToolSetup t;
    size_t i;
    json_t* tool;
    json_array_foreach(json_object_get(body, "tools"), i, tool) {
        json_t* fn = json_object_get(tool, "function");
        t.functions.push_back({str_field(fn, "name"), present(json_object_get(fn, "parameters"))});
    }
    // "none is the default when no tools are present. auto is the default if tools are present."
    t.choice = t.functions.empty() ? "none" : "auto";
    return t;
}

// tool_choice: "none" | "auto" | "required" | {type:"function", function:{name}}.
Invalid read_tool_choice(const json_t* body, ToolSetup& t) {
    const json_t* tc = json_object_get(body, "tool_choice");
    if (!present(tc)) return {};
    if (t.functions.empty())
        return {"Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
                "tool_choice", ""};
    if (json_is_string(tc)) {
        const std::string v = json_string_value(tc);
        if (v != "none" && v != "auto" && v != "required")
            return bad_value("tool_choice", v, "'none', 'auto', and 'required'");
        t.choice = v;
        return {};
    }
    if (!json_is_object(tc)) return wrong_type("tool_choice", "one of a string or an object", tc);
    Invalid e = check_function_type(json_object_get(tc, "type"), "tool_choice.type");
    if (e.any()) return e;
    const json_t* fn = json_object_get(tc, "function");
    if (!present(fn)) return missing("tool_choice.function");
    if (!json_is_object(fn)) return wrong_type("tool_choice.function", "an object", fn);
    if ((e = check_string(json_object_get(fn, "name"), "tool_choice.function.name")).any()) return e;
    const std::string name = str_field(fn, "name");
    if (!t.find(name))
        return {"Invalid value for 'tool_choice': function '" + name + "' is not declared in 'tools'.", "tool_choice",
                "invalid_value"};
    t.choice = "function";
    t.forced = name;
    return {};
}

// ---- messages ----------------------------------------------------------------------

const char* const kRoles[] = {"system", "developer", "user", "assistant", "tool", "function"};

// ChatCompletionMessageToolCall {id, type:"function", function:{name, arguments}}.
Invalid check_tool_call(const json_t* call, const std::string& path) {
    if (!json_is_object(call)) return wrong_type(path, "an object", call);
    Invalid e = check_string(json_object_get(call, "id"), field(path, "id"));
    if (e.any() || (e = check_function_type(json_object_get(call, "type"), field(path, "type"))).any()) return e;
    const std::string fn_path = field(path, "function");
    const json_t* fn = json_object_get(call, "function");
    if (!present(fn)) return missing(fn_path);
    if (!json_is_object(fn)) return wrong_type(fn_path, "an object", fn);
    if ((e = check_function_name(json_object_get(fn, "name"), field(fn_path, "name"))).any()) return e;
    return check_string(json_object_get(fn, "arguments"), field(fn_path, "arguments"));
}

// A message's role, an assistant message's tool_calls, a tool message's tool_call_id.
// Content parts are not checked: text, image_url, input_audio and file parts all pass.
Invalid check_message(const json_t* m, size_t i) {
    const std::string path = item("messages", i);
    if (!json_is_object(m)) return wrong_type(path, "an object", m);
    Invalid e = check_string(json_object_get(m, "role"), field(path, "role"));
    if (e.any()) return e;
    const std::string role = role_of(m);
    if (!one_of(role, kRoles))
        return bad_value(field(path, "role"), role,
                         "'system', 'assistant', 'user', 'function', 'tool', and 'developer'");
    const json_t* calls = json_object_get(m, "tool_calls");
    if (role == "assistant" && present(calls)) {
        const std::string calls_path = field(path, "tool_calls");
        if (!json_is_array(calls)) return wrong_type(calls_path, "an array of objects", calls);
        if (json_array_size(calls) == 0) return empty_array(calls_path);
        size_t k;
        json_t* call;
        json_array_foreach(calls, k, call) {
            if ((e = check_tool_call(call, item(calls_path, k))).any()) return e;
        }
    }
    if (role == "tool") return check_string(json_object_get(m, "tool_call_id"), field(path, "tool_call_id"));
    return {};
}

// The ids of an assistant message's tool calls.
std::vector<std::string> tool_call_ids(const json_t* m) {
    std::vector<std::string> ids;
    if (role_of(m) != "assistant") return ids;
    size_t k;
    json_t* call;
    json_array_foreach(json_object_get(m, "tool_calls"), k, call) ids.push_back(str_field(call, "id"));
    return ids;
}

// The real API names these messages "messages.[i]" (sic).
std::string turn_param(size_t i, const char* name) { return "messages.[" + std::to_string(i) + "]." + name; }

Invalid unanswered(size_t caller, const std::vector<std::string>& ids) {
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
    return {
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
        "'tool_call_id'. The following tool_call_ids did not have response messages: " +
            list,
        turn_param(caller, "role"), ""};
}

// Tool messages follow the assistant message whose calls they answer, one for
// each of its tool_call ids, before any other message
// (https://platform.openai.com/docs/guides/function-calling). The messages are
// the real API's, its "preceeding" included.
Invalid check_tool_turns(const json_t* messages) {
    std::vector<std::string> called, pending;  // the open assistant message's call ids; those not answered yet
    size_t caller = 0;
    size_t i;
    json_t* m;
    json_array_foreach(messages, i, m) {
        if (role_of(m) == "tool") {
            const std::string id = str_field(m, "tool_call_id");
            if (called.empty())
                return {
                    "Invalid parameter: messages with role 'tool' must be a response to a preceeding message "
                    "with 'tool_calls'.",
                    turn_param(i, "role"), ""};
            if (std::find(called.begin(), called.end(), id) == called.end())
                return {
                    "Invalid parameter: 'tool_call_id' of '" + id + "' not found in 'tool_calls' of previous message.",
                    turn_param(i, "tool_call_id"), ""};
            pending.erase(std::remove(pending.begin(), pending.end(), id), pending.end());
            continue;
        }
        if (!pending.empty()) return unanswered(caller, pending);
        called = pending = tool_call_ids(m);
        caller = i;
    }
    if (!pending.empty()) return unanswered(caller, pending);
    return {};
}

// Everything above, in one order; `t` gets the tools and tool_choice.
Invalid validate(const json_t* body, const json_t* messages, ToolSetup& t) {
    size_t i;
    json_t* m;
    json_array_foreach(messages, i, m) {
        Invalid e = check_message(m, i);
        if (e.any()) return e;
    }
    Invalid e = check_tools(json_object_get(body, "tools"));
    if (e.any()) return e;
    t = read_tools(body);
    if ((e = read_tool_choice(body, t)).any()) return e;
    return check_tool_turns(messages);
}

// ---- Answers ---------------------------------------------------------------------------

// A tool call the fake answers with; `arguments` is JSON text.
struct ToolCall {
    std::string name, arguments;
    long tokens = 1;  // 1, plus the words of the user's text when it is the argument
};

// What a chat call asks for and what the fake answers.
struct ChatCall {
    std::string id, model, reply, finish_reason;
    long long created = 0;
    int n = 1;
    bool include_usage = false;
    long prompt_tokens = 0, completion_tokens = 0;
    // Instead of `reply`: the same calls in every choice, each choice with
    // ids of its own (call_ids[choice][call]).
    std::vector<ToolCall> calls;
    std::vector<std::vector<std::string>> call_ids;
};

json_t* usage_json(const ChatCall& c) {
    return json_pack("{s:i, s:i, s:i}", "prompt_tokens", static_cast<int>(c.prompt_tokens), "completion_tokens",
                     static_cast<int>(c.completion_tokens), "total_tokens",
                     static_cast<int>(c.prompt_tokens + c.completion_tokens));
}

json_t* chunk(const ChatCall& c, json_t* choices, json_t* usage) {
    json_t* out = json_pack("{s:s, s:s, s:I, s:s, s:s, s:o}", "id", c.id.c_str(), "object", "chat.completion.chunk",
                            "created", static_cast<json_int_t>(c.created), "model", c.model.c_str(),
                            "system_fingerprint", "fp_fake", "choices", choices);
    if (c.include_usage) json_object_set_new(out, "usage", usage ? usage : json_null());
    return out;
}

json_t* chunk_choice(int index, json_t* delta, const char* finish_reason) {
    return json_pack("[{s:i, s:o, s:n, s:s?}]", "index", index, "delta", delta, "logprobs", "finish_reason",
                     finish_reason);
}

// The pieces a streamed call's arguments arrive in: 2 for short ones, else 3,
// cut between UTF-8 characters (the real API sends a piece per token).
std::vector<std::string> argument_pieces(const std::string& args) {
    const size_t parts = args.size() < 6 ? 2 : 3;
    std::vector<std::string> out;
    size_t from = 0;
    for (size_t k = 1; k <= parts; ++k) {
        size_t to = k == parts ? args.size() : args.size() * k / parts;
        while (to < args.size() && (static_cast<unsigned char>(args[to]) & 0xC0) == 0x80) ++to;
        if (to > from) out.push_back(args.substr(from, to - from));
        from = std::max(from, to);
    }
    return out;
}

// Streamed tool calls, each choice in turn at every step: a call's first
// chunk has its index, id, type, name and empty arguments (the very first
// also role and content null), then its arguments come in pieces keyed by index.
void call_chunks(const ChatCall& c, const std::function<void(json_t*)>& add) {
    for (size_t k = 0; k < c.calls.size(); ++k) {
        const ToolCall& call = c.calls[k];
        const int index = static_cast<int>(k);
        for (int i = 0; i < c.n; ++i) {
            json_t* head = json_pack("{s:i, s:s, s:s, s:{s:s, s:s}}", "index", index, "id",
                                     c.call_ids[static_cast<size_t>(i)][k].c_str(), "type", "function", "function",
                                     "name", call.name.c_str(), "arguments", "");
            json_t* delta = k == 0 ? json_pack("{s:s, s:n, s:[o]}", "role", "assistant", "content", "tool_calls", head)
                                   : json_pack("{s:[o]}", "tool_calls", head);
            add(chunk(c, chunk_choice(i, delta, nullptr), nullptr));
        }
        for (const auto& piece : argument_pieces(call.arguments))
            for (int i = 0; i < c.n; ++i)
                add(chunk(c,
                          chunk_choice(i,
                                       json_pack("{s:[{s:i, s:{s:s}}]}", "tool_calls", "index", index, "function",
                                                 "arguments", piece.c_str()),
                                       nullptr),
                          nullptr));
    }
}

// The role chunk and one chunk per word (or the tool call chunks), the finish
// chunk (each for every choice), the usage chunk if asked for, then [DONE].
std::vector<std::string> stream_frames(const ChatCall& c, const std::string& sep) {
    std::vector<std::string> payloads;
    auto add = [&](json_t* one) { payloads.push_back(dump_owned(one)); };
    if (!c.calls.empty()) {
        call_chunks(c, add);
    } else {
        for (int i = 0; i < c.n; ++i)
            add(chunk(c, chunk_choice(i, json_pack("{s:s, s:s}", "role", "assistant", "content", ""), nullptr),
                      nullptr));
        for (const auto& piece : split_pieces(c.reply))
            for (int i = 0; i < c.n; ++i)
                add(chunk(c, chunk_choice(i, json_pack("{s:s}", "content", piece.c_str()), nullptr), nullptr));
    }
    for (int i = 0; i < c.n; ++i) add(chunk(c, chunk_choice(i, json_object(), c.finish_reason.c_str()), nullptr));
    if (c.include_usage) add(chunk(c, json_array(), usage_json(c)));
    payloads.push_back("[DONE]");
    return sse_frames(payloads, sep);
}

// A choice's message: the reply, or content null and the tool calls.
json_t* message_json(const ChatCall& c, int choice) {
    if (c.calls.empty())
        return json_pack("{s:s, s:s, s:n}", "role", "assistant", "content", c.reply.c_str(), "refusal");
    json_t* calls = json_array();
    for (size_t k = 0; k < c.calls.size(); ++k)
        json_array_append_new(
            calls, json_pack("{s:s, s:s, s:{s:s, s:s}}", "id", c.call_ids[static_cast<size_t>(choice)][k].c_str(),
                             "type", "function", "function", "name", c.calls[k].name.c_str(), "arguments",
                             c.calls[k].arguments.c_str()));
    return json_pack("{s:s, s:n, s:o, s:n}", "role", "assistant", "content", "tool_calls", calls, "refusal");
}

json_t* completion(const ChatCall& c) {
    json_t* choices = json_array();
    for (int i = 0; i < c.n; ++i)
        json_array_append_new(choices, json_pack("{s:i, s:o, s:n, s:s}", "index", i, "message", message_json(c, i),
                                                 "logprobs", "finish_reason", c.finish_reason.c_str()));
    return json_pack("{s:s, s:s, s:I, s:s, s:s, s:o, s:o}", "id", c.id.c_str(), "object", "chat.completion", "created",
                     static_cast<json_int_t>(c.created), "model", c.model.c_str(), "system_fingerprint", "fp_fake",
                     "choices", choices, "usage", usage_json(c));
}

std::string new_call_id() {
    return "call_" + random_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24);
}

// The functions the user's text calls: "call" followed by declared (and
// allowed) names, each once, in the order named; with tool_choice "required"
// or a named function and no name in the text, the first allowed function.
std::vector<const Function*> chosen_functions(const std::string& text, const ToolSetup& t) {
    std::vector<const Function*> out;
    for (const auto& word : names_after_call(text)) {
        const Function* fn = t.callable(word) ? t.find(word) : nullptr;
        if (fn && std::find(out.begin(), out.end(), fn) == out.end()) out.push_back(fn);
    }
    if (out.empty() && t.choice == "required") out.push_back(&t.functions[0]);
    if (out.empty() && t.choice == "function") out.push_back(t.find(t.forced));
    return out;
}

// Tool calls answer the last message when it is the user's, functions are
// declared and tool_choice is not "none". Arguments: {"q": <the user's text>}
// if the function takes parameters, else {}.
void plan_calls(ChatCall& c, const ToolSetup& t, const json_t* last) {
    if (t.functions.empty() || t.choice == "none" || role_of(last) != "user") return;
    const std::string text = content_text(json_object_get(last, "content"));
    for (const Function* fn : chosen_functions(text, t)) {
        ToolCall call{fn->name, "{}", 1};
        if (fn->has_parameters) {
            call.arguments = dump_owned(json_pack("{s:s}", "q", text.c_str()));
            call.tokens += count_words(text);
        }
        c.calls.push_back(call);
    }
    c.call_ids.resize(static_cast<size_t>(c.n));
    for (auto& ids : c.call_ids)
        for (size_t k = 0; k < c.calls.size(); ++k) ids.push_back(new_call_id());
}

// The answer to the tool messages that end the conversation: their contents.
std::string tool_results_reply(const json_t* messages) {
    std::string results;
    for (size_t i = json_array_size(messages); i > 0 && role_of(json_array_get(messages, i - 1)) == "tool"; --i) {
        std::string one = content_text(json_object_get(json_array_get(messages, i - 1), "content"));
        results = results.empty() ? one : one + "; " + results;
    }
    return "This is a fake reply from fake-openai to tool results: " + results;
}

// ---- Both routes ------------------------------------------------------------------------

json_t* unparsable_body() {
    return openai_error("We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
                        "your HTTP library correctly.)",
                        "invalid_request_error", nullptr, nullptr);
}

// Any model answers (the seed README's "gpt-3.5-turbo" included), so the
// seed's examples run unchanged against the fake; "nonexistent" ones 404.
json_t* model_not_found(const std::string& model) {
    return openai_error("The model `" + model + "` does not exist or you do not have access to it.",
                        "invalid_request_error", nullptr, "model_not_found");
}

// ---- Embeddings (https://platform.openai.com/docs/api-reference/embeddings/create) -------

constexpr size_t kMaxInputs = 2048;

// What the real API answers to any `input` it cannot take: an empty string or
// array, an item of the wrong type, more than 2048 inputs. It sends param
// null; the fake names `input`.
Invalid bad_input() {
    return {"'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
            "input", ""};
}

// One input to embed: a text or token ids.
struct EmbedInput {
    bool is_tokens = false;
    std::string text;
    std::vector<json_int_t> ids;
};

// A token array: not empty, every item a non-negative integer.
bool read_ids(const json_t* arr, std::vector<json_int_t>& ids) {
    if (!json_is_array(arr) || json_array_size(arr) == 0) return false;
    size_t i;
    json_t* v;
    json_array_foreach(arr, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0) return false;
        ids.push_back(json_integer_value(v));
    }
    return true;
}

bool read_text(const json_t* v, std::string& text) {
    if (!json_is_string(v) || json_string_length(v) == 0) return false;
    text.assign(json_string_value(v), json_string_length(v));
    return true;
}

// `input`: a string or a token array is one input; an array of strings or of
// token arrays is one input per item, all of the same kind.
Invalid read_inputs(const json_t* input, std::vector<EmbedInput>& out) {
    if (!present(input)) return missing("input");
    EmbedInput one;
    if (json_is_string(input)) {
        if (!read_text(input, one.text)) return bad_input();
        out.push_back(one);
        return {};
    }
    if (!json_is_array(input) || json_array_size(input) == 0) return bad_input();
    if (json_is_integer(json_array_get(input, 0))) {
        one.is_tokens = true;
        if (!read_ids(input, one.ids)) return bad_input();
        out.push_back(one);
        return {};
    }
    if (json_array_size(input) > kMaxInputs) return bad_input();
    const bool tokens = json_is_array(json_array_get(input, 0));
    size_t i;
    json_t* v;
    json_array_foreach(input, i, v) {
        EmbedInput item;
        item.is_tokens = tokens;
        if (tokens ? !read_ids(v, item.ids) : !read_text(v, item.text)) return bad_input();
        out.push_back(item);
    }
    return {};
}

// What an embeddings call asks for.
struct EmbedCall {
    std::string model;
    std::vector<EmbedInput> inputs;
    size_t dims = kDefaultEmbeddingDims;
    bool base64 = false;
};

// `dimensions`, `encoding_format` and `user`, after `input`. The upper bound
// of `dimensions` is the fake's (the real one depends on the model).
Invalid read_options(const json_t* body, EmbedCall& c) {
    const json_t* dims = json_object_get(body, "dimensions");
    if (present(dims)) {
        if (!json_is_integer(dims)) return wrong_type("dimensions", "an integer", dims);
        const json_int_t n = json_integer_value(dims);
        if (n < 1)
            return {"Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got " +
                        std::to_string(n) + " instead.",
                    "dimensions", "integer_below_min_value"};
        if (n > kMaxEmbeddingDims)
            return {"Invalid 'dimensions': integer above maximum value. Expected a value <= " +
                        std::to_string(kMaxEmbeddingDims) + ", but got " + std::to_string(n) + " instead.",
                    "dimensions", "integer_above_max_value"};
        c.dims = static_cast<size_t>(n);
    }
    const json_t* format = json_object_get(body, "encoding_format");
    if (present(format)) {
        if (!json_is_string(format)) return wrong_type("encoding_format", "a string", format);
        const std::string f = json_string_value(format);
        if (f != "float" && f != "base64") return bad_value("encoding_format", f, "'float' and 'base64'");
        c.base64 = f == "base64";
    }
    const json_t* user = json_object_get(body, "user");
    if (present(user) && !json_is_string(user)) return wrong_type("user", "a string", user);
    return {};
}

// encoding_format "base64": the little-endian bytes of the float32 values in
// standard, padded base64 (RFC 4648 section 4), which the SDKs decode with
// e.g. numpy.frombuffer(base64.b64decode(s), dtype="float32").
std::string base64_floats(const std::vector<float>& values) {
    std::string bytes;
    for (float f : values) {
        uint32_t u;
        std::memcpy(&u, &f, sizeof u);
        for (int b = 0; b < 4; ++b) bytes += static_cast<char>((u >> (8 * b)) & 0xFF);
    }
    static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    auto byte = [&bytes](size_t i) { return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0u; };
    std::string out;
    for (size_t i = 0; i < bytes.size(); i += 3) {
        const uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
    }
    return out;
}

// The list of embedding objects, one per input in order; "tokens" are the
// words of the texts, or the ids of token input.
json_t* embedding_list(const EmbedCall& c) {
    json_t* data = json_array();
    long tokens = 0;
    for (size_t i = 0; i < c.inputs.size(); ++i) {
        const EmbedInput& in = c.inputs[i];
        tokens += in.is_tokens ? static_cast<long>(in.ids.size()) : count_words(in.text);
        std::vector<float> v = in.is_tokens ? embed_tokens(in.ids, c.dims) : embed_text(in.text, c.dims);
        json_t* embedding = c.base64 ? json_string(base64_floats(v).c_str()) : floats_json(v);
        json_array_append_new(data, json_pack("{s:s, s:i, s:o}", "object", "embedding", "index", static_cast<int>(i),
                                              "embedding", embedding));
    }
    return json_pack("{s:s, s:o, s:s, s:{s:i, s:i}}", "object", "list", "data", data, "model", c.model.c_str(),
                     "usage", "prompt_tokens", static_cast<int>(tokens), "total_tokens", static_cast<int>(tokens));
}

}  // namespace

void models(const httplib::Request& req, httplib::Response& res, Exchange& ex) {
    if (!auth_ok(req, res, ex)) return;
    json_t* data = json_array();
    for (const char* id : kModels)
        json_array_append_new(data, json_pack("{s:s, s:s, s:i, s:s}", "id", id, "object", "model", "created",
                                              1700000000, "owned_by", "fake"));
    send_json(res, ex, 200, json_pack("{s:s, s:o}", "object", "list", "data", data));
}

void chat(const httplib::Request& req, httplib::Response& res, Exchange& ex) {
    if (!auth_ok(req, res, ex)) return;
    Json body = parse_json(ex.body);
    if (!json_is_object(body.get())) return send_json(res, ex, 400, unparsable_body());
    ChatCall c;
    c.model = str_field(body.get(), "model");
    if (c.model.empty())
        return send_json(res, ex, 400,
                         openai_error("you must provide a model parameter", "invalid_request_error", nullptr, nullptr));
    json_t* messages = json_object_get(body.get(), "messages");
    if (!json_is_array(messages))
        return send_json(res, ex, 400,
                         openai_error("Missing required parameter: 'messages'.", "invalid_request_error", "messages",
                                      "missing_required_parameter"));
    ToolSetup tools;
    Invalid invalid = validate(body.get(), messages, tools);
    if (invalid.any()) return send_json(res, ex, 400, invalid_json(invalid));
    if (contains(c.model, "nonexistent")) return send_json(res, ex, 404, model_not_found(c.model));

    std::string last_user;
    size_t i;
    json_t* m;
    json_array_foreach(messages, i, m) {
        std::string text = content_text(json_object_get(m, "content"));
        c.prompt_tokens += count_words(text);
        json_t* calls = json_object_get(m, "tool_calls");
        if (present(calls)) c.prompt_tokens += count_words(dump(calls));
        if (role_of(m) == "user") last_user = text;
    }
    json_int_t n = json_integer_value(json_object_get(body.get(), "n"));
    c.n = static_cast<int>(std::min<json_int_t>(std::max<json_int_t>(n, 1), 128));
    c.id = "chatcmpl-fake" + std::to_string(ex.rec->seq);
    c.created = now_s();
    c.include_usage = json_is_true(json_object_get(json_object_get(body.get(), "stream_options"), "include_usage"));
    const json_t* last = json_array_get(messages, json_array_size(messages) - 1);
    c.reply = role_of(last) == "tool" ? tool_results_reply(messages)
                                      : "This is a fake reply from fake-openai to: " + last_user;
    plan_calls(c, tools, last);
    if (c.calls.empty()) {
        c.finish_reason = finish_reason_for(c.model);
        c.completion_tokens = count_words(c.reply) * c.n;
    } else {
        c.finish_reason = "tool_calls";
        for (const auto& call : c.calls) c.completion_tokens += call.tokens * c.n;
    }

    if (json_is_true(json_object_get(body.get(), "stream")))
        send_stream(req, res, ex, "text/event-stream; charset=utf-8",
                    stream_frames(c, sse_separator(ex.beh, ex.proto)));
    else
        send_json(res, ex, 200, completion(c));
}

void embeddings(const httplib::Request& req, httplib::Response& res, Exchange& ex) {
    if (!auth_ok(req, res, ex)) return;
    Json body = parse_json(ex.body);
    if (!json_is_object(body.get())) return send_json(res, ex, 400, unparsable_body());
    EmbedCall c;
    c.model = str_field(body.get(), "model");
    if (c.model.empty())
        return send_json(res, ex, 400,
                         openai_error("you must provide a model parameter", "invalid_request_error", nullptr, nullptr));
    Invalid invalid = read_inputs(json_object_get(body.get(), "input"), c.inputs);
    if (!invalid.any()) invalid = read_options(body.get(), c);
    if (invalid.any()) return send_json(res, ex, 400, invalid_json(invalid));
    if (contains(c.model, "nonexistent")) return send_json(res, ex, 404, model_not_found(c.model));
    send_json(res, ex, 200, embedding_list(c));
}

}  // namespace fake::openai
