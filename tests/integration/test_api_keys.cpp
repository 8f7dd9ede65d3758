// Personal API keys through the whole stack (API.md section 8): the
// /api/keys/ endpoints and their validation, keys accepted in both headers on
// every protected route and refused on /api/keys/ itself, revocation, expiry
// and deactivation seen by every worker within [auth] user_cache_ms, the
// keys' provider and model lists, their own limits, usage by key,
// last_used_at, OpenAI-shaped refusals on /v1/, and a sweep proving the key
// shows up nowhere but in the answer that created it.
#include <cppunit/extensions/HelperMacros.h>
#include <openssl/evp.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <regex>
#include <thread>

#include "accounts.h"
#include "assertions.h"
#include "chat.h"
#include "fake_client.h"
#include "json_path.h"
#include "stack.h"
#include "text.h"
#include "wait.h"

using namespace it;

namespace {

std::string str(json_int_t v) { return std::to_string(v); }

constexpr int kMaxKeys = 5;  // [auth] max_keys_per_user in app-test.ini

Response createKey(const Account& a, const std::string& body) {
    return postJson("/api/keys/", body, {a.auth()});
}

// A key made for the account, asserting 201; returns the answer.
JsonPtr newKey(const Account& a, const std::string& body = "") {
    const std::string b = body.empty() ? "{\"name\":\"" + uniqueName("k") + "\"}" : body;
    Response r = createKey(a, b);
    ASSERT_STATUS(201, r);
    return r.json();
}

std::string keyOf(const json_t* created) { return jstr(created, "key"); }
std::string bearer(const std::string& key) { return "Authorization: Bearer " + key; }
std::string xApiKey(const std::string& key) { return "x-api-key: " + key; }

std::string sha256Hex(const std::string& s) {
    unsigned char d[32];
    unsigned int n = 0;
    EVP_Digest(s.data(), s.size(), d, &n, EVP_sha256(), nullptr);
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned i = 0; i < n; ++i) {
        out += hex[d[i] >> 4];
        out += hex[d[i] & 15];
    }
    return out;
}

Response getAs(const std::string& path, const std::string& header) { return request("GET", path, "", {header}); }
Response chatWith(const std::string& path, const std::string& body, const std::string& header) {
    return postJson(path, body, {header});
}

std::string chatBody(const std::string& model, bool stream = false) {
    return std::string("{\"model\":\"") + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello key\"}]" +
           (stream ? ",\"stream\":true" : "") + "}";
}

// The ids of a /v1/models answer, in order, comma-joined.
std::string modelIds(const Response& r) {
    JsonPtr j = r.json();
    std::string out;
    size_t i;
    json_t* m;
    json_array_foreach(json_object_get(j.get(), "data"), i, m) out += (out.empty() ? "" : ",") + jstr(m, "id");
    return out;
}

long usageRowsOfKey(json_int_t keyId) {
    return std::stol(lines(sql("SELECT COUNT(*) FROM usage_events WHERE api_key_id = " + str(keyId)))[0]);
}

void awaitKeyCache() { awaitUserCache(); }  // keys share [auth] user_cache_ms

// 403 in OpenAI's shape, code model_not_allowed (param "model" or null).
void assertNotAllowed(const Response& r) {
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 403L, r.status);
    JsonPtr j = r.json();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, size_t{4}, jsize(j.get(), "error"));
    CPPUNIT_ASSERT_EQUAL(std::string("model_not_allowed"), jstr(j.get(), "error.code"));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_request_error"), jstr(j.get(), "error.type"));
    CPPUNIT_ASSERT(!jstr(j.get(), "error.message").empty());
}

}  // namespace

class ApiKeysTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ApiKeysTest);
    CPPUNIT_TEST(testCreateShowsTheKeyOnce);
    CPPUNIT_TEST(testCreateWithEveryField);
    CPPUNIT_TEST(testValidationErrors);
    CPPUNIT_TEST(testNameUniqueAmongLiveKeys);
    CPPUNIT_TEST(testLiveKeyLimit);
    CPPUNIT_TEST(testGetListAndOtherUsersKeys);
    CPPUNIT_TEST(testRevokeIsIdempotent);
    CPPUNIT_TEST(testKeysCannotManageKeys);
    CPPUNIT_TEST(testBothHeadersOnEveryProtectedRoute);
    CPPUNIT_TEST(testBadKeysRefusedInEachShape);
    CPPUNIT_TEST(testRevocationSeenByEveryWorker);
    CPPUNIT_TEST(testExpiry);
    CPPUNIT_TEST(testDeactivatedUsersKeys);
    CPPUNIT_TEST(testProviderAndModelLists);
    CPPUNIT_TEST(testKeyRateLimit);
    CPPUNIT_TEST(testKeyTokenQuotaRefusesTheNextRequest);
    CPPUNIT_TEST(testUsageByKey);
    CPPUNIT_TEST(testLastUsedAtWithoutAWritePerRequest);
    CPPUNIT_TEST(testKeyNeverLeaks);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { fake::reset(); }

    void testCreateShowsTheKeyOnce() {
        Account a = createAccount();
        Response r = createKey(a, R"({"name":"laptop"})");
        ASSERT_STATUS(201, r);
        ASSERT_KEYS((std::set<std::string>{"id", "name", "key", "prefix", "created_at", "expires_at", "last_used_at",
                                           "providers", "models", "requests_per_minute", "tokens_per_day"}),
                    r);
        JsonPtr k = r.json();
        const std::string key = keyOf(k.get());
        CPPUNIT_ASSERT_MESSAGE(key, std::regex_match(key, std::regex("sk-llm-[A-Za-z0-9_-]{43}")));
        CPPUNIT_ASSERT_EQUAL(key.substr(0, 12), jstr(k.get(), "prefix"));
        CPPUNIT_ASSERT_EQUAL(std::string("laptop"), jstr(k.get(), "name"));
        CPPUNIT_ASSERT(jint(k.get(), "id") > 0);
        for (const char* f : {"expires_at", "last_used_at", "providers", "models", "requests_per_minute",
                              "tokens_per_day"})
            CPPUNIT_ASSERT_MESSAGE(f, json_is_null(json_object_get(k.get(), f)));
        CPPUNIT_ASSERT_MESSAGE(jstr(k.get(), "created_at"),
                               std::regex_match(jstr(k.get(), "created_at"),
                                                std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")));
        // Two keys differ.
        CPPUNIT_ASSERT(key != keyOf(newKey(a).get()));
        // Never again: not in the list, not in the key's own answer.
        Response list = getWithBearer("/api/keys/", a.token);
        ASSERT_STATUS(200, list);
        CPPUNIT_ASSERT(list.body.find(key) == std::string::npos);
        CPPUNIT_ASSERT(list.body.find("\"key\"") == std::string::npos);
        Response one = getWithBearer("/api/keys/" + str(jint(k.get(), "id")) + "/", a.token);
        ASSERT_STATUS(200, one);
        CPPUNIT_ASSERT(one.body.find(key) == std::string::npos);
        // Stored as its SHA-256 only.
        const std::string id = str(jint(k.get(), "id"));
        CPPUNIT_ASSERT_EQUAL(sha256Hex(key), lines(sql("SELECT HEX(key_hash) FROM api_keys WHERE id = " + id))[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             lines(sql("SELECT COUNT(*) FROM api_keys WHERE CONCAT_WS('|', name, prefix, providers, "
                                       "models) LIKE " +
                                       sqlQuote("%" + key.substr(12) + "%")))[0]);
    }

    void testCreateWithEveryField() {
        Account a = createAccount();
        Response r = createKey(a, R"({"name":"  ci  ","expires_at":"2099-01-02T03:04:05Z","providers":["openai","gemini"],)"
                                  R"("models":["fake-gpt-4o*","gemini-2.0-flash"],"requests_per_minute":7,"tokens_per_day":"1000"})");
        ASSERT_STATUS(201, r);
        JsonPtr k = r.json();
        CPPUNIT_ASSERT_EQUAL(std::string("ci"), jstr(k.get(), "name"));  // trimmed, as DRF's CharField
        CPPUNIT_ASSERT_EQUAL(std::string("2099-01-02T03:04:05Z"), jstr(k.get(), "expires_at"));
        ASSERT_JSON_EQ(R"(["openai","gemini"])", dumpJson(json_object_get(k.get(), "providers")));
        ASSERT_JSON_EQ(R"(["fake-gpt-4o*","gemini-2.0-flash"])", dumpJson(json_object_get(k.get(), "models")));
        CPPUNIT_ASSERT_EQUAL(json_int_t{7}, jint(k.get(), "requests_per_minute"));
        CPPUNIT_ASSERT_EQUAL(json_int_t{1000}, jint(k.get(), "tokens_per_day"));
        Response one = getWithBearer("/api/keys/" + str(jint(k.get(), "id")) + "/", a.token);
        JsonPtr o = one.json();
        for (const char* f : {"name", "expires_at", "providers", "models", "requests_per_minute", "tokens_per_day"})
            ASSERT_JSON_EQ(dumpJson(json_object_get(k.get(), f)), dumpJson(json_object_get(o.get(), f)));
        CPPUNIT_ASSERT(json_is_null(json_object_get(o.get(), "revoked_at")));
    }

    void testValidationErrors() {
        Account a = createAccount();
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"{}", "name"},
            {R"({"name":""})", "name"},
            {R"({"name":"   "})", "name"},
            {"{\"name\":\"" + std::string(65, 'n') + "\"}", "name"},
            {R"({"name":["x"]})", "name"},
            {R"({"name":"a","expires_at":"tomorrow"})", "expires_at"},
            {R"({"name":"a","expires_at":"2001-01-01T00:00:00Z"})", "expires_at"},
            {R"({"name":"a","expires_at":12})", "expires_at"},
            {R"({"name":"a","providers":"openai"})", "providers"},
            {R"({"name":"a","providers":[]})", "providers"},
            {R"({"name":"a","providers":["nosuch"]})", "providers"},
            {R"({"name":"a","providers":["unconfigured"]})", "providers"},
            {R"({"name":"a","providers":[1]})", "providers"},
            {R"({"name":"a","models":[]})", "models"},
            {R"({"name":"a","models":["gpt-*-mini"]})", "models"},
            {R"({"name":"a","models":[""]})", "models"},
            {R"({"name":"a","requests_per_minute":0})", "requests_per_minute"},
            {R"({"name":"a","requests_per_minute":"many"})", "requests_per_minute"},
            {R"({"name":"a","requests_per_minute":true})", "requests_per_minute"},
            {R"({"name":"a","tokens_per_day":-5})", "tokens_per_day"},
            {R"({"name":"a","tokens_per_day":1.5})", "tokens_per_day"},
        };
        for (const auto& [body, field] : cases) {
            Response r = createKey(a, body);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(body + " -> " + r.body, 400L, r.status);
            ASSERT_FIELD_ERRORS(400, std::set<std::string>{field}, r);
        }
        // Several bad fields: one key each.
        ASSERT_FIELD_ERRORS(400, (std::set<std::string>{"name", "models", "tokens_per_day"}),
                            createKey(a, R"({"models":[],"tokens_per_day":0})"));
        ASSERT_RESPONSE(400, R"({"non_field_errors":["Invalid data. Expected a dictionary, but got list."]})",
                        createKey(a, "[1]"));
        ASSERT_STATUS(400, createKey(a, "{not json"));
        CPPUNIT_ASSERT_EQUAL(std::string("0"), lines(sql("SELECT COUNT(*) FROM api_keys WHERE user_id = " + str(a.id)))[0]);
        ASSERT_SERVING();
    }

    void testNameUniqueAmongLiveKeys() {
        Account a = createAccount(), b = createAccount();
        JsonPtr k = newKey(a, R"({"name":"dup"})");
        ASSERT_RESPONSE(400, R"({"name":["You already have an active API key with this name."]})",
                        createKey(a, R"({"name":"dup"})"));
        newKey(b, R"({"name":"dup"})");  // another user's names are theirs
        ASSERT_STATUS(204, request("DELETE", "/api/keys/" + str(jint(k.get(), "id")) + "/", "", {a.auth()}));
        newKey(a, R"({"name":"dup"})");  // a revoked key's name is free again
        // So is an expired key's.
        JsonPtr e = newKey(a, R"({"name":"soon"})");
        sql("UPDATE api_keys SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = " + str(jint(e.get(), "id")));
        newKey(a, R"({"name":"soon"})");
    }

    void testLiveKeyLimit() {
        Account a = createAccount();
        std::vector<json_int_t> ids;
        for (int i = 0; i < kMaxKeys; ++i) ids.push_back(jint(newKey(a).get(), "id"));
        ASSERT_RESPONSE(400,
                        R"({"non_field_errors":["You already have )" + std::to_string(kMaxKeys) +
                            R"( active API keys; revoke one first."]})",
                        createKey(a, R"({"name":"one too many"})"));
        ASSERT_STATUS(204, request("DELETE", "/api/keys/" + str(ids[0]) + "/", "", {a.auth()}));
        newKey(a, R"({"name":"one too many"})");
        ASSERT_STATUS(400, createKey(a, R"({"name":"again"})"));
        // Concurrent creates cannot pass the limit together.
        Account c = createAccount();
        std::vector<std::thread> threads;
        std::atomic<int> created{0};
        for (int i = 0; i < 2 * kMaxKeys; ++i)
            threads.emplace_back([&, i] {
                if (createKey(c, "{\"name\":\"par" + std::to_string(i) + "\"}").status == 201) ++created;
            });
        for (auto& t : threads) t.join();
        CPPUNIT_ASSERT_EQUAL(kMaxKeys, created.load());
        CPPUNIT_ASSERT_EQUAL(std::to_string(kMaxKeys),
                             lines(sql("SELECT COUNT(*) FROM api_keys WHERE user_id = " + str(c.id)))[0]);
    }

    void testGetListAndOtherUsersKeys() {
        Account a = createAccount(), b = createAccount();
        const json_int_t first = jint(newKey(a, R"({"name":"first"})").get(), "id");
        const json_int_t second = jint(newKey(a, R"({"name":"second"})").get(), "id");
        Response list = getWithBearer("/api/keys/", a.token);
        ASSERT_STATUS(200, list);
        ASSERT_KEYS(std::set<std::string>{"keys"}, list);
        JsonPtr l = list.json();
        const json_t* keys = json_object_get(l.get(), "keys");
        CPPUNIT_ASSERT_EQUAL(size_t{2}, json_array_size(keys));
        CPPUNIT_ASSERT_EQUAL(second, jint(json_array_get(keys, 0), "id"));  // newest first
        CPPUNIT_ASSERT_EQUAL(first, jint(json_array_get(keys, 1), "id"));
        CPPUNIT_ASSERT(json_object_get(json_array_get(keys, 0), "revoked_at"));
        ASSERT_RESPONSE(200, R"({"keys":[]})", getWithBearer("/api/keys/", b.token));
        // Another user's key, an unknown id, a non-integer id: 404.
        for (const std::string& path : {"/api/keys/" + str(first) + "/", std::string("/api/keys/999999999/"),
                                        std::string("/api/keys/abc/")}) {
            ASSERT_RESPONSE(404, R"({"detail":"Not found."})", getWithBearer(path, b.token));
        }
        ASSERT_RESPONSE(404, R"({"detail":"Not found."})",
                        request("DELETE", "/api/keys/" + str(first) + "/", "", {b.auth()}));
        ASSERT_STATUS(200, getWithBearer("/api/keys/" + str(first), a.token));  // no trailing slash
        ASSERT_STATUS(401, request("GET", "/api/keys/"));
        ASSERT_STATUS(405, request("PUT", "/api/keys/" + str(first) + "/", "{}", {a.auth()}));
    }

    void testRevokeIsIdempotent() {
        Account a = createAccount();
        JsonPtr k = newKey(a);
        const std::string path = "/api/keys/" + str(jint(k.get(), "id")) + "/";
        ASSERT_STATUS(200, getAs("/api/me/", bearer(keyOf(k.get()))));
        Response del = request("DELETE", path, "", {a.auth()});
        ASSERT_STATUS(204, del);
        CPPUNIT_ASSERT(del.body.empty());
        const std::string revokedAt = jstr(getWithBearer(path, a.token).json().get(), "revoked_at");
        CPPUNIT_ASSERT(!revokedAt.empty());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ASSERT_STATUS(204, request("DELETE", path, "", {a.auth()}));
        CPPUNIT_ASSERT_EQUAL(revokedAt, jstr(getWithBearer(path, a.token).json().get(), "revoked_at"));
        awaitKeyCache();
        ASSERT_RESPONSE(401, R"({"detail":"Invalid API key.","code":"invalid_api_key"})",
                        getAs("/api/me/", bearer(keyOf(k.get()))));
    }

    void testKeysCannotManageKeys() {
        Account a = createAccount();
        JsonPtr k = newKey(a);
        const std::string key = keyOf(k.get());
        const std::string id = str(jint(k.get(), "id"));
        const std::string body = R"({"detail":"API keys cannot manage API keys; log in with a token."})";
        for (const std::string& h : {bearer(key), xApiKey(key)}) {
            ASSERT_RESPONSE(403, body, request("GET", "/api/keys/", "", {h}));
            ASSERT_RESPONSE(403, body, postJson("/api/keys/", R"({"name":"minted"})", {h}));
            ASSERT_RESPONSE(403, body, request("GET", "/api/keys/" + id + "/", "", {h}));
            ASSERT_RESPONSE(403, body, request("DELETE", "/api/keys/" + id + "/", "", {h}));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("1"), lines(sql("SELECT COUNT(*) FROM api_keys WHERE user_id = " + str(a.id) +
                                                         " AND revoked_at IS NULL"))[0]);
    }

    void testBothHeadersOnEveryProtectedRoute() {
        Account a = createAccount();
        const std::string key = keyOf(newKey(a).get());
        for (const std::string& h : {bearer(key), xApiKey(key)}) {
            Response me = getAs("/api/me/", h);
            ASSERT_STATUS(200, me);
            CPPUNIT_ASSERT_EQUAL(a.user.username, jstr(me.json().get(), "username"));
            ASSERT_STATUS(200, getAs("/api/usage/", h));
            ASSERT_STATUS(200, getAs("/api/supported-models/?provider=openai", h));
            ASSERT_STATUS(200, getAs("/v1/models", h));
            ASSERT_STATUS(200, getAs("/v1/models?provider=gemini", h));
            Response c1 = chatWith("/api/chat/completions/?provider=openai", seedChatBody("gpt-key"), h);
            ASSERT_STATUS(200, c1);
            CPPUNIT_ASSERT_EQUAL(std::string("chat.completion"), jstr(c1.json().get(), "object"));
            ASSERT_STATUS(200, chatWith("/v1/chat/completions", seedChatBody("gpt-key"), h));
            StreamResponse s = streamRequest("POST", "/v1/chat/completions", seedChatBody("gpt-key", true),
                                             {"Content-Type: application/json", h});
            ASSERT_CHAT_STREAM(s);
        }
        // Authorization wins over x-api-key when it says Bearer.
        ASSERT_STATUS(200, request("GET", "/api/me/", "", {a.auth(), xApiKey("sk-llm-nonsense")}));
        // An access token keeps working next to keys.
        ASSERT_STATUS(200, getWithBearer("/api/me/", a.token));
    }

    void testBadKeysRefusedInEachShape() {
        Account a = createAccount();
        const std::string unknown = "sk-llm-" + std::string(42, 'A') + "A";
        const std::string malformed = "sk-llm-short";
        for (const std::string& h : {bearer(unknown), xApiKey(unknown), bearer(malformed), xApiKey(malformed)}) {
            // /api/: DRF's body.
            ASSERT_RESPONSE(401, R"({"detail":"Invalid API key.","code":"invalid_api_key"})", getAs("/api/me/", h));
            ASSERT_RESPONSE(401, R"({"detail":"Invalid API key.","code":"invalid_api_key"})",
                            chatWith("/api/chat/completions/", seedChatBody("gpt-key"), h));
            // /v1/: OpenAI's, so an SDK shows the message.
            for (Response r : {getAs("/v1/models", h), chatWith("/v1/chat/completions", seedChatBody("gpt-key"), h)}) {
                JsonPtr e = ASSERT_OPENAI_ERROR(401, "invalid_request_error", nullptr, r);
                CPPUNIT_ASSERT_EQUAL(std::string("Invalid API key."), jstr(e.get(), "message"));
                CPPUNIT_ASSERT_EQUAL(std::string("invalid_api_key"), jstr(e.get(), "code"));
                CPPUNIT_ASSERT_EQUAL(std::string("Bearer realm=\"api\""), r.header("WWW-Authenticate"));
            }
        }
        // Every other 401 on /v1/ is OpenAI-shaped too; /api/ keeps simplejwt's.
        ASSERT_OPENAI_ERROR(401, "invalid_request_error", nullptr, request("GET", "/v1/models"));
        JsonPtr bad = ASSERT_OPENAI_ERROR(401, "invalid_request_error", nullptr,
                                          request("GET", "/v1/models", "", {"Authorization: Bearer not.a.jwt"}));
        CPPUNIT_ASSERT_EQUAL(std::string("token_not_valid"), jstr(bad.get(), "code"));
        ASSERT_OPENAI_ERROR(401, "invalid_request_error", nullptr,
                            request("GET", "/v1/models", "", {"Authorization: Bearer a b"}));
        ASSERT_RESPONSE(401, R"({"detail":"Authentication credentials were not provided."})",
                        postJson("/api/chat/completions/", seedChatBody("gpt-key")));
        ASSERT_RESPONSE(401, tokenNotValidBody("Token is invalid"),
                        request("GET", "/api/supported-models/", "", {"Authorization: Bearer not.a.jwt"}));
        CPPUNIT_ASSERT_EQUAL(size_t{0}, json_array_size(fake::requests().get()));
        ASSERT_SERVING();
    }

    void testRevocationSeenByEveryWorker() {
        Account a = createAccount();
        JsonPtr k = newKey(a);
        const std::string h = bearer(keyOf(k.get()));
        // Warm every worker's cache with the live key (the two workers take
        // connections in turn; 12 requests reach both).
        for (int i = 0; i < 12; ++i) ASSERT_STATUS(200, getAs("/api/me/", h));
        ASSERT_STATUS(204, request("DELETE", "/api/keys/" + str(jint(k.get(), "id")) + "/", "", {a.auth()}));
        const auto t0 = std::chrono::steady_clock::now();
        // Within the cache's time every worker refuses it, and then always.
        pollUntil(kUserCacheMs / 1000.0 + 2, [&] { return getAs("/api/me/", h).status == 401; });
        const long ms = static_cast<long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
        awaitKeyCache();
        CPPUNIT_ASSERT_MESSAGE("refused only after " + std::to_string(ms) + " ms", ms <= kUserCacheMs + 800);
        for (int i = 0; i < 12; ++i) ASSERT_STATUS(401, getAs("/v1/models", h));
    }

    void testExpiry() {
        Account a = createAccount();
        const std::string when = lines(sql("SELECT DATE_FORMAT(UTC_TIMESTAMP() + INTERVAL 2 SECOND, '%Y-%m-%dT%H:%i:%sZ')"))[0];
        JsonPtr k = newKey(a, "{\"name\":\"short\",\"expires_at\":\"" + when + "\"}");
        CPPUNIT_ASSERT_EQUAL(when, jstr(k.get(), "expires_at"));
        const std::string h = xApiKey(keyOf(k.get()));
        ASSERT_STATUS(200, getAs("/api/me/", h));
        std::this_thread::sleep_for(std::chrono::milliseconds(2100));
        pollUntil(3, [&] { return getAs("/api/me/", h).status == 401; });
        ASSERT_RESPONSE(401, R"({"detail":"API key has expired.","code":"invalid_api_key"})", getAs("/api/me/", h));
        JsonPtr e = ASSERT_OPENAI_ERROR(401, "invalid_request_error", nullptr, getAs("/v1/models", h));
        CPPUNIT_ASSERT_EQUAL(std::string("API key has expired."), jstr(e.get(), "message"));
        CPPUNIT_ASSERT_EQUAL(std::string("invalid_api_key"), jstr(e.get(), "code"));
        // An expired key no longer counts toward the live keys.
        CPPUNIT_ASSERT_EQUAL(jint(k.get(), "id"), jint(getWithBearer("/api/keys/", a.token).json().get(), "keys[0].id"));
        CPPUNIT_ASSERT_EQUAL(std::string("0"), lines(sql("SELECT COUNT(*) FROM api_keys WHERE user_id = " + str(a.id) +
                                                         " AND (expires_at IS NULL OR expires_at > UTC_TIMESTAMP())"))[0]);
    }

    void testDeactivatedUsersKeys() {
        Account a = createAccount();
        const std::string h = bearer(keyOf(newKey(a).get()));
        ASSERT_STATUS(200, getAs("/api/me/", h));
        setActive(a.user.username, false);
        ASSERT_RESPONSE(401, R"({"detail":"User is inactive","code":"user_inactive"})", getAs("/api/me/", h));
        JsonPtr e = ASSERT_OPENAI_ERROR(401, "invalid_request_error", nullptr,
                                        chatWith("/v1/chat/completions", seedChatBody("gpt-key"), h));
        CPPUNIT_ASSERT_EQUAL(std::string("user_inactive"), jstr(e.get(), "code"));
        setActive(a.user.username, true);
        ASSERT_STATUS(200, getAs("/api/me/", h));
        CPPUNIT_ASSERT_EQUAL(size_t{0}, json_array_size(fake::requests().get()));
    }

    void testProviderAndModelLists() {
        Account a = createAccount();
        const std::string h = bearer(keyOf(
            newKey(a, R"({"name":"narrow","providers":["openai","gemini"],"models":["fake-gpt-4o-mini","fake-gemini-2.*"]})")
                .get()));
        // Listing: only what the key may use.
        Response all = getAs("/v1/models", h);
        ASSERT_STATUS(200, all);
        const std::string ids = modelIds(all);
        CPPUNIT_ASSERT_MESSAGE(ids, ids.find("openai/fake-gpt-4o-mini") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(ids, ids.find("openai/fake-gpt-4o,") == std::string::npos &&
                                        ids.find("inhouse/") == std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(ids, ids.find("gemini/fake-gemini-2.0-flash") != std::string::npos &&
                                        ids.find("gemini/fake-gemini-2.5-pro") != std::string::npos &&
                                        ids.find("gemini/fake-gemini-1.5") == std::string::npos);
        Response one = getAs("/v1/models?provider=openai", h);
        CPPUNIT_ASSERT_EQUAL(std::string("fake-gpt-4o-mini"), modelIds(one));
        ASSERT_RESPONSE(200, R"({"models":["fake-gpt-4o-mini"]})", getAs("/api/supported-models/?provider=openai", h));
        for (Response r : {getAs("/v1/models?provider=inhouse", h), getAs("/api/supported-models/?provider=inhouse", h)})
            assertNotAllowed(r);
        // Chats: checked on the id the provider receives.
        fake::reset();
        ASSERT_STATUS(200, chatWith("/v1/chat/completions", chatBody("fake-gpt-4o-mini"), h));
        ASSERT_STATUS(200, chatWith("/v1/chat/completions", chatBody("openai/fake-gpt-4o-mini"), h));
        ASSERT_STATUS(200, chatWith("/v1/chat/completions", chatBody("gemini/fake-gemini-2.0-flash"), h));
        ASSERT_STATUS(200, chatWith("/v1/chat/completions?provider=gemini", chatBody("models/fake-gemini-2.0-flash"), h));
        const std::string gem = bearer(keyOf(newKey(a, R"({"name":"gem","providers":["gemini"]})").get()));
        for (Response r : {chatWith("/v1/chat/completions", chatBody("fake-gpt-4o"), h),
                           chatWith("/v1/chat/completions", chatBody("inhouse/fake-gpt-4o-mini"), h),
                           chatWith("/api/chat/completions/?provider=inhouse", chatBody("fake-gpt-4o-mini"), h),
                           chatWith("/v1/chat/completions", chatBody("gemini/fake-gemini-1.5-flash-8b"), h),
                           chatWith("/v1/chat/completions", chatBody("fake-gpt-4o-mini", true), gem)})
            assertNotAllowed(r);
        CPPUNIT_ASSERT_EQUAL(size_t{4}, json_array_size(fake::requests().get()));  // the refused never left
    }

    void testKeyRateLimit() {
        Account a = createAccount();
        const std::string h = bearer(keyOf(newKey(a, R"({"name":"slow","requests_per_minute":2})").get()));
        const long left = 60 - static_cast<long>(std::time(nullptr) % 60);
        if (left < 5) std::this_thread::sleep_for(std::chrono::seconds(left + 1));
        ASSERT_STATUS(200, getAs("/v1/models", h));
        ASSERT_STATUS(200, chatWith("/v1/chat/completions", seedChatBody("gpt-key-rpm"), h));
        Response r = chatWith("/v1/chat/completions", seedChatBody("gpt-key-rpm"), h);
        JsonPtr e = ASSERT_OPENAI_ERROR(429, "rate_limit_error", nullptr, r);
        CPPUNIT_ASSERT_EQUAL(std::string("rate_limit_exceeded"), jstr(e.get(), "code"));
        CPPUNIT_ASSERT_MESSAGE(r.body, jstr(e.get(), "message").find("API key") != std::string::npos);
        CPPUNIT_ASSERT(!r.header("Retry-After").empty());
        // The user's own requests (a token, another key) are not the key's.
        ASSERT_STATUS(200, getWithBearer("/v1/models", a.token));
        ASSERT_STATUS(200, getAs("/v1/models", bearer(keyOf(newKey(a).get()))));
        const json_int_t slowId = jint(getWithBearer("/api/keys/", a.token).json().get(), "keys[1].id");
        CPPUNIT_ASSERT_EQUAL(std::string("2"),
                             lines(sql("SELECT MAX(requests) FROM key_rate_windows WHERE key_id = " + str(slowId)))[0]);
    }

    // API.md section 7: the request that crosses tokens_per_day completes and
    // the next is refused, at once (no waiting for the usage batch).
    void testKeyTokenQuotaRefusesTheNextRequest() {
        Account a = createAccount();
        JsonPtr k = newKey(a, R"({"name":"quota","tokens_per_day":1})");
        const std::string h = bearer(keyOf(k.get()));
        ASSERT_STATUS(200, chatWith("/v1/chat/completions", seedChatBody("gpt-key-tpd"), h));
        JsonPtr e = ASSERT_OPENAI_ERROR(429, "rate_limit_error", nullptr,
                                        chatWith("/v1/chat/completions", seedChatBody("gpt-key-tpd"), h));
        CPPUNIT_ASSERT_EQUAL(std::string("quota_exceeded"), jstr(e.get(), "code"));
        // The same right after a stream's [DONE].
        const std::string h2 = bearer(keyOf(newKey(a, R"({"name":"quota2","tokens_per_day":1})").get()));
        ASSERT_CHAT_STREAM(streamRequest("POST", "/v1/chat/completions", seedChatBody("gpt-key-tpd", true),
                                         {"Content-Type: application/json", h2}));
        ASSERT_OPENAI_ERROR(429, "rate_limit_error", nullptr,
                            chatWith("/v1/chat/completions", seedChatBody("gpt-key-tpd"), h2));
        // The user has no quota: a token still chats.
        ASSERT_STATUS(200, chatWith("/v1/chat/completions", seedChatBody("gpt-key-tpd"), a.auth()));
        CPPUNIT_ASSERT_EQUAL(size_t{3}, json_array_size(fake::requests().get()));
        // A user's own quota is committed before the end too.
        Account b = createAccount();
        sql("UPDATE users SET tokens_per_day = 1 WHERE id = " + str(b.id));
        awaitUserCache();
        ASSERT_STATUS(200, chatWith("/api/chat/completions/", seedChatBody("gpt-key-tpd"), b.auth()));
        ASSERT_STATUS(429, chatWith("/api/chat/completions/", seedChatBody("gpt-key-tpd"), b.auth()));
    }

    void testUsageByKey() {
        Account a = createAccount(), other = createAccount();
        JsonPtr ka = newKey(a, R"({"name":"alpha"})"), kb = newKey(a, R"({"name":"beta"})");
        const json_int_t ida = jint(ka.get(), "id"), idb = jint(kb.get(), "id");
        for (int i = 0; i < 2; ++i)
            ASSERT_STATUS(200, chatWith("/v1/chat/completions", seedChatBody("gpt-key-usage"), bearer(keyOf(ka.get()))));
        ASSERT_STATUS(200, chatWith("/v1/chat/completions", seedChatBody("gpt-key-usage"), xApiKey(keyOf(kb.get()))));
        ASSERT_STATUS(200, chatWith("/v1/chat/completions", seedChatBody("gpt-key-usage"), a.auth()));
        pollUntil(10, [&] {
            return std::stol(lines(sql("SELECT COUNT(*) FROM usage_events WHERE user_id = " + str(a.id)))[0]) == 4;
        });
        CPPUNIT_ASSERT_EQUAL(2L, usageRowsOfKey(ida));
        CPPUNIT_ASSERT_EQUAL(1L, usageRowsOfKey(idb));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), lines(sql("SELECT COUNT(*) FROM usage_events WHERE user_id = " +
                                                         str(a.id) + " AND api_key_id IS NULL"))[0]);
        // The whole usage, by a token or by a key.
        for (const std::string& h : {a.auth(), bearer(keyOf(kb.get()))}) {
            Response u = getAs("/api/usage/", h);
            ASSERT_STATUS(200, u);
            ASSERT_KEYS((std::set<std::string>{"since", "until", "totals", "by_model", "by_key"}), u);
            JsonPtr j = u.json();
            CPPUNIT_ASSERT_EQUAL(json_int_t{4}, jint(j.get(), "totals.requests"));
            const json_t* byKey = json_object_get(j.get(), "by_key");
            CPPUNIT_ASSERT_EQUAL(size_t{2}, json_array_size(byKey));
            CPPUNIT_ASSERT_EQUAL(ida, jint(json_array_get(byKey, 0), "key_id"));
            CPPUNIT_ASSERT_EQUAL(std::string("alpha"), jstr(json_array_get(byKey, 0), "name"));
            CPPUNIT_ASSERT_EQUAL(jstr(ka.get(), "prefix"), jstr(json_array_get(byKey, 0), "prefix"));
            CPPUNIT_ASSERT_EQUAL(json_int_t{2}, jint(json_array_get(byKey, 0), "requests"));
            CPPUNIT_ASSERT_EQUAL(json_int_t{1}, jint(json_array_get(byKey, 1), "requests"));
            CPPUNIT_ASSERT(jint(json_array_get(byKey, 0), "total_tokens") > 0);
        }
        Response one = getWithBearer("/api/usage/?key=" + str(ida), a.token);
        ASSERT_STATUS(200, one);
        JsonPtr j = one.json();
        CPPUNIT_ASSERT_EQUAL(json_int_t{2}, jint(j.get(), "totals.requests"));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, json_array_size(json_object_get(j.get(), "by_key")));
        ASSERT_RESPONSE(404, R"({"detail":"Not found."})", getWithBearer("/api/usage/?key=" + str(ida), other.token));
        ASSERT_RESPONSE(404, R"({"detail":"Not found."})", getWithBearer("/api/usage/?key=999999999", a.token));
        ASSERT_RESPONSE(400, R"({"key":["A valid integer is required."]})", getWithBearer("/api/usage/?key=abc", a.token));
        ASSERT_JSON_EQ(R"({"requests":0,"prompt_tokens":0,"completion_tokens":0,"total_tokens":0})",
                       jdump(getWithBearer("/api/usage/", other.token).json().get(), "totals"));
    }

    void testLastUsedAtWithoutAWritePerRequest() {
        Account a = createAccount();
        JsonPtr k = newKey(a);
        const std::string id = str(jint(k.get(), "id"));
        const std::string h = bearer(keyOf(k.get()));
        auto lastUsed = [&] { return jstr(getWithBearer("/api/keys/" + id + "/", a.token).json().get(), "last_used_at"); };
        CPPUNIT_ASSERT(json_is_null(json_object_get(getWithBearer("/api/keys/" + id + "/", a.token).json().get(),
                                                    "last_used_at")));
        ASSERT_STATUS(200, getAs("/api/me/", h));
        pollUntil(5, [&] { return !lastUsed().empty(); });
        // Each worker writes a key's first use by it, then at most once a
        // minute. Which worker serves a request is the kernel's choice, so:
        // after a warm-up, two more rounds of 20 uses may move the column
        // once (a worker that first sees the key then), never in both
        // rounds; a write per request would move it in each.
        auto column = [&] { return lines(sql("SELECT last_used_at FROM api_keys WHERE id = " + id))[0]; };
        auto round = [&] {
            for (int i = 0; i < 20; ++i) ASSERT_STATUS(200, getAs("/api/me/", h));
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the writers' 1 s flush
            return column();
        };
        const std::string v1 = round(), v2 = round(), v3 = round();
        CPPUNIT_ASSERT_MESSAGE(v1 + " / " + v2 + " / " + v3, v1 == v2 || v2 == v3);
        const std::string first = lastUsed();
        CPPUNIT_ASSERT_EQUAL(v3.substr(0, 19), first.substr(0, 10) + " " + first.substr(11, 8));
        const std::string inList = jstr(getWithBearer("/api/keys/", a.token).json().get(), "keys[0].last_used_at");
        CPPUNIT_ASSERT_EQUAL(first, inList);
    }

    void testKeyNeverLeaks() {
        Account a = createAccount();
        const std::string key = keyOf(newKey(a, R"({"name":"sweep","models":["fake-gpt-4o-mini"]})").get());
        const std::string secretPart = key.substr(12);  // the prefix is shown on purpose
        std::vector<Response> seen;
        for (const std::string& h : {bearer(key), xApiKey(key)}) {
            seen.push_back(getAs("/api/me/", h));
            seen.push_back(getAs("/api/usage/", h));
            seen.push_back(getAs("/v1/models", h));
            seen.push_back(chatWith("/v1/chat/completions", chatBody("fake-gpt-4o-mini"), h));
            seen.push_back(chatWith("/v1/chat/completions", chatBody("fake-gpt-4o"), h));        // 403
            seen.push_back(chatWith("/v1/chat/completions", "{\"model\":1}", h));                 // 400
            seen.push_back(chatWith("/api/chat/completions/?provider=nosuch", chatBody("x"), h));  // 400
            seen.push_back(request("GET", "/api/keys/", "", {h}));                                // 403
            seen.push_back(request("GET", "/nothing-here/", "", {h}));                            // 404
        }
        StreamResponse s = streamRequest("POST", "/v1/chat/completions", chatBody("fake-gpt-4o-mini", true),
                                         {"Content-Type: application/json", bearer(key)});
        ASSERT_CHAT_STREAM(s);
        Response streamed;
        streamed.status = s.status;
        streamed.headers = s.headers;
        streamed.body = s.body;
        seen.push_back(streamed);
        for (const auto& r : seen) {
            CPPUNIT_ASSERT_MESSAGE(excerpt(r.body), r.body.find(secretPart) == std::string::npos);
            for (const auto& [name, value] : r.headers) CPPUNIT_ASSERT(value.find(secretPart) == std::string::npos);
        }
        // Not sent upstream: headers and bodies the fake recorded.
        const std::string upstream = dumpJson(fake::requests().get());
        CPPUNIT_ASSERT(upstream.find("sk-llm-") == std::string::npos);
        CPPUNIT_ASSERT(upstream.find("\"fake-gpt-4o-mini\"") != std::string::npos);  // it did record the chats
        // Not in any log of the stack, nor in any table but as its hash.
        std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the access log and usage batch
        for (const std::string& log : {accessLogPath(), stackVar() + "/log/nginx-access.log",
                                       stackVar() + "/log/nginx-error.log", stackVar() + "/log/fcgi.log"}) {
            CPPUNIT_ASSERT_MESSAGE(log, readTextFile(log).find(secretPart) == std::string::npos);
        }
        const std::string tables = sql("SELECT CONCAT_WS('|', name, prefix, COALESCE(models, '')) FROM api_keys") +
                                   sql("SELECT CONCAT_WS('|', model_requested, model_answered) FROM usage_events "
                                       "WHERE user_id = " + str(a.id));
        CPPUNIT_ASSERT(tables.find(secretPart) == std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ApiKeysTest);
