#include "api/routes.h"

#include <map>
#include <stdexcept>

#include "api/handlers/handlers.h"

namespace llmapi::api {

RouteTable make_routes() {
    using C = Credentials;
    using L = RateLimit;
    using E = ErrorStyle;
    constexpr bool kSeat = true;      // holds a chat seat
    constexpr bool kPriority = true;  // served on the priority socket too
    RouteTable t;
    // method, path, handler, {credentials, rate limit, error style, loopback only, holds a seat, priority lane}
    t.add("GET", "/", handlers::welcome);
    t.add("GET", "/api/", handlers::welcome);
    t.add("GET", "/healthz", handlers::healthz, {C::None, L::None, E::Drf, false, false, kPriority});
    // nginx allows loopback only, too
    t.add("GET", "/metrics", handlers::metrics, {C::None, L::None, E::Drf, true, false, kPriority});
    t.add("POST", "/api/signup/", handlers::signup);
    t.add("POST", "/api/token/", handlers::token_obtain);
    t.add("POST", "/api/token/refresh/", handlers::token_refresh);
    t.add("POST", "/api/token/blacklist/", handlers::token_blacklist);
    t.add("GET", "/api/me/", handlers::me, {C::AccessTokenOrKey, L::None, E::Drf});
    t.add("GET", "/api/usage/", handlers::usage, {C::AccessTokenOrKey, L::None, E::Drf});
    // API keys are managed with an access token only: a key cannot mint keys.
    t.add("GET", "/api/keys/", handlers::keys_list, {C::AccessToken, L::None, E::Drf});
    t.add("POST", "/api/keys/", handlers::keys_create, {C::AccessToken, L::None, E::Drf});
    t.add("GET", "/api/keys/{id}/", handlers::keys_get, {C::AccessToken, L::None, E::Drf});
    t.add("DELETE", "/api/keys/{id}/", handlers::keys_revoke, {C::AccessToken, L::None, E::Drf});
    t.add("GET", "/api/supported-models/", handlers::supported_models,
          {C::AccessTokenOrKey, L::Requests, E::OpenAIButDrf401});
    t.add("POST", "/api/chat/completions/", handlers::chat_completions,
          {C::AccessTokenOrKey, L::RequestsAndTokens, E::OpenAIButDrf401, false, kSeat});
    // OpenAI-compatible aliases: the official SDKs work with base_url=…/v1.
    t.add("GET", "/v1/models", handlers::v1_models, {C::AccessTokenOrKey, L::Requests, E::OpenAI});
    t.add("POST", "/v1/chat/completions", handlers::chat_completions,
          {C::AccessTokenOrKey, L::RequestsAndTokens, E::OpenAI, false, kSeat});
    // Embeddings are upstream calls like chats: a seat each, the same limits.
    t.add("POST", "/v1/embeddings", handlers::embeddings,
          {C::AccessTokenOrKey, L::RequestsAndTokens, E::OpenAI, false, kSeat});
    t.add("POST", "/api/embeddings/", handlers::embeddings,
          {C::AccessTokenOrKey, L::RequestsAndTokens, E::OpenAIButDrf401, false, kSeat});

    std::map<std::string, Credentials> by_path;
    for (const auto& r : t.routes()) {
        auto [it, fresh] = by_path.emplace(r.path, r.policy.credentials);
        if (!fresh && it->second != r.policy.credentials)
            throw std::logic_error("routes on " + r.path + " differ in credentials");
    }
    return t;
}

}  // namespace llmapi::api
