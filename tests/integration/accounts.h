// Users and their tokens: sign-up, login, refresh and blacklist calls, the
// tokens' parts, and forged JWTs (signed with libjwt, or unsigned).
#pragma once

#include <jwt.h>

#include <string>

#include "http_client.h"

namespace it {

struct User {
    std::string username;
    std::string password;
    std::string email;
};
struct TokenPair {
    std::string access;
    std::string refresh;
};

// "<prefix>_<pid>_<time>_<n>": unique across runs against a persistent database.
std::string uniqueName(const std::string& prefix = "it");
std::string signupBody(const User& u);  // {"username","password"[,"email"]}
std::string credentialsBody(const std::string& username, const std::string& password);
User createUser(const std::string& email = "");       // signs up, asserts 201
TokenPair login(const User& u);                       // POST /api/token/, asserts 200
Response refresh(const std::string& refreshToken);    // POST /api/token/refresh/
Response blacklist(const std::string& refreshToken);  // POST /api/token/blacklist/

// A new user with an access token and its id.
struct Account {
    User user;
    std::string token;
    json_int_t id = 0;
    std::string auth() const { return "Authorization: Bearer " + token; }
};
Account createAccount();

// Expected 401 bodies of the bearer authentication (simplejwt 5.5 wording).
std::string tokenNotValidBody(const std::string& message);  // /api/me, "messages" list
std::string refreshErrorBody(const std::string& detail);    // token_not_valid on /api/token/*

// ---- changes behind the service's back -------------------------------------

// Both wait out the workers' user cache (awaitUserCache) after the change.
void setActive(const std::string& username, bool active);
void deleteUser(const std::string& username);
// [auth] user_cache_ms in app-test.ini (200 ms): each worker's Bearer check
// sees a change to a user's row after at most this long.
constexpr int kUserCacheMs = 200;
// Sleeps past kUserCacheMs, after changing a user's row behind the service's back:
// a wait for the clock, as no request can tell that every worker's copy has expired.
void awaitUserCache();

// ---- tokens, decoded and forged --------------------------------------------

// Token parts, decoded: 0 = header, 1 = claims.
JsonPtr tokenPart(const std::string& token, int index);
json_int_t userIdOf(const std::string& token);

std::string base64url(const std::string& raw);
std::string base64urlDecode(const std::string& text);

// The stack's JWT secret (LLMAPI_TEST_SECRET).
std::string secret();
// Claims as the service issues them: token_type, exp (now + expIn), iat, jti, user_id.
JsonPtr makeClaims(const std::string& tokenType, json_int_t userId, long expIn);
// Signed with libjwt (HS256/384/512).
std::string forgeToken(const json_t* claims, jwt_alg_t alg, const std::string& key);
std::string forgeToken(const json_t* claims);  // HS256, the stack's secret
// {"alg":"none"} header, empty signature.
std::string unsignedToken(const json_t* claims);

}  // namespace it
