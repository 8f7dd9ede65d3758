// Runs one chat request against its target: retries (exponential backoff
// with full jitter, Retry-After honoured, only before the first byte reached
// the client), then the configured fallbacks in order; maps the final
// failure to OpenAI's error shape. Knows nothing of the database or of
// users: it takes what it needs and hands back the response and the usage
// row, which the caller records once the response is out.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "http/response.h"
#include "metrics/metrics.h"
#include "providers/provider_set.h"
#include "relay/sink.h"
#include "upstream/http_client.h"
#include "usage/event.h"

namespace llmapi::relay {

// The waits between attempts. Tests pass a `sleep` that records instead of sleeping.
struct Backoff {
    long base_ms = 200;
    long max_ms = 5000;
    long max_retry_after_s = 30;                           // a longer Retry-After: go to the fallback instead
    std::function<void(std::chrono::milliseconds)> sleep;  // empty: std::this_thread::sleep_for
};

struct Deps {
    const providers::ProviderSet& providers;  // for the fallbacks
    upstream::HttpClient& http;               // this thread's client
    metrics::Metrics& metrics;
    Backoff backoff;
};

struct ChatRequest {
    const json_t* body = nullptr;  // validated (relay/validate.h)
    std::string request_id;        // sent upstream as X-Request-Id
    int64_t user_id = 0;           // for the usage row
    int64_t api_key_id = 0;        // the API key it came with (0: an access token), for the usage row
    // Which fallback targets this request may use (an API key's lists);
    // empty: all. The first target was checked by the caller.
    std::function<bool(const std::string& provider, const std::string& model)> allowed;
    // Records the usage row of a stream before its last byte (`data: [DONE]`)
    // goes out, so a client that sends its next request on seeing it is
    // counted with this one's tokens. Empty: the caller records it.
    std::function<void(const usage::UsageEvent&)> record;
};

struct Outcome {
    http::Response response;  // complete, or already_sent (streamed)
    usage::UsageEvent event;  // to record before the response's end goes out
    bool sent_upstream = true;  // false: the client had left before it began; nothing to record
    bool recorded = false;      // true: ChatRequest::record has taken the row already
};

// The status of a request whose client left before anything was sent
// upstream (nginx's "client closed request"); it never reaches the client.
constexpr int kClientClosedRequest = 499;

Outcome relay_chat(const Deps& deps, const ChatRequest& req, const providers::Target& target, HttpChatSink& sink);

// Waits before retry `attempt` + 1 after `e`: full jitter (a random wait up
// to base * 2^attempt, at least a quarter of it), at least what Retry-After
// asks. False when that wait would be unreasonable: go elsewhere instead.
bool wait_before_retry(const Backoff& b, int attempt, const providers::UpstreamError& e);

}  // namespace llmapi::relay
