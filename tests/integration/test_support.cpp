#include "test_support.h"

#include <cppunit/Asserter.h>
#include <cppunit/TestAssert.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace it {
namespace {

std::string excerpt(const std::string& body) {
    return body.size() <= 600 ? body : body.substr(0, 600) + "...";
}

void fail(const std::string& what, const Response& r, const CppUnit::SourceLine& at) {
    CppUnit::Asserter::fail(CppUnit::Message(what, "status " + std::to_string(r.status) +
                                                       ", body: " + excerpt(r.body)),
                            at);
}

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string envOrThrow(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set");
    return v;
}

const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

// ---- assertions ------------------------------------------------------------

void assertStatus(long expected, const Response& r, const CppUnit::SourceLine& at) {
    const char* sec = std::getenv("LLMAPI_TEST_SECRET");
    if (sec && *sec && r.body.find(sec) != std::string::npos)
        fail("the response leaks the JWT secret", r, at);
    for (const char* word : {"SQL", "Exception", "Traceback", "std::", "terminate called"})
        if (r.body.find(word) != std::string::npos)
            fail(std::string("the response leaks internals (\"") + word + "\")", r, at);
    if (r.status == 401 && r.header("WWW-Authenticate") != "Bearer realm=\"api\"")
        fail("401 without `WWW-Authenticate: Bearer realm=\"api\"` (got \"" +
                 r.header("WWW-Authenticate") + "\")",
             r, at);
    if (r.status != expected) fail("expected status " + std::to_string(expected), r, at);
}

void assertJsonEq(const std::string& expectedJson, const std::string& actualBody,
                  const CppUnit::SourceLine& at) {
    JsonPtr expected = parseJson(expectedJson);
    if (!expected) throw std::logic_error("bad expected JSON in the test: " + expectedJson);
    JsonPtr actual = parseJson(actualBody);
    if (!actual || !json_equal(expected.get(), actual.get()))
        CppUnit::Asserter::fail(CppUnit::Message("JSON body differs",
                                                 "expected: " + dumpJson(expected.get()),
                                                 "actual:   " + excerpt(actualBody)),
                                at);
}

void assertResponse(long status, const std::string& expectedJson, const Response& r,
                    const CppUnit::SourceLine& at) {
    assertStatus(status, r, at);
    if (r.header("Content-Type").rfind("application/json", 0) != 0)
        fail("Content-Type is \"" + r.header("Content-Type") + "\", not application/json", r, at);
    assertJsonEq(expectedJson, r.body, at);
}

void assertKeys(const std::set<std::string>& keys, const Response& r,
                const CppUnit::SourceLine& at) {
    JsonPtr body = r.json();
    if (!json_is_object(body.get())) fail("the body is not a JSON object", r, at);
    std::set<std::string> actual;
    const char* key;
    json_t* value;
    json_object_foreach(body.get(), key, value) actual.insert(key);
    if (actual != keys) {
        std::string want;
        for (const auto& k : keys) want += " " + k;
        fail("expected exactly the keys" + want, r, at);
    }
}

void assertFieldErrors(long status, const std::set<std::string>& fields, const Response& r,
                       const CppUnit::SourceLine& at) {
    assertStatus(status, r, at);
    assertKeys(fields, r, at);
    JsonPtr body = r.json();
    for (const auto& f : fields) {
        json_t* list = json_object_get(body.get(), f.c_str());
        if (!json_is_array(list) || json_array_size(list) == 0 ||
            !json_is_string(json_array_get(list, 0)))
            fail("\"" + f + "\" is not a non-empty list of messages", r, at);
    }
}

std::string tokenNotValidBody(const std::string& message) {
    return R"({"detail":"Given token not valid for any token type","code":"token_not_valid",)"
           R"("messages":[{"token_class":"AccessToken","token_type":"access","message":")" +
           message + R"("}]})";
}

std::string refreshErrorBody(const std::string& detail) {
    return R"({"detail":")" + detail + R"(","code":"token_not_valid"})";
}

void assertServing(const CppUnit::SourceLine& at) {
    // Several requests, so that each worker of the pool is likely to be asked.
    for (int i = 0; i < 4; ++i) assertResponse(200, R"({"status":"ok"})", request("GET", "/healthz"), at);
}

// ---- users and tokens ------------------------------------------------------

std::string uniqueName(const std::string& prefix) {
    static std::atomic<int> counter{0};
    return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(std::time(nullptr)) +
           "_" + std::to_string(++counter);
}

std::string signupBody(const User& u) {
    JsonPtr body = jsonObject({{"username", u.username}, {"password", u.password}});
    if (!u.email.empty()) json_object_set_new(body.get(), "email", json_string(u.email.c_str()));
    return dumpJson(body.get());
}

std::string credentialsBody(const std::string& username, const std::string& password) {
    return signupBody({username, password, ""});
}

User createUser(const std::string& email) {
    User u{uniqueName(), "Secure_pwd_123", email};
    ASSERT_RESPONSE(201, R"({"message":"User created successfully"})",
                    postJson("/api/signup/", signupBody(u)));
    return u;
}

TokenPair login(const User& u) {
    Response r = postJson("/api/token/", credentialsBody(u.username, u.password));
    ASSERT_STATUS(200, r);
    ASSERT_KEYS((std::set<std::string>{"access", "refresh"}), r);
    JsonPtr body = r.json();
    return {jsonString(body.get(), "access"), jsonString(body.get(), "refresh")};
}

Response refresh(const std::string& refreshToken) {
    return postJson("/api/token/refresh/", dumpJson(jsonObject({{"refresh", refreshToken}}).get()));
}

Response blacklist(const std::string& refreshToken) {
    return postJson("/api/token/blacklist/", dumpJson(jsonObject({{"refresh", refreshToken}}).get()));
}

std::string base64url(const std::string& raw) {
    std::string out;
    unsigned val = 0;
    int bits = 0;
    for (unsigned char c : raw) {
        val = (val << 8) | c;
        bits += 8;
        while (bits >= 6) out += kB64[(val >> (bits -= 6)) & 0x3f];
    }
    if (bits > 0) out += kB64[(val << (6 - bits)) & 0x3f];
    return out;
}

std::string base64urlDecode(const std::string& text) {
    std::string out;
    unsigned val = 0;
    int bits = 0;
    for (char c : text) {
        const char* p = std::strchr(kB64, c);
        if (!p || !c) break;  // '=' padding or junk ends the data
        val = (val << 6) | static_cast<unsigned>(p - kB64);
        bits += 6;
        if (bits >= 8) out += static_cast<char>((val >> (bits -= 8)) & 0xff);
    }
    return out;
}

JsonPtr tokenPart(const std::string& token, int index) {
    std::vector<std::string> parts;
    std::stringstream ss(token);
    for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
    if (index >= static_cast<int>(parts.size())) return nullptr;
    return parseJson(base64urlDecode(parts[index]));
}

json_int_t userIdOf(const std::string& token) {
    return json_integer_value(json_object_get(tokenPart(token, 1).get(), "user_id"));
}

std::string secret() { return envOrThrow("LLMAPI_TEST_SECRET"); }

JsonPtr makeClaims(const std::string& tokenType, json_int_t userId, long expIn) {
    static std::mt19937_64 rng{std::random_device{}()};
    char jti[33];
    std::snprintf(jti, sizeof jti, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    json_int_t now = std::time(nullptr);
    return JsonPtr(json_pack("{s:s, s:I, s:I, s:s, s:I}", "token_type", tokenType.c_str(), "exp",
                             now + expIn, "iat", now, "jti", jti, "user_id", userId));
}

std::string forgeToken(const json_t* claims, jwt_alg_t alg, const std::string& key) {
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
    std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
    std::string grants = dumpJson(claims);
    if (jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(key.data()),
                    static_cast<int>(key.size())) != 0 ||
        jwt_add_grants_json(jwt.get(), grants.c_str()) != 0)
        throw std::runtime_error("libjwt refused the claims " + grants);
    std::unique_ptr<char, void (*)(void*)> token(jwt_encode_str(jwt.get()), std::free);
    if (!token) throw std::runtime_error("jwt_encode_str failed");
    return token.get();
}

std::string forgeToken(const json_t* claims) { return forgeToken(claims, JWT_ALG_HS256, secret()); }

std::string unsignedToken(const json_t* claims) {
    return base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(dumpJson(claims)) + ".";
}

// ---- the control script ----------------------------------------------------

std::string ctl(const std::string& args) {
    // Output goes to a file, not a pipe: a daemon the script starts could hold
    // a pipe open forever. `timeout` bounds a stuck script.
    char path[] = "/tmp/llmapi-it-ctl-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    close(fd);
    std::string cmd = "timeout 300 " + shellQuote(envOrThrow("LLMAPI_TEST_CTL")) + " " + args + " </dev/null >" +
                      shellQuote(path);
    int status = std::system(cmd.c_str());
    std::ifstream file(path);
    std::string out((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    unlink(path);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("control script failed (status " + std::to_string(status) + "): " + cmd + "\n" + out);
    return out;
}

std::string sql(const std::string& statement) { return ctl("sql " + shellQuote(statement)); }

std::string sqlQuote(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

void setActive(const std::string& username, bool active) {
    sql(std::string("UPDATE users SET is_active=") + (active ? "1" : "0") +
        " WHERE username=" + sqlQuote(username));
    awaitUserCache();
}

void deleteUser(const std::string& username) {
    sql("DELETE FROM users WHERE username=" + sqlQuote(username));
    awaitUserCache();
}

void awaitUserCache() { std::this_thread::sleep_for(std::chrono::milliseconds(kUserCacheMs + 50)); }

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string l; std::getline(ss, l);)
        if (!l.empty()) out.push_back(l);
    return out;
}

std::set<std::string> workerPids() {
    auto pids = lines(ctl("worker-pids"));
    return {pids.begin(), pids.end()};
}

// ---- providers: the fake upstream server and chat requests -------------------

namespace fake {
namespace {

std::string url(const std::string& path) { return envOrThrow("LLMAPI_TEST_FAKE_URL") + path; }

Response control(const std::string& method, const std::string& path, const std::string& body = "") {
    Response r = requestUrl(method, url(path), body, body.empty() ? std::vector<std::string>{}
                                                                  : std::vector<std::string>{"Content-Type: application/json"});
    if (r.status != 200)
        throw std::runtime_error("fake " + method + " " + path + ": status " + std::to_string(r.status) + ": " + r.body);
    return r;
}

JsonPtr controlJson(const std::string& path) {
    Response r = control("GET", path);
    JsonPtr j = r.json();
    if (!j) throw std::runtime_error("fake GET " + path + ": not JSON: " + r.body);
    return j;
}

}  // namespace

void reset() {
    control("DELETE", "/_control/script");
    control("DELETE", "/_control/requests");
}

void script(const std::string& behaviours) {
    JsonPtr parsed = parseJson(behaviours);
    if (!parsed) throw std::logic_error("bad behaviour JSON in the test: " + behaviours);
    size_t expected = json_is_array(parsed.get()) ? json_array_size(parsed.get()) : 1;
    JsonPtr answer = control("POST", "/_control/script", behaviours).json();
    if (jint(answer.get(), "queued") != static_cast<json_int_t>(expected))
        throw std::runtime_error("the fake did not queue " + behaviours + ": " + dumpJson(answer.get()));
}

JsonPtr requests() { return controlJson("/_control/requests"); }
JsonPtr stats() { return controlJson("/_control/stats"); }
size_t queued() { return json_array_size(controlJson("/_control/script").get()); }

JsonPtr waitForRequests(const std::function<bool(const json_t*)>& done, double seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (;;) {
        JsonPtr list = requests();
        if (done(list.get()) || std::chrono::steady_clock::now() >= deadline) return list;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace fake

const std::vector<std::string>& providerKeys() {
    static const std::vector<std::string> keys{
        "sk-fake-openai-key-0123456789", "fake-gemini-key-0123456789", "sk-fake-flaky-key-0123456789",
        "sk-fake-slow-key-0123456789", "sk-fake-down-key-0123456789"};
    return keys;
}

void assertNoProviderKeys(const std::string& text, const CppUnit::SourceLine& at) {
    for (const auto& key : providerKeys())
        if (text.find(key) != std::string::npos)
            CppUnit::Asserter::fail(CppUnit::Message("a response leaks the provider key " + key, excerpt(text)), at);
    // A key cut short is a leak too (e.g. a message truncated by the gateway).
    for (const auto& key : providerKeys())
        if (text.find(key.substr(0, 16)) != std::string::npos)
            CppUnit::Asserter::fail(CppUnit::Message("a response leaks part of the provider key " + key, excerpt(text)), at);
}

std::string apiToken() {
    static std::mutex mu;
    static std::string token;
    static std::chrono::steady_clock::time_point issued;
    std::lock_guard<std::mutex> lock(mu);
    // Access tokens live 300 s in the test stack: renew well before that.
    if (token.empty() || std::chrono::steady_clock::now() - issued > std::chrono::seconds(200)) {
        token = login(createUser()).access;
        issued = std::chrono::steady_clock::now();
    }
    return token;
}

Response chatPost(const std::string& path, const std::string& body) {
    Response r = postJson(path, body, {"Authorization: Bearer " + apiToken()});
    assertNoProviderKeys(r.body, CPPUNIT_SOURCELINE());
    return r;
}

Response apiGet(const std::string& path) {
    Response r = getWithBearer(path, apiToken());
    assertNoProviderKeys(r.body, CPPUNIT_SOURCELINE());
    return r;
}

StreamResponse chatStream(const std::string& path, const std::string& body, size_t stopAfterEvents, long timeoutS) {
    StreamResponse s = streamRequest("POST", path, body,
                                     {"Content-Type: application/json", "Authorization: Bearer " + apiToken()},
                                     stopAfterEvents, timeoutS);
    assertNoProviderKeys(s.body, CPPUNIT_SOURCELINE());
    return s;
}

const char* const kSeedQuestion = "How is the weather on Venus?";

std::string seedChatBody(const std::string& model, bool stream) {
    // The seed README's body, spacing included.
    return "{\n  \"model\": \"" + model +
           "\",\n  \"messages\": [\n    {\"role\": \"user\", \"content\": \"How is the weather on Venus?\"}\n  ],\n"
           "  \"stream\": " +
           (stream ? "true" : "false") + "\n}";
}

json_t* jpath(const json_t* root, const std::string& path) {
    json_t* cur = const_cast<json_t*>(root);
    size_t pos = 0;
    while (cur && pos < path.size()) {
        if (path[pos] == '.') ++pos;
        if (path[pos] == '[') {
            size_t close = path.find(']', pos);
            if (close == std::string::npos) throw std::logic_error("bad JSON path " + path);
            cur = json_array_get(cur, std::stoul(path.substr(pos + 1, close - pos - 1)));
            pos = close + 1;
        } else {
            size_t end = path.find_first_of(".[", pos);
            if (end == std::string::npos) end = path.size();
            cur = json_object_get(cur, path.substr(pos, end - pos).c_str());
            pos = end;
        }
    }
    return cur;
}

std::string jstr(const json_t* root, const std::string& path) {
    const char* s = json_string_value(jpath(root, path));
    return s ? s : "";
}

json_int_t jint(const json_t* root, const std::string& path) {
    json_t* v = jpath(root, path);
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

size_t jsize(const json_t* root, const std::string& path) {
    json_t* v = jpath(root, path);
    return json_is_array(v) ? json_array_size(v) : json_is_object(v) ? json_object_size(v) : 0;
}

std::string jdump(const json_t* root, const std::string& path) {
    json_t* v = jpath(root, path);
    return v ? dumpJson(v) : "(absent)";
}

std::vector<JsonPtr> streamChunks(const StreamResponse& s) {
    std::vector<JsonPtr> out;
    for (const auto& e : s.events)
        if (e.data != "[DONE]") out.push_back(parseJson(e.data));
    return out;
}

std::string deltaText(const std::vector<JsonPtr>& chunks, json_int_t index) {
    std::string text;
    for (const auto& c : chunks) {
        size_t i;
        json_t* choice;
        json_array_foreach(json_object_get(c.get(), "choices"), i, choice) {
            if (jint(choice, "index") == index) text += jstr(choice, "delta.content");
        }
    }
    return text;
}

JsonPtr assertOpenAiError(long status, const std::string& type, const char* param, const Response& r,
                          const CppUnit::SourceLine& at) {
    assertStatus(status, r, at);
    assertNoProviderKeys(r.body, at);
    if (r.header("Content-Type").rfind("application/json", 0) != 0)
        fail("Content-Type is \"" + r.header("Content-Type") + "\", not application/json", r, at);
    assertKeys({"error"}, r, at);
    JsonPtr body = r.json();
    json_t* err = json_object_get(body.get(), "error");
    std::set<std::string> keys;
    const char* key;
    json_t* value;
    json_object_foreach(err, key, value) keys.insert(key);
    if (keys != std::set<std::string>{"message", "type", "param", "code"})
        fail("\"error\" must have exactly message, type, param and code", r, at);
    if (jstr(err, "message").empty()) fail("the error has no message", r, at);
    if (jstr(err, "type") != type) fail("expected the error type \"" + type + "\"", r, at);
    json_t* p = json_object_get(err, "param");
    if (param ? jstr(err, "param") != param : !json_is_null(p))
        fail(std::string("expected the error param ") + (param ? "\"" + std::string(param) + "\"" : "null"), r, at);
    json_t* code = json_object_get(err, "code");
    if (!json_is_null(code) && !json_is_string(code)) fail("the error code is neither null nor a string", r, at);
    return JsonPtr(json_incref(err));
}

std::vector<JsonPtr> assertChatStream(const StreamResponse& s, const CppUnit::SourceLine& at) {
    Response asResponse;
    asResponse.status = s.status;
    asResponse.body = s.body;
    assertStatus(200, asResponse, at);
    assertNoProviderKeys(s.body, at);
    if (s.headers.find("Content-Type") == s.headers.end() ||
        s.headers.find("Content-Type")->second.rfind("text/event-stream", 0) != 0)
        fail("the stream's Content-Type is not text/event-stream", asResponse, at);
    if (s.events.size() < 2 || s.events.back().data != "[DONE]")
        fail("the stream does not end with data: [DONE]", asResponse, at);
    std::vector<JsonPtr> chunks = streamChunks(s);
    if (chunks.size() + 1 != s.events.size()) fail("[DONE] appears before the end", asResponse, at);
    std::string id;
    for (const auto& c : chunks) {
        if (!json_is_object(c.get()) || jstr(c.get(), "object") != "chat.completion.chunk")
            fail("an event is not a chat.completion.chunk: " + dumpJson(c.get()), asResponse, at);
        if (!json_is_array(jpath(c.get(), "choices")) || !json_is_integer(jpath(c.get(), "created")) ||
            jstr(c.get(), "model").empty())
            fail("a chunk lacks choices, created or model: " + dumpJson(c.get()), asResponse, at);
        if (id.empty()) id = jstr(c.get(), "id");
        if (id.empty() || jstr(c.get(), "id") != id) fail("the chunks do not share one id", asResponse, at);
    }
    return chunks;
}

// ---- waiting, the stack's files and configuration ----------------------------

bool pollUntil(double seconds, const std::function<bool()>& ok) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (;;) {
        try {
            if (ok()) return true;
        } catch (const std::exception&) {
        }
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

std::string stackVar() {
    if (const char* v = std::getenv("LLMAPI_TEST_VAR"); v && *v) return v;
    std::string dir = envOrThrow("LLMAPI_TEST_CTL");  // <root>/tests/integration/stack.sh
    for (int i = 0; i < 3; ++i) {
        const size_t slash = dir.find_last_of('/');
        dir = slash == std::string::npos ? "." : dir.substr(0, slash);
    }
    return (dir.empty() ? "." : dir) + "/var/test";
}

std::string readTextFile(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

void configSet(const std::string& section, const std::string& key, const std::string& value) {
    ctl("config-set " + shellQuote(section) + " " + shellQuote(key) + " " + shellQuote(value));
}

std::set<std::string> reloadWorkers(bool oldGone) {
    const std::set<std::string> before = workerPids();
    ctl("reload");
    std::set<std::string> fresh, all;
    const bool rolled = pollUntil(20, [&] {
        all = workerPids();
        fresh.clear();
        for (const auto& p : all)
            if (!before.count(p)) fresh.insert(p);
        return fresh.size() >= before.size() && (!oldGone || all.size() == fresh.size());
    });
    if (!rolled) {
        std::string now;
        for (const auto& p : all) now += p + " ";
        throw std::runtime_error("the workers did not roll within 20 s after SIGHUP; now: " + now);
    }
    return fresh;
}

std::string joined(const std::vector<long>& numbers) {
    std::string out;
    for (long n : numbers) out += (out.empty() ? "" : " ") + std::to_string(n);
    return out;
}

std::vector<JsonPtr> jsonLines(const std::string& text) {
    std::vector<JsonPtr> out;
    for (const auto& l : lines(text)) out.push_back(parseJson(l));
    return out;
}

bool waitHealthy(double seconds) {
    return pollUntil(seconds, [] { return request("GET", "/healthz").status == 200; });
}

DatabaseOutage::DatabaseOutage() { ctl("db-stop"); }

DatabaseOutage::~DatabaseOutage() {
    try {
        end();
    } catch (const std::exception&) {
    }
}

void DatabaseOutage::end() {
    if (ended_) return;
    ended_ = true;
    ctl("db-start");
    if (!waitHealthy()) throw std::runtime_error("/healthz is not 200 within 15 s after db-start");
}

ScopedConfig::ScopedConfig(std::string section, std::string key, const std::string& value, std::string restoreTo,
                           bool oldGone)
    : section_(std::move(section)), key_(std::move(key)), restoreTo_(std::move(restoreTo)) {
    configSet(section_, key_, value);
    try {
        reloadWorkers(oldGone);
    } catch (...) {
        configSet(section_, key_, restoreTo_);
        throw;
    }
}

ScopedConfig::~ScopedConfig() {
    try {
        configSet(section_, key_, restoreTo_);
        reloadWorkers(true);
    } catch (const std::exception&) {
    }
}

Account createAccount() {
    Account a;
    a.user = createUser();
    a.token = login(a.user).access;
    a.id = userIdOf(a.token);
    return a;
}

}  // namespace it
