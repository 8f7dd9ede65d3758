// Delivers a provider's OpenAI-format answer to our client: a whole
// chat.completion, or SSE chunks flushed one by one and `data: [DONE]`.
#pragma once
#include <string>

#include "common/json.h"
#include "http/stream.h"
#include "metrics/metrics.h"
#include "providers/provider.h"

namespace llmapi::relay {

class HttpChatSink : public providers::ChatSink {
public:
    HttpChatSink(http::StreamOut& out, bool include_usage, metrics::Metrics& metrics)
        : out_(out), include_usage_(include_usage), metrics_(metrics) {}
    ~HttpChatSink() override {
        if (counted_) metrics_.stream_ended();
    }
    HttpChatSink(const HttpChatSink&) = delete;
    HttpChatSink& operator=(const HttpChatSink&) = delete;

    void completion(const json_t* completion, const std::string& raw) override;
    bool chunk(const json_t* chunk) override;
    bool client_gone() override { return out_.client_gone(); }

    // Has any byte gone to the client? Then no retry or fallback is possible.
    bool started() const { return out_.started(); }
    // Ends a stream: `data: [DONE]`.
    void finish_stream();
    // A failure after the stream began: `data: {"error":{...}}` then `data: [DONE]`.
    void fail_stream(const json_t* error_body);

    const std::string& completion_text() const { return completion_; }
    const json_t* usage() const { return usage_.get(); }     // the last usage seen, or null
    const std::string& model() const { return model_; }      // as the provider answered it
    size_t content_chars() const { return content_chars_; }  // text delivered (to estimate tokens)

private:
    bool send(const std::string& event);
    void remember_usage(const json_t* obj);

    http::StreamOut& out_;
    const bool include_usage_;
    metrics::Metrics& metrics_;
    bool counted_ = false;  // counted in llm_api_active_streams
    std::string completion_;
    JsonPtr usage_;
    std::string model_;
    size_t content_chars_ = 0;
};

}  // namespace llmapi::relay
