// API keys (API.md section 8): the key's format and hash, the model
// patterns a key can be limited to, the POST /api/keys/ body's validation,
// and the router's "{id}" segments the key endpoints use.
#include <cppunit/extensions/HelperMacros.h>

#include <regex>
#include <set>
#include <string>

#include "api/handlers/key_fields.h"
#include "api/router.h"
#include "auth/api_key.h"
#include "common/hex.h"
#include "common/json.h"
#include "http/errors.h"

using namespace llmapi;

namespace {

// The 400 body read_new_key's errors make, or "" when there are none.
std::string errors_of(const std::string& body, int64_t now_us = 1'800'000'000'000'000LL) {
    JsonPtr data(json_loads(body.c_str(), 0, nullptr));
    http::FieldErrors errors;
    api::handlers::read_new_key(data.get(), {"openai", "gemini"}, now_us, errors);
    try {
        errors.throw_if_any();
    } catch (const http::HttpError& e) {
        return e.body();
    }
    return "";
}

}  // namespace

class ApiKeyTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ApiKeyTest);
    CPPUNIT_TEST(testGeneratedFormat);
    CPPUNIT_TEST(testHashIsSha256OfTheKey);
    CPPUNIT_TEST(testWellFormed);
    CPPUNIT_TEST(testModelPatterns);
    CPPUNIT_TEST(testKeyAllows);
    CPPUNIT_TEST(testValidBody);
    CPPUNIT_TEST(testInvalidBodies);
    CPPUNIT_TEST(testRouterIdSegments);
    CPPUNIT_TEST_SUITE_END();

public:
    void testGeneratedFormat() {
        std::set<std::string> seen;
        for (int i = 0; i < 200; ++i) {
            const auth::NewApiKey k = auth::generate_api_key();
            CPPUNIT_ASSERT_MESSAGE(k.key, std::regex_match(k.key, std::regex("sk-llm-[A-Za-z0-9_-]{43}")));
            CPPUNIT_ASSERT_EQUAL(k.key.substr(0, 12), k.prefix);
            CPPUNIT_ASSERT_EQUAL(size_t{32}, k.hash.size());
            CPPUNIT_ASSERT_EQUAL(auth::hash_api_key(k.key), k.hash);
            CPPUNIT_ASSERT_MESSAGE(k.key, auth::well_formed_api_key(k.key));
            CPPUNIT_ASSERT(seen.insert(k.key).second);
        }
    }

    void testHashIsSha256OfTheKey() {
        // python3 -c "import hashlib; print(hashlib.sha256(b'sk-llm-' + b'A' * 43).hexdigest())"
        CPPUNIT_ASSERT_EQUAL(std::string("7a0d5337ad8d9ea2e5f22480fee90e0d5e7b2b913253ce0d1ade29729724d77f"),
                             to_hex(auth::hash_api_key("sk-llm-" + std::string(43, 'A'))));
    }

    void testWellFormed() {
        CPPUNIT_ASSERT(auth::looks_like_api_key("sk-llm-x"));
        CPPUNIT_ASSERT(!auth::looks_like_api_key("eyJhbGciOi.x.y"));
        CPPUNIT_ASSERT(!auth::looks_like_api_key("sk-proj-abc"));
        CPPUNIT_ASSERT(auth::well_formed_api_key("sk-llm-" + std::string(43, 'A')));
        CPPUNIT_ASSERT(!auth::well_formed_api_key("sk-llm-" + std::string(42, 'A')));
        CPPUNIT_ASSERT(!auth::well_formed_api_key("sk-llm-" + std::string(44, 'A')));
        CPPUNIT_ASSERT(!auth::well_formed_api_key("sk-llm-" + std::string(42, 'A') + "="));
        CPPUNIT_ASSERT(!auth::well_formed_api_key("sk-llm-" + std::string(42, 'A') + "+"));
        // 32 bytes leave the last character's low 4 bits zero: 'B' (1) cannot end a key, 'E' (4) can.
        CPPUNIT_ASSERT(!auth::well_formed_api_key("sk-llm-" + std::string(42, 'A') + "B"));
        CPPUNIT_ASSERT(auth::well_formed_api_key("sk-llm-" + std::string(42, 'A') + "E"));
    }

    void testModelPatterns() {
        CPPUNIT_ASSERT(auth::valid_model_pattern("gpt-4o"));
        CPPUNIT_ASSERT(auth::valid_model_pattern("gpt-4o*"));
        CPPUNIT_ASSERT(auth::valid_model_pattern("*"));
        CPPUNIT_ASSERT(!auth::valid_model_pattern(""));
        CPPUNIT_ASSERT(!auth::valid_model_pattern("gpt-*-mini"));
        CPPUNIT_ASSERT(!auth::valid_model_pattern("**"));
        const std::vector<std::string> p{"gpt-4o*", "llama3"};
        CPPUNIT_ASSERT(auth::model_matches(p, "gpt-4o"));
        CPPUNIT_ASSERT(auth::model_matches(p, "gpt-4o-mini"));
        CPPUNIT_ASSERT(auth::model_matches(p, "llama3"));
        CPPUNIT_ASSERT(!auth::model_matches(p, "llama3:8b"));  // exact ids are exact
        CPPUNIT_ASSERT(!auth::model_matches(p, "gpt-4"));
        CPPUNIT_ASSERT(!auth::model_matches(p, "openai/gpt-4o"));
        CPPUNIT_ASSERT(auth::model_matches({"*"}, "anything"));
        CPPUNIT_ASSERT(!auth::model_matches({}, "anything"));
    }

    void testKeyAllows() {
        db::ApiKey open;
        CPPUNIT_ASSERT(auth::key_allows_provider(open, "any") && auth::key_allows_model(open, "any"));
        db::ApiKey k;
        k.providers = std::vector<std::string>{"gemini"};
        k.models = std::vector<std::string>{"gemini-2.0*"};
        CPPUNIT_ASSERT(auth::key_allows_provider(k, "gemini"));
        CPPUNIT_ASSERT(!auth::key_allows_provider(k, "openai"));
        CPPUNIT_ASSERT(auth::key_allows_model(k, "gemini-2.0-flash"));
        CPPUNIT_ASSERT(auth::key_allows_model(k, "models/gemini-2.0-flash"));  // Gemini's own prefix is ignored
        CPPUNIT_ASSERT(!auth::key_allows_model(k, "gemini-2.5-pro"));
    }

    void testValidBody() {
        CPPUNIT_ASSERT_EQUAL(std::string(""), errors_of(R"({"name":"ci"})"));
        JsonPtr data(json_loads(R"({"name":" ci ","expires_at":"2099-01-01","providers":["openai","openai"],)"
                                R"("models":["gpt-4o*"],"requests_per_minute":"10","tokens_per_day":5.0})",
                                0, nullptr));
        http::FieldErrors errors;
        const db::NewKeyRow row = api::handlers::read_new_key(data.get(), {"openai"}, 0, errors);
        CPPUNIT_ASSERT(errors.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("ci"), row.name);
        CPPUNIT_ASSERT(row.expires_us && *row.expires_us == 4070908800LL * 1000000);
        CPPUNIT_ASSERT_EQUAL(size_t{1}, row.providers->size());  // duplicates dropped
        CPPUNIT_ASSERT_EQUAL(std::string("gpt-4o*"), row.models->at(0));
        CPPUNIT_ASSERT_EQUAL(10L, row.requests_per_minute);
        CPPUNIT_ASSERT_EQUAL(5L, row.tokens_per_day);
        JsonPtr nulls(json_loads(R"({"name":"n","expires_at":null,"providers":null,"models":null,)"
                                 R"("requests_per_minute":null,"tokens_per_day":null})",
                                 0, nullptr));
        const db::NewKeyRow open = api::handlers::read_new_key(nulls.get(), {"openai"}, 0, errors);
        CPPUNIT_ASSERT(errors.empty());
        CPPUNIT_ASSERT(!open.expires_us && !open.providers && !open.models);
        CPPUNIT_ASSERT_EQUAL(-1L, open.requests_per_minute);
        CPPUNIT_ASSERT_EQUAL(-1L, open.tokens_per_day);
    }

    void testInvalidBodies() {
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":["This field is required."]})"), errors_of("{}"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":["Ensure this field has no more than 64 characters."]})"),
                             errors_of("{\"name\":\"" + std::string(65, 'x') + "\"}"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"expires_at":["Enter a date/time in the future."]})"),
                             errors_of(R"({"name":"a","expires_at":"2020-01-01T00:00:00Z"})"));
        CPPUNIT_ASSERT(errors_of(R"({"name":"a","expires_at":"soon"})").find("Datetime has wrong format") !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"providers":["This list may not be empty."]})"),
                             errors_of(R"({"name":"a","providers":[]})"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"providers":["Expected a list of items but got type \"str\"."]})"),
                             errors_of(R"({"name":"a","providers":"openai"})"));
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"providers":["\"inhouse\" is not a configured provider (configured: openai, gemini)."]})"),
            errors_of(R"({"name":"a","providers":["inhouse"]})"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"models":["\"a*b\" is not a model id or a prefix ending in \"*\" (such as \"gpt-4o*\")."]})"),
                             errors_of(R"({"name":"a","models":["a*b"]})"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"requests_per_minute":["Ensure this value is greater than or equal to 1."]})"),
                             errors_of(R"({"name":"a","requests_per_minute":0})"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"tokens_per_day":["A valid integer is required."]})"),
                             errors_of(R"({"name":"a","tokens_per_day":false})"));
        CPPUNIT_ASSERT(errors_of(R"({"name":"a","requests_per_minute":99999999999})").find("less than or equal to") !=
                       std::string::npos);
        // Every bad field at once, one key each.
        JsonPtr all(json_loads(errors_of(R"({"name":"","models":[],"tokens_per_day":-1,"expires_at":1})").c_str(), 0,
                               nullptr));
        CPPUNIT_ASSERT_EQUAL(size_t{4}, json_object_size(all.get()));
    }

    void testRouterIdSegments() {
        std::vector<std::string> params;
        CPPUNIT_ASSERT(api::path_matches("/api/keys/{id}", "/api/keys/42", params));
        CPPUNIT_ASSERT_EQUAL(std::string("42"), params.at(0));
        params.clear();
        CPPUNIT_ASSERT(!api::path_matches("/api/keys/{id}", "/api/keys/abc", params));
        CPPUNIT_ASSERT(!api::path_matches("/api/keys/{id}", "/api/keys/", params));
        CPPUNIT_ASSERT(!api::path_matches("/api/keys/{id}", "/api/keys/4/x", params));
        CPPUNIT_ASSERT(!api::path_matches("/api/keys/{id}", "/api/keys/1234567890123456789", params));  // 19 digits
        CPPUNIT_ASSERT(api::path_matches("/api/keys", "/api/keys", params));
        api::Router<std::string, int> r;
        r.add("GET", "/api/keys/", "list");
        r.add("GET", "/api/keys/{id}/", "get");
        r.add("DELETE", "/api/keys/{id}/", "revoke");
        const auto m = r.match("DELETE", "/api/keys/7/");
        CPPUNIT_ASSERT(m.route && m.route->handler == "revoke");
        CPPUNIT_ASSERT_EQUAL(std::string("7"), m.params.at(0));
        CPPUNIT_ASSERT_EQUAL(std::string("GET, DELETE, HEAD, OPTIONS"), r.match("PUT", "/api/keys/7").allow);
        CPPUNIT_ASSERT(r.match("GET", "/api/keys/").params.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ApiKeyTest);
