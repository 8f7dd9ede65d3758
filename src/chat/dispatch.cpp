#include "chat/dispatch.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "chat/sink.h"
#include "common/log.h"
#include "common/random.h"
#include "http/openai_error.h"
#include "usage/recorder.h"

namespace llmapi::chat {

namespace {

using providers::UpstreamError;

constexpr long kBackoffBaseMs = 200;
constexpr long kBackoffMaxMs = 5000;
constexpr long kMaxRetryAfterS = 30;  // a longer Retry-After: go to the fallback instead

// Full jitter (sleep a random time up to base * 2^attempt), at least what
// Retry-After asks. Returns false when the wait would be unreasonable.
bool backoff(int attempt, const UpstreamError& e) {
    thread_local std::minstd_rand rng([] {
        uint32_t seed;
        random_bytes(&seed, sizeof seed);
        return seed;
    }());
    if (e.retry_after_s > kMaxRetryAfterS) return false;
    const long cap = std::min(kBackoffMaxMs, kBackoffBaseMs << std::min(attempt, 10));
    long ms = std::uniform_int_distribution<long>(cap / 4, cap)(rng);
    if (e.retry_after_s >= 0) ms = std::max(ms, e.retry_after_s * 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return true;
}

// A failure the client caused (bad model, bad parameter): no fallback helps.
bool is_client_error(const UpstreamError& e) {
    return e.kind == UpstreamError::Status && e.status >= 400 && e.status < 500 && e.status != 401 &&
           e.status != 403 && e.status != 408 && e.status != 429;
}

}  // namespace

Target resolve_target(const app::Services& s, const std::string& query_provider, const std::string& model) {
    Target t;
    std::string name = query_provider;
    t.model = model;
    const size_t slash = model.find('/');
    if (slash != std::string::npos) {
        // "gemini/gemini-2.0-flash": the prefix names the provider when it is one
        // of ours (and is dropped); "models/x" stays for Gemini to strip.
        const std::string prefix = model.substr(0, slash);
        if (s.providers.find(prefix) && (name.empty() || name == prefix)) {
            name = prefix;
            t.model = model.substr(slash + 1);
        }
    }
    if (name.empty()) name = s.providers.default_name();
    t.provider = s.providers.find(name);
    if (!t.provider) {
        std::string known;
        for (const auto& n : s.providers.names()) known += (known.empty() ? "" : ", ") + n;
        throw http::invalid_request("Unknown provider '" + name + "'. Available providers: " + known + ".", "provider");
    }
    if (!t.provider->configured())
        throw http::openai_error(503, "Provider '" + name + "' is not configured: set its api_key (or auth = none).",
                                 "provider_not_configured", "", "provider_not_configured");
    return t;
}

int error_status(const UpstreamError& e) {
    if (e.kind == UpstreamError::Timeout) return 504;
    if (is_client_error(e)) return static_cast<int>(e.status);
    return 502;
}

JsonPtr error_body(const UpstreamError& e, const std::string& provider) {
    if (e.kind == UpstreamError::Timeout)
        return http::openai_error_body("Provider '" + provider + "' timed out: " + e.message, "upstream_timeout", "",
                                       "upstream_timeout");
    if (is_client_error(e))
        return http::openai_error_body(e.message, e.type.empty() ? "invalid_request_error" : e.type, e.param, e.code);
    if (e.kind == UpstreamError::Status && (e.status == 401 || e.status == 403))
        return http::openai_error_body("Provider '" + provider + "' rejected the gateway's credentials.",
                                       "upstream_error", "", "upstream_error");
    std::string what = e.message;
    if (e.kind == UpstreamError::Status) what += " (HTTP " + std::to_string(e.status) + ")";
    return http::openai_error_body("Provider '" + provider + "' failed: " + what, "upstream_error", "", "upstream_error");
}

namespace {

// Rough tokens for text the provider never counted for us (a stream the
// client abandoned): ~4 characters a token, as OpenAI's rule of thumb says.
long estimate_tokens(size_t chars) { return static_cast<long>((chars + 3) / 4); }

size_t prompt_chars(const json_t* body) {
    size_t n = 0, i;
    json_t* m;
    json_array_foreach(json_object_get(body, "messages"), i, m) {
        const json_t* c = json_object_get(m, "content");
        if (json_is_string(c)) n += json_string_length(c);
        size_t k;
        json_t* part;
        json_array_foreach(c, k, part) {
            const json_t* t = json_object_get(part, "text");
            if (json_is_string(t)) n += json_string_length(t);
        }
    }
    return n;
}

long usage_field(const json_t* usage, const char* key) {
    return static_cast<long>(json_integer_value(json_object_get(usage, key)));
}

// The usage row for this request, written after the response is sent.
usage::UsageEvent usage_event(const app::Context& ctx, const json_t* body, const HttpChatSink& sink,
                              const std::string& provider, const std::string& model, int status, bool stream,
                              bool gone, std::chrono::steady_clock::duration upstream, const std::string& started_at) {
    usage::UsageEvent e;
    e.event_id = uuid4_hex();
    e.user_id = ctx.user->id;
    e.provider = provider;
    e.model_requested = model;
    e.model_answered = sink.model();
    e.status = status;
    e.upstream_ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(upstream).count());
    e.streamed = stream;
    e.client_disconnected = gone;
    e.started_at = started_at;
    if (const json_t* u = sink.usage()) {
        e.prompt_tokens = usage_field(u, "prompt_tokens");
        e.completion_tokens = usage_field(u, "completion_tokens");
        e.reasoning_tokens = usage_field(json_object_get(u, "completion_tokens_details"), "reasoning_tokens");
    } else if (sink.content_chars() > 0) {
        e.estimated = true;  // what was generated before the client left
        e.prompt_tokens = estimate_tokens(prompt_chars(body));
        e.completion_tokens = estimate_tokens(sink.content_chars());
    }
    return e;
}

}  // namespace

http::Response run_chat(app::Context& ctx, const json_t* body, const Target& target) {
    const bool stream = json_is_true(json_object_get(body, "stream"));
    const bool include_usage =
        stream && json_is_true(json_object_get(json_object_get(body, "stream_options"), "include_usage"));
    HttpChatSink sink(*ctx.out, include_usage, ctx.services.metrics);
    const std::string started_at = usage::utc_now_sql();
    const auto t0 = std::chrono::steady_clock::now();

    std::vector<Target> targets{target};
    for (const auto& [p, model] : ctx.services.providers.fallbacks(target.provider->name()))
        targets.push_back(Target{p, model});

    UpstreamError last;
    const Target* current = &targets.front();
    // Every way out goes through here: the response, plus its usage row.
    auto done = [&](http::Response r, int status, bool gone = false) {
        usage::UsageEvent e = usage_event(ctx, body, sink, current->provider->name(), current->model, status, stream,
                                          gone, std::chrono::steady_clock::now() - t0, started_at);
        ctx.info->provider = e.provider;
        ctx.info->upstream_ms = e.upstream_ms;
        ctx.services.metrics.tokens(e.provider, e.prompt_tokens, e.completion_tokens);
        usage::UsageRecorder* recorder = &ctx.services.usage;
        r.after_sent = [recorder, e] { recorder->record(e); };
        return r;
    };
    for (const Target& t : targets) {
        current = &t;
        providers::ChatCall call{body, t.model, stream, ctx.request.request_id};
        const int retries = t.provider->config().retries;
        for (int attempt = 0;; ++attempt) {
            const auto a0 = std::chrono::steady_clock::now();
            last = t.provider->chat(*ctx.http, call, sink);
            ctx.services.metrics.upstream(t.provider->name(),
                                          std::chrono::duration<double>(std::chrono::steady_clock::now() - a0).count());
            if (!last) {
                if (!stream) return done(http::Response::json_text(200, sink.completion_text()), 200);
                sink.finish_stream();
                return done(http::Response::already_sent(), 200);
            }
            if (last.kind == UpstreamError::Cancelled) return done(http::Response::already_sent(), 200, true);
            if (sink.started()) {  // past the first byte: no retry, no fallback
                log_warn("provider '%s' failed mid-stream: %s", t.provider->name().c_str(), last.message.c_str());
                sink.fail_stream(error_body(last, t.provider->name()).get());
                return done(http::Response::already_sent(), error_status(last));
            }
            log_warn("provider '%s' attempt %d failed: %s (status %ld)", t.provider->name().c_str(), attempt + 1,
                     last.message.c_str(), last.status);
            if (!last.retryable() || attempt >= retries || !backoff(attempt, last)) break;
        }
        if (is_client_error(last)) break;
    }
    JsonPtr err = error_body(last, current->provider->name());
    return done(http::Response::json(error_status(last), err.get()), error_status(last));
}

}  // namespace llmapi::chat
