// Shared helpers of the integration fixtures: response assertions, users and
// tokens, forged JWTs, and the stack's control script (LLMAPI_TEST_CTL).
#pragma once

#include <cppunit/SourceLine.h>
#include <jwt.h>

#include <functional>
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
// Both wait out the workers' user cache (awaitUserCache) after the change.
void setActive(const std::string& username, bool active);
void deleteUser(const std::string& username);
// [auth] user_cache_ms in app-test.ini (200 ms): each worker's Bearer check
// sees a change to a user's row after at most this long.
constexpr int kUserCacheMs = 200;
// Sleeps past kUserCacheMs, after changing a user's row behind the service's back.
void awaitUserCache();
std::vector<std::string> lines(const std::string& text);  // non-empty lines
std::set<std::string> workerPids();

// ---- providers: the fake upstream server and chat requests ------------------

// The control API of the fake providers (tests/fakes/control.cpp) at
// LLMAPI_TEST_FAKE_URL: a queue of scripted behaviours and the recorded requests.
namespace fake {
void reset();                                // clears the behaviour queue and the recorded requests
void script(const std::string& behaviours);  // appends behaviours (a JSON array or one object)
JsonPtr requests();                          // the recorded API requests, oldest first
JsonPtr stats();                             // {"recorded","in_flight","max_in_flight",...}
size_t queued();                             // behaviours not consumed yet
// Polls requests() until `done(list)` holds or `seconds` pass; returns the last list.
JsonPtr waitForRequests(const std::function<bool(const json_t*)>& done, double seconds);
}  // namespace fake

// The api_key values of tests/integration/app-test.ini: no response may contain one.
const std::vector<std::string>& providerKeys();
void assertNoProviderKeys(const std::string& text, const CppUnit::SourceLine& at);
#define ASSERT_NO_PROVIDER_KEYS(text) ::it::assertNoProviderKeys((text), CPPUNIT_SOURCELINE())

// An access token of a user created on first use (renewed before it expires).
std::string apiToken();
// Authenticated requests with apiToken(); every body is checked for provider keys.
Response chatPost(const std::string& path, const std::string& body);
Response apiGet(const std::string& path);
// The POST read as an event stream; stopAfterEvents > 0: hang up after that many events.
StreamResponse chatStream(const std::string& path, const std::string& body, size_t stopAfterEvents = 0,
                          long timeoutS = 60);

// The seed README's chat request, verbatim but for the model and `stream`.
std::string seedChatBody(const std::string& model, bool stream = false);
extern const char* const kSeedQuestion;  // "How is the weather on Venus?"

// JSON by path, e.g. "choices[0].message.content"; null when absent.
json_t* jpath(const json_t* root, const std::string& path);
std::string jstr(const json_t* root, const std::string& path);    // "" unless a string
json_int_t jint(const json_t* root, const std::string& path);     // -1 unless an integer
size_t jsize(const json_t* root, const std::string& path);        // array/object size, 0 otherwise
std::string jdump(const json_t* root, const std::string& path);   // compact, sorted keys

// The events of a stream but "[DONE]", parsed (null for an event that is not JSON).
std::vector<JsonPtr> streamChunks(const StreamResponse& s);
// The concatenated delta.content of choice `index`.
std::string deltaText(const std::vector<JsonPtr>& chunks, json_int_t index = 0);

// An OpenAI error: that status, a JSON Content-Type, exactly
// {"error":{"message","type","param","code"}} with a non-empty message, that
// type and param (nullptr: null). Returns the "error" object.
JsonPtr assertOpenAiError(long status, const std::string& type, const char* param, const Response& r,
                          const CppUnit::SourceLine& at);
#define ASSERT_OPENAI_ERROR(status, type, param, resp) \
    ::it::assertOpenAiError((status), (type), (param), (resp), CPPUNIT_SOURCELINE())

// A well-formed chat stream: 200, text/event-stream, chat.completion.chunk
// events sharing one id, ending with a single `data: [DONE]`. Returns the chunks.
std::vector<JsonPtr> assertChatStream(const StreamResponse& s, const CppUnit::SourceLine& at);
#define ASSERT_CHAT_STREAM(stream) ::it::assertChatStream((stream), CPPUNIT_SOURCELINE())

// ---- waiting, the stack's files and configuration ----------------------------

// Polls `ok` every 100 ms until it holds or `seconds` pass; an exception counts
// as "not yet". Returns whether it held.
bool pollUntil(double seconds, const std::function<bool()>& ok);

// The stack's state directory as stack.sh computes it: $LLMAPI_TEST_VAR, else
// var/test in the tree of $LLMAPI_TEST_CTL (spool/, log/access.log, second/ ...).
std::string stackVar();
std::string readTextFile(const std::string& path);  // "" when it does not exist

// `stack.sh config-set SECTION KEY VALUE` (the stack's own copy of app.ini).
void configSet(const std::string& section, const std::string& key, const std::string& value);
// SIGHUP, then waits (20 s at most, else throws) until a full new set of
// workers runs and, with `oldGone`, every old one has exited. Returns the new pids.
std::set<std::string> reloadWorkers(bool oldGone = true);

// "200 200 429": statuses (or any numbers) compared as text, so a failed assertion shows them.
std::string joined(const std::vector<long>& numbers);

// Each line of `text` parsed as JSON (null for a line that is not).
std::vector<JsonPtr> jsonLines(const std::string& text);

// GET /healthz answers 200 within `seconds`.
bool waitHealthy(double seconds = 15);

// `stack.sh db-stop` now; `end()` (or the destructor, on a failed assertion)
// runs db-start and waits until /healthz answers 200 again.
class DatabaseOutage {
public:
    DatabaseOutage();
    ~DatabaseOutage();
    void end();
    DatabaseOutage(const DatabaseOutage&) = delete;
    DatabaseOutage& operator=(const DatabaseOutage&) = delete;

private:
    bool ended_ = false;
};

// A configuration change for the duration of a scope: config-set + reload,
// then `restoreTo` + reload when it ends (reloadWorkers waits both times).
class ScopedConfig {
public:
    ScopedConfig(std::string section, std::string key, const std::string& value, std::string restoreTo,
                 bool oldGone = true);
    ~ScopedConfig();
    ScopedConfig(const ScopedConfig&) = delete;
    ScopedConfig& operator=(const ScopedConfig&) = delete;

private:
    std::string section_, key_, restoreTo_;
};

// A new user with an access token and its id.
struct Account {
    User user;
    std::string token;
    json_int_t id = 0;
    std::string auth() const { return "Authorization: Bearer " + token; }
};
Account createAccount();

}  // namespace it
