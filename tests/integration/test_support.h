// Shared helpers of the integration fixtures: response assertions, users and
// tokens, forged JWTs, and the stack's control script (LLMAPI_TEST_CTL).
#pragma once

#include <cppunit/SourceLine.h>
#include <jwt.h>

#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "http_client.h"

namespace it {

// ---- assertions (use the macros: they add file and line) ------------------

// Checks the status and the rules every response keeps: nothing leaked
// (JWT secret, "SQL", "Exception", stack traces) and, on 401,
// `WWW-Authenticate: Bearer realm="api"`.
void assertStatus(long expected, const Response& r, const CppUnit::SourceLine& at);
// Compares parsed JSON (key order and spacing do not matter).
void assertJsonEq(const std::string& expectedJson, const std::string& actualBody,
                  const CppUnit::SourceLine& at);
// assertStatus + JSON Content-Type + assertJsonEq.
void assertResponse(long status, const std::string& expectedJson, const Response& r,
                    const CppUnit::SourceLine& at);
// A DRF validation error: the body is an object whose keys are exactly `fields`,
// each a non-empty list of strings.
void assertFieldErrors(long status, const std::set<std::string>& fields, const Response& r,
                       const CppUnit::SourceLine& at);
// The body is a JSON object with exactly these keys.
void assertKeys(const std::set<std::string>& keys, const Response& r,
                const CppUnit::SourceLine& at);

#define ASSERT_STATUS(status, resp) ::it::assertStatus((status), (resp), CPPUNIT_SOURCELINE())
#define ASSERT_JSON_EQ(expected, body) ::it::assertJsonEq((expected), (body), CPPUNIT_SOURCELINE())
#define ASSERT_RESPONSE(status, expected, resp) \
    ::it::assertResponse((status), (expected), (resp), CPPUNIT_SOURCELINE())
#define ASSERT_FIELD_ERRORS(status, fields, resp) \
    ::it::assertFieldErrors((status), (fields), (resp), CPPUNIT_SOURCELINE())
#define ASSERT_KEYS(keys, resp) ::it::assertKeys((keys), (resp), CPPUNIT_SOURCELINE())

// Expected 401 bodies of the bearer authentication (simplejwt 5.5 wording).
std::string tokenNotValidBody(const std::string& message);  // /api/me, "messages" list
std::string refreshErrorBody(const std::string& detail);    // token_not_valid on /api/token/*

// The server still answers (GET /healthz is 200) after a hostile request.
void assertServing(const CppUnit::SourceLine& at);
#define ASSERT_SERVING() ::it::assertServing(CPPUNIT_SOURCELINE())

// ---- users and tokens ----------------------------------------------------

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
User createUser(const std::string& email = "");  // signs up, asserts 201
TokenPair login(const User& u);                  // POST /api/token/, asserts 200
Response refresh(const std::string& refreshToken);    // POST /api/token/refresh/
Response blacklist(const std::string& refreshToken);  // POST /api/token/blacklist/

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

// ---- the control script --------------------------------------------------

// Runs `$LLMAPI_TEST_CTL <args>` and returns its stdout; throws on a non-zero exit.
std::string ctl(const std::string& args);
std::string sql(const std::string& statement);
std::string sqlQuote(const std::string& value);  // 'value', escaped
void setActive(const std::string& username, bool active);
void deleteUser(const std::string& username);
std::vector<std::string> lines(const std::string& text);  // non-empty lines
std::set<std::string> workerPids();

}  // namespace it
