#include "auth/authenticate.h"

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

http::HttpError invalid_access_token(const std::string& message) {
    JsonPtr body(json_object());
    json_object_set_new(body.get(), "detail", json_string("Given token not valid for any token type"));
    json_object_set_new(body.get(), "code", json_string("token_not_valid"));
    json_t* m = json_object();
    json_object_set_new(m, "token_class", json_string("AccessToken"));
    json_object_set_new(m, "token_type", json_string("access"));
    json_object_set_new(m, "message", json_string(message.c_str()));
    json_t* messages = json_array();
    json_array_append_new(messages, m);
    json_object_set_new(body.get(), "messages", messages);
    return unauthorized(std::move(body));
}

}  // namespace

http::HttpError unauthorized(JsonPtr body) {
    http::HttpError e(401, std::move(body));
    e.header("WWW-Authenticate", "Bearer realm=\"api\"");
    return e;
}

http::HttpError unauthorized(const std::string& detail, const char* code) {
    JsonPtr body = json_obj1("detail", detail);
    if (code) json_object_set_new(body.get(), "code", json_string(code));
    return unauthorized(std::move(body));
}

db::User authenticate_bearer(app::Services& services, const http::Request& req, long now) {
    const std::vector<std::string> parts = split_ws(req.authorization);
    // No header, or another scheme: not our credentials (DRF: 401 "not provided").
    if (parts.empty() || parts[0] != "Bearer")
        throw unauthorized(json_obj1("detail", "Authentication credentials were not provided."));
    if (parts.size() != 2)
        throw unauthorized("Authorization header must contain two space-delimited values", "bad_authorization_header");

    const std::string& token = parts[1];
    std::optional<TokenClaims> claims = services.access_tokens.find(token, now);
    if (!claims) {
        const VerifyResult v = services.jwt.verify(token, TokenType::Access, now);
        if (!v.ok()) throw invalid_access_token(v.message);
        services.access_tokens.put(token, v.claims, v.claims.exp, now);
        claims = v.claims;
    }
    if (!claims->has_user_id) throw unauthorized("Token contained no recognizable user identification", "token_not_valid");

    std::optional<db::User> user =
        services.users.get(claims->user_id, [&](int64_t id) { return db::find_user_by_id(services.pool, id); });
    if (!user) throw unauthorized("User not found", "user_not_found");
    if (!user->is_active) throw unauthorized("User is inactive", "user_inactive");
    return *user;
}

}  // namespace llmapi::auth
