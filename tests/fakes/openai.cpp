// The OpenAI-compatible side, under /v1:
//   - Create chat completion / chat.completion object:
//     https://platform.openai.com/docs/api-reference/chat/create
//     https://platform.openai.com/docs/api-reference/chat/object
//   - Streaming chat.completion.chunk objects, `stream_options.include_usage`
//     (extra last chunk with `"choices":[]` and `usage`; every other chunk
//     carries `"usage":null`), stream ends with `data: [DONE]`:
//     https://platform.openai.com/docs/api-reference/chat/streaming
//   - List models (`{"object":"list","data":[{id,object,created,owned_by}]}`):
//     https://platform.openai.com/docs/api-reference/models/list
#include "handlers.h"

#include <algorithm>

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

// Text of a message's `content`: a string or an array of content parts.
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

const char* finish_reason_for(const std::string& model) {
    if (contains(model, "length")) return "length";
    if (contains(model, "filter")) return "content_filter";
    return "stop";
}

// What a chat call asks for and what the fake answers.
struct ChatCall {
    std::string id, model, reply, finish_reason;
    long long created = 0;
    int n = 1;
    bool include_usage = false;
    long prompt_tokens = 0, completion_tokens = 0;
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

// The role chunk, one chunk per word, the finish chunk (each for every
// choice), the usage chunk if asked for, then [DONE].
std::vector<std::string> stream_frames(const ChatCall& c, const std::string& sep) {
    std::vector<std::string> payloads;
    auto add = [&](json_t* one) { payloads.push_back(dump_owned(one)); };
    for (int i = 0; i < c.n; ++i)
        add(chunk(c, chunk_choice(i, json_pack("{s:s, s:s}", "role", "assistant", "content", ""), nullptr), nullptr));
    for (const auto& piece : split_pieces(c.reply))
        for (int i = 0; i < c.n; ++i)
            add(chunk(c, chunk_choice(i, json_pack("{s:s}", "content", piece.c_str()), nullptr), nullptr));
    for (int i = 0; i < c.n; ++i) add(chunk(c, chunk_choice(i, json_object(), c.finish_reason.c_str()), nullptr));
    if (c.include_usage) add(chunk(c, json_array(), usage_json(c)));
    payloads.push_back("[DONE]");
    return sse_frames(payloads, sep);
}

json_t* completion(const ChatCall& c) {
    json_t* choices = json_array();
    for (int i = 0; i < c.n; ++i)
        json_array_append_new(choices, json_pack("{s:i, s:{s:s, s:s, s:n}, s:n, s:s}", "index", i, "message", "role",
                                                 "assistant", "content", c.reply.c_str(), "refusal", "logprobs",
                                                 "finish_reason", c.finish_reason.c_str()));
    return json_pack("{s:s, s:s, s:I, s:s, s:s, s:o, s:o}", "id", c.id.c_str(), "object", "chat.completion", "created",
                     static_cast<json_int_t>(c.created), "model", c.model.c_str(), "system_fingerprint", "fp_fake",
                     "choices", choices, "usage", usage_json(c));
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
    if (!json_is_object(body.get()))
        return send_json(res, ex, 400,
                         openai_error("We could not parse the JSON body of your request. (HINT: "
                                      "This likely means you aren't using your HTTP library "
                                      "correctly.)",
                                      "invalid_request_error", nullptr, nullptr));
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
    // Any model answers (the seed README's "gpt-3.5-turbo" included), so the
    // seed's examples run unchanged against the fake; "nonexistent" ones 404.
    if (c.model.find("nonexistent") != std::string::npos)
        return send_json(res, ex, 404,
                         openai_error("The model `" + c.model + "` does not exist or you do not have access to it.",
                                      "invalid_request_error", nullptr, "model_not_found"));

    std::string last_user;
    size_t i;
    json_t* m;
    json_array_foreach(messages, i, m) {
        std::string text = content_text(json_object_get(m, "content"));
        c.prompt_tokens += count_words(text);
        if (str_field(m, "role") == "user") last_user = text;
    }
    json_int_t n = json_integer_value(json_object_get(body.get(), "n"));
    c.n = static_cast<int>(std::min<json_int_t>(std::max<json_int_t>(n, 1), 128));
    c.id = "chatcmpl-fake" + std::to_string(ex.rec->seq);
    c.created = now_s();
    c.reply = "This is a fake reply from fake-openai to: " + last_user;
    c.finish_reason = finish_reason_for(c.model);
    c.completion_tokens = count_words(c.reply) * c.n;
    c.include_usage = json_is_true(json_object_get(json_object_get(body.get(), "stream_options"), "include_usage"));

    if (json_is_true(json_object_get(body.get(), "stream")))
        send_stream(req, res, ex, "text/event-stream; charset=utf-8",
                    stream_frames(c, sse_separator(ex.beh, ex.proto)));
    else
        send_json(res, ex, 200, completion(c));
}

}  // namespace fake::openai
