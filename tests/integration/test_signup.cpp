// POST /api/signup/: validation (DRF wording), storage, and a duplicate race.
#include <cppunit/extensions/HelperMacros.h>

#include <future>
#include <thread>

#include "accounts.h"
#include "assertions.h"
#include "stack.h"

using namespace it;

namespace {

const char* kCreated = R"({"message":"User created successfully"})";
const char* kDuplicate = R"({"username":["A user with that username already exists."]})";
const char* kPassword = "Secure_pwd_123";

std::string repeat(const std::string& s, size_t n) {
    std::string out;
    while (n--) out += s;
    return out;
}

Response signup(const User& u) { return postJson("/api/signup/", signupBody(u)); }

// {"f1":[message],"f2":[message],...}
std::string fieldErrors(std::initializer_list<const char*> fields, const char* message) {
    JsonPtr body(json_object());
    for (const char* f : fields) json_object_set_new(body.get(), f, json_pack("[s]", message));
    return dumpJson(body.get());
}

// A Django pbkdf2_sha256 hash (as `manage.py dumpdata auth.user` exports it) of "Imported_pwd_1".
const char* kPbkdf2Hash = "pbkdf2_sha256$260000$ItSaltV3ry5alty$SD5p4+OqDhSLscsjpzOnREU9hjq+Ce9yso5bxq/fQKo=";

}  // namespace

class SignupTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SignupTest);
    CPPUNIT_TEST(testCreateWithEmail);
    CPPUNIT_TEST(testDuplicate);
    CPPUNIT_TEST(testMissingFields);
    CPPUNIT_TEST(testBlankFields);
    CPPUNIT_TEST(testInvalidUsernames);
    CPPUNIT_TEST(testValidUsernames);
    CPPUNIT_TEST(testPasswordLength);
    CPPUNIT_TEST(testBadEmail);
    CPPUNIT_TEST(testPasswordStoredHashed);
    CPPUNIT_TEST(testImportedPbkdf2User);
    CPPUNIT_TEST(testConcurrentDuplicate);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCreateWithEmail() {
        User u = createUser("someone@example.com");
        Response me = getWithBearer("/api/me/", login(u).access);
        ASSERT_STATUS(200, me);
        CPPUNIT_ASSERT_EQUAL(std::string("someone@example.com"), jsonString(me.json().get(), "email"));
    }

    void testDuplicate() {
        User u = createUser();
        ASSERT_RESPONSE(400, kDuplicate, signup(u));
        ASSERT_RESPONSE(400, kDuplicate, signup({u.username, "Other_pwd_456", "x@example.com"}));
    }

    void testMissingFields() {
        const char* required = "This field is required.";
        ASSERT_RESPONSE(400, fieldErrors({"username", "password"}, required), postJson("/api/signup/", "{}"));
        ASSERT_RESPONSE(400, fieldErrors({"username", "password"}, required), postJson("/api/signup/", ""));
        ASSERT_RESPONSE(400, fieldErrors({"password"}, required),
                        postJson("/api/signup/", dumpJson(jsonObject({{"username", uniqueName()}}).get())));
        ASSERT_RESPONSE(400, fieldErrors({"username"}, required),
                        postJson("/api/signup/", dumpJson(jsonObject({{"password", kPassword}}).get())));
    }

    void testBlankFields() {
        ASSERT_RESPONSE(400, fieldErrors({"username", "password"}, "This field may not be blank."),
                        postJson("/api/signup/", R"({"username":"","password":""})"));
    }

    void testInvalidUsernames() {
        for (const std::string& name : {std::string("bad user!"), std::string(151, 'a'), std::string("semi;colon"),
                                        std::string("slash/") + uniqueName(), std::string("quote'") + uniqueName(),
                                        std::string("emoji\xF0\x9F\x98\x80") + uniqueName()})
            ASSERT_FIELD_ERRORS(400, std::set<std::string>{"username"}, signup({name, kPassword, ""}));
    }

    // Unicode letters, the five allowed symbols, 150 characters (not bytes),
    // and case-sensitive uniqueness; each then logs in under the same name.
    void testValidUsernames() {
        std::string suffix = uniqueName("");
        std::string names[] = {
            "Jos\xC3\xA9_\xC3\xBC" + suffix,
            "a.b@c+d-e_" + suffix,
            repeat("\xC3\xA9", 150 - suffix.size()) + suffix,  // "é…": 150 characters, more bytes
            "Case" + suffix,
            "case" + suffix,
        };
        for (const auto& name : names) {
            ASSERT_RESPONSE(201, kCreated, signup({name, kPassword, ""}));
            Response me = getWithBearer("/api/me/", login({name, kPassword, ""}).access);
            ASSERT_STATUS(200, me);
            CPPUNIT_ASSERT_EQUAL(name, jsonString(me.json().get(), "username"));
        }
    }

    void testPasswordLength() {
        for (const char* password : {"short", "Zq7#pL2"})
            ASSERT_FIELD_ERRORS(400, std::set<std::string>{"password"}, signup({uniqueName(), password, ""}));
        User u{uniqueName(), "Zq7#pL2x", ""};  // exactly 8
        ASSERT_RESPONSE(201, kCreated, signup(u));
        login(u);
    }

    void testBadEmail() {
        for (const char* email : {"not-an-email", "a@@example.com", "user@"})
            ASSERT_RESPONSE(400, R"({"email":["Enter a valid email address."]})", signup({uniqueName(), kPassword, email}));
    }

    void testPasswordStoredHashed() {
        User u = createUser();
        std::string stored = sql("SELECT password FROM users WHERE username=" + sqlQuote(u.username));
        CPPUNIT_ASSERT_MESSAGE("stored: " + stored, stored.rfind("argon2$argon2id$v=19$m=", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE("stored: " + stored, stored.find(u.password) == std::string::npos);
    }

    // A user imported from the Django service logs in with the old password.
    void testImportedPbkdf2User() {
        User u{uniqueName("imported"), "Imported_pwd_1", ""};
        sql("INSERT INTO users (username, email, password, is_active, date_joined) VALUES (" + sqlQuote(u.username) +
            ", '', " + sqlQuote(kPbkdf2Hash) + ", 1, NOW(6))");
        ASSERT_STATUS(200, getWithBearer("/api/me/", login(u).access));
        ASSERT_RESPONSE(401, R"({"detail":"No active account found with the given credentials"})",
                        postJson("/api/token/", credentialsBody(u.username, "Imported_pwd_2")));
    }

    // 8 simultaneous signups of one new name: exactly one wins.
    void testConcurrentDuplicate() {
        const User u{uniqueName("race"), kPassword, ""};
        std::promise<void> go;
        std::shared_future<void> start = go.get_future().share();
        std::vector<std::future<Response>> results;
        for (int i = 0; i < 8; ++i)
            results.push_back(std::async(std::launch::async, [&u, start] {
                start.wait();
                return signup(u);
            }));
        go.set_value();
        int created = 0;
        for (auto& f : results) {
            Response r = f.get();
            if (r.status == 201) {
                ++created;
                ASSERT_RESPONSE(201, kCreated, r);
            } else if (r.status == 503) {
                // The hash gate's bounded wait ([auth] hash_wait_ms) on a
                // loaded machine: refused, and nothing created by it.
                ASSERT_RESPONSE(503, R"({"detail":"Too many signups in progress; try again shortly."})", r);
            } else {
                ASSERT_RESPONSE(400, kDuplicate, r);
            }
        }
        CPPUNIT_ASSERT_EQUAL(1, created);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SignupTest);
