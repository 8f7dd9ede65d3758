// The OpenAI wire protocol, shared by OpenAI, the in-house LLM and any
// OpenAI-compatible server (vLLM, Ollama, llama.cpp): the client's body is
// forwarded as sent (tools, images, logprobs...), only `model` (prefix
// removed) and `stream_options` (usage always requested) are rewritten;
// answers pass through as received.
// API: https://platform.openai.com/docs/api-reference/chat/create and
// .../chat/streaming (chat.completion.chunk, stream_options.include_usage),
// https://platform.openai.com/docs/api-reference/models/list,
// https://platform.openai.com/docs/api-reference/embeddings/create
#include "providers/provider.h"

namespace llmapi::providers {

namespace {

class OpenAiProvider : public Provider {
public:
    using Provider::Provider;

    // The list says nothing of what a model does: every model, for either task.
    std::vector<std::string> list_models(upstream::HttpClient& http, UpstreamError& err, ModelTask) override {
        JsonPtr body;
        std::vector<std::string> ids;
        if ((err = fetch_json(http, request("GET", "/models"), body))) return ids;
        const json_t* data = json_object_get(body.get(), "data");
        if (!json_is_array(data)) {
            err = bad_response("the provider's model list has no data array");
            return ids;
        }
        size_t i;
        json_t* m;
        json_array_foreach(data, i, m) {
            const json_t* id = json_object_get(m, "id");
            if (json_is_string(id)) ids.emplace_back(json_string_value(id));
        }
        return ids;
    }

    UpstreamError chat(upstream::HttpClient& http, const ChatCall& call, ChatSink& sink) override {
        JsonPtr body(json_deep_copy(call.body));
        json_object_set_new(body.get(), "model", json_string(call.model.c_str()));
        if (call.stream) {
            // Usage is always requested so streams can be counted; the sink
            // passes the usage chunk on only when the client asked for it.
            json_t* opts = json_object_get(body.get(), "stream_options");
            if (!json_is_object(opts)) {
                opts = json_object();
                json_object_set_new(body.get(), "stream_options", opts);
            }
            json_object_set_new(opts, "include_usage", json_true());
        }
        const upstream::HttpRequest req = post_json("/chat/completions", body.get(), call.request_id);
        return call.stream ? stream(http, req, sink) : whole(http, req, sink);
    }

    // Forwarded as sent, but for `model`; the answer passed on as received.
    // https://platform.openai.com/docs/api-reference/embeddings/create
    UpstreamError embeddings(upstream::HttpClient& http, const EmbeddingsCall& call, Embeddings& out) override {
        JsonPtr body(json_deep_copy(call.body));
        json_object_set_new(body.get(), "model", json_string(call.model.c_str()));
        if (UpstreamError e = fetch_json(http, post_json("/embeddings", body.get(), call.request_id), out.response))
            return e;
        if (!json_is_array(json_object_get(out.response.get(), "data")))
            return bad_response("the provider's embeddings answer has no data array");
        const json_t* prompt = json_object_get(json_object_get(out.response.get(), "usage"), "prompt_tokens");
        out.prompt_tokens = json_is_integer(prompt) ? static_cast<long>(json_integer_value(prompt)) : 0;
        return {};
    }

private:
    std::string auth_header() const override {
        return cfg_.api_key.empty() ? "" : "Authorization: Bearer " + cfg_.api_key;
    }

    UpstreamError whole(upstream::HttpClient& http, const upstream::HttpRequest& req, ChatSink& sink) {
        JsonPtr completion;
        std::string raw;  // passed on as received (numbers, field order and all)
        if (UpstreamError e = fetch_json(http, req, completion, &sink, &raw)) return e;
        sink.completion(completion.get(), raw);
        return {};
    }

    UpstreamError stream(upstream::HttpClient& http, const upstream::HttpRequest& req, ChatSink& sink) {
        bool done = false, finished = false;
        UpstreamError e = stream_frames(
            http, req, sink,
            [&](const json_t* chunk, UpstreamError& err) {
                size_t i;
                json_t* choice;
                json_array_foreach(json_object_get(chunk, "choices"), i, choice) finished =
                    finished || json_is_string(json_object_get(choice, "finish_reason"));
                if (sink.chunk(chunk)) return true;
                err.kind = UpstreamError::Cancelled;
                return false;
            },
            &done);
        if (e) return e;
        // Some servers end without [DONE]; a finished choice is a complete answer.
        if (!done && !finished) return bad_response("the provider's stream ended early");
        return {};
    }
};

}  // namespace

std::unique_ptr<Provider> make_openai(const config::ProviderConfig& cfg) {
    return std::make_unique<OpenAiProvider>(cfg);
}

}  // namespace llmapi::providers
