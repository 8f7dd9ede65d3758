// The routing table: every endpoint with its policy. The wrapper (app.cpp)
// applies the policy before the handler runs: handlers never authenticate,
// never call a limiter and never choose an error shape for those.
#pragma once
#include "api/context.h"
#include "api/router.h"

namespace llmapi::api {

// Which credentials a route takes.
enum class Credentials {
    None,
    AccessToken,       // a JWT access token only (an API key: 403; keys cannot manage keys)
    AccessTokenOrKey,  // a JWT access token, or one of the user's API keys
};
// What a request counts against, before its handler runs.
enum class RateLimit {
    None,
    Requests,           // requests_per_minute
    RequestsAndTokens,  // requests_per_minute, then the tokens_per_day quota
};
// The shape of the errors the wrapper makes (auth, 405, 413, 429, 5xx):
// the seed's account endpoints answer as DRF does; the provider endpoints
// as OpenAI does, so SDKs raise the right exception, except that the seed's
// own /api/ provider paths keep DRF's 401 bodies (API.md sections 1 and 8).
enum class ErrorStyle {
    Drf,             // DRF's bodies for everything
    OpenAIButDrf401,  // DRF's 401 bodies, OpenAI's shape for the rest
    OpenAI,          // OpenAI's shape for everything, 401 and 403 included (/v1/)
};

struct RoutePolicy {
    Credentials credentials = Credentials::None;
    RateLimit limit = RateLimit::None;
    ErrorStyle errors = ErrorStyle::Drf;
    // Only for clients on this host (REMOTE_ADDR loopback), whatever the web
    // server's own rules say: a second line of defence for /metrics.
    bool loopback_only = false;
    // A chat: holds one of the host's seats ([server] max_streams per
    // worker, the user's max_concurrent_requests) while it runs; none free
    // is an immediate 503 or 429, never a queue.
    bool holds_seat = false;
    // Also served on the priority socket, whose threads run at SCHED_FIFO
    // so that a health check answers while chats take every CPU: only what
    // is cheap and bounded. Any other route there is a 404.
    bool priority_lane = false;
};

using RouteTable = Router<Handler, RoutePolicy>;

// The service's routes. Routes sharing a path share their credentials
// (checked here: DRF authenticates before it looks at the method).
RouteTable make_routes();

}  // namespace llmapi::api
