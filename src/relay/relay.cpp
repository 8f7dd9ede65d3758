#include "relay/relay.h"

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

#include "common/datetime.h"
#include "common/log.h"
#include "common/random.h"
#include "relay/upstream_errors.h"
#include "usage/estimate.h"

namespace llmapi::relay {

namespace {

using providers::Target;
using providers::UpstreamError;
using Clock = std::chrono::steady_clock;

long usage_field(const json_t* usage, const char* key) {
    return static_cast<long>(json_integer_value(json_object_get(usage, key)));
}

// The usage row: the provider's own counts, or an estimate of what was
// generated before the client left.
usage::UsageEvent usage_event(const ChatRequest& req, const HttpChatSink& sink, const Target& t, int status,
                              bool stream, bool gone, Clock::duration upstream, const std::string& started_at) {
    usage::UsageEvent e;
    e.event_id = uuid4_hex();
    e.user_id = req.user_id;
    e.api_key_id.id = req.api_key_id;
    e.provider = t.provider->name();
    e.model_requested = t.model;
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
        e.estimated = true;
        e.prompt_tokens = usage::estimate_tokens(usage::prompt_chars(req.body));
        e.completion_tokens = usage::estimate_tokens(sink.content_chars());
    }
    return e;
}

}  // namespace

// Full jitter (a random wait up to base * 2^attempt, at least a quarter of
// it), at least what Retry-After asks. False when the wait would be
// unreasonable: then the next target is tried instead.
bool wait_before_retry(const Backoff& b, int attempt, const UpstreamError& e) {
    thread_local std::minstd_rand rng([] {
        uint32_t seed;
        random_bytes(&seed, sizeof seed);
        return seed;
    }());
    if (e.retry_after_s > b.max_retry_after_s) return false;
    const long cap = std::min(b.max_ms, b.base_ms << std::min(attempt, 10));
    long ms = std::uniform_int_distribution<long>(cap / 4, cap)(rng);
    if (e.retry_after_s >= 0) ms = std::max(ms, e.retry_after_s * 1000);
    const std::chrono::milliseconds wait(ms);
    if (b.sleep) b.sleep(wait);
    else std::this_thread::sleep_for(wait);
    return true;
}

Outcome relay_chat(const Deps& deps, const ChatRequest& req, const Target& target, HttpChatSink& sink) {
    // A request that waited in the listen queue may have been given up on
    // (nginx closes our connection when its client goes): sending it would
    // spend the provider's tokens for nobody.
    if (sink.client_gone()) {
        Outcome o{http::Response::json_text(kClientClosedRequest, "{}"), {}, false};
        return o;
    }
    const bool stream = json_is_true(json_object_get(req.body, "stream"));
    const std::string started_at = sql_datetime(now_us());
    const auto t0 = Clock::now();

    std::vector<Target> targets{target};
    for (const auto& [p, model] : deps.providers.fallbacks(target.provider->name()))
        if (!req.allowed || req.allowed(p->name(), model)) targets.push_back(Target{p, model});

    UpstreamError last;
    const Target* current = &targets.front();
    // Every way out goes through here: the response, plus its usage row.
    auto done = [&](http::Response r, int status, bool gone = false) {
        Outcome o{std::move(r), usage_event(req, sink, *current, status, stream, gone, Clock::now() - t0, started_at)};
        deps.metrics.tokens(o.event.provider, o.event.prompt_tokens, o.event.completion_tokens);
        return o;
    };
    // A stream's row is recorded before its last bytes go out (then `end` sends them).
    auto done_stream = [&](int status, bool gone, const std::function<void()>& end) {
        Outcome o = done(http::Response::already_sent(), status, gone);
        if (req.record) {
            req.record(o.event);
            o.recorded = true;
        }
        end();
        return o;
    };
    for (const Target& t : targets) {
        current = &t;
        const providers::ChatCall call{req.body, t.model, stream, req.request_id};
        const int retries = t.provider->config().retries;
        for (int attempt = 0;; ++attempt) {
            const auto a0 = Clock::now();
            last = t.provider->chat(deps.http, call, sink);
            deps.metrics.upstream(t.provider->name(), std::chrono::duration<double>(Clock::now() - a0).count());
            if (!last) {
                if (!stream) return done(http::Response::json_text(200, sink.completion_text()), 200);
                return done_stream(200, false, [&] { sink.finish_stream(); });
            }
            if (last.kind == UpstreamError::Cancelled) return done_stream(200, true, [] {});
            if (sink.started()) {  // past the first byte: no retry, no fallback
                log_warn("provider '%s' failed mid-stream: %s", t.provider->name().c_str(), last.message.c_str());
                return done_stream(error_status(last), false,
                                   [&] { sink.fail_stream(error_body(last, t.provider->name()).get()); });
            }
            log_warn("provider '%s' attempt %d failed: %s (status %ld)", t.provider->name().c_str(), attempt + 1,
                     last.message.c_str(), last.status);
            if (!last.retryable() || attempt >= retries || !wait_before_retry(deps.backoff, attempt, last)) break;
        }
        if (is_client_error(last)) break;
    }
    JsonPtr err = error_body(last, current->provider->name());
    return done(http::Response::json(error_status(last), err.get()), error_status(last));
}

}  // namespace llmapi::relay
