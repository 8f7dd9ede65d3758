#include "relay/embeddings.h"

#include <chrono>

#include "common/datetime.h"
#include "common/log.h"
#include "common/random.h"
#include "relay/upstream_errors.h"

namespace llmapi::relay {

EmbeddingsOutcome relay_embeddings(const Deps& deps, const EmbeddingsRequest& req, const providers::Target& t) {
    using Clock = std::chrono::steady_clock;
    EmbeddingsOutcome o;
    usage::UsageEvent& e = o.event;
    e.event_id = uuid4_hex();
    e.user_id = req.user_id;
    e.api_key_id.id = req.api_key_id;
    e.provider = t.provider->name();
    e.model_requested = t.model;
    e.started_at = sql_datetime(now_us());
    const auto t0 = Clock::now();
    const providers::EmbeddingsCall call{req.body, t.model, req.request_id};
    providers::Embeddings answer;
    providers::UpstreamError err;
    for (int attempt = 0;; ++attempt) {
        const auto a0 = Clock::now();
        err = t.provider->embeddings(deps.http, call, answer);
        deps.metrics.upstream(t.provider->name(), std::chrono::duration<double>(Clock::now() - a0).count());
        if (!err) break;
        log_warn("provider '%s' embeddings attempt %d failed: %s (status %ld)", t.provider->name().c_str(),
                 attempt + 1, err.message.c_str(), err.status);
        if (!err.retryable() || attempt >= t.provider->config().retries || !wait_before_retry(deps.backoff, attempt, err))
            break;
    }
    e.upstream_ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
    if (err) {
        e.status = error_status(err);
        o.response = http::Response::json(e.status, error_body(err, t.provider->name()).get());
        return o;
    }
    e.status = 200;
    e.prompt_tokens = answer.prompt_tokens;
    e.estimated = answer.estimated;
    e.model_answered = json_string_value(json_object_get(answer.response.get(), "model"))
                           ? json_string_value(json_object_get(answer.response.get(), "model"))
                           : "";
    deps.metrics.tokens(e.provider, e.prompt_tokens, 0);
    o.response = http::Response::json(200, answer.response.get());
    return o;
}

}  // namespace llmapi::relay
