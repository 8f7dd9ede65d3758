// The one Bearer check every protected endpoint uses: simplejwt's
// JWTAuthentication (header, token, user active). Failures come back as
// values; the API layer renders them (with simplejwt's exact 401 bodies).
#pragma once
#include <optional>
#include <string>

#include "auth/jwt.h"
#include "auth/user_cache.h"
#include "common/expiring_cache.h"
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
    } kind = NotProvided;
    std::string message;  // simplejwt's wording of an InvalidToken
};

struct AuthResult {
    std::optional<db::User> user;  // set on success
    AuthFailure failure;           // why not, otherwise
};

class Authenticator {
public:
    Authenticator(const JwtService& jwt, db::Pool& pool, long user_cache_ms)
        : jwt_(jwt), pool_(pool), users_(user_cache_ms), access_tokens_(10000) {}

    // The active user named by the access token in an Authorization header.
    // Throws only what the database throws.
    AuthResult bearer(const std::string& authorization, long now);

private:
    const JwtService& jwt_;
    db::Pool& pool_;
    UserCache users_;  // user rows, fresh for [auth] user_cache_ms
    // Access tokens that verified, with their claims, until their exp (unix
    // s): a token verifies the same way until then, and libjwt's decode and
    // HMAC cost ~20 µs a request here. Keyed by the whole token string.
    ExpiringCache<std::string, TokenClaims, long> access_tokens_;
};

}  // namespace llmapi::auth
