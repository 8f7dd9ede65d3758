// One interface for every provider, whatever wire protocol it speaks; the
// answer always comes out in OpenAI's format through a ChatSink.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/json.h"
#include "config/config.h"
#include "upstream/http_client.h"

namespace llmapi::providers {

// A failed call to a provider, as a value (mapped to HTTP in relay/upstream_errors.cpp).
struct UpstreamError {
    enum Kind { None, Connect, Timeout, Reset, Status, BadResponse, TooLarge, Cancelled };
    Kind kind = None;
    long status = 0;      // the provider's HTTP status, for Status
    std::string message;  // the provider's own message (our key redacted)
    std::string type, param, code;
    long retry_after_s = -1;  // from Retry-After, -1 if none

    explicit operator bool() const { return kind != None; }
    // Worth another try on the same provider: connect errors, resets, 429, 5xx.
    bool retryable() const {
        return kind == Connect || kind == Reset || (kind == Status && (status == 429 || status >= 500));
    }
};

struct ChatCall {
    const json_t* body = nullptr;  // the client's body, validated
    std::string model;             // the provider's model id (no "provider/" prefix)
    bool stream = false;
    std::string request_id;  // sent upstream as X-Request-Id
};

// POST /v1/embeddings for one provider: the client's body, validated
// (api/handlers/embeddings.cpp), and the provider's model id.
struct EmbeddingsCall {
    const json_t* body = nullptr;
    std::string model;
    std::string request_id;
};

// The answer in OpenAI's format {"object":"list","data":[…],"model","usage"}.
struct Embeddings {
    JsonPtr response;
    long prompt_tokens = 0;
    bool estimated = false;  // the provider reports no token counts (Gemini)
};

// Which models a list is for: those that chat, or those that embed.
enum class ModelTask { Chat, Embeddings };

// Where a provider delivers its answer, already in OpenAI's format.
class ChatSink {
public:
    virtual ~ChatSink() = default;
    // A whole chat.completion; `raw` is its text when it can be passed on as received.
    virtual void completion(const json_t* completion, const std::string& raw) = 0;
    // One chat.completion.chunk (a usage-only chunk included); false: the client is gone, stop.
    virtual bool chunk(const json_t* chunk) = 0;
    // Polled while waiting for the provider: true when the client is gone.
    virtual bool client_gone() = 0;
};

class Provider {
public:
    explicit Provider(config::ProviderConfig cfg) : cfg_(std::move(cfg)) {}
    virtual ~Provider() = default;

    virtual std::vector<std::string> list_models(upstream::HttpClient& http, UpstreamError& err, ModelTask task) = 0;
    virtual UpstreamError chat(upstream::HttpClient& http, const ChatCall& call, ChatSink& sink) = 0;
    virtual UpstreamError embeddings(upstream::HttpClient& http, const EmbeddingsCall& call, Embeddings& out) = 0;
    // Does list_models answer differently per task? (Else one list serves both.)
    virtual bool models_by_task() const { return false; }

    const config::ProviderConfig& config() const { return cfg_; }
    const std::string& name() const { return cfg_.name; }
    // A key is set, or the section says `auth = none` (a keyless local server).
    bool configured() const { return !cfg_.api_key.empty() || cfg_.auth == "none"; }

protected:
    // The header carrying our key ("Authorization: Bearer …", "x-goog-api-key: …"), or "" for none.
    virtual std::string auth_header() const = 0;
    // A request to base_url + path, bounded by the section's limits, with the
    // key and the configured extra headers.
    upstream::HttpRequest request(const char* method, const std::string& path) const;
    // The same for a POST of a JSON body, sent upstream with the client's X-Request-Id.
    upstream::HttpRequest post_json(const std::string& path, const json_t* body, const std::string& request_id) const;
    // The provider's error body → UpstreamError (message, type, param, code), key redacted.
    UpstreamError error_from(const upstream::HttpResult& r) const;
    // Replaces our API key wherever it appears in text from the provider.
    std::string redact(std::string text) const;

    // Performs `req` and parses a 2xx body as a JSON object into `out` (the
    // text itself into *raw, if given); `sink` (if any) is polled so a client
    // that leaves cancels the call.
    UpstreamError fetch_json(upstream::HttpClient& http, const upstream::HttpRequest& req, JsonPtr& out,
                             ChatSink* sink = nullptr, std::string* raw = nullptr) const;

    // Performs a streaming `req`, handing each server-sent event, parsed as a
    // JSON object, to `on_frame`; `data: [DONE]` sets *saw_done. A frame that
    // is not JSON, or an {"error":…} frame, ends the stream with an error;
    // `on_frame` returns false to stop (after setting `err`).
    using FrameFn = std::function<bool(const json_t* frame, UpstreamError& err)>;
    UpstreamError stream_frames(upstream::HttpClient& http, const upstream::HttpRequest& req, ChatSink& sink,
                                const FrameFn& on_frame, bool* saw_done = nullptr) const;

    config::ProviderConfig cfg_;
};

// A transport failure (no complete HTTP response) as an UpstreamError; None for Outcome::Ok.
UpstreamError transport_error(const upstream::HttpResult& r);
// An answer we can't use (not JSON, cut short): 502.
UpstreamError bad_response(const std::string& message);

// Wire protocols by `kind`. Adding one = a new file + one line in registry.cpp.
using Factory = std::unique_ptr<Provider> (*)(const config::ProviderConfig&);
Factory find_factory(const std::string& kind);
std::vector<std::string> known_kinds();
// The providers' part of validating a configuration (config/ knows no
// kinds): "" when every section names a known kind, else one line naming
// the section, in config's format.
std::string check_config(const config::ProvidersConfig& cfg);

}  // namespace llmapi::providers
