#include "auth/bearer.h"

#include <vector>

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

AuthResult Authenticator::bearer(const std::string& authorization, long now) {
    const std::vector<std::string> parts = split_ws(authorization);
    // No header, or another scheme: not our credentials (DRF: 401 "not provided").
    if (parts.empty() || parts[0] != "Bearer") return fail(AuthFailure::NotProvided);
    if (parts.size() != 2) return fail(AuthFailure::BadHeader);

    const std::string& token = parts[1];
    std::optional<TokenClaims> claims = access_tokens_.find(token, now);
    if (!claims) {
        const VerifyResult v = jwt_.verify(token, TokenType::Access, now);
        if (!v.ok()) return fail(AuthFailure::InvalidToken, v.message);
        access_tokens_.put(token, v.claims, v.claims.exp, now);
        claims = v.claims;
    }
    if (!claims->has_user_id) return fail(AuthFailure::NoUserId);

    AuthResult r;
    r.user = users_.get(claims->user_id, [&](int64_t id) { return db::find_user_by_id(pool_, id); });
    if (!r.user) return fail(AuthFailure::UserNotFound);
    if (!r.user->is_active) return fail(AuthFailure::UserInactive);
    return r;
}

}  // namespace llmapi::auth
