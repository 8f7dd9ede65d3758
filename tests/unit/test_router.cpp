// llmapi::http routing, query strings and request bodies.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "http/body.h"
#include "http/errors.h"
#include "http/request.h"
#include "api/router.h"

using llmapi::JsonPtr;
using llmapi::json_to_string;
using llmapi::api::canonical_path;
using llmapi::http::HttpError;
using llmapi::http::json_depth;
using llmapi::http::parse_body;
using llmapi::http::query_param;
using llmapi::http::Request;
using llmapi::http::require_object;

namespace {

using TestRouter = llmapi::api::Router<std::string, bool>;
using TestMatch = llmapi::api::Match<std::string, bool>;

TestRouter make_router() {
    TestRouter r;
    r.add("GET", "/", "root");
    r.add("POST", "/api/signup/", "signup");
    r.add("GET", "/api/supported-models/", "models", true);
    r.add("GET", "/api/usage", "usage-get", true);
    r.add("POST", "/api/usage", "usage-post", true);
    return r;
}

Request body_request(const std::string& content_type, const std::string& body) {
    Request req;
    req.method = "POST";
    req.content_type = content_type;
    req.body = body;
    return req;
}

// parse_body on a body that must be accepted, as compact JSON.
std::string parsed(const std::string& content_type, const std::string& body) {
    JsonPtr j = parse_body(body_request(content_type, body));
    CPPUNIT_ASSERT(j);
    return json_to_string(j.get());
}

// The HttpError `fn` must throw.
template <class Fn>
HttpError thrown_by(Fn fn) {
    try {
        fn();
    } catch (const HttpError& e) {
        return e;
    }
    CPPUNIT_FAIL("no HttpError thrown");
    throw;  // unreachable
}

HttpError body_error(const std::string& content_type, const std::string& body) {
    return thrown_by([&] { parse_body(body_request(content_type, body)); });
}

std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

}  // namespace

class RouterTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RouterTest);
    CPPUNIT_TEST(testCanonicalPath);
    CPPUNIT_TEST(testMatchTrailingSlashAndDoubleSlash);
    CPPUNIT_TEST(testNotFound);
    CPPUNIT_TEST(testMethodNotAllowed);
    CPPUNIT_TEST(testHeadMatchesGet);
    CPPUNIT_TEST(testSeveralMethodsOnOnePath);
    CPPUNIT_TEST(testQueryParam);
    CPPUNIT_TEST(testQueryParamMissingAndEmpty);
    CPPUNIT_TEST(testEmptyBodyIsObject);
    CPPUNIT_TEST(testJsonBody);
    CPPUNIT_TEST(testBadJson);
    CPPUNIT_TEST(testDepthLimit);
    CPPUNIT_TEST(testJsonDepth);
    CPPUNIT_TEST(testInvalidUtf8);
    CPPUNIT_TEST(testFormBody);
    CPPUNIT_TEST(testFormContentTypeWithJsonBody);
    CPPUNIT_TEST(testUnsupportedMediaType);
    CPPUNIT_TEST(testRequireObject);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCanonicalPath() {
        CPPUNIT_ASSERT_EQUAL(std::string("/api/signup"), canonical_path("/api/signup/"));
        CPPUNIT_ASSERT_EQUAL(std::string("/api/signup"), canonical_path("/api/signup"));
        CPPUNIT_ASSERT_EQUAL(std::string("/"), canonical_path("/"));
        CPPUNIT_ASSERT_EQUAL(std::string("/"), canonical_path(""));
        CPPUNIT_ASSERT_EQUAL(std::string("/"), canonical_path("///"));
        CPPUNIT_ASSERT_EQUAL(std::string("/api"), canonical_path("//api//"));
        CPPUNIT_ASSERT_EQUAL(std::string("/api/token/refresh"), canonical_path("/api//token///refresh/"));
        CPPUNIT_ASSERT_EQUAL(std::string("/api"), canonical_path("api/"));
    }

    void testMatchTrailingSlashAndDoubleSlash() {
        const TestRouter r = make_router();
        for (const char* p : {"/api/signup/", "/api/signup", "//api//signup//", "/api/signup//"}) {
            const TestMatch m = r.match("POST", p);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(p, TestMatch::Found, m.kind);
            CPPUNIT_ASSERT_EQUAL(std::string("signup"), m.route->handler);
            CPPUNIT_ASSERT(!m.route->policy);
        }
        const TestMatch models = r.match("GET", "/api/supported-models");
        CPPUNIT_ASSERT_EQUAL(TestMatch::Found, models.kind);
        CPPUNIT_ASSERT(models.route->policy);
        CPPUNIT_ASSERT_EQUAL(std::string("root"), r.match("GET", "").route->handler);
    }

    void testNotFound() {
        const TestRouter r = make_router();
        for (const char* p : {"/api/nope/", "/api", "/api/signup/x", "/API/signup/", "/api/signupx"}) {
            const TestMatch m = r.match("POST", p);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(p, TestMatch::NotFound, m.kind);
            CPPUNIT_ASSERT(m.route == nullptr);
            CPPUNIT_ASSERT_EQUAL(std::string(), m.allow);
        }
    }

    void testMethodNotAllowed() {
        const TestRouter r = make_router();
        TestMatch m = r.match("GET", "/api/signup/");
        CPPUNIT_ASSERT_EQUAL(TestMatch::MethodNotAllowed, m.kind);
        CPPUNIT_ASSERT(m.route == nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("POST, OPTIONS"), m.allow);
        m = r.match("DELETE", "/api/supported-models");
        CPPUNIT_ASSERT_EQUAL(TestMatch::MethodNotAllowed, m.kind);
        CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD, OPTIONS"), m.allow);
        // OPTIONS is no route of its own: the caller answers it from `allow`.
        m = r.match("OPTIONS", "/api/signup");
        CPPUNIT_ASSERT(m.kind != TestMatch::Found);
        CPPUNIT_ASSERT_EQUAL(std::string("POST, OPTIONS"), m.allow);
    }

    void testHeadMatchesGet() {
        const TestRouter r = make_router();
        TestMatch m = r.match("HEAD", "/api/supported-models/");
        CPPUNIT_ASSERT_EQUAL(TestMatch::Found, m.kind);
        CPPUNIT_ASSERT_EQUAL(std::string("models"), m.route->handler);
        CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD, OPTIONS"), m.allow);
        m = r.match("HEAD", "/api/signup/");
        CPPUNIT_ASSERT_EQUAL(TestMatch::MethodNotAllowed, m.kind);
        CPPUNIT_ASSERT_EQUAL(std::string("POST, OPTIONS"), m.allow);
    }

    void testSeveralMethodsOnOnePath() {
        const TestRouter r = make_router();
        CPPUNIT_ASSERT_EQUAL(std::string("usage-get"), r.match("GET", "/api/usage/").route->handler);
        CPPUNIT_ASSERT_EQUAL(std::string("usage-post"), r.match("POST", "/api/usage/").route->handler);
        const TestMatch m = r.match("PUT", "/api/usage/");
        CPPUNIT_ASSERT_EQUAL(TestMatch::MethodNotAllowed, m.kind);
        CPPUNIT_ASSERT_EQUAL(std::string("GET, POST, HEAD, OPTIONS"), m.allow);  // Django's order
    }

    void testQueryParam() {
        CPPUNIT_ASSERT_EQUAL(std::string("openai"), query_param("provider=openai", "provider"));
        CPPUNIT_ASSERT_EQUAL(std::string("gemini"), query_param("a=1&provider=gem%69ni&b=2", "provider"));
        CPPUNIT_ASSERT_EQUAL(std::string("a b c/d"), query_param("q=a+b%20c%2Fd", "q"));
        CPPUNIT_ASSERT_EQUAL(std::string("x"), query_param("pro%76ider=x", "provider"));
        CPPUNIT_ASSERT_EQUAL(std::string("\xe7\x94\xa8"), query_param("u=%E7%94%A8", "u"));
        CPPUNIT_ASSERT_EQUAL(std::string("a=b"), query_param("k=a%3Db", "k"));
        CPPUNIT_ASSERT_EQUAL(std::string("y"), query_param("&&provider=y&", "provider"));
    }

    void testQueryParamMissingAndEmpty() {
        bool found = true;
        CPPUNIT_ASSERT_EQUAL(std::string(), query_param("xprovider=1&providerx=2", "provider", &found));
        CPPUNIT_ASSERT(!found);
        CPPUNIT_ASSERT_EQUAL(std::string(), query_param("", "provider", &found));
        CPPUNIT_ASSERT(!found);
        CPPUNIT_ASSERT_EQUAL(std::string(), query_param("provider=&a=1", "provider", &found));
        CPPUNIT_ASSERT(found);
        found = false;
        CPPUNIT_ASSERT_EQUAL(std::string(), query_param("a=1&provider", "provider", &found));
        CPPUNIT_ASSERT(found);
    }

    void testEmptyBodyIsObject() {
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), parsed("application/json", ""));
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), parsed("", ""));
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), parsed("application/json", " \r\n\t"));
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), parsed("application/x-www-form-urlencoded", ""));
    }

    void testJsonBody() {
        CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1,\"b\":[true,null]}"),
                             parsed("application/json", "{\"a\": 1, \"b\": [true, null]}"));
        CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":\"\xc3\xa9\"}"),
                             parsed("Application/JSON; charset=utf-8", "{\"a\":\"\\u00e9\"}"));
        CPPUNIT_ASSERT_EQUAL(std::string("[1]"), parsed("", "[1]"));  // a list parses; require_object refuses it
    }

    void testBadJson() {
        for (const char* bad : {"{bad", "{\"a\":1,}", "{\"a\":1} x", "'a'"}) {
            const HttpError e = body_error("application/json", bad);
            CPPUNIT_ASSERT_EQUAL(400, e.status());
            CPPUNIT_ASSERT_MESSAGE(e.body(), starts_with(e.body(), "{\"detail\":\"JSON parse error - "));
        }
    }

    void testDepthLimit() {
        CPPUNIT_ASSERT_EQUAL(nested(64), parsed("application/json", nested(64)));
        HttpError e = body_error("application/json", nested(65));
        CPPUNIT_ASSERT_EQUAL(400, e.status());
        CPPUNIT_ASSERT_MESSAGE(e.body(), starts_with(e.body(), "{\"detail\":\"JSON parse error - "));
        // Objects count as levels too, and far deeper input is refused as well.
        std::string objects;
        for (int i = 0; i < 65; ++i) objects += "{\"k\":";
        objects += "1" + std::string(65, '}');
        CPPUNIT_ASSERT_EQUAL(400, body_error("application/json", objects).status());
        CPPUNIT_ASSERT_EQUAL(400, body_error("application/json", nested(100000)).status());
    }

    void testJsonDepth() {
        JsonPtr scalar(json_integer(1));
        CPPUNIT_ASSERT_EQUAL(0, json_depth(scalar.get(), 100));
        JsonPtr obj(json_loads("{\"a\":[{\"b\":[]}],\"c\":1}", 0, nullptr));
        CPPUNIT_ASSERT_EQUAL(4, json_depth(obj.get(), 100));
        CPPUNIT_ASSERT_EQUAL(2, json_depth(obj.get(), 2));  // stops counting at the limit
    }

    void testInvalidUtf8() {
        for (const char* bad : {"{\"a\":\"\xff\"}", "{\"a\":\"\xc3\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"\xc0\xaf\":1}"}) {
            const HttpError e = body_error("application/json", bad);
            CPPUNIT_ASSERT_EQUAL(400, e.status());
            CPPUNIT_ASSERT_MESSAGE(e.body(), starts_with(e.body(), "{\"detail\":\"JSON parse error - "));
        }
    }

    void testFormBody() {
        CPPUNIT_ASSERT_EQUAL(std::string("{\"username\":\"jos\xc3\xa9\",\"password\":\"a b!\",\"email\":\"\",\"n\":\"1\"}"),
                             parsed("application/x-www-form-urlencoded",
                                    "username=jos%C3%A9&password=a+b%21&email=&n=1"));
        CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":\"x\"}"),
                             parsed("application/x-www-form-urlencoded; charset=UTF-8", "&a=x&"));
    }

    void testFormContentTypeWithJsonBody() {
        // curl -d '{"username":...}' without -H sends the form content type.
        CPPUNIT_ASSERT_EQUAL(std::string("{\"username\":\"bob\",\"n\":2}"),
                             parsed("application/x-www-form-urlencoded", " {\"username\":\"bob\",\"n\":2}"));
        CPPUNIT_ASSERT_EQUAL(std::string("[1,2]"), parsed("application/x-www-form-urlencoded", "[1,2]"));
        CPPUNIT_ASSERT_EQUAL(400, body_error("application/x-www-form-urlencoded", "{bad").status());
    }

    void testUnsupportedMediaType() {
        HttpError e = body_error("text/plain", "{}");
        CPPUNIT_ASSERT_EQUAL(415, e.status());
        CPPUNIT_ASSERT_EQUAL(std::string("{\"detail\":\"Unsupported media type \\\"text/plain\\\" in request.\"}"),
                             e.body());
        CPPUNIT_ASSERT_EQUAL(415, body_error("application/jsonx", "{}").status());
        CPPUNIT_ASSERT_EQUAL(415, body_error("application/xml", "<a/>").status());
    }

    void testRequireObject() {
        JsonPtr list(json_loads("[1]", 0, nullptr));
        HttpError e = thrown_by([&] { require_object(list.get()); });
        CPPUNIT_ASSERT_EQUAL(400, e.status());
        CPPUNIT_ASSERT_EQUAL(std::string("{\"non_field_errors\":[\"Invalid data. Expected a dictionary, but got list.\"]}"),
                             e.body());
        JsonPtr str(json_string("x"));
        e = thrown_by([&] { require_object(str.get()); });
        CPPUNIT_ASSERT_EQUAL(std::string("{\"non_field_errors\":[\"Invalid data. Expected a dictionary, but got str.\"]}"),
                             e.body());
        JsonPtr obj(json_object());
        CPPUNIT_ASSERT_NO_THROW(require_object(obj.get()));
    }
};

class LoopbackTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LoopbackTest);
    CPPUNIT_TEST(testLoopbackAddresses);
    CPPUNIT_TEST_SUITE_END();

public:
    void testLoopbackAddresses() {
        for (const char* a : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"})
            CPPUNIT_ASSERT_MESSAGE(a, llmapi::http::is_loopback(a));
        for (const char* a : {"", "10.0.0.1", "128.0.0.1", "1.127.0.0", "::2", "2001:db8::1", "::ffff:10.0.0.1", "unix:"})
            CPPUNIT_ASSERT_MESSAGE(a, !llmapi::http::is_loopback(a));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RouterTest);
CPPUNIT_TEST_SUITE_REGISTRATION(LoopbackTest);
