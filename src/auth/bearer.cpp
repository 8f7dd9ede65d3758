#include "auth/bearer.h"

#include <vector>

#include "auth/api_key.h"

namespace llmapi::auth {

namespace {

std::vector<std::string> split_ws(const std::string& s) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
        if (j > i) parts.push_back(s.substr(i, j - i));
        i = j;
    }
    return parts;
}

AuthResult fail(AuthFailure::Kind kind, std::string message = "") {
    AuthResult r;
    r.failure = AuthFailure{kind, std::move(message)};
    return r;
}

}  // namespace

AuthResult Authenticator::authenticate(const std::string& authorization, const std::string& x_api_key, long now,
                                       bool keys_allowed) {
    const std::vector<std::string> parts = split_ws(authorization);
    if (parts.empty() || parts[0] != "Bearer") {
        // No header, or another scheme: not our credentials (DRF: 401 "not
        // provided"), unless the key came in x-api-key.
        if (!x_api_key.empty()) return api_key(x_api_key, now, keys_allowed);
        return fail(AuthFailure::NotProvided);
    }
    if (parts.size() != 2) return fail(AuthFailure::BadHeader);
    if (looks_like_api_key(parts[1])) return api_key(parts[1], now, keys_allowed);
    return access_token(parts[1], now);
}

AuthResult Authenticator::access_token(const std::string& token, long now) {
    std::optional<TokenClaims> claims = access_tokens_.find(token, now);
    if (!claims) {
        const VerifyResult v = jwt_.verify(token, TokenType::Access, now);
        if (!v.ok()) return fail(AuthFailure::InvalidToken, v.message);
        access_tokens_.put(token, v.claims, v.claims.exp, now);
        claims = v.claims;
    }
    if (!claims->has_user_id) return fail(AuthFailure::NoUserId);
    return active_user(claims->user_id);
}

AuthResult Authenticator::api_key(const std::string& key, long now, bool keys_allowed) {
    if (!keys_allowed) return fail(AuthFailure::KeyNotAccepted);
    if (!well_formed_api_key(key)) return fail(AuthFailure::InvalidApiKey);  // no lookup for junk
    std::optional<db::ApiKey> k =
        keys_.get(hash_api_key(key), [&](const std::string& hash) { return db::find_api_key_by_hash(pool_, hash); });
    if (!k || k->revoked()) return fail(AuthFailure::InvalidApiKey);
    if (k->expired(now)) return fail(AuthFailure::ExpiredApiKey);
    AuthResult r = active_user(k->user_id);
    if (r.user) r.key = std::move(k);
    return r;
}

AuthResult Authenticator::active_user(int64_t id) {
    AuthResult r;
    r.user = users_.get(id, [&](int64_t uid) { return db::find_user_by_id(pool_, uid); });
    if (!r.user) return fail(AuthFailure::UserNotFound);
    if (!r.user->is_active) return fail(AuthFailure::UserInactive);
    return r;
}

}  // namespace llmapi::auth
