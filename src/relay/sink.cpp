#include "relay/sink.h"

namespace llmapi::relay {

void HttpChatSink::remember_usage(const json_t* obj) {
    const json_t* u = json_object_get(obj, "usage");
    if (json_is_object(u)) usage_.reset(json_deep_copy(u));
    const json_t* m = json_object_get(obj, "model");
    if (model_.empty() && json_is_string(m)) model_ = json_string_value(m);
    size_t i;
    json_t* choice;
    json_array_foreach(json_object_get(obj, "choices"), i, choice) {
        const json_t* content = json_object_get(json_object_get(choice, "delta"), "content");
        if (json_is_string(content)) content_chars_ += json_string_length(content);
    }
}

void HttpChatSink::completion(const json_t* completion, const std::string& raw) {
    remember_usage(completion);
    completion_ = raw.empty() ? json_to_string(completion) : raw;
}

bool HttpChatSink::send(const std::string& event) {
    if (!out_.started()) {
        if (!out_.start(
                200,
                {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}}))
            return false;
        metrics_.stream_started();
        counted_ = true;
    }
    return out_.write(event);
}

bool HttpChatSink::chunk(const json_t* chunk) {
    remember_usage(chunk);
    const json_t* usage = json_object_get(chunk, "usage");
    if (!include_usage_ && usage) {
        const json_t* choices = json_object_get(chunk, "choices");
        // The usage-only chunk we asked for on the client's behalf: not theirs.
        if (json_is_array(choices) && json_array_size(choices) == 0) return !out_.client_gone();
        // "usage": null on every chunk is also our doing; drop it.
        JsonPtr copy(json_copy(const_cast<json_t*>(chunk)));
        json_object_del(copy.get(), "usage");
        return send("data: " + json_to_string(copy.get()) + "\n\n");
    }
    return send("data: " + json_to_string(chunk) + "\n\n");
}

void HttpChatSink::finish_stream() { send("data: [DONE]\n\n"); }

void HttpChatSink::fail_stream(const json_t* error_body) {
    if (send("data: " + json_to_string(error_body) + "\n\n")) send("data: [DONE]\n\n");
}

}  // namespace llmapi::relay
