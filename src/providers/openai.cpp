// The OpenAI wire protocol, shared by OpenAI, the in-house LLM and any
// OpenAI-compatible server (vLLM, Ollama, llama.cpp): the client's body is
// forwarded as sent (tools, images, logprobs...), only `model` (prefix
// removed) and `stream_options` (usage always requested) are rewritten;
// answers pass through as received.
// API: https://platform.openai.com/docs/api-reference/chat/create and
// .../chat/streaming (chat.completion.chunk, stream_options.include_usage),
// https://platform.openai.com/docs/api-reference/models/list
#include "providers/provider.h"
#include "upstream/sse.h"

namespace llmapi::providers {

namespace {

class OpenAiProvider : public Provider {
public:
    using Provider::Provider;

    std::vector<std::string> list_models(upstream::HttpClient& http, UpstreamError& err) override {
        upstream::HttpRequest req = request("GET", "/models");
        const upstream::HttpResult r = http.perform(req);
        std::vector<std::string> ids;
        if ((err = transport_error(r))) return ids;
        if (r.status < 200 || r.status >= 300) {
            err = error_from(r);
            return ids;
        }
        JsonPtr body(json_loadb(r.body.data(), r.body.size(), 0, nullptr));
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
        upstream::HttpRequest req = request("POST", "/chat/completions");
        req.headers.push_back("Content-Type: application/json");
        req.body = json_to_string(body.get());
        return call.stream ? stream(http, req, sink) : whole(http, req, sink);
    }

private:
    upstream::HttpRequest request(const char* method, const char* path) const {
        upstream::HttpRequest req;
        req.method = method;
        req.url = cfg_.base_url + path;
        req.limits = limits();
        if (!cfg_.api_key.empty()) req.headers.push_back("Authorization: Bearer " + cfg_.api_key);
        for (auto& h : extra_headers()) req.headers.push_back(h);
        return req;
    }

    static UpstreamError bad_response(const std::string& message) {
        UpstreamError e;
        e.kind = UpstreamError::BadResponse;
        e.message = message;
        return e;
    }

    UpstreamError whole(upstream::HttpClient& http, const upstream::HttpRequest& req, ChatSink& sink) {
        const upstream::HttpResult r = http.perform(req, nullptr, [&] { return sink.client_gone(); });
        if (UpstreamError e = transport_error(r)) return e;
        if (r.status < 200 || r.status >= 300) return error_from(r);
        JsonPtr completion(json_loadb(r.body.data(), r.body.size(), 0, nullptr));
        if (!json_is_object(completion.get())) return bad_response("the provider's answer is not a JSON object");
        sink.completion(completion.get(), r.body);
        return {};
    }

    UpstreamError stream(upstream::HttpClient& http, const upstream::HttpRequest& req, ChatSink& sink) {
        upstream::SseParser sse;
        UpstreamError mid_stream;  // an error event sent by the provider inside the stream
        bool done = false, finished = false;
        auto on_event = [&](const std::string& data) {
            if (data == "[DONE]") {
                done = true;  // read on to the end, so the connection can be reused
                return true;
            }
            if (done) return true;
            JsonPtr chunk(json_loadb(data.data(), data.size(), 0, nullptr));
            if (!json_is_object(chunk.get())) {
                mid_stream = bad_response("the provider sent an event that is not JSON");
                return false;
            }
            if (const json_t* err = json_object_get(chunk.get(), "error")) {
                mid_stream.kind = UpstreamError::Status;
                mid_stream.status = 502;
                const json_t* m = json_object_get(err, "message");
                mid_stream.message = json_is_string(m) ? redact(json_string_value(m)) : "the provider reported an error";
                return false;
            }
            size_t i;
            json_t* choice;
            json_array_foreach(json_object_get(chunk.get(), "choices"), i, choice)
                finished = finished || json_is_string(json_object_get(choice, "finish_reason"));
            if (!sink.chunk(chunk.get())) {
                mid_stream.kind = UpstreamError::Cancelled;
                return false;
            }
            return true;
        };
        const upstream::HttpResult r = http.perform(
            req, [&](const char* d, size_t n) { return sse.feed(d, n, on_event); }, [&] { return sink.client_gone(); });
        if (mid_stream) return mid_stream;
        if (UpstreamError e = transport_error(r)) return e;
        if (r.status < 200 || r.status >= 300) return error_from(r);
        sse.finish(on_event);
        if (mid_stream) return mid_stream;
        // Some servers end without [DONE]; a finished choice is a complete answer.
        if (!done && !finished) return bad_response("the provider's stream ended early");
        return {};
    }
};

}  // namespace

std::unique_ptr<Provider> make_openai(const config::ProviderConfig& cfg) { return std::make_unique<OpenAiProvider>(cfg); }

}  // namespace llmapi::providers
