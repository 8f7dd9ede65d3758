// OpenAI chat format <-> Gemini generateContent: see gemini_translate.h for the doc pages.
#include "providers/gemini_translate.h"

#include "providers/gemini_schema.h"
#include "providers/gemini_tools.h"

#include <cstring>
#include <utility>

namespace llmapi::providers::gemini {

namespace {

// Gemini caps candidateCount at a handful; an index beyond this is not trusted
// to size the per-index stream state.
constexpr size_t kMaxCandidateIndex = 128;

// OpenAI's json_schema.schema is JSON Schema, so it goes to GenerationConfig's
// responseJsonSchema, "an alternative to responseSchema that accepts JSON Schema"
// (https://ai.google.dev/api/generate-content#generationconfig). Gemini honours
// a subset: $id, $defs, $ref, $anchor, type, format, title, description, enum,
// items, prefixItems, minItems, maxItems, minimum, maximum, anyOf, oneOf,
// properties, additionalProperties, required (plus propertyOrdering); other
// keywords may be sent but are not enforced. The older responseSchema takes an
// OpenAPI 3.0 subset only and answers 400 ("Unknown name \"additionalProperties\"")
// to the strict schemas OpenAI SDKs send (additionalProperties:false is mandatory
// in strict mode, $defs/$ref common), so copying the schema there would fail.
constexpr const char* kSchemaField = "responseJsonSchema";

bool fail(TranslateError& err, std::string param, std::string message) {
    err.param = std::move(param);
    err.message = std::move(message);
    return false;
}

std::string message_param(size_t i, const char* field) { return "messages[" + std::to_string(i) + "]." + field; }

const char* string_member(const json_t* obj, const char* key) {
    return json_string_value(json_object_get(obj, key));  // NULL when absent or not a string
}

bool is_absent(const json_t* v) { return v == nullptr || json_is_null(v); }

// ---------------------------------------------------------------- request

// An empty text part carries nothing, and Gemini rejects parts without data: dropped.
void append_text_part(json_t* parts, const json_t* text) {
    if (json_string_length(text) == 0) return;
    JsonPtr part(json_object());
    json_object_set_new(part.get(), "text", json_stringn(json_string_value(text), json_string_length(text)));
    json_array_append_new(parts, part.release());
}

// Text parts, and images, audio and files as inlineData (gemini_media.h);
// anything else is refused rather than dropped: without it the model would
// answer a different question and the client would never know.
struct PartContext {
    const FetchedMedia* fetched;
    size_t inline_bytes = 0;  // decoded bytes of inline data so far (Gemini caps the request)
};

bool append_array_part(const json_t* part, size_t i, size_t k, json_t* parts, PartContext& pc, TranslateError& err) {
    const std::string where = message_param(i, "content") + "[" + std::to_string(k) + "]";
    const char* type = string_member(part, "type");
    if (!type) return fail(err, message_param(i, "content"), where + " must be an object with a string 'type'.");
    if (std::strcmp(type, "text") != 0) return append_media_part(part, where, pc.fetched, pc.inline_bytes, parts, err);
    const json_t* text = json_object_get(part, "text");
    if (!json_is_string(text)) return fail(err, message_param(i, "content"), where + ".text must be a string.");
    append_text_part(parts, text);
    return true;
}

bool append_content_parts(const json_t* content, size_t i, json_t* parts, PartContext& pc, TranslateError& err) {
    if (is_absent(content)) return true;  // an assistant turn that only called tools
    if (json_is_string(content)) {
        append_text_part(parts, content);
        return true;
    }
    if (!json_is_array(content))
        return fail(err, message_param(i, "content"),
                    message_param(i, "content") + " must be a string or an array of content parts.");
    size_t k;
    json_t* part;
    json_array_foreach(content, k, part) {
        if (!append_array_part(part, i, k, parts, pc, err)) return false;
    }
    return true;
}

// "system"/"developer" -> nullptr (systemInstruction), "user" and "tool" ->
// "user" (a functionResponse is the user's side), "assistant" -> "model".
bool gemini_role(const char* role, const char*& out) {
    if (!role) return false;
    if (!std::strcmp(role, "system") || !std::strcmp(role, "developer")) out = nullptr;
    else if (!std::strcmp(role, "user") || !std::strcmp(role, "tool")) out = "user";
    else if (!std::strcmp(role, "assistant")) out = "model";
    else return false;
    return true;
}

// Gemini wants turns to alternate: a turn with the previous turn's role is merged into it.
void append_turn(json_t* contents, const char* role, JsonPtr parts) {
    const size_t n = json_array_size(contents);
    json_t* last = n ? json_array_get(contents, n - 1) : nullptr;
    if (last && std::strcmp(string_member(last, "role"), role) == 0) {
        json_array_extend(json_object_get(last, "parts"), parts.get());
        return;
    }
    JsonPtr turn(json_object());
    json_object_set_new(turn.get(), "role", json_string(role));
    json_object_set_new(turn.get(), "parts", parts.release());
    json_array_append_new(contents, turn.release());
}

struct Conversation {
    JsonPtr system_parts{json_array()};
    JsonPtr contents{json_array()};
    CallsById calls;  // the tool calls so far, for the tool messages that answer them
    PartContext media;
};

bool add_message(const json_t* msg, size_t i, Conversation& conv, TranslateError& err) {
    if (!json_is_object(msg))
        return fail(err, "messages[" + std::to_string(i) + "]", "Each message must be an object.");
    const char* role = nullptr;
    if (!gemini_role(string_member(msg, "role"), role))
        return fail(err, message_param(i, "role"),
                    "Gemini accepts only 'system', 'developer', 'user', 'assistant' and 'tool' messages.");
    JsonPtr parts(json_array());
    if (!std::strcmp(string_member(msg, "role"), "tool")) {
        // Consecutive tool messages merge into one user turn, in order (append_turn).
        if (!append_function_response(msg, i, parts.get(), conv.calls, err)) return false;
        append_turn(conv.contents.get(), role, std::move(parts));
        return true;
    }
    if (!append_content_parts(json_object_get(msg, "content"), i, parts.get(), conv.media, err)) return false;
    const json_t* tool_calls = json_object_get(msg, "tool_calls");
    if (!is_absent(tool_calls)) {
        if (!role || std::strcmp(role, "model") != 0)
            return fail(err, message_param(i, "tool_calls"), "Only assistant messages can have 'tool_calls'.");
        if (!append_function_calls(tool_calls, i, parts.get(), conv.calls, err)) return false;  // after the text
    }
    if (!role) {
        json_array_extend(conv.system_parts.get(), parts.get());  // each message keeps its own part(s)
        return true;
    }
    if (json_array_size(parts.get()) == 0) return true;  // null or empty content: nothing to say
    append_turn(conv.contents.get(), role, std::move(parts));
    return true;
}

bool translate_messages(const json_t* body, json_t* out, const RequestOptions& opt, TranslateError& err) {
    const json_t* messages = json_object_get(body, "messages");
    if (!json_is_array(messages)) return fail(err, "messages", "'messages' must be an array.");
    Conversation conv;
    conv.media.fetched = opt.fetched;
    size_t i;
    json_t* msg;
    json_array_foreach(messages, i, msg) {
        if (!add_message(msg, i, conv, err)) return false;
    }
    if (conv.media.inline_bytes > kMaxInlineBytes)
        return fail(err, "messages",
                    "The request's images, audio and files come to " + std::to_string(conv.media.inline_bytes >> 20) +
                        " MiB; Gemini takes at most 20 MiB inline.");
    // Gemini requires contents; a system prompt alone has no Gemini form.
    if (json_array_size(conv.contents.get()) == 0)
        return fail(err, "messages", "'messages' must include a user or assistant message with non-empty content.");
    json_object_set_new(out, "contents", conv.contents.release());
    if (json_array_size(conv.system_parts.get()) > 0) {
        JsonPtr instruction(json_object());
        json_object_set_new(instruction.get(), "parts", conv.system_parts.release());
        json_object_set_new(out, "systemInstruction", instruction.release());
    }
    return true;
}

// ------------------------------------------------------- generationConfig

enum class Kind { Number, Integer };

struct ScalarField {
    const char* openai;
    const char* gemini;
    Kind kind;
};

// max_completion_tokens comes after max_tokens so that it wins when both are set.
constexpr ScalarField kScalarFields[] = {
    {"temperature", "temperature", Kind::Number},
    {"top_p", "topP", Kind::Number},
    {"max_tokens", "maxOutputTokens", Kind::Integer},
    {"max_completion_tokens", "maxOutputTokens", Kind::Integer},
    {"n", "candidateCount", Kind::Integer},
    {"presence_penalty", "presencePenalty", Kind::Number},
    {"frequency_penalty", "frequencyPenalty", Kind::Number},
    {"seed", "seed", Kind::Integer},
};

// null means "the default", as in OpenAI's API: left out.
bool copy_scalar(const json_t* body, const ScalarField& f, json_t* cfg, TranslateError& err) {
    const json_t* v = json_object_get(body, f.openai);
    if (is_absent(v)) return true;
    const bool integer = f.kind == Kind::Integer;
    if (integer ? !json_is_integer(v) : !json_is_number(v))
        return fail(
            err, f.openai,
            std::string("Invalid type for '") + f.openai + "': expected " + (integer ? "an integer." : "a number."));
    json_object_set_new(cfg, f.gemini, json_deep_copy(v));
    return true;
}

// OpenAI takes one stop string or an array of them; Gemini only the array.
bool collect_stop_sequences(const json_t* stop, json_t* seqs) {
    if (json_is_string(stop)) return json_array_append_new(seqs, json_deep_copy(stop)) == 0;
    if (!json_is_array(stop)) return false;
    size_t i;
    json_t* s;
    json_array_foreach(stop, i, s) {
        if (!json_is_string(s)) return false;
        json_array_append_new(seqs, json_deep_copy(s));
    }
    return true;
}

bool translate_stop(const json_t* body, json_t* cfg, TranslateError& err) {
    const json_t* stop = json_object_get(body, "stop");
    if (is_absent(stop)) return true;
    JsonPtr seqs(json_array());
    if (!collect_stop_sequences(stop, seqs.get()))
        return fail(err, "stop", "Invalid type for 'stop': expected a string or an array of strings.");
    if (json_array_size(seqs.get()) > 0) json_object_set_new(cfg, "stopSequences", seqs.release());
    return true;
}

bool translate_json_schema(const json_t* rf, json_t* cfg, const RequestOptions& opt, TranslateError& err) {
    const json_t* js = json_object_get(rf, "json_schema");
    if (!json_is_object(js))
        return fail(err, "response_format.json_schema", "'response_format.json_schema' must be an object.");
    json_object_set_new(cfg, "responseMimeType", json_string("application/json"));
    const json_t* schema = json_object_get(js, "schema");
    if (is_absent(schema)) return true;  // optional in OpenAI's API: JSON of any shape
    if (!json_is_object(schema))
        return fail(err, "response_format.json_schema.schema",
                    "'response_format.json_schema.schema' must be an object.");
    // name, description and strict have no Gemini equivalent: dropped.
    if (!opt.openapi_schemas) {
        json_object_set_new(cfg, kSchemaField, json_deep_copy(schema));
        return true;
    }
    std::string why;
    JsonPtr converted = to_openapi_schema(schema, true, why);
    if (!converted)
        return fail(err, "response_format.json_schema.schema",
                    "'response_format.json_schema.schema' has no form in Gemini's schema subset: " + why + ".");
    json_object_set_new(cfg, "responseSchema", converted.release());
    return true;
}

bool translate_response_format(const json_t* body, json_t* cfg, const RequestOptions& opt, TranslateError& err) {
    const json_t* rf = json_object_get(body, "response_format");
    if (is_absent(rf)) return true;
    const char* type = string_member(rf, "type");
    if (!type) return fail(err, "response_format", "'response_format' must be an object with a string 'type'.");
    if (!std::strcmp(type, "text")) return true;  // Gemini's default
    if (!std::strcmp(type, "json_object")) {
        json_object_set_new(cfg, "responseMimeType", json_string("application/json"));
        return true;
    }
    if (!std::strcmp(type, "json_schema")) return translate_json_schema(rf, cfg, opt, err);
    return fail(
        err, "response_format.type",
        std::string("Invalid value: '") + type + "'. Supported values are: 'text', 'json_object' and 'json_schema'.");
}

// Everything not named here (user, logit_bias, parallel_tool_calls,
// stream_options, logprobs...) has no Gemini equivalent and is dropped, not
// guessed; tools are translated apart (gemini_tools.h).
bool translate_generation_config(const json_t* body, json_t* out, const RequestOptions& opt, TranslateError& err) {
    JsonPtr cfg(json_object());
    for (const ScalarField& f : kScalarFields)
        if (!copy_scalar(body, f, cfg.get(), err)) return false;
    if (!translate_stop(body, cfg.get(), err)) return false;
    if (!translate_response_format(body, cfg.get(), opt, err)) return false;
    if (json_object_size(cfg.get()) > 0) json_object_set_new(out, "generationConfig", cfg.release());
    return true;
}

// ---------------------------------------------------------------- response

json_int_t count_member(const json_t* usage, const char* key) {
    const json_t* v = json_object_get(usage, key);
    return json_is_integer(v) && json_integer_value(v) > 0 ? json_integer_value(v) : 0;
}

// proto3 JSON leaves out zero values, so the first candidate usually has no "index".
size_t candidate_index(const json_t* cand, size_t position) {
    const json_t* v = json_object_get(cand, "index");
    if (json_is_integer(v) && json_integer_value(v) >= 0 &&
        static_cast<size_t>(json_integer_value(v)) < kMaxCandidateIndex)
        return static_cast<size_t>(json_integer_value(v));
    return position;
}

// The answer's text. Thought parts (the model's reasoning) are not the answer:
// they are counted in reasoning_tokens only. Non-text parts are ignored.
std::string candidate_text(const json_t* cand) {
    const json_t* parts = json_object_get(json_object_get(cand, "content"), "parts");
    std::string text;
    size_t i;
    json_t* part;
    json_array_foreach(parts, i, part) {
        if (json_is_true(json_object_get(part, "thought"))) continue;
        const json_t* t = json_object_get(part, "text");
        if (json_is_string(t)) text.append(json_string_value(t), json_string_length(t));
    }
    return text;
}

// The candidate's functionCall parts as OpenAI tool calls, numbered from `first`.
JsonPtr candidate_tool_calls(const json_t* cand, size_t first = 0) {
    const json_t* parts = json_object_get(json_object_get(cand, "content"), "parts");
    JsonPtr calls(json_array());
    size_t i;
    json_t* part;
    json_array_foreach(parts, i, part) {
        if (JsonPtr call = tool_call_of(part, first + json_array_size(calls.get())))
            json_array_append_new(calls.get(), call.release());
    }
    return calls;
}

const char* candidate_finish(const json_t* cand) { return finish_reason(string_member(cand, "finishReason")); }

bool prompt_blocked(const json_t* response) {
    return string_member(json_object_get(response, "promptFeedback"), "blockReason") != nullptr;
}

json_t* string_or_null(const char* s) { return s ? json_string(s) : json_null(); }

JsonPtr envelope(const char* object, const std::string& id, long created, const std::string& model) {
    JsonPtr out(json_object());
    json_object_set_new(out.get(), "id", json_stringn(id.data(), id.size()));
    json_object_set_new(out.get(), "object", json_string(object));
    json_object_set_new(out.get(), "created", json_integer(created));
    json_object_set_new(out.get(), "model", json_stringn(model.data(), model.size()));
    return out;
}

// An answer that calls tools has finish_reason "tool_calls" (Gemini says STOP),
// and content null when it has no text, as OpenAI's.
JsonPtr completion_choice(size_t index, const std::string& text, const char* finish, JsonPtr tool_calls = nullptr) {
    JsonPtr message(json_object());
    json_object_set_new(message.get(), "role", json_string("assistant"));
    const bool calls = tool_calls && json_array_size(tool_calls.get()) > 0;
    json_object_set_new(message.get(), "content",
                        calls && text.empty() ? json_null() : json_stringn(text.data(), text.size()));
    if (calls) {
        json_object_set_new(message.get(), "tool_calls", tool_calls.release());
        if (finish) finish = "tool_calls";
    }
    JsonPtr choice(json_object());
    json_object_set_new(choice.get(), "index", json_integer(static_cast<json_int_t>(index)));
    json_object_set_new(choice.get(), "message", message.release());
    json_object_set_new(choice.get(), "finish_reason", string_or_null(finish));
    json_object_set_new(choice.get(), "logprobs", json_null());
    return choice;
}

// ---------------------------------------------------------------- stream

JsonPtr chunk(const StreamState& st, size_t index, JsonPtr delta, const char* finish) {
    JsonPtr choice(json_object());
    json_object_set_new(choice.get(), "index", json_integer(static_cast<json_int_t>(index)));
    json_object_set_new(choice.get(), "delta", delta.release());
    json_object_set_new(choice.get(), "finish_reason", string_or_null(finish));
    json_object_set_new(choice.get(), "logprobs", json_null());
    JsonPtr out = envelope("chat.completion.chunk", st.id, st.created, st.model);
    JsonPtr choices(json_array());
    json_array_append_new(choices.get(), choice.release());
    json_object_set_new(out.get(), "choices", choices.release());
    return out;
}

void track_index(StreamState& st, size_t index) {
    if (st.role_sent.size() <= index) st.role_sent.resize(index + 1, false);
    if (st.finish_sent.size() <= index) st.finish_sent.resize(index + 1, false);
    if (st.tool_calls_sent.size() <= index) st.tool_calls_sent.resize(index + 1, 0);
}

// Text and finish_reason of one frame travel in one chunk: OpenAI clients accept
// both in one delta, and it keeps one chunk per candidate per frame.
JsonPtr emit(StreamState& st, size_t index, const std::string& text, const char* finish) {
    JsonPtr delta(json_object());
    const bool first = !st.role_sent[index];
    if (first) json_object_set_new(delta.get(), "role", json_string("assistant"));
    if (first || !text.empty()) json_object_set_new(delta.get(), "content", json_stringn(text.data(), text.size()));
    st.role_sent[index] = true;
    if (finish) st.finish_sent[index] = true;
    return chunk(st, index, std::move(delta), finish);
}

// One chunk per tool call: Gemini sends each functionCall whole. `index`
// counts the candidate's calls across the whole stream, never the part's
// position in its frame (parallel calls arrive in separate frames, each at
// part 0).
JsonPtr tool_call_chunk(StreamState& st, size_t index, JsonPtr call) {
    JsonPtr delta(json_object());
    if (!st.role_sent[index]) {
        json_object_set_new(delta.get(), "role", json_string("assistant"));
        json_object_set_new(delta.get(), "content", json_null());
        st.role_sent[index] = true;
    }
    json_object_set_new(call.get(), "index", json_integer(static_cast<json_int_t>(st.tool_calls_sent[index]++)));
    JsonPtr calls(json_array());
    json_array_append_new(calls.get(), call.release());
    json_object_set_new(delta.get(), "tool_calls", calls.release());
    return chunk(st, index, std::move(delta), nullptr);
}

// The frame's chunks for this candidate: its text, then one per tool call,
// the finish_reason on the last ("tool_calls" once the candidate has called
// one). None when the frame says nothing for it (e.g. thoughts only).
void candidate_chunks(const json_t* cand, size_t position, StreamState& st, std::vector<JsonPtr>& out) {
    const size_t index = candidate_index(cand, position);
    track_index(st, index);
    // OpenAI streams end a choice with its finish_reason: nothing may follow it.
    if (st.finish_sent[index]) return;
    const std::string text = candidate_text(cand);
    JsonPtr calls = candidate_tool_calls(cand, st.tool_calls_sent[index]);
    const char* finish = candidate_finish(cand);
    if (finish && (st.tool_calls_sent[index] > 0 || json_array_size(calls.get()) > 0)) finish = "tool_calls";
    const size_t n = json_array_size(calls.get());
    if (!text.empty() || (n == 0 && finish)) out.push_back(emit(st, index, text, n == 0 ? finish : nullptr));
    for (size_t k = 0; k < n; ++k) {
        JsonPtr c = tool_call_chunk(st, index, JsonPtr(json_incref(json_array_get(calls.get(), k))));
        if (k + 1 == n && finish) {  // the finish travels with the last call
            json_object_set_new(json_array_get(json_object_get(c.get(), "choices"), 0), "finish_reason",
                                json_string(finish));
            st.finish_sent[index] = true;
        }
        out.push_back(std::move(c));
    }
}

bool all_finished(const StreamState& st) {
    bool any = false;
    for (size_t i = 0; i < st.role_sent.size(); ++i) {
        if (!st.role_sent[i]) continue;  // an index never emitted was never seen by the client
        if (!st.finish_sent[i]) return false;
        any = true;
    }
    return any;
}

}  // namespace

JsonPtr to_gemini_request(const json_t* openai_body, TranslateError& err, const RequestOptions& options) {
    if (!json_is_object(openai_body)) {
        fail(err, "", "The request body must be a JSON object.");
        return nullptr;
    }
    JsonPtr out(json_object());
    if (!translate_messages(openai_body, out.get(), options, err)) return nullptr;
    if (!translate_generation_config(openai_body, out.get(), options, err)) return nullptr;
    if (!translate_tools(openai_body, out.get(), options.openapi_schemas, err)) return nullptr;
    return out;
}

std::string strip_models_prefix(const std::string& name) {
    static const std::string prefix = "models/";
    return name.compare(0, prefix.size(), prefix) == 0 ? name.substr(prefix.size()) : name;
}

// Every reason but STOP and MAX_TOKENS means the output was withheld or cut for
// a reason other than a natural end or the length limit: SAFETY, RECITATION,
// BLOCKLIST, PROHIBITED_CONTENT, SPII, LANGUAGE, OTHER, IMAGE_* and, as
// "content_filter" is the only OpenAI value for that, also MALFORMED_FUNCTION_CALL
// (the model's call did not parse: nothing to hand to the client),
// FINISH_REASON_UNSPECIFIED and reasons added later. An answer that called
// a tool says "tool_calls" instead (decided where the calls are seen).
// Never null when present: a stream's choice must end with a finish_reason.
const char* finish_reason(const char* gemini_reason) {
    if (!gemini_reason) return nullptr;
    if (!std::strcmp(gemini_reason, "STOP")) return "stop";
    if (!std::strcmp(gemini_reason, "MAX_TOKENS")) return "length";
    return "content_filter";
}

// total_tokens is recomputed (not totalTokenCount) so that it always equals
// prompt + completion, as OpenAI clients expect; Gemini's total also counts
// tool-use prompt tokens, which have no OpenAI field.
JsonPtr to_openai_usage(const json_t* usage_metadata) {
    const json_int_t prompt = count_member(usage_metadata, "promptTokenCount");
    const json_int_t thoughts = count_member(usage_metadata, "thoughtsTokenCount");
    const json_int_t completion = count_member(usage_metadata, "candidatesTokenCount") + thoughts;
    JsonPtr details(json_object());
    json_object_set_new(details.get(), "reasoning_tokens", json_integer(thoughts));
    JsonPtr usage(json_object());
    json_object_set_new(usage.get(), "prompt_tokens", json_integer(prompt));
    json_object_set_new(usage.get(), "completion_tokens", json_integer(completion));
    json_object_set_new(usage.get(), "total_tokens", json_integer(prompt + completion));
    json_object_set_new(usage.get(), "completion_tokens_details", details.release());
    return usage;
}

JsonPtr to_openai_completion(const json_t* gemini_response, const std::string& model, const std::string& id,
                             long created) {
    JsonPtr out = envelope("chat.completion", id, created, model);
    JsonPtr choices(json_array());
    const json_t* candidates = json_object_get(gemini_response, "candidates");
    size_t i;
    json_t* cand;
    json_array_foreach(candidates, i, cand) {
        JsonPtr choice = completion_choice(candidate_index(cand, i), candidate_text(cand), candidate_finish(cand),
                                           candidate_tool_calls(cand));
        json_array_append_new(choices.get(), choice.release());
    }
    // No candidates: OpenAI clients expect one choice. A blocked prompt is a
    // content filter; anything else is unexplained, so its finish_reason is null.
    if (json_array_size(choices.get()) == 0) {
        const char* finish = prompt_blocked(gemini_response) ? "content_filter" : nullptr;
        json_array_append_new(choices.get(), completion_choice(0, "", finish).release());
    }
    JsonPtr usage = to_openai_usage(json_object_get(gemini_response, "usageMetadata"));
    json_object_set_new(out.get(), "choices", choices.release());
    json_object_set_new(out.get(), "usage", usage.release());
    return out;
}

std::vector<JsonPtr> to_openai_chunks(const json_t* gemini_frame, StreamState& st) {
    std::vector<JsonPtr> out;
    const json_t* candidates = json_object_get(gemini_frame, "candidates");
    size_t i;
    json_t* cand;
    json_array_foreach(candidates, i, cand) candidate_chunks(cand, i, st, out);
    if (json_array_size(candidates) == 0 && prompt_blocked(gemini_frame)) {
        track_index(st, 0);
        if (!st.finish_sent[0]) out.push_back(emit(st, 0, "", "content_filter"));
    }
    // Gemini's usageMetadata holds running totals: the last frame's replaces the rest.
    const json_t* usage = json_object_get(gemini_frame, "usageMetadata");
    if (json_is_object(usage)) st.usage = to_openai_usage(usage);
    st.finished = all_finished(st);
    return out;
}

JsonPtr usage_chunk(const StreamState& st) {
    JsonPtr out = envelope("chat.completion.chunk", st.id, st.created, st.model);
    json_object_set_new(out.get(), "choices", json_array());
    JsonPtr usage(st.usage ? json_deep_copy(st.usage.get()) : to_openai_usage(nullptr).release());
    json_object_set_new(out.get(), "usage", usage.release());
    return out;
}

}  // namespace llmapi::providers::gemini
