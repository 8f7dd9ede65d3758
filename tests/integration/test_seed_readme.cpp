// The curl requests of the seed README (shared/seed-README.md), sent verbatim:
// same paths, headers and bodies, only the username made unique per run.
#include <cppunit/extensions/HelperMacros.h>

#include "accounts.h"
#include "assertions.h"

using namespace it;

namespace {

// The README's request bodies, character for character.
const char* kSignupBody = R"({"username": "charming_user", "password": "secure_pwd"})";
const char* kTokenBody = R"({"username": "$USERNAME", "password": "$PASSWORD"})";
const char* kRefreshBody = R"({"refresh": "$REFRESH_TOKEN"})";

std::string substitute(std::string text, const std::string& var, const std::string& value) {
    for (size_t at = 0; (at = text.find(var, at)) != std::string::npos; at += value.size())
        text.replace(at, var.size(), value);
    return text;
}

// What the curl command line sends: its own Accept and User-Agent, plus -H.
const std::vector<std::string> kCurlHeaders{"User-Agent: curl/7.88.1", "Accept: */*"};

// curl -X POST <base><path> -H "Content-Type: application/json" -d '<body>'
Response curlPost(const std::string& path, const std::string& body) {
    std::vector<std::string> headers = kCurlHeaders;
    headers.push_back("Content-Type: application/json");
    return request("POST", path, body, headers);
}

void assertTokenString(const std::string& token) {
    CPPUNIT_ASSERT_MESSAGE("not a JWT: " + token, token.rfind("eyJ", 0) == 0);
}

}  // namespace

class SeedReadmeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SeedReadmeTest);
    CPPUNIT_TEST(testWelcome);
    CPPUNIT_TEST(testSignup);
    CPPUNIT_TEST(testToken);
    CPPUNIT_TEST(testRefresh);
    CPPUNIT_TEST_SUITE_END();

    std::string username_;

    Response readmeSignup() { return curlPost("/api/signup/", substitute(kSignupBody, "charming_user", username_)); }

    Response readmeToken() {
        std::string body = substitute(substitute(kTokenBody, "$USERNAME", username_), "$PASSWORD", "secure_pwd");
        return curlPost("/api/token/", body);
    }

public:
    void setUp() override { username_ = uniqueName("charming_user"); }

    // curl http://127.0.0.1:8000/
    void testWelcome() {
        ASSERT_RESPONSE(200, R"({"message":"Welcome to the LLM API!"})", request("GET", "/", "", kCurlHeaders));
    }

    void testSignup() { ASSERT_RESPONSE(201, R"({"message":"User created successfully"})", readmeSignup()); }

    void testToken() {
        ASSERT_STATUS(201, readmeSignup());
        Response r = readmeToken();
        ASSERT_STATUS(200, r);
        ASSERT_KEYS((std::set<std::string>{"access", "refresh"}), r);
        JsonPtr body = r.json();
        assertTokenString(jsonString(body.get(), "access"));
        assertTokenString(jsonString(body.get(), "refresh"));
    }

    void testRefresh() {
        ASSERT_STATUS(201, readmeSignup());
        Response token = readmeToken();
        ASSERT_STATUS(200, token);
        std::string refreshToken = jsonString(token.json().get(), "refresh");

        Response r = curlPost("/api/token/refresh/", substitute(kRefreshBody, "$REFRESH_TOKEN", refreshToken));
        ASSERT_STATUS(200, r);
        ASSERT_KEYS(std::set<std::string>{"access"}, r);  // rotation is off in the test config
        assertTokenString(jsonString(r.json().get(), "access"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SeedReadmeTest);
