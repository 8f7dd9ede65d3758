// The one credential check every protected endpoint uses: simplejwt's
// JWTAuthentication (header, token, user active), or one of the user's API
// keys (API.md section 8) where the route takes them. Failures come back as
// values; the API layer renders them (simplejwt's 401 bodies on /api/, OpenAI's
// error shape on /v1/).
#pragma once
#include <optional>
#include <string>

#include "auth/jwt.h"
#include "auth/user_cache.h"
#include "common/expiring_cache.h"
#include "db/api_keys.h"
#include "db/users.h"

namespace llmapi::auth {

struct AuthFailure {
    enum Kind {
        NotProvided,   // no header, or another scheme
        BadHeader,     // "Bearer" with other than one value
        InvalidToken,  // signature, expiry or type: `message` says which
        NoUserId,      // a valid token without user_id
        UserNotFound,
        UserInactive,
        InvalidApiKey,  // malformed, unknown or revoked
        ExpiredApiKey,
        KeyNotAccepted,  // an API key on a route that takes access tokens only (403)
    } kind = NotProvided;
    std::string message;  // simplejwt's wording of an InvalidToken
};

struct AuthResult {
    std::optional<db::User> user;  // set on success
    std::optional<db::ApiKey> key;  // and the key it came with, if one did
    AuthFailure failure;            // why not, otherwise
};

class Authenticator {
public:
    Authenticator(const JwtService& jwt, db::Pool& pool, long user_cache_ms)
        : jwt_(jwt), pool_(pool), users_(user_cache_ms), keys_(user_cache_ms, 100000, true), access_tokens_(10000) {}

    // The active user named by the credentials: "Authorization: Bearer
    // <access token>", or an API key as "Authorization: Bearer sk-llm-…" or
    // "x-api-key: sk-llm-…" (Authorization wins when it says Bearer). With
    // keys_allowed false, a key is refused (KeyNotAccepted) before it is
    // looked up. Throws only what the database throws.
    AuthResult authenticate(const std::string& authorization, const std::string& x_api_key, long now,
                            bool keys_allowed);

private:
    AuthResult access_token(const std::string& token, long now);
    AuthResult api_key(const std::string& key, long now, bool keys_allowed);
    // The active user of a user id, or the failure.
    AuthResult active_user(int64_t id);

    const JwtService& jwt_;
    db::Pool& pool_;
    UserCache users_;  // user rows, fresh for [auth] user_cache_ms
    KeyCache keys_;    // API key rows by hash, the same
    // Access tokens that verified, with their claims, until their exp (unix
    // s): a token verifies the same way until then, and libjwt's decode and
    // HMAC cost ~20 µs a request here. Keyed by the whole token string.
    ExpiringCache<std::string, TokenClaims, long> access_tokens_;
};

}  // namespace llmapi::auth
