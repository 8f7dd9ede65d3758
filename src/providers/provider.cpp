#include "providers/provider.h"

#include "upstream/sse.h"

#include <ctime>

namespace llmapi::providers {

upstream::HttpRequest Provider::request(const char* method, const std::string& path) const {
    upstream::HttpRequest req;
    req.method = method;
    req.url = cfg_.base_url + path;
    req.limits.connect_timeout_s = cfg_.connect_timeout_s;
    req.limits.timeout_s = cfg_.timeout_s;
    req.limits.idle_timeout_s = cfg_.idle_timeout_s;
    req.limits.max_response_bytes = static_cast<size_t>(cfg_.max_response_bytes);
    if (std::string auth = auth_header(); !auth.empty()) req.headers.push_back(std::move(auth));
    // Extra headers from config: `headers = A: x | B: y`.
    size_t pos = 0;
    while (pos < cfg_.headers.size()) {
        size_t bar = cfg_.headers.find('|', pos);
        if (bar == std::string::npos) bar = cfg_.headers.size();
        std::string h = cfg_.headers.substr(pos, bar - pos);
        const size_t b = h.find_first_not_of(' '), e = h.find_last_not_of(' ');
        if (b != std::string::npos && h.find(':') != std::string::npos) req.headers.push_back(h.substr(b, e - b + 1));
        pos = bar + 1;
    }
    return req;
}

upstream::HttpRequest Provider::post_json(const std::string& path, const json_t* body,
                                          const std::string& request_id) const {
    upstream::HttpRequest req = request("POST", path);
    req.headers.push_back("Content-Type: application/json");
    if (!request_id.empty()) req.headers.push_back("X-Request-Id: " + request_id);
    req.body = json_to_string(body);
    return req;
}

std::string Provider::redact(std::string text) const {
    if (cfg_.api_key.size() < 4) return text;
    for (size_t pos; (pos = text.find(cfg_.api_key)) != std::string::npos;)
        text.replace(pos, cfg_.api_key.size(), "***");
    return text;
}

UpstreamError transport_error(const upstream::HttpResult& r) {
    UpstreamError e;
    switch (r.outcome) {
        case upstream::Outcome::Ok: return e;
        case upstream::Outcome::ConnectError:
            e.kind = UpstreamError::Connect;
            e.message = "could not connect to the provider";
            break;
        case upstream::Outcome::Timeout:
            e.kind = UpstreamError::Timeout;
            e.message = "the provider did not answer in time";
            break;
        case upstream::Outcome::Reset:
            e.kind = UpstreamError::Reset;
            e.message = "the connection to the provider broke";
            break;
        case upstream::Outcome::TooLarge:
            e.kind = UpstreamError::TooLarge;
            e.message = "the provider's response was too large";
            break;
        case upstream::Outcome::Cancelled:
            e.kind = UpstreamError::Cancelled;
            e.message = "cancelled: the client went away";
            break;
    }
    return e;
}

UpstreamError bad_response(const std::string& message) {
    UpstreamError e;
    e.kind = UpstreamError::BadResponse;
    e.message = message;
    return e;
}

UpstreamError Provider::fetch_json(upstream::HttpClient& http, const upstream::HttpRequest& req, JsonPtr& out,
                                   ChatSink* sink, std::string* raw) const {
    upstream::CancelCheck cancel;
    if (sink) cancel = [sink] { return sink->client_gone(); };
    const upstream::HttpResult r = http.perform(req, nullptr, cancel);
    if (UpstreamError e = transport_error(r)) return e;
    if (r.status < 200 || r.status >= 300) return error_from(r);
    out.reset(json_loadb(r.body.data(), r.body.size(), 0, nullptr));
    if (!json_is_object(out.get())) return bad_response("the provider's answer is not a JSON object");
    if (raw) *raw = r.body;
    return {};
}

UpstreamError Provider::stream_frames(upstream::HttpClient& http, const upstream::HttpRequest& req, ChatSink& sink,
                                      const FrameFn& on_frame, bool* saw_done) const {
    upstream::SseParser sse;
    UpstreamError mid_stream;  // set by a frame: the provider's error event, bad JSON, or the sink leaving
    bool done = false;
    auto on_event = [&](const std::string& data) {
        if (data == "[DONE]") done = true;  // read on to the end, so the connection can be reused
        if (done) return true;
        JsonPtr frame(json_loadb(data.data(), data.size(), 0, nullptr));
        if (!json_is_object(frame.get())) {
            mid_stream = bad_response("the provider sent an event that is not JSON");
            return false;
        }
        if (const json_t* err = json_object_get(frame.get(), "error")) {
            const json_t* m = json_object_get(err, "message");
            mid_stream =
                bad_response(json_is_string(m) ? redact(json_string_value(m)) : "the provider reported an error");
            return false;
        }
        return on_frame(frame.get(), mid_stream);
    };
    const upstream::HttpResult r = http.perform(
        req, [&](const char* d, size_t n) { return sse.feed(d, n, on_event); }, [&] { return sink.client_gone(); });
    if (saw_done) *saw_done = done;
    if (mid_stream) return mid_stream;
    if (UpstreamError e = transport_error(r)) return e;
    if (r.status < 200 || r.status >= 300) return error_from(r);
    sse.finish(on_event);
    if (saw_done) *saw_done = done;
    return mid_stream;
}

UpstreamError Provider::error_from(const upstream::HttpResult& r) const {
    UpstreamError e;
    e.kind = UpstreamError::Status;
    e.status = r.status;
    e.retry_after_s = upstream::parse_retry_after(r.retry_after, static_cast<long>(time(nullptr)));
    // OpenAI: {"error":{"message","type","param","code"}}; Gemini:
    // {"error":{"code":400,"message","status":"INVALID_ARGUMENT"}}.
    JsonPtr body(json_loadb(r.body.data(), r.body.size(), 0, nullptr));
    const json_t* err = json_object_get(body.get(), "error");
    auto str = [&](const char* key) {
        const json_t* v = json_object_get(err, key);
        return json_is_string(v) ? redact(json_string_value(v)) : std::string();
    };
    e.message = str("message");
    e.type = str("type");
    e.param = str("param");
    e.code = str("code");
    if (e.type.empty()) e.type = str("status");  // Gemini's INVALID_ARGUMENT etc.
    if (e.message.empty()) e.message = "the provider answered HTTP " + std::to_string(r.status);
    return e;
}

}  // namespace llmapi::providers
