// Routing, methods and hostile request bodies. Every response also goes through
// assertStatus, which rejects leaked secrets, SQL, exceptions and stack traces.
#include <cppunit/extensions/HelperMacros.h>

#include "accounts.h"
#include "assertions.h"
#include "stack.h"

using namespace it;
using namespace std::string_literals;

namespace {

const char* kWelcome = R"({"message":"Welcome to the LLM API!"})";
const char* kCreated = R"({"message":"User created successfully"})";

// A signup body of a new user whose extra field "pad" holds `padding` raw JSON.
std::string signupWithPadding(const std::string& paddingJson) {
    std::string body = credentialsBody(uniqueName(), "Secure_pwd_123");
    body.pop_back();  // the closing brace
    return body + R"(,"pad":)" + paddingJson + "}";
}

// A signup body of exactly `size` bytes (the padding is a string).
std::string signupOfSize(size_t size) {
    std::string body = signupWithPadding(R"("")");
    CPPUNIT_ASSERT(body.size() <= size);
    return signupWithPadding("\"" + std::string(size - body.size(), 'a') + "\"");
}

// {"username":…,"pad":[[…]]}: `depth` levels in all, the top object included.
std::string signupNested(size_t depth) {
    return signupWithPadding(std::string(depth - 1, '[') + std::string(depth - 1, ']'));
}

std::string detailOf(const Response& r) { return jsonString(r.json().get(), "detail"); }

}  // namespace

class ErrorsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ErrorsTest);
    CPPUNIT_TEST(testWelcomeEveryForm);
    CPPUNIT_TEST(testHealthz);
    CPPUNIT_TEST(testTrailingSlashOptional);
    CPPUNIT_TEST(testUnknownPath);
    CPPUNIT_TEST(testWrongMethod);
    CPPUNIT_TEST(testMalformedJson);
    CPPUNIT_TEST(testNestingLimit);
    CPPUNIT_TEST(testBodySizeLimit);
    CPPUNIT_TEST(testHostileBodies);
    CPPUNIT_TEST(testInvalidUtf8InMessage);
    CPPUNIT_TEST_SUITE_END();

public:
    // A message quoting invalid UTF-8 from the client keeps its text, the bad
    // bytes replaced by U+FFFD (jansson refuses invalid UTF-8 outright).
    void testInvalidUtf8InMessage() {
        const Account a = createAccount();
        for (const char* path : {"/v1/models?provider=%ff", "/api/supported-models/?provider=a%c0%afb"}) {
            const Response r = getWithBearer(path, a.token);
            ASSERT_STATUS(400, r);
            JsonPtr body = r.json();
            const json_t* error = json_object_get(body.get(), "error");
            const std::string message = jsonString(error, "message");
            CPPUNIT_ASSERT_MESSAGE(r.body, message.rfind("Unknown provider '", 0) == 0);
            CPPUNIT_ASSERT_MESSAGE(r.body, message.find("\xEF\xBF\xBD") != std::string::npos);
            CPPUNIT_ASSERT_EQUAL(std::string("provider"), jsonString(error, "param"));
        }
    }

    void testWelcomeEveryForm() {
        for (const char* path : {"/", "/api/", "/api"}) ASSERT_RESPONSE(200, kWelcome, request("GET", path));
    }

    void testHealthz() {
        for (const char* path : {"/healthz", "/healthz/"}) ASSERT_RESPONSE(200, R"({"status":"ok"})", request("GET", path));
    }

    // Every endpoint answers without its trailing slash, directly (no redirect).
    void testTrailingSlashOptional() {
        User u{uniqueName(), "Secure_pwd_123", ""};
        ASSERT_RESPONSE(201, kCreated, postJson("/api/signup", signupBody(u)));
        Response token = postJson("/api/token", signupBody(u));
        ASSERT_STATUS(200, token);
        std::string refreshBody = dumpJson(jsonObject({{"refresh", jsonString(token.json().get(), "refresh")}}).get());
        ASSERT_STATUS(200, postJson("/api/token/refresh", refreshBody));
        ASSERT_STATUS(200, getWithBearer("/api/me", jsonString(token.json().get(), "access")));
        ASSERT_RESPONSE(200, "{}", postJson("/api/token/blacklist", refreshBody));
    }

    void testUnknownPath() {
        for (const char* path : {"/nope", "/api/nope/", "/api/nope", "/api/signup/extra/"})
            ASSERT_RESPONSE(404, R"({"detail":"Not found."})", request("GET", path));
    }

    void testWrongMethod() {
        const std::pair<const char*, const char*> cases[] = {
            {"GET", "/api/signup/"}, {"GET", "/api/token"}, {"DELETE", "/api/token/refresh/"},
            {"PUT", "/api/signup"},  {"GET", "/api/token/blacklist/"},
        };
        for (const auto& [method, path] : cases) {
            Response r = request(method, path);
            ASSERT_RESPONSE(405, std::string(R"({"detail":"Method \")") + method + R"(\" not allowed."})", r);
            CPPUNIT_ASSERT_MESSAGE(std::string(path) + ": Allow is \"" + r.header("Allow") + "\"",
                                   r.header("Allow").find("POST") != std::string::npos);
        }
        // A protected path authenticates first (DRF's order): 401 without a
        // token, 405 with a valid one.
        ASSERT_RESPONSE(401, R"({"detail":"Authentication credentials were not provided."})", request("POST", "/api/me/"));
        Response r = request("POST", "/api/me/", "", {"Authorization: Bearer " + login(createUser()).access});
        ASSERT_RESPONSE(405, R"({"detail":"Method \"POST\" not allowed."})", r);
        CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD, OPTIONS"), r.header("Allow"));
    }

    void testMalformedJson() {
        for (const char* body : {"{bad", R"({"username": "x", )", "{\"username\":\"x\"}}"}) {
            Response r = postJson("/api/signup/", body);
            ASSERT_STATUS(400, r);
            CPPUNIT_ASSERT_MESSAGE("detail: " + r.body, detailOf(r).rfind("JSON parse error - ", 0) == 0);
        }
        ASSERT_SERVING();
    }

    // 64 levels are accepted, 65 and far deeper are refused.
    void testNestingLimit() {
        ASSERT_RESPONSE(201, kCreated, postJson("/api/signup/", signupNested(64)));
        ASSERT_STATUS(400, postJson("/api/signup/", signupNested(65)));
        ASSERT_STATUS(400, postJson("/api/signup/", signupNested(200000)));
        ASSERT_SERVING();
    }

    // 1 MiB is accepted; more is 413 with a JSON detail.
    void testBodySizeLimit() {
        ASSERT_RESPONSE(201, kCreated, postJson("/api/signup/", signupOfSize(1048576)));
        for (size_t size : {size_t{1048577}, size_t{2} << 20}) {
            Response r = postJson("/api/signup/", signupOfSize(size));
            ASSERT_STATUS(413, r);
            CPPUNIT_ASSERT_MESSAGE("413 without a JSON detail: " + r.body.substr(0, 300), !detailOf(r).empty());
        }
        ASSERT_SERVING();
    }

    // Bodies that must be refused with a 400 JSON object, and kill no worker.
    void testHostileBodies() {
        const std::string hostile[] = {
            "[]",
            credentialsBody(uniqueName(), "Secure_pwd_123").insert(0, "[") + "]",
            R"("just a string")",
            "42",
            "null",
            R"({"username":"bad)" + std::string("\xff\xfe") + R"(","password":"Secure_pwd_123"})",
            R"({"username":"overlong)" + std::string("\xc0\xaf") + R"(","password":"Secure_pwd_123"})",
            R"({"username":"surrogate)" + std::string("\xed\xa0\x80") + R"(","password":"Secure_pwd_123"})",
            R"({"username":"nul\u0000","password":"Secure_pwd_123"})",
            "{\"username\":\"a\0b\",\"password\":\"Secure_pwd_123\"}"s,  // a raw NUL byte
            std::string(100000, '{'),
            std::string(100000, '['),
        };
        std::set<std::string> pids = workerPids();
        for (const auto& body : hostile) {
            Response r = postJson("/api/signup/", body);
            ASSERT_STATUS(400, r);
            CPPUNIT_ASSERT_MESSAGE("not a JSON object: " + r.body, json_is_object(r.json().get()));
        }
        ASSERT_SERVING();
        CPPUNIT_ASSERT_MESSAGE("a worker died on a hostile body", workerPids() == pids);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ErrorsTest);
